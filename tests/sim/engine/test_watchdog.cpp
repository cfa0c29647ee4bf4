// The engine on hand-built plans: its watchdog (a run that cannot make progress ends in an
// error naming the stuck nodes, never a hang; these plans are broken on purpose, make_plan
// never builds them) and the order it grants simultaneous requests in.
#include <doctest/doctest.h>

#include <string>

#include "common/error.h"
#include "common/limits.h"
#include "hw_models/arch_loader.h"
#include "mapping/allocation.h"
#include "sim/engine/engine.h"
#include "tests/sim/two_simd.h"
#include "tests/workloads/onnx_builder.h"

using eesim::sim::Plan;
using eesim::sim::PlanNode;

namespace {

const eesim::hw::Architecture& chip() {
  static const auto arch =
      eesim::hw::load_architecture_text(eesim::testing::kTwoSimd16, "two_simd");
  return arch;
}

PlanNode node(size_t core, int64_t cycles, std::vector<size_t> from) {
  PlanNode n;
  n.core = core;
  n.compute_cycles = cycles;
  for (size_t f : from) n.inputs.push_back({f, 0});
  n.priority = {0};
  return n;
}

// 0 runs; 1 and 2 wait for each other, so the end node 2 can never start.
Plan cycle_plan() {
  Plan p;
  p.nodes = {node(0, 10, {}), node(1, 5, {0, 2}), node(1, 5, {1})};
  p.resident_weight_bytes = {0, 0};
  p.end_nodes = {2};
  return p;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const eesim::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("watchdog: a dependency cycle ends the run with the waiting nodes named") {
  const Plan p = cycle_plan();
  const std::string msg = error_of([&] { eesim::sim::run_plan(p, chip()); });
  CHECK(msg ==
        "simulation cannot make progress: no event is left, yet 1 of 1 inputs never finished\n"
        "  input 0:\n"
        "    plan node 1 (layer 0, CN 0) on core 'v1' waits for plan node 2 (layer 0, CN 0), "
        "which never finished\n"
        "    plan node 2 (layer 0, CN 0) on core 'v1' waits for plan node 1 (layer 0, CN 0), "
        "which never finished");
}

TEST_CASE("watchdog: inputs behind a stuck one are reported as never admitted") {
  const Plan p = cycle_plan();
  eesim::sim::EngineOptions o;
  o.max_in_flight = 1;
  const std::string msg = error_of([&] {
    eesim::sim::run_inputs({{&p, 0}, {&p, 7}}, {0, 0}, chip(), o);
  });
  CHECK(msg.starts_with(
      "simulation cannot make progress: no event is left, yet 2 of 2 inputs never finished\n"
      "  input 0:\n    plan node 1 (layer 0, CN 0) on core 'v1' waits for plan node 2"));
  CHECK(msg.ends_with("\n  input 1: never admitted (arrival cycle 7)"));
}

TEST_CASE("watchdog: the activation budget stops a run that keeps going and names where it was") {
  Plan p;
  p.nodes = {node(0, 10, {}), node(0, 10, {0}), node(0, 10, {1})};
  p.resident_weight_bytes = {0, 0};
  p.end_nodes = {2};
  eesim::sim::EngineOptions o;
  o.max_activations = 3;
  const std::string msg = error_of([&] { eesim::sim::run_inputs({{&p, 0}}, {0, 0}, chip(), o); });
  // The dispatcher's passes are the activations. Cycle 0: pass 1 admits the input and starts
  // node 0, pass 2 finds nothing more to do. Cycle 10: pass 3 ends node 0 and starts node 1
  // (same core: its input is there at once), so a 4th pass would follow: refused.
  CHECK(msg ==
        "simulation cannot make progress: no progress after 3 process activations (more than "
        "any finite run of these inputs needs); 1 of 1 inputs never finished\n"
        "  input 0:\n"
        "    plan node 1 (layer 0, CN 0) on core 'v0' was ready or running but never finished");
  // The same plan under the automatic budget finishes at 10 + 10 + 10.
  CHECK(eesim::sim::run_plan(p, chip()).latency_cycles == 30);
}

TEST_CASE("watchdog: simulated time past 2^53 cycles is refused, not wrapped") {
  Plan p;
  p.nodes = {node(0, 10, {}), node(0, eesim::kMaxCycles - 5, {0})};
  p.resident_weight_bytes = {0, 0};
  p.end_nodes = {1};
  const std::string msg = error_of([&] { eesim::sim::run_plan(p, chip()); });
  CHECK(
      msg.starts_with("simulation cannot make progress: simulated time would pass 2^53 cycles "
                      "at cycle 10 (+9007199254740987); 1 of 1 inputs never finished"));
  // Just inside the limit it runs: 10 + (2^53 - 10) = 2^53 cycles exactly.
  p.nodes[1].compute_cycles = eesim::kMaxCycles - 10;
  CHECK(eesim::sim::run_plan(p, chip()).latency_cycles == eesim::kMaxCycles);
}

TEST_CASE("watchdog: stuck nodes of a real plan are named by layer and rows") {
  eesim::testing::OnnxBuilder b;
  b.input("x", {1, 1, 16, 64});
  b.node("Relu", {"x"}, {"a"}, "relu");
  b.node("Sigmoid", {"a"}, {"y"}, "sig");
  b.output("y");
  const auto w = b.import();
  const auto g = eesim::mapping::build_cn_graph(w, {});
  const auto alloc = eesim::mapping::parse_allocation("* = v0\n", "map", w, chip());
  eesim::hw::CostCache cache(chip());
  const auto scenarios = eesim::sim::make_scenarios(w, {{}, {}, 1.0, ""});
  Plan p = eesim::sim::make_plan(w, g, alloc, chip(), cache, scenarios.at(0),
                                 eesim::sim::ExitPolicy::kWait);
  REQUIRE(p.nodes.size() == 2);
  p.nodes[0].inputs.push_back({1, 0});  // relu now also waits for sigmoid: a cycle
  const std::string msg = error_of([&] {
    eesim::sim::run_plan(p, chip(), [&](const Plan& q, size_t i) {
      return eesim::sim::describe_plan_node(w, g, q, i);
    });
  });
  CHECK(msg ==
        "simulation cannot make progress: no event is left, yet 1 of 1 inputs never finished\n"
        "  input 0:\n"
        "    CN 'relu' rows 0-15 (band 0) on core 'v0' waits for CN 'sig' rows 0-15 (band 0), "
        "which never finished\n"
        "    CN 'sig' rows 0-15 (band 0) on core 'v0' waits for CN 'relu' rows 0-15 (band 0), "
        "which never finished");
}

TEST_CASE("engine: requests at one instant are granted in core order, whatever else is queued") {
  // Both cores start a 10-cycle node at cycle 0 that moves 80 B over the one DRAM port
  // (8 B/cycle: 10 cycles). Core 0 is granted first: port [0, 10), its node ends at
  // max(10, 10) = 10; core 1 gets [10, 20) and ends at 20. The same, to the cycle, when a
  // second input is queued to arrive much later (its arrival sits in SystemC's event queue and
  // once reordered simultaneous wake-ups).
  Plan p;
  p.nodes = {node(0, 10, {}), node(1, 10, {})};
  p.nodes[0].dram_bytes = p.nodes[1].dram_bytes = 80;
  p.resident_weight_bytes = {0, 0};
  p.end_nodes = {0, 1};
  const auto alone = eesim::sim::run_plan(p, chip());
  CHECK(alone.latency_cycles == 20);
  CHECK(alone.nodes == std::vector<eesim::sim::NodeTiming>{{0, 10}, {0, 20}});
  eesim::sim::EngineOptions o;
  o.record_inputs = 2;
  const auto stream = eesim::sim::run_inputs({{&p, 0}, {&p, 1'000'000}}, {0, 0}, chip(), o);
  CHECK(stream.inputs[0].done_cycles == 20);
  CHECK(stream.inputs[0].nodes == alone.nodes);
  CHECK(stream.inputs[1].done_cycles == 1'000'020);
}
