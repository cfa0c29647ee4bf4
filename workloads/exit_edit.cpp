// Exits dropped, kept or mounted on a loaded workload (workloads/exit_edit.h).
#include "workloads/exit_edit.h"

#include <algorithm>
#include <set>

#include "common/error.h"
#include "common/names_text.h"

namespace eesim::workloads {
namespace {

std::vector<std::string> exit_names(const Workload& w) {
  std::vector<std::string> names;
  for (const Exit& e : w.exits) names.push_back(e.name);
  return names;
}

bool was_dropped(const Workload& w, const std::string& name) {
  return std::find(w.dropped_exits.begin(), w.dropped_exits.end(), name) != w.dropped_exits.end();
}

// "exits of model.onnx: exit1, exit3; dropped: exit2", for errors about an exit name.
std::string known_exits(const Workload& w) {
  const std::string known = join_names(exit_names(w));
  std::string text = "exits of " + (w.name.empty() ? "the model" : w.name) + ": " +
                     (known.empty() ? "none" : known);
  if (!w.dropped_exits.empty()) text += "; dropped: " + join_names(w.dropped_exits);
  return text;
}

void check_exit_names(const Workload& w, const std::vector<std::string>& names, bool may_be_gone,
                      const char* what) {
  const std::vector<std::string> exits = exit_names(w);
  for (const std::string& name : names) {
    if (std::find(exits.begin(), exits.end(), name) != exits.end()) continue;
    if (may_be_gone && was_dropped(w, name)) continue;
    if (name == w.final_output)
      throw Error(w.error_prefix() + what + " '" + name +
                  "': it is the final output, which every model keeps");
    throw Error(w.error_prefix() + what + " '" + name +
                "': " + (was_dropped(w, name) ? "that exit was dropped before" : "no such exit") +
                " (" + known_exits(w) + ")");
  }
}

// `w` keeping the exits for which `keep_exit` is true, and the layers the backbone or they need.
// Layer ids are topological and kept layers keep their order, so the new ids are ranks among
// them and the graph is rebuilt vertex by vertex as the importer builds it.
template <typename Keep>
Workload with_exits_where(const Workload& w, Keep keep_exit) {
  std::vector<char> keep(w.num_layers(), 0);
  for (LayerId v : w.backbone) keep[v] = 1;
  Workload out;
  out.name = w.name;
  out.inputs = w.inputs;
  out.final_output = w.final_output;
  out.pruned = w.pruned;
  out.dropped_exits = w.dropped_exits;
  for (const Exit& e : w.exits) {
    if (keep_exit(e)) {
      keep[e.output_layer] = 1;
      for (LayerId v : e.head) keep[v] = 1;
    } else if (!was_dropped(out, e.name)) {
      out.dropped_exits.push_back(e.name);
    }
  }
  std::vector<LayerId> new_id(w.num_layers(), 0);
  std::vector<std::string> gone;  // names of the layers removed
  for (LayerId v = 0; v < w.num_layers(); ++v) {
    if (keep[v])
      new_id[v] = boost::add_vertex(w.graph[v], out.graph);
    else
      gone.push_back(w.layer(v).name);
  }
  for (auto [e, end] = boost::edges(w.graph); e != end; ++e) {
    const LayerId s = boost::source(*e, w.graph), t = boost::target(*e, w.graph);
    if (keep[s] && keep[t]) boost::add_edge(new_id[s], new_id[t], w.graph[*e], out.graph);
  }
  for (LayerId v : w.backbone) out.backbone.push_back(new_id[v]);
  out.final_layer = new_id[w.final_layer];
  for (const Exit& e : w.exits) {
    if (!keep_exit(e)) continue;
    Exit x = e;  // its depth is its branch point's, whose ancestors are all backbone layers
    x.output_layer = new_id[e.output_layer];
    x.branch_point = new_id[e.branch_point];
    for (LayerId& v : x.head) v = new_id[v];
    out.exits.push_back(std::move(x));
  }
  // The import's warnings begin "layer 'NAME': ": those about removed layers go.
  for (const std::string& warning : w.warnings)
    if (std::none_of(gone.begin(), gone.end(), [&](const std::string& name) {
          return warning.starts_with("layer '" + name + "': ");
        }))
      out.warnings.push_back(warning);
  return out;
}

}  // namespace

Workload drop_exits(const Workload& w, const std::vector<std::string>& names) {
  check_exit_names(w, names, true, "cannot drop exit");
  const std::set<std::string> dropped(names.begin(), names.end());
  return with_exits_where(w, [&](const Exit& e) { return dropped.count(e.name) == 0; });
}

Workload keep_exits(const Workload& w, const std::vector<std::string>& names) {
  check_exit_names(w, names, false, "cannot keep exit");
  const std::set<std::string> kept(names.begin(), names.end());
  return with_exits_where(w, [&](const Exit& e) { return kept.count(e.name) > 0; });
}

Workload mount_exit_at(const Workload& w, const std::string& layer, const HeadTemplate& head,
                       const std::string& exit_name) {
  const auto branch = w.find_layer(layer);
  if (!branch)
    throw Error(w.error_prefix() + "cannot mount exit '" + exit_name + "': no layer named '" +
                layer + "'");
  Workload out = mount_exit(w, *branch, head, exit_name);
  std::erase(out.dropped_exits, exit_name);
  return out;
}

}  // namespace eesim::workloads
