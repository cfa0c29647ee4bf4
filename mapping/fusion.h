#pragma once
// Which layers are fused into stacks (and so cut into bands of rows): user-given, every run of
// row-splittable layers, or runs grown while their weights and live bands fit a memory budget.
#include <vector>

#include "mapping/cn_graph.h"

namespace eesim::mapping {

// Stacks in topological order, each a topologically sorted list of row-splittable layers; no
// layer in two stacks.
std::vector<std::vector<workloads::LayerId>> choose_stacks(const workloads::Workload& w,
                                                           const FusionOptions& options);

}  // namespace eesim::mapping
