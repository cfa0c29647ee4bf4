#pragma once
// The computation-node graph (DESIGN.md section 4): each layer of a fused stack is cut into
// bands of output rows, every other layer is one node, and edges follow receptive fields.
// A plain value type (STYLE.md rule 2): built once by build_cn_graph, read by allocation and
// the simulator.
#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "hw_models/tile.h"
#include "workloads/workload.h"

namespace eesim::mapping {

struct Cn {
  workloads::LayerId layer = 0;
  int64_t first_row = 0;  // output rows [first_row, first_row + rows) of the layer
  int64_t rows = 1;
  int64_t band = 0;    // index among its layer's nodes, top to bottom
  int64_t stack = -1;  // index into CnGraph::stacks; -1 when the layer is not fused
  hw::TileShape tile;  // what the cost models see (weights_resident left false)
  // Output channels [first_channel, first_channel + channels) of the layer: all of them unless
  // the layer is split by channels (mapping/split.h).
  int64_t first_channel = 0;
  int64_t channels = 1;
  int64_t part = 0;  // which part of a layer split across cores (Allocation::core_of); else 0
  // The first node of its layer (its part, when split) on its core: it fetches the weights the
  // later ones find there.
  bool fetches_weights = true;
  bool operator==(const Cn&) const = default;
};

struct CnDependency {
  workloads::EdgeKind kind = workloads::EdgeKind::kData;
  // Data edges: elements of the producer's output this node reads from that producer node (the
  // workload's edge between their layers names the tensor).
  int64_t elems = 0;
  bool operator==(const CnDependency&) const = default;
};

// Edges kept in a vector (EdgeList = vecS), not boost's default std::list: graphs are built once
// and never lose an edge, and a list node per edge was an allocation per dependency (a split
// ResNet-18 in 1-row bands has tens of thousands).
using CnGraphT = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, Cn,
                                       CnDependency, boost::no_property, boost::vecS>;
using CnId = CnGraphT::vertex_descriptor;

struct CnGraph {
  std::vector<std::vector<CnId>> layer_cns;             // per LayerId, its nodes top to bottom
  std::vector<std::vector<workloads::LayerId>> stacks;  // fused stacks, topological

  // The nodes and edges; vertex ids in topological order.
  CnGraphT& graph() { return *graph_; }
  const CnGraphT& graph() const { return *graph_; }

  // Moves really move. boost::adjacency_list has no move constructor, and its swap copies the
  // graph three times (Boost 1.74, Debian 12; adjacency_list.hpp: "Is there a more efficient way to
  // do this?"): a defaulted move, or one by swap, copied every node and edge (a quarter of an
  // evaluation's time on a split graph of 3,000 nodes). Held on the heap, it moves by pointer;
  // a moved-from CnGraph is empty.
  CnGraph() = default;
  CnGraph(const CnGraph& o)
      : layer_cns(o.layer_cns), stacks(o.stacks), graph_(std::make_unique<CnGraphT>(*o.graph_)) {}
  CnGraph& operator=(const CnGraph& o) {
    if (this != &o) *this = CnGraph(o);
    return *this;
  }
  CnGraph(CnGraph&& o) noexcept { *this = std::move(o); }
  CnGraph& operator=(CnGraph&& o) noexcept {
    layer_cns = std::move(o.layer_cns);
    stacks = std::move(o.stacks);
    graph_.swap(o.graph_);
    return *this;
  }

  size_t num_cns() const { return boost::num_vertices(*graph_); }
  const Cn& cn(CnId id) const { return (*graph_)[id]; }
  int64_t total_macs() const;

 private:
  std::unique_ptr<CnGraphT> graph_ = std::make_unique<CnGraphT>();
};

bool operator==(const CnGraph& a, const CnGraph& b);
std::ostream& operator<<(std::ostream& os, const CnGraph& g);

struct FusionOptions {
  enum class Mode {
    kOff,   // layer by layer: one node per layer
    kRows,  // every run of consecutive row-splittable layers is a stack
    kAuto,  // stacks grow while their weights and live bands fit memory_budget_bytes
  };
  Mode mode = Mode::kOff;
  int64_t rows_per_cn = 1;  // band height in output rows (kRows, kAuto, user stacks)
  // User-given stacks, by layer name; each must name layers that can be cut into rows. When
  // non-empty, these are the only stacks (mode is ignored).
  std::vector<std::vector<std::string>> stacks;
  int64_t memory_budget_bytes = 0;  // kAuto: on-chip bytes a stack may hold
  int64_t word_bytes = 1;           // kAuto: bytes per weight and activation element
};

// True when the layer can be cut into bands of output rows: an [N, C, H, W] output with H > 1
// whose every input is [N, C', H', W'] (a sliding window or the same height).
bool row_splittable(const workloads::Workload& w, workloads::LayerId v);

// Throws eesim::Error for a user stack naming an unknown or unsplittable layer, or a layer
// twice.
CnGraph build_cn_graph(const workloads::Workload& w, const FusionOptions& options);

// Adds the edges into every layer's nodes (g.layer_cns) from its producers' nodes, once every
// layer's nodes are in g: a node reads the producer rows its receptive field covers and, from a
// producer split by channels, the channels it reads (all of them, or its own for per-channel
// layers; mapping/split.h). Layer by layer, each node's edges in input order; each edge list is
// sized once. Used by build_cn_graph and apply_splits.
void connect_all_inputs(const workloads::Workload& w, CnGraph& g);

}  // namespace eesim::mapping
