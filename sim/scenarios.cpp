#include "sim/scenarios.h"

#include "workloads/exits.h"

namespace eesim::sim {

using workloads::LayerId;
using workloads::Workload;

std::vector<Scenario> make_scenarios(const Workload& w, const workloads::ExitProfile& profile) {
  std::vector<Scenario> out;
  std::vector<LayerId> ends;  // exit outputs so far: an input passes every earlier exit's test
  for (size_t i = 0; i < w.exits.size(); ++i) {
    ends.push_back(w.exits[i].output_layer);
    out.push_back({w.exits[i].name, profile.p.at(i), w.exits[i].output_layer,
                   workloads::data_ancestors(w.graph, ends)});
  }
  ends.push_back(w.final_layer);
  out.push_back({w.final_output, profile.p_final, w.final_layer,
                 workloads::data_ancestors(w.graph, ends)});
  return out;
}

std::vector<Gate> wait_gates(const Workload& w) {
  std::vector<Gate> gates;
  std::vector<char> shallower_heads(w.num_layers(), 0);
  for (size_t j = 0; j < w.exits.size(); ++j) {
    const auto& e = w.exits[j];
    const auto behind_exit = workloads::data_ancestors(w.graph, e.output_layer);
    const auto behind_branch = workloads::data_ancestors(w.graph, e.branch_point);
    Gate g{j, e.output_layer, {}};
    for (LayerId v = 0; v < w.num_layers(); ++v) {
      if (behind_exit[v] || shallower_heads[v]) continue;
      for (auto [in, end] = boost::in_edges(v, w.graph); in != end; ++in)
        if (w.graph[*in].kind == workloads::EdgeKind::kData &&
            behind_branch[boost::source(*in, w.graph)]) {
          g.gated.push_back(v);
          break;
        }
    }
    gates.push_back(std::move(g));
    for (LayerId v : e.head) shallower_heads[v] = 1;
  }
  return gates;
}

}  // namespace eesim::sim
