// Each QOperator op becomes the layer of its float twin, with hand-counted MACs, vector ops,
// weights and precisions.
#include <doctest/doctest.h>

#include "tests/workloads/quant_nets.h"

using eesim::testing::layer;
using eesim::testing::OnnxBuilder;
using eesim::testing::quant_params;
using eesim::testing::set_int;
using eesim::testing::set_ints;
using eesim::testing::typed_tensor;
using eesim::workloads::LayerKind;
using eesim::workloads::Shape;
using eesim::workloads::Workload;

namespace {

const auto kU8 = eesim_onnx::TensorProto::UINT8;
const auto kI8 = eesim_onnx::TensorProto::INT8;

eesim_onnx::NodeProto& contrib(OnnxBuilder& b, const std::string& op,
                               const std::vector<std::string>& in, const std::string& out) {
  auto& n = b.node(op, in, {out}, out);
  n.set_domain("com.microsoft");
  return n;
}

// x [1,4,6,6] quantized to uint8 "xq", with per-tensor params "s"/"s_zp" for every activation.
OnnxBuilder quantized_input(const Shape& dims) {
  OnnxBuilder b(13);
  b.input("x", dims);
  quant_params(b, "s", 0, kU8, 1);
  b.node("QuantizeLinear", {"x", "s_scale", "s_zp"}, {"xq"}, "x_Q");
  return b;
}

}  // namespace

TEST_CASE("QLinear eltwise and pools (com.microsoft): six layers of 8 bits on [1,4,6,6]") {
  OnnxBuilder b = quantized_input({1, 4, 6, 6});
  const std::vector<std::string> s = {"s_scale", "s_zp"};
  auto& pool = contrib(b, "QLinearAveragePool", {"xq", s[0], s[1], s[0], s[1]}, "pool");
  set_ints(pool, "kernel_shape", {3, 3});
  set_ints(pool, "pads", {1, 1, 1, 1});
  contrib(b, "QLinearSigmoid", {"xq", s[0], s[1], s[0], s[1]}, "sig");
  contrib(b, "QLinearAdd", {"pool", s[0], s[1], "sig", s[0], s[1], s[0], s[1]}, "add");
  contrib(b, "QLinearMul", {"add", s[0], s[1], "xq", s[0], s[1], s[0], s[1]}, "mul");
  set_int(contrib(b, "QLinearConcat", {s[0], s[1], "mul", s[0], s[1], "pool", s[0], s[1]}, "cat"),
          "axis", 1);
  contrib(b, "QLinearGlobalAveragePool", {"cat", s[0], s[1], s[0], s[1]}, "gap");
  b.node("DequantizeLinear", {"gap", s[0], s[1]}, {"y"}, "y_DQ");
  b.output("y");
  b.model().add_opset_import()->set_domain("com.microsoft");
  const Workload w = b.import();
  REQUIRE(w.num_layers() == 6);
  CHECK(layer(w, "pool").kind == LayerKind::kPool);
  CHECK(layer(w, "pool").vector_ops == 144 * 9);  // 3x3 window per output element
  CHECK(layer(w, "sig").kind == LayerKind::kActivation);
  CHECK(layer(w, "sig").vector_ops == 144);
  CHECK(layer(w, "add").kind == LayerKind::kEltwise);
  CHECK(layer(w, "mul").vector_ops == 144);
  CHECK(layer(w, "cat").kind == LayerKind::kConcat);
  CHECK(layer(w, "cat").outputs[0].shape == Shape{1, 8, 6, 6});
  CHECK(layer(w, "gap").kind == LayerKind::kReduce);
  CHECK(layer(w, "gap").vector_ops == 288);
  CHECK(layer(w, "gap").outputs[0].shape == Shape{1, 8, 1, 1});
  for (const char* name : {"pool", "sig", "add", "mul", "cat", "gap"}) {
    CAPTURE(name);
    CHECK(layer(w, name).input_bits == 8);
    CHECK(layer(w, name).output_bits == 8);
    CHECK(layer(w, name).weight_bits == 0);
    CHECK(layer(w, name).weight_bytes == 0);  // scales and zero points are not weights
  }
}

TEST_CASE("QLinearMatMul [1,16] x int8 [16,4] per column: 64 MACs, 64 weight bytes, 8/8/8") {
  OnnxBuilder b = quantized_input({1, 16});
  typed_tensor(b, "b_q", kI8, {16, 4}, 1);
  quant_params(b, "b", 4, kI8, 1);
  b.node("QLinearMatMul", {"xq", "s_scale", "s_zp", "b_q", "b_scale", "b_zp", "s_scale", "s_zp"},
         {"y"}, "mm");
  b.output("y");
  const Workload w = b.import();
  REQUIRE(w.num_layers() == 1);
  const auto& l = layer(w, "mm");
  CHECK(l.kind == LayerKind::kMatMul);
  CHECK(l.macs == 64);
  CHECK(l.weight_params == 64);
  CHECK(l.weight_bytes == 64);
  CHECK(l.outputs[0].shape == Shape{1, 4});
  CHECK((l.weight_bits == 8 && l.input_bits == 8 && l.output_bits == 8));
}

TEST_CASE("ConvInteger and MatMulInteger: float twins' MACs; 8-bit in, int32 accumulators out") {
  OnnxBuilder c = quantized_input({1, 4, 6, 6});
  typed_tensor(c, "w_q", kI8, {2, 4, 3, 3}, 1);
  typed_tensor(c, "w_zp", kI8, {}, 1);
  c.node("ConvInteger", {"xq", "w_q", "s_zp", "w_zp"}, {"y"}, "conv");
  c.output("y");
  const Workload wc = c.import();
  const auto& conv = layer(wc, "conv");
  CHECK(conv.kind == LayerKind::kConv);
  CHECK(conv.outputs[0].shape == Shape{1, 2, 4, 4});
  CHECK(conv.macs == 32 * 36);  // 2x4x4 outputs x (4 x 3 x 3)
  CHECK(conv.weight_bytes == 72);
  CHECK((conv.weight_bits == 8 && conv.input_bits == 8 && conv.output_bits == 32));

  OnnxBuilder m = quantized_input({1, 16});
  typed_tensor(m, "b_q", kU8, {16, 8}, 1);
  m.node("MatMulInteger", {"xq", "b_q"}, {"y"}, "mm");
  m.output("y");
  const Workload wm = m.import();
  const auto& mm = layer(wm, "mm");
  CHECK(mm.macs == 128);
  CHECK(mm.weight_bytes == 128);
  CHECK((mm.weight_bits == 8 && mm.input_bits == 8 && mm.output_bits == 32));
}
