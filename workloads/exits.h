#pragma once
// Finds the backbone and the early exits of an imported layer graph: which output is final,
// where each exit head forks off the backbone (its branch point), and their order by depth.
#include <optional>
#include <string>
#include <vector>

#include "workloads/workload.h"

namespace eesim::workloads {

struct OutputCandidate {
  std::string name;
  LayerId layer = 0;                // the layer writing this output
  std::optional<LayerId> decision;  // If-based exits: the layer computing the condition
};

struct ExitAnalysis {
  std::vector<Exit> exits;
  std::string final_output;
  LayerId final_layer = 0;
  std::vector<LayerId> backbone;
};

// `graph_outputs` are the model's outputs (one is final, the others are exits); `if_exits`
// are the exit branches of If nodes. Throws naming `source` when an exit shares nothing with
// the backbone or `final_override` is not an output.
ExitAnalysis analyze_exits(const LayerGraph& g, const std::vector<OutputCandidate>& graph_outputs,
                           const std::vector<OutputCandidate>& if_exits,
                           const std::string& final_override, const std::string& source);

// Layers the `roots` depend on through data edges, the roots included (indexed by LayerId).
std::vector<char> data_ancestors(const LayerGraph& g, const std::vector<LayerId>& roots);
inline std::vector<char> data_ancestors(const LayerGraph& g, LayerId v) {
  return data_ancestors(g, std::vector<LayerId>{v});
}

// Per layer, the longest data path from a graph input to it, counted in layers (a layer no
// other layer feeds has depth 1). `Exit::depth` is this at the branch point. Ids topological.
std::vector<int64_t> data_depths(const LayerGraph& g);

}  // namespace eesim::workloads
