// Streams of inputs: the engine with overlapping inputs on hand-built plans (cycle counts by
// hand), and the Monte Carlo stream against the analytical expectations on the two-exit net.
#include <doctest/doctest.h>

#include <cmath>

#include "common/error.h"
#include "hw_models/arch_loader.h"
#include "mapping/pipeline.h"
#include "sim/engine/engine.h"
#include "sim/studies/stream.h"
#include "tests/workloads/exit_nets.h"

using eesim::sim::ArrivalProcess;
using eesim::sim::ExitPolicy;
using eesim::sim::Plan;
using eesim::sim::PlanNode;
using eesim::sim::StreamInput;

namespace {

// Two SIMD cores one hop apart; a zero-byte edge between them takes 1 + 1 cycles.
const char* kTwoSimd = R"(
name: "two_simd" clock_mhz: 1000
noc { width: 2 height: 1 link_bytes_per_cycle: 4 router_cycles: 1 link_cycles: 1 }
core { name: "v0" x: 0 y: 0 static_power_mw: 1 simd { lanes: 16 memory_bytes: 1000000 } }
core { name: "v1" x: 1 y: 0 static_power_mw: 2 simd { lanes: 16 memory_bytes: 1000000 } }
dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 1000 }
)";

PlanNode node(size_t core, int64_t cycles, double energy_pj, std::vector<size_t> after = {}) {
  PlanNode n;
  n.core = core;
  n.compute_cycles = cycles;
  n.energy.compute = energy_pj;
  n.priority = {static_cast<int64_t>(after.size())};
  for (size_t a : after) n.inputs.push_back({a, 0});
  return n;
}

// A two-stage pipeline: 100 cycles on v0, then 300 on v1. `exit_early` ends after stage 0.
Plan two_stage(bool exit_early) {
  Plan p;
  p.nodes = {node(0, 100, 10), node(1, 300, 30, {0})};
  p.resident_weight_bytes = {0, 0};
  p.end_nodes = {exit_early ? size_t{0} : size_t{1}};
  return p;
}

eesim::sim::StreamRun run(const std::vector<StreamInput>& in, int64_t in_flight = 0) {
  static const auto arch = eesim::hw::load_architecture_text(kTwoSimd, "two_simd");
  eesim::sim::EngineOptions o;
  o.max_in_flight = in_flight;
  return eesim::sim::run_inputs(in, {0, 0}, arch, o);
}

}  // namespace

TEST_CASE("stream engine: four inputs through a 100 + 300 cycle pipeline finish at 402..1302") {
  // v0 takes inputs back to back (0-100, 100-200, ...); each hands over 2 cycles later and v1,
  // the bottleneck, runs them one after another from 102.
  const Plan final_plan = two_stage(false);
  const auto r = run({{&final_plan, 0}, {&final_plan, 0}, {&final_plan, 0}, {&final_plan, 0}});
  CHECK(r.inputs[0].done_cycles == 402);
  CHECK(r.inputs[1].done_cycles == 702);
  CHECK(r.inputs[2].done_cycles == 1002);
  CHECK(r.inputs[3].done_cycles == 1302);
  CHECK(r.end_cycles == 1302);
  CHECK(r.core_busy_cycles == std::vector<int64_t>{400, 1200});
  CHECK(r.inputs[3].dynamic_energy_pj == doctest::Approx(40));
}

TEST_CASE("stream engine: inputs that exit after stage 0 free v1, so the stream ends at 702") {
  const Plan final_plan = two_stage(false), exit_plan = two_stage(true);
  const auto r = run({{&final_plan, 0}, {&exit_plan, 0}, {&final_plan, 0}, {&exit_plan, 0}});
  CHECK(r.inputs[0].done_cycles == 402);
  CHECK(r.inputs[1].done_cycles == 200);  // exits on v0 and never reaches v1
  CHECK(r.inputs[2].done_cycles == 702);  // arrives on v1 at 302, runs after input 0 at 402
  CHECK(r.inputs[3].done_cycles == 400);
  CHECK(r.core_busy_cycles == std::vector<int64_t>{400, 600});
}

TEST_CASE("stream engine: an in-flight limit of 1 runs inputs one at a time") {
  const Plan final_plan = two_stage(false);
  const auto r = run({{&final_plan, 0}, {&final_plan, 0}}, 1);
  CHECK(r.inputs[0].done_cycles == 402);
  CHECK(r.inputs[1].admitted_cycles == 402);
  CHECK(r.inputs[1].done_cycles == 804);
}

TEST_CASE("stream engine: timed arrivals wait for their cycle") {
  const Plan final_plan = two_stage(false);
  const auto r = run({{&final_plan, 0}, {&final_plan, 1000}});
  CHECK(r.inputs[1].admitted_cycles == 1000);
  CHECK(r.inputs[1].done_cycles == 1402);
}

