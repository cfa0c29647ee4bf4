// Allocation: HEFT on a hand-computed fork-join, and the manual mapping file's errors.
#include <doctest/doctest.h>

#include "common/error.h"
#include "hw_models/arch_loader.h"
#include "mapping/allocation.h"
#include "mapping/partition.h"
#include "tests/workloads/onnx_builder.h"

using eesim::mapping::Allocation;
using eesim::mapping::FusionOptions;
using eesim::testing::OnnxBuilder;

namespace {

// Two 64-lane SIMD cores side by side; links 4 B/cycle, router 1 + link 1 cycle per hop.
const char* kTwoSimd = R"(
name: "two_simd" clock_mhz: 1000
noc { width: 2 height: 2 link_bytes_per_cycle: 4 router_cycles: 1 link_cycles: 1 }
core { name: "v0" x: 0 y: 0 static_power_mw: 1 simd { lanes: 64 memory_bytes: 1000000 } }
core { name: "v1" x: 1 y: 0 static_power_mw: 1 simd { lanes: 64 memory_bytes: 1000000 } }
core { name: "sa" x: 0 y: 1 static_power_mw: 1 systolic { rows: 4 cols: 4 dataflow: OS
  ifmap_sram_bytes: 1024 filter_sram_bytes: 1024 ofmap_sram_bytes: 1024 } }
dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 1000 }
)";

// x[1,1,16,64] -> relu_a, x -> sig_b, add(relu_a, sig_b): 1024 elements each.
eesim::workloads::Workload fork_join() {
  OnnxBuilder b;
  b.input("x", {1, 1, 16, 64});
  b.node("Relu", {"x"}, {"a"}, "relu_a");
  b.node("Sigmoid", {"x"}, {"b"}, "sig_b");
  b.node("Add", {"a", "b"}, {"y"}, "add");
  b.output("y");
  return b.import_native();
}

}  // namespace

TEST_CASE("heft: a fork-join of 16-cycle layers runs its branches on two cores") {
  // 2 x 64-lane SIMD; 1024 ops = 16 cycles per layer. The systolic core has no vector unit.
  // Ranks: relu_a = sig_b = 16 + (2 + 1024/4) + 16 = 290 > add = 16. relu_a -> v0 (ends 16);
  // sig_b -> v1 (ends 16, v0 would end 32); add: v0 waits for sig_b's 1024 B over one hop,
  // 16 + 2 + 256 = 274, ends 290; v1 the same; the tie goes to v0.
  const auto w = fork_join();
  const auto arch = eesim::hw::load_architecture_text(kTwoSimd, "two_simd");
  const auto g = eesim::mapping::build_cn_graph(w, FusionOptions{});
  eesim::hw::CostCache cache(arch);
  const auto cycles = eesim::mapping::layer_cycles(w, g, arch, cache);
  CHECK(cycles[*w.find_layer("relu_a")][0] == 16);
  CHECK(cycles[*w.find_layer("relu_a")][2] == eesim::mapping::kUnsupported);
  const Allocation a = eesim::mapping::allocate_heft(w, g, arch, cache);
  CHECK(a.method == "heft");
  CHECK(a.core_of_layer[*w.find_layer("relu_a")] == 0);
  CHECK(a.core_of_layer[*w.find_layer("sig_b")] == 1);
  CHECK(a.core_of_layer[*w.find_layer("add")] == 0);
}

TEST_CASE("mapping file: LAYER = CORE with a '*' default; bad names and cores name the line") {
  const auto w = fork_join();
  const auto arch = eesim::hw::load_architecture_text(kTwoSimd, "two_simd");
  const Allocation a = eesim::mapping::parse_allocation("# branches apart\nsig_b = v1\n* = v0\n",
                                                        "map.txt", w, arch);
  CHECK(a.core_of_layer == std::vector<size_t>{0, 1, 0});
  auto fails = [&](const std::string& text, const std::string& what) {
    CHECK_THROWS_WITH_AS(eesim::mapping::parse_allocation(text, "map.txt", w, arch),
                         doctest::Contains(what.c_str()), eesim::Error);
  };
  fails("relu_a = v9\n", "map.txt:1: no core named 'v9'");
  fails("* = v0\nnope = v1\n", "map.txt:2: no layer named 'nope'");
  fails("relu_a v1\n", "map.txt:1: expected 'LAYER = CORE'");
  fails("relu_a = v0\n", "layer 'sig_b' has no core");
  fails("relu_a = v0\nrelu_a = v1\n* = v0\n", "map.txt:2: layer 'relu_a' mapped twice");
  fails("* = v0\nadd = sa\n", "map.txt:2: layer 'add' cannot run on core 'sa'");
}

