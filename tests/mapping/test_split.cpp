// Layers split across cores (mapping/split.h): which layers can be cut by channels, why a split
// cannot apply, and the CN graph apply_splits builds for a channel split, a row split of an
// unfused layer and a row split of a fused (banded) one. Every count below is computed by hand
// from the tiny networks in this file.
#include <doctest/doctest.h>

#include <utility>
#include <vector>

#include "common/error.h"
#include "mapping/allocation.h"
#include "mapping/split.h"
#include "tests/workloads/onnx_builder.h"

using eesim::mapping::Allocation;
using eesim::mapping::apply_splits;
using eesim::mapping::build_cn_graph;
using eesim::mapping::channel_cut;
using eesim::mapping::CnGraph;
using eesim::mapping::CnId;
using eesim::mapping::FusionOptions;
using eesim::mapping::LayerSplit;
using eesim::mapping::split_problem;
using eesim::mapping::SplitKind;
using eesim::testing::OnnxBuilder;
using eesim::testing::set_int;
using eesim::testing::set_ints;

namespace {

namespace wl = eesim::workloads;

// One layer of every channel-cut kind:
// x[1,4,8,8] -> conv (3x3 p1, 8 filters) [1,8,8,8] -> dw (depthwise 3x3 p1, group 8)
// -> grouped (3x3 p1, group 2, 8 filters of 4 channels) -> add(dw, grouped) -> pool (MaxPool
// 2x2 s2) [1,8,4,4] -> gap [1,8,1,1] -> flatten -> fc (Gemm, 10 x 8) [1,10] -> softmax.
wl::Workload cut_net() {
  OnnxBuilder b;
  b.input("x", {1, 4, 8, 8});
  b.weight("w1", {8, 4, 3, 3}).weight("wd", {8, 1, 3, 3}).weight("wg", {8, 4, 3, 3});
  b.weight("wf", {10, 8});
  set_ints(b.node("Conv", {"x", "w1"}, {"c"}, "conv"), "pads", {1, 1, 1, 1});
  auto& dw = b.node("Conv", {"c", "wd"}, {"d"}, "dw");
  set_ints(dw, "pads", {1, 1, 1, 1});
  set_int(dw, "group", 8);
  auto& grouped = b.node("Conv", {"d", "wg"}, {"gc"}, "grouped");
  set_ints(grouped, "pads", {1, 1, 1, 1});
  set_int(grouped, "group", 2);
  b.node("Add", {"d", "gc"}, {"a"}, "add");
  auto& pool = b.node("MaxPool", {"a"}, {"p"}, "pool");
  set_ints(pool, "kernel_shape", {2, 2});
  set_ints(pool, "strides", {2, 2});
  b.node("GlobalAveragePool", {"p"}, {"g"}, "gap");
  b.node("Flatten", {"g"}, {"f"}, "flat");
  set_int(b.node("Gemm", {"f", "wf"}, {"fc_out"}, "fc"), "transB", 1);
  b.node("Softmax", {"fc_out"}, {"y"}, "softmax");
  b.output("y");
  return b.import();
}

// The chain the apply_splits cases cut:
// x[1,4,8,8] -> relu0 [1,4,8,8] -> conv1 (3x3 p1, 8 filters of 4 channels) [1,8,8,8]
// -> relu1 [1,8,8,8] -> conv2 (3x3 p1, 4 filters of 8 channels) [1,4,8,8].
// conv1: 64 pixels x 8 filters x 36 = 18432 MACs, 8*4*9 = 288 weights.
// conv2: 64 pixels x 4 filters x 72 = 18432 MACs, 4*8*9 = 288 weights.
wl::Workload chain() {
  OnnxBuilder b;
  b.input("x", {1, 4, 8, 8}).weight("w1", {8, 4, 3, 3}).weight("w2", {4, 8, 3, 3});
  b.node("Relu", {"x"}, {"r0"}, "relu0");
  set_ints(b.node("Conv", {"r0", "w1"}, {"c1"}, "conv1"), "pads", {1, 1, 1, 1});
  b.node("Relu", {"c1"}, {"r1"}, "relu1");
  set_ints(b.node("Conv", {"r1", "w2"}, {"c2"}, "conv2"), "pads", {1, 1, 1, 1});
  b.output("c2");
  return b.import();
}

wl::LayerId id(const wl::Workload& w, const char* name) {
  const auto v = w.find_layer(name);
  REQUIRE(v.has_value());
  return *v;
}

// Every layer on core 0, the named layers split as given.
Allocation split_alloc(const wl::Workload& w,
                       const std::vector<std::pair<const char*, LayerSplit>>& splits) {
  Allocation a{std::vector<size_t>(w.num_layers(), 0), "test"};
  a.splits.resize(w.num_layers());
  for (const auto& [name, split] : splits) {
    a.splits[id(w, name)] = split;
    a.core_of_layer[id(w, name)] = split.cores.front();
  }
  return a;
}

// The in-edges of node c as (producer node, elements read), in the graph's order.
std::vector<std::pair<CnId, int64_t>> in_edges(const CnGraph& g, CnId c) {
  std::vector<std::pair<CnId, int64_t>> out;
  for (auto [e, end] = boost::in_edges(c, g.graph()); e != end; ++e)
    out.emplace_back(boost::source(*e, g.graph()), g.graph()[*e].elems);
  return out;
}

using Edges = std::vector<std::pair<CnId, int64_t>>;

}  // namespace

