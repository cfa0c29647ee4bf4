// Exit mounting: head templates, candidate branch points (cut vertices), stripping exits, and
// mounted heads that carry exactly what the importer records for the same ONNX nodes.
#include <doctest/doctest.h>

#include "common/error.h"
#include "tests/workloads/exit_nets.h"
#include "tests/workloads/onnx_builder.h"
#include "workloads/exit_mount.h"

using eesim::testing::backbone;
using eesim::testing::chain_net;
using eesim::testing::chain_net_with_exits;
using eesim::testing::head;
using eesim::testing::layer;
using eesim::testing::OnnxBuilder;
using eesim::testing::set_int;
using eesim::testing::set_ints;
using eesim::workloads::EdgeKind;
using eesim::workloads::HeadOp;
using eesim::workloads::LayerId;
using eesim::workloads::Shape;
using eesim::workloads::Workload;

namespace {

std::vector<std::string> names(const Workload& w, const std::vector<LayerId>& ids) {
  std::vector<std::string> out;
  for (LayerId v : ids) out.push_back(w.layer(v).name);
  return out;
}

}  // namespace

TEST_CASE("parse_head: ops, kernels, strides and channels as written; the text is kept") {
  const auto h = eesim::workloads::parse_head(" conv3x3:16/s2, relu ,dw5x5/s1,gap,fc:10");
  CHECK(h.text == " conv3x3:16/s2, relu ,dw5x5/s1,gap,fc:10");
  REQUIRE(h.ops.size() == 5);
  CHECK(h.ops[0].kind == HeadOp::Kind::kConv);
  CHECK(h.ops[0].kernel_h == 3);
  CHECK(h.ops[0].kernel_w == 3);
  CHECK(h.ops[0].outputs == 16);
  CHECK(h.ops[0].stride == 2);
  CHECK(h.ops[1].kind == HeadOp::Kind::kRelu);
  CHECK(h.ops[2].kind == HeadOp::Kind::kDepthwise);
  CHECK(h.ops[2].kernel_h == 5);
  CHECK(h.ops[2].stride == 1);
  CHECK(h.ops[3].kind == HeadOp::Kind::kGap);
  CHECK(h.ops[4].kind == HeadOp::Kind::kFc);
  CHECK(h.ops[4].outputs == 10);
  CHECK(eesim::workloads::parse_head(eesim::workloads::kDefaultHead).ops.size() == 2);
}

TEST_CASE("parse_head: a bad op is an error naming the token and giving the grammar") {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"gap,fc", "op 'fc'"},
      {"conv3x3", "missing ':C'"},
      {"conv3x:8", "kernel"},
      {"conv0x0:8", "kernel"},
      {"dw3x3:8", "no ':C'"},
      {"conv1x1:8/2", "stride"},
      {"conv1x1:-8", "channels"},
      {"fc:0", "outputs"},
      {"gap,,fc:10", "empty op"},
      {"", "no ops"},
      {"maxpool", "op 'maxpool': unknown op"}};
  for (const auto& [text, what] : bad) {
    CAPTURE(text);
    CHECK_THROWS_WITH_AS(eesim::workloads::parse_head(text), doctest::Contains(what.c_str()),
                         eesim::Error);
    CHECK_THROWS_WITH_AS(eesim::workloads::parse_head(text), doctest::Contains("expected"),
                         eesim::Error);
  }
}

TEST_CASE("mount_points on a chain: every layer with a 4-D output but the final one") {
  const Workload w = chain_net();
  CHECK(names(w, eesim::workloads::mount_points(w)) ==
        std::vector<std::string>{"conv1", "relu1", "conv2", "relu2", "conv3", "final/gap"});
}

TEST_CASE("mount_points: a layer inside a residual block is not a cut vertex") {
  // x -> conv1 -> relu1 -> conv2 -> add(relu1, conv2) -> conv3 -> gap -> fc
  OnnxBuilder b;
  b.input("x", {1, 4, 8, 8});
  for (const char* w : {"w1", "w2", "w3"}) b.weight(w, {4, 4, 3, 3});
  b.weight("ff", {10, 4});
  set_ints(b.node("Conv", {"x", "w1"}, {"c1"}, "conv1"), "pads", {1, 1, 1, 1});
  b.node("Relu", {"c1"}, {"r1"}, "relu1");
  set_ints(b.node("Conv", {"r1", "w2"}, {"c2"}, "conv2"), "pads", {1, 1, 1, 1});
  b.node("Add", {"r1", "c2"}, {"s"}, "add");
  set_ints(b.node("Conv", {"s", "w3"}, {"c3"}, "conv3"), "pads", {1, 1, 1, 1});
  head(b.graph(), "c3", "ff", "final", "final");
  b.output("final");
  const Workload w = b.import();
  CHECK(names(w, eesim::workloads::mount_points(w)) ==
        std::vector<std::string>{"conv1", "relu1", "add", "conv3", "final/gap"});
}

