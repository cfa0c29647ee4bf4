// Mapping quality on hand-computed cases: the lower bound of a scenario (Graham's work bound
// with each layer on its best core, and the compulsory DRAM traffic) and the cycles cores sat
// idle while work they could run waited for a busy core (counted by the engine, for one
// scenario and for a stream).
#include <doctest/doctest.h>

#include "hw_models/arch_loader.h"
#include "mapping/allocation.h"
#include "sim/results/run_report.h"
#include "sim/studies/mapping_quality.h"
#include "sim/studies/simulate.h"
#include "sim/studies/stream.h"
#include "tests/sim/two_simd.h"
#include "tests/workloads/onnx_builder.h"

using eesim::testing::OnnxBuilder;

namespace {

// Two 64-lane SIMD cores one hop apart and a fast DRAM (1000 B/cycle): every node below
// takes 1024 element operations / 64 lanes = 16 cycles, its DRAM traffic hidden under compute.
const char* const kTwoSimd64 = eesim::testing::kTwoSimd64;  // tests/sim/two_simd.h

// The same with v1 a systolic array, which cannot run element-wise layers.
const char* const kSimdAndSystolic = R"(
name: "simd_systolic" clock_mhz: 1000
noc { width: 2 height: 1 link_bytes_per_cycle: 4 router_cycles: 1 link_cycles: 1 }
core { name: "v0" x: 0 y: 0 static_power_mw: 1 simd { lanes: 64 memory_bytes: 1000000 } }
core { name: "s1" x: 1 y: 0 static_power_mw: 2 systolic { rows: 8 cols: 8 dataflow: OS
                                                        ifmap_sram_bytes: 65536 filter_sram_bytes: 65536
                                                        ofmap_sram_bytes: 65536 } }
dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 1000 }
)";

// x[1,1,16,64] -> relu (a), x -> sigmoid (b), a + b -> y: two independent 16-cycle layers,
// then a 16-cycle add.
eesim::workloads::Workload fork_net() {
  OnnxBuilder b;
  b.input("x", {1, 1, 16, 64});
  b.node("Relu", {"x"}, {"a"}, "relu");
  b.node("Sigmoid", {"x"}, {"b"}, "sig");
  b.node("Add", {"a", "b"}, {"y"}, "add");
  b.output("y");
  return b.import_native();
}

eesim::sim::Report simulate(const char* chip, const char* mapping) {
  const auto w = fork_net();
  const auto arch = eesim::hw::load_architecture_text(chip, "chip");
  const auto g = eesim::mapping::build_cn_graph(w, {});
  const auto alloc = eesim::mapping::parse_allocation(mapping, "map", w, arch);
  eesim::hw::CostCache cache(arch);
  return eesim::sim::simulate(w, {{}, {}, 1.0, ""}, g, alloc, arch, cache,
                              eesim::sim::ExitPolicy::kWait);
}

}  // namespace

TEST_CASE("mapping quality: the lower bound of 3 x 16 cycles on two cores is 24 cycles") {
  const auto w = fork_net();
  const auto arch = eesim::hw::load_architecture_text(kTwoSimd64, "chip");
  eesim::hw::CostCache cache(arch);
  const auto b = eesim::sim::layer_bounds(w, arch, cache);
  CHECK(b.best_compute_cycles == std::vector<int64_t>{16, 16, 16});
  CHECK(b.word_bytes == 1);
  CHECK(b.weight_capacity_bytes == 0);
  CHECK(b.dram_bytes_per_cycle == 1000);
  CHECK(b.runs_on == std::vector<uint64_t>{3, 3, 3});  // both cores
  const auto bound = eesim::sim::scenario_lower_bound(w, b, {1, 1, 1}, {w.final_layer});
  CHECK(bound.work_cycles == 24);   // ceil(48 / 2)
  CHECK(bound.dram_bytes == 2048);  // input x and output y, 1024 B each
  CHECK(bound.dram_cycles == 3);    // ceil(2048 / 1000)
  CHECK(bound.cycles() == 24);
  // Only the relu needed: ceil(16 / 2) = 8.
  CHECK(eesim::sim::scenario_lower_bound(w, b, {1, 0, 0}, {}).work_cycles == 8);
}

