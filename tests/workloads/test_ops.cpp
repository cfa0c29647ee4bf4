// Shape inference and counts per op, each on a one- or two-node graph computed by hand.
#include <doctest/doctest.h>

#include "tests/workloads/onnx_builder.h"

using eesim::testing::layer;
using eesim::testing::OnnxBuilder;
using eesim::testing::set_int;
using eesim::testing::set_ints;
using eesim::testing::set_string;
using eesim::workloads::LayerKind;
using eesim::workloads::Shape;

namespace {

OnnxBuilder conv_model(Shape x, Shape w, int64_t group, Shape pads, Shape strides, Shape dil = {}) {
  OnnxBuilder b;
  b.input("x", x).weight("w", w).output("y");
  auto& n = b.node("Conv", {"x", "w"}, {"y"}, "conv");
  set_int(n, "group", group);
  set_ints(n, "pads", pads);
  set_ints(n, "strides", strides);
  if (!dil.empty()) set_ints(n, "dilations", dil);
  return b;
}

}  // namespace

TEST_CASE("conv 3x3 stride 2 pad 1: 1x3x32x32 -> 1x16x16x16, 16*16*16 * 3*3*3 = 110592 MACs") {
  OnnxBuilder b;
  b.input("x", {1, 3, 32, 32}).weight("w", {16, 3, 3, 3}).weight("b", {16}).output("y");
  auto& n = b.node("Conv", {"x", "w", "b"}, {"y"}, "conv");
  set_ints(n, "pads", {1, 1, 1, 1});
  set_ints(n, "strides", {2, 2});
  const auto w = b.import();
  REQUIRE(w.num_layers() == 1);
  const auto& l = layer(w, "conv");
  CHECK(l.kind == LayerKind::kConv);
  CHECK(l.outputs[0].shape == Shape{1, 16, 16, 16});
  CHECK(l.macs == 110592);
  CHECK(l.weight_params == 16 * 27 + 16);
  CHECK(l.weight_bytes == (16 * 27 + 16) * 4);
  REQUIRE(l.window);
  CHECK(l.window->kernel == Shape{3, 3});
  CHECK(l.window->strides == Shape{2, 2});
  CHECK(l.window->pads_begin == Shape{1, 1});
}

TEST_CASE(
    "depthwise conv (group = channels): 32 channels, 16x16 out, 3x3 -> 32*256*9 = 73728 MACs") {
  const auto w = conv_model({1, 32, 16, 16}, {32, 1, 3, 3}, 32, {1, 1, 1, 1}, {1, 1}).import();
  const auto& l = layer(w, "conv");
  CHECK(l.outputs[0].shape == Shape{1, 32, 16, 16});
  CHECK(l.macs == 73728);
  CHECK(l.window->groups == 32);
}

TEST_CASE("dilated conv: 3x3 dilation 2 spans 5, 10x10 -> 6x6; 4 filters -> 4*36*9 = 1296 MACs") {
  const auto w = conv_model({1, 1, 10, 10}, {4, 1, 3, 3}, 1, {0, 0, 0, 0}, {1, 1}, {2, 2}).import();
  CHECK(layer(w, "conv").outputs[0].shape == Shape{1, 4, 6, 6});
  CHECK(layer(w, "conv").macs == 1296);
}

TEST_CASE("conv auto_pad SAME_UPPER stride 2 on 7x7: output ceil(7/2) = 4, pads 1 and 1") {
  OnnxBuilder b;
  b.input("x", {1, 2, 7, 7}).weight("w", {2, 2, 3, 3}).output("y");
  auto& n = b.node("Conv", {"x", "w"}, {"y"}, "conv");
  set_string(n, "auto_pad", "SAME_UPPER");
  set_ints(n, "strides", {2, 2});
  const auto w = b.import();
  const auto& l = layer(w, "conv");
  CHECK(l.outputs[0].shape == Shape{1, 2, 4, 4});
  CHECK(l.window->pads_begin == Shape{1, 1});
  CHECK(l.window->pads_end == Shape{1, 1});
}

