#include "sim/studies/simulate.h"

#include <algorithm>
#include <string>

#include "common/checked_math.h"
#include "common/error.h"
#include "hw_models/core_model.h"
#include "hw_models/datapath.h"
#include "sim/plan/plan.h"
#include "sim/plan/scenarios.h"

namespace eesim::sim {
namespace {

// The layers whose outputs a scenario writes: the exits it passes or takes, and the final
// output when it reaches it.
std::vector<workloads::LayerId> scenario_outputs(const workloads::Workload& w, const Scenario& s) {
  std::vector<workloads::LayerId> out;
  for (const auto& e : w.exits)
    if (s.needed[e.output_layer]) out.push_back(e.output_layer);
  if (s.needed[w.final_layer]) out.push_back(w.final_layer);
  return out;
}

// Every expected figure of `r` from its scenarios' runs and probabilities, summed in scenario
// order (so a reweighed report equals a fresh simulation to the last bit).
void weigh(Report& r, size_t cores) {
  r.expected_latency_cycles = r.expected_energy_pj = r.expected_edp_pj_cycles = 0;
  r.expected_dynamic_energy_pj = r.expected_noc_energy_pj = r.expected_static_energy_pj = 0;
  r.expected_lower_bound_cycles = r.expected_idle_while_waiting_cycles = 0;
  r.expected_core_busy_cycles.assign(cores, 0.0);
  r.expected_core_dynamic_energy_pj.assign(cores, 0.0);
  r.expected_core_static_energy_pj.assign(cores, 0.0);
  r.expected_layer_energy.assign(r.scenarios.empty() ? 0 : r.scenarios.front().energy.layers.size(),
                                 {});
  r.core_peak_memory_bytes.assign(cores, 0);
  r.links.clear();
  for (const ScenarioResult& s : r.scenarios) {
    const ScenarioRun& run = s.run;
    const double p = s.probability, l = static_cast<double>(run.latency_cycles),
                 e = run.energy_pj();
    r.expected_latency_cycles += p * l;
    r.expected_energy_pj += p * e;
    r.expected_edp_pj_cycles += p * e * l;
    r.expected_dynamic_energy_pj += p * run.dynamic_energy_pj;
    r.expected_noc_energy_pj += p * run.noc_energy_pj;
    r.expected_static_energy_pj += p * run.static_energy_pj;
    for (size_t v = 0; v < r.expected_layer_energy.size(); ++v) {
      const EnergyByKind& x = s.energy.layers[v];
      EnergyByKind& sum = r.expected_layer_energy[v];
      sum.compute_pj += p * x.compute_pj;
      sum.sram_pj += p * x.sram_pj;
      sum.dram_pj += p * x.dram_pj;
      sum.spill_pj += p * x.spill_pj;
      sum.noc_pj += p * x.noc_pj;
    }
    for (size_t c = 0; c < cores; ++c) {
      r.expected_core_busy_cycles[c] += p * static_cast<double>(run.core_busy_cycles[c]);
      r.expected_core_dynamic_energy_pj[c] += p * s.energy.core_dynamic_pj[c];
      r.expected_core_static_energy_pj[c] += p * s.energy.core_static_pj[c];
      r.core_peak_memory_bytes[c] =
          std::max(r.core_peak_memory_bytes[c], run.core_peak_memory_bytes[c]);
    }
    for (const Transfer& t : run.transfers) {
      const auto hold = static_cast<double>(t.hold_cycles);
      for (const hw::Link& link : t.route) {
        auto it = std::find_if(r.links.begin(), r.links.end(),
                               [&](const auto& b) { return b.link == link; });
        if (it == r.links.end())
          it = r.links.insert(r.links.end(), Report::LinkBusy{link, 0.0, 0.0, 0.0});
        it->expected_busy_cycles += p * hold;
        it->expected_bytes += p * static_cast<double>(t.bytes);
        it->expected_energy_pj += p * t.energy_pj / static_cast<double>(t.route.size());
      }
    }
    r.expected_lower_bound_cycles += p * static_cast<double>(s.lower_bound.cycles());
    r.expected_idle_while_waiting_cycles += p * static_cast<double>(run.idle_while_waiting_cycles);
  }
  r.edp_of_means_pj_cycles = r.expected_energy_pj * r.expected_latency_cycles;
}

}  // namespace

void reweigh(Report& r, const workloads::Workload& w, const workloads::ExitProfile& profile) {
  const std::vector<Scenario> scenarios = make_scenarios(w, profile);
  if (scenarios.size() != r.scenarios.size())
    throw Error("reweigh: the report has " + std::to_string(r.scenarios.size()) +
                " scenarios, the network " + std::to_string(scenarios.size()));
  for (size_t i = 0; i < scenarios.size(); ++i)
    r.scenarios[i].probability = scenarios[i].probability;
  weigh(r, r.expected_core_busy_cycles.size());
}

Report simulate(const workloads::Workload& w, const workloads::ExitProfile& profile,
                const mapping::CnGraph& g, const mapping::Allocation& alloc,
                const hw::Architecture& arch, hw::CostCache& cache, ExitPolicy policy,
                const mapping::CoreConstraints& constraints) {
  Report r;
  LayerBounds bounds = layer_bounds(w, arch, cache, constraints);
  PlanTables tables = plan_tables(w, g, alloc, arch, cache);
  for (const Scenario& s : make_scenarios(w, profile)) {
    Plan plan = make_plan(tables, w, g, s, policy);
    ScenarioRun run;
    try {
      run = run_plan(
          plan, arch, [&](const Plan& p, size_t i) { return describe_plan_node(w, g, p, i); },
          &bounds.runs_on);
    } catch (const Interrupted&) {
      throw;
    } catch (const Error& e) {  // the watchdog: time past 2^53 cycles, or a stuck plan
      throw Error(w.error_prefix() + "scenario '" + s.name + "': " + e.what());
    }
    const LowerBound bound = scenario_lower_bound(w, bounds, s.needed, scenario_outputs(w, s));
    EnergyAttribution energy = attribute_energy(plan, run, arch, w.num_layers());
    r.scenarios.push_back(
        {s.name, s.probability, std::move(plan), std::move(run), bound, std::move(energy)});
  }
  weigh(r, arch.cores.size());
  const mapping::Residency& residency = tables.residency;
  for (workloads::LayerId v = 0; v < w.num_layers(); ++v) {
    Report::LayerSummary l{alloc.core_of_layer[v], 0, w.layer(v).macs, residency.of_layer[v] != 0};
    // A split layer's compute is its slowest part's (the parts run side by side).
    std::vector<int64_t> part_cycles;
    for (mapping::CnId c : g.layer_cns[v]) {
      const mapping::Cn& cn = g.cn(c);
      if (part_cycles.size() <= static_cast<size_t>(cn.part))
        part_cycles.resize(static_cast<size_t>(cn.part) + 1, 0);
      int64_t& sum = part_cycles[static_cast<size_t>(cn.part)];
      sum = checked_add(sum, tables.nodes[c].compute_cycles, "layer compute cycles");
    }
    for (int64_t cycles : part_cycles) l.compute_cycles = std::max(l.compute_cycles, cycles);
    if (alloc.splits.empty() || alloc.splits[v].kind == mapping::SplitKind::kNone) {
      l.cores = {l.core};
    } else {
      l.split = alloc.splits[v].kind;
      l.cores = alloc.splits[v].cores;
    }
    l.weight_bits = w.layer(v).weight_bits;
    l.input_bits = w.layer(v).input_bits;
    l.output_bits = w.layer(v).output_bits;
    l.weight_density = w.layer(v).weight_density;
    // One copy of its weights: each channel part's share; a row split's parts each hold the
    // whole layer's weights, counted once (the first part's core's format).
    std::vector<char> seen_part;
    for (mapping::CnId c : g.layer_cns[v]) {
      const mapping::Cn& cn = g.cn(c);
      const auto part = static_cast<size_t>(cn.part);
      if (seen_part.size() <= part) seen_part.resize(part + 1, 0);
      if (seen_part[part]) continue;
      seen_part[part] = 1;
      const hw::CoreSpec& core = arch.cores[alloc.core_of(cn)];
      const int64_t word = hw::core_model(core).word_bytes(core);
      const hw::Datapath d = hw::datapath(core, word, cn.tile);
      if (l.split != mapping::SplitKind::kRows || part == 0)
        l.weight_bytes = checked_add(l.weight_bytes, d.weight_bytes, "network weight bytes");
      l.mac_passes = std::max(l.mac_passes, cn.tile.cls == hw::TileClass::kGemm ? d.passes : 1);
    }
    r.weight_bytes = checked_add(r.weight_bytes, l.weight_bytes, "network weight bytes");
    r.layers.push_back(l);
  }
  r.core_resident_weight_bytes = residency.bytes_per_core;
  r.roofline = hw::roofline(w, arch);
  r.runs_on = std::move(bounds.runs_on);
  return r;
}

}  // namespace eesim::sim