TEST_CASE(
    "channel cut: a 1-group conv and a Gemm read all channels, per-channel layers their own") {
  const auto w = cut_net();
  const auto cut = [&](const char* name) { return channel_cut(w, id(w, name)); };
  // conv (group 1): 8 filters cut one by one, each reading every input channel.
  CHECK(cut("conv").units == 8);
  CHECK(cut("conv").unit == 1);
  CHECK(cut("conv").reads_all_channels);
  // dw (group 8 = C): 8 groups of 8 / 8 = 1 channel, each reading its own channel.
  CHECK(cut("dw").units == 8);
  CHECK(cut("dw").unit == 1);
  CHECK_FALSE(cut("dw").reads_all_channels);
  // grouped (group 2): 2 groups of 8 / 2 = 4 filters stay together, each reading its 4 channels.
  CHECK(cut("grouped").units == 2);
  CHECK(cut("grouped").unit == 4);
  CHECK_FALSE(cut("grouped").reads_all_channels);
  // add [1,8,8,8] + [1,8,8,8]: 8 channels, each from the same channel of both inputs.
  CHECK(cut("add").units == 8);
  CHECK(cut("add").unit == 1);
  CHECK_FALSE(cut("add").reads_all_channels);
  // pool [1,8,8,8] -> [1,8,4,4]: 8 channels, per channel.
  CHECK(cut("pool").units == 8);
  CHECK(cut("pool").unit == 1);
  CHECK_FALSE(cut("pool").reads_all_channels);
  // gap [1,8,4,4] -> [1,8,1,1]: global pooling keeps channels.
  CHECK(cut("gap").units == 8);
  CHECK_FALSE(cut("gap").reads_all_channels);
  // fc [1,8] x [8,10]: the 10 filters (N), each reading all 8 inputs.
  CHECK(cut("fc").units == 10);
  CHECK(cut("fc").unit == 1);
  CHECK(cut("fc").reads_all_channels);
  // softmax normalises across channels: not cut.
  CHECK(cut("softmax").units == 0);
}

