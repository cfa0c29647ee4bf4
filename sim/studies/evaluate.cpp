#include "sim/studies/evaluate.h"

#include "common/error.h"
#include "mapping/fusion.h"

namespace eesim::sim {
namespace {

mapping::CnGraph fused_graph(const workloads::Workload& w, const hw::Architecture& arch,
                             const EvaluateOptions& o) {
  mapping::FusionOptions f = o.fusion;
  if (o.fusion_fits_chip) {
    const mapping::FusionOptions fit = mapping::auto_fusion(arch);
    f.mode = fit.mode;
    f.memory_budget_bytes = fit.memory_budget_bytes;
    f.word_bytes = fit.word_bytes;
  }
  try {
    return mapping::build_cn_graph(w, f);
  } catch (const mapping::StackError& err) {  // point at the stacks file's line
    if (o.stacks_path.empty() || err.stack >= o.stack_lines.size()) throw;
    throw Error(o.stacks_path + ":" + std::to_string(o.stack_lines[err.stack]) + ": " + err.reason);
  }
}

}  // namespace

Evaluation evaluate(const workloads::Workload& w, const workloads::ExitProfile& profile,
                    const hw::Architecture& arch, hw::CostCache& cache, const EvaluateOptions& o) {
  Evaluation e;
  e.graph = fused_graph(w, arch, o);
  const ObjectiveFn objective = o.objective.value;  // resolved once, called per candidate
  const std::function<double(const mapping::Allocation&)> fitness =
      [&](const mapping::Allocation& a) {
        return objective(simulate(w, profile, e.graph, a, arch, cache, o.policy));
      };
  mapping::SearchOptions search = o.search;
  search.progress = o.progress;
  mapping::Allocated got = o.allocator->allocate({w, e.graph, arch, cache, fitness, search});
  e.allocation = std::move(got.allocation);
  e.search = std::move(got.search);
  e.report = simulate(w, profile, e.graph, e.allocation, arch, cache, o.policy);
  return e;
}

std::string policy_text(ExitPolicy policy) {
  return policy == ExitPolicy::kWait ? "wait" : "speculate";
}

std::string fusion_text(const EvaluateOptions& o) {
  const std::string rows = std::to_string(o.fusion.rows_per_cn);
  if (!o.fusion.stacks.empty())
    return "stacks " + (o.stacks_path.empty() ? std::string("given") : o.stacks_path) + " (" +
           rows + "-row bands)";
  switch (o.fusion.mode) {
    case mapping::FusionOptions::Mode::kOff:
      return "off";
    case mapping::FusionOptions::Mode::kRows:
      return "rows=" + rows;
    case mapping::FusionOptions::Mode::kAuto:
      break;
  }
  return "auto";
}

}  // namespace eesim::sim
