#pragma once
// A serialized ONNX model without its initializers' payloads: the skeleton protobuf parses instead
// of the whole file when weights are not asked for. Parsing copies every bytes field into a
// string, so on ResNet-18 (46.7 MB, nearly all of it initializer raw_data) the full parse spent
// ~335 ms copying weights of which only the dims were kept; its skeleton is 10 KB. The payloads
// stay where they are, in the caller's buffer (a mapped file): the reader checks their lengths
// and loads the values of small tensors from there.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace eesim::workloads {

struct OnnxSkeleton {
  // The model's bytes with TensorProto.raw_data cut from every initializer of the main graph
  // (ModelProto.graph.initializer); every other field as it was, the lengths of the messages
  // around a cut re-encoded. Constant nodes, subgraphs and training_info keep their tensors.
  std::string bytes;
  // One entry per initializer of the main graph, in the order protobuf lists them after parsing
  // `bytes` (wire order): the raw_data cut from it, a view into the model's bytes (of its last
  // raw_data field: protobuf keeps the last of a repeated singular field), or nullopt when it
  // had none.
  std::vector<std::optional<std::string_view>> raw_data;
};

// Returns nullopt when `model` is not well-formed protobuf wire format along the path walked (a
// varint running past the end or over 10 bytes, a length past the end, field number 0, wire type
// 6 or 7, a group not closed): the caller then lets protobuf parse the whole of `model` and
// report it. Reads only the bytes it walks: the payloads it cuts are skipped by their length.
std::optional<OnnxSkeleton> onnx_skeleton(std::string_view model);

}  // namespace eesim::workloads
