// `alloc=search`: the seeded hill climbing of search.h from HEFT's allocation, each candidate
// scored by the caller's fitness (the simulator's objective).
#include "mapping/allocator.h"

namespace eesim::mapping {
namespace {

class Search : public Allocator {
 public:
  Allocated allocate(const AllocationProblem& p) const override {
    Allocated out;
    out.search =
        search_allocation(allocate_heft(p.workload, p.graph, p.arch, p.cache),
                          layer_cycles(p.workload, p.graph, p.arch, p.cache), p.fitness, p.search);
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
