// A band sent to the parts of a channel split on two other cores goes once, down a tree (the
// union of the XY routes, sim/engine/engine.cpp Run::send): the shared link is held once,
// the farther part no longer waits behind the nearer one's copy, and NoC energy is paid per
// link of the tree. Every cycle and picojoule below is computed by hand.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "hw_models/arch_loader.h"
#include "mapping/allocation.h"
#include "mapping/split.h"
#include "sim/studies/simulate.h"
#include "tests/mapping/split_net.h"

namespace {

using eesim::mapping::LayerSplit;
using eesim::mapping::SplitKind;

// Three 64-lane SIMD cores in a row, one hop apart; links 4 B/cycle, 1 + 1 cycles per hop,
// 0.5 pJ per byte and hop; a 1000 B/cycle DRAM port beside v0, so every node's DRAM traffic
// (at most 36 B) takes 1 cycle, within its compute.
const char* const kThreeSimd = R"(
name: "three_simd" clock_mhz: 1000
noc { width: 3 height: 1 link_bytes_per_cycle: 4 router_cycles: 1 link_cycles: 1
      energy_pj_per_byte_hop: 0.5 }
core { name: "v0" x: 0 y: 0 static_power_mw: 0 simd { lanes: 64 memory_bytes: 1000000 } }
core { name: "v1" x: 1 y: 0 static_power_mw: 0 simd { lanes: 64 memory_bytes: 1000000 } }
core { name: "v2" x: 2 y: 0 static_power_mw: 0 simd { lanes: 64 memory_bytes: 1000000 } }
dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 1000 }
)";

// x[1,2,4,4] -> relu0 -> conv1 (3x3, pad 1, 2 -> 4 channels) -> conv2 (1x1, 4 -> 4), 1-byte
// words. relu0 on v0; conv1 split by channels over v1 (filters 0-1) and v2 (filters 2-3);
// conv2 on v1.
struct Fixture {
  eesim::workloads::Workload w = eesim::testing::split_net();
  eesim::hw::Architecture arch = eesim::hw::load_architecture_text(kThreeSimd, "three_simd");
  eesim::mapping::Allocation alloc{{0, 1, 1}, "test", {}};
  eesim::sim::ScenarioResult run() {
    alloc.splits.resize(w.num_layers());
    alloc.splits[*w.find_layer("conv1")] = LayerSplit{SplitKind::kChannels, {1, 2}};
    alloc.core_of_layer[*w.find_layer("conv2")] = 1;
    const auto g = eesim::mapping::apply_splits(w, eesim::mapping::build_cn_graph(w, {}), alloc);
    eesim::hw::CostCache cache(arch);
    const auto r = eesim::sim::simulate(w, {{}, {}, 1.0, "test"}, g, alloc, arch, cache,
                                        eesim::sim::ExitPolicy::kWait);
    REQUIRE(r.scenarios.size() == 1);
    return r.scenarios[0];
  }
};

// The timing of the plan node of layer `name` on core `core`.
eesim::sim::NodeTiming timing(const Fixture& f, const eesim::sim::ScenarioResult& s,
                              const char* name, size_t core) {
  const auto v = *f.w.find_layer(name);
  for (size_t i = 0; i < s.plan.nodes.size(); ++i)
    if (s.plan.nodes[i].layer == v && s.plan.nodes[i].core == core) return s.run.nodes.at(i);
  FAIL("no such node");
  return {};
}

}  // namespace

TEST_CASE("multicast: relu0's band reaches both channel parts over one tree") {
  // relu0 on v0: 32 elements on 64 lanes, [0, 1). Its 32 B go to v1 and v2 at once: the tree
  // (0,0)->(1,0)->(2,0) is held for ceil(32 / 4) = 8 cycles from cycle 1; v1 receives after
  // 1 hop x (1 + 1) + 8: at 11; v2 after 2 hops: at 13. (Sent one copy after the other, v2's
  // would wait for the shared link until 9 and arrive at 9 + 4 + 8 = 21.) Each part: 16 pixels
  // x 2 filters x 18 = 576 MACs / 64 lanes = 9 cycles: v1 [11, 20), v2 [13, 22). conv2 on v1
  // reads v2's 2 channels x 16 = 32 B over (2,0)->(1,0): [22, 30) + 2 = 32; 16 x 4 x 4 = 256
  // MACs = 4 cycles: [32, 36).
  Fixture f;
  const auto s = f.run();
  CHECK(timing(f, s, "relu0", 0).end == 1);
  CHECK(timing(f, s, "conv1", 1).start == 11);
  CHECK(timing(f, s, "conv1", 2).start == 13);
  CHECK(timing(f, s, "conv1", 2).end == 22);
  CHECK(timing(f, s, "conv2", 1).start == 32);
  CHECK(s.run.latency_cycles == 36);
  // Three deliveries of 32 B; energy per link of the tree: (2 links + 1 link) x 32 B x 0.5 pJ
  // = 48 pJ (one copy after the other: (1 + 2 + 1) x 32 x 0.5 = 64 pJ).
  CHECK(s.run.noc_bytes == 96);
  CHECK(s.run.noc_energy_pj == doctest::Approx(48.0));
  // The multicast's records: one per part, the same window, each with the links it adds.
  const auto& t = s.run.transfers;
  REQUIRE(t.size() == 3);
  CHECK(t[0].start == 1);
  CHECK(t[0].arrive == 11);
  CHECK(t[0].route == std::vector<eesim::hw::Link>{{{0, 0}, {1, 0}}});
  CHECK(t[1].start == 1);
  CHECK(t[1].arrive == 13);
  CHECK(t[1].route == std::vector<eesim::hw::Link>{{{1, 0}, {2, 0}}});
  CHECK(t[2].start == 22);
  CHECK(t[2].arrive == 32);
}
