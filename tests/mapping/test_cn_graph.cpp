// CN graph: bands of rows, receptive-field edges, residual adds, fusion stacks; every count
// below is computed by hand from the tiny network in `net()`.
#include <doctest/doctest.h>

#include "common/error.h"
#include "mapping/cn_graph.h"
#include "tests/workloads/onnx_builder.h"

using eesim::mapping::build_cn_graph;
using eesim::mapping::CnGraph;
using eesim::mapping::CnId;
using eesim::mapping::FusionOptions;
using eesim::testing::OnnxBuilder;
using eesim::testing::set_int;
using eesim::testing::set_ints;

namespace {

// x[1,2,8,8] -> conv1 (3x3 p1, 4 filters) -> relu1 -> conv2 (3x3 s2 p1) [1,4,4,4] -> conv3
// (3x3 p1) -> add(conv3, conv2) -> gap -> flatten -> fc [1,10].
eesim::workloads::Workload net() {
  OnnxBuilder b;
  b.input("x", {1, 2, 8, 8}).weight("w1", {4, 2, 3, 3}).weight("w2", {4, 4, 3, 3});
  b.weight("w3", {4, 4, 3, 3}).weight("wf", {10, 4});
  set_ints(b.node("Conv", {"x", "w1"}, {"c1"}, "conv1"), "pads", {1, 1, 1, 1});
  b.node("Relu", {"c1"}, {"r1"}, "relu1");
  auto& c2 = b.node("Conv", {"r1", "w2"}, {"c2"}, "conv2");
  set_ints(c2, "pads", {1, 1, 1, 1});
  set_ints(c2, "strides", {2, 2});
  set_ints(b.node("Conv", {"c2", "w3"}, {"c3"}, "conv3"), "pads", {1, 1, 1, 1});
  b.node("Add", {"c3", "c2"}, {"a"}, "add");
  b.node("GlobalAveragePool", {"a"}, {"g"}, "gap");
  b.node("Flatten", {"g"}, {"f"}, "flat");
  set_int(b.node("Gemm", {"f", "wf"}, {"out"}, "fc"), "transB", 1);
  b.output("out");
  return b.import_native();
}

int64_t in_degree(const CnGraph& g, CnId c) { return boost::in_degree(c, g.graph()); }

CnId node(const eesim::workloads::Workload& w, const CnGraph& g, const char* layer, size_t band) {
  return g.layer_cns.at(*w.find_layer(layer)).at(band);
}

}  // namespace

TEST_CASE("cn graph: layer by layer is one node per layer with the layer graph's edges") {
  const auto w = net();
  const CnGraph g = build_cn_graph(w, FusionOptions{});
  CHECK(g.num_cns() == w.num_layers());
  CHECK(g.num_cns() == 7);
  CHECK(boost::num_edges(g.graph()) == 7);  // add reads two producers
  CHECK(g.stacks.empty());
  CHECK(g.total_macs() == w.total_macs());
  auto [e, end] = boost::in_edges(node(w, g, "conv2", 0), g.graph());
  REQUIRE(e != end);
  CHECK(g.graph()[*e].elems == 4 * 8 * 8);  // all of relu1's output
}

