// Backbone and exit analysis on the layer graph (vertex ids are topological).
#include "workloads/exits.h"

#include <algorithm>

#include "common/error.h"

namespace eesim::workloads {

std::vector<char> data_ancestors(const LayerGraph& g, const std::vector<LayerId>& roots) {
  std::vector<char> seen(boost::num_vertices(g), 0);
  std::vector<LayerId> stack = roots;
  for (LayerId v : roots) seen[v] = 1;
  while (!stack.empty()) {
    const LayerId u = stack.back();
    stack.pop_back();
    for (auto [e, end] = boost::in_edges(u, g); e != end; ++e) {
      if (g[*e].kind != EdgeKind::kData) continue;
      const LayerId s = boost::source(*e, g);
      if (!seen[s]) {
        seen[s] = 1;
        stack.push_back(s);
      }
    }
  }
  return seen;
}

std::vector<int64_t> data_depths(const LayerGraph& g) {
  std::vector<int64_t> d(boost::num_vertices(g), 1);
  for (LayerId v = 0; v < d.size(); ++v)
    for (auto [e, end] = boost::in_edges(v, g); e != end; ++e)
      if (g[*e].kind == EdgeKind::kData) d[v] = std::max(d[v], d[boost::source(*e, g)] + 1);
  return d;
}

namespace {

size_t choose_final(const LayerGraph& g, const std::vector<OutputCandidate>& outputs,
                    const std::string& override_name, const std::string& source) {
  if (!override_name.empty()) {
    std::string names;
    for (size_t i = 0; i < outputs.size(); ++i) {
      if (outputs[i].name == override_name) return i;
      names += (i ? ", " : "") + outputs[i].name;
    }
    throw Error(source + ": final output '" + override_name +
                "' is not a graph output (outputs: " + names + ")");
  }
  // The backbone is the output with the most layers behind it; ties go to the first listed.
  size_t best = 0;
  int64_t best_count = -1;
  for (size_t i = 0; i < outputs.size(); ++i) {
    const auto anc = data_ancestors(g, outputs[i].layer);
    const int64_t count = std::count(anc.begin(), anc.end(), 1);
    if (count > best_count) best = i, best_count = count;
  }
  return best;
}

}  // namespace

ExitAnalysis analyze_exits(const LayerGraph& g, const std::vector<OutputCandidate>& graph_outputs,
                           const std::vector<OutputCandidate>& if_exits,
                           const std::string& final_override, const std::string& source) {
  ExitAnalysis out;
  const size_t fi = choose_final(g, graph_outputs, final_override, source);
  out.final_output = graph_outputs[fi].name;
  out.final_layer = graph_outputs[fi].layer;
  const auto backbone = data_ancestors(g, out.final_layer);
  for (LayerId v = 0; v < backbone.size(); ++v)
    if (backbone[v]) out.backbone.push_back(v);
  const auto depth = data_depths(g);

  std::vector<std::pair<OutputCandidate, bool>> candidates;
  for (size_t i = 0; i < graph_outputs.size(); ++i)
    if (i != fi) candidates.emplace_back(graph_outputs[i], false);
  for (const OutputCandidate& c : if_exits) candidates.emplace_back(c, true);

  for (const auto& [c, conditional] : candidates) {
    Exit e;
    e.name = c.name;
    e.output_layer = c.layer;
    e.conditional = conditional;
    auto head = data_ancestors(g, c.layer);
    bool found = false;
    for (LayerId v = 0; v < head.size(); ++v)
      if (head[v] && backbone[v] && (!found || depth[v] >= depth[e.branch_point])) {
        e.branch_point = v;
        found = true;
      }
    if (!found)
      throw Error(source + ": exit '" + c.name + "' shares no layer with the backbone ending at '" +
                  out.final_output + "'");
    if (c.decision) {  // the confidence test belongs to the exit head
      const auto decision = data_ancestors(g, *c.decision);
      for (LayerId v = 0; v < head.size(); ++v) head[v] |= decision[v];
    }
    for (LayerId v = 0; v < head.size(); ++v)
      if (head[v] && !backbone[v]) e.head.push_back(v);
    e.depth = depth[e.branch_point];
    out.exits.push_back(std::move(e));
  }
  std::stable_sort(out.exits.begin(), out.exits.end(), [](const Exit& a, const Exit& b) {
    if (a.depth != b.depth) return a.depth < b.depth;
    if (a.branch_point != b.branch_point) return a.branch_point < b.branch_point;
    return a.name < b.name;
  });
  return out;
}

}  // namespace eesim::workloads