TEST_CASE("mount_points: two branches reading the graph input are both bypassed") {
  // convA(x) and convB(x) both read the input; add(reluA, convB): neither branch is a cut.
  OnnxBuilder b;
  b.input("x", {1, 4, 8, 8});
  for (const char* w : {"wa", "wb"}) b.weight(w, {4, 4, 1, 1});
  b.weight("ff", {10, 4});
  b.node("Conv", {"x", "wa"}, {"ca"}, "convA");
  b.node("Relu", {"ca"}, {"ra"}, "reluA");
  b.node("Conv", {"x", "wb"}, {"cb"}, "convB");
  b.node("Add", {"ra", "cb"}, {"s"}, "add");
  head(b.graph(), "s", "ff", "final", "final");
  b.output("final");
  const Workload w = b.import();
  CHECK(names(w, eesim::workloads::mount_points(w)) ==
        std::vector<std::string>{"add", "final/gap"});
}

TEST_CASE("strip_exits: an early-exit net becomes its backbone, with the same layers and MACs") {
  const Workload ee = chain_net_with_exits();
  const Workload s = eesim::workloads::strip_exits(ee);
  CHECK(s.exits.empty());
  CHECK(s.num_layers() == 7);  // conv1 relu1 conv2 relu2 conv3 gap fc
  CHECK(s.total_macs() == 3 * (4 * 64 * 36) + 40);
  CHECK(s.backbone.size() == 7);
  CHECK(s.layer(s.final_layer).name == "final/fc");
  CHECK(s == chain_net());  // ids re-compacted in topological order, edges and bytes kept
}

TEST_CASE("strip_exits on an If-based exit drops the confidence test and its control edges") {
  OnnxBuilder b;
  backbone(b);
  b.scalar("thr", 0.9f);
  head(b.graph(), "r1", "fa", "exitA_logits", "a");
  b.node("Softmax", {"exitA_logits"}, {"sm"}, "a/softmax");
  set_int(b.node("ReduceMax", {"sm"}, {"conf"}, "a/max"), "keepdims", 0);
  b.node("Greater", {"conf", "thr"}, {"cond"}, "a/greater");
  auto then_g = OnnxBuilder::subgraph("then");
  OnnxBuilder::add_node(then_g, "Identity", {"exitA_logits"}, {"exitA"}, "then/id");
  then_g.add_output()->set_name("exitA");
  auto else_g = OnnxBuilder::subgraph("else");
  set_ints(OnnxBuilder::add_node(else_g, "Conv", {"r2", "w3"}, {"e3"}, "else/conv3"), "pads",
           {1, 1, 1, 1});
  head(else_g, "e3", "ff", "final", "final");
  else_g.add_output()->set_name("final");
  auto& node = b.node("If", {"cond"}, {"y"}, "if1");
  eesim::testing::set_graph(node, "then_branch", then_g);
  eesim::testing::set_graph(node, "else_branch", else_g);
  b.output("y");
  const Workload s = eesim::workloads::strip_exits(b.import());
  CHECK(names(s, s.backbone) == std::vector<std::string>{"conv1", "relu1", "conv2", "relu2",
                                                         "else/conv3", "final/gap", "final/fc"});
  for (auto [e, end] = boost::edges(s.graph); e != end; ++e)
    CHECK(s.graph[*e].kind == EdgeKind::kData);
  CHECK(s.final_output == "y");
}

