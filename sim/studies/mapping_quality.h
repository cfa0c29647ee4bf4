#pragma once
// How good a mapping is (issue 15, "mapping quality made visible"): the distance of each
// scenario's latency from a lower bound no mapping of the chip can beat. The other figure,
// the time cores sat idle while work they could run waited for a busy core, is counted by the
// engine as it runs (ScenarioRun::idle_while_waiting_cycles), from LayerBounds::runs_on.
// Pure: costs from the cache.
#include <cstdint>
#include <vector>

#include "hw_models/architecture.h"
#include "hw_models/cost_cache.h"
#include "mapping/allocation.h"
#include "sim/engine/engine.h"
#include "workloads/workload.h"

namespace eesim::sim {

// What each layer costs at best on the chip, whatever the mapping: the inputs of the bound.
struct LayerBounds {
  size_t cores = 0;
  // Per LayerId: the whole layer's compute cycles on the core that runs it fastest (its
  // utilisation there included); 0 when no core can run it.
  std::vector<int64_t> best_compute_cycles;
  // Per LayerId, the cores whose model can run the whole layer (bit c for core c; empty on
  // chips of more than 64 cores, where idle-while-waiting is not counted).
  RunsOn runs_on;
  // Compulsory DRAM traffic (hw::roofline's rule, per scenario): graph inputs and the outputs a
  // scenario writes, at the narrowest operand width of the network on the chip, and the weights
  // beyond all cores' parameter memories together, each layer's as the core storing them most
  // compactly does (hw_models/datapath.h); over all DRAM ports' bandwidth together.
  int64_t word_bytes = 1;
  int64_t io_bits = 8;                // the narrowest activation width, bits
  std::vector<int64_t> weight_bytes;  // per LayerId: the fewest bytes its weights take
  int64_t weight_capacity_bytes = 0;
  double dram_bytes_per_cycle = 0;
};

// Only the cores `constraints` allow a layer's op on count for it (`--allow`: a layer kept off
// a core is neither bounded by that core's speed nor waiting for it while it idles). Throws
// eesim::Error naming the layer when a cost model refuses a whole-layer tile's numbers.
LayerBounds layer_bounds(const workloads::Workload& w, const hw::Architecture& arch,
                         hw::CostCache& cache, const mapping::CoreConstraints& constraints = {});

// A lower bound on one scenario's latency: the classic work bound of multiprocessor scheduling
// (R. L. Graham, "Bounds on multiprocessing timing anomalies", SIAM J. Appl. Math. 17(2),
// 1969: no schedule on m processors finishes before total work / m), with each layer's work
// taken on its best core, next to the DRAM bound (compulsory bytes over all ports).
// Layers confined to some cores (LayerBounds::runs_on) bound the latency by their work over
// those cores alone, where that is more.
struct LowerBound {
  // ceil(sum over needed layers of best_compute_cycles / cores), or more: for a set S of cores
  // some layer is confined to, the needed layers confined within S, ceil(their cycles / |S|)
  int64_t work_cycles = 0;
  int64_t dram_bytes = 0;   // compulsory
  int64_t dram_cycles = 0;  // ceil(dram_bytes / all ports' bytes per cycle)
  int64_t cycles() const { return work_cycles > dram_cycles ? work_cycles : dram_cycles; }
  bool operator==(const LowerBound&) const = default;
};

// `needed`: per LayerId, the layers the scenario must run (Scenario::needed); `outputs`: the
// layers whose outputs it writes to DRAM (its exits' and the final output).
LowerBound scenario_lower_bound(const workloads::Workload& w, const LayerBounds& b,
                                const std::vector<char>& needed,
                                const std::vector<workloads::LayerId>& outputs);

// The share of latency past which a report warns about idle cores while work waits.
inline constexpr double kIdleWhileWaitingWarnFraction = 0.10;

}  // namespace eesim::sim
