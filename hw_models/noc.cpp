#include "hw_models/noc.h"

#include <cmath>
#include <cstdlib>

#include "common/checked_math.h"

namespace eesim::hw {

int64_t hops(Node a, Node b) { return std::llabs(a.x - b.x) + std::llabs(a.y - b.y); }

std::vector<Link> xy_route(Node a, Node b) {
  std::vector<Link> route;
  Node at = a;
  while (at.x != b.x) {
    Node next{at.x + (b.x > at.x ? 1 : -1), at.y};
    route.push_back({at, next});
    at = next;
  }
  while (at.y != b.y) {
    Node next{at.x, at.y + (b.y > at.y ? 1 : -1)};
    route.push_back({at, next});
    at = next;
  }
  return route;
}

int64_t transfer_cycles(const NocSpec& noc, int64_t hop_count, int64_t bytes) {
  if (hop_count == 0 || bytes == 0) return 0;
  const int64_t serial =
      checked_ceil_cycles(static_cast<double>(bytes) / noc.link_bytes_per_cycle, "NoC transfer");
  return checked_add(checked_mul(hop_count, noc.router_cycles + noc.link_cycles, "NoC transfer"),
                     serial, "NoC transfer");
}

double transfer_energy_pj(const NocSpec& noc, int64_t hop_count, int64_t bytes) {
  return static_cast<double>(bytes) * static_cast<double>(hop_count) * noc.energy_pj_per_byte_hop;
}

int64_t dram_cycles(const DramSpec& dram, int64_t bytes) {
  return checked_ceil_cycles(static_cast<double>(bytes) / dram.bandwidth_bytes_per_cycle,
                             "DRAM transfer");
}

double dram_energy_pj(const DramSpec& dram, int64_t bytes) {
  return static_cast<double>(bytes) * dram.energy_pj_per_byte;
}

size_t nearest_dram(const Architecture& arch, size_t core_index) {
  const auto& c = arch.cores.at(core_index);
  size_t best = 0;
  int64_t best_hops = INT64_MAX;
  for (size_t i = 0; i < arch.drams.size(); ++i) {
    const int64_t h = hops({c.x, c.y}, {arch.drams[i].x, arch.drams[i].y});
    if (h < best_hops) best = i, best_hops = h;
  }
  return best;
}

}  // namespace eesim::hw
