#pragma once
// Where one scenario's energy went: each layer's and each core's share of what the engine
// charged (ScenarioRun::charges, transfers), exactly: the layers' shares sum to the scenario's
// dynamic + NoC energy, the cores' to its dynamic + static energy.
#include <cstddef>
#include <vector>

#include "hw_models/architecture.h"
#include "sim/engine/engine.h"
#include "sim/plan/plan.h"

namespace eesim::sim {

// Dynamic energy by kind, pJ.
struct EnergyByKind {
  double compute_pj = 0;  // MACs and vector operations
  double sram_pj = 0;     // on-chip buffers
  double dram_pj = 0;     // its own DRAM traffic: weights, operands that do not fit, graph inputs
  double spill_pj = 0;    // DRAM traffic of bands that did not fit a core's memory
  double noc_pj = 0;      // its output's transfers to other cores
  double total_pj() const { return compute_pj + sram_pj + dram_pj + spill_pj + noc_pj; }
  bool operator==(const EnergyByKind&) const = default;
};

struct EnergyAttribution {
  // Per LayerId: its nodes' energy (finished nodes whole, a cancelled one pro rata, as charged),
  // the spills on the cores its nodes run on when their bands arrived, and the NoC energy of
  // its output's sends (a transfer is the producer's). Layers the scenario does not run: 0.
  std::vector<EnergyByKind> layers;
  // Per core: the dynamic energy of the nodes it ran and the spills charged to them (no NoC:
  // links belong to no core), and its static power over the scenario's latency.
  std::vector<double> core_dynamic_pj;
  std::vector<double> core_static_pj;
};

// `run` is run_plan(plan, arch) (it records every node's charge); `layers` is the workload's
// layer count.
EnergyAttribution attribute_energy(const Plan& plan, const ScenarioRun& run,
                                   const hw::Architecture& arch, size_t layers);

}  // namespace eesim::sim