TEST_CASE("mapping quality: a layer no core model runs is not counted, nor that core") {
  const auto w = fork_net();
  const auto arch = eesim::hw::load_architecture_text(kSimdAndSystolic, "chip");
  eesim::hw::CostCache cache(arch);
  const auto b = eesim::sim::layer_bounds(w, arch, cache);
  CHECK(b.runs_on == std::vector<uint64_t>{1, 1, 1});  // core 0 alone (bit 0)
  CHECK(b.best_compute_cycles == std::vector<int64_t>{16, 16, 16});
}

TEST_CASE(
    "mapping quality: one core queues two 16-cycle nodes while the other idles: 16 idle cycles "
    "while work waits") {
  // relu and sig are both ready at 0 on v0; one runs [0, 16), the other waits until 16 and
  // runs [16, 32) while v1, which could run it, idles; the add runs [32, 48).
  const auto r = simulate(kTwoSimd64, "* = v0\n");
  REQUIRE(r.scenarios.size() == 1);
  const auto& s = r.scenarios[0];
  CHECK(s.run.latency_cycles == 48);
  REQUIRE(s.run.nodes.size() == 3);
  CHECK(s.run.nodes[2].start == 32);  // the add, once the second of the two has finished
  CHECK(s.run.idle_while_waiting_cycles == 16);
  CHECK(s.lower_bound.cycles() == 24);
  CHECK(r.expected_lower_bound_cycles == 24);
  CHECK(r.expected_idle_while_waiting_cycles == 16);
  CHECK(s.run.core_busy_cycles == std::vector<int64_t>{48, 0});
  // 16 of 48 cycles is past the 10% line: the report warns.
  const auto warnings = eesim::sim::idle_warnings(r);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].find("scenario 'y': cores sat idle for 16 of its 48 cycles (33.3%)") == 0);
}

TEST_CASE("mapping quality: the fork spread over both cores leaves no core idle while work waits") {
  // relu on v0 and sig on v1 both run [0, 16); sig's 1024 B cross one hop (1 + 1 + 256 cycles)
  // and arrive at 274; the add on v0 runs [274, 290).
  const auto r = simulate(kTwoSimd64, "relu = v0\nsig = v1\nadd = v0\n");
  const auto& s = r.scenarios.at(0);
  CHECK(s.run.latency_cycles == 290);
  CHECK(s.run.idle_while_waiting_cycles == 0);
  CHECK(eesim::sim::idle_warnings(r).empty());
}

TEST_CASE("mapping quality: an idle core that cannot run the waiting layer does not count") {
  const auto r = simulate(kSimdAndSystolic, "* = v0\n");
  const auto& s = r.scenarios.at(0);
  CHECK(s.run.latency_cycles == 48);
  CHECK(s.run.idle_while_waiting_cycles == 0);
}

