// Quantized and half-precision models import as their float twin (same layers, shapes, MACs)
// with per-layer precisions and weights counted at their stored width. The network and its
// hand counts are in quant_nets.h.
#include <doctest/doctest.h>

#include "tests/workloads/quant_nets.h"

using eesim::testing::float_net;
using eesim::testing::layer;
using eesim::testing::qdq_net;
using eesim::testing::qoperator_net;
using eesim::testing::set_int;
using eesim::workloads::Layer;
using eesim::workloads::LayerKind;
using eesim::workloads::Shape;
using eesim::workloads::Workload;

namespace {

// Layers, shapes, MACs, vector ops, parameters and windows equal the float twin's.
void check_same_as_twin(const Workload& q, const Workload& f) {
  REQUIRE(q.num_layers() == f.num_layers());
  for (eesim::workloads::LayerId v = 0; v < q.num_layers(); ++v) {
    const Layer& a = q.layer(v);
    const Layer& b = f.layer(v);
    CAPTURE(b.name);
    CHECK(a.name == b.name);
    CHECK(a.kind == b.kind);
    CHECK(a.macs == b.macs);
    CHECK(a.vector_ops == b.vector_ops);
    CHECK(a.weight_params == b.weight_params);
    CHECK(a.window == b.window);
    REQUIRE(a.outputs.size() == b.outputs.size());
    CHECK(a.outputs[0].shape == b.outputs[0].shape);
    CHECK(a.inputs.size() == b.inputs.size());
  }
  CHECK(boost::num_edges(q.graph) == boost::num_edges(f.graph));
  CHECK(q.total_macs() == f.total_macs());
}

void check_bits(const Layer& l, int64_t weight, int64_t input, int64_t output) {
  CAPTURE(l.name);
  CHECK(l.weight_bits == weight);
  CHECK(l.input_bits == input);
  CHECK(l.output_bits == output);
}

}  // namespace

TEST_CASE("fp32 conv -> relu -> fc: 32-bit weights, inputs and outputs; 4 bytes per parameter") {
  const Workload w = float_net().import();
  REQUIRE(w.num_layers() == 3);
  check_bits(layer(w, "conv"), 32, 32, 32);
  check_bits(layer(w, "relu"), 0, 32, 32);  // no weights: 0 bits
  check_bits(layer(w, "fc"), 32, 32, 32);
  CHECK(layer(w, "conv").macs == 6912);
  CHECK(layer(w, "fc").macs == 2560);
  CHECK(layer(w, "conv").weight_bytes == 4 * 112);
  CHECK(layer(w, "fc").weight_bytes == 4 * 2570);
  CHECK(layer(w, "conv").elem_bytes == 4);
}

TEST_CASE("QDQ (onnxruntime quantize_static layout): Q/DQ are no layers; 8/8/8 bits") {
  const Workload q = qdq_net().import();
  const Workload f = float_net().import();
  check_same_as_twin(q, f);
  check_bits(layer(q, "conv"), 8, 8, 8);
  check_bits(layer(q, "relu"), 0, 8, 8);
  check_bits(layer(q, "fc"), 8, 8, 8);
  // int8 weights 1 byte each, int32 biases 4: conv 108 + 4 x 4, fc 2,560 + 10 x 4.
  CHECK(layer(q, "conv").weight_bytes == 124);
  CHECK(layer(q, "fc").weight_bytes == 2600);
  CHECK(q.total_weight_bytes() == 2724);
  CHECK(layer(q, "conv").elem_bytes == 1);
  // The edge conv -> relu carries [1,4,8,8] at 8 bits: 256 bytes (fp32: 1,024).
  const auto [e, end] = boost::out_edges(*q.find_layer("conv"), q.graph);
  REQUIRE(e != end);
  CHECK(q.graph[*e].bytes == 256);
  CHECK(q.inputs[0].shape == Shape{1, 3, 8, 8});
  CHECK(q.final_output == "y");
}

TEST_CASE("QDQ without biases: int8 weight bytes equal the parameter count (108 and 2,560)") {
  const Workload q = qdq_net(false).import();
  CHECK(layer(q, "conv").weight_params == 108);
  CHECK(layer(q, "conv").weight_bytes == 108);
  CHECK(layer(q, "fc").weight_params == 2560);
  CHECK(layer(q, "fc").weight_bytes == 2560);
}

TEST_CASE("QDQ: a Conv reading a float activation keeps 32-bit input, its output 8 after a Q") {
  eesim::testing::OnnxBuilder b(13);
  b.input("x", {1, 3, 8, 8}).output("y");
  const std::string w = eesim::testing::dq_weight(b, "w", {4, 3, 3, 3}, 0, false);
  b.node("Conv", {"x", w}, {"c"}, "conv");
  eesim::testing::quant_params(b, "c", 0, eesim_onnx::TensorProto::INT8, 1);
  b.node("QuantizeLinear", {"c", "c_scale", "c_zp"}, {"cq"}, "c_Q");
  b.node("DequantizeLinear", {"cq", "c_scale", "c_zp"}, {"y"}, "c_DQ");
  const Workload q = b.import();
  REQUIRE(q.num_layers() == 1);
  check_bits(layer(q, "conv"), 8, 32, 8);   // weights int8, input fp32, output int8
  CHECK(layer(q, "conv").elem_bytes == 1);  // it writes int8: mapping/ counts 1 byte each
}

