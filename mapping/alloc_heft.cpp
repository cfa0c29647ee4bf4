// `alloc=heft`: HEFT list scheduling, allocate_heft in allocation.cpp.
#include "mapping/allocator.h"

namespace eesim::mapping {
namespace {

class Heft : public Allocator {
 public:
  Allocated allocate(const AllocationProblem& p) const override {
    return {allocate_heft(p.workload, p.graph, p.arch, p.cache, p.constraints, p.waits),
            std::nullopt};
  }
};

}  // namespace

AllocatorEntry heft_allocator() {
  return {"heft", "", [](const std::string&) { return std::make_shared<const Heft>(); }};
}
}  // namespace eesim::mapping
