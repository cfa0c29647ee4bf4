#include "sim/results/sweep_report.h"

#include <cstdio>

#include "common/csv.h"

namespace eesim::sim {
namespace {

void set_outcome(report::SweepOutcome& q, const SweepOutcome& o) {
  q.set_p(o.exit_probability);
  q.set_exit_latency_cycles(o.exit_scenario.latency_cycles);
  q.set_exit_energy_pj(o.exit_scenario.energy_pj);
  q.set_final_latency_cycles(o.final_scenario.latency_cycles);
  q.set_final_energy_pj(o.final_scenario.energy_pj);
  q.set_expected_latency_cycles(o.expected_latency_cycles);
  q.set_expected_energy_pj(o.expected_energy_pj);
  q.set_expected_edp_pj_cycles(o.expected_edp_pj_cycles);
  q.set_edp_of_means_pj_cycles(o.edp_of_means_pj_cycles);
}

std::string g10(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

}  // namespace

report::SweepReport sweep_message(const SweepResult& r, const SweepContext& c,
                                  const hw::Architecture& arch) {
  report::SweepReport p;
  p.set_model(c.model);
  p.set_arch(arch.name);
  p.set_arch_file(arch.source);
  p.set_head(r.head);
  p.set_policy(c.policy);
  p.set_fusion(c.fusion);
  for (double q : r.exit_probabilities) p.add_probabilities(q);
  auto* b = p.mutable_baseline();
  b->set_latency_cycles(r.baseline.latency_cycles);
  b->set_energy_pj(r.baseline.energy_pj);
  b->set_edp_pj_cycles(r.baseline_edp_pj_cycles);
  for (size_t i = 0; i < r.points.size(); ++i) {
    const SweepPoint& pt = r.points[i];
    auto* q = p.add_points();
    q->set_point(static_cast<int64_t>(i));
    q->set_branch_layer(pt.branch_layer);
    q->set_depth(pt.depth);
    for (int64_t d : pt.shape) q->add_shape(d);
    q->set_head_macs(pt.head_macs);
    q->set_head_weight_bytes(pt.head_weight_bytes);
    q->set_exit_latency_cycles(pt.exit_scenario.latency_cycles);
    q->set_exit_energy_pj(pt.exit_scenario.energy_pj);
    q->set_final_latency_cycles(pt.final_scenario.latency_cycles);
    q->set_final_energy_pj(pt.final_scenario.energy_pj);
    for (const SweepOutcome& o : pt.outcomes) set_outcome(*q->add_outcomes(), o);
  }
  return p;
}

std::string sweep_csv(const report::SweepReport& r) {
  std::string s =
      "point,branch_layer,depth,channels,height,width,head_macs,p,exit_latency_cycles,"
      "final_latency_cycles,exit_energy_pj,final_energy_pj,expected_latency_cycles,"
      "expected_energy_pj,expected_edp_pj_cycles,edp_of_means_pj_cycles,baseline_edp_pj_cycles\n";
  for (const report::SweepPoint& pt : r.points()) {
    const std::string head = std::to_string(pt.point()) + "," + csv_quote(pt.branch_layer()) + "," +
                             std::to_string(pt.depth()) + "," + std::to_string(pt.shape(1)) + "," +
                             std::to_string(pt.shape(2)) + "," + std::to_string(pt.shape(3)) + "," +
                             std::to_string(pt.head_macs()) + ",";
    for (const report::SweepOutcome& o : pt.outcomes())
      s += head + g10(o.p()) + "," + std::to_string(o.exit_latency_cycles()) + "," +
           std::to_string(o.final_latency_cycles()) + "," + g10(o.exit_energy_pj()) + "," +
           g10(o.final_energy_pj()) + "," + g10(o.expected_latency_cycles()) + "," +
           g10(o.expected_energy_pj()) + "," + g10(o.expected_edp_pj_cycles()) + "," +
           g10(o.edp_of_means_pj_cycles()) + "," + g10(r.baseline().edp_pj_cycles()) + "\n";
  }
  return s;
}

}  // namespace eesim::sim