TEST_CASE("resident weights: a core keeps layers in order while they fit its parameter memory") {
  // One Edge-TPU-like core with 2 x 1 x 1 x 100 B = 200 B of core memory; three convs of
  // 4x2x3x3 = 72, 4x4x3x3 = 144 and 144 int8 weights: the first fits (72), the second does not
  // (216 > 200), the third does not either.
  OnnxBuilder b;
  b.input("x", {1, 2, 8, 8})
      .weight("w1", {4, 2, 3, 3})
      .weight("w2", {4, 4, 3, 3})
      .weight("w3", {4, 4, 3, 3});
  b.node("Conv", {"x", "w1"}, {"c1"}, "conv1");
  b.node("Conv", {"c1", "w2"}, {"c2"}, "conv2");
  b.node("Conv", {"c2", "w3"}, {"c3"}, "conv3");
  b.output("c3");
  const auto w = b.import_native();
  const auto arch = eesim::hw::load_architecture_text(R"(
    name: "tiny" clock_mhz: 100 noc { width: 1 height: 1 link_bytes_per_cycle: 1 }
    core { name: "t" x: 0 y: 0 static_power_mw: 0 edge_tpu { pes_x: 2 pes_y: 1 cores_per_pe: 1
           lanes_per_core: 4 pe_memory_bytes: 4096 core_memory_bytes: 100 } }
    dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 1 })",
                                                      "tiny");
  const Allocation all_on_t{{0, 0, 0}, "test"};
  const auto g = eesim::mapping::build_cn_graph(w, {});
  const auto residency = eesim::mapping::resident_weights(w, g, all_on_t, arch);
  CHECK(residency.of_layer == std::vector<char>{1, 0, 0});
  CHECK(residency.of_cn == std::vector<char>{1, 0, 0});
  CHECK(residency.bytes_per_core == std::vector<int64_t>{w.layer(0).weight_params});
  eesim::mapping::Cn cn;
  cn.fetches_weights = true;
  CHECK(eesim::mapping::cn_tile(cn, true).weights_resident);
  CHECK_FALSE(eesim::mapping::cn_tile(cn, false).weights_resident);
  cn.fetches_weights = false;
  CHECK(eesim::mapping::cn_tile(cn, false).weights_resident);  // the first band fetched them
}

TEST_CASE("layer cycles: bands summing beyond 2^53 cycles are an error naming layer and core") {
  // A 2-row Relu of 1000 elements per row, fused into 1-row bands, on a 1-lane SIMD core whose
  // 1-byte memory spills each band's 1000 + 1000 bytes to a 3e-13 bytes/cycle port: each band
  // takes ceil(2000 / 3e-13) = 6666666666666667 cycles (within 2^53), the layer twice that.
  OnnxBuilder b;
  b.input("x", {1, 1, 2, 1000});
  b.node("Relu", {"x"}, {"y"}, "relu");
  b.output("y");
  const auto w = b.import_native();
  const auto arch = eesim::hw::load_architecture_text(R"(
    name: "slow" clock_mhz: 1000 noc { width: 1 height: 1 link_bytes_per_cycle: 4 }
    core { name: "v0" x: 0 y: 0 static_power_mw: 1 simd { lanes: 1 memory_bytes: 1 } }
    dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 3e-13 })",
                                                      "slow.textproto");
  FusionOptions fused;
  fused.mode = FusionOptions::Mode::kRows;
  const auto g = eesim::mapping::build_cn_graph(w, fused);
  REQUIRE(g.layer_cns[*w.find_layer("relu")].size() == 2);
  eesim::hw::CostCache cache(arch);
  CHECK_THROWS_WITH_AS(eesim::mapping::layer_cycles(w, g, arch, cache),
                       "slow.textproto: layer 'relu' on core 'v0' takes 13333333333333334 cycles, "
                       "beyond the 2^53 cycles eesim simulates (an absurd layer or chip)",
                       eesim::Error);
  // Unfused, the whole layer is one tile of 4000 bytes: the cost model refuses it, and a
  // mapping file naming that core reports the line and layer, then the core's error.
  CHECK_THROWS_WITH_AS(eesim::mapping::parse_allocation("* = v0\n", "map.txt", w, arch),
                       "map.txt:1: layer 'relu' on core 'v0': slow.textproto: core 'v0' (simd): "
                       "a tile's DRAM time, 4000 bytes at dram "
                       "'d' of 3e-13 bytes/cycle, is beyond the 2^53 cycles eesim simulates (an "
                       "absurd layer or chip)",
                       eesim::Error);
}

