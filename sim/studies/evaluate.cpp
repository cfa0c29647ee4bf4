#include "sim/studies/evaluate.h"

#include <algorithm>

#include "common/error.h"
#include "hw_models/core_model.h"
#include "mapping/pipeline.h"

namespace eesim::sim {

double objective_value(const std::string& name, const Report& r) {
  if (name == "latency") return r.expected_latency_cycles;
  if (name == "energy") return r.expected_energy_pj;
  if (name == "edp") return r.edp_of_means_pj_cycles;
  if (name == "expected_edp") return r.expected_edp_pj_cycles;
  throw Error("objective '" + name + "': expected latency, energy, edp or expected_edp");
}

mapping::FusionOptions auto_fusion(const hw::Architecture& arch) {
  mapping::FusionOptions f;
  f.mode = mapping::FusionOptions::Mode::kAuto;
  f.memory_budget_bytes = INT64_MAX;
  for (const auto& c : arch.cores) {
    const auto& m = hw::core_model(c);
    f.memory_budget_bytes = std::min(f.memory_budget_bytes, m.on_chip_bytes(c));
    f.word_bytes = std::max(f.word_bytes, m.word_bytes(c));
  }
  return f;
}

Evaluation evaluate(const workloads::Workload& w, const workloads::ExitProfile& profile,
                    const hw::Architecture& arch, hw::CostCache& cache, const EvaluateOptions& o) {
  Evaluation e;
  e.graph = mapping::build_cn_graph(w, o.fusion);
  switch (o.alloc) {
    case EvaluateOptions::Alloc::kGiven:
      e.allocation = o.given;
      break;
    case EvaluateOptions::Alloc::kHeft:
      e.allocation = mapping::allocate_heft(w, e.graph, arch, cache);
      break;
    case EvaluateOptions::Alloc::kPipeline:
      e.allocation = mapping::allocate_pipeline(w, e.graph, arch, cache);
      break;
    case EvaluateOptions::Alloc::kSearch: {
      objective_value(o.objective, Report{});  // reject an unknown name before searching
      const auto fitness = [&](const mapping::Allocation& a) {
        return objective_value(o.objective,
                               simulate(w, profile, e.graph, a, arch, cache, o.policy));
      };
      mapping::SearchOptions search = o.search;
      search.progress = o.progress;
      e.search = mapping::search_allocation(mapping::allocate_heft(w, e.graph, arch, cache),
                                            mapping::layer_cycles(w, e.graph, arch, cache), fitness,
                                            search);
      e.allocation = e.search->best;
      break;
    }
  }
  e.report = simulate(w, profile, e.graph, e.allocation, arch, cache, o.policy);
  return e;
}

}  // namespace eesim::sim
