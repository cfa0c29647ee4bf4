// Regression tests for what fuzz_evaluate found (tests/fuzz/README.md): each input, reduced to
// the smallest model that shows it, gets the evaluation it used to fail.
#include <doctest/doctest.h>

#include <string>

#include "hw_models/arch_loader.h"
#include "sim/plan/scenarios.h"
#include "sim/studies/evaluate.h"
#include "sim/studies/stream.h"
#include "tests/sim/two_simd.h"
#include "tests/workloads/exit_nets.h"

using eesim::testing::OnnxBuilder;

namespace {

namespace wl = eesim::workloads;

// The two-exit chain of exit_nets.h (conv1 relu1 conv2 relu2 conv3, exit A at relu1, exit B at
// relu2), except that the backbone scales relu2 by exit A's pooled features before conv3 (a
// squeeze-and-excitation step): exit A's GlobalAveragePool is on the backbone too, and it reads
// relu1, which is behind exit B's branch point. The fuzzer's input did the same by giving the
// final Gemm exit 1's pooled features as a fourth input.
wl::Workload backbone_reads_exit_a() {
  OnnxBuilder b;
  b.input("x", {1, 4, 8, 8});
  for (const char* w : {"w1", "w2", "w3"}) b.weight(w, {4, 4, 3, 3});
  for (const char* w : {"fa", "fb", "ff"}) b.weight(w, {10, 4});
  const auto conv = [&](const char* in, const char* w, const char* out, const char* name) {
    eesim::testing::set_ints(b.node("Conv", {in, w}, {out}, name), "pads", {1, 1, 1, 1});
  };
  conv("x", "w1", "c1", "conv1");
  b.node("Relu", {"c1"}, {"r1"}, "relu1");
  conv("r1", "w2", "c2", "conv2");
  b.node("Relu", {"c2"}, {"r2"}, "relu2");
  b.node("Mul", {"r2", "a_gap"}, {"se"}, "se");  // [1,4,8,8] x [1,4,1,1]
  conv("se", "w3", "c3", "conv3");
  eesim::testing::head(b.graph(), "c3", "ff", "final", "final");
  eesim::testing::head(b.graph(), "r2", "fb", "exitB", "b");
  eesim::testing::head(b.graph(), "r1", "fa", "exitA", "a");
  b.output("final").output("exitA").output("exitB");
  return b.import_native();
}

eesim::sim::Report evaluate_on_two_simd(const wl::Workload& w, const wl::ExitProfile& p,
                                        const eesim::sim::EvaluateOptions& o) {
  const auto arch = eesim::hw::load_architecture_text(eesim::testing::kTwoSimd16, "two_simd");
  eesim::hw::CostCache cache(arch);
  return eesim::sim::evaluate(w, p, arch, cache, o).report;
}

}  // namespace

TEST_CASE("wait gates: a layer a shallower exit's decision needs never waits for a deeper exit") {
  // Exit A's decision needs a/gap; exit B's decision needs conv2, which waits for exit A's. Had
  // a/gap waited for exit B's decision too (it reads relu1, behind B's branch point), the
  // scenario reaching exit B would never end: the watchdog's "cannot make progress".
  const auto w = backbone_reads_exit_a();
  REQUIRE(w.exits.size() == 2);
  REQUIRE(w.layer(w.exits[0].branch_point).name == "a/gap");
  const auto gates = eesim::sim::wait_gates(w);
  REQUIRE(gates.size() == 2);
  REQUIRE(gates[0].gated.size() == 2);
  CHECK(w.layer(gates[0].gated[0]).name == "conv2");
  CHECK(w.layer(gates[0].gated[1]).name == "se");
  REQUIRE(gates[1].gated.size() == 1);
  CHECK(w.layer(gates[1].gated[0]).name == "se");

  const wl::ExitProfile p{{"exitA", "exitB"}, {0.2, 0.3}, 0.5, "test"};
  const auto r = evaluate_on_two_simd(w, p, {});
  REQUIRE(r.scenarios.size() == 3);
  for (const auto& s : r.scenarios) CHECK(s.run.latency_cycles > 0);
  // Each later scenario runs everything the earlier one ran, and more.
  CHECK(r.scenarios[0].run.latency_cycles < r.scenarios[1].run.latency_cycles);
  CHECK(r.scenarios[1].run.latency_cycles < r.scenarios[2].run.latency_cycles);
}

TEST_CASE("import: a shape whose element count passes 64 bits is refused, not wrapped") {
  // 1*3*8*(2^31-1) = 51539607528 elements is within 2^40; times another 2^31-1 is about 1.1e20,
  // past 64 bits. Multiplied before it was compared, the count wrapped to a negative number and
  // the shape passed the 2^40 limit (UBSan: signed integer overflow in check_shape).
  OnnxBuilder b;
  b.input("x", {1, 3, 8, 2147483647, 2147483647});
  b.node("Relu", {"x"}, {"y"}, "relu");
  b.output("y");
  CHECK_THROWS_WITH_AS(b.import(),
                       "test.onnx: graph input 'x' has shape [1,3,8,2147483647,2147483647]: more "
                       "than 1099511627776 elements (no edge chip holds that)",
                       eesim::Error);
}

