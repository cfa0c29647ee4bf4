// The allocator registry's bar (issue 14): an allocator defined in this one file, registered
// with one line, chosen by key=value text through the studies' parser and run end to end.
#include <doctest/doctest.h>

#include "hw_models/arch_loader.h"
#include "mapping/allocator.h"
#include "sim/studies/evaluate.h"
#include "sim/studies/options.h"
#include "tests/sim/two_simd.h"
#include "tests/workloads/onnx_builder.h"

namespace {

namespace mp = eesim::mapping;

// Every layer on the chip's last core.
class LastCore : public mp::Allocator {
 public:
  mp::Allocated allocate(const mp::AllocationProblem& p) const override {
    mp::Allocation a;
    a.core_of_layer.assign(p.workload.num_layers(), p.arch.cores.size() - 1);
    a.method = "last core";
    return {a, std::nullopt};
  }
};

const bool kRegistered = mp::register_allocator(
    "last_core", "", [](const std::string&) { return std::make_shared<const LastCore>(); });

// x [1,4,8,8] -> relu1 -> relu2: 256 elements of one byte each, no weights.
eesim::workloads::Workload two_relus() {
  eesim::testing::OnnxBuilder b;
  b.input("x", {1, 4, 8, 8});
  b.node("Relu", {"x"}, {"r1"}, "relu1");
  b.node("Relu", {"r1"}, {"r2"}, "relu2");
  b.output("r2");
  return b.import_native();
}

}  // namespace

TEST_CASE("registry: an allocator registered by one line in a test runs end to end") {
  REQUIRE(kRegistered);
  CHECK(mp::allocator_choices() == "file=PATH, heft, last_core, partition, pipeline or search");
  eesim::sim::Options o;
  eesim::sim::set_option(o, "alloc", "last_core");
  eesim::sim::set_option(o, "policy", "speculate");
  const auto w = two_relus();
  const auto arch = eesim::hw::load_architecture_text(eesim::testing::kTwoSimd16, "two_simd");
  eesim::hw::CostCache cache(arch);
  const auto e =
      eesim::sim::evaluate(w, eesim::workloads::make_exit_profile(w, {}), arch, cache, o.evaluate);
  CHECK(e.allocation.core_of_layer == std::vector<size_t>{1, 1});
  CHECK(e.allocation.method == "last core");
  CHECK_FALSE(e.search.has_value());
  REQUIRE(e.report.scenarios.size() == 1);
  const auto& run = e.report.scenarios[0].run;
  // relu1 on v1: 256 ops on 16 lanes, 16 cycles, overlapping its read of the 256-byte graph
  // input at the DRAM port's 8 B/cycle, 32 cycles: 32. relu2 reads relu1's output on the same
  // core (no transfer): 16 more. 32 + 16 = 48; core v0 does nothing.
  CHECK(run.latency_cycles == 48);
  CHECK(e.report.expected_latency_cycles == doctest::Approx(48.0));
  CHECK(e.report.expected_core_busy_cycles == std::vector<double>{0.0, 48.0});
}
