#pragma once
// Allocation: which core runs each layer (all of a layer's bands run on one core). Manual, from
// a mapping file, or the HEFT list-scheduling heuristic for heterogeneous cores.
#include <cstdint>
#include <string>
#include <vector>

#include "hw_models/architecture.h"
#include "hw_models/cost_cache.h"
#include "mapping/cn_graph.h"

namespace eesim::mapping {

struct Allocation {
  std::vector<size_t> core_of_layer;  // core index per LayerId
  std::string method;                 // "heft", "file PATH"
  bool operator==(const Allocation&) const = default;
};

// The tile a CN's cost is asked for: a layer whose weights stay on its core across inferences
// (`resident`) never fetches them; otherwise its first band fetches them and later bands find
// them on the core.
hw::TileShape cn_tile(const Cn& cn, bool resident = false);

// The cost of node `cn` on core `core`: cache.get(core, cn_tile(cn, resident)). The cost models
// see a tile, not a layer, so their errors (a count past 64 bits, a time past 2^53 cycles) name
// only the chip and the core; this puts the model and the layer in front:
// "model.onnx: layer 'conv1' (Conv): chip.textproto: core 'sa0' (systolic): a tile's ...".
const hw::Cost& cn_cost(const workloads::Workload& w, const Cn& cn, size_t core,
                        hw::CostCache& cache, bool resident = false);

// Per layer: its weights stay on its core across inferences. Each core keeps the layers
// allocated to it, in topological order, while they fit its parameter memory; the rest stream
// from DRAM every inference (the Edge TPU compiler's parameter caching,
// coral.ai/docs/edgetpu/compiler; hw_models/network_estimate.h uses the same rule).
std::vector<char> resident_weights(const workloads::Workload& w, const Allocation& alloc,
                                   const hw::Architecture& arch);

// Cycles each layer takes on each core when it runs alone there: the sum over its nodes of
// max(compute, DRAM at the nearest port). kUnsupported where the core cannot run the layer.
// Throws eesim::Error when a layer would take more than kMaxCycles (common/limits.h) on a core.
constexpr int64_t kUnsupported = INT64_MAX;
std::vector<std::vector<int64_t>> layer_cycles(const workloads::Workload& w, const CnGraph& g,
                                               const hw::Architecture& arch, hw::CostCache& cache);

// HEFT (Topcuoglu, Hariri and Wu, "Performance-effective and low-complexity task scheduling for
// heterogeneous computing", IEEE TPDS 13(3), 2002): layers by decreasing upward rank, each to
// the core where it finishes first given its inputs' arrival over the mesh. Deterministic.
// Throws eesim::Error when some layer runs on no core of the chip.
Allocation allocate_heft(const workloads::Workload& w, const CnGraph& g,
                         const hw::Architecture& arch, hw::CostCache& cache);

// A mapping file: one `LAYER = CORE` per line, `* = CORE` for every layer not named, `#`
// comments. Errors name the file, line and layer or core; every layer must get a core that
// can run it.
Allocation parse_allocation(const std::string& text, const std::string& source,
                            const workloads::Workload& w, const hw::Architecture& arch);
Allocation load_allocation_file(const std::string& path, const workloads::Workload& w,
                                const hw::Architecture& arch);

}  // namespace eesim::mapping
