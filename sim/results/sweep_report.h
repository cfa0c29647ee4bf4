#pragma once
// A mounting-point sweep's results out: sim::SweepResult -> the eesim.report.SweepReport message,
// once (what `eesim sweep --json` writes through report_writers.h and Python's SweepReport is
// built from), and that message as CSV, one row per (point, exit probability).
#include <string>

#include "hw_models/architecture.h"
#include "report.pb.h"
#include "sim/studies/sweep.h"

namespace eesim::sim {

// What the sweep ran with, besides the numbers in SweepResult.
struct SweepContext {
  std::string model, policy, fusion;
};

report::SweepReport sweep_message(const SweepResult& r, const SweepContext& c,
                                  const hw::Architecture& arch);

// Columns: point,branch_layer,depth,channels,height,width,head_macs,p,exit_latency_cycles,
// final_latency_cycles,exit_energy_pj,final_energy_pj,expected_latency_cycles,
// expected_energy_pj,expected_edp_pj_cycles,edp_of_means_pj_cycles,baseline_edp_pj_cycles
// (doubles with 10 significant digits).
std::string sweep_csv(const report::SweepReport& r);

}  // namespace eesim::sim
