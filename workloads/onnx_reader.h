#pragma once
// ONNX bytes -> OnnxModel. The only place that parses the ONNX protobuf.
#include <string>
#include <string_view>

#include "workloads/onnx_model.h"

namespace eesim::workloads {

struct ReadOptions {
  // Keep the stored elements of every initializer and Constant tensor (TensorData::payload),
  // reading external data files, so that weight density can be measured. Off (the default),
  // weights are never read: only dims, and the values of tensors small enough for shape
  // arithmetic (kMaxValueElements) unless only ops' weight inputs read them (op_registry.h
  // WeightInputs); external data files are not opened. A file is then mapped, not read, and
  // protobuf parses its skeleton (onnx_skeleton.h).
  bool weights = false;
  // Directory that external data `location`s are relative to. read_onnx_file uses the model
  // file's directory when this is empty; for bytes, empty means external data is an error.
  std::string base_dir;
};

// Reads and parses a .onnx file. Throws eesim::Error naming the file when it cannot be read or
// is not an ONNX model (truncated, random bytes, another protobuf message). With
// options.weights, also when a tensor's stored values do not match its dims and type (truncated
// raw_data, a typed field of the wrong length) or its external data is missing or short.
OnnxModel read_onnx_file(const std::string& path, const ReadOptions& options = {});

// Same, from bytes already in memory; `source` names them in errors.
OnnxModel read_onnx_bytes(std::string_view bytes, const std::string& source,
                          const ReadOptions& options = {});

}  // namespace eesim::workloads
