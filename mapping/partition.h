#pragma once
// The default mapper (`alloc=partition`): list scheduling in HEFT order where each layer may
// run on one core or be split by output rows or output channels over a group of identical
// cores (mapping/split.h). Each option is estimated (its parts' compute, their DRAM traffic on
// a shared port kept busy by the layers placed before, the NoC transfers their inputs need, the
// parameter memory left on each core) and the one that least raises the expected energy-delay
// product is taken: the first-order change of ln(E * L), finish / L_ref + energy / E_ref.
// Deterministic and fast: no simulation.
#include <optional>
#include <vector>

#include "hw_models/architecture.h"
#include "hw_models/cost_cache.h"
#include "mapping/allocation.h"
#include "mapping/cn_graph.h"

namespace eesim::mapping {

// Cores of one spec (hw::same_hardware: kind, parameters, precision and sparsity equal), in the
// order the chip lists them: the groups a layer may be split over. Groups of one core are left
// out.
std::vector<std::vector<size_t>> identical_core_groups(const hw::Architecture& arch);

// `pins` (per LayerId, or empty) fix some layers' core or split (a mapping file's lines; a
// single core is kind kNone with one core): they are placed as given, the rest around them.
// Throws eesim::Error when some layer runs on no core (its kind, or `constraints`).
using Pins = std::vector<std::optional<LayerSplit>>;
Allocation allocate_partition(const workloads::Workload& w, const CnGraph& g,
                              const hw::Architecture& arch, hw::CostCache& cache,
                              const CoreConstraints& constraints = {}, const Waits& waits = {},
                              const Pins& pins = {});

}  // namespace eesim::mapping
