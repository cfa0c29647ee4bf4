// The SystemC engine on hand-computed cases: a two-layer chain on one core and on two cores
// with one transfer over the mesh.
#include <doctest/doctest.h>

#include <algorithm>

#include "hw_models/arch_loader.h"
#include "mapping/allocation.h"
#include "sim/engine/engine.h"
#include "tests/sim/two_simd.h"
#include "tests/workloads/onnx_builder.h"

using eesim::testing::OnnxBuilder;

namespace {

// Two 64-lane SIMD cores one hop apart; links 4 B/cycle, 1 + 1 cycles per hop; a fast DRAM.
const char* const kTwoSimd = eesim::testing::kTwoSimd64;  // tests/sim/two_simd.h

// x[1,1,16,64] -> relu -> sigmoid: 1024 element operations each, 16 cycles on 64 lanes.
eesim::workloads::Workload chain() {
  OnnxBuilder b;
  b.input("x", {1, 1, 16, 64});
  b.node("Relu", {"x"}, {"a"}, "relu");
  b.node("Sigmoid", {"a"}, {"y"}, "sig");
  b.output("y");
  return b.import_native();
}

eesim::sim::ScenarioRun run(const char* mapping, const std::string& chip = kTwoSimd) {
  const auto w = chain();
  const auto arch = eesim::hw::load_architecture_text(chip, "two_simd");
  const auto g = eesim::mapping::build_cn_graph(w, {});
  const auto alloc = eesim::mapping::parse_allocation(mapping, "map", w, arch);
  eesim::hw::CostCache cache(arch);
  const auto scenarios = eesim::sim::make_scenarios(w, {{}, {}, 1.0, ""});
  const auto plan = eesim::sim::make_plan(w, g, alloc, arch, cache, scenarios.at(0),
                                          eesim::sim::ExitPolicy::kWait);
  return eesim::sim::run_plan(plan, arch);
}

}  // namespace

TEST_CASE("engine: a two-layer chain on one core takes 16 + 16 = 32 cycles") {
  const auto r = run("* = v0\n");
  CHECK(r.latency_cycles == 32);  // the input's 1024 B from DRAM (2 cycles) overlap compute
  CHECK(r.core_busy_cycles == std::vector<int64_t>{32, 0});
  CHECK(r.noc_bytes == 0);
  CHECK(r.dram_bytes == 1024);
  // relu (plan node 0) books the port for the input: ceil(1024 / 1000) = 2 cycles from 0.
  CHECK(r.dram == std::vector<eesim::sim::DramAccess>{{0, 0, 0, 2, 1024, false}});
  CHECK(r.static_energy_pj == doctest::Approx((1 + 2) * 32.0));  // mW x ns
}

TEST_CASE("engine: the chain split over two cores waits for one 1024 B transfer (290 cycles)") {
  // relu on v0 ends at 16; 1024 B over one hop: 1 + 1 + ceil(1024 / 4) = 258 cycles, arriving
  // at 274; sigmoid on v1 ends at 290.
  const auto r = run("relu = v0\nsig = v1\n");
  CHECK(r.latency_cycles == 290);
  REQUIRE(r.nodes.size() == 2);
  CHECK(r.nodes[0].start == 0);
  CHECK(r.nodes[0].end == 16);
  CHECK(r.nodes[1].start == 274);
  CHECK(r.nodes[1].end == 290);
  CHECK(r.noc_bytes == 1024);
  CHECK(r.noc_energy_pj == doctest::Approx(1024 * 0.8));
  // Dynamic: 2 x (1024 ops x 0.03 pJ + 2048 words x 2.5 pJ) + 1024 input bytes x 162.5 pJ.
  CHECK(r.dynamic_energy_pj == doctest::Approx(2 * (1024 * 0.03 + 2048 * 2.5) + 1024 * 162.5));
  CHECK(r.static_energy_pj == doctest::Approx(3 * 290.0));
  // relu's 1024 B band stays on v0 until sigmoid has read it, and is buffered on v1 from the
  // send (cycle 16) until sigmoid ends (290).
  CHECK(r.core_peak_memory_bytes == std::vector<int64_t>{1024, 1024});
  CHECK(r.memory == std::vector<eesim::sim::MemorySample>{
                        {16, 0, 1024}, {16, 1, 1024}, {290, 0, 0}, {290, 1, 0}});
  CHECK(r == run("relu = v0\nsig = v1\n"));  // deterministic
}