namespace {

// One 1-lane SIMD core whose 1-byte memory sends every operand to a DRAM port of `bandwidth`
// bytes per cycle: a few thousand bytes take ~10^15 cycles, so small layers reach the 2^53-cycle
// limit (as tests/mapping/test_allocation.cpp's "slow" chip does).
eesim::hw::Architecture slow_chip(const std::string& bandwidth) {
  return eesim::hw::load_architecture_text(R"(
    name: "slow" clock_mhz: 1000 noc { width: 1 height: 1 link_bytes_per_cycle: 4 }
    core { name: "v0" x: 0 y: 0 static_power_mw: 1 simd { lanes: 1 memory_bytes: 1 } }
    dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: )" +
                                               bandwidth + " }",
                                           "slow.textproto");
}

// x [1,1,1,1000] -> relu1 -> relu2 (the final output "y"), or x -> relu -> y alone.
wl::Workload relus(bool two) {
  OnnxBuilder b;
  b.input("x", {1, 1, 1, 1000});
  if (two) {
    b.node("Relu", {"x"}, {"a"}, "relu1");
    b.node("Relu", {"a"}, {"y"}, "relu2");
  } else {
    b.node("Relu", {"x"}, {"y"}, "relu");
  }
  b.output("y");
  return b.import_native();
}

// The message of the eesim::Error `run` throws ("" when it throws none).
template <typename Run>
std::string error_of(Run run) {
  try {
    run();
  } catch (const eesim::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("limits: a tile beyond 2^53 cycles names the model and the layer, then chip and core") {
  // relu1's 1000 + 1000 bytes through a 2e-13 bytes/cycle port take 1e16 cycles. The cost
  // model sees only the tile; its error used to name the chip and core alone, so a user of
  // `eesim run` could not tell which layer of which model was absurd. HEFT asks first (through
  // layer_cycles), a given mapping first asks in the plan: both name the layer now.
  const auto w = relus(true);
  const auto arch = slow_chip("2e-13");
  const std::string expected =
      "test.onnx: layer 'relu1' (Relu): slow.textproto: core 'v0' (simd): a tile's DRAM time, "
      "2000 bytes at dram 'd' of 2e-13 bytes/cycle, is beyond the 2^53 cycles eesim simulates (an "
      "absurd layer or chip)";
  eesim::sim::EvaluateOptions heft;
  eesim::sim::EvaluateOptions given;
  given.allocator = eesim::mapping::given_allocator({{0, 0}, "given"});
  for (const auto& o : {heft, given}) {
    eesim::hw::CostCache cache(arch);
    CHECK_THROWS_WITH_AS(eesim::sim::evaluate(w, wl::make_exit_profile(w, {}), arch, cache, o),
                         expected.c_str(), eesim::Error);
  }
}

TEST_CASE("limits: a scenario whose layers add up past 2^53 cycles names the model") {
  // Each Relu alone is within the limit (its 1000 + 1000 bytes at 4e-13 bytes/cycle take 5e15
  // cycles), both in a row are not: the engine's watchdog stops the run, and the error
  // now starts with the model, as every error about it does.
  const auto w = relus(true);
  const auto arch = slow_chip("4e-13");
  eesim::hw::CostCache cache(arch);
  const std::string message = error_of(
      [&] { (void)eesim::sim::evaluate(w, wl::make_exit_profile(w, {}), arch, cache, {}); });
  INFO(message);
  CHECK(
      message.starts_with("test.onnx: scenario 'y': simulation cannot make progress: simulated "
                          "time would pass 2^53 cycles"));
}

TEST_CASE("limits: a stream whose inputs together pass 2^53 cycles names the model and layer") {
  // Found by fuzz_evaluate: one input of a Relu fits (5e15 cycles), two back to back do not. The
  // stream used to pass the watchdog's report on as it was: no model, nodes as "plan node 0 (layer
  // 0, CN 0)", waiting "for data that never arrived".
  const auto w = relus(false);
  const auto arch = slow_chip("4e-13");
  eesim::hw::CostCache cache(arch);
  const auto e = eesim::sim::evaluate(w, wl::make_exit_profile(w, {}), arch, cache, {});
  eesim::sim::StreamOptions o;
  o.inputs = 2;
  const std::string message =
      error_of([&] { (void)eesim::sim::simulate_stream(w, e.graph, e.report, arch, o); });
  INFO(message);
  CHECK(
      message.starts_with("test.onnx: stream of 2 inputs: simulation cannot make progress: "
                          "simulated time would pass 2^53 cycles at cycle "));
  CHECK(message.find("CN 'relu' rows 0-0 (band 0) on core 'v0'") != std::string::npos);
  CHECK(message.find("plan node") == std::string::npos);
}
