// A scenario's energy by layer and by core (sim/studies/energy_attribution.h), on hand-computed
// two-layer chains, and its sums on the two-exit test network under both policies.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "hw_models/arch_loader.h"
#include "mapping/allocation.h"
#include "sim/studies/energy_attribution.h"
#include "sim/studies/simulate.h"
#include "tests/sim/two_simd.h"
#include "tests/workloads/exit_nets.h"

using eesim::sim::EnergyByKind;
using eesim::testing::OnnxBuilder;

namespace {

// Two 64-lane SIMD cores one hop apart (1 and 2 mW static); links 4 B/cycle at 0.8 pJ/byte-hop
// (the default); DRAM 162.5 pJ/byte (the default) at 1000 B/cycle.
const char* const kTwoSimd = eesim::testing::kTwoSimd64;  // tests/sim/two_simd.h

// x[1,1,16,64] -> relu -> sigmoid: 1024 element operations each (0.03 pJ), reading and writing
// 1024 one-byte words each (2048 x 2.5 pJ); relu reads the graph input from DRAM (1024 B).
struct Chain {
  eesim::workloads::Workload w;
  eesim::sim::Plan plan;
  eesim::sim::ScenarioRun run;
  eesim::hw::Architecture arch;
  Chain(const char* mapping, const std::string& chip = kTwoSimd) {
    OnnxBuilder b;
    b.input("x", {1, 1, 16, 64});
    b.node("Relu", {"x"}, {"a"}, "relu");
    b.node("Sigmoid", {"a"}, {"y"}, "sig");
    b.output("y");
    w = b.import_native();
    arch = eesim::hw::load_architecture_text(chip, "two_simd");
    const auto g = eesim::mapping::build_cn_graph(w, {});
    const auto alloc = eesim::mapping::parse_allocation(mapping, "map", w, arch);
    eesim::hw::CostCache cache(arch);
    const auto scenarios = eesim::sim::make_scenarios(w, {{}, {}, 1.0, ""});
    plan = eesim::sim::make_plan(w, g, alloc, arch, cache, scenarios.at(0),
                                 eesim::sim::ExitPolicy::kWait);
    run = eesim::sim::run_plan(plan, arch);
  }
  eesim::sim::EnergyAttribution energy() const {
    return eesim::sim::attribute_energy(plan, run, arch, w.num_layers());
  }
};

constexpr double kOps = 1024 * 0.03, kSram = 2048 * 2.5, kInput = 1024 * 162.5;

}  // namespace

TEST_CASE("energy attribution: relu (v0) -> sigmoid (v1): each layer its own, relu the transfer") {
  const Chain c("relu = v0\nsig = v1\n");
  const auto e = c.energy();
  REQUIRE(e.layers.size() == 2);
  const EnergyByKind& relu = e.layers[0];
  const EnergyByKind& sig = e.layers[1];
  CHECK(relu.compute_pj == doctest::Approx(kOps));
  CHECK(relu.sram_pj == doctest::Approx(kSram));
  CHECK(relu.dram_pj == doctest::Approx(kInput));  // the graph input
  CHECK(relu.spill_pj == 0);
  CHECK(relu.noc_pj == doctest::Approx(1024 * 0.8));  // its band, one hop to v1
  CHECK(sig.compute_pj == doctest::Approx(kOps));
  CHECK(sig.sram_pj == doctest::Approx(kSram));
  CHECK(sig.dram_pj == 0);
  CHECK(sig.noc_pj == 0);
  // The layers carry the scenario's dynamic and NoC energy; the cores its dynamic and static.
  CHECK(relu.total_pj() + sig.total_pj() ==
        doctest::Approx(c.run.dynamic_energy_pj + c.run.noc_energy_pj).epsilon(1e-12));
  CHECK(e.core_dynamic_pj[0] == doctest::Approx(kOps + kSram + kInput));
  CHECK(e.core_dynamic_pj[1] == doctest::Approx(kOps + kSram));
  CHECK(e.core_static_pj[0] == doctest::Approx(1 * 290.0));  // 1 mW over 290 ns
  CHECK(e.core_static_pj[1] == doctest::Approx(2 * 290.0));
  CHECK(e.core_static_pj[0] + e.core_static_pj[1] == doctest::Approx(c.run.static_energy_pj));
  // The transfer records the energy it was charged.
  REQUIRE(c.run.transfers.size() == 1);
  CHECK(c.run.transfers[0].energy_pj == doctest::Approx(1024 * 0.8));
}

