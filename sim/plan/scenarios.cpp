#include "sim/plan/scenarios.h"

#include "workloads/exits.h"

namespace eesim::sim {

using workloads::LayerId;
using workloads::Workload;

namespace {

// Layers `root` cannot start before (root included): its producers through data and control
// edges and, for a gated layer, the decisions `waits_for` lists, transitively.
std::vector<char> waited_for(const Workload& w, LayerId root,
                             const std::vector<std::vector<LayerId>>& waits_for) {
  std::vector<char> seen(w.num_layers(), 0);
  std::vector<LayerId> stack{root};
  seen[root] = 1;
  const auto visit = [&](LayerId u) {
    if (!seen[u]) seen[u] = 1, stack.push_back(u);
  };
  while (!stack.empty()) {
    const LayerId v = stack.back();
    stack.pop_back();
    for (auto [in, end] = boost::in_edges(v, w.graph); in != end; ++in)
      visit(boost::source(*in, w.graph));
    for (LayerId d : waits_for[v]) visit(d);
  }
  return seen;
}

}  // namespace

std::vector<Scenario> make_scenarios(const Workload& w, const workloads::ExitProfile& profile) {
  std::vector<Scenario> out;
  std::vector<LayerId> ends;  // exit outputs so far: an input passes every earlier exit's test
  for (size_t i = 0; i < w.exits.size(); ++i) {
    ends.push_back(w.exits[i].output_layer);
    out.push_back({w.exits[i].name, profile.p.at(i), w.exits[i].output_layer,
                   workloads::data_ancestors(w.graph, ends)});
  }
  ends.push_back(w.final_layer);
  out.push_back(
      {w.final_output, profile.p_final, w.final_layer, workloads::data_ancestors(w.graph, ends)});
  return out;
}

std::vector<Gate> wait_gates(const Workload& w) {
  std::vector<Gate> gates;
  std::vector<char> shallower_heads(w.num_layers(), 0);
  std::vector<std::vector<LayerId>> waits_for(w.num_layers());  // gates so far, per layer
  for (size_t j = 0; j < w.exits.size(); ++j) {
    const auto& e = w.exits[j];
    // Not only the exit's data ancestors: everything its decision waits for through control
    // edges and the gates of shallower exits. A layer in there that waited for this decision
    // would wait for itself, and the scenario would never end: a shallower exit's head can read
    // a tensor the backbone also reads, which puts it on the backbone past this branch point
    // while this exit waits for that shallower exit's decision.
    const auto before_decision = waited_for(w, e.output_layer, waits_for);
    const auto behind_branch = workloads::data_ancestors(w.graph, e.branch_point);
    Gate g{j, e.output_layer, {}};
    for (LayerId v = 0; v < w.num_layers(); ++v) {
      if (before_decision[v] || shallower_heads[v]) continue;
      for (auto [in, end] = boost::in_edges(v, w.graph); in != end; ++in)
        if (w.graph[*in].kind == workloads::EdgeKind::kData &&
            behind_branch[boost::source(*in, w.graph)]) {
          g.gated.push_back(v);
          waits_for[v].push_back(e.output_layer);
          break;
        }
    }
    gates.push_back(std::move(g));
    for (LayerId v : e.head) shallower_heads[v] = 1;
  }
  return gates;
}

}  // namespace eesim::sim
