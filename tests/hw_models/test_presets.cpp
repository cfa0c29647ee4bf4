// The bundled presets read from examples/arch/: the same-size single core against the quad
// chip it is the same size as (issue 15: "quad vs the same-size single core" is one command).
#include <doctest/doctest.h>

#include <string>

#include "hw_models/arch_loader.h"
#include "hw_models/core_model.h"

namespace {

const std::string kArchDir = std::string(EESIM_SOURCE_ROOT) + "/examples/arch/";

struct Totals {
  int64_t peak_macs_per_cycle = 0, on_chip_bytes = 0, weight_capacity_bytes = 0;
  double static_power_mw = 0;
};

Totals totals(const eesim::hw::Architecture& a) {
  Totals t;
  for (const auto& c : a.cores) {
    const auto& m = eesim::hw::core_model(c);
    t.peak_macs_per_cycle += m.peak_macs_per_cycle(c);
    t.on_chip_bytes += m.on_chip_bytes(c);
    t.weight_capacity_bytes += m.weight_capacity_bytes(c);
    t.static_power_mw += c.static_power_mw;
  }
  return t;
}

}  // namespace

TEST_CASE("presets: single_edge_tpu is one core the size of quad_edge_tpu's four") {
  const auto single = eesim::hw::load_architecture_file(kArchDir + "single_edge_tpu.textproto");
  const auto quad = eesim::hw::load_architecture_file(kArchDir + "quad_edge_tpu.textproto");
  REQUIRE(single.cores.size() == 1);
  REQUIRE(quad.cores.size() == 4);
  const Totals s = totals(single), q = totals(quad);
  // Quad, per core: 2x2 PEs x 4 cores x 40 lanes = 640 MACs/cycle; 4 PEs x (2 MiB PE memory +
  // 4 x 112 KiB core memory) = 10,223,616 B on chip; 16 x 112 KiB = 1,835,008 B of parameter
  // cache. Single: 4x4 PEs, the same per PE, so four times each.
  CHECK(q.peak_macs_per_cycle == 4 * 640);
  CHECK(s.peak_macs_per_cycle == 2560);
  CHECK(q.on_chip_bytes == 4 * 10'223'616);
  CHECK(s.on_chip_bytes == 40'894'464);
  CHECK(q.weight_capacity_bytes == 4 * 1'835'008);
  CHECK(s.weight_capacity_bytes == 7'340'032);  // 7 MiB, Coral's parameter cache
  CHECK(s.static_power_mw == 500);
  CHECK(q.static_power_mw == 4 * 125);
  CHECK(single.clock_mhz == quad.clock_mhz);
  REQUIRE(single.drams.size() == 1);
  REQUIRE(quad.drams.size() == 1);
  CHECK(single.drams[0].bandwidth_bytes_per_cycle == 8);
  CHECK(quad.drams[0].bandwidth_bytes_per_cycle == 8);
}
