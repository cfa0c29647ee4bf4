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
  // Each distinct shape is hashed once, on its first request, and gets a row of slots: one per
  // core (the cost with its DRAM energy) and one per kind of core (the model's figure). A request
  // is then one hash of the shape and an index, not a hash per map as (core, shape) keys took.
  // Costs in chunks that never move: get's references stay valid as the cache grows (a deque
  // of Costs allocated a block per two).
  class Store {
   public:
    const Cost* add(Cost c);
    size_t size() const { return size_; }

   private:
    static constexpr size_t kChunk = 64;
    std::vector<std::unique_ptr<Cost[]>> chunks_;
    size_t size_ = 0;
  };
  size_t row_of(const TileShape& tile);
  const Architecture& arch_;
  std::shared_ptr<const Noc> noc_;
  std::vector<size_t> kind_;  // per core: its kind's index (same_hardware), in order of appearance
  size_t kinds_ = 0;
  // Per core: its nearest DRAM port (finding it takes a route per port), or kUnknownPort.
  static constexpr size_t kUnknownPort = SIZE_MAX;
  std::vector<size_t> port_;
  std::unordered_map<TileShape, size_t, TileShapeHash> rows_;  // shape -> its row
  std::vector<const Cost*> cost_of_;   // [row * cores + core]: with its DRAM energy, or null
  std::vector<const Cost*> model_of_;  // [row * kinds + kind]: the model's figure, or null
  Store costs_, model_costs_;
  int64_t hits_ = 0;
  int64_t misses_ = 0;
};

}  // namespace eesim::hw
