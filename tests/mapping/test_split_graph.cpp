// Layers split across cores (mapping/split.h), on a hand-built network whose every number is
// computed here: x[1,2,4,4] -> relu0 -> conv1 (3x3, pad 1, 2 -> 4 channels) -> conv2 (1x1,
// 4 -> 4 channels).
#include <doctest/doctest.h>

#include "common/error.h"
#include "mapping/allocation.h"
#include "mapping/cn_graph.h"
#include "mapping/split.h"
#include "tests/mapping/split_net.h"

using eesim::mapping::Allocation;
using eesim::mapping::CnGraph;
using eesim::mapping::CnId;
using eesim::mapping::LayerSplit;
using eesim::mapping::SplitKind;

namespace {

eesim::workloads::Workload net() { return eesim::testing::split_net(); }

// conv1 split `kind` over cores 0 and 1; the rest on core 0.
Allocation split_conv1(const eesim::workloads::Workload& w, SplitKind kind) {
  Allocation a{std::vector<size_t>(w.num_layers(), 0), "test", {}};
  a.splits.resize(w.num_layers());
  a.splits[*w.find_layer("conv1")] = LayerSplit{kind, {0, 1}};
  return a;
}

// The elements node `to` reads from node `from` (0 when no edge joins them).
int64_t elems(const CnGraph& g, CnId from, CnId to) {
  for (auto [e, end] = boost::in_edges(to, g.graph()); e != end; ++e)
    if (boost::source(*e, g.graph()) == from) return g.graph()[*e].elems;
  return 0;
}

}  // namespace

TEST_CASE("split: by channels, weights are partitioned and the input goes to every part") {
  const auto w = net();
  const CnGraph base = eesim::mapping::build_cn_graph(w, {});
  const Allocation a = split_conv1(w, SplitKind::kChannels);
  const CnGraph g = eesim::mapping::apply_splits(w, base, a);
  const auto relu = *w.find_layer("relu0"), conv1 = *w.find_layer("conv1"),
             conv2 = *w.find_layer("conv2");
  REQUIRE(g.num_cns() == 4);  // relu0, conv1's two parts, conv2
  REQUIRE(g.layer_cns[conv1].size() == 2);
  const CnId r = g.layer_cns[relu][0], p0 = g.layer_cns[conv1][0], p1 = g.layer_cns[conv1][1],
             c2 = g.layer_cns[conv2][0];
  for (const CnId p : {p0, p1}) {
    const auto& cn = g.cn(p);
    CHECK(cn.channels == 2);
    CHECK(cn.rows == 4);
    // 16 output pixels x 2 filters x (3 x 3 x 2) window = 576 MACs: half of 1152.
    CHECK(cn.tile.macs() == 576);
    CHECK(cn.tile.filters == 2);
    CHECK(cn.tile.out_elems == 2 * 16);
    CHECK(cn.tile.weight_elems == 2 * 2 * 3 * 3);  // its 2 filters of 4 x 2 x 3 x 3 = 72
    CHECK(cn.fetches_weights);
  }
  CHECK(g.cn(p0).first_channel == 0);
  CHECK(g.cn(p1).first_channel == 2);
  CHECK(a.core_of(g.cn(p0)) == 0);
  CHECK(a.core_of(g.cn(p1)) == 1);
  CHECK(g.total_macs() == base.total_macs());
  // Multicast: each part reads all of relu0's 2 x 4 x 4 = 32 elements (a conv reads every
  // input channel).
  CHECK(elems(g, r, p0) == 32);
  CHECK(elems(g, r, p1) == 32);
  // conv2 reads each part's 2 channels x 16 pixels = 32 elements.
  CHECK(elems(g, p0, c2) == 32);
  CHECK(elems(g, p1, c2) == 32);
  CHECK(boost::num_edges(g.graph()) == 4);
}