TEST_CASE("split problem: too few channels, groups, rows or bands; repeated cores; one core") {
  const auto w = cut_net();
  const CnGraph base = build_cn_graph(w, FusionOptions{});
  const auto problem = [&](const char* layer, SplitKind kind, std::vector<size_t> cores) {
    return split_problem(w, base, id(w, layer), LayerSplit{kind, std::move(cores)});
  };
  CHECK(problem("conv", SplitKind::kChannels, {0, 1}) == "");
  CHECK(problem("conv", SplitKind::kRows, {0, 1, 2, 3, 4, 5, 6, 7}) == "");  // 8 rows, 8 parts
  CHECK(problem("conv", SplitKind::kNone, {}) == "");
  // conv has 8 filters: 9 parts are too many.
  CHECK(problem("conv", SplitKind::kChannels, {0, 1, 2, 3, 4, 5, 6, 7, 8}) ==
        "it has 8 output channels, fewer than 9 parts");
  // grouped has 2 groups of 4 filters: 3 parts cannot keep groups whole.
  CHECK(problem("grouped", SplitKind::kChannels, {0, 1, 2}) ==
        "it has 2 groups, fewer than 3 parts");
  CHECK(problem("conv", SplitKind::kChannels, {1, 1}) == "a split names a core twice");
  CHECK(problem("conv", SplitKind::kRows, {2, 0, 2}) == "a split names a core twice");
  CHECK(problem("conv", SplitKind::kRows, {0}) == "a split needs at least two cores");
  CHECK(problem("conv", SplitKind::kChannels, {}) == "a split needs at least two cores");
  // pool's output [1,8,4,4] has 4 rows: 5 parts are too many, 4 are fine.
  CHECK(problem("pool", SplitKind::kRows, {0, 1, 2, 3, 4}) ==
        "it has 4 output rows, fewer than 5 parts");
  CHECK(problem("pool", SplitKind::kRows, {0, 1, 2, 3}) == "");
  CHECK(problem("fc", SplitKind::kRows, {0, 1}) == "its output cannot be cut into rows");
  CHECK(problem("softmax", SplitKind::kChannels, {0, 1}) ==
        "its output cannot be cut into channels");

  // Fused in 2-row bands, conv's 8 rows are 4 bands: a row split hands out bands, not rows.
  FusionOptions fused;
  fused.mode = FusionOptions::Mode::kRows;
  fused.rows_per_cn = 2;
  const CnGraph banded = build_cn_graph(w, fused);
  REQUIRE(banded.layer_cns[id(w, "conv")].size() == 4);
  CHECK(split_problem(w, banded, id(w, "conv"), {SplitKind::kRows, {0, 1, 2, 3, 4}}) ==
        "it has 4 bands, fewer than 5 parts");

  // apply_splits refuses the same, naming the model, the layer and the split.
  Allocation a{std::vector<size_t>(w.num_layers(), 0), "test"};
  a.splits.resize(w.num_layers());
  a.splits[id(w, "pool")] = {SplitKind::kRows, {0, 1, 2, 3, 4}};
  CHECK_THROWS_WITH_AS(apply_splits(w, base, a),
                       "test.onnx: layer 'pool' (MaxPool): cannot split by rows over 5 cores: it "
                       "has 4 output rows, fewer than 5 parts",
                       eesim::Error);
}

TEST_CASE("apply splits: no split leaves the graph as built") {
  const auto w = chain();
  const CnGraph base = build_cn_graph(w, FusionOptions{});
  const Allocation none{std::vector<size_t>(w.num_layers(), 0), "test"};
  CHECK(apply_splits(w, base, none) == base);
  // Every entry kNone: the same.
  CHECK(apply_splits(w, base, split_alloc(w, {})) == base);
}