TEST_CASE("gemm with transB: [1,512] x [1000,512]^T + [1000] -> [1,1000], 512000 MACs") {
  OnnxBuilder b;
  b.input("x", {1, 512}).weight("w", {1000, 512}).weight("c", {1000}).output("y");
  set_int(b.node("Gemm", {"x", "w", "c"}, {"y"}, "fc"), "transB", 1);
  const auto w = b.import();
  const auto& l = layer(w, "fc");
  CHECK(l.kind == LayerKind::kMatMul);
  CHECK(l.outputs[0].shape == Shape{1, 1000});
  CHECK(l.macs == 512000);
  CHECK(l.weight_bytes == (512000 + 1000) * 4);
}

TEST_CASE("matmul broadcasts batch dims: [2,1,4,8] x [3,8,5] -> [2,3,4,5], 2*3*4*5*8 = 960 MACs") {
  OnnxBuilder b;
  b.input("x", {2, 1, 4, 8}).weight("w", {3, 8, 5}).output("y");
  b.node("MatMul", {"x", "w"}, {"y"}, "mm");
  const auto w = b.import();
  const auto& l = layer(w, "mm");
  CHECK(l.outputs[0].shape == Shape{2, 3, 4, 5});
  CHECK(l.macs == 960);
  CHECK(l.weight_params == 120);
}

TEST_CASE(
    "maxpool ceil_mode: 6x6 k3 s2 -> 3x3 (floor mode: 2x2); a window starting in the end pad is "
    "dropped") {
  auto pool = [](Shape in, bool ceil, Shape pads) -> eesim::workloads::Layer {
    OnnxBuilder b;
    b.input("x", in).output("y");
    auto& n = b.node("MaxPool", {"x"}, {"y"}, "pool");
    set_ints(n, "kernel_shape", {in[2] == 6 ? 3 : 2, in[2] == 6 ? 3 : 2});
    set_ints(n, "strides", {2, 2});
    set_ints(n, "pads", pads);
    set_int(n, "ceil_mode", ceil ? 1 : 0);
    return layer(b.import(), "pool");
  };
  CHECK(pool({1, 1, 6, 6}, true, {0, 0, 0, 0}).outputs[0].shape == Shape{1, 1, 3, 3});
  CHECK(pool({1, 1, 6, 6}, false, {0, 0, 0, 0}).outputs[0].shape == Shape{1, 1, 2, 2});
  // in 4, k2 s2, end pad 1: ceil((4+1-2)/2)+1 = 3 windows, but the third starts at 4 = in.
  CHECK(pool({1, 1, 4, 4}, true, {0, 0, 1, 1}).outputs[0].shape == Shape{1, 1, 2, 2});
  const auto p = pool({1, 1, 6, 6}, true, {0, 0, 0, 0});
  CHECK(p.kind == LayerKind::kPool);
  CHECK(p.vector_ops == 9 * 9);  // 9 outputs x a 3x3 window
}

TEST_CASE("global average pool and reduce mean: [1,64,7,7] -> [1,64,1,1] and [1,64], 3136 ops") {
  OnnxBuilder b;
  b.input("x", {1, 64, 7, 7}).output("g").output("r");
  b.node("Relu", {"x"}, {"x1"}, "relu");  // both outputs fork off one backbone layer
  b.node("GlobalAveragePool", {"x1"}, {"g"}, "gap");
  auto& r = b.node("ReduceMean", {"x1"}, {"r"}, "mean");
  set_ints(r, "axes", {2, 3});
  set_int(r, "keepdims", 0);
  const auto w = b.import();
  CHECK(layer(w, "gap").outputs[0].shape == Shape{1, 64, 1, 1});
  CHECK(layer(w, "gap").vector_ops == 3136);
  CHECK(layer(w, "mean").outputs[0].shape == Shape{1, 64});
}

