// The QOperator layout: ops that take quantized tensors with their scales and zero points and
// return a quantized tensor, as onnxruntime's quantizer (QuantFormat.QOperator) writes them.
// Each becomes the layer its float twin would (same shapes, MACs, window), found in the
// registry and run on the twin's inputs; the layer's precisions follow the integer types.
// Input layouts: onnx.ai/onnx/operators/onnx__QLinearConv.html, onnx__QLinearMatMul.html,
// onnx__ConvInteger.html, onnx__MatMulInteger.html; the com.microsoft ones from onnxruntime's
// docs/ContribOperators.md (QGemm, QLinearAdd, QLinearMul, QLinearAveragePool,
// QLinearGlobalAveragePool, QLinearSigmoid, QLinearLeakyRelu, QLinearConcat).
#include <cassert>
#include <optional>

#include "workloads/op_registry.h"
#include "workloads/quant_params.h"

namespace eesim::workloads {
namespace {

void expect_between(const NodeView& n, size_t lo, size_t hi, const char* layout) {
  if (n.num_inputs() < lo || n.num_inputs() > hi)
    n.fail("takes " +
           (lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi)) +
           " inputs (" + layout + "), got " + std::to_string(n.num_inputs()));
}

// Runs float op `op` on this node's inputs at `picks` (one past the inputs or "": omitted), with
// its attributes.
OpResult float_twin(const NodeView& n, const std::string& op, const std::vector<size_t>& picks) {
  OnnxNode twin;
  twin.name = n.node().name;
  twin.op_type = op;
  twin.attributes = n.node().attributes;
  std::vector<const Value*> inputs;
  for (size_t i : picks) {
    const bool present = n.has_input(i);
    twin.inputs.push_back(present ? n.node().inputs[i] : "");
    inputs.push_back(present ? &n.input(i) : nullptr);
  }
  const OpHandler handler = default_ops().find(op);
  assert(handler);  // every twin is a registered float op
  return handler(NodeView(twin, std::move(inputs), n.opset(), n.where()));
}

// The quantized type of an output with zero point `zp` (kUndefined: none given, and then
// `fallback`, the input's type, as the contrib ops define it).
OpResult with_output_type(const NodeView& n, OpResult r, DataType zp, DataType fallback) {
  const DataType t = zp != DataType::kUndefined ? zp : fallback;
  quantized_bits(n, t, "the output zero point", false);
  for (TensorData& out : r.outputs) out.dtype = t;
  return r;
}

// x, its scale and zero point at (x, x+1, x+2): one tensor's quantization, checked.
DataType quantized_input(const NodeView& n, size_t x, std::optional<int64_t> axis,
                         const std::string& role) {
  n.input(x);
  const DataType zp = check_quant_params(n, x, x + 1, x + 2, axis, role);
  quantized_bits(n, n.in(x).dtype, role, false);
  if (zp != DataType::kUndefined && zp != n.in(x).dtype)
    n.fail("the zero point of " + role + " has type " + to_string(zp) + " but " + role +
           " has type " + to_string(n.in(x).dtype));
  return n.in(x).dtype;
}

DataType output_zero_point(const NodeView& n, size_t scale) {
  return check_quant_params(n, scale, scale, scale + 1, std::nullopt, "the output");
}

OpResult qlinear_conv(const NodeView& n) {
  expect_between(n, 8, 9,
                 "x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, "
                 "y_zero_point, optional B");
  quantized_input(n, 0, std::nullopt, "x");
  quantized_input(n, 3, 0, "w");  // per output channel: axis 0 of [M, C/group, kH, kW]
  const DataType zp = output_zero_point(n, 6);
  return with_output_type(n, float_twin(n, "Conv", {0, 3, 8}), zp, n.in(0).dtype);
}

OpResult qlinear_matmul(const NodeView& n) {
  expect_between(n, 8, 8,
                 "a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, "
                 "y_zero_point");
  quantized_input(n, 0, std::nullopt, "a");
  quantized_input(n, 3, -1, "b");  // per column: the last axis of b
  const DataType zp = output_zero_point(n, 6);
  return with_output_type(n, float_twin(n, "MatMul", {0, 3}), zp, n.in(0).dtype);
}

// QGemm (com.microsoft): A, a_scale, a_zp, B, b_scale, b_zp, C?, y_scale?, y_zp?; without
// y_scale the output is float.
OpResult qgemm(const NodeView& n) {
  expect_between(n, 6, 9,
                 "A, a_scale, a_zero_point, B, b_scale, b_zero_point, optional C, "
                 "y_scale, y_zero_point");
  quantized_input(n, 0, std::nullopt, "A");
  quantized_input(n, 3, n.attr_int("transB", 0) ? 0 : 1, "B");
  OpResult r = float_twin(n, "Gemm", {0, 3, 6});
  if (!n.has_input(7)) {  // no y_scale: the output is float
    for (TensorData& out : r.outputs) out.dtype = DataType::kFloat;
    return r;
  }
  return with_output_type(n, std::move(r), output_zero_point(n, 7), n.in(0).dtype);
}

// ConvInteger / MatMulInteger: x, w, optional zero points; the int32 accumulators come out.
OpResult integer_op(const NodeView& n, const std::string& twin) {
  expect_between(n, 2, 4, "x, w, optional x_zero_point, w_zero_point");
  quantized_bits(n, n.in(0).dtype, "input 0", false);
  quantized_bits(n, n.in(1).dtype, "input 1", false);
  OpResult r = float_twin(n, twin, {0, 1});
  for (TensorData& out : r.outputs) out.dtype = DataType::kInt32;
  return r;
}
OpResult conv_integer(const NodeView& n) { return integer_op(n, "Conv"); }
OpResult matmul_integer(const NodeView& n) { return integer_op(n, "MatMul"); }

// QLinearAdd / QLinearMul: A, A_scale, A_zp?, B, B_scale, B_zp?, C_scale, C_zp?.
OpResult qlinear_binary(const NodeView& n, const std::string& twin) {
  expect_between(n, 7, 8,
                 "A, A_scale, A_zero_point, B, B_scale, B_zero_point, C_scale, "
                 "optional C_zero_point");
  quantized_input(n, 0, std::nullopt, "A");
  quantized_input(n, 3, std::nullopt, "B");
  const DataType zp = output_zero_point(n, 6);
  return with_output_type(n, float_twin(n, twin, {0, 3}), zp, n.in(0).dtype);
}
OpResult qlinear_add(const NodeView& n) { return qlinear_binary(n, "Add"); }
OpResult qlinear_mul(const NodeView& n) { return qlinear_binary(n, "Mul"); }

// One input in, one out: X, X_scale, X_zp?, Y_scale, Y_zp? (pools, sigmoid, leaky relu).
OpResult qlinear_unary(const NodeView& n, const std::string& twin) {
  expect_between(n, 4, 5, "X, X_scale, optional X_zero_point, Y_scale, optional Y_zero_point");
  if (n.attr_int("channels_last", 0) != 0)
    n.fail("channels_last=1 (NHWC) is not supported; eesim reads NCHW pools");
  quantized_input(n, 0, std::nullopt, "X");
  const DataType zp = output_zero_point(n, 3);
  return with_output_type(n, float_twin(n, twin, {0}), zp, n.in(0).dtype);
}
OpResult qlinear_average_pool(const NodeView& n) { return qlinear_unary(n, "AveragePool"); }
OpResult qlinear_global_average_pool(const NodeView& n) {
  return qlinear_unary(n, "GlobalAveragePool");
}
OpResult qlinear_sigmoid(const NodeView& n) { return qlinear_unary(n, "Sigmoid"); }
OpResult qlinear_leaky_relu(const NodeView& n) { return qlinear_unary(n, "LeakyRelu"); }

// QLinearConcat: Y_scale, Y_zero_point, then (X, X_scale, X_zero_point) per input.
OpResult qlinear_concat(const NodeView& n) {
  if (n.num_inputs() < 5 || (n.num_inputs() - 2) % 3 != 0)
    n.fail("takes Y_scale, Y_zero_point and a (X, X_scale, X_zero_point) triple per input, got " +
           std::to_string(n.num_inputs()) + " inputs");
  std::vector<size_t> xs;
  for (size_t i = 2; i < n.num_inputs(); i += 3) {
    quantized_input(n, i, std::nullopt, "input " + std::to_string(i));
    xs.push_back(i);
  }
  const DataType zp = check_quant_params(n, 0, 0, 1, std::nullopt, "the output");
  return with_output_type(n, float_twin(n, "Concat", xs), zp, n.in(2).dtype);
}

}  // namespace

void register_qoperator_ops(OpRegistry& r) {
  r.add("QLinearConv", qlinear_conv);
  r.add("QLinearMatMul", qlinear_matmul);
  r.add("ConvInteger", conv_integer);
  r.add("MatMulInteger", matmul_integer);
  r.add("QGemm", qgemm, kMicrosoftDomain);
  r.add("QLinearAdd", qlinear_add, kMicrosoftDomain);
  r.add("QLinearMul", qlinear_mul, kMicrosoftDomain);
  r.add("QLinearAveragePool", qlinear_average_pool, kMicrosoftDomain);
  r.add("QLinearGlobalAveragePool", qlinear_global_average_pool, kMicrosoftDomain);
  r.add("QLinearSigmoid", qlinear_sigmoid, kMicrosoftDomain);
  r.add("QLinearLeakyRelu", qlinear_leaky_relu, kMicrosoftDomain);
  r.add("QLinearConcat", qlinear_concat, kMicrosoftDomain);
}

}  // namespace eesim::workloads
