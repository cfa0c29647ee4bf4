#include "sim/results/sweep_report.h"

#include <cstdio>

#include "common/csv.h"
#include "common/json_writer.h"

namespace eesim::sim {

std::string sweep_csv(const SweepResult& r) {
  std::string s =
      "point,branch_layer,depth,channels,height,width,head_macs,p,exit_latency_cycles,"
      "final_latency_cycles,exit_energy_pj,final_energy_pj,expected_latency_cycles,"
      "expected_energy_pj,expected_edp_pj_cycles,edp_of_means_pj_cycles,baseline_edp_pj_cycles\n";
  const auto g = [](double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return std::string(buf);
  };
  for (size_t i = 0; i < r.points.size(); ++i) {
    const auto& pt = r.points[i];
    for (const auto& o : pt.outcomes) {
      s += std::to_string(i) + "," + csv_quote(pt.branch_layer) + "," + std::to_string(pt.depth) +
           "," + std::to_string(pt.shape[1]) + "," + std::to_string(pt.shape[2]) + "," +
           std::to_string(pt.shape[3]) + "," + std::to_string(pt.head_macs) + "," +
           g(o.exit_probability) + "," + std::to_string(o.exit_scenario.latency_cycles) + "," +
           std::to_string(o.final_scenario.latency_cycles) + "," + g(o.exit_scenario.energy_pj) +
           "," + g(o.final_scenario.energy_pj) + "," + g(o.expected_latency_cycles) + "," +
           g(o.expected_energy_pj) + "," + g(o.expected_edp_pj_cycles) + "," +
           g(o.edp_of_means_pj_cycles) + "," + g(r.baseline_edp_pj_cycles) + "\n";
    }
  }
  return s;
}

namespace {

void scenario_json(JsonWriter& j, const char* prefix, const ScenarioCost& c) {
  j.key(std::string(prefix) + "_latency_cycles").value(c.latency_cycles);
  j.key(std::string(prefix) + "_energy_pj").value(c.energy_pj);
}

}  // namespace

std::string sweep_json(const SweepResult& r, const SweepContext& c, const hw::Architecture& arch) {
  JsonWriter j;
  j.begin_object();
  j.key("model").value(c.model).key("arch").value(arch.name).key("arch_file").value(arch.source);
  j.key("head").value(r.head).key("policy").value(c.policy).key("fusion").value(c.fusion);
  j.key("probabilities").array(r.exit_probabilities);
  j.key("baseline").begin_object();
  j.key("latency_cycles").value(r.baseline.latency_cycles);
  j.key("energy_pj").value(r.baseline.energy_pj);
  j.key("edp_pj_cycles").value(r.baseline_edp_pj_cycles).end_object();
  j.key("points").begin_array();
  for (size_t i = 0; i < r.points.size(); ++i) {
    const auto& pt = r.points[i];
    j.begin_object().key("point").value(static_cast<int64_t>(i));
    j.key("branch_layer").value(pt.branch_layer).key("depth").value(pt.depth);
    j.key("shape").array(pt.shape).key("head_macs").value(pt.head_macs);
    j.key("head_weight_bytes").value(pt.head_weight_bytes);
    scenario_json(j, "exit", pt.exit_scenario);
    scenario_json(j, "final", pt.final_scenario);
    j.key("outcomes").begin_array();
    for (const auto& o : pt.outcomes) {
      j.begin_object().key("p").value(o.exit_probability);
      scenario_json(j, "exit", o.exit_scenario);
      scenario_json(j, "final", o.final_scenario);
      j.key("expected_latency_cycles").value(o.expected_latency_cycles);
      j.key("expected_energy_pj").value(o.expected_energy_pj);
      j.key("expected_edp_pj_cycles").value(o.expected_edp_pj_cycles);
      j.key("edp_of_means_pj_cycles").value(o.edp_of_means_pj_cycles).end_object();
    }
    j.end_array().end_object();
  }
  j.end_array().end_object();
  return j.str() + "\n";
}

}  // namespace eesim::sim
