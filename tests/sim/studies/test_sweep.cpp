// The exit mounting-point sweep on the chain test network and two SIMD cores: expectations
// combine the two scenarios exactly, agree with a direct evaluation, and shallower exits leave
// sooner.
#include <doctest/doctest.h>

#include "common/error.h"
#include "hw_models/arch_loader.h"
#include "sim/studies/sweep.h"
#include "tests/sim/two_simd.h"
#include "tests/workloads/exit_nets.h"

using eesim::sim::EvaluateOptions;
using eesim::sim::SweepResult;
using eesim::testing::chain_net;
using eesim::testing::chain_net_with_exits;

namespace {

const char* const kTwoSimd = eesim::testing::kTwoSimd16;

struct Fixture {
  eesim::hw::Architecture arch = eesim::hw::load_architecture_text(kTwoSimd, "two_simd");
  eesim::workloads::HeadTemplate head = eesim::workloads::parse_head("conv1x1:8,relu,gap,fc:10");
  EvaluateOptions options;
  SweepResult sweep(const eesim::workloads::Workload& w, std::vector<double> ps,
                    std::vector<eesim::workloads::LayerId> points = {}) {
    eesim::hw::CostCache cache(arch);
    return eesim::sim::sweep_exit_mounts(w, head, ps, points, arch, cache, options);
  }
};

}  // namespace

TEST_CASE("sweep: E[L], E[E], E[E*L] and E[E]*E[L] combine the exit and final scenarios") {
  Fixture f;
  const SweepResult r = f.sweep(chain_net(), {0.0, 0.3, 1.0});
  REQUIRE(r.points.size() == 6);  // conv1 relu1 conv2 relu2 conv3 final/gap
  CHECK(r.points[1].branch_layer == "relu1");
  CHECK(r.points[1].shape == eesim::workloads::Shape{1, 4, 8, 8});
  CHECK(r.points[1].depth == 2);
  // conv1x1:8 on [1,4,8,8]: 2048 MACs; fc:10 on 8 features: 80 (test_exit_mount.cpp).
  CHECK(r.points[1].head_macs == 2048 + 80);
  CHECK(r.points[1].head_weight_bytes == (40 + 90) * 4);
  for (const auto& pt : r.points) {
    REQUIRE(pt.outcomes.size() == 3);
    const double lx = static_cast<double>(pt.exit_scenario.latency_cycles);
    const double lf = static_cast<double>(pt.final_scenario.latency_cycles);
    const double ex = pt.exit_scenario.energy_pj, ef = pt.final_scenario.energy_pj;
    for (const auto& o : pt.outcomes) {
      const double p = o.exit_probability;
      CHECK(o.exit_scenario == pt.exit_scenario);  // HEFT: one schedule serves every p
      CHECK(o.expected_latency_cycles == doctest::Approx(p * lx + (1 - p) * lf));
      CHECK(o.expected_energy_pj == doctest::Approx(p * ex + (1 - p) * ef));
      CHECK(o.expected_edp_pj_cycles == doctest::Approx(p * ex * lx + (1 - p) * ef * lf));
      CHECK(o.edp_of_means_pj_cycles ==
            doctest::Approx(o.expected_energy_pj * o.expected_latency_cycles));
    }
    // p = 0 is the final scenario alone; p = 1 the exit's.
    CHECK(pt.outcomes[0].expected_latency_cycles == lf);
    CHECK(pt.outcomes[0].expected_edp_pj_cycles == doctest::Approx(ef * lf));
    CHECK(pt.outcomes[2].expected_edp_pj_cycles == doctest::Approx(ex * lx));
  }
  CHECK(r.baseline_edp_pj_cycles ==
        doctest::Approx(r.baseline.energy_pj * static_cast<double>(r.baseline.latency_cycles)));
}