TEST_CASE("mount_exit conv1x1:8,relu,gap,fc:10 on relu1 [1,4,8,8]: MACs and weights by hand") {
  const Workload w = chain_net();
  const Workload m = eesim::workloads::mount_exit(
      w, *w.find_layer("relu1"), eesim::workloads::parse_head("conv1x1:8,relu,gap,fc:10"), "ex");
  REQUIRE(m.exits.size() == 1);
  const auto& e = m.exits[0];
  CHECK(e.name == "ex");
  CHECK(m.layer(e.branch_point).name == "relu1");
  CHECK(e.depth == 2);
  CHECK_FALSE(e.conditional);
  CHECK(names(m, e.head) == std::vector<std::string>{"ex/conv0", "ex/relu0", "ex/gap0", "ex/fc0"});
  CHECK(e.output_layer == e.head.back());
  // conv: 8x8x8 outputs x 4 inputs x 1x1 = 2048 MACs; 8*4 weights + 8 biases = 40 parameters.
  const auto& conv = layer(m, "ex/conv0");
  CHECK(conv.macs == 2048);
  CHECK(conv.weight_params == 40);
  CHECK(conv.weight_bytes == 160);
  CHECK(conv.outputs[0].shape == Shape{1, 8, 8, 8});
  CHECK(layer(m, "ex/relu0").vector_ops == 512);
  CHECK(layer(m, "ex/gap0").vector_ops == 512);
  CHECK(layer(m, "ex/gap0").outputs[0].shape == Shape{1, 8, 1, 1});
  // fc: flatten [1,8,1,1] -> [1,8]; 8*10 MACs; 8*10 weights + 10 biases.
  const auto& fc = layer(m, "ex/fc0");
  CHECK(fc.macs == 80);
  CHECK(fc.weight_params == 90);
  CHECK(fc.inputs[0].shape == Shape{1, 8});
  CHECK(fc.outputs[0].name == "ex");
  CHECK(fc.outputs[0].shape == Shape{1, 10});
  CHECK(m.total_macs() == w.total_macs() + 2048 + 80);
  CHECK(m.num_layers() == w.num_layers() + 4);
  // The edge from the branch carries relu1's [1,4,8,8] float tensor: 256 * 4 bytes.
  bool found = false;
  for (auto [it, end] = boost::in_edges(*m.find_layer("ex/conv0"), m.graph); it != end; ++it) {
    found |= boost::source(*it, m.graph) == e.branch_point && m.graph[*it].tensor == "r1" &&
             m.graph[*it].bytes == 1024;
  }
  CHECK(found);
  CHECK(m.final_layer == w.final_layer);
  CHECK(m.backbone == w.backbone);
}

TEST_CASE("mount_exit: the head's layers equal the importer's for the same ONNX nodes") {
  // conv3x3:8/s2,relu,dw3x3/s2,gap,fc:10 on relu1, written out as ONNX (biases as exporters
  // leave them after folding BatchNormalization) and imported.
  OnnxBuilder b;
  backbone(b);
  head(b.graph(), "c3", "ff", "final", "final");
  b.weight("hw", {8, 4, 3, 3}).weight("hb", {8}).weight("dw", {8, 1, 3, 3}).weight("db", {8});
  b.weight("fw", {10, 8}).weight("fb10", {10});
  auto& c = b.node("Conv", {"r1", "hw", "hb"}, {"h1"}, "ex/conv0");
  set_ints(c, "pads", {1, 1, 1, 1});
  set_ints(c, "strides", {2, 2});
  b.node("Relu", {"h1"}, {"h2"}, "ex/relu0");
  auto& d = b.node("Conv", {"h2", "dw", "db"}, {"h3"}, "ex/dw0");
  set_ints(d, "pads", {1, 1, 1, 1});
  set_ints(d, "strides", {2, 2});
  set_int(d, "group", 8);
  b.node("GlobalAveragePool", {"h3"}, {"h4"}, "ex/gap0");
  b.node("Flatten", {"h4"}, {"h5"}, "ex/flat");
  set_int(b.node("Gemm", {"h5", "fw", "fb10"}, {"ex"}, "ex/fc0"), "transB", 1);
  b.output("final").output("ex");
  const Workload imported = b.import();

  const Workload w = chain_net();
  const Workload m = eesim::workloads::mount_exit(
      w, *w.find_layer("relu1"),
      eesim::workloads::parse_head("conv3x3:8/s2,relu,dw3x3/s2,gap,fc:10"), "ex");
  for (const char* name : {"ex/conv0", "ex/relu0", "ex/dw0", "ex/gap0", "ex/fc0"}) {
    CAPTURE(name);
    const auto& a = layer(m, name);
    const auto& i = layer(imported, name);
    CHECK(a.op == i.op);
    CHECK(a.kind == i.kind);
    CHECK(a.macs == i.macs);
    CHECK(a.vector_ops == i.vector_ops);
    CHECK(a.weight_params == i.weight_params);
    CHECK(a.weight_bytes == i.weight_bytes);
    CHECK(a.elem_bytes == i.elem_bytes);
    CHECK(a.weight_bits == i.weight_bits);
    CHECK(a.input_bits == i.input_bits);
    CHECK(a.output_bits == i.output_bits);
    CHECK(a.window == i.window);
    CHECK(a.inputs[0].shape == i.inputs[0].shape);
    CHECK(a.outputs[0].shape == i.outputs[0].shape);
  }
  CHECK(layer(m, "ex/dw0").outputs[0].shape == Shape{1, 8, 2, 2});  // 8 -> 4 -> 2
  CHECK(m.exits[0].depth == imported.exits[0].depth);
  CHECK(m.total_macs() == imported.total_macs());
  CHECK(m.total_weight_bytes() == imported.total_weight_bytes());
}

