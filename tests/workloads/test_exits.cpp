// Exit detection: multi-output and If-based early exits, branch points and depth order.
#include <doctest/doctest.h>

#include "common/error.h"
#include "tests/workloads/exit_nets.h"
#include "tests/workloads/onnx_builder.h"

using eesim::testing::backbone;
using eesim::testing::head;
using eesim::testing::layer;
using eesim::testing::OnnxBuilder;
using eesim::testing::set_graph;
using eesim::testing::set_int;
using eesim::testing::set_ints;
using eesim::workloads::EdgeKind;
using eesim::workloads::Shape;

TEST_CASE("multi-output: exits are ordered by backbone depth, not by output order") {
  OnnxBuilder b;
  backbone(b);
  head(b.graph(), "c3", "ff", "final", "final");
  head(b.graph(), "r2", "fb", "exitB", "b");
  head(b.graph(), "r1", "fa", "exitA", "a");
  b.output("exitB").output("final").output("exitA");
  const auto w = b.import();
  CHECK(w.final_output == "final");
  REQUIRE(w.exits.size() == 2);
  CHECK(w.exits[0].name == "exitA");
  CHECK(w.layer(w.exits[0].branch_point).name == "relu1");
  CHECK(w.exits[0].depth == 2);
  CHECK(w.exits[1].name == "exitB");
  CHECK(w.layer(w.exits[1].branch_point).name == "relu2");
  CHECK(w.exits[1].depth == 4);
  CHECK(w.exits[0].head.size() == 2);  // gap and fc; flatten is a view
  CHECK_FALSE(w.exits[0].conditional);
  CHECK(w.backbone.size() == 7);  // conv1 relu1 conv2 relu2 conv3 gap fc
  CHECK(w.total_macs() == 3 * (4 * 64 * 36) + 3 * 40);
}

TEST_CASE("--final picks the backbone's output explicitly; an unknown name is an error") {
  OnnxBuilder b;
  backbone(b);
  head(b.graph(), "c3", "ff", "final", "final");
  head(b.graph(), "r1", "fa", "exitA", "a");
  b.output("final").output("exitA");
  eesim::workloads::ImportOptions o;
  o.final_output = "nope";
  CHECK_THROWS_WITH_AS(b.import(o), doctest::Contains("final output 'nope' is not a graph output"),
                       eesim::Error);
}

TEST_CASE("If-based exit: the confidence test gates the backbone; exit named by the then output") {
  OnnxBuilder b;
  backbone(b);  // the If's else-branch re-reads r2 instead; conv3 here is unused by outputs
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
  set_graph(node, "then_branch", then_g);
  set_graph(node, "else_branch", else_g);
  b.output("y");

  const auto w = b.import();
  CHECK(w.final_output == "y");
  REQUIRE(w.exits.size() == 1);
  const auto& e = w.exits[0];
  CHECK(e.name == "exitA");
  CHECK(e.conditional);
  CHECK(w.layer(e.branch_point).name == "relu1");
  std::vector<std::string> head_names;
  for (auto v : e.head) head_names.push_back(w.layer(v).name);
  CHECK(head_names == std::vector<std::string>{"a/gap", "a/fc", "a/softmax", "a/max", "a/greater"});
  // The else-branch's first layer waits on the decision through a control edge.
  const auto conv3 = *w.find_layer("else/conv3"), greater = *w.find_layer("a/greater");
  bool gated = false;
  for (auto [it, end] = boost::in_edges(conv3, w.graph); it != end; ++it)
    gated |= boost::source(*it, w.graph) == greater && w.graph[*it].kind == EdgeKind::kControl;
  CHECK(gated);
  CHECK(layer(w, "a/max").outputs[0].shape == Shape{});
  // The main graph's conv3 feeds nothing (the else-branch has its own): dropped, and named.
  CHECK(w.pruned == std::vector<std::string>{"conv3"});
  CHECK_FALSE(w.find_layer("conv3"));
  CHECK(w.total_macs() == 3 * (4 * 64 * 36) + 2 * 40);
}

TEST_CASE("If with a constant condition keeps only the taken branch and adds no exit") {
  OnnxBuilder b;
  b.input("x", {1, 2, 4, 4}).output("y");
  auto* t = b.graph().add_initializer();
  t->set_name("yes");
  t->set_data_type(eesim_onnx::TensorProto::BOOL);
  t->add_int32_data(1);
  auto then_g = OnnxBuilder::subgraph("then");
  OnnxBuilder::add_node(then_g, "Relu", {"x"}, {"t_out"}, "then/relu");
  then_g.add_output()->set_name("t_out");
  auto else_g = OnnxBuilder::subgraph("else");
  OnnxBuilder::add_node(else_g, "Sigmoid", {"x"}, {"e_out"}, "else/sigmoid");
  else_g.add_output()->set_name("e_out");
  auto& node = b.node("If", {"yes"}, {"y"}, "if");
  set_graph(node, "then_branch", then_g);
  set_graph(node, "else_branch", else_g);
  const auto w = b.import();
  CHECK(w.num_layers() == 1);
  CHECK(w.layer(0).name == "then/relu");
  CHECK(w.exits.empty());
}

TEST_CASE("an exit that shares nothing with the backbone is an error naming it") {
  OnnxBuilder b;
  b.input("x", {1, 4}).input("z", {1, 4}).output("a").output("bb");
  b.node("Relu", {"x"}, {"x1"}, "r1");
  b.node("Relu", {"x1"}, {"a"}, "r2");
  b.node("Sigmoid", {"z"}, {"bb"}, "s1");
  CHECK_THROWS_WITH_AS(b.import(), doctest::Contains("exit 'bb' shares no layer with the backbone"),
                       eesim::Error);
}