TEST_CASE("energy attribution: a band that spills is charged to the layer that wrote it") {
  // v0 holds 600 B: relu's 1024 B band spills 424 B, written to DRAM and read back: 848 B at
  // 162.5 pJ.
  std::string chip = kTwoSimd;
  chip.replace(chip.find("memory_bytes: 1000000"), 21, "memory_bytes: 600");
  const Chain c("* = v0\n", chip);
  REQUIRE(c.run.spilled_bytes == 424);
  const auto e = c.energy();
  CHECK(e.layers[0].spill_pj == doctest::Approx(848 * 162.5));
  CHECK(e.layers[1].spill_pj == 0);
  // Neither layer's 1024 B operands fit either: each streams its input and output through
  // DRAM (2048 B), relu also the graph input.
  CHECK(e.layers[0].dram_pj == doctest::Approx(kInput + 2048 * 162.5));
  CHECK(e.layers[1].dram_pj == doctest::Approx(2048 * 162.5));
  CHECK(c.run.dynamic_energy_pj ==
        doctest::Approx(2 * (kOps + kSram + 2048 * 162.5) + kInput + 848 * 162.5));
  CHECK(e.layers[0].total_pj() + e.layers[1].total_pj() ==
        doctest::Approx(c.run.dynamic_energy_pj).epsilon(1e-12));
  CHECK(e.core_dynamic_pj[0] == doctest::Approx(c.run.dynamic_energy_pj).epsilon(1e-12));
  CHECK(e.core_dynamic_pj[1] == 0);
}

TEST_CASE("energy attribution: a run that charged another plan is an error") {
  Chain c("* = v0\n");
  c.run.charges.pop_back();
  CHECK_THROWS_WITH(c.energy(), doctest::Contains("charged 1 nodes of a plan of 2"));
}

namespace {

// The two-exit test network (exit_nets.h) on two 16-lane SIMD cores, fused by rows.
eesim::sim::Report two_exit_report(eesim::sim::ExitPolicy policy) {
  OnnxBuilder b;
  eesim::testing::backbone(b);
  eesim::testing::head(b.graph(), "c3", "ff", "final", "final");
  eesim::testing::head(b.graph(), "r2", "fb", "exitB", "b");
  eesim::testing::head(b.graph(), "r1", "fa", "exitA", "a");
  b.output("final").output("exitA").output("exitB");
  const auto w = b.import();
  const auto arch = eesim::hw::load_architecture_text(kTwoSimd, "two_simd");
  eesim::mapping::FusionOptions rows;
  rows.mode = eesim::mapping::FusionOptions::Mode::kRows;
  const auto g = eesim::mapping::build_cn_graph(w, rows);
  eesim::hw::CostCache cache(arch);
  const auto alloc = eesim::mapping::allocate_heft(w, g, arch, cache);
  return eesim::sim::simulate(w, {{"exitA", "exitB"}, {0.2, 0.3}, 0.5, "test"}, g, alloc, arch,
                              cache, policy);
}

double relative(double a, double b) { return std::abs(a - b) / std::max(std::abs(b), 1e-300); }

}  // namespace

TEST_CASE("energy attribution: layers and cores sum to every scenario's energy and to E[E]") {
  for (auto policy : {eesim::sim::ExitPolicy::kWait, eesim::sim::ExitPolicy::kSpeculate}) {
    const auto r = two_exit_report(policy);
    REQUIRE(r.scenarios.size() == 3);
    for (const auto& s : r.scenarios) {
      double layers = 0, noc = 0, dynamic = 0, stat = 0;
      for (const EnergyByKind& l : s.energy.layers) layers += l.total_pj(), noc += l.noc_pj;
      for (double c : s.energy.core_dynamic_pj) dynamic += c;
      for (double c : s.energy.core_static_pj) stat += c;
      CHECK(relative(layers, s.run.dynamic_energy_pj + s.run.noc_energy_pj) < 1e-9);
      CHECK(relative(noc, s.run.noc_energy_pj) < 1e-9);
      CHECK(relative(dynamic, s.run.dynamic_energy_pj) < 1e-9);
      CHECK(relative(stat, s.run.static_energy_pj) < 1e-9);
    }
    double layers = 0, cores = 0, links = 0;
    for (const EnergyByKind& l : r.expected_layer_energy) layers += l.total_pj();
    for (size_t c = 0; c < r.expected_core_dynamic_energy_pj.size(); ++c)
      cores += r.expected_core_dynamic_energy_pj[c] + r.expected_core_static_energy_pj[c];
    for (const auto& l : r.links) links += l.expected_energy_pj;
    CHECK(r.expected_noc_energy_pj > 0);  // HEFT uses both cores: the sums cover transfers
    CHECK(relative(
              r.expected_dynamic_energy_pj + r.expected_noc_energy_pj + r.expected_static_energy_pj,
              r.expected_energy_pj) < 1e-12);
    CHECK(relative(layers, r.expected_dynamic_energy_pj + r.expected_noc_energy_pj) < 1e-9);
    CHECK(relative(cores + r.expected_noc_energy_pj, r.expected_energy_pj) < 1e-9);
    CHECK(relative(links, r.expected_noc_energy_pj) < 1e-9);
  }
}
