#pragma once
// Allocation: which core runs each layer, or, for a layer split across cores (mapping/split.h),
// which core runs each part. Manual, from a mapping file, or computed by an allocator
// (mapping/allocator.h).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "hw_models/architecture.h"
#include "hw_models/cost_cache.h"
#include "mapping/cn_graph.h"
#include "mapping/split.h"

namespace eesim::mapping {

struct Allocation {
  std::vector<size_t> core_of_layer;  // core index per LayerId (a split layer: its first part's)
  std::string method;                 // "heft", "file PATH"
  // Per LayerId, how the layer is split across cores; empty when no layer is split.
  std::vector<LayerSplit> splits = {};
  bool operator==(const Allocation&) const = default;

  bool is_split() const;
  // The core that runs node `cn` of the graph apply_splits built for this allocation.
  size_t core_of(const Cn& cn) const {
    if (splits.empty() || splits[cn.layer].kind == SplitKind::kNone) return core_of_layer[cn.layer];
    return splits[cn.layer].cores[static_cast<size_t>(cn.part)];
  }
};

// Per LayerId, the layers whose end it waits for beyond its inputs: under the `wait` exit
// policy, the decisions of the exits gating it (sim::wait_gates). Empty: none.
using Waits = std::vector<std::vector<workloads::LayerId>>;

// Which cores each op type may run on (Stream's per-op-type `core_allocation`): ONNX op type
// ("Conv") -> core indices. An op type not named runs on any core that supports it. Every
// allocator keeps to them (layer_cycles reports other cores as unable to run the layer).
struct CoreConstraints {
  std::map<std::string, std::vector<size_t>> cores_of_op;
  // Per core index: the only op types it may run (the architecture's Core.op_type); an empty
  // list, or a core past the end, runs any.
  std::vector<std::vector<std::string>> ops_of_core = {};
  bool allows(const workloads::Layer& l, size_t core) const;
  bool operator==(const CoreConstraints&) const = default;
};

// The tile a CN's cost is asked for: a layer whose weights stay on its core across inferences
// (`resident`) never fetches them; otherwise the first node of the layer (of its part, when
// split) on a core fetches them and later ones find them there (Cn::fetches_weights).
hw::TileShape cn_tile(const Cn& cn, bool resident = false);

// The cost of node `cn` on core `core`: cache.get(core, cn_tile(cn, resident)). The cost models
// see a tile, not a layer, so their errors (a count past 64 bits, a time past 2^53 cycles) name
// only the chip and the core; this puts the model and the layer in front:
// "model.onnx: layer 'conv1' (Conv): chip.textproto: core 'sa0' (systolic): a tile's ...".
const hw::Cost& cn_cost(const workloads::Workload& w, const Cn& cn, size_t core,
                        hw::CostCache& cache, bool resident = false);

// Whose weights stay on their core across inferences. Each core keeps the layers (parts of
// split layers: a row part holds all of the layer's weights, a channel part its filters)
// allocated to it, in topological order, while they fit its parameter memory; the rest stream
// from DRAM every inference (the Edge TPU compiler's parameter caching,
// coral.ai/docs/edgetpu/compiler; hw_models/network_estimate.h uses the same rule).
struct Residency {
  std::vector<char> of_cn;              // per CnId of `g`
  std::vector<char> of_layer;           // per LayerId: every part's weights are resident
  std::vector<int64_t> bytes_per_core;  // resident weight bytes per core
};
Residency resident_weights(const workloads::Workload& w, const CnGraph& g, const Allocation& alloc,
                           const hw::Architecture& arch);

// Cycles each layer takes on each core when it runs alone there: the sum over its nodes of
// max(compute, DRAM at the nearest port). kUnsupported where the core cannot run the layer or
// `constraints` keep it off that core.
// Throws eesim::Error when a layer would take more than kMaxCycles (common/limits.h) on a core.
constexpr int64_t kUnsupported = INT64_MAX;
std::vector<std::vector<int64_t>> layer_cycles(const workloads::Workload& w, const CnGraph& g,
                                               const hw::Architecture& arch, hw::CostCache& cache,
                                               const CoreConstraints& constraints = {});

// The error for a layer no core may run: names the chip and the layer, and says why for each
// core (its model's reason, or the constraint that keeps it off).
Error no_core_can_run(const workloads::Workload& w, workloads::LayerId v, const CnGraph& g,
                      const hw::Architecture& arch, hw::CostCache& cache,
                      const CoreConstraints& constraints = {});

// Layers by decreasing HEFT upward rank (mean computation over the cores that can run a layer,
// plus the costliest path of neighbour transfers and ranks below it): producers (and the layers
// in `waits`) come before the layers that need them, the critical path first.
std::vector<workloads::LayerId> heft_order(const workloads::Workload& w, const hw::Noc& noc,
                                           const std::vector<std::vector<int64_t>>& cycles,
                                           const Waits& waits = {});

// HEFT (Topcuoglu, Hariri and Wu, "Performance-effective and low-complexity task scheduling for
// heterogeneous computing", IEEE TPDS 13(3), 2002): layers by decreasing upward rank, each to
// the core where it finishes first given its inputs' arrival over the mesh. Deterministic.
// Throws eesim::Error when some layer runs on no core of the chip.
Allocation allocate_heft(const workloads::Workload& w, const CnGraph& g,
                         const hw::Architecture& arch, hw::CostCache& cache,
                         const CoreConstraints& constraints = {}, const Waits& waits = {});

// A mapping file, one line each (`#` comments):
//   LAYER = CORE                          the layer runs on CORE
//   LAYER = CORE CORE ... by rows|channels  the layer is split over these cores (split.h)
//   op TYPE = CORE CORE ...               ONNX op type TYPE runs only on these cores
//   * = CORE                              every layer not named runs on CORE
// Without `* = CORE`, the layers it does not name are left to the default mapper (partition),
// which keeps to the file's pins and op lines. Errors name the file, line and layer or core.
struct MappingSpec {
  std::string source;
  std::vector<std::optional<LayerSplit>> pins;  // per LayerId; one core: kind kNone, one core
  CoreConstraints constraints;                  // the op lines
  std::vector<int> line_of;                     // per LayerId: the line pinning it, or 0
  std::map<std::string, int> op_line;           // per op type: its line
  bool complete() const;                        // every layer pinned
  // The allocation when complete; else throws naming the first layer left without a core.
  Allocation allocation(const workloads::Workload& w) const;
};
// Checks names, cores and that each pinned core can run its layer and keeps to the op lines;
// splits are checked against the CN graph when allocating (split_problem).
MappingSpec parse_mapping(const std::string& text, const std::string& source,
                          const workloads::Workload& w, const hw::Architecture& arch);
// A file that pins every layer (else throws naming the first one left without a core).
Allocation parse_allocation(const std::string& text, const std::string& source,
                            const workloads::Workload& w, const hw::Architecture& arch);
Allocation load_allocation_file(const std::string& path, const workloads::Workload& w,
                                const hw::Architecture& arch);

}  // namespace eesim::mapping
