// The NoC interface: the XY mesh's routes and figures by hand, the registry's errors, and the
// architecture file's `noc.kind`.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "common/error.h"
#include "hw_models/arch_loader.h"
#include "hw_models/noc.h"

namespace {

using namespace eesim::hw;

// 32 B/cycle links, 2 + 1 cycles per hop, 0.8 pJ per byte-hop.
std::unique_ptr<Noc> mesh() {
  NocSpec spec;
  spec.width = 3, spec.height = 2;
  spec.link_bytes_per_cycle = 32, spec.router_cycles = 2, spec.link_cycles = 1;
  spec.energy_pj_per_byte_hop = 0.8;
  return make_noc(spec);
}

const char* const kChip = R"(name: "c" clock_mhz: 1000
noc { width: 2 height: 1 link_bytes_per_cycle: 4 KIND }
core { name: "v0" x: 0 y: 0 static_power_mw: 0 simd { lanes: 4 memory_bytes: 64 } }
dram { name: "d" x: 1 y: 0 bandwidth_bytes_per_cycle: 8 }
)";

std::string chip(const std::string& kind) {
  std::string s = kChip;
  return s.replace(s.find("KIND"), 4, kind);
}

}  // namespace

TEST_CASE("noc xy_mesh: (0,0)->(2,1) goes along x then y, 3 hops") {
  const auto route = mesh()->route({0, 0}, {2, 1});
  REQUIRE(route.size() == 3);
  CHECK(route[0] == Link{{0, 0}, {1, 0}});
  CHECK(route[1] == Link{{1, 0}, {2, 0}});
  CHECK(route[2] == Link{{2, 0}, {2, 1}});
  const auto back = mesh()->route({2, 1}, {0, 0});
  REQUIRE(back.size() == 3);
  CHECK(back[0] == Link{{2, 1}, {1, 1}});
  CHECK(back[2] == Link{{0, 1}, {0, 0}});
}

TEST_CASE("noc xy_mesh: 100 B over 3 hops: 3 * (2 + 1) = 9 pipeline + ceil(100 / 32) = 4 hold") {
  const auto noc = mesh();
  CHECK(noc->pipeline_cycles({0, 0}, {2, 1}) == 9);
  CHECK(noc->hold_cycles({0, 0}, {2, 1}, 100) == 4);
  CHECK(noc->transfer_cycles({0, 0}, {2, 1}, 100) == 13);
  CHECK(noc->energy_pj({0, 0}, {2, 1}, 100) == doctest::Approx(240.0));  // 100 B x 3 x 0.8
  CHECK(noc->neighbour_transfer_cycles(100) == 3 + 4);
}

TEST_CASE("noc xy_mesh: a gate (0 B) pays the pipeline only; a same-node transfer costs nothing") {
  const auto noc = mesh();
  CHECK(noc->hold_cycles({0, 0}, {1, 0}, 0) == 0);
  CHECK(noc->pipeline_cycles({0, 0}, {1, 0}) == 3);
  CHECK(noc->neighbour_transfer_cycles(0) == 0);
  CHECK(noc->route({1, 1}, {1, 1}).empty());
  CHECK(noc->pipeline_cycles({1, 1}, {1, 1}) == 0);
  CHECK(noc->hold_cycles({1, 1}, {1, 1}, 100) == 0);
  CHECK(noc->energy_pj({1, 1}, {1, 1}, 100) == 0.0);
}

TEST_CASE("noc registry: an unknown kind is an error listing the registered kinds") {
  NocSpec spec;
  spec.kind = "ring";
  CHECK_THROWS_WITH_AS(make_noc(spec), doctest::Contains("unknown NoC kind 'ring' (registered: "),
                       eesim::Error);
  const auto kinds = noc_kinds();
  CHECK(std::find(kinds.begin(), kinds.end(), "xy_mesh") != kinds.end());
  CHECK_THROWS_AS(register_noc("xy_mesh", nullptr), eesim::Error);  // a kind is taken once
}

TEST_CASE("arch loader: noc.kind defaults to xy_mesh; an unknown one names line, key and choices") {
  CHECK(load_architecture_text(chip(""), "chip.textproto").noc.kind == "xy_mesh");
  CHECK(load_architecture_text(chip("kind: \"xy_mesh\""), "chip.textproto").noc.kind == "xy_mesh");
  std::string message;
  try {
    load_architecture_text(chip("kind: \"ring\""), "chip.textproto");
  } catch (const eesim::Error& e) {
    message = e.what();
  }
  CHECK(message.rfind("chip.textproto:2: noc.kind: unknown NoC kind 'ring' (registered: ", 0) == 0);
  CHECK(message.find("xy_mesh") != std::string::npos);
}

TEST_CASE("nearest dram: fewest hops over the NoC; ties go to the first listed") {
  Architecture a;
  a.noc.width = 4, a.noc.link_bytes_per_cycle = 1;
  a.cores.push_back(CoreSpec{"c", 1, 0, 0, "simd", nullptr});  // only its node matters
  a.drams.push_back(DramSpec{"far", 3, 0, 1, 1});
  a.drams.push_back(DramSpec{"tie0", 0, 0, 1, 1});
  a.drams.push_back(DramSpec{"tie1", 2, 0, 1, 1});
  CHECK(nearest_dram(a, 0) == 1);
}
