#pragma once
// Tile costs on a whole chip, memoised by (core, tile shape): a fused network has hundreds of
// tiles but only tens of distinct shapes (DESIGN.md section 4). The core model's part of a cost
// is computed once per kind of core (hw::same_hardware: a chip of 256 equal cores models each
// shape once, not 256 times); only the energy of its DRAM traffic, which depends on where the
// core sits, is added per core. Owned by its caller (no global
// state); not thread-safe: its owner serialises access (the Python Evaluator locks per call).
#include <cstddef>
#include <cstdint>
#include <deque>
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
  // Each distinct shape is hashed once, on its first request, and gets a row of slots: one per
  // core (the cost with its DRAM energy) and one per kind of core (the model's figure). A request
  // is then one hash of the shape and an index, not a hash per map as (core, shape) keys took.
  static constexpr int32_t kEmpty = -1;
  size_t row_of(const TileShape& tile);
  const Architecture& arch_;
  std::shared_ptr<const Noc> noc_;
  std::vector<size_t> kind_;  // per core: its kind's index (same_hardware), in order of appearance
  size_t kinds_ = 0;
  std::unordered_map<TileShape, size_t, TileShapeHash> rows_;  // shape -> its row
  std::vector<int32_t> cost_slot_;   // [row * cores + core] -> index in costs_, or kEmpty
  std::vector<int32_t> model_slot_;  // [row * kinds + kind] -> index in model_costs_, or kEmpty
  // Deques: get's references stay valid as they grow.
  std::deque<Cost> costs_;        // with the core's DRAM energy
  std::deque<Cost> model_costs_;  // the model's figure, per kind of core
  int64_t hits_ = 0;
  int64_t misses_ = 0;
};

}  // namespace eesim::hw
