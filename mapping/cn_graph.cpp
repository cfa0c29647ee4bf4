// Workload -> CnGraph: cut fused layers into bands of output rows and connect each node to the
// producer nodes whose rows its receptive field reads (DESIGN.md section 4).
#include "mapping/cn_graph.h"

#include <algorithm>

#include "common/checked_math.h"
#include "common/error.h"
#include "mapping/fusion.h"
#include "mapping/split.h"

namespace eesim::mapping {
namespace {

using workloads::Layer;
using workloads::LayerId;
using workloads::Shape;
using workloads::Workload;

int64_t elems(const Shape& s) { return checked_product(s, "tensor elements"); }

int64_t height(const Shape& s) { return s.size() == 4 ? s[2] : 1; }

// The producer's output tensor an edge reads (a view keeps the producer's data, so an edge
// naming a view's output reads the producer's single output).
const Shape& produced_shape(const Layer& producer, const std::string& tensor) {
  for (const auto& t : producer.outputs)
    if (t.name == tensor) return t.shape;
  return producer.outputs.at(0).shape;
}

const Shape* consumed_shape(const Layer& consumer, const std::string& tensor) {
  for (const auto& t : consumer.inputs)
    if (t.name == tensor) return &t.shape;
  return consumer.inputs.size() == 1 ? &consumer.inputs[0].shape : nullptr;
}

void add_layer_nodes(const Workload& w, LayerId v, int64_t stack, int64_t rows_per_cn, CnGraph& g) {
  const Layer& l = w.layer(v);
  const int64_t h = hw::output_rows(l);
  const int64_t band = stack >= 0 ? rows_per_cn : h;
  for (int64_t first = 0, i = 0; first < h; first += band, ++i) {
    const int64_t rows = std::min(band, h - first);
    Cn cn{v, first, rows, i, stack, hw::row_band_tile(l, first, rows)};
    cn.channels = output_channels(l);
    cn.fetches_weights = i == 0;
    g.layer_cns[v].push_back(boost::add_vertex(cn, g.graph()));
  }
}

// Channels [first, last) of an input with `in_channels` channels that a node reads: all of them,
// unless the node is a channel part of a per-channel layer, which reads the channels that feed
// its own (scaled by in/out channels for a grouped convolution).
struct ChannelRange {
  int64_t first = 0, last = 0;
};

// What every node of layer v reads of one input edge: the facts of the edge, looked up once per
// edge rather than once per node (tensor names, shapes, the layer's channel cut).
class InputReader {
 public:
  InputReader(const Workload& w, LayerId v, const workloads::Dependency& dep, LayerId producer)
      : w_(w), v_(v), l_(w.layer(v)), produced_(produced_shape(w.layer(producer), dep.tensor)) {
    const Shape* consumed = consumed_shape(l_, dep.tensor);
    hp_ = height(produced_);
    per_row_ = elems(produced_) / hp_;
    produced_channels_ = produced_.size() >= 2 ? produced_[1] : 1;
    // Rows line up when the consumer reads a 4-D tensor of the producer's height (a band then
    // reads its receptive field; a whole-layer node, all rows).
    rows_line_up_ =
        consumed && consumed->size() == 4 && produced_.size() == 4 && (*consumed)[2] == hp_;
    // Channels line up unless the tensor is a view whose channels differ from the producer's.
    channels_line_up_ = consumed && consumed->size() >= 2 && (*consumed)[1] == produced_channels_;
    out_rows_ = hw::output_rows(l_);
    out_channels_ = output_channels(l_);
  }

  // Producer rows node `c` reads, or all of them when rows do not line up.
  hw::RowRange rows(const Cn& c) const {
    if (!rows_line_up_ || c.rows >= out_rows_) return {0, hp_ - 1};
    return hw::input_rows(l_, hp_, c.first_row, c.rows);
  }

