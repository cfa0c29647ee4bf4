#pragma once
// Tile costs on a whole chip, memoised by (core, tile shape): a fused network has hundreds of
// tiles but only tens of distinct shapes (DESIGN.md section 4). The core model's part of a cost
// is computed once per kind of core (hw::same_hardware: a chip of 256 equal cores models each
// shape once, not 256 times); only the energy of its DRAM traffic, which depends on where the
// core sits, is added per core. Owned by its caller (no global
// state); not thread-safe: its owner serialises access (the Python Evaluator locks per call).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "hw_models/architecture.h"
#include "hw_models/cost.h"
#include "hw_models/noc.h"
#include "hw_models/tile.h"

namespace eesim::hw {

// Cost of `tile` on core `core_index`: the core model's figure plus the energy of its DRAM
// traffic, which goes to the nearest DRAM port over the mesh (DRAM pJ/byte + NoC pJ/byte-hop).
// Its compute cycles and its DRAM traffic's cycles at that port are at most kMaxCycles
// (common/limits.h); a tile beyond, or a count that overflows, throws eesim::Error naming the core.
Cost tile_cost(const Architecture& arch, size_t core_index, const TileShape& tile);
// The same with `noc`, built from arch.noc (the cache builds it once, not once per tile).
Cost tile_cost(const Architecture& arch, const Noc& noc, size_t core_index, const TileShape& tile);

class CostCache {
 public:
  explicit CostCache(const Architecture& arch);
  // Same value as tile_cost(arch, core_index, tile); computed once per distinct key.
  const Cost& get(size_t core_index, const TileShape& tile);
  size_t size() const { return costs_.size(); }
  // Core-model evaluations made (one per distinct (kind of core, shape)).
  size_t model_evaluations() const { return model_costs_.size(); }
  int64_t hits() const { return hits_; }
  int64_t misses() const { return misses_; }

 private:
  struct Key {
    size_t core;
    TileShape tile;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const { return TileShapeHash{}(k.tile) * 131u + k.core; }
  };
  const Architecture& arch_;
  std::shared_ptr<const Noc> noc_;
  std::vector<size_t> kind_;  // per core: the first core of the same hardware (same_hardware)
  std::unordered_map<Key, Cost, KeyHash> model_costs_;  // keyed by kind_: the model's figure
  std::unordered_map<Key, Cost, KeyHash> costs_;        // keyed by core: with its DRAM energy
  int64_t hits_ = 0;
  int64_t misses_ = 0;
};

}  // namespace eesim::hw
