// The exit mounting-point sweep (sim/sweep.h): strip, mount, evaluate, combine.
#include "sim/studies/sweep.h"

#include "common/error.h"
#include "common/number_text.h"
#include "workloads/exit_profile.h"
#include "workloads/exits.h"

namespace eesim::sim {

using workloads::LayerId;
using workloads::Workload;

SweepOutcome combine_outcome(double p, const ScenarioCost& exit_scenario,
                             const ScenarioCost& final_scenario) {
  // DESIGN.md section 5: E[L] = sum p_i L_i, E[E] = sum p_i E_i, E[E*L] = sum p_i E_i L_i over
  // the two scenarios {exit: p, final: 1 - p}; E[E]*E[L] is reported beside it, named as such.
  const double lx = static_cast<double>(exit_scenario.latency_cycles);
  const double lf = static_cast<double>(final_scenario.latency_cycles);
  SweepOutcome o;
  o.exit_probability = p;
  o.exit_scenario = exit_scenario;
  o.final_scenario = final_scenario;
  o.expected_latency_cycles = p * lx + (1 - p) * lf;
  o.expected_energy_pj = p * exit_scenario.energy_pj + (1 - p) * final_scenario.energy_pj;
  o.expected_edp_pj_cycles =
      p * exit_scenario.energy_pj * lx + (1 - p) * final_scenario.energy_pj * lf;
  o.edp_of_means_pj_cycles = o.expected_energy_pj * o.expected_latency_cycles;
  return o;
}

namespace {

ScenarioCost cost_of(const ScenarioResult& s) { return {s.run.latency_cycles, s.run.energy_pj()}; }

// Evaluates `w` (one exit, named `exit_name`, or none) with P(exit) = p; returns the exit's
// scenario (when there is an exit) and the final one.
std::pair<ScenarioCost, ScenarioCost> evaluate_scenarios(const Workload& w,
                                                         const std::string& exit_name, double p,
                                                         const hw::Architecture& arch,
                                                         hw::CostCache& cache,
                                                         const EvaluateOptions& options) {
  std::vector<workloads::ExitRates> sources;
  if (!exit_name.empty()) {
    workloads::ExitRates rates;
    rates.source = "exit mounting sweep";
    rates.rates = {{exit_name, p}};
    rates.where = {"exit mounting sweep: p = " + shortest_text(p)};
    sources.push_back(std::move(rates));
  }
  const workloads::ExitProfile profile = workloads::make_exit_profile(w, sources);
  const Report r = evaluate(w, profile, arch, cache, options).report;
  return {cost_of(r.scenarios.front()), cost_of(r.scenarios.back())};
}

// Ids of `backbone` -> ids of strip_exits(backbone): kept layers keep their order.
std::vector<LayerId> to_stripped_ids(const Workload& backbone, const std::vector<LayerId>& points) {
  const std::vector<char> keep = workloads::data_ancestors(backbone.graph, backbone.final_layer);
  std::vector<LayerId> rank(keep.size(), 0);
  for (LayerId v = 0, n = 0; v < keep.size(); ++v) rank[v] = keep[v] ? n++ : n;
  std::vector<LayerId> out;
  for (LayerId v : points) {
    if (v >= keep.size())
      throw Error(backbone.name + ": sweep point " + std::to_string(v) + " is not a layer id");
    if (!keep[v])
      throw Error(backbone.name + ": sweep point '" + backbone.layer(v).name +
                  "' is not on the backbone (it belongs to an exit head)");
    out.push_back(rank[v]);
  }
  return out;
}

SweepPoint sweep_point(const Workload& stripped, LayerId branch,
                       const workloads::HeadTemplate& head, const std::vector<double>& ps,
                       const hw::Architecture& arch, hw::CostCache& cache,
                       const EvaluateOptions& options) {
  const std::string name = workloads::unused_exit_name(stripped);
  const Workload w = workloads::mount_exit(stripped, branch, head, name);
  const workloads::Exit& e = w.exits.front();
  SweepPoint pt;
  pt.branch_layer = w.layer(branch).name;
  pt.depth = e.depth;
  pt.shape = w.layer(branch).outputs.front().shape;
  for (LayerId v : e.head) {
    pt.head_macs += w.layer(v).macs;
    pt.head_weight_bytes += w.layer(v).weight_bytes;
  }
  if (options.allocator->uses_objective()) {
    for (double p : ps) {  // the search's objective depends on p, so its mapping may too
      const auto [x, f] = evaluate_scenarios(w, name, p, arch, cache, options);
      pt.outcomes.push_back(combine_outcome(p, x, f));
    }
  } else {  // only the search looks at p: one schedule, combined analytically per p
    const auto [x, f] = evaluate_scenarios(w, name, ps.front(), arch, cache, options);
    for (double p : ps) pt.outcomes.push_back(combine_outcome(p, x, f));
  }
  pt.exit_scenario = pt.outcomes.front().exit_scenario;
  pt.final_scenario = pt.outcomes.front().final_scenario;
  return pt;
}

}  // namespace

SweepResult sweep_exit_mounts(const Workload& backbone, const workloads::HeadTemplate& head,
                              const std::vector<double>& exit_probabilities,
                              const std::vector<LayerId>& points, const hw::Architecture& arch,
                              hw::CostCache& cache, const EvaluateOptions& options) {
  if (exit_probabilities.empty()) throw Error("exit mounting sweep: no exit probabilities given");
  for (double p : exit_probabilities)
    if (!(p >= 0 && p <= 1))
      throw Error("exit mounting sweep: exit probability " + shortest_text(p) +
                  " is outside [0, 1]");
  if (options.allocator->fixed_layers())
    throw Error(
        "exit mounting sweep: a given allocation cannot place the mounted heads' layers; "
        "use a computed allocation");
  const Workload stripped = workloads::strip_exits(backbone);
  SweepResult r;
  r.head = head.text;
  r.exit_probabilities = exit_probabilities;
  const std::vector<LayerId> ids =
      points.empty() ? workloads::mount_points(stripped) : to_stripped_ids(backbone, points);
  // Progress counts points; a search inside one reports the same count, so a stop request
  // is seen between its moves too, and an interrupted point says how far the sweep got.
  const auto total = static_cast<int64_t>(ids.size());
  const auto at_point = [&options, total](size_t k) {
    EvaluateOptions o = options;
    o.progress.on_step = [&options, done = static_cast<int64_t>(k), total](const char*, int64_t,
                                                                           int64_t) {
      return options.progress.step("points", done, total);
    };
    return o;
  };
  const auto stopped = [&](size_t k) {
    return Interrupted("sweep stopped after " + std::to_string(k) + " of " +
                       std::to_string(ids.size()) + " points");
  };
  try {
    EvaluateOptions o = at_point(0);
    // No exit heads to select: rules for them apply to each point's mounted head.
    o.precision = workloads::without_exit_rules(std::move(o.precision));
    r.baseline = evaluate_scenarios(stripped, "", 0, arch, cache, o).second;
  } catch (const Interrupted&) {
    throw stopped(0);
  }
  r.baseline_edp_pj_cycles = r.baseline.energy_pj * static_cast<double>(r.baseline.latency_cycles);
  for (size_t k = 0; k < ids.size(); ++k) {
    if (!options.progress.step("points", static_cast<int64_t>(k), total)) throw stopped(k);
    const EvaluateOptions o = at_point(k);
    try {
      r.points.push_back(sweep_point(stripped, ids[k], head, exit_probabilities, arch, cache, o));
    } catch (const Interrupted&) {
      throw stopped(k);
    }
  }
  return r;
}

}  // namespace eesim::sim
