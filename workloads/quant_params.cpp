// Scale and zero-point checks shared by the QDQ (ops_qdq.cpp) and QOperator (ops_qoperator.cpp)
// handlers. Layouts: onnx.ai/onnx/operators/onnx__QuantizeLinear.html and
// onnx__DequantizeLinear.html (per-tensor or per-axis scale, zero point of the scale's shape).
#include "workloads/quant_params.h"

namespace eesim::workloads {

int64_t quantized_bits(const NodeView& n, DataType t, const std::string& role, bool allow_int32) {
  switch (t) {
    case DataType::kInt8:
    case DataType::kUint8:
      return 8;
    case DataType::kInt16:
    case DataType::kUint16:
      return 16;
    case DataType::kInt32:
      if (allow_int32) return 32;
      break;
    default:
      break;
  }
  n.fail(role + " has type " + to_string(t) +
         "; eesim reads quantized tensors of type int8, uint8, int16 or uint16" +
         (allow_int32 ? " (int32 for a dequantized bias)" : ""));
}

namespace {

bool is_floating(DataType t) {
  return t == DataType::kFloat || t == DataType::kFloat16 || t == DataType::kBfloat16 ||
         t == DataType::kDouble;
}

}  // namespace

DataType check_quant_params(const NodeView& n, size_t x, size_t scale, size_t zero_point,
                            std::optional<int64_t> channel_axis, const std::string& role) {
  if (!n.has_input(scale))
    n.fail("missing the scale of " + role + " (input " + std::to_string(scale) + ")");
  const Shape& s = n.dims(scale);
  if (!is_floating(n.in(scale).dtype))
    n.fail("the scale of " + role + " (input " + std::to_string(scale) + ") has type " +
           to_string(n.in(scale).dtype) + "; scales are floating point");
  const int64_t count = num_elements(s);
  if (s.size() > 1 || count < 1 || (count > 1 && !channel_axis)) {
    n.fail("the scale of " + role + " has shape " + to_string(s) +
           (!channel_axis ? "; it must be one value (per tensor)"
                          : "; it must be one value (per tensor) or 1-D (per channel)"));
  }
  if (count > 1) {
    const Shape& xd = n.dims(x);
    const int64_t a = n.axis(*channel_axis, static_cast<int64_t>(xd.size()));
    if (xd[a] != count)
      n.fail("the per-channel scale of " + role + " has " + std::to_string(count) +
             " values but axis " + std::to_string(a) + " of " + to_string(xd) + " has " +
             std::to_string(xd[a]));
  }
  if (!n.has_input(zero_point)) return DataType::kUndefined;
  // Only its type matters here; its shape is not checked against the scale's: PyTorch 1.13
  // exports a bias's DequantizeLinear with a [1] scale and a [C] zero point of zeros.
  if (n.dims(zero_point).size() > 1)
    n.fail("the zero point of " + role + " has shape " + to_string(n.dims(zero_point)) +
           "; it must be one value or 1-D");
  return n.in(zero_point).dtype;
}

}  // namespace eesim::workloads