TEST_CASE("stream engine: an exit cancels its input's running work pro rata and frees the core") {
  // Speculation: v1's 400-cycle node needs nothing and starts at 0; the input ends when v0's
  // node does (100), so v1's node is cancelled a quarter done: 40 x 1/4 = 10 pJ, 100 busy.
  Plan p;
  p.nodes = {node(0, 100, 20), node(1, 400, 40)};
  p.resident_weight_bytes = {0, 0};
  p.end_nodes = {0};
  const Plan final_plan = two_stage(false);
  const auto r = run({{&p, 0}, {&final_plan, 0}});
  CHECK(r.inputs[0].done_cycles == 100);
  CHECK(r.inputs[0].dynamic_energy_pj == doctest::Approx(20 + 10));
  CHECK(r.inputs[0].nodes[1].start == 0);
  CHECK(r.inputs[0].nodes[1].end == -1);
  // Input 1: v0 200, hand-over at 202, and v1 is free again since 100.
  CHECK(r.inputs[1].done_cycles == 502);
  CHECK(r.core_busy_cycles == std::vector<int64_t>{200, 100 + 300});
}

TEST_CASE("stream engine: a finished input's bands leave memory; only resident weights stay") {
  Plan p = two_stage(true);  // exits at v0; its band for v1 is never read
  p.nodes[0].out_bytes = 500;
  p.nodes[1].inputs[0].bytes = 500;
  const auto arch = eesim::hw::load_architecture_text(kTwoSimd, "two_simd");
  const auto r = eesim::sim::run_inputs({{&p, 0}, {&p, 0}}, {70, 0}, arch);
  CHECK(r.core_peak_memory_bytes[0] == 70 + 500);
  int64_t last[2] = {-1, -1};
  for (const auto& m : r.memory) last[m.core] = m.bytes;
  CHECK(last[0] == 70);
  CHECK(last[1] == 0);
}

TEST_CASE("latency statistics use nearest rank") {
  std::vector<int64_t> v;
  for (int64_t i = 100; i >= 1; --i) v.push_back(i);
  const auto s = eesim::sim::latency_stats(v);
  CHECK(s.p50_cycles == 50);
  CHECK(s.p95_cycles == 95);
  CHECK(s.p99_cycles == 99);
  CHECK(s.min_cycles == 1);
  CHECK(s.max_cycles == 100);
  CHECK(s.mean_cycles == doctest::Approx(50.5));
  CHECK(eesim::sim::latency_stats({7}).p99_cycles == 7);
  CHECK_THROWS_AS(eesim::sim::latency_stats({}), eesim::Error);
}

namespace {

// The two-exit network of test_simulate on two SIMD cores, 1-row bands.
struct Net {
  eesim::workloads::Workload w = eesim::testing::chain_net_with_exits();
  eesim::hw::Architecture arch = eesim::hw::load_architecture_text(kTwoSimd, "two_simd");
  eesim::mapping::CnGraph g;
  eesim::workloads::ExitProfile profile{{"exitA", "exitB"}, {0.3, 0.2}, 0.5, "test"};
  Net() {
    eesim::mapping::FusionOptions rows;
    rows.mode = eesim::mapping::FusionOptions::Mode::kRows;
    g = eesim::mapping::build_cn_graph(w, rows);
  }
  eesim::sim::StreamReport stream(const eesim::sim::StreamOptions& o, bool pipeline = false,
                                  ExitPolicy policy = ExitPolicy::kWait) {
    eesim::hw::CostCache cache(arch);
    const auto alloc = pipeline ? eesim::mapping::allocate_pipeline(w, g, arch, cache)
                                : eesim::mapping::allocate_heft(w, g, arch, cache);
    return eesim::sim::simulate_stream(
        w, g, eesim::sim::simulate(w, profile, g, alloc, arch, cache, policy), arch, o);
  }
};

}  // namespace

TEST_CASE(
    "stream: with arrivals far apart every input takes its scenario's latency, and the "
    "mean of 10,000 is within 1% of E[L]") {
  Net net;
  eesim::sim::StreamOptions o;
  o.inputs = 10000;
  o.seed = 7;
  o.arrival = {ArrivalProcess::Kind::kFixed, 1.0};  // one per second: 1e9 cycles apart
  const auto r = net.stream(o);
  for (size_t k = 0; k < r.latency_cycles.size(); ++k)
    REQUIRE(r.latency_cycles[k] == r.analytical.scenarios[r.scenario_of[k]].run.latency_cycles);
  const double el = r.analytical.expected_latency_cycles;
  CHECK(std::abs(r.latency.mean_cycles - el) / el < 0.01);
  // Exit shares: binomial, within 4 standard deviations of 0.3 / 0.2 / 0.5.
  const double n = 10000;
  for (size_t s = 0; s < 3; ++s) {
    const double p = r.analytical.scenarios[s].probability;
    CHECK(std::abs(static_cast<double>(r.exits[s].inputs) - n * p) <
          4 * std::sqrt(n * p * (1 - p)));
  }
  // Alone, each input spends what its scenario spends: the mean converges to E[E].
  CHECK(r.mean_input_energy_pj == doctest::Approx(r.analytical.expected_energy_pj).epsilon(0.01));
}

