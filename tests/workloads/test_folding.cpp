// Exporter shape arithmetic folds at import, so every activation shape is known statically.
#include <doctest/doctest.h>

#include "tests/workloads/onnx_builder.h"

using eesim::testing::layer;
using eesim::testing::OnnxBuilder;
using eesim::testing::set_int;
using eesim::testing::set_ints;
using eesim::workloads::LayerKind;
using eesim::workloads::Shape;

TEST_CASE("Shape -> Gather -> Unsqueeze -> Concat -> Reshape folds to a static [1,32] flatten") {
  OnnxBuilder b(13);
  b.input("x", {1, 2, 4, 4}).weight("w", {8, 2, 1, 1}).weight("fc_w", {10, 32});
  b.ints("zero", {0}).ints("minus_one", {-1}).output("y");
  b.node("Conv", {"x", "w"}, {"c"}, "conv");  // [1,8,2,2] after stride 2
  set_ints(b.graph().mutable_node(0)[0], "strides", {2, 2});
  b.node("Shape", {"c"}, {"s"}, "shape");
  set_int(b.node("Gather", {"s", "zero"}, {"n"}, "gather"), "axis", 0);
  b.node("Concat", {"n", "minus_one"}, {"target"}, "cat");
  set_int(b.graph().mutable_node(3)[0], "axis", 0);
  b.node("Reshape", {"c", "target"}, {"flat"}, "reshape");
  set_int(b.node("Gemm", {"flat", "fc_w"}, {"y"}, "fc"), "transB", 1);
  const auto w = b.import();
  CHECK(w.num_layers() == 2);  // conv and fc; the shape arithmetic is folded
  CHECK(layer(w, "fc").inputs[0].shape == Shape{1, 32});
  CHECK(layer(w, "fc").macs == 320);
}

TEST_CASE("ShuffleNet-style split: Slice ends from Shape -> Gather -> Div give [1,4,..] halves") {
  OnnxBuilder b(13);
  b.input("x", {1, 8, 4, 4})
      .ints("one", {1})
      .ints("two", {2})
      .ints("zero", {0})
      .ints("big", {INT64_MAX});
  b.output("lo").output("hi");
  b.node("Relu", {"x"}, {"xr"}, "relu");  // both halves fork off one backbone layer
  b.node("Shape", {"xr"}, {"s"}, "shape");
  b.node("Gather", {"s", "one"}, {"c"}, "gather");  // [8]
  b.node("Div", {"c", "two"}, {"half"}, "div");     // [4]
  b.node("Slice", {"xr", "zero", "half", "one"}, {"lo"}, "slice_lo");
  b.node("Slice", {"xr", "half", "big", "one"}, {"hi"}, "slice_hi");
  const auto w = b.import();
  CHECK(layer(w, "slice_lo").outputs[0].shape == Shape{1, 4, 4, 4});
  CHECK(layer(w, "slice_hi").outputs[0].shape == Shape{1, 4, 4, 4});
  CHECK(layer(w, "slice_lo").kind == LayerKind::kGather);
}

TEST_CASE(
    "channel shuffle: Reshape -> Transpose -> Reshape is one transpose layer on [1,2,4,3,3]") {
  OnnxBuilder b(13);
  b.input("x", {1, 8, 3, 3}).ints("s5", {1, 2, 4, 3, 3}).ints("s4", {1, -1, 3, 3}).output("y");
  b.node("Reshape", {"x", "s5"}, {"r"}, "r1");
  set_ints(b.node("Transpose",
                  {
                      "r",
                  },
                  {"t"}, "shuffle"),
           "perm", {0, 2, 1, 3, 4});
  b.node("Reshape", {"t", "s4"}, {"y"}, "r2");
  const auto w = b.import();
  REQUIRE(w.num_layers() == 1);
  CHECK(layer(w, "shuffle").inputs[0].shape == Shape{1, 2, 4, 3, 3});
  CHECK(layer(w, "shuffle").outputs[0].shape == Shape{1, 4, 2, 3, 3});
  CHECK(w.final_output == "y");
}

