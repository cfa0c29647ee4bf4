// The default mapper (mapping/partition.h) and op-type core constraints (mapping/allocation.h):
// which cores a layer may be split over, constraints kept by every allocator, and a big conv
// cut over the quad chip. Counts and cycles are computed by hand in the comments.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/error.h"
#include "hw_models/arch_loader.h"
#include "mapping/allocation.h"
#include "mapping/partition.h"
#include "tests/workloads/onnx_builder.h"

using eesim::mapping::Allocation;
using eesim::mapping::build_cn_graph;
using eesim::mapping::CoreConstraints;
using eesim::mapping::FusionOptions;
using eesim::mapping::identical_core_groups;
using eesim::mapping::kUnsupported;
using eesim::mapping::SplitKind;
using eesim::testing::OnnxBuilder;
using eesim::testing::set_ints;

namespace {

namespace wl = eesim::workloads;

const std::string kArchDir = std::string(EESIM_SOURCE_ROOT) + "/examples/arch/";

// Two identical 64-lane SIMD cores and a 32-lane one in a row; links 4 B/cycle, 1 + 1 cycles
// per hop; a 1000 B/cycle DRAM port (every DRAM time below is 1 cycle, under compute).
const char* const kThree = R"(
name: "three" clock_mhz: 1000
noc { width: 3 height: 1 link_bytes_per_cycle: 4 router_cycles: 1 link_cycles: 1 }
core { name: "v0" x: 0 y: 0 static_power_mw: 1 simd { lanes: 64 memory_bytes: 1000000 } }
core { name: "v1" x: 1 y: 0 static_power_mw: 1 simd { lanes: 64 memory_bytes: 1000000 } }
core { name: "v2" x: 2 y: 0 static_power_mw: 1 simd { lanes: 32 memory_bytes: 1000000 } }
dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 1000 }
)";

// x[1,4,8,8] -> relu0 -> conv1 (3x3 p1, 8 filters) [1,8,8,8] -> relu1 -> conv2 (3x3 p1, 4
// filters) [1,4,8,8]. relu0: 256 operations, relu1: 512; conv1 and conv2: 64 x 8 x 36 =
// 64 x 4 x 72 = 18432 MACs, 288 weights each.
wl::Workload chain() {
  OnnxBuilder b;
  b.input("x", {1, 4, 8, 8}).weight("w1", {8, 4, 3, 3}).weight("w2", {4, 8, 3, 3});
  b.node("Relu", {"x"}, {"r0"}, "relu0");
  set_ints(b.node("Conv", {"r0", "w1"}, {"c1"}, "conv1"), "pads", {1, 1, 1, 1});
  b.node("Relu", {"c1"}, {"r1"}, "relu1");
  set_ints(b.node("Conv", {"r1", "w2"}, {"c2"}, "conv2"), "pads", {1, 1, 1, 1});
  b.output("c2");
  return b.import_native();
}

wl::LayerId id(const wl::Workload& w, const char* name) {
  const auto v = w.find_layer(name);
  REQUIRE(v.has_value());
  return *v;
}

}  // namespace

TEST_CASE("identical core groups: hetero's two Edge TPUs form the only group") {
  // hetero: tpu0, tpu1 (same edge_tpu parameters), sa_os (OS), sa_ws (WS, channels on columns),
  // simd. The systolic arrays differ in dataflow; groups of one core are left out.
  const auto hetero = eesim::hw::load_architecture_file(kArchDir + "hetero.textproto");
  REQUIRE(hetero.cores.size() == 5);
  CHECK(identical_core_groups(hetero) == std::vector<std::vector<size_t>>{{0, 1}});
  const auto quad = eesim::hw::load_architecture_file(kArchDir + "quad_edge_tpu.textproto");
  CHECK(identical_core_groups(quad) == std::vector<std::vector<size_t>>{{0, 1, 2, 3}});
  const auto three = eesim::hw::load_architecture_text(kThree, "three");
  CHECK(identical_core_groups(three) == std::vector<std::vector<size_t>>{{0, 1}});  // v2: 32 lanes
  const auto single = eesim::hw::load_architecture_file(kArchDir + "single_edge_tpu.textproto");
  CHECK(identical_core_groups(single).empty());
  // A datapath that fuses 4-bit operands makes v1 another core; a block left at its defaults
  // does not.
  std::string text = kThree;
  text.insert(text.find("simd", text.find("\"v1\"")), "precision { narrower: FUSE } ");
  CHECK(identical_core_groups(eesim::hw::load_architecture_text(text, "t")).empty());
  text = kThree;
  text.insert(text.find("simd", text.find("\"v1\"")), "precision { narrower: PAD } ");
  CHECK(identical_core_groups(eesim::hw::load_architecture_text(text, "t")) ==
        std::vector<std::vector<size_t>>{{0, 1}});
}