TEST_CASE("engine: a band larger than its core's free memory spills the excess to DRAM and back") {
  // v0 holds 600 B; relu's 1024 B band does not fit: 424 B go to DRAM and come back.
  std::string chip = kTwoSimd;
  chip.replace(chip.find("memory_bytes: 1000000"), 21, "memory_bytes: 600");
  const auto r = run("* = v0\n", chip);
  CHECK(r.spilled_bytes == 424);
  CHECK(r.core_peak_memory_bytes[0] == 600);
  CHECK(r.memory.back().bytes == 0);
  CHECK(r.latency_cycles == 32);  // the spill occupies the DRAM port, not the core
  // The port, one booking at a time. In 600 B each layer streams its 1024 B tile in and out
  // (the SIMD model), relu reads the graph input too: relu's 3072 B over ceil(3072 / 1000) = 4
  // cycles from 0; at 16 relu's band is written and 424 B spill, out and back: 848 B, 1 cycle;
  // sigmoid starts at 16 and its 2048 B wait for the port: [17, 20), within its 16 cycles.
  CHECK(r.dram == std::vector<eesim::sim::DramAccess>{{0, 0, 0, 4, 3072, false},
                                                      {0, 0, 16, 1, 848, true},
                                                      {1, 0, 17, 3, 2048, false}});
}

TEST_CASE(
    "engine: two transfers sharing a link: the second starts exactly one serialisation later") {
  // x -> relu (v0) and x -> sigmoid (v1) both end at 16, then both send 1024 B to add on v2.
  // Routes (0,0)->(1,0)->(2,0) and (1,0)->(2,0) share (1,0)->(2,0): ceil(1024 / 4) = 256 cycles.
  const char* chip = R"(
    name: "three" clock_mhz: 1000
    noc { width: 3 height: 1 link_bytes_per_cycle: 4 router_cycles: 1 link_cycles: 1 }
    core { name: "v0" x: 0 y: 0 static_power_mw: 0 simd { lanes: 64 memory_bytes: 1000000 } }
    core { name: "v1" x: 1 y: 0 static_power_mw: 0 simd { lanes: 64 memory_bytes: 1000000 } }
    core { name: "v2" x: 2 y: 0 static_power_mw: 0 simd { lanes: 64 memory_bytes: 1000000 } }
    dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 1000 })";
  OnnxBuilder b;
  b.input("x", {1, 1, 16, 64});
  b.node("Relu", {"x"}, {"a"}, "relu");
  b.node("Sigmoid", {"x"}, {"s"}, "sig");
  b.node("Add", {"a", "s"}, {"y"}, "add");
  b.output("y");
  const auto w = b.import_native();
  const auto arch = eesim::hw::load_architecture_text(chip, "three");
  const auto g = eesim::mapping::build_cn_graph(w, {});
  const auto alloc =
      eesim::mapping::parse_allocation("relu = v0\nsig = v1\nadd = v2\n", "m", w, arch);
  eesim::hw::CostCache cache(arch);
  const auto s = eesim::sim::make_scenarios(w, {{}, {}, 1.0, ""});
  const auto r = eesim::sim::run_plan(
      eesim::sim::make_plan(w, g, alloc, arch, cache, s.at(0), eesim::sim::ExitPolicy::kWait),
      arch);
  REQUIRE(r.transfers.size() == 2);
  auto t = r.transfers;
  std::sort(t.begin(), t.end(), [](const auto& x, const auto& y) { return x.start < y.start; });
  CHECK(t[0].start == 16);
  CHECK(t[1].start == 16 + 256);
  const int64_t hops1 = static_cast<int64_t>(t[1].route.size());
  CHECK(r.latency_cycles == 16 + 256 + 2 * hops1 + 256 + 16);  // add waits for the later one
}
