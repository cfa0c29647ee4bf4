// A NoC is one file plus one registration line: a dummy crossbar (every pair of nodes one
// dedicated link apart) defined and registered here only, picked by an architecture file's
// `noc.kind` and run end to end through sim::evaluate.
#include <doctest/doctest.h>

#include <cmath>

#include "hw_models/arch_loader.h"
#include "hw_models/noc.h"
#include "mapping/allocator.h"
#include "sim/studies/evaluate.h"
#include "tests/workloads/onnx_builder.h"

namespace {

// One hop between any two distinct nodes: router + link cycles of pipeline, ceil(B / width) of
// hold on the pair's own link, B * energy_pj_per_byte_hop.
class Crossbar : public eesim::hw::Noc {
 public:
  explicit Crossbar(const eesim::hw::NocSpec& spec) : spec_(spec) {}
  std::vector<eesim::hw::Link> route(eesim::hw::Node from, eesim::hw::Node to) const override {
    if (from == to) return {};
    return {{from, to}};
  }
  int64_t pipeline_cycles(eesim::hw::Node from, eesim::hw::Node to) const override {
    return from == to ? 0 : spec_.router_cycles + spec_.link_cycles;
  }
  int64_t hold_cycles(eesim::hw::Node from, eesim::hw::Node to, int64_t bytes) const override {
    if (from == to) return 0;
    return static_cast<int64_t>(std::ceil(static_cast<double>(bytes) / spec_.link_bytes_per_cycle));
  }
  double energy_pj(eesim::hw::Node from, eesim::hw::Node to, int64_t bytes) const override {
    return from == to ? 0.0 : static_cast<double>(bytes) * spec_.energy_pj_per_byte_hop;
  }
  int64_t neighbour_transfer_cycles(int64_t bytes) const override {
    return bytes == 0 ? 0 : transfer_cycles({0, 0}, {1, 0}, bytes);
  }

 private:
  eesim::hw::NocSpec spec_;
};

std::unique_ptr<eesim::hw::Noc> make_crossbar(const eesim::hw::NocSpec& s) {
  return std::make_unique<Crossbar>(s);
}

const bool kCrossbarRegistered = eesim::hw::register_noc("crossbar", &make_crossbar);

// Three 64-lane SIMD cores in a row; links 4 B/cycle, 1 + 1 cycles per hop, 0.5 pJ per
// byte-hop; a fast DRAM. KIND is the NoC's kind line.
const char* const kThreeSimd = R"(
name: "three_simd" clock_mhz: 1000
noc { width: 3 height: 1 link_bytes_per_cycle: 4 router_cycles: 1 link_cycles: 1
      energy_pj_per_byte_hop: 0.5 KIND }
core { name: "v0" x: 0 y: 0 static_power_mw: 0 simd { lanes: 64 memory_bytes: 1000000 } }
core { name: "v1" x: 1 y: 0 static_power_mw: 0 simd { lanes: 64 memory_bytes: 1000000 } }
core { name: "v2" x: 2 y: 0 static_power_mw: 0 simd { lanes: 64 memory_bytes: 1000000 } }
dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 1000 }
)";

// x[1,1,16,64] -> relu on v0 -> sigmoid on v2: 16 cycles each on 64 lanes, 1024 B between.
eesim::sim::Evaluation run_on(const std::string& kind_line) {
  std::string text = kThreeSimd;
  text.replace(text.find("KIND"), 4, kind_line);
  const auto arch = eesim::hw::load_architecture_text(text, "three_simd");
  eesim::testing::OnnxBuilder b;
  b.input("x", {1, 1, 16, 64});
  b.node("Relu", {"x"}, {"a"}, "relu");
  b.node("Sigmoid", {"a"}, {"y"}, "sig");
  b.output("y");
  const auto w = b.import_native();
  eesim::sim::EvaluateOptions o;
  o.allocator = eesim::mapping::given_allocator(
      eesim::mapping::parse_allocation("relu = v0\nsig = v2\n", "map", w, arch));
  eesim::hw::CostCache cache(arch);
  return eesim::sim::evaluate(w, {{}, {}, 1.0, ""}, arch, cache, o);
}

}  // namespace

TEST_CASE("dummy noc: a crossbar named in the architecture file crosses v0 -> v2 in one hop") {
  REQUIRE(kCrossbarRegistered);
  const auto e = run_on("kind: \"crossbar\"");
  REQUIRE(e.report.scenarios.size() == 1);
  const auto& run = e.report.scenarios[0].run;
  // relu ends at 16; 1024 B: 1 hop of 1 + 1 cycles plus ceil(1024 / 4) = 256 of hold, arriving
  // at 274; sigmoid ends at 290.
  CHECK(run.latency_cycles == 290);
  REQUIRE(run.transfers.size() == 1);
  CHECK(run.transfers[0].route ==
        std::vector<eesim::hw::Link>{{{0, 0}, {2, 0}}});  // the pair's own link
  CHECK(run.transfers[0].start == 16);
  CHECK(run.transfers[0].hold_cycles == 256);
  CHECK(run.transfers[0].arrive == 274);
  CHECK(run.noc_energy_pj == doctest::Approx(1024 * 0.5));
  REQUIRE(e.report.links.size() == 1);
  CHECK(e.report.links[0].expected_busy_cycles == doctest::Approx(256.0));
}

TEST_CASE("dummy noc: the same chip on the default XY mesh takes two hops: 292 cycles") {
  const auto e = run_on("");
  const auto& run = e.report.scenarios.at(0).run;
  // 2 hops of 1 + 1 cycles plus 256 of hold on both links: arriving at 16 + 4 + 256 = 276.
  CHECK(run.latency_cycles == 292);
  REQUIRE(run.transfers.size() == 1);
  CHECK(run.transfers[0].route.size() == 2);
  CHECK(run.transfers[0].hold_cycles == 256);
  CHECK(run.noc_energy_pj == doctest::Approx(1024 * 2 * 0.5));
  CHECK(e.report.links.size() == 2);
}