TEST_CASE("mapping file: splits, op lines, and layers left to the default mapper") {
  const auto w = fork_join();
  const auto arch = eesim::hw::load_architecture_text(kTwoSimd, "two_simd");
  using eesim::mapping::LayerSplit;
  using eesim::mapping::SplitKind;
  const auto relu = *w.find_layer("relu_a"), sig = *w.find_layer("sig_b"),
             add = *w.find_layer("add");
  const auto spec = eesim::mapping::parse_mapping(
      "op Relu = v1   # Relu only on v1\nsig_b = v0\nadd = v0 v1 by rows\n", "map.txt", w, arch);
  CHECK_FALSE(spec.complete());
  CHECK_FALSE(spec.pins[relu].has_value());
  CHECK(spec.pins[sig] == LayerSplit{SplitKind::kNone, {0}});
  CHECK(spec.pins[add] == LayerSplit{SplitKind::kRows, {0, 1}});
  CHECK(spec.constraints.cores_of_op == std::map<std::string, std::vector<size_t>>{{"Relu", {1}}});
  CHECK(spec.line_of[add] == 3);
  // The default mapper places relu_a (on v1, the only core its op line allows) around the pins.
  const auto g = eesim::mapping::build_cn_graph(w, FusionOptions{});
  eesim::hw::CostCache cache(arch);
  const Allocation a =
      eesim::mapping::allocate_partition(w, g, arch, cache, spec.constraints, {}, spec.pins);
  CHECK(a.core_of_layer == std::vector<size_t>{1, 0, 0});
  CHECK(a.splits[add] == LayerSplit{SplitKind::kRows, {0, 1}});
  CHECK(a.splits[relu].kind == SplitKind::kNone);
  // Complete with '*': an allocation, split included.
  const Allocation full =
      eesim::mapping::parse_allocation("* = v0\nadd = v1 v0 by channels\n", "map.txt", w, arch);
  CHECK(full.core_of_layer == std::vector<size_t>{0, 0, 1});
  CHECK(full.splits[add] == LayerSplit{SplitKind::kChannels, {1, 0}});
  auto fails = [&](const std::string& text, const std::string& what) {
    CHECK_THROWS_WITH_AS(eesim::mapping::parse_mapping(text, "map.txt", w, arch),
                         doctest::Contains(what.c_str()), eesim::Error);
  };
  fails("op Relu = v0\nrelu_a = v1\n",
        "map.txt:2: layer 'relu_a' is on core 'v1', but line 1 keeps Relu off it");
  fails("add = v0 v1\n", "map.txt:1: several cores need 'by rows' or 'by channels' after them");
  fails("add = v0 v0 by rows\n", "map.txt:1: a core is named twice");
  fails("add = v0 by rows\n", "map.txt:1: a split needs at least two cores");
  fails("add = v0 v1 by columns\n",
        "map.txt:1: expected 'by rows' or 'by channels', got 'by columns'");
  fails("* = v0 v1 by rows\n", "map.txt:1: only a layer's line may split it ('by rows')");
  fails("* = v0 v1\n", "map.txt:1: '*' takes one core");
  fails("op Relu = v0\nop Relu = v1\n", "map.txt:2: op type 'Relu' given twice");
  fails("op Relu = v9\n", "map.txt:1: no core named 'v9'");
  fails("relu_a = sa v0 by rows\n", "map.txt:1: layer 'relu_a' cannot run on core 'sa'");
  CHECK_THROWS_WITH_AS(eesim::mapping::parse_allocation("sig_b = v0\n", "map.txt", w, arch),
                       doctest::Contains("map.txt: layer 'relu_a' has no core"), eesim::Error);
}