TEST_CASE(
    "Constant, ConstantOfShape, Range and Cast fold; Unsqueeze/Squeeze read their axes input") {
  OnnxBuilder b(13);
  b.input("x", {1, 6, 2, 2}).output("y");
  auto& k = b.node("Constant", {}, {"three"}, "k");
  auto* a = k.add_attribute();
  a->set_name("value_ints");
  a->set_type(eesim_onnx::AttributeProto::INTS);
  a->add_ints(3);
  b.ints("start", {0}).ints("delta", {1}).ints("ax0", {0});
  b.node("Squeeze", {"start", "ax0"}, {"s0"}, "sq0");     // scalar 0
  b.node("Squeeze", {"three", "ax0"}, {"s3"}, "sq3");     // scalar 3
  b.node("Squeeze", {"delta", "ax0"}, {"s1"}, "sq1");     // scalar 1
  b.node("Range", {"s0", "s3", "s1"}, {"rng"}, "range");  // [0,1,2]: 3 elements
  b.node("Shape", {"rng"}, {"len"}, "len");               // [3]
  b.node("ConstantOfShape", {"len"}, {"ones"}, "cos");    // float zeros [3]
  b.node("Shape", {"ones"}, {"n3"}, "n3");                // [3]
  b.ints("head", {1, 2});
  b.node("Concat", {"head", "n3"}, {"shape3"}, "cat");  // [1,2,3]
  set_int(b.graph().mutable_node(b.graph().node_size() - 1)[0], "axis", 0);
  b.ints("tail", {4});
  b.node("Concat", {"shape3", "tail"}, {"shape4"}, "cat2");  // [1,2,3,4]
  set_int(b.graph().mutable_node(b.graph().node_size() - 1)[0], "axis", 0);
  b.node("Reshape", {"x", "shape4"}, {"r"}, "reshape");
  b.node("Relu", {"r"}, {"y"}, "relu");
  const auto w = b.import();
  REQUIRE(w.num_layers() == 1);
  CHECK(layer(w, "relu").outputs[0].shape == Shape{1, 2, 3, 4});
}

TEST_CASE(
    "folded Mod takes the divisor's sign (fmod=0) or the dividend's (fmod=1); Cast to bool is "
    "nonzero") {
  // Reshape x[1,12] to [1, a, b, -1] with a = -7 mod 3 = 2 (fmod=0; C's % gives -1, which
  // Reshape would refuse as a second -1), b = Cast(Cast(0.5 -> bool) -> int64) = 1 (truncation
  // gives 0, which Reshape reads as "copy dim 2"), and -7 fmod 3 = -1 appended as the -1.
  OnnxBuilder b(13);
  b.input("x", {1, 12}).output("y");
  b.ints("a", {-7}).ints("b", {3}).ints("one", {1});
  b.node("Mod", {"a", "b"}, {"m"}, "mod");
  set_int(b.node("Mod", {"a", "b"}, {"cm"}, "cmod"), "fmod", 1);
  b.scalar("half", 0.5f);
  set_int(b.node("Cast", {"half"}, {"t"}, "to_bool"), "to", 9);
  set_int(b.node("Cast", {"t"}, {"ti"}, "to_int"), "to", 7);
  b.node("Unsqueeze", {"ti", "zero"}, {"ti1"}, "unsq");
  b.ints("zero", {0});
  auto& cat = b.node("Concat", {"one", "m", "ti1", "cm"}, {"shape"}, "cat");
  set_int(cat, "axis", 0);
  b.node("Reshape", {"x", "shape"}, {"r"}, "reshape");
  b.node("Relu", {"r"}, {"y"}, "relu");
  const auto w = b.import();
  CHECK(layer(w, "relu").outputs[0].shape == Shape{1, 2, 1, 6});
}

TEST_CASE("Identity on an initializer (PyTorch's shared biases) keeps the weight a weight") {
  OnnxBuilder b;
  b.input("x", {1, 3, 4, 4}).weight("w", {4, 3, 1, 1}).weight("bias", {4}).output("y");
  b.node("Identity", {"bias"}, {"bias2"}, "id");
  b.node("Conv", {"x", "w", "bias2"}, {"y"}, "conv");
  const auto w = b.import();
  REQUIRE(w.num_layers() == 1);
  CHECK(layer(w, "conv").weight_params == 12 + 4);
}

TEST_CASE("importing the same bytes twice gives equal workloads") {
  OnnxBuilder b;
  b.input("x", {1, 3, 8, 8}).weight("w", {4, 3, 3, 3}).output("y");
  b.node("Conv", {"x", "w"}, {"c"}, "conv");
  b.node("Relu", {"c"}, {"y"}, "relu");
  CHECK(b.import() == b.import());
}
