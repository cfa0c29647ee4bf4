#pragma once
// The exit mounting-point sweep ("EDP across mounting points", as hardware-aware early-exit NAS
// studies plot it): one exit head from a template placed at each candidate branch point of a
// backbone in turn, each placement evaluated on the chip, and the expected EDP per point and
// per exit probability.
#include <cstdint>
#include <string>
#include <vector>

#include "hw_models/architecture.h"
#include "hw_models/cost_cache.h"
#include "sim/studies/evaluate.h"
#include "workloads/exit_mount.h"
#include "workloads/workload.h"

namespace eesim::sim {

struct ScenarioCost {
  int64_t latency_cycles = 0;
  double energy_pj = 0;
  bool operator==(const ScenarioCost&) const = default;
};

// One exit probability p at one mount point: the input leaves at the exit with probability p,
// else it reaches the final output.
struct SweepOutcome {
  double exit_probability = 0;
  ScenarioCost exit_scenario;          // leave at the mounted exit
  ScenarioCost final_scenario;         // reach the final output (the head runs too: it decides)
  double expected_latency_cycles = 0;  // p L_exit + (1-p) L_final
  double expected_energy_pj = 0;       // p E_exit + (1-p) E_final
  double expected_edp_pj_cycles = 0;   // E[E*L] = p E_exit L_exit + (1-p) E_final L_final
  double edp_of_means_pj_cycles = 0;   // E[E] * E[L], not the same thing
  bool operator==(const SweepOutcome&) const = default;
};

struct SweepPoint {
  std::string branch_layer;  // name of the layer the exit forks off
  int64_t depth = 0;         // Exit::depth of the mounted exit
  workloads::Shape shape;    // the branch layer's output, [N,C,H,W]
  int64_t head_macs = 0;
  int64_t head_weight_bytes = 0;
  // The scenarios' costs. Unless the allocation is searched they do not depend on p; under
  // search each outcome carries its own and these are the first probability's.
  ScenarioCost exit_scenario;
  ScenarioCost final_scenario;
  std::vector<SweepOutcome> outcomes;  // one per exit probability, in the order given
  bool operator==(const SweepPoint&) const = default;
};

struct SweepResult {
  std::string head;  // the template's text
  std::vector<double> exit_probabilities;
  ScenarioCost baseline;              // the backbone with no exit at all
  double baseline_edp_pj_cycles = 0;  // E * L of that single scenario
  std::vector<SweepPoint> points;     // in the order of the points swept
  bool operator==(const SweepResult&) const = default;
};

// Strips `backbone`'s own exits (workloads::strip_exits), then for each point mounts `head`
// there (workloads::mount_exit) and evaluates the two scenarios. `points` are layer ids of
// `backbone`; empty means workloads::mount_points of the stripped backbone. Without allocation
// search one evaluation per point serves every p (the schedule ignores the probabilities); with
// an allocator that uses the objective the search runs per point and p, since its objective
// depends on p. options.precision applies to every network evaluated: its exit rules (exits,
// exit:NAME) select each point's mounted head, and are left out for the backbone alone. Throws
// eesim::Error for a probability outside [0, 1], a point that is not a mountable backbone
// layer, a head that does not fit a point, or an allocator with fixed_layers (a given allocation
// names the backbone's layers, not the heads').
SweepResult sweep_exit_mounts(const workloads::Workload& backbone,
                              const workloads::HeadTemplate& head,
                              const std::vector<double>& exit_probabilities,
                              const std::vector<workloads::LayerId>& points,
                              const hw::Architecture& arch, hw::CostCache& cache,
                              const EvaluateOptions& options);

// Expectations over {exit with p, final with 1 - p} (DESIGN.md section 5, "Metrics").
SweepOutcome combine_outcome(double p, const ScenarioCost& exit_scenario,
                             const ScenarioCost& final_scenario);

}  // namespace eesim::sim
