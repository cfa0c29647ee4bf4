#include "sim/engine/stuck_report.h"

namespace eesim::sim {

std::string default_node_name(const Plan& plan, size_t node) {
  const PlanNode& n = plan.nodes[node];
  return "plan node " + std::to_string(node) + " (layer " + std::to_string(n.layer) + ", CN " +
         std::to_string(n.cn) + ")";
}

std::string stuck_report(const std::string& fault, size_t inputs, size_t finished,
                         const std::vector<StuckInput>& stuck, const hw::Architecture& arch,
                         const NodeNamer& name_or_null) {
  const NodeNamer& name = name_or_null ? name_or_null : NodeNamer(default_node_name);
  std::string out = "simulation cannot make progress: ";
  out += fault.empty() ? "no event is left, yet " : fault + "; ";
  out += std::to_string(inputs - finished) + " of " + std::to_string(inputs) +
         " inputs never finished";
  for (size_t s = 0; s < stuck.size() && s < kStuckInputsShown; ++s) {
    const StuckInput& in = stuck[s];
    out += "\n  input " + std::to_string(in.input) + ":";
    if (!in.plan) {
      out += " never admitted (arrival cycle " + std::to_string(in.arrival_cycles) + ")";
      continue;
    }
    const Plan& plan = *in.plan;
    int listed = 0;
    for (int pass = 0; pass < 2 && listed == 0; ++pass)
      for (size_t i = 0; i < plan.nodes.size() && listed < 8; ++i) {
        if ((*in.done)[i]) continue;
        const PlanNode& n = plan.nodes[i];
        std::string missing;
        for (const PlanEdge& e : n.inputs)
          if (!(*in.done)[e.from]) missing += (missing.empty() ? "" : ", ") + name(plan, e.from);
        if (pass == 0 && !missing.empty()) continue;
        out += "\n    " + name(plan, i) + " on core '" + arch.cores[n.core].name + "' ";
        // With a fault the watchdog stopped the run: data may have been on its way.
        out += (*in.pending)[i] == 0 ? "was ready or running but never finished"
               : !missing.empty()    ? "waits for " + missing + ", which never finished"
               : fault.empty()       ? "waits for data that never arrived"
                                     : "was waiting for data on its way when the run stopped";
        ++listed;
      }
    if (listed == 0) out += " every node finished but its end layer was never reached";
  }
  return out;
}

}  // namespace eesim::sim