TEST_CASE("mapping quality: a core the op-type constraints forbid neither bounds nor idles") {
  // Relu, Sigmoid and Add allowed on v0 only (`--allow Relu=v0` ...): the bound is one core's
  // work, 3 x 16 = 48 cycles, and v1 idling while sig waits is what the user asked for.
  const auto w = fork_net();
  const auto arch = eesim::hw::load_architecture_text(kTwoSimd64, "chip");
  eesim::mapping::CoreConstraints only_v0;
  only_v0.cores_of_op = {{"Relu", {0}}, {"Sigmoid", {0}}, {"Add", {0}}};
  eesim::hw::CostCache cache(arch);
  const auto b = eesim::sim::layer_bounds(w, arch, cache, only_v0);
  CHECK(b.runs_on == std::vector<uint64_t>{1, 1, 1});
  CHECK(b.best_compute_cycles == std::vector<int64_t>{16, 16, 16});
  const auto g = eesim::mapping::build_cn_graph(w, {});
  const auto alloc = eesim::mapping::parse_allocation("* = v0\n", "map", w, arch);
  const auto r = eesim::sim::simulate(w, {{}, {}, 1.0, ""}, g, alloc, arch, cache,
                                      eesim::sim::ExitPolicy::kWait, only_v0);
  const auto& s = r.scenarios.at(0);
  CHECK(s.run.latency_cycles == 48);
  CHECK(s.run.idle_while_waiting_cycles == 0);  // 16 without the constraints (above)
  CHECK(s.lower_bound.cycles() == 48);          // 24 without
  CHECK(eesim::sim::idle_warnings(r).empty());
  // Sigmoid alone kept on v0: relu and add may use either core. The chip's bound, ceil(48 / 2)
  // = 24, beats v0's alone (sig's 16 cycles), so it stays 24.
  only_v0.cores_of_op = {{"Sigmoid", {0}}};
  const auto sig_on_v0 = eesim::sim::layer_bounds(w, arch, cache, only_v0);
  CHECK(sig_on_v0.runs_on == std::vector<uint64_t>{3, 1, 3});
  CHECK(eesim::sim::scenario_lower_bound(w, sig_on_v0, {1, 1, 1}, {}).work_cycles == 24);
}

TEST_CASE("mapping quality: two nodes waiting over the same idle window count once") {
  // x -> relu, sig, tanh (16 cycles each), all on v0 with v1 idle; Sum(a, b, c): 2 x 1024
  // operations = 32 cycles. relu [0, 16), sig waits [0, 16) and runs [16, 32), tanh waits
  // [0, 32) and runs [32, 48), the sum runs [48, 80): the waits' union is [0, 32).
  OnnxBuilder b;
  b.input("x", {1, 1, 16, 64});
  b.node("Relu", {"x"}, {"a"}, "relu");
  b.node("Sigmoid", {"x"}, {"b"}, "sig");
  b.node("Tanh", {"x"}, {"c"}, "tanh");
  b.node("Sum", {"a", "b", "c"}, {"y"}, "sum");
  b.output("y");
  const auto w = b.import_native();
  const auto arch = eesim::hw::load_architecture_text(kTwoSimd64, "chip");
  const auto g = eesim::mapping::build_cn_graph(w, {});
  const auto alloc = eesim::mapping::parse_allocation("* = v0\n", "map", w, arch);
  eesim::hw::CostCache cache(arch);
  const auto r = eesim::sim::simulate(w, {{}, {}, 1.0, ""}, g, alloc, arch, cache,
                                      eesim::sim::ExitPolicy::kWait);
  const auto& s = r.scenarios.at(0);
  CHECK(s.run.latency_cycles == 80);
  CHECK(s.run.idle_while_waiting_cycles == 32);
  CHECK(s.lower_bound.work_cycles == 40);  // ceil((3 x 16 + 32) / 2)
}

TEST_CASE("mapping quality: a stream counts idle-while-waiting over all its inputs") {
  // Two inputs of the fork back to back, all on v0, at most one in flight: each repeats the
  // single input's timeline (16 idle cycles while work waits) one after the other.
  const auto w = fork_net();
  const auto arch = eesim::hw::load_architecture_text(kTwoSimd64, "chip");
  const auto g = eesim::mapping::build_cn_graph(w, {});
  const auto alloc = eesim::mapping::parse_allocation("* = v0\n", "map", w, arch);
  eesim::hw::CostCache cache(arch);
  auto report = eesim::sim::simulate(w, {{}, {}, 1.0, ""}, g, alloc, arch, cache,
                                     eesim::sim::ExitPolicy::kWait);
  eesim::sim::StreamOptions o;
  o.inputs = 2;
  o.max_in_flight = 1;
  const auto s = eesim::sim::simulate_stream(w, g, std::move(report), arch, o);
  CHECK(s.makespan_cycles == 96);
  CHECK(s.run.idle_while_waiting_cycles == 32);
  // Throughput bound: 2 inputs / max(2 x 24 work, 2 x 3 DRAM) = 2 / 48 cycles at 1 GHz.
  CHECK(s.throughput_bound_per_s == doctest::Approx(2 / 48e-9));
}