// Once keyed by the serialised parameters, which tell a field set to its default from an unset
// one (proto2 presence): these two cores were two groups of one and never split over. Now
// compared field by field, as CoreSpec::operator== does ("defaults = unset").
TEST_CASE("identical core groups: a default written out is the same spec") {
  // v1 spells out word_bytes: 1, the default v0 leaves implicit: the two cores compute alike,
  // so they are one group.
  const auto arch = eesim::hw::load_architecture_text(R"(
    name: "explicit" clock_mhz: 1000
    noc { width: 2 height: 1 link_bytes_per_cycle: 4 }
    core { name: "v0" x: 0 y: 0 static_power_mw: 1 simd { lanes: 64 memory_bytes: 1000000 } }
    core { name: "v1" x: 1 y: 0 static_power_mw: 1
           simd { lanes: 64 memory_bytes: 1000000 word_bytes: 1 } }
    dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 1000 })",
                                                      "explicit");
  CHECK(identical_core_groups(arch) == std::vector<std::vector<size_t>>{{0, 1}});
}

TEST_CASE("core constraints: an op type kept off a core is unsupported there, others are not") {
  const auto w = chain();
  const auto arch = eesim::hw::load_architecture_text(kThree, "three");
  const auto g = build_cn_graph(w, FusionOptions{});
  const CoreConstraints only_v2{{{"Conv", {2}}}};
  CHECK_FALSE(only_v2.allows(w.layer(id(w, "conv1")), 0));
  CHECK_FALSE(only_v2.allows(w.layer(id(w, "conv1")), 1));
  CHECK(only_v2.allows(w.layer(id(w, "conv1")), 2));
  CHECK(only_v2.allows(w.layer(id(w, "relu0")), 0));  // Relu is not named: any core
  CHECK(CoreConstraints{}.allows(w.layer(id(w, "conv1")), 0));
  eesim::hw::CostCache cache(arch);
  // Unconstrained: relu0 256 ops / 64 lanes = 4 (v2: / 32 = 8); conv1 18432 MACs / 64 = 288
  // (v2: 576), its 288 weight bytes take 1 cycle of DRAM; relu1 512 / 64 = 8 (v2: 16).
  const auto free = eesim::mapping::layer_cycles(w, g, arch, cache);
  CHECK(free[id(w, "relu0")] == std::vector<int64_t>{4, 4, 8});
  CHECK(free[id(w, "conv1")] == std::vector<int64_t>{288, 288, 576});
  CHECK(free[id(w, "relu1")] == std::vector<int64_t>{8, 8, 16});
  CHECK(free[id(w, "conv2")] == std::vector<int64_t>{288, 288, 576});
  const auto kept = eesim::mapping::layer_cycles(w, g, arch, cache, only_v2);
  CHECK(kept[id(w, "relu0")] == std::vector<int64_t>{4, 4, 8});
  CHECK(kept[id(w, "conv1")] == std::vector<int64_t>{kUnsupported, kUnsupported, 576});
  CHECK(kept[id(w, "conv2")] == std::vector<int64_t>{kUnsupported, kUnsupported, 576});
}

TEST_CASE("core constraints: HEFT moves the convs to the one core they may use") {
  // Unconstrained, every layer finishes first on v0 (ties go to the first core): relu0 ends at
  // 4 on v0 or v1; conv1 on v0 ends 4 + 288 = 292, on v1 4 + (2 + 256/4) + 288 = 358; and so on.
  // Kept to v2: relu0 -> v0 (4); conv1 -> v2: 4 + (2 hops x 2 + 64) = 72, ends 72 + 576 = 648;
  // relu1: v0 648 + (4 + 512/4) + 8 = 788, v1 648 + (2 + 128) + 8 = 786, v2 648 + 16 = 664 ->
  // v2; conv2 -> v2.
  const auto w = chain();
  const auto arch = eesim::hw::load_architecture_text(kThree, "three");
  const auto g = build_cn_graph(w, FusionOptions{});
  eesim::hw::CostCache cache(arch);
  CHECK(eesim::mapping::allocate_heft(w, g, arch, cache).core_of_layer ==
        std::vector<size_t>{0, 0, 0, 0});
  const CoreConstraints only_v2{{{"Conv", {2}}}};
  CHECK(eesim::mapping::allocate_heft(w, g, arch, cache, only_v2).core_of_layer ==
        std::vector<size_t>{0, 2, 2, 2});
}

