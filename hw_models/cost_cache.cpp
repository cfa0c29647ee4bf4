#include "hw_models/cost_cache.h"

#include "hw_models/core_model.h"
#include "hw_models/noc.h"

namespace eesim::hw {

Cost tile_cost(const Architecture& arch, size_t core_index, const TileShape& tile) {
  const CoreSpec& core = arch.cores.at(core_index);
  Cost c = core_model(core).cost(core, tile);
  if (!c.supported) return c;
  const DramSpec& dram = arch.drams.at(nearest_dram(arch, core_index));
  const int64_t h = hops({core.x, core.y}, {dram.x, dram.y});
  c.energy.dram = dram_energy_pj(dram, c.dram_bytes()) +
                  transfer_energy_pj(arch.noc, h, c.dram_bytes());
  return c;
}

const Cost& CostCache::get(size_t core_index, const TileShape& tile) {
  Key key{core_index, tile};
  auto it = costs_.find(key);
  if (it != costs_.end()) {
    ++hits_;
    return it->second;
  }
  ++misses_;
  return costs_.emplace(std::move(key), tile_cost(arch_, core_index, tile)).first->second;
}

}  // namespace eesim::hw
