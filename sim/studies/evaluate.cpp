#include "sim/studies/evaluate.h"

#include "common/error.h"
#include "mapping/fusion.h"
#include "sim/plan/scenarios.h"

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

mapping::Waits exit_waits(const workloads::Workload& w, ExitPolicy policy) {
  mapping::Waits waits;
  if (policy != ExitPolicy::kWait) return waits;
  waits.resize(w.num_layers());
  for (const Gate& gate : wait_gates(w))
    for (workloads::LayerId v : gate.gated) waits[v].push_back(gate.decision);
  return waits;
}

mapping::CoreConstraints resolve_constraints(
    const std::map<std::string, std::vector<std::string>>& allowed, const hw::Architecture& arch) {
  mapping::CoreConstraints out;
  for (const hw::CoreSpec& core : arch.cores) out.ops_of_core.push_back(core.op_types);
  for (const auto& [op, names] : allowed) {
    std::vector<size_t>& cores = out.cores_of_op[op];
    for (const std::string& name : names) {
      const auto core = arch.find_core(name);
      if (!core)
        throw Error("option allow: " + op + " may run on core '" + name + "', but " +
                    (arch.source.empty() ? arch.name : arch.source) + " has no core of that name");
      cores.push_back(*core);
    }
  }
  return out;
}

namespace {

// evaluate() on a workload whose precision spec has been applied.
Evaluation evaluate_as_given(const workloads::Workload& w, const workloads::ExitProfile& profile,
                             const hw::Architecture& arch, hw::CostCache& cache,
                             const EvaluateOptions& o) {
  Evaluation e;
  e.graph = fused_graph(w, arch, o);
  const ObjectiveFn objective = o.objective.value;  // resolved once, called per candidate
  const mapping::CoreConstraints constraints = resolve_constraints(o.allowed_cores, arch);
  const std::function<double(const mapping::Allocation&)> fitness =
      [&](const mapping::Allocation& a) {
        if (!a.is_split())
          return objective(simulate(w, profile, e.graph, a, arch, cache, o.policy, constraints));
        const mapping::CnGraph split = mapping::apply_splits(w, e.graph, a);
        return objective(simulate(w, profile, split, a, arch, cache, o.policy, constraints));
      };
  mapping::SearchOptions search = o.search;
  search.progress = o.progress;
  const mapping::Waits waits = exit_waits(w, o.policy);
  mapping::Allocated got =
      o.allocator->allocate({w, e.graph, arch, cache, fitness, search, constraints, waits});
  e.allocation = std::move(got.allocation);
  e.search = std::move(got.search);
  if (e.allocation.is_split()) e.graph = mapping::apply_splits(w, e.graph, e.allocation);
  e.report = simulate(w, profile, e.graph, e.allocation, arch, cache, o.policy, constraints);
  return e;
}

}  // namespace

Evaluation evaluate(const workloads::Workload& w, const workloads::ExitProfile& profile,
                    const hw::Architecture& arch, hw::CostCache& cache, const EvaluateOptions& o) {
  // A NAS loop evaluates thousands of times: the workload is copied only when the spec says so.
  if (o.precision.trivial()) return evaluate_as_given(w, profile, arch, cache, o);
  return evaluate_as_given(workloads::apply_precision(w, o.precision), profile, arch, cache, o);
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