TEST_CASE("apply splits: conv1 by channels over 2 cores: 4 + 4 filters, half the weights each") {
  const auto w = chain();
  const CnGraph base = build_cn_graph(w, FusionOptions{});
  REQUIRE(base.num_cns() == 4);
  const Allocation a = split_alloc(w, {{"conv1", {SplitKind::kChannels, {0, 1}}}});
  const CnGraph g = apply_splits(w, base, a);
  // relu0, conv1 x 2 parts, relu1, conv2.
  CHECK(g.num_cns() == 5);
  CHECK(g.total_macs() == 2 * 18432);
  const auto& parts = g.layer_cns[id(w, "conv1")];
  REQUIRE(parts.size() == 2);
  for (int64_t i = 0; i < 2; ++i) {
    const auto& cn = g.cn(parts[static_cast<size_t>(i)]);
    CAPTURE(i);
    CHECK(cn.part == i);
    CHECK(cn.first_channel == 4 * i);  // units [8*i/2, 8*(i+1)/2) = [4i, 4i+4)
    CHECK(cn.channels == 4);
    CHECK(cn.first_row == 0);
    CHECK(cn.rows == 8);
    CHECK(cn.fetches_weights);  // each part fetches its own filters
    CHECK(cn.tile.filters == 4);
    CHECK(cn.tile.out_pixels == 64);
    CHECK(cn.tile.window == 36);         // 3 x 3 x 4 input channels
    CHECK(cn.tile.macs() == 9216);       // 64 x 4 x 36, half of 18432
    CHECK(cn.tile.weight_elems == 144);  // 4 filters x 36: half of 288
    CHECK(cn.tile.out_elems == 256);     // 4 channels x 64 pixels
    CHECK(cn.tile.in_elems == 256);      // the whole input, 4 x 64: reads all channels
    CHECK(a.core_of(cn) == static_cast<size_t>(i));
    // Multicast: each part reads all of relu0's [1,4,8,8] = 256 elements.
    CHECK(in_edges(g, parts[static_cast<size_t>(i)]) ==
          Edges{{g.layer_cns[id(w, "relu0")][0], 256}});
  }
  // relu1 (not split) reads from each part its 4 channels x 64 = 256 elements.
  const CnId relu1 = g.layer_cns[id(w, "relu1")].at(0);
  CHECK(in_edges(g, relu1) == Edges{{parts[0], 256}, {parts[1], 256}});
  CHECK(a.core_of(g.cn(relu1)) == 0);
  // conv2 reads all of relu1, one node: 8 x 64 = 512.
  CHECK(in_edges(g, g.layer_cns[id(w, "conv2")].at(0)) == Edges{{relu1, 512}});
}

TEST_CASE("apply splits: a per-channel consumer split like its producer reads its own channels") {
  // conv1 and relu1 both by channels over cores {0, 1}: relu1's part i reads channels
  // [4i, 4i+4) of conv1, which conv1's part i alone wrote: one edge of 4 x 64 = 256 elements.
  // conv2 (a 1-group conv, not split) reads every channel: 256 from each relu1 part.
  const auto w = chain();
  const CnGraph base = build_cn_graph(w, FusionOptions{});
  const CnGraph g = apply_splits(w, base,
                                 split_alloc(w, {{"conv1", {SplitKind::kChannels, {0, 1}}},
                                                 {"relu1", {SplitKind::kChannels, {0, 1}}}}));
  CHECK(g.num_cns() == 6);
  const auto& c1 = g.layer_cns[id(w, "conv1")];
  const auto& r1 = g.layer_cns[id(w, "relu1")];
  REQUIRE(r1.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    CAPTURE(i);
    CHECK(in_edges(g, r1[i]) == Edges{{c1[i], 256}});
    CHECK(g.cn(r1[i]).tile.vector_ops == 256);  // half of relu1's 512
    CHECK(g.cn(r1[i]).tile.in_elems == 256);    // its own 4 channels only
  }
  CHECK(in_edges(g, g.layer_cns[id(w, "conv2")].at(0)) == Edges{{r1[0], 256}, {r1[1], 256}});
}

TEST_CASE("apply splits: conv2 by rows over 2 cores: rows 0-3 and 4-7, one halo row each") {
  const auto w = chain();
  const CnGraph base = build_cn_graph(w, FusionOptions{});
  const Allocation a = split_alloc(w, {{"conv2", {SplitKind::kRows, {0, 1}}}});
  const CnGraph g = apply_splits(w, base, a);
  CHECK(g.num_cns() == 5);
  CHECK(g.total_macs() == 2 * 18432);
  const auto& parts = g.layer_cns[id(w, "conv2")];
  REQUIRE(parts.size() == 2);
  const CnId relu1 = g.layer_cns[id(w, "relu1")].at(0);
  for (int64_t i = 0; i < 2; ++i) {
    const auto& cn = g.cn(parts[static_cast<size_t>(i)]);
    CAPTURE(i);
    CHECK(cn.part == i);
    CHECK(cn.band == i);
    CHECK(cn.first_row == 4 * i);  // 8 * i / 2
    CHECK(cn.rows == 4);
    CHECK(cn.first_channel == 0);
    CHECK(cn.channels == 4);  // every filter
    CHECK(cn.fetches_weights);
    CHECK(cn.tile.out_pixels == 32);  // 4 rows x 8 columns
    CHECK(cn.tile.filters == 4);
    CHECK(cn.tile.macs() == 9216);       // 32 x 4 x 72
    CHECK(cn.tile.weight_elems == 288);  // a row part holds all of the layer's weights
    CHECK(cn.tile.out_elems == 128);     // 4 channels x 4 rows x 8
    CHECK(cn.tile.layer_out_pixels == 64);
    // Rows [4i, 4i+3] of a 3x3 p1 conv read input rows [4i - 1, 4i + 4] clipped to [0, 7]:
    // part 0 rows 0-4, part 1 rows 3-7: 5 rows (4 + 1 halo) x 8 channels x 8 = 320.
    CHECK(cn.tile.in_elems == 320);
    CHECK(in_edges(g, parts[static_cast<size_t>(i)]) == Edges{{relu1, 320}});
    CHECK(a.core_of(cn) == static_cast<size_t>(i));
  }
}