TEST_CASE("concat, split, transpose, pad on activations: shapes and one layer each") {
  OnnxBuilder b(13);
  b.input("a", {1, 3, 4, 4})
      .input("c", {1, 5, 4, 4})
      .ints("parts", {2, 6})
      .ints("pads", {0, 0, 1, 1, 0, 0, 1, 1});
  set_int(b.node("Concat", {"a", "c"}, {"cat"}, "cat"), "axis", 1);
  set_int(b.node("Split", {"cat", "parts"}, {"s0", "s1"}, "split"), "axis", 1);
  set_ints(b.node("Transpose", {"s1"}, {"t"}, "tr"), "perm", {0, 2, 3, 1});
  b.node("Pad", {"s0", "pads"}, {"p"}, "pad");
  b.output("t").output("p");
  const auto w = b.import();
  CHECK(w.num_layers() == 4);
  CHECK(layer(w, "cat").outputs[0].shape == Shape{1, 8, 4, 4});
  CHECK(layer(w, "split").outputs[0].shape == Shape{1, 2, 4, 4});
  CHECK(layer(w, "split").outputs[1].shape == Shape{1, 6, 4, 4});
  CHECK(layer(w, "tr").outputs[0].shape == Shape{1, 4, 4, 6});
  CHECK(layer(w, "pad").outputs[0].shape == Shape{1, 2, 6, 6});
  CHECK(layer(w, "cat").kind == LayerKind::kConcat);
}

TEST_CASE("flatten and reshape are views: no layer, the consumer sees the new shape") {
  OnnxBuilder b;
  b.input("x", {1, 3, 4, 4}).weight("w", {10, 48}).ints("shape", {1, -1}).output("y");
  b.node("Relu", {"x"}, {"r"}, "relu");
  b.node("Flatten", {"r"}, {"f"}, "flat");
  b.node("Reshape", {"f", "shape"}, {"f2"}, "reshape");
  set_int(b.node("Gemm", {"f2", "w"}, {"y"}, "fc"), "transB", 1);
  const auto w = b.import();
  CHECK(w.num_layers() == 2);
  CHECK(layer(w, "fc").inputs[0].shape == Shape{1, 48});
  CHECK(layer(w, "fc").macs == 480);
  REQUIRE(boost::num_edges(w.graph) == 1);
  CHECK(w.graph[*boost::edges(w.graph).first].bytes == 48 * 4);
}

TEST_CASE("batch norm after a bias-free conv folds into it: one layer, +C bias params, same MACs") {
  OnnxBuilder b;
  b.input("x", {1, 3, 8, 8}).weight("w", {8, 3, 3, 3});
  for (const char* p : {"g", "beta", "mean", "var"}) b.weight(p, {8});
  b.output("y");
  set_ints(b.node("Conv", {"x", "w"}, {"c"}, "conv"), "pads", {1, 1, 1, 1});
  b.node("BatchNormalization", {"c", "g", "beta", "mean", "var"}, {"bn"}, "bn");
  b.node("Relu", {"bn"}, {"y"}, "relu");
  const auto w = b.import();
  REQUIRE(w.num_layers() == 2);
  const auto& conv = layer(w, "conv");
  CHECK(conv.folded == std::vector<std::string>{"bn"});
  CHECK(conv.weight_params == 8 * 27 + 8);
  CHECK(conv.macs == 8 * 64 * 27);
  CHECK(conv.outputs[0].name == "bn");
  CHECK(layer(w, "relu").inputs[0].name == "bn");
}

TEST_CASE("batch norm stays a layer when the conv output has another reader") {
  OnnxBuilder b;
  b.input("x", {1, 3, 8, 8}).weight("w", {8, 3, 1, 1});
  for (const char* p : {"g", "beta", "mean", "var"}) b.weight(p, {8});
  b.output("y");
  b.node("Conv", {"x", "w"}, {"c"}, "conv");
  b.node("BatchNormalization", {"c", "g", "beta", "mean", "var"}, {"bn"}, "bn");
  b.node("Add", {"bn", "c"}, {"y"}, "add");
  const auto w = b.import();
  CHECK(w.num_layers() == 3);
  CHECK(layer(w, "bn").kind == LayerKind::kEltwise);
  CHECK(layer(w, "bn").vector_ops == 2 * 8 * 64);
  CHECK(layer(w, "add").inputs.size() == 2);
}

TEST_CASE("residual add depends on both branches: two incoming edges") {
  OnnxBuilder b;
  b.input("x", {1, 4, 8, 8}).weight("w", {4, 4, 1, 1}).output("y");
  b.node("Relu", {"x"}, {"r"}, "relu");
  b.node("Conv", {"r", "w"}, {"c"}, "conv");
  b.node("Add", {"c", "r"}, {"y"}, "add");
  const auto w = b.import();
  const auto add = *w.find_layer("add");
  CHECK(boost::in_degree(add, w.graph) == 2);
  CHECK(layer(w, "add").vector_ops == 256);
}
