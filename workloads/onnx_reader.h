#pragma once
// ONNX bytes -> OnnxModel. The only place that parses the ONNX protobuf.
#include <string>
#include <string_view>

#include "workloads/onnx_model.h"

namespace eesim::workloads {

// Reads and parses a .onnx file. Throws eesim::Error naming the file when it cannot be read or
// is not an ONNX model (truncated, random bytes, another protobuf message).
OnnxModel read_onnx_file(const std::string& path);

// Same, from bytes already in memory; `source` names them in errors.
OnnxModel read_onnx_bytes(std::string_view bytes, const std::string& source);

}  // namespace eesim::workloads
