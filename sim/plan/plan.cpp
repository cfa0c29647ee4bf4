#include "sim/plan/plan.h"

#include <algorithm>
#include <tuple>

#include "common/checked_math.h"
#include "hw_models/core_model.h"
#include "hw_models/datapath.h"
#include "hw_models/dram.h"
#include "hw_models/noc.h"
#include "mapping/split.h"
#include "workloads/exits.h"

namespace eesim::sim {
namespace {

using mapping::CnId;
using workloads::LayerId;

std::array<int64_t, 3> priority_of(const mapping::CnGraph& g, const mapping::Cn& cn) {
  if (cn.stack < 0) return {static_cast<int64_t>(cn.layer), 0, 0};
  const auto first = static_cast<int64_t>(g.stacks[static_cast<size_t>(cn.stack)].front());
  return {first, cn.band, static_cast<int64_t>(cn.layer)};
}

bool reads_graph_input(const workloads::Workload& w, LayerId v) {
  for (auto [e, end] = boost::in_edges(v, w.graph); e != end; ++e)
    if (w.graph[*e].kind == workloads::EdgeKind::kData) return false;
  return !w.layer(v).inputs.empty();
}

// Layers the scenario runs: what it needs, or under `speculate` everything any scenario needs
// (work past the exit may start before the exit fires).
std::vector<char> runs(const workloads::Workload& w, const Scenario& s, ExitPolicy policy) {
  if (policy == ExitPolicy::kWait) return s.needed;
  std::vector<LayerId> ends{w.final_layer};
  for (const auto& e : w.exits) ends.push_back(e.output_layer);
  return workloads::data_ancestors(w.graph, ends);
}

// The multicast key of the data edges into `cn` (PlanEdge::multicast): its layer and band when
// it is one channel part of a band whose parts all read the same input, else -1. Per layer,
// whether its channel parts read all input channels is looked up once (`reads_all`: -1 unknown).
int64_t multicast_key(const workloads::Workload& w, const mapping::Cn& cn,
                      std::vector<signed char>& reads_all) {
  signed char& known = reads_all[cn.layer];
  if (known < 0) {
    const workloads::Layer& l = w.layer(cn.layer);
    known = cn.channels != mapping::output_channels(l) &&
            mapping::channel_cut(w, cn.layer).reads_all_channels;
  }
  return known ? (static_cast<int64_t>(cn.layer) << 32) + cn.band : -1;
}

}  // namespace

std::string describe_plan_node(const workloads::Workload& w, const mapping::CnGraph& g,
                               const Plan& plan, size_t node) {
  const mapping::Cn& cn = g.cn(plan.nodes.at(node).cn);
  std::string out = "CN '" + w.layer(cn.layer).name + "' rows " + std::to_string(cn.first_row) +
                    "-" + std::to_string(cn.first_row + cn.rows - 1);
  if (cn.channels != mapping::output_channels(w.layer(cn.layer)))
    out += " channels " + std::to_string(cn.first_channel) + "-" +
           std::to_string(cn.first_channel + cn.channels - 1);
  return out + " (band " + std::to_string(cn.band) + ")";
}

PlanTables plan_tables(const workloads::Workload& w, const mapping::CnGraph& g,
                       const mapping::Allocation& alloc, const hw::Architecture& arch,
                       hw::CostCache& cache) {
  PlanTables t;
  t.residency = mapping::resident_weights(w, g, alloc, arch);
  t.gates = wait_gates(w);
  std::vector<int64_t> word_bytes;  // per core, looked up once (a registry search each)
  for (const hw::CoreSpec& spec : arch.cores)
    word_bytes.push_back(hw::core_model(spec).word_bytes(spec));
  std::vector<signed char> reads_all(w.num_layers(), -1);
  std::vector<signed char> graph_input(w.num_layers(), -1);
  t.nodes.reserve(g.num_cns());
  for (CnId c = 0; c < g.num_cns(); ++c) {
    const mapping::Cn& cn = g.cn(c);
    const size_t core = alloc.core_of(cn);
    const hw::Cost& cost = mapping::cn_cost(w, cn, core, cache, t.residency.of_cn[c] != 0);
    const int64_t wb = word_bytes[core];
    PlanNode n{c,
               cn.layer,
               core,
               cost.compute_cycles,
               cost.dram_bytes(),
               hw::operand_bytes(cn.tile.out_elems, cn.tile.output_bits, wb),
               cost.energy,
               cost.macs,
               priority_of(g, cn),
               {}};
    signed char& reads_input = graph_input[cn.layer];
    if (reads_input < 0) reads_input = reads_graph_input(w, cn.layer) ? 1 : 0;
    if (reads_input) {  // the input arrives in DRAM
      const int64_t bytes = hw::operand_bytes(cn.tile.in_elems, cn.tile.input_bits, wb);
      n.dram_bytes = checked_add(n.dram_bytes, bytes, "graph input bytes");
      n.energy.dram += hw::dram_energy_pj(arch.drams[hw::nearest_dram(arch, core)], bytes);
    }
    const int64_t key = multicast_key(w, cn, reads_all);
    for (auto [e, end] = boost::in_edges(c, g.graph()); e != end; ++e) {
      const CnId from = boost::source(*e, g.graph());
      const mapping::CnDependency& d = g.graph()[*e];
      // The producer's output, as its core writes it (hw_models/datapath.h).
      const int64_t bytes = hw::operand_bytes(d.elems, w.layer(g.cn(from).layer).output_bits,
                                              word_bytes[alloc.core_of(g.cn(from))]);
      n.inputs.push_back(
          {from, bytes, d.kind == workloads::EdgeKind::kData && d.elems > 0 ? key : -1});
    }
    t.nodes.push_back(std::move(n));
  }
  std::vector<CnId> order(t.nodes.size());
  for (CnId c = 0; c < order.size(); ++c) order[c] = c;
  std::sort(order.begin(), order.end(), [&](CnId a, CnId b) {
    return std::tie(t.nodes[a].priority, a) < std::tie(t.nodes[b].priority, b);
  });
  t.rank.resize(order.size());
  for (size_t r = 0; r < order.size(); ++r) t.rank[order[r]] = r;
  return t;
}

Plan make_plan(const PlanTables& tables, const workloads::Workload& w, const mapping::CnGraph& g,
               const Scenario& scenario, ExitPolicy policy) {
  const std::vector<char> active = runs(w, scenario, policy);
  std::vector<size_t> index(g.num_cns(), SIZE_MAX);
  Plan plan;
  plan.nodes.reserve(g.num_cns());
  plan.rank.reserve(g.num_cns());
  // Resident weights occupy their cores whichever exit an input takes.
  plan.resident_weight_bytes = tables.residency.bytes_per_core;
  for (CnId c = 0; c < g.num_cns(); ++c) {
    const PlanNode& node = tables.nodes[c];
    if (!active[node.layer]) continue;
    PlanNode n{node.cn,        node.layer,  node.core, node.compute_cycles, node.dram_bytes,
               node.out_bytes, node.energy, node.macs, node.priority,       {}};
    n.inputs.reserve(node.inputs.size());
    for (const PlanEdge& e : node.inputs) {
      const size_t from = index[e.from];
      if (from == SIZE_MAX) continue;  // a producer this scenario does not run
      n.inputs.push_back({from, e.bytes, e.multicast});
    }
    index[c] = plan.nodes.size();
    plan.nodes.push_back(std::move(n));
    plan.rank.push_back(tables.rank[c]);
  }
  if (policy == ExitPolicy::kWait) {  // gates: past a branch point, wait for the decision
    for (const Gate& gate : tables.gates) {
      if (!active[gate.decision]) continue;
      const size_t decision = index[g.layer_cns[gate.decision].back()];
      for (LayerId v : gate.gated)
        if (active[v])
          for (CnId c : g.layer_cns[v]) plan.nodes[index[c]].inputs.push_back({decision, 0});
    }
  }
  for (CnId c : g.layer_cns[scenario.end_layer]) plan.end_nodes.push_back(index[c]);
  return plan;
}

Plan make_plan(const workloads::Workload& w, const mapping::CnGraph& g,
               const mapping::Allocation& alloc, const hw::Architecture& arch, hw::CostCache& cache,
               const Scenario& scenario, ExitPolicy policy) {
  return make_plan(plan_tables(w, g, alloc, arch, cache), w, g, scenario, policy);
}

}  // namespace eesim::sim
