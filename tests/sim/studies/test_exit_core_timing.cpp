// An exit head on another core than the backbone: under `wait` the backbone past the branch
// point starts only when the exit's decision reaches its core; under `speculate` it runs on
// while the head computes. Every cycle below is computed by hand.
#include <doctest/doctest.h>

#include <vector>

#include "hw_models/arch_loader.h"
#include "sim/studies/simulate.h"
#include "tests/workloads/exit_nets.h"

using eesim::sim::ExitPolicy;
using eesim::testing::OnnxBuilder;

namespace {

namespace wl = eesim::workloads;

// Two 64-lane SIMD cores one hop apart; links 4 B/cycle, 1 + 1 cycles per hop; a 1000 B/cycle
// DRAM port, so each node's DRAM traffic (at most 400 B) takes 1 cycle, hidden under compute.
const char* const kTwoSimd64 = R"(
name: "two_simd" clock_mhz: 1000
noc { width: 2 height: 1 link_bytes_per_cycle: 4 router_cycles: 1 link_cycles: 1 }
core { name: "v0" x: 0 y: 0 static_power_mw: 1 simd { lanes: 64 memory_bytes: 1000000 } }
core { name: "v1" x: 1 y: 0 static_power_mw: 1 simd { lanes: 64 memory_bytes: 1000000 } }
dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 1000 }
)";

// exit_nets.h's backbone (conv1 relu1 conv2 relu2 conv3, [1,4,8,8] throughout) with the final
// head on conv3 and one exit, "exitA", whose head (a/gap, a/fc) reads relu1. On a 64-lane core:
// conv 64 pixels x 4 filters x 36 = 9216 MACs = 144 cycles; relu and gap 256 ops = 4 cycles;
// fc 10 x 4 = 40 MACs = 1 cycle (its 40 weight bytes: 1 cycle of DRAM).
wl::Workload one_exit_net() {
  OnnxBuilder b;
  eesim::testing::backbone(b);
  eesim::testing::head(b.graph(), "c3", "ff", "final", "final");
  eesim::testing::head(b.graph(), "r1", "fa", "exitA", "a");
  b.output("final").output("exitA");
  return b.import_native();
}

struct Fixture {
  wl::Workload w = one_exit_net();
  eesim::hw::Architecture arch = eesim::hw::load_architecture_text(kTwoSimd64, "two_simd");
  eesim::mapping::CnGraph g = eesim::mapping::build_cn_graph(w, {});
  eesim::mapping::Allocation alloc{std::vector<size_t>(w.num_layers(), 0), "test"};
  Fixture() {
    alloc.core_of_layer[layer("a/gap")] = 1;  // the exit head on v1, the backbone on v0
    alloc.core_of_layer[layer("a/fc")] = 1;
  }
  wl::LayerId layer(const char* name) const {
    const auto v = w.find_layer(name);
    REQUIRE(v.has_value());
    return *v;
  }
  eesim::sim::Report run(ExitPolicy policy) {
    eesim::hw::CostCache cache(arch);
    return eesim::sim::simulate(w, {{"exitA"}, {0.25}, 0.75, "test"}, g, alloc, arch, cache,
                                policy);
  }
};

// The timing of layer v's (only) node in scenario s.
eesim::sim::NodeTiming timing(const eesim::sim::ScenarioResult& s, wl::LayerId v) {
  for (size_t i = 0; i < s.plan.nodes.size(); ++i)
    if (s.plan.nodes[i].layer == v) return s.run.nodes.at(i);
  FAIL("layer not in the scenario's plan");
  return {};
}

const eesim::sim::PlanNode& plan_node(const eesim::sim::ScenarioResult& s, wl::LayerId v) {
  for (const auto& n : s.plan.nodes)
    if (n.layer == v) return n;
  throw std::runtime_error("layer not in the scenario's plan");
}

}  // namespace

TEST_CASE("exit on another core: the per-layer cycles the timelines below add up") {
  Fixture f;
  REQUIRE(f.w.exits.size() == 1);
  REQUIRE(f.w.layer(f.w.exits[0].branch_point).name == "relu1");
  REQUIRE(f.w.num_layers() == 9);  // 5 backbone, final/gap final/fc, a/gap a/fc
  const auto r = f.run(ExitPolicy::kWait);
  const auto& last = r.scenarios.at(1);
  CHECK(plan_node(last, f.layer("conv1")).compute_cycles == 144);
  CHECK(plan_node(last, f.layer("conv2")).compute_cycles == 144);
  CHECK(plan_node(last, f.layer("relu1")).compute_cycles == 4);
  CHECK(plan_node(last, f.layer("a/gap")).compute_cycles == 4);
  CHECK(plan_node(last, f.layer("a/fc")).compute_cycles == 1);  // ceil(40 / 64)
  CHECK(plan_node(last, f.layer("a/fc")).core == 1);
  CHECK(plan_node(last, f.layer("conv2")).core == 0);
}