TEST_CASE("cn graph: 1-row bands follow receptive fields (30 nodes, 42 edges, same MACs)") {
  const auto w = net();
  FusionOptions o;
  o.mode = FusionOptions::Mode::kRows;
  const CnGraph g = build_cn_graph(w, o);
  REQUIRE(g.stacks.size() == 1);
  CHECK(g.stacks[0].size() == 5);  // conv1 relu1 conv2 conv3 add; gap has H = 1
  CHECK(g.num_cns() == 8 + 8 + 4 + 4 + 4 + 1 + 1);
  CHECK(boost::num_edges(g.graph()) == 8 + 11 + 10 + 8 + 4 + 1);
  CHECK(g.total_macs() == w.total_macs());
  // conv2 (stride 2, pad 1) output row r reads relu1 rows [2r-1, 2r+1], clipped to [0, 7].
  CHECK(in_degree(g, node(w, g, "conv2", 0)) == 2);
  CHECK(in_degree(g, node(w, g, "conv2", 3)) == 3);
  // conv3 (stride 1) on 4 rows: edge rows read 2 producer rows, inner ones 3.
  CHECK(in_degree(g, node(w, g, "conv3", 0)) == 2);
  CHECK(in_degree(g, node(w, g, "conv3", 1)) == 3);
  // The residual add reads the same row of both inputs.
  const CnId add1 = node(w, g, "add", 1);
  CHECK(in_degree(g, add1) == 2);
  for (auto [e, end] = boost::in_edges(add1, g.graph()); e != end; ++e) {
    const auto& src = g.cn(boost::source(*e, g.graph()));
    CHECK(src.first_row == 1);
    CHECK(g.graph()[*e].elems == 4 * 4);  // one row of a [1,4,4,4] tensor
  }
  // gap needs every row of add.
  CHECK(in_degree(g, node(w, g, "gap", 0)) == 4);
  // Vertex ids are topological.
  for (auto [e, end] = boost::edges(g.graph()); e != end; ++e)
    CHECK(boost::source(*e, g.graph()) < boost::target(*e, g.graph()));
}

TEST_CASE("cn graph: 3-row bands cut 8 rows into 3+3+2 and keep MACs") {
  const auto w = net();
  FusionOptions o;
  o.mode = FusionOptions::Mode::kRows;
  o.rows_per_cn = 3;
  const CnGraph g = build_cn_graph(w, o);
  const auto& c1 = g.layer_cns[*w.find_layer("conv1")];
  REQUIRE(c1.size() == 3);
  CHECK(g.cn(c1[2]).first_row == 6);
  CHECK(g.cn(c1[2]).rows == 2);
  CHECK(g.total_macs() == w.total_macs());
}

TEST_CASE("fusion auto: stacks grow while weights and one band of each layer fit 400 bytes") {
  // Bytes per layer (int8, 1-row bands): conv1 72 + 32 + 32 = 136, relu1 64, conv2 144 + 64 +
  // 16 = 224, conv3 144 + 32 + 16 = 192, add 32 + 16 = 48.
  const auto w = net();
  FusionOptions o;
  o.mode = FusionOptions::Mode::kAuto;
  o.memory_budget_bytes = 400;
  const CnGraph g = build_cn_graph(w, o);
  REQUIRE(g.stacks.size() == 3);
  CHECK(g.stacks[0].size() == 2);  // conv1 relu1 (200)
  CHECK(g.stacks[1].size() == 1);  // conv2 (224; + conv3 would be 416)
  CHECK(g.stacks[2].size() == 2);  // conv3 add (240)
  CHECK(g.total_macs() == w.total_macs());
  o.memory_budget_bytes = 100;  // only relu1 and add fit alone
  CHECK(build_cn_graph(w, o).stacks.size() == 2);
}

TEST_CASE("fusion: user stacks name layers; unknown, unsplittable or repeated layers are errors") {
  const auto w = net();
  FusionOptions o;
  o.stacks = {{"conv2", "conv3", "add"}};
  const CnGraph g = build_cn_graph(w, o);
  REQUIRE(g.stacks.size() == 1);
  CHECK(g.layer_cns[*w.find_layer("conv1")].size() == 1);
  CHECK(g.layer_cns[*w.find_layer("conv3")].size() == 4);
  // conv2 band 0 reads all of relu1 (one node).
  CHECK(in_degree(g, node(w, g, "conv2", 0)) == 1);
  o.stacks = {{"conv2", "nope"}};
  CHECK_THROWS_WITH_AS(build_cn_graph(w, o), doctest::Contains("no layer named 'nope'"),
                       eesim::Error);
  o.stacks = {{"fc"}};
  CHECK_THROWS_WITH_AS(build_cn_graph(w, o), doctest::Contains("'fc' cannot be cut into rows"),
                       eesim::Error);
  o.stacks = {{"conv2"}, {"conv2"}};
  CHECK_THROWS_WITH_AS(build_cn_graph(w, o), doctest::Contains("in two stacks"), eesim::Error);
}
