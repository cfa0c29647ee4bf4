#include "sim/results/run_report.h"

#include <algorithm>
#include <cstdio>

namespace eesim::sim {

ReportContext run_context(const workloads::Workload& w, const EvaluateOptions& o,
                          const Evaluation& e) {
  ReportContext c{w.name, policy_text(o.policy), fusion_text(o), e.allocation.method,
                  static_cast<int64_t>(e.graph.num_cns())};
  c.precision = workloads::to_string(o.precision.mode);
  return c;
}
namespace {

void set_scenario_quality(report::ScenarioQuality& q, const ScenarioResult& s);

void add_scenarios(report::RunReport& p, const Report& r, const hw::Architecture& arch) {
  for (const auto& s : r.scenarios) {
    auto* q = p.add_scenarios();
    q->set_exit(s.exit);
    q->set_probability(s.probability);
    q->set_latency_cycles(s.run.latency_cycles);
    q->set_latency_ms(arch.ns(static_cast<double>(s.run.latency_cycles)) / 1e6);
    q->set_energy_pj(s.run.energy_pj());
    q->set_dynamic_energy_pj(s.run.dynamic_energy_pj);
    q->set_noc_energy_pj(s.run.noc_energy_pj);
    q->set_static_energy_pj(s.run.static_energy_pj);
    q->set_nodes(static_cast<int64_t>(s.plan.nodes.size()));
    q->set_noc_bytes(s.run.noc_bytes);
    q->set_dram_bytes(s.run.dram_bytes);
    q->set_spilled_bytes(s.run.spilled_bytes);
    set_scenario_quality(*q->mutable_quality(), s);
  }
}

double ratio(double a, double b) { return b > 0 ? a / b : 0.0; }

void set_layer_energy(report::Layer& q, const EnergyByKind& e) {
  q.set_energy_pj(e.total_pj());
  q.set_compute_energy_pj(e.compute_pj);
  q.set_sram_energy_pj(e.sram_pj);
  q.set_dram_energy_pj(e.dram_pj);
  q.set_spill_energy_pj(e.spill_pj);
  q.set_noc_energy_pj(e.noc_pj);
}

void set_scenario_quality(report::ScenarioQuality& q, const ScenarioResult& s) {
  const auto latency = static_cast<double>(s.run.latency_cycles);
  q.set_lower_bound_cycles(s.lower_bound.cycles());
  q.set_latency_over_bound(ratio(latency, static_cast<double>(s.lower_bound.cycles())));
  q.set_idle_while_waiting_cycles(s.run.idle_while_waiting_cycles);
  for (int64_t busy : s.run.core_busy_cycles) q.add_core_busy_cycles(busy);
}

void add_cores_and_links(report::RunReport& p, const Report& r, const hw::Architecture& arch) {
  for (size_t c = 0; c < arch.cores.size(); ++c) {
    auto* q = p.add_cores();
    const double busy = r.expected_core_busy_cycles[c];
    q->set_name(arch.cores[c].name);
    q->set_busy_cycles(busy);
    q->set_utilization(r.expected_latency_cycles > 0 ? busy / r.expected_latency_cycles : 0.0);
    q->set_peak_memory_bytes(r.core_peak_memory_bytes[c]);
    if (c < r.core_resident_weight_bytes.size())
      q->set_resident_weight_bytes(r.core_resident_weight_bytes[c]);
    const double dynamic = r.expected_core_dynamic_energy_pj[c],
                 stat = r.expected_core_static_energy_pj[c];
    q->set_energy_pj(dynamic + stat);
    q->set_dynamic_energy_pj(dynamic);
    q->set_static_energy_pj(stat);
  }
  for (const auto& l : r.links) {
    auto* q = p.add_links();
    q->add_from(l.link.from.x);
    q->add_from(l.link.from.y);
    q->add_to(l.link.to.x);
    q->add_to(l.link.to.y);
    q->set_busy_cycles(l.expected_busy_cycles);
    q->set_bytes(l.expected_bytes);
    q->set_energy_pj(l.expected_energy_pj);
  }
}

}  // namespace

report::RunReport run_message(const Report& r, const ReportContext& c, const workloads::Workload& w,
                              const hw::Architecture& arch) {
  report::RunReport p;
  set_context(p, c, arch);
  auto* e = p.mutable_expected();
  e->set_latency_cycles(r.expected_latency_cycles);
  e->set_latency_ms(arch.ns(r.expected_latency_cycles) / 1e6);
  e->set_energy_pj(r.expected_energy_pj);
  e->set_edp(r.expected_edp_pj_cycles);
  e->set_edp_of_means(r.edp_of_means_pj_cycles);
  e->set_edp_unit("pJ*cycles");
  e->set_dynamic_energy_pj(r.expected_dynamic_energy_pj);
  e->set_noc_energy_pj(r.expected_noc_energy_pj);
  e->set_static_energy_pj(r.expected_static_energy_pj);
  add_scenarios(p, r, arch);
  add_cores_and_links(p, r, arch);
  for (workloads::LayerId v = 0; v < r.layers.size(); ++v) {
    auto* q = p.add_layers();
    q->set_name(w.layer(v).name);
    q->set_core(arch.cores[r.layers[v].core].name);
    q->set_compute_cycles(r.layers[v].compute_cycles);
    q->set_macs(r.layers[v].macs);
    q->set_weights_resident(r.layers[v].weights_resident);
    q->set_split(mapping::to_string(r.layers[v].split));
    for (size_t c : r.layers[v].cores) q->add_cores(arch.cores[c].name);
    q->set_weight_bits(r.layers[v].weight_bits);  // as simulated: after any overrides
    q->set_input_bits(r.layers[v].input_bits);
    q->set_output_bits(r.layers[v].output_bits);
    q->set_weight_density(r.layers[v].weight_density);
    q->set_weight_bytes(r.layers[v].weight_bytes);
    q->set_mac_passes(r.layers[v].mac_passes);
    if (v < r.expected_layer_energy.size()) set_layer_energy(*q, r.expected_layer_energy[v]);
  }
  p.set_precision(c.precision);
  p.set_weight_bytes(r.weight_bytes);
  for (const std::string& line : precision_notes(r)) p.add_notes(line);
  p.set_lower_bound_cycles(r.roofline.lower_bound_cycles());
  auto* q = p.mutable_quality();
  q->set_expected_lower_bound_cycles(r.expected_lower_bound_cycles);
  q->set_latency_over_bound(ratio(r.expected_latency_cycles, r.expected_lower_bound_cycles));
  q->set_expected_idle_while_waiting_cycles(r.expected_idle_while_waiting_cycles);
  q->set_idle_while_waiting_fraction(
      ratio(r.expected_idle_while_waiting_cycles, r.expected_latency_cycles));
  for (const std::string& line : idle_warnings(r)) q->add_warnings(line);
  return p;
}

std::vector<std::string> precision_notes(const Report& r) {
  int64_t layers = 0, most = 1, widest = 0;
  for (const auto& l : r.layers)
    if (l.mac_passes > 1) {
      ++layers;
      most = std::max(most, l.mac_passes);
      widest = std::max({widest, l.weight_bits, l.input_bits});
    }
  if (layers == 0) return {};
  return {std::to_string(layers) + " layer" + (layers > 1 ? "s have" : " has") +
          " operands (up to " + std::to_string(widest) +
          "-bit) wider than their core's MAC datapath: each MAC runs in " + "up to " +
          std::to_string(most) +
          " passes (arch.proto Precision). To price the network as an int8 chip runs it, " +
          "quantize it or pass --bits '*=8' (Python: bits=\"*=8\"); --precision memory prices " +
          "widths in memory traffic only"};
}

std::vector<std::string> idle_warnings(const Report& r) {
  std::vector<std::string> out;
  char buf[400];
  for (const auto& s : r.scenarios) {
    const auto latency = static_cast<double>(s.run.latency_cycles);
    const auto idle = static_cast<double>(s.run.idle_while_waiting_cycles);
    if (latency <= 0 || idle <= kIdleWhileWaitingWarnFraction * latency) continue;
    std::snprintf(buf, sizeof buf,
                  "scenario '%s': cores sat idle for %lld of its %lld cycles (%.1f%%) while "
                  "ready work they could run waited for a busy core; another allocation "
                  "could spread it",
                  s.exit.c_str(), static_cast<long long>(s.run.idle_while_waiting_cycles),
                  static_cast<long long>(s.run.latency_cycles), 100 * idle / latency);
    out.emplace_back(buf);
  }
  return out;
}

}  // namespace eesim::sim