TEST_CASE("sweep: each point's numbers are what evaluate gives for the mounted workload") {
  Fixture f;
  const auto w = chain_net();
  const auto relu2 = *w.find_layer("relu2");
  const SweepResult r = f.sweep(w, {0.4}, {relu2});
  REQUIRE(r.points.size() == 1);
  const auto m = eesim::workloads::mount_exit(w, relu2, f.head, "x");
  eesim::workloads::ExitProfile profile{{"x"}, {0.4}, 0.6, "test"};
  eesim::hw::CostCache cache(f.arch);
  const auto rep = eesim::sim::evaluate(m, profile, f.arch, cache, f.options).report;
  const auto& o = r.points[0].outcomes[0];
  CHECK(o.exit_scenario.latency_cycles == rep.scenarios[0].run.latency_cycles);
  CHECK(o.final_scenario.latency_cycles == rep.scenarios[1].run.latency_cycles);
  CHECK(o.expected_latency_cycles == doctest::Approx(rep.expected_latency_cycles));
  CHECK(o.expected_energy_pj == doctest::Approx(rep.expected_energy_pj));
  CHECK(o.expected_edp_pj_cycles == doctest::Approx(rep.expected_edp_pj_cycles));
  CHECK(o.edp_of_means_pj_cycles == doctest::Approx(rep.edp_of_means_pj_cycles));
}

TEST_CASE("sweep wait: a shallower exit leaves sooner, and the final output pays for the head") {
  Fixture f;
  const SweepResult r = f.sweep(chain_net(), {0.5});
  const auto& relu1 = r.points[1];
  const auto& relu2 = r.points[3];
  REQUIRE(relu1.branch_layer == "relu1");
  REQUIRE(relu2.branch_layer == "relu2");
  CHECK(relu1.exit_scenario.latency_cycles < relu2.exit_scenario.latency_cycles);
  CHECK(relu1.exit_scenario.energy_pj < relu2.exit_scenario.energy_pj);
  for (const auto& pt : r.points) {
    CHECK(pt.exit_scenario.latency_cycles < pt.final_scenario.latency_cycles);
    CHECK(pt.final_scenario.latency_cycles >= r.baseline.latency_cycles);
    CHECK(pt.final_scenario.energy_pj > r.baseline.energy_pj);
  }
}

TEST_CASE("sweep: a backbone's own exits are stripped first; points are its layer ids") {
  Fixture f;
  const auto ee = chain_net_with_exits();
  CHECK(f.sweep(ee, {0.25, 0.5}) == f.sweep(chain_net(), {0.25, 0.5}));
  const SweepResult one = f.sweep(ee, {0.5}, {*ee.find_layer("relu2")});
  REQUIRE(one.points.size() == 1);
  CHECK(one.points[0].branch_layer == "relu2");
  CHECK_THROWS_WITH_AS(f.sweep(ee, {0.5}, {*ee.find_layer("a/gap")}),
                       doctest::Contains("'a/gap' is not on the backbone"), eesim::Error);
}

TEST_CASE("sweep: probabilities outside [0, 1] and given allocations are errors") {
  Fixture f;
  CHECK_THROWS_WITH_AS(f.sweep(chain_net(), {0.5, 1.5}), doctest::Contains("probability 1.5"),
                       eesim::Error);
  CHECK_THROWS_WITH_AS(f.sweep(chain_net(), {-0.1}), doctest::Contains("probability -0.1"),
                       eesim::Error);
  CHECK_THROWS_AS(f.sweep(chain_net(), {}), eesim::Error);
  f.options.allocator = eesim::mapping::given_allocator({});
  CHECK_THROWS_WITH_AS(f.sweep(chain_net(), {0.5}), doctest::Contains("given allocation"),
                       eesim::Error);
}

TEST_CASE("sweep search: each p gets its own search, and its outcome combines its own runs") {
  Fixture f;
  f.options.allocator = eesim::mapping::make_allocator("search");
  f.options.search.iterations = 10;
  const auto w = chain_net();
  const SweepResult r = f.sweep(w, {0.0, 1.0}, {*w.find_layer("relu1")});
  REQUIRE(r.points.size() == 1);
  const auto& pt = r.points[0];
  CHECK(pt.exit_scenario == pt.outcomes[0].exit_scenario);
  for (const auto& o : pt.outcomes) {
    const double p = o.exit_probability;
    CHECK(o.expected_edp_pj_cycles ==
          doctest::Approx(p * o.exit_scenario.energy_pj * o.exit_scenario.latency_cycles +
                          (1 - p) * o.final_scenario.energy_pj * o.final_scenario.latency_cycles));
  }
}
