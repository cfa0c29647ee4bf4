#pragma once
// The mapping options `run`, `stream` and `sweep` share: --policy, --fusion, --stacks, --alloc,
// --objective and --iterations, turned into sim::EvaluateOptions, and the evaluation itself.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "hw_models/architecture.h"
#include "hw_models/cost_cache.h"
#include "sim/studies/evaluate.h"
#include "tools/cli_args.h"
#include "workloads/exit_profile.h"
#include "workloads/workload.h"

namespace eesim::tools {

extern const char* const kEvaluationOptionsUsage;

// "wait" or "speculate"; throws UsageError naming --policy otherwise.
sim::ExitPolicy parse_policy(const std::string& text);
// "off", "auto" (stacks that fit the smallest core) or "rows=N"; throws UsageError otherwise.
mapping::FusionOptions parse_fusion(const std::string& text, const hw::Architecture& arch);

struct EvaluationSetup {
  sim::EvaluateOptions options;
  std::string policy_text;  // as given
  std::string fusion_text;  // "rows=4", or the stacks file and band height
  std::string stacks_path;  // --stacks, or empty
};

// `search_seed` seeds --alloc search. Throws UsageError for a bad value, eesim::Error for a
// stacks or mapping file that does not fit the model.
EvaluationSetup parse_evaluation(const CliArgs& a, const workloads::Workload& w,
                                 const hw::Architecture& arch, uint64_t search_seed);

// The input files the options name (the model, --arch, --exits, --alloc, --stacks) as
// (label, path), for check_output_paths.
std::vector<std::pair<std::string, std::string>> input_paths(const CliArgs& a);

// sim::evaluate; a stack the --stacks file named that cannot be fused is reported against
// that file.
sim::Evaluation evaluate_setup(const workloads::Workload& w, const workloads::ExitProfile& profile,
                               const hw::Architecture& arch, hw::CostCache& cache,
                               const EvaluationSetup& setup);

}  // namespace eesim::tools
