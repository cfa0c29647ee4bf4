// Splitting layers across cores: what can be cut, the tile of one part, and the CN graph of a
// split allocation (split.h).
#include "mapping/split.h"

#include <algorithm>

#include "common/checked_math.h"
#include "common/error.h"
#include "mapping/allocation.h"

namespace eesim::mapping {
namespace {

using workloads::Layer;
using workloads::LayerId;
using workloads::LayerKind;
using workloads::Workload;

// floor(x * (first + count) / total) - floor(x * first / total): a part's share of x. The
// shares of parts that tile [0, total) telescope to exactly x. In 128 bits: x * total may not
// fit in 64.
int64_t share(int64_t x, int64_t first, int64_t count, int64_t total) {
  const auto at = [&](int64_t c) {
    int64_t product = 0;  // in 64 bits when it fits: the same quotient without a 128-bit division
    if (!__builtin_mul_overflow(x, c, &product)) return product / total;
    return static_cast<int64_t>(static_cast<__int128>(x) * c / total);
  };
  return at(first + count) - at(first);
}

// True when every activation input of `l` has the output's channel count at dim 1 and the
// output's rank: channel i of the output depends on channel i of each input only.
bool channels_line_up(const Layer& l) {
  if (l.inputs.empty() || l.outputs.size() != 1) return false;
  const auto& out = l.outputs[0].shape;
  for (const auto& in : l.inputs)
    if (in.shape.size() != out.size() || in.shape[1] != out[1]) return false;
  return true;
}

}  // namespace

std::string to_string(SplitKind k) {
  switch (k) {
    case SplitKind::kNone:
      return "none";
    case SplitKind::kRows:
      return "rows";
    case SplitKind::kChannels:
      return "channels";
  }
  return "?";
}

int64_t output_channels(const Layer& l) {
  if (l.outputs.empty() || l.outputs[0].shape.size() < 2) return 1;
  return std::max<int64_t>(1, l.outputs[0].shape[1]);
}

ChannelCut channel_cut(const Workload& w, LayerId v) {
  const Layer& l = w.layer(v);
  if (l.outputs.size() != 1 || l.outputs[0].shape.size() < 2) return {};
  const int64_t channels = output_channels(l);
  switch (l.kind) {
    case LayerKind::kConv: {
      if (!l.window || l.inputs.empty() || l.outputs[0].shape.size() != 4) return {};
      const int64_t groups = l.window->groups;
      if (groups <= 1) return {channels, 1, true};
      return {groups, channels / groups, false};  // a group's filters stay together
    }
    case LayerKind::kMatMul:
      // [M, N] = [M, K] x [K, N] with N the filters: a Gemm's output at rank 2 only (a batched
      // MatMul's dim 1 is not its filters).
      if (l.outputs[0].shape.size() != 2 || l.weight_params == 0) return {};
      return {channels, 1, true};
    case LayerKind::kEltwise:
    case LayerKind::kActivation:
    case LayerKind::kPool:
      return channels_line_up(l) ? ChannelCut{channels, 1, false} : ChannelCut{};
    case LayerKind::kReduce: {
      // Global pooling keeps channels ([N, C, H, W] -> [N, C, 1, 1]); other reductions may not.
      const bool global = l.op == "GlobalAveragePool" || l.op == "GlobalMaxPool";
      return global && l.inputs.size() == 1 && l.inputs[0].shape.size() == 4 &&
                     l.inputs[0].shape[1] == channels
                 ? ChannelCut{channels, 1, false}
                 : ChannelCut{};
    }
    default:
      return {};
  }
}

hw::TileShape channel_part_tile(const Layer& l, const hw::TileShape& band, int64_t first,
                                int64_t count, bool reads_all_channels) {
  const int64_t total = output_channels(l);
  hw::TileShape t = band;
  t.out_elems = share(band.out_elems, first, count, total);
  t.weight_elems = share(band.weight_elems, first, count, total);
  if (!reads_all_channels) t.in_elems = share(band.in_elems, first, count, total);
  if (t.cls == hw::TileClass::kGemm) {
    if (band.groups > 1) {
      t.groups = count / band.filters;  // whole groups: count is a multiple of the group size
    } else {
      t.filters = count;
    }
  } else {
    t.vector_ops = share(band.vector_ops, first, count, total);
  }
  return t;
}

namespace {

// What keeps a split from applying (split_problem's cases), with the figures its text names.
enum class Problem { kNone, kTooFewCores, kCoreTwice, kNoRows, kFewRows, kNoChannels, kFewUnits };
struct Check {
  Problem problem = Problem::kNone;
  int64_t pieces = 0;  // kFewRows: bands or output rows; kFewUnits: channel units
  bool banded = false;
  int64_t unit = 1;  // kFewUnits: channels per unit
};

Check check_split(const Workload& w, const CnGraph& base, LayerId v, SplitKind kind,
                  std::span<const size_t> cores) {
  const auto parts = static_cast<int64_t>(cores.size());
  if (kind == SplitKind::kNone) return {};
  if (parts < 2) return {Problem::kTooFewCores, 0, false, 1};
  for (size_t i = 0; i < cores.size(); ++i)  // a handful of cores: no set needed
    if (std::find(cores.begin(), cores.begin() + static_cast<std::ptrdiff_t>(i), cores[i]) !=
        cores.begin() + static_cast<std::ptrdiff_t>(i))
      return {Problem::kCoreTwice, 0, false, 1};
  if (kind == SplitKind::kRows) {
    if (!row_splittable(w, v)) return {Problem::kNoRows, 0, false, 1};
    const auto bands = static_cast<int64_t>(base.layer_cns[v].size());
    const int64_t pieces = bands > 1 ? bands : hw::output_rows(w.layer(v));
    if (pieces < parts) return {Problem::kFewRows, pieces, bands > 1, 1};
    return {};
  }
  const ChannelCut cut = channel_cut(w, v);
  if (cut.units == 0) return {Problem::kNoChannels, 0, false, 1};
  if (cut.units < parts) return {Problem::kFewUnits, cut.units, false, cut.unit};
  return {};
}

}  // namespace

std::string split_problem(const Workload& w, const CnGraph& base, LayerId v,
                          const LayerSplit& split) {
  const Check c = check_split(w, base, v, split.kind, split.cores);
  switch (c.problem) {
    case Problem::kNone:
      return "";
    case Problem::kTooFewCores:
      return "a split needs at least two cores";
    case Problem::kCoreTwice:
      return "a split names a core twice";
    case Problem::kNoRows:
      return "its output cannot be cut into rows";
    case Problem::kFewRows:
      return "it has " + std::to_string(c.pieces) + (c.banded ? " bands" : " output rows") +
             ", fewer than " + std::to_string(split.cores.size()) + " parts";
    case Problem::kNoChannels:
      return "its output cannot be cut into channels";
    case Problem::kFewUnits:
      return "it has " + std::to_string(c.pieces) + (c.unit > 1 ? " groups" : " output channels") +
             ", fewer than " + std::to_string(split.cores.size()) + " parts";
  }
  return "";
}

bool can_split(const Workload& w, const CnGraph& base, LayerId v, SplitKind kind,
               std::span<const size_t> cores) {
  return check_split(w, base, v, kind, cores).problem == Problem::kNone;
}

CnGraph apply_splits(const Workload& w, const CnGraph& base, const Allocation& alloc) {
  if (!alloc.is_split()) return base;
  CnGraph g;
  g.stacks = base.stacks;
  g.layer_cns.resize(w.num_layers());
  for (LayerId v = 0; v < w.num_layers(); ++v) {
    const LayerSplit& split = alloc.splits[v];
    const std::vector<CnId>& bands = base.layer_cns[v];
    if (!can_split(w, base, v, split.kind, split.cores))
      throw Error(w.error_prefix() + "layer '" + w.layer(v).name + "' (" + w.layer(v).op +
                  "): cannot split by " + to_string(split.kind) + " over " +
                  std::to_string(split.cores.size()) +
                  " cores: " + split_problem(w, base, v, split));
    const auto parts = static_cast<int64_t>(split.cores.size());
    const auto add = [&](const Cn& cn) {
      g.layer_cns[v].push_back(boost::add_vertex(cn, g.graph()));
    };
    if (split.kind == SplitKind::kNone) {
      for (CnId c : bands) add(base.cn(c));
    } else if (split.kind == SplitKind::kRows && bands.size() == 1) {
      // An unfused layer: one slice of rows per part.
      const Layer& l = w.layer(v);
      const int64_t h = hw::output_rows(l);
      for (int64_t i = 0; i < parts; ++i) {
        Cn cn = base.cn(bands[0]);
        cn.first_row = h * i / parts;
        cn.rows = h * (i + 1) / parts - cn.first_row;
        cn.band = i;
        cn.part = i;
        cn.tile = hw::row_band_tile(l, cn.first_row, cn.rows);
        cn.fetches_weights = true;
        add(cn);
      }
    } else if (split.kind == SplitKind::kRows) {
      // A fused layer: each core takes a run of consecutive bands.
      const auto n = static_cast<int64_t>(bands.size());
      for (int64_t b = 0; b < n; ++b) {
        Cn cn = base.cn(bands[static_cast<size_t>(b)]);
        cn.part = b * parts / n;
        cn.fetches_weights = b == 0 || (b - 1) * parts / n != cn.part;
        add(cn);
      }
    } else {
      const ChannelCut cut = channel_cut(w, v);
      const Layer& l = w.layer(v);
      for (CnId c : bands)
        for (int64_t i = 0; i < parts; ++i) {
          Cn cn = base.cn(c);
          const int64_t first_unit = cut.units * i / parts;
          const int64_t units = cut.units * (i + 1) / parts - first_unit;
          cn.first_channel = first_unit * cut.unit;
          cn.channels = units * cut.unit;
          cn.part = i;
          cn.tile =
              channel_part_tile(l, cn.tile, cn.first_channel, cn.channels, cut.reads_all_channels);
          add(cn);
        }
    }
  }
  // Edges once every node is in: the same edges, in the same order, as connecting each layer
  // after its nodes (connect_all_inputs).
  connect_all_inputs(w, g);
  return g;
}

}  // namespace eesim::mapping
