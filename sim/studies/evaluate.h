#pragma once
// One evaluation, the job `eesim run` and the Python Evaluator both do: fuse, allocate (by the
// allocator the options name: HEFT, pipeline stages, the simulator-driven search, a mapping
// file, or any other registered one) and simulate every exit scenario.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hw_models/architecture.h"
#include "hw_models/cost_cache.h"
#include "mapping/allocator.h"
#include "mapping/cn_graph.h"
#include "mapping/search.h"
#include "sim/studies/objective.h"
#include "sim/studies/simulate.h"
#include "workloads/layer_overrides.h"

namespace eesim::sim {

// Built by set_option (sim/studies/options.h) from key=value text, or directly by callers
// that hold typed values (tests, benchmarks).
struct EvaluateOptions {
  ExitPolicy policy = ExitPolicy::kWait;
  mapping::FusionOptions fusion;
  // fusion=auto: the budget comes from the chip at evaluation (mapping::auto_fusion).
  bool fusion_fits_chip = false;
  // fusion.stacks came from this file (stacks=FILE), stack i from line stack_lines[i]: a stack
  // that cannot be fused is reported against that line.
  std::string stacks_path;
  std::vector<int> stack_lines;
  std::shared_ptr<const mapping::Allocator> allocator = mapping::make_allocator("partition");
  // What an allocator that searches minimises (Allocator::uses_objective).
  Objective objective = find_objective("expected_edp");
  mapping::SearchOptions search;  // seed and iterations (its progress is `progress` below)
  // Op type -> names of the cores it may run on (option allow=OP=CORE,CORE); every allocator
  // keeps to them. Checked against the chip at evaluation.
  std::map<std::string, std::vector<std::string>> allowed_cores;
  // The precision mode and the per-layer bits and density rules (options precision, bits,
  // bits-file, density; workloads/layer_overrides.h), applied to the workload before it is fused.
  workloads::PrecisionSpec precision;
  // Told how far long loops got (search moves; sweep points); may stop them (common/progress.h).
  Progress progress;
};

struct Evaluation {
  mapping::CnGraph graph;
  mapping::Allocation allocation;
  Report report;
  std::optional<mapping::SearchResult> search;  // when a search chose the allocation
};

// The constraints `allowed` names, resolved on `arch`. Throws eesim::Error naming the core when
// the chip has no core of that name.
mapping::CoreConstraints resolve_constraints(
    const std::map<std::string, std::vector<std::string>>& allowed, const hw::Architecture& arch);

// What each layer waits for beyond its inputs under `policy`: the exit decisions gating it under
// `wait` (the plan's gate edges), nothing under `speculate`. What evaluate hands the allocator.
mapping::Waits exit_waits(const workloads::Workload& w, ExitPolicy policy);

// Evaluates `w` with `options.precision` applied (a copy only when the spec changes anything),
// so the report's per-layer bits are those simulated. Throws eesim::Error for a precision rule
// that selects no layer (naming the rule, or the bits file and line), a stack that cannot be
// fused (naming stacks_path and the line when the stacks came from a file) or an allocation
// that does not fit; eesim::Interrupted when `options.progress` stops the search.
Evaluation evaluate(const workloads::Workload& w, const workloads::ExitProfile& profile,
                    const hw::Architecture& arch, hw::CostCache& cache,
                    const EvaluateOptions& options);

// The options as reports name them: "wait" / "speculate"; "off", "auto", "rows=4" or
// "stacks FILE (N-row bands)".
std::string policy_text(ExitPolicy policy);
std::string fusion_text(const EvaluateOptions& options);

}  // namespace eesim::sim
