#pragma once
// Every exit scenario of a mapped network, simulated, and the expectations over the exit
// probabilities (DESIGN.md section 5, "Metrics").
#include <string>
#include <vector>

#include "hw_models/architecture.h"
#include "hw_models/cost_cache.h"
#include "hw_models/network_estimate.h"
#include "mapping/allocation.h"
#include "mapping/cn_graph.h"
#include "sim/engine/engine.h"
#include "sim/plan/plan.h"
#include "sim/studies/energy_attribution.h"
#include "sim/studies/mapping_quality.h"
#include "workloads/exit_profile.h"

namespace eesim::sim {

struct ScenarioResult {
  std::string exit;  // exit name, or the final output's
  double probability = 0;
  Plan plan;        // what was simulated
  ScenarioRun run;  // what happened
  // Mapping quality (mapping_quality.h): no mapping finishes before lower_bound.cycles(). The
  // run counts run.idle_while_waiting_cycles.
  LowerBound lower_bound;
  EnergyAttribution energy;  // its energy by layer and by core (energy_attribution.h)
};

struct Report {
  std::vector<ScenarioResult> scenarios;  // exits by depth, then the final output
  // E[L] = sum p_i L_i, E[E] = sum p_i E_i, expected EDP E[E*L] = sum p_i E_i L_i (per-input
  // EDP averaged over inputs), and E[E]*E[L], which is not the same thing.
  double expected_latency_cycles = 0;
  double expected_energy_pj = 0;
  double expected_edp_pj_cycles = 0;
  double edp_of_means_pj_cycles = 0;
  // E[E] by part: the nodes' and spills' energy, the NoC's, the cores' static power.
  double expected_dynamic_energy_pj = 0;
  double expected_noc_energy_pj = 0;
  double expected_static_energy_pj = 0;
  // E[lower bound] and E[idle while work waits]; E[L] / E[lower bound] says how far the
  // mapping is from the best the chip could do.
  double expected_lower_bound_cycles = 0;
  double expected_idle_while_waiting_cycles = 0;
  RunsOn runs_on;  // per LayerId, the cores that can run it (LayerBounds; streams count with it)
  std::vector<double> expected_core_busy_cycles;  // per core, E[busy]
  std::vector<int64_t> core_peak_memory_bytes;    // per core, the most any scenario held
  // Per core, E[its dynamic energy] and E[its static energy] (EnergyAttribution): they sum to
  // E[E] less the NoC's.
  std::vector<double> expected_core_dynamic_energy_pj;
  std::vector<double> expected_core_static_energy_pj;
  // Per LayerId, E[its energy by kind] (EnergyAttribution): the totals sum to E[E] less the
  // static energy.
  std::vector<EnergyByKind> expected_layer_energy;
  // Per core, the weights kept on it across inferences (part of its peak memory above), and the
  // network's weights, one copy each, as the cores store them (sum of
  // LayerSummary::weight_bytes).
  std::vector<int64_t> core_resident_weight_bytes;
  int64_t weight_bytes = 0;
  struct LinkBusy {
    hw::Link link;
    double expected_busy_cycles = 0;  // E[cycles the link carried data]
    double expected_bytes = 0;        // E[bytes it carried]
    // E[NoC energy of its transfers]: each transfer's energy (Transfer::energy_pj) split evenly
    // over the links its route lists (exact for a per-hop cost such as the XY mesh's).
    double expected_energy_pj = 0;
  };
  std::vector<LinkBusy> links;  // links any scenario used, in first-use order
  struct LayerSummary {
    size_t core = 0;             // its core (a split layer: its first part's)
    int64_t compute_cycles = 0;  // all its nodes on its core (split: its slowest part's)
    int64_t macs = 0;
    bool weights_resident = false;
    mapping::SplitKind split = mapping::SplitKind::kNone;
    std::vector<size_t> cores = {};  // every core running a part of it (one, unless split)
    // Its operand widths as simulated (after the options' precision overrides; 0: the core's
    // word), so a report shows what it priced.
    int64_t weight_bits = 0, input_bits = 0, output_bits = 0;
    double weight_density = 1;  // fraction of non-zero weights (workloads::Layer)
    // One copy of its weights as its cores store them (hw_models/datapath.h: width, density,
    // format; a row split's replicas counted once), and the most passes a MAC of it takes on
    // them (operands wider than the datapath).
    int64_t weight_bytes = 0;
    int64_t mac_passes = 1;
  };
  std::vector<LayerSummary> layers;  // per LayerId
  hw::Roofline roofline;             // of the whole network on the chip
};

Report simulate(const workloads::Workload& w, const workloads::ExitProfile& profile,
                const mapping::CnGraph& g, const mapping::Allocation& alloc,
                const hw::Architecture& arch, hw::CostCache& cache, ExitPolicy policy,
                const mapping::CoreConstraints& constraints = {});

// The report simulate would give for `profile`, from one it gave for another profile of the
// same network: each scenario's probability from `profile`, every expectation summed again.
// Exact (scenario runs do not depend on probabilities), and no simulation. Throws eesim::Error
// when `r` has another number of scenarios than `w`.
void reweigh(Report& r, const workloads::Workload& w, const workloads::ExitProfile& profile);

}  // namespace eesim::sim
