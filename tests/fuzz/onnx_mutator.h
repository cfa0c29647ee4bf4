#pragma once
// A structure-aware mutator for fuzz_onnx: byte flips on protobuf wire format mostly break the
// length prefixes, so libFuzzer would spend its time in the parser. This one parses the model,
// edits it through protobuf reflection (rewires a node input to another tensor, swaps an op type,
// drops or copies an attribute, node or tensor, sets a dim or attribute int to an edge value),
// and serialises it again: inputs stay valid ONNX protobufs and reach the importer's op handlers.
// The role libprotobuf-mutator plays elsewhere; Debian does not package it. It sees only wire
// bytes: the importer under test still parses them with its own (lite) classes.
#include <cstddef>
#include <cstdint>
#include <string>

namespace eesim::fuzz {

// Mutates the serialised ModelProto in data[0, size) in place; returns the new size (at most
// max_size), or 0 when the input does not parse or the result would not fit, in which case the
// caller falls back to libFuzzer's byte-level mutations.
size_t mutate_onnx(uint8_t* data, size_t size, size_t max_size, unsigned int seed);

// The custom mutator fuzz_onnx and fuzz_evaluate give libFuzzer: mostly structure-aware
// mutations (mutate_onnx); one time in eight libFuzzer's byte-level ones (LLVMFuzzerMutate),
// which reach the protobuf reader's own checks (truncation, bad lengths, wrong wire types).
// libFuzzer chains up to five mutations per run, and a byte flip mostly leaves no parseable
// model for the next one to edit: a byte-level result that no longer parses is kept one time
// in four, else undone.
size_t mutate_for_libfuzzer(uint8_t* data, size_t size, size_t max_size, unsigned int seed);

// Whether the bytes parse as a ModelProto at all.
bool parses_as_onnx(const uint8_t* data, size_t size);
inline bool parses_as_onnx(const std::string& bytes) {
  return parses_as_onnx(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

}  // namespace eesim::fuzz
