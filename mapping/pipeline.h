#pragma once
// Layer pipelining: the network cut into contiguous stages, one per core, so consecutive inputs
// overlap stage by stage (a stream's throughput is then set by the slowest stage, not by the
// whole latency). HEFT, which minimises one input's finish time, keeps chains on one core.
#include "hw_models/architecture.h"
#include "hw_models/cost_cache.h"
#include "mapping/allocation.h"
#include "mapping/cn_graph.h"

namespace eesim::mapping {

// Layers in topological (vertex id) order are split into at most one contiguous stage per core,
// cores taken along a snake over the mesh (row by row, alternating direction) so neighbouring
// stages sit on neighbouring nodes. The cut minimises the slowest stage's cycles (the linear
// partition problem, solved exactly by dynamic programming; Skiena, The Algorithm Design
// Manual, section 8.5). Throws eesim::Error when no cut puts every layer on a core that can
// run it.
Allocation allocate_pipeline(const workloads::Workload& w, const CnGraph& g,
                             const hw::Architecture& arch, hw::CostCache& cache,
                             const CoreConstraints& constraints = {});

}  // namespace eesim::mapping
