#pragma once
// The watchdog's words (pure, no SystemC): when a run stops with inputs unfinished, which
// ones, and for the first few, the nodes they are stuck at and what each waits for.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hw_models/architecture.h"
#include "sim/plan/plan.h"

namespace eesim::sim {

using NodeNamer = std::function<std::string(const Plan&, size_t node)>;

// One input that did not finish, as the engine left it.
struct StuckInput {
  size_t input = 0;
  int64_t arrival_cycles = 0;
  const Plan* plan = nullptr;                 // null: never admitted
  const std::vector<char>* done = nullptr;    // per plan node: finished
  const std::vector<int>* pending = nullptr;  // per plan node: inputs not yet arrived
};

// Inputs the report details; the engine collects no more than these.
inline constexpr size_t kStuckInputsShown = 3;

// "plan node N (layer L, CN C)", when the caller has no names.
std::string default_node_name(const Plan& plan, size_t node);

// `fault` is why the watchdog stopped the run, empty when it ran out of events. Lists at most
// kStuckInputsShown inputs and eight nodes each: first the nodes the run is stuck at (ready, or
// waiting only on finished producers); only when there are none (a dependency cycle), every waiting
// node with the producers it waits for.
std::string stuck_report(const std::string& fault, size_t inputs, size_t finished,
                         const std::vector<StuckInput>& stuck, const hw::Architecture& arch,
                         const NodeNamer& name);

}  // namespace eesim::sim
