#pragma once
// The evaluation options every simulating command shares: --policy and --fusion (`run`,
// `sweep`, and `stream` through eval_setup).
#include <string>

#include "hw_models/architecture.h"
#include "mapping/cn_graph.h"
#include "sim/plan.h"  // ExitPolicy

namespace eesim::tools {

// "wait" or "speculate"; throws UsageError naming --policy otherwise.
sim::ExitPolicy parse_policy(const std::string& text);
// "off", "auto" (stacks that fit the smallest core) or "rows=N"; throws UsageError otherwise.
mapping::FusionOptions parse_fusion(const std::string& text, const hw::Architecture& arch);

}  // namespace eesim::tools