TEST_CASE("apply splits: a row-split conv reading a row-split relu takes its halo row across") {
  // relu1 and conv2 both by rows over {0, 1}: relu1 part 0 writes rows 0-3, part 1 rows 4-7.
  // conv2 part 0 needs rows 0-4: 4 rows from relu1 part 0 (4 x 64 = 256) and the halo row 4
  // from part 1 (64); conv2 part 1 needs rows 3-7: row 3 from part 0 (64), rows 4-7 from
  // part 1 (256). A row of relu1's [1,8,8,8] output is 8 channels x 8 = 64 elements.
  const auto w = chain();
  const CnGraph base = build_cn_graph(w, FusionOptions{});
  const CnGraph g = apply_splits(w, base,
                                 split_alloc(w, {{"relu1", {SplitKind::kRows, {0, 1}}},
                                                 {"conv2", {SplitKind::kRows, {0, 1}}}}));
  CHECK(g.num_cns() == 6);
  const auto& r1 = g.layer_cns[id(w, "relu1")];
  const auto& c2 = g.layer_cns[id(w, "conv2")];
  REQUIRE(r1.size() == 2);
  REQUIRE(c2.size() == 2);
  CHECK(in_edges(g, c2[0]) == Edges{{r1[0], 256}, {r1[1], 64}});
  CHECK(in_edges(g, c2[1]) == Edges{{r1[0], 64}, {r1[1], 256}});
  // relu1's parts read the same rows of conv1 (no window): 4 rows x 64 = 256 each.
  const CnId conv1 = g.layer_cns[id(w, "conv1")].at(0);
  CHECK(in_edges(g, r1[0]) == Edges{{conv1, 256}});
  CHECK(in_edges(g, r1[1]) == Edges{{conv1, 256}});
  CHECK(g.cn(r1[1]).tile.vector_ops == 256);  // 4 of relu1's 8 rows of 64 operations
}

