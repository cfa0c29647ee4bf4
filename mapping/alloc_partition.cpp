// `alloc=partition` (the default): list scheduling with layers split across identical cores
// (partition.h).
#include "mapping/allocator.h"
#include "mapping/partition.h"

namespace eesim::mapping {
namespace {

class Partition : public Allocator {
 public:
  Allocated allocate(const AllocationProblem& p) const override {
    return {allocate_partition(p.workload, p.graph, p.arch, p.cache, p.constraints, p.waits),
            std::nullopt};
  }
};

}  // namespace

AllocatorEntry partition_allocator() {
  return {"partition", "", [](const std::string&) { return std::make_shared<const Partition>(); }};
}
}  // namespace eesim::mapping
