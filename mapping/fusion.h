#pragma once
// Which layers are fused into stacks (and so cut into bands of rows): user-given, every run of
// row-splittable layers, or runs grown while their weights and live bands fit a memory budget.
#include <string>
#include <vector>

#include "common/error.h"
#include "hw_models/architecture.h"
#include "mapping/cn_graph.h"

namespace eesim::mapping {

// Stacks in topological order, each a topologically sorted list of row-splittable layers; no
// layer in two stacks.
// A user stack that cannot be fused, typed so a caller that read the stacks from a file can
// point at the file's line: `stack` indexes FusionOptions::stacks, `reason` says why.
class StackError : public Error {
 public:
  StackError(size_t stack, const std::string& reason)
      : Error("fusion stack " + std::to_string(stack) + ": " + reason),
        stack(stack),
        reason(reason) {}
  size_t stack;
  std::string reason;
};

// Fusion that grows stacks while they fit the smallest core's on-chip memory (`fusion=auto`):
// the budget is that core's on-chip bytes, the word size the widest core's.
FusionOptions auto_fusion(const hw::Architecture& arch);

// Throws StackError for a user stack naming an unknown or unsplittable layer, or a layer twice.
std::vector<std::vector<workloads::LayerId>> choose_stacks(const workloads::Workload& w,
                                                           const FusionOptions& options);

}  // namespace eesim::mapping