TEST_CASE("exit on another core, wait: conv2 starts when exit A's decision reaches v0") {
  // v0: conv1 [0, 144), relu1 [144, 148). relu1's 256 B cross to v1: 1 hop x (1 + 1) + 256 / 4
  // = 66 cycles, arriving at 214. v1: a/gap [214, 218), a/fc [218, 219): exit A decided at 219.
  // The decision (0 bytes) reaches v0 after the hop's 2 cycles: 221. conv2 could have started at
  // 148 (relu1 is on its core) but waits: [221, 365), relu2 [365, 369), conv3 [369, 513),
  // final/gap [513, 517), final/fc [517, 518).
  Fixture f;
  const auto r = f.run(ExitPolicy::kWait);
  REQUIRE(r.scenarios.size() == 2);
  const auto& a = r.scenarios[0];
  const auto& last = r.scenarios[1];
  CHECK(a.exit == "exitA");
  CHECK(timing(last, f.layer("relu1")).end == 148);
  CHECK(timing(last, f.layer("a/gap")).start == 214);
  CHECK(timing(last, f.layer("a/fc")).end == 219);
  CHECK(timing(last, f.layer("conv2")).start == 221);  // 219 + 2: the decision's hop
  CHECK(timing(last, f.layer("conv3")).start == 369);
  CHECK(last.run.latency_cycles == 518);
  // Scenario A runs conv1, relu1 and the head only: it ends with a/fc at 219.
  CHECK(a.plan.nodes.size() == 4);
  CHECK(a.run.latency_cycles == 219);
  // E[L] = 0.25 x 219 + 0.75 x 518 = 54.75 + 388.5.
  CHECK(r.expected_latency_cycles == doctest::Approx(443.25));
}

TEST_CASE("exit on another core, speculate: conv2 runs while the head computes") {
  // conv2 starts at 148, right after relu1 on v0: [148, 292), relu2 [292, 296), conv3
  // [296, 440), final/gap [440, 444), final/fc [444, 445). The head on v1 is timed as under
  // wait (a/fc ends at 219). Scenario A ends at 219 too; conv2 is cancelled there.
  Fixture f;
  const auto r = f.run(ExitPolicy::kSpeculate);
  REQUIRE(r.scenarios.size() == 2);
  const auto& a = r.scenarios[0];
  const auto& last = r.scenarios[1];
  CHECK(timing(last, f.layer("conv2")).start == 148);
  CHECK(timing(last, f.layer("a/fc")).end == 219);
  CHECK(timing(last, f.layer("final/fc")).end == 445);
  CHECK(last.run.latency_cycles == 445);
  CHECK(a.run.latency_cycles == 219);
  CHECK(a.plan.nodes.size() == 9);  // every layer may start before the exit fires
  const auto conv2 = timing(a, f.layer("conv2"));
  CHECK(conv2.start == 148);
  CHECK(conv2.end == -1);  // cancelled when exit A fired at 219
  // E[L] = 0.25 x 219 + 0.75 x 445 = 54.75 + 333.75; wait's final scenario is 518 - 445 = 73
  // cycles longer: (219 + 2) - 148, the wait for the decision.
  CHECK(r.expected_latency_cycles == doctest::Approx(388.5));
  const auto waited = f.run(ExitPolicy::kWait);
  CHECK(waited.scenarios[1].run.latency_cycles - last.run.latency_cycles == 73);
  // Scenario A: same latency and transfers under both policies; speculation also pays for the
  // 219 - 148 = 71 of conv2's 144 cycles it ran before the exit fired.
  const double conv2_pj = plan_node(a, f.layer("conv2")).energy.total();
  CHECK(conv2_pj > 0);
  CHECK(a.run.dynamic_energy_pj - waited.scenarios[0].run.dynamic_energy_pj ==
        doctest::Approx(conv2_pj * 71.0 / 144.0));
  CHECK(a.run.noc_energy_pj == doctest::Approx(waited.scenarios[0].run.noc_energy_pj));
  // Its layer is charged the same share; relu2, queued behind it, nothing.
  CHECK(a.energy.layers[f.layer("conv2")].total_pj() == doctest::Approx(conv2_pj * 71.0 / 144.0));
  CHECK(a.energy.layers[f.layer("relu2")].total_pj() == 0);
  CHECK(last.energy.layers[f.layer("conv2")].total_pj() == doctest::Approx(conv2_pj));
}
