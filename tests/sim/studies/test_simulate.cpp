// Expected metrics over exit scenarios: the properties issue 4 asks for, on the two-exit test
// network mapped onto two SIMD cores.
#include <doctest/doctest.h>

#include "common/error.h"
#include "hw_models/arch_loader.h"
#include "sim/studies/simulate.h"
#include "tests/sim/two_simd.h"
#include "tests/workloads/exit_nets.h"

using eesim::sim::ExitPolicy;
using eesim::testing::backbone;
using eesim::testing::head;
using eesim::testing::OnnxBuilder;

namespace {

const char* const kTwoSimd = eesim::testing::kTwoSimd16;

struct Fixture {
  eesim::workloads::Workload w;
  eesim::hw::Architecture arch = eesim::hw::load_architecture_text(kTwoSimd, "two_simd");
  eesim::mapping::CnGraph g;
  eesim::mapping::Allocation alloc;
  Fixture() {
    OnnxBuilder b;
    backbone(b);
    head(b.graph(), "c3", "ff", "final", "final");
    head(b.graph(), "r2", "fb", "exitB", "b");
    head(b.graph(), "r1", "fa", "exitA", "a");
    b.output("final").output("exitA").output("exitB");
    w = b.import();
    eesim::mapping::FusionOptions rows;
    rows.mode = eesim::mapping::FusionOptions::Mode::kRows;
    g = eesim::mapping::build_cn_graph(w, rows);
    eesim::hw::CostCache cache(arch);
    alloc = eesim::mapping::allocate_heft(w, g, arch, cache);
  }
  eesim::sim::Report run(std::vector<double> p, ExitPolicy policy = ExitPolicy::kWait) {
    eesim::hw::CostCache cache(arch);
    const double rest = 1.0 - p[0] - p[1];
    return eesim::sim::simulate(w, {{"exitA", "exitB"}, p, rest, "test"}, g, alloc, arch, cache,
                                policy);
  }
};

}  // namespace

TEST_CASE("simulate: with every exit at 0 the expectation is the final scenario") {
  Fixture f;
  const auto r = f.run({0.0, 0.0});
  REQUIRE(r.scenarios.size() == 3);
  const auto& last = r.scenarios[2].run;
  CHECK(r.expected_latency_cycles == doctest::Approx(static_cast<double>(last.latency_cycles)));
  CHECK(r.expected_energy_pj == doctest::Approx(last.energy_pj()));
  CHECK(r.expected_edp_pj_cycles == doctest::Approx(last.energy_pj() * last.latency_cycles));
}

TEST_CASE("simulate: with p(exit A) = 1 the expectation is scenario A") {
  Fixture f;
  const auto r = f.run({1.0, 0.0});
  const auto& a = r.scenarios[0].run;
  CHECK(r.expected_latency_cycles == doctest::Approx(static_cast<double>(a.latency_cycles)));
  CHECK(r.expected_energy_pj == doctest::Approx(a.energy_pj()));
}

TEST_CASE(
    "simulate wait: earlier exits are never slower, and moving probability earlier never raises "
    "E[L]") {
  Fixture f;
  const auto r = f.run({0.2, 0.3});
  CHECK(r.scenarios[0].run.latency_cycles <= r.scenarios[1].run.latency_cycles);
  CHECK(r.scenarios[1].run.latency_cycles <= r.scenarios[2].run.latency_cycles);
  CHECK(f.run({0.5, 0.0}).expected_latency_cycles <= r.expected_latency_cycles);
  CHECK(f.run({0.2, 0.8}).expected_latency_cycles <= r.expected_latency_cycles);
  // E[E*L] and E[E]*E[L] are different numbers, each as defined.
  double edp = 0;
  for (const auto& s : r.scenarios) edp += s.probability * s.run.energy_pj() * s.run.latency_cycles;
  CHECK(r.expected_edp_pj_cycles == doctest::Approx(edp));
  CHECK(r.edp_of_means_pj_cycles ==
        doctest::Approx(r.expected_energy_pj * r.expected_latency_cycles));
  CHECK(r.edp_of_means_pj_cycles != doctest::Approx(r.expected_edp_pj_cycles));
}

TEST_CASE("simulate: no scenario beats the roofline bound of the work it does") {
  Fixture f;
  for (auto policy : {ExitPolicy::kWait, ExitPolicy::kSpeculate}) {
    const auto r = f.run({0.3, 0.3}, policy);
    CHECK(r.scenarios.back().run.latency_cycles >= r.roofline.lower_bound_cycles());
    CHECK(r.scenarios.back().run.latency_cycles > 0);
  }
}

TEST_CASE("simulate: a report reweighed to new probabilities equals a fresh simulation") {
  Fixture f;
  auto r = f.run({0.3, 0.2});
  const auto fresh = f.run({0.1, 0.6});
  const double rest = 1.0 - 0.1 - 0.6;  // as Fixture::run computes it
  eesim::sim::reweigh(r, f.w, {{"exitA", "exitB"}, {0.1, 0.6}, rest, "test"});
  CHECK(r.scenarios[0].probability == 0.1);
  CHECK(r.scenarios[1].probability == 0.6);
  CHECK(r.scenarios[2].probability == rest);
  // Bit for bit: the same sums in the same order.
  CHECK(r.expected_latency_cycles == fresh.expected_latency_cycles);
  CHECK(r.expected_energy_pj == fresh.expected_energy_pj);
  CHECK(r.expected_edp_pj_cycles == fresh.expected_edp_pj_cycles);
  CHECK(r.edp_of_means_pj_cycles == fresh.edp_of_means_pj_cycles);
  CHECK(r.expected_lower_bound_cycles == fresh.expected_lower_bound_cycles);
  CHECK(r.expected_idle_while_waiting_cycles == fresh.expected_idle_while_waiting_cycles);
  CHECK(r.expected_core_busy_cycles == fresh.expected_core_busy_cycles);
  CHECK(r.core_peak_memory_bytes == fresh.core_peak_memory_bytes);
  REQUIRE(r.links.size() == fresh.links.size());
  for (size_t i = 0; i < r.links.size(); ++i) {
    CHECK(r.links[i].link == fresh.links[i].link);
    CHECK(r.links[i].expected_busy_cycles == fresh.links[i].expected_busy_cycles);
  }
  // E[L] by hand from the scenarios: 0.1 L_A + 0.6 L_B + 0.3 L_final.
  CHECK(r.expected_latency_cycles ==
        doctest::Approx(0.1 * static_cast<double>(r.scenarios[0].run.latency_cycles) +
                        0.6 * static_cast<double>(r.scenarios[1].run.latency_cycles) +
                        0.3 * static_cast<double>(r.scenarios[2].run.latency_cycles)));
  eesim::workloads::Workload other = f.w;
  other.exits.pop_back();
  CHECK_THROWS_WITH_AS(eesim::sim::reweigh(r, other, {{"exitA"}, {0.1}, 0.9, "test"}),
                       "reweigh: the report has 3 scenarios, the network 2", eesim::Error);
}
