#pragma once
// The (scale, zero point) pairs of quantized ONNX ops, checked once for QDQ and QOperator
// handlers alike: what precision they give a tensor, and that their shapes fit it.
#include <optional>
#include <string>

#include "workloads/op_registry.h"

namespace eesim::workloads {

// Bits of an integer type a zero point (or a quantized tensor) may have: int8/uint8 8,
// int16/uint16 16, int32 32 (only a DequantizeLinear's input: the int32 bias onnxruntime's
// quantizer writes). Fails naming the node and `role` for any other type (float, int64; int4
// and float8 never get here: the reader refuses their data types).
int64_t quantized_bits(const NodeView& n, DataType t, const std::string& role, bool allow_int32);

// Checks the scale (input `scale`) and optional zero point (input `zero_point`, absent when
// past the inputs or "") that quantize input `x`, called `role` in errors: the scale is present
// and floating; both are one value (per tensor) or, when `channel_axis` is given, a 1-D tensor
// of x's extent along that axis (per channel: ONNX QuantizeLinear/DequantizeLinear opset 13+,
// QLinearConv's w_scale, QLinearMatMul's b_scale); the zero point is one value or 1-D.
// Returns the zero point's type (kUndefined when absent).
DataType check_quant_params(const NodeView& n, size_t x, size_t scale, size_t zero_point,
                            std::optional<int64_t> channel_axis, const std::string& role);

}  // namespace eesim::workloads
