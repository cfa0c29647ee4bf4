// Weight-stripped exports (workloads/stripped_weights.h) and BatchNormalization exported in
// training mode import with the costs of the model with its weights.
#include <doctest/doctest.h>

#include "common/error.h"
#include "tests/workloads/onnx_builder.h"

using eesim::testing::layer;
using eesim::testing::OnnxBuilder;
using eesim::testing::set_int;
using eesim::testing::set_ints;
using eesim::workloads::Shape;

namespace {

void declare(OnnxBuilder& b, const std::string& name, const Shape& dims) {  // a value_info
  auto* v = b.graph().add_value_info();
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(eesim_onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->mutable_shape()->add_dim()->set_dim_value(d);
}

// x [1,8,6,6] -> Conv 3x3 pad 1 group 2 (w, b) -> c [1,4,6,6] -> Relu -> y; w and b are named
// but the file holds neither.
OnnxBuilder stripped_conv() {
  OnnxBuilder b;
  b.input("x", {1, 8, 6, 6}).output("y");
  auto& conv = b.node("Conv", {"x", "w", "b"}, {"c"}, "conv");
  set_ints(conv, "kernel_shape", {3, 3});
  set_ints(conv, "pads", {1, 1, 1, 1});
  set_int(conv, "group", 2);
  b.node("Relu", {"c"}, {"y"}, "relu");
  return b;
}

}  // namespace

TEST_CASE("stripped conv: w [4,4,3,3] from kernel_shape, group 2 and value_info's 4 channels") {
  OnnxBuilder b = stripped_conv();
  declare(b, "c", {1, 4, 6, 6});
  const auto w = b.import();
  // MACs: 1*4*6*6 outputs x (8/2)*3*3 = 144 x 36 = 5184; weights 4*4*3*3 + 4 = 148.
  CHECK(layer(w, "conv").macs == 5184);
  CHECK(layer(w, "conv").weight_params == 148);
  REQUIRE(w.warnings.size() == 2);
  CHECK(w.warnings[0] ==
        "node 'conv' (Conv): weight 'w' is not in the file; dims [4,4,3,3] inferred from "
        "kernel_shape, group 2, the input's 8 channels and 4 filters (value_info of 'c')");
  CHECK(w.warnings[1] ==
        "node 'conv' (Conv): weight 'b' is not in the file; dims [4] inferred "
        "from 4 filters (value_info of 'c')");
}

TEST_CASE("stripped conv: the filter count from a bias the file holds, or a reader's weight") {
  OnnxBuilder b = stripped_conv();
  b.weight("b", {4});
  CHECK(layer(b.import(), "conv").weight_params == 148);
  // No bias, no value_info: a 1x1 conv reading y with a known [2,4,1,1] weight needs 4 channels.
  OnnxBuilder r = stripped_conv();
  r.graph().mutable_node(0)->mutable_input()->RemoveLast();
  r.graph().mutable_output(0)->set_name("z");
  r.weight("w2", {2, 4, 1, 1});
  r.node("Conv", {"y", "w2"}, {"z"}, "conv2");
  const auto w = r.import();
  CHECK(layer(w, "conv").macs == 5184);
  CHECK(w.warnings.at(0).ends_with(
      "4 filters (the weight 'w2' of its reader 'conv2' (Conv))"));  // through the Relu
}

TEST_CASE("stripped conv: without a width anywhere, the error names the node and the tensor") {
  CHECK_THROWS_WITH_AS(
      stripped_conv().import(),
      doctest::Contains("test.onnx: node 'conv' (Conv): weight 'w' (input 1) is not in the file "
                        "(a weight-stripped export) and its filter count cannot be inferred: no "
                        "shape for output 'c' in value_info or the graph outputs"),
      eesim::Error);
}

TEST_CASE("stripped Gemm and MatMul: B from the input's width and the graph output's") {
  OnnxBuilder b;
  b.input("x", {1, 16}).output("y").output("z");
  b.node("Relu", {"x"}, {"r"}, "relu");  // the layer the two heads share
  set_int(b.node("Gemm", {"r", "fc_w", "fc_b"}, {"y"}, "fc"), "transB", 1);
  b.node("MatMul", {"r", "mm_w"}, {"z"}, "mm");
  auto* y = b.graph().mutable_output(0)->mutable_type()->mutable_tensor_type();
  y->mutable_shape()->add_dim()->set_dim_value(1);
  y->mutable_shape()->add_dim()->set_dim_value(10);
  *b.graph().mutable_output(1)->mutable_type() = b.graph().output(0).type();
  const auto w = b.import();
  CHECK(layer(w, "fc").macs == 160);
  CHECK(layer(w, "fc").weight_params == 170);  // [10,16] transposed and [10]
  CHECK(layer(w, "mm").weight_params == 160);  // [16,10]
}

TEST_CASE("export_params=False: graph inputs only weights read are weights, not inputs") {
  OnnxBuilder b;
  b.input("x", {1, 8, 6, 6}).input("w", {4, 8, 3, 3}).input("fc_w", {10, 4}).output("y");
  b.node("Conv", {"x", "w"}, {"c"}, "conv");
  b.node("GlobalAveragePool", {"c"}, {"p"}, "gap");
  set_int(b.node("Flatten", {"p"}, {"f"}, "flatten"), "axis", 1);
  b.node("Transpose", {"fc_w"}, {"fc_wt"}, "t");  // a weight read through a view
  b.node("MatMul", {"f", "fc_wt"}, {"y"}, "fc");
  const auto w = b.import();
  REQUIRE(w.inputs.size() == 1);
  CHECK(w.inputs[0].name == "x");
  CHECK(layer(w, "conv").macs == 4 * 4 * 4 * 72);  // 16 outputs per channel, 72 per output
  CHECK(layer(w, "fc").weight_params == 40);
  REQUIRE(w.warnings.size() == 1);
  CHECK(
      w.warnings[0].starts_with("2 graph inputs without an initializer are read only as weights"));
  CHECK(w.warnings[0].ends_with(": 'fc_w', 'w'"));
}

TEST_CASE("training-mode BatchNormalization folds; a statistic that is a graph output is no exit") {
  for (int opset : {13, 15}) {
    OnnxBuilder b(opset);
    b.input("x", {1, 3, 4, 4}).weight("w", {8, 3, 1, 1}).output("y");
    for (const char* p : {"s", "bias", "m", "v"}) b.weight(p, {8});
    std::vector<std::string> outs = {"y", "rm", "rv"};
    if (opset < 14) outs.insert(outs.end(), {"sm", "sv"});
    b.node("Conv", {"x", "w"}, {"c"}, "conv");
    auto& bn = b.node("BatchNormalization", {"c", "s", "bias", "m", "v"}, outs, "bn");
    if (opset >= 14) set_int(bn, "training_mode", 1);
    b.output("rm");  // the running mean, exported as a graph output
    const auto w = b.import();
    CHECK(w.num_layers() == 1);
    CHECK(layer(w, "conv").folded == std::vector<std::string>{"bn"});
    CHECK(layer(w, "conv").weight_params == 24 + 8);  // gains a bias
    CHECK(w.exits.empty());
    REQUIRE(w.warnings.size() == 1);
    CHECK(w.warnings[0] ==
          "graph output 'rm' is a running statistic of node 'bn' "
          "(BatchNormalization exported in training mode), not an exit: ignored");
  }
}

TEST_CASE("training-mode BatchNormalization whose statistics a node reads stays a layer") {
  OnnxBuilder b(15);
  b.input("x", {1, 3, 4, 4}).weight("w", {8, 3, 1, 1}).output("y").output("z");
  for (const char* p : {"s", "bias", "m", "v"}) b.weight(p, {8});
  b.node("Conv", {"x", "w"}, {"c"}, "conv");
  b.node("BatchNormalization", {"c", "s", "bias", "m", "v"}, {"y", "rm", "rv"}, "bn");
  b.node("Relu", {"rm"}, {"z"}, "relu");
  const auto w = b.import();
  CHECK(layer(w, "conv").folded.empty());
  CHECK(w.find_layer("bn"));
}