TEST_CASE("split: by rows, each part computes a slice with its halo and keeps all weights") {
  const auto w = net();
  const CnGraph base = eesim::mapping::build_cn_graph(w, {});
  const CnGraph g = eesim::mapping::apply_splits(w, base, split_conv1(w, SplitKind::kRows));
  const auto relu = *w.find_layer("relu0"), conv1 = *w.find_layer("conv1"),
             conv2 = *w.find_layer("conv2");
  REQUIRE(g.layer_cns[conv1].size() == 2);
  const CnId r = g.layer_cns[relu][0], p0 = g.layer_cns[conv1][0], p1 = g.layer_cns[conv1][1],
             c2 = g.layer_cns[conv2][0];
  CHECK(g.cn(p0).first_row == 0);
  CHECK(g.cn(p0).rows == 2);
  CHECK(g.cn(p1).first_row == 2);
  CHECK(g.cn(p1).rows == 2);
  for (const CnId p : {p0, p1}) {
    // 2 rows x 4 columns = 8 pixels x 4 filters x 18 = 576 MACs; every filter: 72 weights.
    CHECK(g.cn(p).tile.macs() == 576);
    CHECK(g.cn(p).tile.weight_elems == 72);
  }
  // A 3x3 window with pad 1: output rows 0-1 read input rows 0-2, rows 2-3 read rows 1-3:
  // 3 rows x 4 columns x 2 channels = 24 elements each (row 1 and 2 go to both: the halo).
  CHECK(elems(g, r, p0) == 24);
  CHECK(elems(g, r, p1) == 24);
  // conv2 (1x1) reads 2 rows x 4 columns x 4 channels = 32 from each part.
  CHECK(elems(g, p0, c2) == 32);
  CHECK(elems(g, p1, c2) == 32);
}

TEST_CASE("split: by rows, a fused layer's bands go to the cores in runs, each fetching once") {
  const auto w = net();
  eesim::mapping::FusionOptions rows;
  rows.mode = eesim::mapping::FusionOptions::Mode::kRows;  // 1-row bands: 4 per layer
  const CnGraph base = eesim::mapping::build_cn_graph(w, rows);
  const auto conv1 = *w.find_layer("conv1");
  REQUIRE(base.layer_cns[conv1].size() == 4);
  const Allocation a = split_conv1(w, SplitKind::kRows);
  const CnGraph g = eesim::mapping::apply_splits(w, base, a);
  REQUIRE(g.num_cns() == base.num_cns());  // no new nodes: the bands are dealt out
  const auto& bands = g.layer_cns[conv1];
  std::vector<int64_t> parts;
  std::vector<bool> fetches;
  for (CnId c : bands) parts.push_back(g.cn(c).part), fetches.push_back(g.cn(c).fetches_weights);
  CHECK(parts == std::vector<int64_t>{0, 0, 1, 1});
  CHECK(fetches == std::vector<bool>{true, false, true, false});
  CHECK(a.core_of(g.cn(bands[1])) == 0);
  CHECK(a.core_of(g.cn(bands[2])) == 1);
}

TEST_CASE("split: what cannot be split says why") {
  const auto w = net();
  const CnGraph base = eesim::mapping::build_cn_graph(w, {});
  const auto conv1 = *w.find_layer("conv1");
  using eesim::mapping::split_problem;
  CHECK(split_problem(w, base, conv1, {SplitKind::kChannels, {0}}) ==
        "a split needs at least two cores");
  CHECK(split_problem(w, base, conv1, {SplitKind::kChannels, {1, 1}}) ==
        "a split names a core twice");
  CHECK(split_problem(w, base, conv1, {SplitKind::kChannels, {0, 1, 2, 3, 4}}) ==
        "it has 4 output channels, fewer than 5 parts");
  CHECK(split_problem(w, base, conv1, {SplitKind::kRows, {0, 1, 2, 3, 4}}) ==
        "it has 4 output rows, fewer than 5 parts");
  Allocation bad = split_conv1(w, SplitKind::kChannels);
  bad.splits[conv1].cores = {0, 1, 2, 3, 4};
  CHECK_THROWS_AS(eesim::mapping::apply_splits(w, base, bad), eesim::Error);
}
