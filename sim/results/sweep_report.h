#pragma once
// A mounting-point sweep's results out: JSON (what `eesim sweep --json` writes and the Python
// SweepReport is built from) and CSV, one row per (point, exit probability).
#include <string>

#include "hw_models/architecture.h"
#include "sim/studies/sweep.h"

namespace eesim::sim {

// What the sweep ran with, besides the numbers in SweepResult.
struct SweepContext {
  std::string model, policy, fusion;
};

std::string sweep_json(const SweepResult& r, const SweepContext& c, const hw::Architecture& arch);

// Columns: point,branch_layer,depth,channels,height,width,head_macs,p,exit_latency_cycles,
// final_latency_cycles,exit_energy_pj,final_energy_pj,expected_latency_cycles,
// expected_energy_pj,expected_edp_pj_cycles,edp_of_means_pj_cycles,baseline_edp_pj_cycles
std::string sweep_csv(const SweepResult& r);

}  // namespace eesim::sim
