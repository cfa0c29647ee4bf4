#include "sim/studies/energy_attribution.h"

#include <string>

#include "common/error.h"

namespace eesim::sim {

EnergyAttribution attribute_energy(const Plan& plan, const ScenarioRun& run,
                                   const hw::Architecture& arch, size_t layers) {
  if (run.charges.size() != plan.nodes.size())
    throw Error("attribute_energy: the run charged " + std::to_string(run.charges.size()) +
                " nodes of a plan of " + std::to_string(plan.nodes.size()));
  EnergyAttribution a;
  a.layers.assign(layers, {});
  a.core_dynamic_pj.assign(arch.cores.size(), 0.0);
  for (size_t i = 0; i < plan.nodes.size(); ++i) {
    const PlanNode& n = plan.nodes[i];
    const NodeCharge& c = run.charges[i];
    EnergyByKind& l = a.layers.at(n.layer);
    l.compute_pj += c.share * n.energy.compute;
    l.sram_pj += c.share * n.energy.sram;
    l.dram_pj += c.share * n.energy.dram;
    l.spill_pj += c.spill_pj;
    l.noc_pj += c.noc_pj;
    a.core_dynamic_pj.at(n.core) += c.share * n.energy.total() + c.spill_pj;
  }
  // As run_plan charges static energy: each core's power over the scenario's latency.
  for (const hw::CoreSpec& core : arch.cores)
    a.core_static_pj.push_back(core.static_power_mw *
                               arch.ns(static_cast<double>(run.latency_cycles)));
  return a;
}

}  // namespace eesim::sim
