// `alloc=search`: the seeded annealing of search.h from the default mapper's allocation
// (partition.h), with the layer splits it may try, each candidate scored by the caller's fitness
// (the simulator's objective).
#include "mapping/allocator.h"
#include "mapping/partition.h"

namespace eesim::mapping {
namespace {

// Every split over a group of identical cores that each layer accepts and may run on.
SplitChoices split_choices(const AllocationProblem& p,
                           const std::vector<std::vector<int64_t>>& cycles) {
  SplitChoices out;
  out.of_layer.resize(p.workload.num_layers());
  const auto groups = identical_core_groups(p.arch);
  for (workloads::LayerId v = 0; v < p.workload.num_layers(); ++v)
    for (const auto& group : groups) {
      std::vector<size_t> cores;
      for (size_t c : group)
        if (cycles[v][c] != kUnsupported) cores.push_back(c);
      if (cores.size() < 2) continue;
      for (SplitKind kind : {SplitKind::kRows, SplitKind::kChannels}) {
        LayerSplit s{kind, cores};
        if (split_problem(p.workload, p.graph, v, s).empty()) out.of_layer[v].push_back(s);
      }
    }
  return out;
}

class Search : public Allocator {
 public:
  Allocated allocate(const AllocationProblem& p) const override {
    const auto cycles = layer_cycles(p.workload, p.graph, p.arch, p.cache, p.constraints);
    Allocation start =
        allocate_partition(p.workload, p.graph, p.arch, p.cache, p.constraints, p.waits);
    Allocated out;
    out.search = search_allocation(start, cycles, p.fitness, p.search, split_choices(p, cycles));
    out.allocation = out.search->best;
    return out;
  }
  bool uses_objective() const override { return true; }
};

}  // namespace

AllocatorEntry search_allocator() {
  return {"search", "", [](const std::string&) { return std::make_shared<const Search>(); }};
}
}  // namespace eesim::mapping
