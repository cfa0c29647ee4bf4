// Exits on a multi-core chip: an exit head on another core than the backbone. Under `wait` the
// backbone past the branch point waits for the head's decision, which crosses the NoC; under
// `speculate` it runs on.
#include <doctest/doctest.h>

#include <string>

#include "hw_models/arch_loader.h"
#include "hw_models/noc.h"
#include "sim/studies/simulate.h"
#include "tests/sim/two_simd.h"
#include "tests/workloads/exit_nets.h"

using eesim::sim::ExitPolicy;

namespace {

struct Run {
  eesim::sim::Report report;
  const eesim::workloads::Workload* w = nullptr;
  // Start and end of `layer`'s (one) node in scenario `s`.
  eesim::sim::NodeTiming timing(size_t s, const std::string& layer) const {
    const auto& sc = report.scenarios.at(s);
    const auto id = *w->find_layer(layer);
    for (size_t i = 0; i < sc.plan.nodes.size(); ++i)
      if (sc.plan.nodes[i].layer == id) return sc.run.nodes.at(i);
    FAIL("no node of " << layer);
    return {};
  }
};

Run run(const eesim::workloads::Workload& w, ExitPolicy policy) {
  const auto arch = eesim::hw::load_architecture_text(eesim::testing::kTwoSimd16, "two_simd");
  const auto g = eesim::mapping::build_cn_graph(w, {});
  // The backbone and exit B on v0, exit A's head (a/...) on v1.
  eesim::mapping::Allocation alloc{std::vector<size_t>(w.num_layers(), 0), "test", {}};
  for (eesim::workloads::LayerId v = 0; v < w.num_layers(); ++v)
    if (w.layer(v).name.starts_with("a/")) alloc.core_of_layer[v] = 1;
  eesim::hw::CostCache cache(arch);
  return {eesim::sim::simulate(w, {{"exitA", "exitB"}, {0.2, 0.3}, 0.5, "test"}, g, alloc, arch,
                               cache, policy),
          &w};
}

}  // namespace

TEST_CASE("exits on another core: wait holds the backbone for the decision, speculate does not") {
  const auto w = eesim::testing::chain_net_with_exits();
  const auto arch = eesim::hw::load_architecture_text(eesim::testing::kTwoSimd16, "two_simd");
  // The decision is a 0-byte signal from v1 (1, 0) to v0 (0, 0): the NoC's one-hop latency.
  const int64_t signal = eesim::hw::make_noc(arch.noc)->pipeline_cycles({1, 0}, {0, 0});
  REQUIRE(signal > 0);
  const Run wait = run(w, ExitPolicy::kWait);
  const Run spec = run(w, ExitPolicy::kSpeculate);
  const size_t final_scenario = 2;  // exitA, exitB, then the final output
  // Under wait, conv2 (past exit A's branch point relu1) starts when exit A's decision arrives.
  const auto head_end = wait.timing(final_scenario, "a/fc").end;
  CHECK(wait.timing(final_scenario, "conv2").start == head_end + signal);
  // The head ran on v1 while v0 sat idle: v0 is free once relu1 ends.
  CHECK(wait.timing(final_scenario, "a/fc").start > wait.timing(final_scenario, "relu1").end);
  // Under speculate, conv2 follows relu1 at once on v0 while the head runs on v1.
  CHECK(spec.timing(final_scenario, "conv2").start == spec.timing(final_scenario, "relu1").end);
  CHECK(spec.timing(final_scenario, "conv2").start < head_end);
  // So the inputs that pass exit A finish later under wait, by the head's time and the signal.
  const int64_t wait_final = wait.report.scenarios[final_scenario].run.latency_cycles;
  const int64_t spec_final = spec.report.scenarios[final_scenario].run.latency_cycles;
  CHECK(wait_final - spec_final == head_end + signal - spec.timing(final_scenario, "relu1").end);
  // An input leaving at exit A ends with the head under both policies.
  CHECK(wait.report.scenarios[0].run.latency_cycles == head_end);
}
