// Bands of a fused layer on a systolic core (systolic_model.cpp's band_cycles): passes
// pipelined within a band, never below the band's row share of the whole layer, whole-layer
// costs untouched. Every figure below is worked by hand from systolic_gemm.h's formulas.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "hw_models/core_model.h"
#include "hw_models/systolic_gemm.h"
#include "hw_models/tile.h"
#include "tests/hw_models/core_text.h"

namespace {

using namespace eesim::hw;
using eesim::workloads::Layer;
using eesim::workloads::LayerKind;
using eesim::workloads::Window;

// A 3x3 stride-1 pad-1 conv (or depthwise conv when groups = c) on a 1 x c x h x w input.
Layer conv3x3(int64_t c, int64_t k, int64_t h, int64_t w, int64_t groups = 1) {
  Layer l;
  l.name = "conv", l.op = "Conv", l.kind = LayerKind::kConv;
  l.inputs = {{"x", {1, c, h, w}}};
  l.outputs = {{"y", {1, k, h, w}}};
  l.window = Window{{3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, groups};
  l.weight_params = k * 9 * (c / groups);
  l.macs = l.weight_params * h * w;
  return l;
}

CoreSpec array(int rows, int cols, const std::string& dataflow, const std::string& extra = "") {
  return testing::core_of("systolic { rows: " + std::to_string(rows) +
                          " cols: " + std::to_string(cols) + " dataflow: " + dataflow +
                          " ifmap_sram_bytes: 1024 filter_sram_bytes: 1024 "
                          "ofmap_sram_bytes: 1024 " +
                          extra + " }");
}

Cost cost_of(const CoreSpec& core, const TileShape& t) { return core_model(core).cost(core, t); }

// Band `band` of a layer cut into bands of `rows` rows, with weights as mapping::cn_tile gives
// them: fetched by the first band, on the core for the later ones.
TileShape band_tile(const Layer& l, int64_t first_row, int64_t rows) {
  TileShape t = row_band_tile(l, first_row, rows);
  t.weights_resident = first_row > 0;
  return t;
}

}  // namespace

// The layer of the next tests: 1 -> 16 channels on a 2x4 map, Win = 9, K = 16, Npix = 8,
// cut into two one-row bands of 4 pixels each (input rows 0..1 for both: 8 elements).
TEST_CASE("bands: a 2x4 conv cut in two one-row bands knows it is a band of 8 pixels") {
  const Layer l = conv3x3(1, 16, 2, 4);
  const TileShape whole = layer_tile(l);
  CHECK_FALSE(whole.is_band());
  CHECK(whole.layer_out_pixels == 0);
  const TileShape b0 = row_band_tile(l, 0, 1), b1 = row_band_tile(l, 1, 1);
  CHECK(b0.is_band());
  CHECK(b0.out_pixels == 4);
  CHECK(b0.layer_out_pixels == 8);
  CHECK(b0.in_elems == 8);
  CHECK(b0 == b1);  // same shape: one cost cache entry
  CHECK(TileShapeHash{}(b0) != TileShapeHash{}(whole));
}

TEST_CASE("bands ws 8x8: each band of the 2x4 conv takes its row share, 60 cycles; weights once") {
  // Band GEMM: Sr = Win = 9 (2 row folds), Sc = K = 16 (2 col folds), T = Npix = 4: n = 4 passes.
  // Pipelined: rows + (n-1)*max(T, rows) + T + rows + cols - 2 = 8 + 3*8 + 4 + 14 = 50.
  // Whole layer (SCALE-Sim): 4 folds * (2*8 + 8 - 2 + 8) = 120; row share 120 * 4/8 = 60 > 50.
  // SCALE-Sim per band on its own (the old figure): 4 * (22 + 4) = 104.
  const CoreSpec core = array(8, 8, "WS");
  const Layer l = conv3x3(1, 16, 2, 4);
  CHECK(cost_of(core, layer_tile(l)).compute_cycles == 120);
  const Cost b0 = cost_of(core, band_tile(l, 0, 1)), b1 = cost_of(core, band_tile(l, 1, 1));
  CHECK(b0.compute_cycles == 60);
  CHECK(b1.compute_cycles == 60);
  // SRAM: the band's own GEMM, as SCALE-Sim counts it: ifmap col_folds*T*Sr = 2*4*9,
  // filters Sr*Sc = 144 (each loaded once), psums row_folds*T*Sc = 2*4*16.
  CHECK(b0.ifmap.reads == 72);
  CHECK(b0.filter.reads == 144);
  CHECK(b0.ofmap.writes == 128);
  CHECK(b0.macs == 16 * 4 * 9);
  // DRAM: everything fits 1 KiB buffers; band 0 fetches the 144 weight bytes, band 1 finds them.
  CHECK(b0.dram_read_bytes == 144);
  CHECK(b0.dram_write_bytes == 0);
  CHECK(b1.dram_read_bytes == 0);
  CHECK(b1.dram_write_bytes == 0);
}

TEST_CASE("bands ws 8x16: the weight load bounds a 4-pixel pass, 42 cycles per band") {
  // Sr = 9 (2 row folds), Sc = 16 (1 col fold), T = 4: n = 2. Pipelined: 8 + 1*max(4, 8) + 4 +
  // (8 + 16 - 2) = 42. Whole: 2 * (16 + 14 + 8) = 76, share 38 < 42. On its own: 2*(30+4) = 68.
  const CoreSpec core = array(8, 16, "WS");
  const Layer l = conv3x3(1, 16, 2, 4);
  CHECK(cost_of(core, layer_tile(l)).compute_cycles == 76);
  const Cost b0 = cost_of(core, band_tile(l, 0, 1)), b1 = cost_of(core, band_tile(l, 1, 1));
  CHECK(b0.compute_cycles == 42);
  CHECK(b1.compute_cycles == 42);
  CHECK(b0.dram_read_bytes == 144);
  CHECK(b1.dram_read_bytes == 0);
}

TEST_CASE("bands os 8x8: two filter folds pipelined, 32 cycles per band; weights once") {
  // Sr = Npix = 4 (1 row fold, 4 of 8 rows), Sc = 16 (2 col folds), T = Win = 9: n = 2.
  // Pipelined: (n-1)*max(9, 8) + 9 + 14 = 32. Whole: Sr = 8, 2 folds * (9 + 14) = 46, share 23.
  // On its own: 46 (half the rows idle: two bands cost more than the whole layer).
  const CoreSpec core = array(8, 8, "OS");
  const Layer l = conv3x3(1, 16, 2, 4);
  CHECK(cost_of(core, layer_tile(l)).compute_cycles == 46);
  const Cost b0 = cost_of(core, band_tile(l, 0, 1)), b1 = cost_of(core, band_tile(l, 1, 1));
  CHECK(b0.compute_cycles == 32);
  CHECK(b1.compute_cycles == 32);
  // ifmap col_folds*T*Sr = 2*9*4, filters row_folds*T*Sc = 9*16, outputs 4*16 + 2 folds * 16.
  CHECK(b0.ifmap.reads == 72);
  CHECK(b0.filter.reads == 144);
  CHECK(b0.ofmap.writes == 96);
  CHECK(b0.dram_read_bytes == 144);
  CHECK(b1.dram_read_bytes == 0);
  CHECK(b1.dram_write_bytes == 0);
}

TEST_CASE("bands is 8x8: a band's two input folds pipelined, 54 cycles") {
  // Sr = Win = 9 (2 row folds), Sc = Npix = 4 (1 col fold), T = K = 16: n = 2.
  // Pipelined: 8 + 1*16 + 16 + 14 = 54. Whole: 2 * (22 + 16) = 76, share 38. On its own: 76.
  const CoreSpec core = array(8, 8, "IS");
  const Layer l = conv3x3(1, 16, 2, 4);
  CHECK(cost_of(core, layer_tile(l)).compute_cycles == 76);
  CHECK(cost_of(core, band_tile(l, 0, 1)).compute_cycles == 54);
}

TEST_CASE("bands os 8x8: a depthwise band pipelines its per-channel GEMMs, 50 cycles") {
  // 4 channels, 2x4 map: per channel Sr = 4, Sc = 1, T = 9, one fold; n = 4 GEMMs x 1 fold.
  // Pipelined: 3*max(9, 8) + 9 + 14 = 50. Whole: 4 * (9 + 14) = 92, share 46. On its own: 92.
  // CHANNELS_ON_COLUMNS: one GEMM, Sc = 4 channels, n = 1: 9 + 14 = 23 (SCALE-Sim's one
  // fold), above the share of the whole layer's 23 cycles.
  const Layer l = conv3x3(4, 4, 2, 4, 4);
  const CoreSpec per_channel = array(8, 8, "OS");
  CHECK(cost_of(per_channel, layer_tile(l)).compute_cycles == 92);
  CHECK(cost_of(per_channel, band_tile(l, 0, 1)).compute_cycles == 50);
  const CoreSpec on_columns = array(8, 8, "OS", "depthwise_mapping: CHANNELS_ON_COLUMNS");
  CHECK(cost_of(on_columns, layer_tile(l)).compute_cycles == 23);
  CHECK(cost_of(on_columns, band_tile(l, 0, 1)).compute_cycles == 23);
}

TEST_CASE("bands: whole layers keep SCALE-Sim's cycles; no band beats its row share") {
  // ResNet-18-like layers at small scale, plus a depthwise one, on three arrays and all three
  // dataflows, cut into every band height.
  const std::vector<Layer> layers = {conv3x3(3, 64, 14, 14), conv3x3(64, 64, 7, 7),
                                     conv3x3(32, 128, 5, 6), conv3x3(16, 16, 9, 9, 16)};
  for (const std::string df : {"OS", "WS", "IS"})
    for (const auto& [r, c] : {std::pair{8, 8}, std::pair{32, 32}, std::pair{16, 4}})
      for (const Layer& l : layers) {
        const CoreSpec core = array(r, c, df);
        const TileShape whole_tile = layer_tile(l);
        const int64_t whole = cost_of(core, whole_tile).compute_cycles;
        const Dataflow d = df == "OS" ? Dataflow::kOs : df == "WS" ? Dataflow::kWs : Dataflow::kIs;
        const auto g =
            systolic_gemm(r, c, d, whole_tile.out_pixels, whole_tile.filters, whole_tile.window);
        const int64_t channels = l.inputs[0].shape[1];
        CAPTURE(df);
        CAPTURE(r);
        CAPTURE(c);
        CAPTURE(channels);
        CHECK(whole == whole_tile.groups * g.cycles);
        const int64_t h = output_rows(l);
        for (int64_t rows = 1; rows < h; ++rows) {
          int64_t sum = 0;
          for (int64_t first = 0; first < h; first += rows) {
            const int64_t n = std::min(rows, h - first);
            const int64_t band = cost_of(core, band_tile(l, first, n)).compute_cycles;
            CHECK(band * h >= whole * n);  // >= its row share (ceil of whole * n / h)
            sum += band;
          }
          CHECK(sum >= whole);
        }
      }
}

TEST_CASE("bands edge_tpu: no band state; a 4-pixel band of the 2x4 conv takes 9 cycles") {
  // 4x4 PEs x 4 cores x 40 lanes; K = 16: one lane chunk. Band: A ceil(1/16)*ceil(4/4)*9 = 9,
  // B 1*ceil(4/64)*9 = 9. Whole: A 1*ceil(8/4)*9 = 18, B 1*ceil(8/64)*9 = 9. Two bands take 18:
  // half the 64 cores idle in each band (real), no fill or drain to amortise.
  const CoreSpec core = testing::core_of(
      "edge_tpu { pes_x: 4 pes_y: 4 cores_per_pe: 4 lanes_per_core: 40 pe_memory_bytes: 65536 "
      "core_memory_bytes: 114688 }");
  const Layer l = conv3x3(1, 16, 2, 4);
  CHECK(cost_of(core, layer_tile(l)).compute_cycles == 9);
  const Cost b0 = cost_of(core, band_tile(l, 0, 1)), b1 = cost_of(core, band_tile(l, 1, 1));
  CHECK(b0.compute_cycles == 9);
  CHECK(b1.compute_cycles == 9);
  CHECK(b0.dram_read_bytes == 144);  // the layer's weights, fetched by its first band
  CHECK(b1.dram_read_bytes == 0);
}
