#pragma once
// Test helper: one small network, conv(3x3, pad 1) -> relu -> flatten -> fc, built as a float
// model and in the layouts quantizers write, so tests compare each with its float twin. Every
// count is by hand: x [1,3,8,8]; conv w [4,3,3,3] + b [4] -> [1,4,8,8], 256 outputs x 27 =
// 6,912 MACs, 112 params; fc w [10,256] + b [10] (transB) -> [1,10], 2,560 MACs, 2,570 params.
#include <string>
#include <vector>

#include "tests/workloads/onnx_builder.h"

namespace eesim::testing {

using TensorType = eesim_onnx::TensorProto::DataType;

// An initializer of `type` whose bytes are zeros (only dims and type matter to eesim).
inline void typed_tensor(OnnxBuilder& b, const std::string& name, TensorType type,
                         const std::vector<int64_t>& dims, size_t elem_bytes) {
  auto* t = b.graph().add_initializer();
  t->set_name(name);
  t->set_data_type(type);
  int64_t n = 1;
  for (int64_t d : dims) t->add_dims(d), n *= d;
  t->set_raw_data(std::string(static_cast<size_t>(n) * elem_bytes, '\0'));
}

// A graph input of element type `type` (OnnxBuilder::input makes float ones).
inline void typed_input(OnnxBuilder& b, const std::string& name, TensorType type,
                        const std::vector<int64_t>& dims) {
  b.input(name, dims);
  auto* v = b.graph().mutable_input(b.graph().input_size() - 1);
  v->mutable_type()->mutable_tensor_type()->set_elem_type(type);
}

// A scale (float, `count` values: 0 means a scalar) and a zero point of `zp_type`.
inline void quant_params(OnnxBuilder& b, const std::string& prefix, int64_t count,
                         TensorType zp_type, size_t zp_bytes) {
  const std::vector<int64_t> dims = count == 0 ? std::vector<int64_t>{} : std::vector{count};
  typed_tensor(b, prefix + "_scale", eesim_onnx::TensorProto::FLOAT, dims, 4);
  typed_tensor(b, prefix + "_zp", zp_type, dims, zp_bytes);
}

// The float network in `type` (FLOAT, FLOAT16, BFLOAT16; `bytes` per element).
inline OnnxBuilder float_net(TensorType type = eesim_onnx::TensorProto::FLOAT, size_t bytes = 4) {
  OnnxBuilder b(13);
  typed_input(b, "x", type, {1, 3, 8, 8});
  typed_tensor(b, "w", type, {4, 3, 3, 3}, bytes);
  typed_tensor(b, "b", type, {4}, bytes);
  typed_tensor(b, "fc_w", type, {10, 256}, bytes);
  typed_tensor(b, "fc_b", type, {10}, bytes);
  b.output("y");
  set_ints(b.node("Conv", {"x", "w", "b"}, {"c"}, "conv"), "pads", {1, 1, 1, 1});
  b.node("Relu", {"c"}, {"r"}, "relu");
  b.node("Flatten", {"r"}, {"f"}, "flatten");
  set_int(b.node("Gemm", {"f", "fc_w", "fc_b"}, {"y"}, "fc"), "transB", 1);
  return b;
}

// Quantize then dequantize activation `in` (uint8, per tensor), as quantize_static's QDQ
// format places a pair on every quantized activation; returns the dequantized name.
inline std::string qdq_activation(OnnxBuilder& b, const std::string& in) {
  quant_params(b, in, 0, eesim_onnx::TensorProto::UINT8, 1);
  b.node("QuantizeLinear", {in, in + "_scale", in + "_zp"}, {in + "_q"}, in + "_Q");
  b.node("DequantizeLinear", {in + "_q", in + "_scale", in + "_zp"}, {in + "_dq"}, in + "_DQ");
  return in + "_dq";
}

// An int8 weight (or int32 bias) initializer feeding a DequantizeLinear, per channel along
// axis 0 when `channels` > 0; returns the dequantized name.
inline std::string dq_weight(OnnxBuilder& b, const std::string& name,
                             const std::vector<int64_t>& dims, int64_t channels, bool bias) {
  const TensorType t = bias ? eesim_onnx::TensorProto::INT32 : eesim_onnx::TensorProto::INT8;
  typed_tensor(b, name + "_q", t, dims, bias ? 4 : 1);
  quant_params(b, name, channels, t, bias ? 4 : 1);
  auto& n = b.node("DequantizeLinear", {name + "_q", name + "_scale", name + "_zp"}, {name + "_dq"},
                   name + "_DQ");
  if (channels > 0) set_int(n, "axis", 0);
  return name + "_dq";
}

// The network in onnxruntime's QDQ layout (quantize_static, QuantFormat.QDQ, per-channel int8
// weights, uint8 activations, int32 biases with zero points of 0): a Q -> DQ pair on the input
// and on every layer's output, and each weight an integer initializer feeding a DQ. (ORT would
// also drop a Relu right after a quantized Conv; it is kept here so the twin has three layers,
// as PyTorch's exporter writes it.) `with_bias` false leaves conv and fc without biases.
inline OnnxBuilder qdq_net(bool with_bias = true) {
  OnnxBuilder b(13);
  b.input("x", {1, 3, 8, 8}).output("y");
  const std::string x = qdq_activation(b, "x");
  const std::string w = dq_weight(b, "w", {4, 3, 3, 3}, 4, false);
  std::vector<std::string> conv_in = {x, w};
  if (with_bias) conv_in.push_back(dq_weight(b, "b", {4}, 4, true));
  set_ints(b.node("Conv", conv_in, {"c"}, "conv"), "pads", {1, 1, 1, 1});
  b.node("Relu", {qdq_activation(b, "c")}, {"r"}, "relu");
  b.node("Flatten", {qdq_activation(b, "r")}, {"f"}, "flatten");
  std::vector<std::string> fc_in = {"f", dq_weight(b, "fc_w", {10, 256}, 0, false)};
  if (with_bias) fc_in.push_back(dq_weight(b, "fc_b", {10}, 0, true));
  set_int(b.node("Gemm", fc_in, {"yf"}, "fc"), "transB", 1);
  b.node("Identity", {qdq_activation(b, "yf")}, {"y"}, "out");
  return b;
}

// The network in onnxruntime's QOperator layout (QuantFormat.QOperator): QuantizeLinear on
// the input, QLinearConv, the activation as com.microsoft.QLinearLeakyRelu, Flatten on uint8,
// com.microsoft.QGemm, and DequantizeLinear on the output.
inline OnnxBuilder qoperator_net() {
  OnnxBuilder b(13);
  b.input("x", {1, 3, 8, 8}).output("y");
  const auto u8 = eesim_onnx::TensorProto::UINT8;
  const auto i8 = eesim_onnx::TensorProto::INT8;
  for (const char* a : {"x", "c", "r", "f", "y"}) quant_params(b, a, 0, u8, 1);
  quant_params(b, "w", 4, i8, 1);
  quant_params(b, "fc_w", 0, i8, 1);
  typed_tensor(b, "w_q", i8, {4, 3, 3, 3}, 1);
  typed_tensor(b, "b_q", eesim_onnx::TensorProto::INT32, {4}, 4);
  typed_tensor(b, "fc_w_q", i8, {10, 256}, 1);
  typed_tensor(b, "fc_b_q", eesim_onnx::TensorProto::INT32, {10}, 4);
  b.node("QuantizeLinear", {"x", "x_scale", "x_zp"}, {"xq"}, "x_Q");
  set_ints(b.node("QLinearConv",
                  {"xq", "x_scale", "x_zp", "w_q", "w_scale", "w_zp", "c_scale", "c_zp", "b_q"},
                  {"cq"}, "conv"),
           "pads", {1, 1, 1, 1});
  auto& relu =
      b.node("QLinearLeakyRelu", {"cq", "c_scale", "c_zp", "r_scale", "r_zp"}, {"rq"}, "relu");
  relu.set_domain("com.microsoft");
  b.node("Flatten", {"rq"}, {"fq"}, "flatten");
  auto& fc = b.node(
      "QGemm",
      {"fq", "r_scale", "r_zp", "fc_w_q", "fc_w_scale", "fc_w_zp", "fc_b_q", "y_scale", "y_zp"},
      {"yq"}, "fc");
  fc.set_domain("com.microsoft");
  set_int(fc, "transB", 1);
  b.node("DequantizeLinear", {"yq", "y_scale", "y_zp"}, {"y"}, "y_DQ");
  b.model().add_opset_import()->set_domain("com.microsoft");
  b.model().mutable_opset_import(1)->set_version(1);
  return b;
}

}  // namespace eesim::testing