TEST_CASE("mount_exit: exits stay sorted by depth when the backbone already has some") {
  const Workload ee = chain_net_with_exits();
  const Workload m = eesim::workloads::mount_exit(ee, *ee.find_layer("conv2"),
                                                  eesim::workloads::parse_head("gap,fc:10"), "mid");
  REQUIRE(m.exits.size() == 3);
  CHECK(m.exits[0].name == "exitA");
  CHECK(m.exits[1].name == "mid");
  CHECK(m.exits[1].depth == 3);
  CHECK(m.exits[2].name == "exitB");
}

TEST_CASE("mount_exit: errors name the op, the layer or the clashing name") {
  const Workload w = chain_net();
  const auto relu1 = *w.find_layer("relu1");
  const auto mount = [&](LayerId at, const std::string& head, const std::string& name) {
    return eesim::workloads::mount_exit(w, at, eesim::workloads::parse_head(head), name);
  };
  CHECK_THROWS_WITH_AS(
      mount(relu1, "fc:10,conv1x1:4", "ex"),
      doctest::Contains("op 'conv1x1:4' needs a 4-D [N,C,H,W] tensor but gets [1,10]"),
      eesim::Error);
  CHECK_THROWS_WITH_AS(mount(relu1, "fc:10,gap", "ex"), doctest::Contains("op 'gap'"),
                       eesim::Error);
  CHECK_NOTHROW(mount(relu1, "fc:10,relu,fc:5", "ex"));  // fc on a 4-D tensor flattens C*H*W
  CHECK(layer(mount(relu1, "fc:10", "ex"), "ex/fc0").macs == 256 * 10);
  CHECK_THROWS_WITH_AS(mount(w.final_layer, "fc:10", "ex"), doctest::Contains("is the final layer"),
                       eesim::Error);
  CHECK_THROWS_WITH_AS(mount(relu1, "gap", "relu1"), doctest::Contains("exit name 'relu1'"),
                       eesim::Error);
  CHECK_FALSE(eesim::workloads::exit_name_free(w, "conv1"));
  CHECK(eesim::workloads::exit_name_free(w, "conv"));
  CHECK_THROWS_WITH_AS(mount(relu1, "gap", "final"), doctest::Contains("exit name 'final'"),
                       eesim::Error);
  const Workload ee = chain_net_with_exits();
  CHECK_THROWS_WITH_AS(eesim::workloads::mount_exit(ee, *ee.find_layer("a/gap"),
                                                    eesim::workloads::parse_head("fc:10"), "ex"),
                       doctest::Contains("layer 'a/gap' is not on the backbone"), eesim::Error);
}

TEST_CASE("mount_exit: a head is held to the importer's size limits (sweep --head)") {
  // A count past 2^31 is refused when parsed; a head whose weights pass 2^40 elements when
  // mounted. Before, `conv3x3:99999999999` ran with 1e17-element tensors.
  CHECK_THROWS_WITH_AS(eesim::workloads::parse_head("conv3x3:99999999999"),
                       doctest::Contains("op 'conv3x3:99999999999': channels must be a count in "
                                         "[1, 2^31]"),
                       eesim::Error);
  CHECK_THROWS_WITH_AS(eesim::workloads::parse_head("fc:2147483649"),
                       doctest::Contains("outputs must be a count in [1, 2^31]"), eesim::Error);
  CHECK_NOTHROW(eesim::workloads::parse_head("fc:2147483648"));  // 2^31 itself is a dimension
  const Workload w = chain_net();
  const auto relu1 = *w.find_layer("relu1");  // [1,4,8,8]
  const auto head = eesim::workloads::parse_head("conv1x1:2147483648,conv1x1:2147483648");
  // The second conv: 2^31 x 2^31 weights + 2^31 biases.
  CHECK_THROWS_WITH_AS(
      eesim::workloads::mount_exit(w, relu1, head, "ex"),
      doctest::Contains("op 'conv1x1:2147483648': 4611686020574871552 weights is over "
                        "1099511627776 elements (no edge chip holds that)"),
      eesim::Error);
}
