// SCALE-Sim v2's timing and SRAM counts in closed form. SCALE-Sim builds a demand matrix per
// fold (one row per cycle) and counts its rows and valid entries; the sums below are those
// counts. Checked against SCALE-Sim v2's own golden reports in tests/hw_models/test_systolic.cpp.
#include "hw_models/systolic_gemm.h"

#include <algorithm>
#include <cassert>

#include "common/checked_math.h"

namespace eesim::hw {
namespace {

// Every count below is a product of the GEMM's extents and folds: overflow-checked, as a tile of
// absurd extents must not wrap (common/checked_math.h).
constexpr std::string_view kWhat = "systolic GEMM counts";

int64_t mul(int64_t a, int64_t b) { return checked_mul(a, b, kWhat); }
int64_t add(int64_t a, int64_t b) { return checked_add(a, b, kWhat); }

}  // namespace

std::string to_string(Dataflow d) {
  switch (d) {
    case Dataflow::kOs:
      return "os";
    case Dataflow::kWs:
      return "ws";
    case Dataflow::kIs:
      return "is";
  }
  return "?";
}

SystolicCounts systolic_gemm(int64_t rows, int64_t cols, Dataflow dataflow, int64_t npix,
                             int64_t filters, int64_t window, bool columns_own_ifmap) {
  assert(rows > 0 && cols > 0 && npix > 0 && filters > 0 && window > 0);
  SystolicCounts c;
  // Operand matrices per dataflow (SCALE-Sim topology_utils.calc_spatio_temporal_params):
  // OS (Sr,Sc,T) = (Npix,K,Win); WS = (Win,K,Npix); IS = (Win,Npix,K).
  switch (dataflow) {
    case Dataflow::kOs:
      c.sr = npix, c.sc = filters, c.t = window;
      break;
    case Dataflow::kWs:
      c.sr = window, c.sc = filters, c.t = npix;
      break;
    case Dataflow::kIs:
      c.sr = window, c.sc = npix, c.t = filters;
      break;
  }
  c.row_folds = ceil_div(c.sr, rows);
  c.col_folds = ceil_div(c.sc, cols);
  const int64_t folds = mul(c.row_folds, c.col_folds);
  switch (dataflow) {
    case Dataflow::kOs:
      // Per fold: T operand cycles + (cols - 1) drain, skewed over rows: T + rows + cols - 2.
      c.cycles = mul(folds, add(c.t, rows + cols - 2));
      // The ifmap streams once per column fold, the filters once per row fold.
      c.ifmap_reads = mul(mul(c.col_folds, c.t), c.sr);
      c.filter_reads = mul(mul(c.row_folds, c.t), c.sc);
      // Outputs are written once; SCALE-Sim v2 also adds (rows + cols) per fold (the shape of
      // its padded, flipped fold matrix), which its reports include, so we do too.
      c.ofmap_writes = add(mul(c.sr, c.sc), mul(folds, rows + cols));
      break;
    case Dataflow::kWs:
    case Dataflow::kIs:
      // Per fold: rows cycles to load the stationary operand, T streaming, rows + cols - 2 to
      // drain: 2*rows + cols + T - 2.
      c.cycles = mul(folds, add(2 * rows + cols - 2, c.t));
      if (dataflow == Dataflow::kWs) {
        c.ifmap_reads = mul(mul(c.col_folds, c.t), c.sr);  // ifmap streams once per column fold
        c.filter_reads = mul(c.sr, c.sc);                  // each weight loaded once
      } else {
        c.ifmap_reads = mul(c.sr, c.sc);                    // each input loaded once
        c.filter_reads = mul(mul(c.col_folds, c.t), c.sr);  // filters stream once per column fold
      }
      c.ofmap_writes = mul(mul(c.row_folds, c.t), c.sc);  // partial sums written once per row fold
      break;
  }
  // With a private ifmap stream per column, a streamed ifmap is read by every column it feeds.
  if (columns_own_ifmap && dataflow != Dataflow::kIs) c.ifmap_reads = mul(mul(c.t, c.sr), c.sc);
  return c;
}

// Passes pipelined back to back (our model; SCALE-Sim times every fold on its own, which is
// exact for its one-layer-at-a-time runs and is what systolic_gemm keeps).
//   WS/IS: the stationary operand is double-buffered. TPU v1 (Jouppi et al., "In-Datacenter
//   Performance Analysis of a Tensor Processing Unit", ISCA 2017, section 2) shifts the next
//   tile's weights in while the current tile computes, and the switch to them advances with the
//   wave of the new tile's first data, so the next pass streams as soon as the previous pass's
//   last operand has entered: no drain or refill between passes. Loading a stationary tile takes
//   `rows` cycles (one array row per cycle, SCALE-Sim's load term), so a pass whose streaming
//   extent T is shorter than that waits for its load: a pass starts every max(T, rows) cycles.
//   The first load is not hidden and the last pass drains (rows + cols - 2, SCALE-Sim's skew).
//   OS: the outputs are what stays in the PEs. Each PE hands its finished sum to the column's
//   output chain as the next pass's first operand reaches it (the same wave-front switch) and a
//   column shifts out `rows` sums at one per cycle, so again a pass starts every max(T, rows)
//   cycles, and only the last pass's fill-to-drain skew (rows + cols - 2) shows.
// With n = 1 both formulas are SCALE-Sim's per-fold cycles, so a band of one pass costs what
// SCALE-Sim says.
int64_t pipelined_passes_cycles(int64_t rows, int64_t cols, Dataflow dataflow,
                                const SystolicCounts& g, int64_t gemms) {
  assert(rows > 0 && cols > 0 && gemms > 0 && g.folds() > 0);
  const int64_t n = mul(gemms, g.folds());
  const int64_t interval = std::max(g.t, rows);
  const int64_t last = add(g.t, rows + cols - 2);
  const int64_t first_load = dataflow == Dataflow::kOs ? 0 : rows;
  return add(add(first_load, mul(n - 1, interval)), last);
}

}  // namespace eesim::hw
