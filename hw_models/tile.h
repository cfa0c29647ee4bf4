#pragma once
// What a cost model sees of a layer: its GEMM view (for layers with MACs) or its element
// operations (for everything else), for the whole layer or a band of its output rows (a tile,
// DESIGN.md section 4). A small value type with == and a hash: the cost cache's key.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/checked_math.h"
#include "workloads/workload.h"

namespace eesim::hw {

enum class TileClass {
  kGemm,    // Conv, Gemm, MatMul: MACs
  kVector,  // eltwise, activation, pooling, reduction, softmax, compare: element operations
  kMove,    // concat, split, pad, transpose, gather: data movement only, no arithmetic
};

struct TileShape {
  TileClass cls = TileClass::kVector;
  // GEMM view, per group (a grouped convolution is `groups` independent GEMMs; SCALE-Sim's
  // convention, Samajdar et al. ISPASS 2020): out_pixels x filters, reducing over window.
  int64_t groups = 1;
  int64_t out_pixels = 0;  // Npix = N*E*F (rows of this tile only)
  int64_t filters = 0;     // K per group
  int64_t window = 0;      // Win = R*S*C per group (the reduction length)
  bool depthwise = false;  // groups > 1 with one input and one output channel per group
  // The convolution's loops for models that unroll them by name (spatial_array_model.cpp):
  // output columns (out_pixels / out_cols = batch x output rows), kernel rows and columns,
  // strides and dilations along rows and columns (the window per group is window /
  // (kernel_h * kernel_w) input channels). All 1 for Gemm and MatMul, whose output pixels are
  // then rows of batch.
  int64_t out_cols = 1, kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  // A band of a larger layer (row_band_tile with fewer rows than the layer has): the whole
  // layer's out_pixels, so a cost model can charge a band by what the hardware does across the
  // layer's consecutive bands (systolic_model.cpp). 0 for the whole layer, whose cost stays
  // that of one independent GEMM (SCALE-Sim-exact), and for tiles without a GEMM view.
  int64_t layer_out_pixels = 0;
  // Element counts of the whole tile (all groups): what crosses the core's memories.
  int64_t vector_ops = 0;    // kVector: element operations
  int64_t in_elems = 0;      // activation elements read (with the halo a window needs)
  int64_t weight_elems = 0;  // parameters
  int64_t out_elems = 0;     // activation elements written
  // Weights already in the core's parameter memory (loaded by an earlier tile or kept resident
  // across inferences) rather than fetched from DRAM for this tile.
  bool weights_resident = false;
  // The layer's operand widths and weight density (workloads::Layer: bits 0 = the core's native
  // word); what a core makes of them is hw_models/datapath.h's business.
  int64_t weight_bits = 0, input_bits = 0, output_bits = 0;
  bool bits_scale_compute = true;
  double weight_density = 1.0;

  bool is_band() const { return layer_out_pixels > 0; }
  int64_t macs() const {
    const int64_t pixels = checked_mul(groups, out_pixels, "tile MACs");
    return checked_mul(checked_mul(pixels, filters, "tile MACs"), window, "tile MACs");
  }
  bool operator==(const TileShape&) const = default;
};

struct TileShapeHash {
  size_t operator()(const TileShape& t) const;
};

// The whole layer as one tile.
TileShape layer_tile(const workloads::Layer& layer);
// Output rows [first_row, first_row + rows) of a layer whose output is [N, C, H, W]; input rows
// are the receptive field of that band, clipped to the input. Layers without a spatial output
// (Gemm, MatMul, reductions to 1x1) only have the whole-layer tile: rows must equal H.
TileShape row_band_tile(const workloads::Layer& layer, int64_t first_row, int64_t rows);
// Output height H of a layer (1 when the output is not [N, C, H, W]).
int64_t output_rows(const workloads::Layer& layer);

// Rows [first, last] of an input of height `in_h` that output rows [first_row, first_row + rows)
// of `layer` read: a sliding window's receptive field [a*s - pad, b*s - pad + (k-1)*d], clipped
// (DESIGN.md section 4); the same rows for a layer without a window. Empty (last < first) when
// the band reads only padding.
struct RowRange {
  int64_t first = 0, last = -1;
  int64_t count() const { return last >= first ? last - first + 1 : 0; }
};
RowRange input_rows(const workloads::Layer& layer, int64_t in_h, int64_t first_row, int64_t rows);

std::string to_string(TileClass c);

}  // namespace eesim::hw
