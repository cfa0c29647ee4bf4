#pragma once
// Cycles and SRAM accesses of one GEMM on a rows x cols systolic array, exactly as SCALE-Sim v2
// counts them (Samajdar et al., "A Systematic Methodology for Characterizing Scalability of DNN
// Accelerators using SCALE-Sim", ISPASS 2020; scalesim/compute/systolic_compute_{os,ws,is}.py).
#include <cstdint>
#include <string>

namespace eesim::hw {

// Which operand stays in the PEs (arch.proto's Systolic.Dataflow, as the model passes it here).
enum class Dataflow { kOs, kWs, kIs };
std::string to_string(Dataflow d);  // "os", "ws", "is"

struct SystolicCounts {
  int64_t sr = 0, sc = 0, t = 0;  // spatial rows, spatial cols, temporal extent
  int64_t row_folds = 0, col_folds = 0;
  // Cycles from the first operand entering to the last output leaving. SCALE-Sim v2 reports
  // the index of that last cycle, i.e. cycles - 1, as "Total Cycles" minus stalls.
  int64_t cycles = 0;
  int64_t ifmap_reads = 0;   // SCALE-Sim "SRAM IFMAP Reads"
  int64_t filter_reads = 0;  // "SRAM Filter Reads"
  int64_t ofmap_writes = 0;  // "SRAM OFMAP Writes"
  int64_t folds() const { return row_folds * col_folds; }
};

// One GEMM of `npix` output pixels x `filters` filters reducing over `window` (Npix = E*F,
// K, Win = R*S*C). `columns_own_ifmap`: each array column reads its own input stream (the
// channels-on-columns depthwise mapping) so ifmap reads are not shared along a row.
SystolicCounts systolic_gemm(int64_t rows, int64_t cols, Dataflow dataflow, int64_t npix,
                             int64_t filters, int64_t window, bool columns_own_ifmap = false);

// Cycles of `gemms` copies of the GEMM `g` run back to back with their passes (folds)
// pipelined, as a double-buffered array runs the passes of one band of a fused layer:
//   WS, IS: rows + (n - 1) * max(T, rows) + T + rows + cols - 2
//   OS:            (n - 1) * max(T, rows) + T + rows + cols - 2,     n = gemms * folds.
// One pass alone (n = 1) takes exactly SCALE-Sim's per-fold cycles; systolic_gemm's whole-layer
// figure charges every pass that full fill, drain and stationary load (see the .cpp for why a
// band does not pay them per pass, and the sources).
int64_t pipelined_passes_cycles(int64_t rows, int64_t cols, Dataflow dataflow,
                                const SystolicCounts& g, int64_t gemms);

}  // namespace eesim::hw