TEST_CASE("apply splits: a fused conv by rows hands each core a run of bands; its first fetches") {
  // Fused in 1-row bands, the whole chain is one stack and conv1 has 8 bands. Over 2 cores,
  // band b goes to part b * 2 / 8: bands 0-3 to part 0, 4-7 to part 1; bands 0 and 4 start a
  // part and fetch the weights.
  const auto w = chain();
  FusionOptions fused;
  fused.mode = FusionOptions::Mode::kRows;
  const CnGraph base = build_cn_graph(w, fused);
  REQUIRE(base.stacks.size() == 1);
  REQUIRE(base.num_cns() == 32);  // 4 layers x 8 bands
  const Allocation a = split_alloc(w, {{"conv1", {SplitKind::kRows, {1, 0}}}});
  const CnGraph g = apply_splits(w, base, a);
  CHECK(g.num_cns() == 32);  // a fused row split cuts no band
  CHECK(g.total_macs() == 2 * 18432);
  const auto& bands = g.layer_cns[id(w, "conv1")];
  REQUIRE(bands.size() == 8);
  std::vector<int64_t> part, row;
  std::vector<char> fetches;
  std::vector<size_t> core;
  for (CnId c : bands) {
    part.push_back(g.cn(c).part);
    row.push_back(g.cn(c).first_row);
    fetches.push_back(g.cn(c).fetches_weights ? 1 : 0);
    core.push_back(a.core_of(g.cn(c)));
  }
  CHECK(part == std::vector<int64_t>{0, 0, 0, 0, 1, 1, 1, 1});
  CHECK(row == std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7});  // bands keep their rows
  CHECK(fetches == std::vector<char>{1, 0, 0, 0, 1, 0, 0, 0});
  // Part 0 on core 1, part 1 on core 0 (the split's order, not the cores').
  CHECK(core == std::vector<size_t>{1, 1, 1, 1, 0, 0, 0, 0});
  // The other layers keep one part on core 0 (core_of_layer) and their first band fetches.
  const auto& relu1 = g.layer_cns[id(w, "relu1")];
  CHECK(g.cn(relu1[0]).part == 0);
  CHECK(g.cn(relu1[0]).fetches_weights);
  CHECK_FALSE(g.cn(relu1[4]).fetches_weights);
  CHECK(a.core_of(g.cn(relu1[4])) == 0);

  // Over 3 cores, band b goes to part b * 3 / 8: 0,0,0,1,1,1,2,2 (3 + 3 + 2 bands).
  const Allocation a3 = split_alloc(w, {{"conv1", {SplitKind::kRows, {0, 1, 2}}}});
  const CnGraph g3 = apply_splits(w, base, a3);
  part.clear();
  fetches.clear();
  for (CnId c : g3.layer_cns[id(w, "conv1")]) {
    part.push_back(g3.cn(c).part);
    fetches.push_back(g3.cn(c).fetches_weights ? 1 : 0);
  }
  CHECK(part == std::vector<int64_t>{0, 0, 0, 1, 1, 1, 2, 2});
  CHECK(fetches == std::vector<char>{1, 0, 0, 1, 0, 0, 1, 0});
}

TEST_CASE("allocation: core_of follows the split's cores by part, core_of_layer otherwise") {
  const auto w = chain();
  const CnGraph base = build_cn_graph(w, FusionOptions{});
  Allocation a{{3, 3, 1, 2}, "test"};  // relu0 conv1 relu1 conv2
  REQUIRE(id(w, "conv1") == 1);
  eesim::mapping::Cn cn;
  cn.layer = 1;
  cn.part = 1;
  CHECK(a.core_of(cn) == 3);  // no splits at all: the layer's core, whatever the part
  a.splits.resize(4);
  CHECK(a.core_of(cn) == 3);  // conv1 not split
  a.splits[1] = {SplitKind::kChannels, {2, 0, 1}};
  a.core_of_layer[1] = 2;  // a split layer's entry is its first part's core
  cn.part = 0;
  CHECK(a.core_of(cn) == 2);
  cn.part = 1;
  CHECK(a.core_of(cn) == 0);
  cn.part = 2;
  CHECK(a.core_of(cn) == 1);
  cn.layer = 2;  // relu1, not split
  cn.part = 0;
  CHECK(a.core_of(cn) == 1);
  // On the graph apply_splits builds: conv1's three parts have 8 / 3 = 2, 5 - 2 = 3 and
  // 8 - 5 = 3 filters ([8i/3, 8(i+1)/3) = [0,2), [2,5), [5,8)), on cores 2, 0 and 1.
  const CnGraph g = apply_splits(w, base, a);
  const auto& parts = g.layer_cns[1];
  REQUIRE(parts.size() == 3);
  CHECK(a.core_of(g.cn(parts[0])) == 2);
  CHECK(a.core_of(g.cn(parts[1])) == 0);
  CHECK(a.core_of(g.cn(parts[2])) == 1);
  CHECK(g.cn(parts[0]).channels == 2);
  CHECK(g.cn(parts[1]).first_channel == 2);
  CHECK(g.cn(parts[1]).channels == 3);
  CHECK(g.cn(parts[2]).first_channel == 5);
  CHECK(g.cn(parts[2]).channels == 3);
  // Weights 288 = 36 per filter: 72 + 108 + 108; MACs 64 x 36 = 2304 per filter.
  CHECK(g.cn(parts[0]).tile.weight_elems == 72);
  CHECK(g.cn(parts[1]).tile.weight_elems == 108);
  CHECK(g.cn(parts[2]).tile.macs() == 3 * 2304);
}
