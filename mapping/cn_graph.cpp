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

// Producer rows a consumer node reads, or all of them when rows do not line up.
hw::RowRange rows_read(const Layer& consumer, const Cn& c, const Shape& produced,
                       const Shape* consumed) {
  const int64_t hp = height(produced);
  const bool aligned = consumed && consumed->size() == 4 && produced.size() == 4 &&
                       (*consumed)[2] == hp && c.rows < hw::output_rows(consumer);
  if (!aligned) return {0, hp - 1};
  return hw::input_rows(consumer, hp, c.first_row, c.rows);
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

// Channels [first, last) of an input with `in_channels` channels that node `c` reads: all of
// them, unless the node is a channel part of a per-channel layer, which reads the channels
// that feed its own (scaled by in/out channels for a grouped convolution).
struct ChannelRange {
  int64_t first = 0, last = 0;
};
ChannelRange channels_read(const Workload& w, const Cn& c, int64_t in_channels) {
  const int64_t out_channels = output_channels(w.layer(c.layer));
  if (c.channels == out_channels) return {0, in_channels};
  const ChannelCut cut = channel_cut(w, c.layer);
  if (cut.reads_all_channels) return {0, in_channels};
  return {c.first_channel * in_channels / out_channels,
          (c.first_channel + c.channels) * in_channels / out_channels};
}

}  // namespace

void connect_inputs(const Workload& w, LayerId v, CnGraph& g) {
  const Layer& l = w.layer(v);
  for (auto [e, end] = boost::in_edges(v, w.graph); e != end; ++e) {
    const LayerId p = boost::source(*e, w.graph);
    const workloads::Dependency& dep = w.graph[*e];
    for (CnId c : g.layer_cns[v]) {
      if (dep.kind == workloads::EdgeKind::kControl) {
        for (CnId pc : g.layer_cns[p]) boost::add_edge(pc, c, CnDependency{dep.kind, 0}, g.graph());
        continue;
      }
      const Shape& produced = produced_shape(w.layer(p), dep.tensor);
      const int64_t per_row = elems(produced) / height(produced);
      const Shape* consumed = consumed_shape(l, dep.tensor);
      const hw::RowRange need = rows_read(l, g.graph()[c], produced, consumed);
      const int64_t produced_channels = produced.size() >= 2 ? produced[1] : 1;
      // Channels of the producer's output this node reads (all, when the tensor is a view
      // whose channels do not line up with the producer's).
      ChannelRange want{0, produced_channels};
      if (consumed && consumed->size() >= 2 && (*consumed)[1] == produced_channels)
        want = channels_read(w, g.graph()[c], produced_channels);
      // A layer's nodes go top to bottom (a channel split lists a band's parts together), so
      // the producer nodes this one reads are a run: from the first ending at or below
      // need.first to the last starting at or above need.last.
      const std::vector<CnId>& from = g.layer_cns[p];
      const auto first = std::partition_point(from.begin(), from.end(), [&](CnId pc) {
        return g.graph()[pc].first_row + g.graph()[pc].rows - 1 < need.first;
      });
      for (auto it = first; it != from.end() && g.graph()[*it].first_row <= need.last; ++it) {
        const CnId pc = *it;
        const Cn& pn = g.graph()[pc];
        const int64_t lo = std::max(need.first, pn.first_row);
        const int64_t hi = std::min(need.last, pn.first_row + pn.rows - 1);
        if (hi < lo) continue;
        int64_t per_row_read = per_row;  // every channel: the unsplit case, exact
        const bool producer_whole = pn.channels == produced_channels;
        if (!producer_whole || want.last - want.first != produced_channels) {
          const int64_t first =
              producer_whole ? want.first : std::max(want.first, pn.first_channel);
          const int64_t last =
              producer_whole ? want.last : std::min(want.last, pn.first_channel + pn.channels);
          if (last <= first) continue;
          per_row_read = per_row / produced_channels * (last - first);
        }
        boost::add_edge(pc, c, CnDependency{dep.kind, (hi - lo + 1) * per_row_read}, g.graph());
      }
    }
  }
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
  for (LayerId v = 0; v < w.num_layers(); ++v) {
    add_layer_nodes(w, v, stack_of[v], options.rows_per_cn, g);
    connect_inputs(w, v, g);
  }
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
