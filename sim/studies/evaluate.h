#pragma once
// One evaluation, the job `eesim run` and the Python Evaluator both do: fuse, allocate (HEFT,
// pipeline stages, the simulator-driven search, or a given mapping) and simulate every exit
// scenario.
#include <optional>
#include <string>

#include "hw_models/architecture.h"
#include "hw_models/cost_cache.h"
#include "mapping/allocation.h"
#include "mapping/cn_graph.h"
#include "mapping/search.h"
#include "sim/studies/simulate.h"

namespace eesim::sim {

struct EvaluateOptions {
  ExitPolicy policy = ExitPolicy::kWait;
  mapping::FusionOptions fusion;
  enum class Alloc { kHeft, kPipeline, kSearch, kGiven };
  Alloc alloc = Alloc::kHeft;
  mapping::Allocation given;               // kGiven
  std::string objective = "expected_edp";  // kSearch: latency, energy, edp, expected_edp
  mapping::SearchOptions search;           // kSearch (its progress is `progress` below)
  // Told how far long loops got (search moves; sweep points); may stop them (common/progress.h).
  Progress progress;
};

struct Evaluation {
  mapping::CnGraph graph;
  mapping::Allocation allocation;
  Report report;
  std::optional<mapping::SearchResult> search;  // when the search chose the allocation
};

// Throws eesim::Error for an unknown objective or a stack that cannot be fused;
// eesim::Interrupted when `options.progress` stops the search.
Evaluation evaluate(const workloads::Workload& w, const workloads::ExitProfile& profile,
                    const hw::Architecture& arch, hw::CostCache& cache,
                    const EvaluateOptions& options);

// The value a search minimises: "latency" E[L], "energy" E[E], "edp" E[E]*E[L],
// "expected_edp" E[E*L]. Throws eesim::Error for another name.
double objective_value(const std::string& name, const Report& r);

// Fusion that grows stacks while they fit the smallest core's on-chip memory.
mapping::FusionOptions auto_fusion(const hw::Architecture& arch);

}  // namespace eesim::sim