TEST_CASE("core constraints: partition never runs a conv, or a part of one, off its core") {
  const auto w = chain();
  const auto arch = eesim::hw::load_architecture_text(kThree, "three");
  const auto g = build_cn_graph(w, FusionOptions{});
  eesim::hw::CostCache cache(arch);
  // Kept to v2, which has no identical partner, a conv cannot be split: whole, on v2.
  const Allocation a =
      eesim::mapping::allocate_partition(w, g, arch, cache, CoreConstraints{{{"Conv", {2}}}});
  CHECK(a.method == "partition");
  for (const char* conv : {"conv1", "conv2"}) {
    CAPTURE(conv);
    CHECK(a.core_of_layer[id(w, conv)] == 2);
    if (!a.splits.empty()) CHECK(a.splits[id(w, conv)].kind == SplitKind::kNone);
  }
  // Kept to v1 alone: the v0+v1 group leaves one core for a conv, so no split either.
  const Allocation b =
      eesim::mapping::allocate_partition(w, g, arch, cache, CoreConstraints{{{"Conv", {1}}}});
  for (const char* conv : {"conv1", "conv2"}) {
    CAPTURE(conv);
    CHECK(b.core_of_layer[id(w, conv)] == 1);
    if (!b.splits.empty()) CHECK(b.splits[id(w, conv)].kind == SplitKind::kNone);
  }
}

TEST_CASE("core constraints: a layer no core may run is an error naming it") {
  // Conv kept to no core at all: relu0 ranks first and is placed; conv1 is next and has none.
  const auto w = chain();
  const auto arch = eesim::hw::load_architecture_text(kThree, "three");
  const auto g = build_cn_graph(w, FusionOptions{});
  eesim::hw::CostCache cache(arch);
  const CoreConstraints none{{{"Conv", {}}}};
  const char* const message =
      "three: no core of 'three' can run layer 'conv1' (Conv): cores 'v0', 'v1', 'v2': kept off "
      "by the op-type constraints (allow)";
  CHECK_THROWS_WITH_AS(eesim::mapping::allocate_partition(w, g, arch, cache, none), message,
                       eesim::Error);
  CHECK_THROWS_WITH_AS(eesim::mapping::allocate_heft(w, g, arch, cache, none), message,
                       eesim::Error);
}

TEST_CASE("precision: a layer wider than every core's datapath, which refuses it, says why") {
  auto w = chain();
  w.graph[id(w, "conv1")].weight_bits = 16;  // the SIMD cores' native width is 8 bits
  std::string text = kThree;
  for (size_t at = 0; (at = text.find("simd {", at)) != std::string::npos; at += 40)
    text.insert(at, "precision { wider: REFUSE } ");
  const auto arch = eesim::hw::load_architecture_text(text, "three");
  const auto g = build_cn_graph(w, FusionOptions{});
  eesim::hw::CostCache cache(arch);
  CHECK_THROWS_WITH_AS(eesim::mapping::allocate_partition(w, g, arch, cache, {}),
                       "three: no core of 'three' can run layer 'conv1' (Conv): cores 'v0', "
                       "'v1', 'v2': MACs on operands of at most 8 bits (precision.wider: REFUSE); "
                       "this layer has 16-bit weights and 8-bit inputs",
                       eesim::Error);
}

TEST_CASE(
    "partition: a big conv alone on the quad chip is split over all 4 cores, the same twice") {
  // x[1,64,56,56] -> 3x3 p1 conv, 64 filters: 56 x 56 x 64 x 576 = 115,605,504 MACs. On one
  // core of 640 MACs/cycle that is at least 180,634 cycles; a quarter on each of the 4
  // identical cores is about 45,159 plus transfers of its input share (the input, 200,704 B, is
  // read from DRAM at 8 B/cycle by either choice): splitting wins by far.
  OnnxBuilder b;
  b.input("x", {1, 64, 56, 56}).weight("w", {64, 64, 3, 3});
  set_ints(b.node("Conv", {"x", "w"}, {"y"}, "conv"), "pads", {1, 1, 1, 1});
  b.output("y");
  const auto w = b.import_native();
  REQUIRE(w.num_layers() == 1);
  CHECK(w.total_macs() == 115605504);
  const auto quad = eesim::hw::load_architecture_file(kArchDir + "quad_edge_tpu.textproto");
  const auto g = build_cn_graph(w, FusionOptions{});
  eesim::hw::CostCache cache(quad);
  const Allocation a = eesim::mapping::allocate_partition(w, g, quad, cache);
  REQUIRE(a.splits.size() == 1);
  CHECK(a.splits[0].kind != SplitKind::kNone);
  CHECK(a.splits[0].cores == std::vector<size_t>{0, 1, 2, 3});
  CHECK(a.core_of_layer[0] == 0);  // the first part's core
  CHECK(a.is_split());
  // Deterministic: a second run, with a fresh cost cache, gives the same allocation.
  eesim::hw::CostCache cache2(quad);
  CHECK(eesim::mapping::allocate_partition(w, g, quad, cache2) == a);
  CHECK(eesim::mapping::allocate_partition(w, g, quad, cache) == a);
}
