// A core kind added the way README.md says: its parameter message (dummy_core.proto, an
// extension of arch.proto's Core), this one file with its model, and one registration line. It
// loads from text, is validated from its options, prints, and runs end to end through
// sim::evaluate with hand-computed latency and energy.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>
#include <string>

#include "common/checked_math.h"
#include "common/error.h"
#include "dummy_core.pb.h"
#include "hw_models/arch_loader.h"
#include "hw_models/core_model.h"
#include "sim/studies/evaluate.h"
#include "tests/workloads/onnx_builder.h"

namespace eesim::test {
namespace {

// Every tile takes ceil(work / lanes) cycles at pj_per_op per operation; no buffers, no DRAM.
class DummyModel : public hw::CoreModel {
 public:
  std::string kind() const override { return "dummy"; }
  int64_t peak_macs_per_cycle(const hw::CoreSpec& core) const override {
    return hw::params_of<Dummy>(core).lanes();
  }
  int64_t weight_capacity_bytes(const hw::CoreSpec&) const override { return 0; }
  int64_t on_chip_bytes(const hw::CoreSpec&) const override { return 1 << 20; }
  int64_t word_bytes(const hw::CoreSpec&) const override { return 1; }
  hw::Cost cost(const hw::CoreSpec& core, const hw::TileShape& t) const override {
    const Dummy& p = hw::params_of<Dummy>(core);
    hw::Cost c;
    c.peak_ops_per_cycle = p.lanes();
    if (t.cls == hw::TileClass::kGemm)
      c.macs = t.macs();
    else
      c.ops = t.vector_ops;
    c.compute_cycles = ceil_div(c.macs + c.ops, p.lanes());
    c.energy.compute = static_cast<double>(c.macs + c.ops) * p.pj_per_op();
    return c;
  }
};

}  // namespace

const hw::CoreModel& dummy_model() {
  static const DummyModel model;
  return model;
}

EESIM_REGISTER_CORE_KIND(dummy_model);  // the one registration line

namespace {

// One dummy core of 64 lanes at 0.25 pJ per operation and 3 mW; a DRAM port of 1000 B/cycle at
// 2 pJ per byte; 1 GHz, so a cycle is 1 ns.
const std::string kChip = R"(name: "dummy_chip" clock_mhz: 1000
noc { width: 1 height: 1 link_bytes_per_cycle: 4 }
core { name: "d0" x: 0 y: 0 static_power_mw: 3
  [eesim.test.dummy] { lanes: 64 pj_per_op: 0.25 } }
dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 1000 energy_pj_per_byte: 2 }
)";

std::string error_of(const std::string& text) {
  try {
    hw::load_architecture_text(text, "dummy.textproto");
  } catch (const Error& e) {
    return e.what();
  }
  return "(loaded)";
}

std::string with(const std::string& from, const std::string& to) {
  std::string text = kChip;
  text.replace(text.find(from), from.size(), to);
  return text;
}

}  // namespace

TEST_CASE("dummy core kind: loads from text, prints its parameters and is registered") {
  const hw::Architecture a = hw::load_architecture_text(kChip, "dummy.textproto");
  REQUIRE(a.cores.size() == 1);
  CHECK(a.cores[0].kind() == "dummy");
  std::ostringstream os;
  os << a.cores[0];
  CHECK(os.str() == "core d0 (dummy) at (0,0) static_power_mw=3 lanes=64 pj_per_op=0.25");
  CHECK(hw::core_model(a.cores[0]).peak_macs_per_cycle(a.cores[0]) == 64);
  const auto kinds = hw::core_model_kinds();
  CHECK(std::find(kinds.begin(), kinds.end(), "dummy") != kinds.end());
  // Parameters compare field by field, defaults included.
  CHECK(hw::load_architecture_text(with("pj_per_op: 0.25 ", ""), "x").cores[0] == a.cores[0]);
  CHECK_FALSE(hw::load_architecture_text(with("lanes: 64", "lanes: 32"), "x").cores[0] ==
              a.cores[0]);
}

TEST_CASE("dummy core kind: its bounds and required keys are checked from its options") {
  CHECK(error_of(with("lanes: 64", "lanes: 0")) ==
        "dummy.textproto:4: core[0] (name 'd0') dummy.lanes: must be > 0, got 0");
  CHECK(error_of(with("pj_per_op: 0.25", "pj_per_op: -1")) ==
        "dummy.textproto:4: core[0] (name 'd0') dummy.pj_per_op: must be >= 0, got -1");
  CHECK(error_of(with("pj_per_op: 0.25", "pj_per_op: inf")) ==
        "dummy.textproto:4: core[0] (name 'd0') dummy.pj_per_op: must be a finite number, got inf");
  CHECK(error_of(with("lanes: 64 ", "")) ==
        "dummy.textproto:4: core[0] (name 'd0') dummy: missing required key 'lanes'");
  CHECK(error_of(
            with("[eesim.test.dummy]", "simd { lanes: 1 memory_bytes: 1 } [eesim.test.dummy]")) ==
        "dummy.textproto:4: core[0] (name 'd0') dummy: a core has one kind, and this one is also "
        "given simd");
}

TEST_CASE("core kinds: an unknown kind is an error listing the registered ones") {
  CHECK_THROWS_WITH_AS(hw::core_model("vector"),
                       "no cost model registered for core kind 'vector'; registered: dummy, "
                       "edge_tpu, simd, spatial_array, systolic",
                       Error);
}

TEST_CASE("dummy core kind: relu then sigmoid on 1024 elements, end to end through evaluate") {
  // x[1,1,16,64] -> Relu -> Sigmoid: 1024 operations each, ceil(1024 / 64) = 16 cycles each on
  // the one core, so 32 cycles (the input's 1024 B arrive from DRAM in 2 cycles, overlapped).
  testing::OnnxBuilder b;
  b.input("x", {1, 1, 16, 64});
  b.node("Relu", {"x"}, {"a"}, "relu");
  b.node("Sigmoid", {"a"}, {"y"}, "sig");
  b.output("y");
  const workloads::Workload w = b.import_native();
  const hw::Architecture arch = hw::load_architecture_text(kChip, "dummy.textproto");
  hw::CostCache cache(arch);
  const sim::Report r = sim::evaluate(w, {{}, {}, 1.0, ""}, arch, cache, {}).report;
  REQUIRE(r.scenarios.size() == 1);
  CHECK(r.expected_latency_cycles == 32);
  // Energy: 2048 operations x 0.25 pJ = 512 pJ; the input's 1024 B x 2 pJ = 2048 pJ from DRAM;
  // 3 mW for 32 ns = 96 pJ static. Nothing crosses the (one-node) mesh.
  const auto& run = r.scenarios[0].run;
  CHECK(run.dynamic_energy_pj == doctest::Approx(512 + 2048));
  CHECK(run.static_energy_pj == doctest::Approx(96));
  CHECK(run.noc_energy_pj == 0);
  CHECK(r.expected_energy_pj == doctest::Approx(512 + 2048 + 96));
}

}  // namespace eesim::test
