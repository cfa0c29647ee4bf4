#include "hw_models/noc.h"

#include <climits>

#include "common/checked_math.h"

namespace eesim::hw {

int64_t Noc::transfer_cycles(Node from, Node to, int64_t bytes) const {
  return checked_add(pipeline_cycles(from, to), hold_cycles(from, to, bytes), "NoC transfer");
}

double Noc::branch_energy_pj(Node from, Node to, const std::vector<Link>& branch,
                             int64_t bytes) const {
  if (branch.empty()) return 0;
  return energy_pj(from, to, bytes) - energy_pj(from, branch.front().from, bytes);
}

size_t nearest_dram(const Architecture& arch, size_t core_index) {
  return nearest_dram(arch, *make_noc(arch.noc), core_index);
}

size_t nearest_dram(const Architecture& arch, const Noc& noc, size_t core_index) {
  const auto& c = arch.cores.at(core_index);
  size_t best = 0;
  size_t best_hops = SIZE_MAX;
  for (size_t i = 0; i < arch.drams.size(); ++i) {
    const size_t h = noc.route({c.x, c.y}, {arch.drams[i].x, arch.drams[i].y}).size();
    if (h < best_hops) best = i, best_hops = h;
  }
  return best;
}

}  // namespace eesim::hw
