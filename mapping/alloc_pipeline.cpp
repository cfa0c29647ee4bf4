// `alloc=pipeline`: one contiguous, balanced stage per core (pipeline.h), for streams.
#include "mapping/allocator.h"
#include "mapping/pipeline.h"

namespace eesim::mapping {
namespace {

class Pipeline : public Allocator {
 public:
  Allocated allocate(const AllocationProblem& p) const override {
    return {allocate_pipeline(p.workload, p.graph, p.arch, p.cache, p.constraints), std::nullopt};
  }
};

}  // namespace

AllocatorEntry pipeline_allocator() {
  return {"pipeline", "", [](const std::string&) { return std::make_shared<const Pipeline>(); }};
}
}  // namespace eesim::mapping