TEST_CASE("stream: the same seed gives the same stream, another seed another") {
  Net net;
  eesim::sim::StreamOptions o;
  o.inputs = 200;
  o.arrival = {ArrivalProcess::Kind::kPoisson, 2e5};
  const auto a = net.stream(o), b = net.stream(o);
  CHECK(a.run == b.run);
  CHECK(a.scenario_of == b.scenario_of);
  o.seed = 2;
  CHECK(net.stream(o).scenario_of != a.scenario_of);
}

TEST_CASE("stream: Poisson gaps average 1/rate (10,000 draws within 3%)") {
  Net net;
  eesim::sim::StreamOptions o;
  o.inputs = 10000;
  o.arrival = {ArrivalProcess::Kind::kPoisson, 1e4};  // mean gap 1e5 cycles at 1 GHz
  const auto r = net.stream(o);
  const double mean_gap = static_cast<double>(r.run.inputs.back().arrival_cycles) / (o.inputs - 1);
  CHECK(mean_gap == doctest::Approx(1e5).epsilon(0.03));
  CHECK(r.mean_interval_cycles == doctest::Approx(1e5));
}

TEST_CASE("stream: back to back on a pipelined two-core mapping, throughput beats 1/E[L]") {
  Net net;
  eesim::sim::StreamOptions o;
  o.inputs = 500;
  const auto r = net.stream(o, true);
  const double one_at_a_time_per_s = 1e9 / r.analytical.expected_latency_cycles;
  CHECK(r.max_in_flight == 2);  // the core count
  CHECK(r.throughput_per_s > 1.2 * one_at_a_time_per_s);
  for (double u : r.core_utilization) CHECK(u <= 1.0);
}

TEST_CASE("stream: bad options are errors naming the option") {
  Net net;
  eesim::sim::StreamOptions o;
  o.inputs = 0;
  CHECK_THROWS_WITH_AS(net.stream(o), doctest::Contains("inputs 0: expected 1 to 16777216"),
                       eesim::Error);
  o.inputs = eesim::sim::kMaxStreamInputs + 1;  // refused before anything is allocated
  CHECK_THROWS_WITH_AS(net.stream(o), doctest::Contains("inputs 16777217: expected 1 to "),
                       eesim::Error);
  o.inputs = 10;
  o.arrival = {ArrivalProcess::Kind::kPoisson, 0};
  CHECK_THROWS_WITH_AS(net.stream(o), doctest::Contains("arrival rate"), eesim::Error);
}

TEST_CASE("stream: a rate so low that arrivals pass 2^53 cycles is an error, not a wrapped time") {
  // At 1 GHz, 1e-12 inputs/s puts input 2 at 1e21 cycles: llround past int64 used to give
  // negative arrival times and latencies.
  Net net;
  eesim::sim::StreamOptions o;
  o.inputs = 3;
  for (auto kind : {ArrivalProcess::Kind::kFixed, ArrivalProcess::Kind::kPoisson}) {
    o.arrival = {kind, 1e-12};
    CHECK_THROWS_WITH_AS(net.stream(o),
                         "stream: at 1e-12 inputs/s, input 2 of 3 would arrive after 2^53 "
                         "cycles, beyond what eesim simulates; raise the rate or stream fewer "
                         "inputs",
                         eesim::Error);
  }
  o.arrival = {ArrivalProcess::Kind::kFixed, 0.5};  // 2e9 cycles apart: fine
  const auto r = net.stream(o);
  CHECK(r.run.inputs.back().arrival_cycles == 4'000'000'000);
  for (int64_t l : r.latency_cycles) CHECK(l > 0);
  o.record_inputs = -5;
  CHECK_THROWS_WITH_AS(net.stream(o), "stream: traced inputs -5: expected 0 or more", eesim::Error);
}

TEST_CASE("stream: progress sees every finished input, and stopping it says how far it got") {
  Net net;
  eesim::sim::StreamOptions o;
  o.inputs = 10;
  std::vector<int64_t> seen;
  o.progress.on_step = [&](const char* unit, int64_t done, int64_t total) {
    CHECK(std::string(unit) == "inputs");
    CHECK(total == 10);
    seen.push_back(done);
    return true;
  };
  net.stream(o);
  CHECK(seen == std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
  o.progress.on_step = [](const char*, int64_t done, int64_t) { return done < 3; };
  CHECK_THROWS_WITH_AS(net.stream(o), "stream stopped after 3 of 10 inputs", eesim::Interrupted);
}