  // Channels of the producer's output node `c` reads.
  ChannelRange channels(const Cn& c) {
    const int64_t in_channels = produced_channels_;
    if (!channels_line_up_ || c.channels == out_channels_) return {0, in_channels};
    if (!cut_known_) cut_ = channel_cut(w_, v_), cut_known_ = true;
    if (cut_.reads_all_channels) return {0, in_channels};
    return {c.first_channel * in_channels / out_channels_,
            (c.first_channel + c.channels) * in_channels / out_channels_};
  }

  int64_t per_row() const { return per_row_; }
  int64_t produced_channels() const { return produced_channels_; }

 private:
  const Workload& w_;
  LayerId v_;
  const Layer& l_;
  const Shape& produced_;
  int64_t hp_ = 1, per_row_ = 0, produced_channels_ = 1, out_rows_ = 1, out_channels_ = 1;
  bool rows_line_up_ = false, channels_line_up_ = false;
  ChannelCut cut_;  // the layer's, once a node of a channel part asks
  bool cut_known_ = false;
};

// An edge of the CN graph before it is added.
struct CnEdge {
  CnId from = 0, to = 0;
  CnDependency dep;
};

// Appends the edges into layer v's nodes: per input edge of the layer, per node of v top to
// bottom, the producer nodes it reads.
void input_edges(const Workload& w, LayerId v, const CnGraph& g, std::vector<CnEdge>& out) {
  for (auto [e, end] = boost::in_edges(v, w.graph); e != end; ++e) {
    const LayerId p = boost::source(*e, w.graph);
    const workloads::Dependency& dep = w.graph[*e];
    const std::vector<CnId>& from = g.layer_cns[p];
    if (g.layer_cns[v].empty()) continue;
    if (dep.kind == workloads::EdgeKind::kControl) {
      for (CnId c : g.layer_cns[v])
        for (CnId pc : from) out.push_back({pc, c, {dep.kind, 0}});
      continue;
    }
    InputReader reader(w, v, dep, p);
    const int64_t per_row = reader.per_row(), produced_channels = reader.produced_channels();
    for (CnId c : g.layer_cns[v]) {
      const hw::RowRange need = reader.rows(g.cn(c));
      const ChannelRange want = reader.channels(g.cn(c));
      // A layer's nodes go top to bottom (a channel split lists a band's parts together), so
      // the producer nodes this one reads are a run: from the first ending at or below
      // need.first to the last starting at or above need.last.
      const auto first = std::partition_point(from.begin(), from.end(), [&](CnId pc) {
        return g.cn(pc).first_row + g.cn(pc).rows - 1 < need.first;
      });
      for (auto it = first; it != from.end() && g.cn(*it).first_row <= need.last; ++it) {
        const Cn& pn = g.cn(*it);
        const int64_t lo = std::max(need.first, pn.first_row);
        const int64_t hi = std::min(need.last, pn.first_row + pn.rows - 1);
        if (hi < lo) continue;
        int64_t per_row_read = per_row;  // every channel: the unsplit case, exact
        const bool producer_whole = pn.channels == produced_channels;
        if (!producer_whole || want.last - want.first != produced_channels) {
          const int64_t first_channel =
              producer_whole ? want.first : std::max(want.first, pn.first_channel);
          const int64_t last_channel =
              producer_whole ? want.last : std::min(want.last, pn.first_channel + pn.channels);
          if (last_channel <= first_channel) continue;
          per_row_read = per_row / produced_channels * (last_channel - first_channel);
        }
        out.push_back({*it, c, {dep.kind, (hi - lo + 1) * per_row_read}});
      }
    }
  }
}

}  // namespace

void connect_all_inputs(const Workload& w, CnGraph& g) {
  std::vector<CnEdge> edges;
  for (LayerId v = 0; v < w.num_layers(); ++v) input_edges(w, v, g, edges);
  // Each edge list is reserved to its final size before the edges go in, in the order they
  // were listed: one allocation per list instead of a growth every few edges (boost has no
  // reserve; m_edges and m_vertices are adjacency_list's public members, Boost 1.74).
  CnGraphT& graph = g.graph();
  std::vector<uint32_t> outs(g.num_cns(), 0), ins(g.num_cns(), 0);
  for (const CnEdge& e : edges) ++outs[e.from], ++ins[e.to];
  graph.m_edges.reserve(graph.m_edges.size() + edges.size());
  for (CnId c = 0; c < g.num_cns(); ++c) {
    auto& vertex = graph.m_vertices[c];
    vertex.m_out_edges.reserve(vertex.m_out_edges.size() + outs[c]);
    vertex.m_in_edges.reserve(vertex.m_in_edges.size() + ins[c]);
  }
  for (const CnEdge& e : edges) boost::add_edge(e.from, e.to, e.dep, graph);
}

bool row_splittable(const Workload& w, LayerId v) {
  const Layer& l = w.layer(v);
  if (l.outputs.size() != 1 || l.outputs[0].shape.size() != 4 || hw::output_rows(l) <= 1)
    return false;
  const bool windowed = l.window && !l.window->kernel.empty();
  for (const auto& in : l.inputs)
    if (in.shape.size() != 4 || (!windowed && in.shape[2] != l.outputs[0].shape[2])) return false;
  return !l.inputs.empty();
}

CnGraph build_cn_graph(const Workload& w, const FusionOptions& options) {
  CnGraph g;
  g.stacks = choose_stacks(w, options);
  std::vector<int64_t> stack_of(w.num_layers(), -1);
  for (size_t s = 0; s < g.stacks.size(); ++s)
    for (LayerId v : g.stacks[s]) stack_of[v] = static_cast<int64_t>(s);
  g.layer_cns.resize(w.num_layers());
  // Every node first, then every edge: connect_all_inputs reads only nodes, and the ids and edge
  // order are those of connecting each layer as it is added.
  for (LayerId v = 0; v < w.num_layers(); ++v)
    add_layer_nodes(w, v, stack_of[v], options.rows_per_cn, g);
  connect_all_inputs(w, g);
  return g;
}

int64_t CnGraph::total_macs() const {
  int64_t total = 0;
  for (CnId c = 0; c < num_cns(); ++c)
    total = checked_add(total, cn(c).tile.macs(), "CN graph MACs");
  return total;
}

bool operator==(const CnGraph& a, const CnGraph& b) {
  if (a.num_cns() != b.num_cns() || a.layer_cns != b.layer_cns || a.stacks != b.stacks)
    return false;
  if (boost::num_edges(a.graph()) != boost::num_edges(b.graph())) return false;
  for (CnId c = 0; c < a.num_cns(); ++c) {
    if (!(a.graph()[c] == b.graph()[c])) return false;
    auto [ea, enda] = boost::in_edges(c, a.graph());
    auto [eb, endb] = boost::in_edges(c, b.graph());
    for (; ea != enda && eb != endb; ++ea, ++eb)
      if (boost::source(*ea, a.graph()) != boost::source(*eb, b.graph()) ||
          !(a.graph()[*ea] == b.graph()[*eb]))
        return false;
    if ((ea == enda) != (eb == endb)) return false;
  }
  return true;
}

std::ostream& operator<<(std::ostream& os, const CnGraph& g) {
  os << "CnGraph{" << g.num_cns() << " nodes, " << boost::num_edges(g.graph()) << " edges, "
     << g.stacks.size() << " stacks}\n";
  for (CnId c = 0; c < g.num_cns(); ++c) {
    const Cn& n = g.graph()[c];
    os << "  cn " << c << ": layer " << n.layer << " rows [" << n.first_row << ","
       << n.first_row + n.rows << ") channels [" << n.first_channel << ","
       << n.first_channel + n.channels << ") part " << n.part << " stack " << n.stack << " macs "
       << n.tile.macs() << " <-";
    for (auto [e, end] = boost::in_edges(c, g.graph()); e != end; ++e)
      os << " " << boost::source(*e, g.graph()) << "(" << g.graph()[*e].elems << ")";
    os << "\n";
  }
  return os;
}

}  // namespace eesim::mapping
