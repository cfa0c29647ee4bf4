#pragma once
// Layers split across cores (issue 15): by output rows (each core computes a horizontal slice,
// with the whole layer's weights) or by output channels (each core computes some filters: the
// weights are partitioned, the input is read by every part). What can be split, the tile of one
// part, and the CN graph of an allocation whose layers are split (DESIGN.md section 4).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "hw_models/tile.h"
#include "mapping/cn_graph.h"
#include "workloads/workload.h"

namespace eesim::mapping {

struct Allocation;

enum class SplitKind {
  kNone,
  kRows,      // output rows: part i computes rows [H*i/P, H*(i+1)/P) (or a run of the bands)
  kChannels,  // output channels: part i computes channel units [U*i/P, U*(i+1)/P)
};
std::string to_string(SplitKind k);  // "none", "rows", "channels"

struct LayerSplit {
  SplitKind kind = SplitKind::kNone;
  std::vector<size_t> cores;  // part i runs on cores[i]; distinct cores
  bool operator==(const LayerSplit&) const = default;
};

// Output channels of a layer: dim 1 of its output (the filters of a Conv, the N of an [M, N]
// Gemm), or 1 for a scalar output.
int64_t output_channels(const workloads::Layer& l);

// How a layer may be cut by output channels: `unit` channels go together (a grouped convolution
// keeps each group whole), and each part reads either all of its inputs' channels (Conv with one
// group, Gemm, MatMul) or only the channels that feed its own (per-channel layers: eltwise,
// activations, pooling, depthwise and grouped Conv). `units` is 0 when the layer cannot be cut
// by channels (concat, softmax, reductions over channels, views, broadcasts).
struct ChannelCut {
  int64_t units = 0;
  int64_t unit = 1;
  bool reads_all_channels = false;
};
ChannelCut channel_cut(const workloads::Workload& w, workloads::LayerId v);

// Channels [first, first + count) of the band `band` of layer `l`; first and count are
// multiples of the cut's unit. Every element count is the part's share of the band's, split so
// the parts of a band sum exactly to it (floor(x*(first+count)/C) - floor(x*first/C)); MACs
// partition exactly.
hw::TileShape channel_part_tile(const workloads::Layer& l, const hw::TileShape& band, int64_t first,
                                int64_t count, bool reads_all_channels);

// Why `split` cannot apply to layer v of a CN graph built without splits ("" when it can):
// rows need a row-splittable layer with at least as many rows (or, fused, bands) as parts;
// channels need a channel cut with at least as many units as parts; cores must be distinct.
std::string split_problem(const workloads::Workload& w, const CnGraph& base, workloads::LayerId v,
                          const LayerSplit& split);
// The same question as a bool, with the cores as a span: `split_problem(...).empty()`, without
// building the split or the answer's text (the default mapper asks it for every layer).
bool can_split(const workloads::Workload& w, const CnGraph& base, workloads::LayerId v,
               SplitKind kind, std::span<const size_t> cores);

// The CN graph of `alloc` from the graph built without splits: each split layer's nodes are cut
// into parts (a row split of a fused layer hands each core a run of its bands; a channel split
// cuts every band), `Cn::part` names the part and `Cn::fetches_weights` marks each part's first
// node. Edges follow rows as before and, between parts, the channels read. Returns `base`
// unchanged when no layer is split. Throws eesim::Error naming the layer when a split cannot
// apply (split_problem).
CnGraph apply_splits(const workloads::Workload& w, const CnGraph& base, const Allocation& alloc);

}  // namespace eesim::mapping
