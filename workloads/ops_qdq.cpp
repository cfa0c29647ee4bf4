// The QDQ layout: QuantizeLinear / DequantizeLinear pairs around the ops that compute, as
// onnxruntime's quantize_static (QuantFormat.QDQ) and PyTorch's exporter write them. They are
// not layers: on an activation each is a view of its input (the layer before keeps producing
// the data), and on a weight the DequantizeLinear's output stands for the integer initializer.
// What they contribute is precision: the tensor they produce carries the bits it was stored at
// (TensorData::quantized_bits), which the consuming layer reads as its input or weight bits.
// Layouts: onnx.ai/onnx/operators/onnx__QuantizeLinear.html and onnx__DequantizeLinear.html
// (x, scale, optional zero point; per tensor, or per axis with the `axis` attribute).
#include "workloads/op_registry.h"
#include "workloads/quant_params.h"

namespace eesim::workloads {
namespace {

void check_arity(const NodeView& n) {
  if (n.num_inputs() < 2 || n.num_inputs() > 3)
    n.fail("takes 2 or 3 inputs (x, scale, zero point), got " + std::to_string(n.num_inputs()));
  n.input(0);  // throws naming the node when x is omitted
  if (n.attr_int("block_size", 0) != 0)
    n.fail("blocked quantization (block_size) is not supported; use per-tensor or per-axis scales");
}

// QuantizeLinear(x, y_scale, y_zero_point?) -> y: the zero point's type, else the opset 21
// `output_dtype` attribute, else uint8 (the spec's default).
OpResult quantize(const NodeView& n) {
  check_arity(n);
  const DataType zp = check_quant_params(n, 0, 1, 2, n.attr_int("axis", 1), "x");
  const int64_t attr = n.attr_int("output_dtype", 0);
  const DataType out = zp != DataType::kUndefined ? zp
                       : attr != 0                ? static_cast<DataType>(attr)
                                                  : DataType::kUint8;
  quantized_bits(n, out, "the quantized output", false);
  OpResult r;
  r.outputs.push_back(make_shape_only(out, n.dims(0)));
  r.is_view = true;
  return r;
}

// DequantizeLinear(x, x_scale, x_zero_point?) -> y: floating, of the scale's type (opset 19+
// lets it be float16/bfloat16), holding values stored at x's width.
OpResult dequantize(const NodeView& n) {
  check_arity(n);
  const DataType zp = check_quant_params(n, 0, 1, 2, n.attr_int("axis", 1), "x");
  const DataType x = n.in(0).dtype;
  if (zp != DataType::kUndefined && zp != x)
    n.fail("zero point has type " + to_string(zp) + " but x has type " + to_string(x));
  OpResult r;
  r.outputs.push_back(make_shape_only(n.in(1).dtype, n.dims(0)));
  r.outputs[0].quantized_bits = quantized_bits(n, x, "x ('" + n.node().inputs[0] + "')", true);
  r.is_view = true;
  return r;
}

}  // namespace

void register_qdq_ops(OpRegistry& r) {
  r.add("QuantizeLinear", quantize);
  r.add("DequantizeLinear", dequantize);
  // onnxruntime's quantizer writes these in its own domain for 16-bit types (UseQDQContribOps).
  r.add("QuantizeLinear", quantize, kMicrosoftDomain);
  r.add("DequantizeLinear", dequantize, kMicrosoftDomain);
}

}  // namespace eesim::workloads