TEST_CASE("QOperator (onnxruntime QOperator layout): QLinearConv, QLinearLeakyRelu, QGemm") {
  const Workload q = qoperator_net().import();
  const Workload f = float_net().import();
  check_same_as_twin(q, f);
  CHECK(layer(q, "conv").kind == LayerKind::kConv);
  CHECK(layer(q, "relu").kind == LayerKind::kActivation);
  CHECK(layer(q, "fc").kind == LayerKind::kMatMul);
  check_bits(layer(q, "conv"), 8, 8, 8);
  check_bits(layer(q, "relu"), 0, 8, 8);
  check_bits(layer(q, "fc"), 8, 8, 8);
  CHECK(layer(q, "conv").weight_bytes == 124);  // scales and zero points are not weights
  CHECK(layer(q, "fc").weight_bytes == 2600);
  CHECK(q.final_output == "y");
}

TEST_CASE("fp16 and bf16: 16-bit weights, inputs and outputs; weight bytes 2 x parameters") {
  for (const auto type : {eesim_onnx::TensorProto::FLOAT16, eesim_onnx::TensorProto::BFLOAT16}) {
    CAPTURE(type);
    const Workload h = float_net(type, 2).import();
    check_same_as_twin(h, float_net().import());
    check_bits(layer(h, "conv"), 16, 16, 16);
    check_bits(layer(h, "relu"), 0, 16, 16);
    check_bits(layer(h, "fc"), 16, 16, 16);
    CHECK(layer(h, "conv").weight_bytes == 2 * 112);
    CHECK(layer(h, "fc").weight_bytes == 2 * 2570);
  }
}

namespace {

// mapping/ reads an edge's elements as bytes / the producer's elem_bytes (allocation.cpp).
void check_edges_count_elements(const Workload& w) {
  for (auto [e, end] = boost::edges(w.graph); e != end; ++e) {
    const auto& d = w.graph[*e];
    const Layer& p = w.layer(boost::source(*e, w.graph));
    CAPTURE(p.name);
    int64_t elements = 1;
    for (int64_t dim : p.outputs[0].shape) elements *= dim;
    CHECK(d.bytes / p.elem_bytes == elements);
  }
}

}  // namespace

TEST_CASE("edges of quantized models count their elements at the width the producer writes") {
  check_edges_count_elements(qdq_net().import());
  check_edges_count_elements(qoperator_net().import());
  check_edges_count_elements(float_net(eesim_onnx::TensorProto::FLOAT16, 2).import());
  // PyTorch's pattern: int8 conv writing float into a Relu whose output is quantized.
  eesim::testing::OnnxBuilder b(13);
  b.input("x", {1, 3, 8, 8}).output("y");
  const std::string x = eesim::testing::qdq_activation(b, "x");
  eesim::testing::set_ints(
      b.node("Conv", {x, eesim::testing::dq_weight(b, "w", {4, 3, 3, 3}, 0, false)}, {"c"}, "conv"),
      "pads", {1, 1, 1, 1});
  b.node("Relu", {"c"}, {"r"}, "relu");
  b.node("Flatten", {eesim::testing::qdq_activation(b, "r")}, {"f"}, "flatten");
  set_int(
      b.node("Gemm", {"f", eesim::testing::dq_weight(b, "fc_w", {10, 256}, 0, false)}, {"y"}, "fc"),
      "transB", 1);
  const Workload t = b.import();
  check_bits(layer(t, "conv"), 8, 8, 32);
  check_bits(layer(t, "relu"), 0, 32, 8);
  CHECK(layer(t, "conv").elem_bytes == 4);
  CHECK(layer(t, "relu").elem_bytes == 1);
  check_edges_count_elements(t);
}

TEST_CASE("ConvInteger writes int32: elem_bytes 4 though it reads uint8") {
  eesim::testing::OnnxBuilder b(13);
  b.input("x", {1, 3, 8, 8}).output("y");
  eesim::testing::quant_params(b, "x", 0, eesim_onnx::TensorProto::UINT8, 1);
  eesim::testing::typed_tensor(b, "w_q", eesim_onnx::TensorProto::INT8, {4, 3, 3, 3}, 1);
  b.node("QuantizeLinear", {"x", "x_scale", "x_zp"}, {"xq"}, "x_Q");
  b.node("ConvInteger", {"xq", "w_q"}, {"c"}, "conv");
  b.node("Relu", {"c"}, {"y"}, "relu");  // Relu-14 takes int32
  const Workload w = b.import();
  CHECK(layer(w, "conv").elem_bytes == 4);
  check_edges_count_elements(w);
}
