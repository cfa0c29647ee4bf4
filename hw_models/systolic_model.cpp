// Cost model "systolic": a rows x cols MAC array timed by SCALE-Sim v2's formulas
// (systolic_gemm.cpp), an optional vector unit for everything without MACs, and DRAM traffic
// for operands that do not fit their buffers.
//
// Grouped convolutions run as SCALE-Sim runs a depthwise layer: one GEMM per group, back to
// back (SCALE-Sim topology_utils splits a "DP" layer into one single-channel layer per channel).
// This is why a depthwise conv uses one column of the array (DESIGN.md section 3). The option
// depthwise_mapping: CHANNELS_ON_COLUMNS runs all channels as one GEMM with channels across
// columns, each column fed its own input channel (no ifmap sharing along a row); IS keeps
// per-channel GEMMs because its stationary operand would differ per column.
//
// Bands (TileShape::is_band: a band of output rows of a fused layer): the band's passes run
// pipelined on the double-buffered array, one fill, stationary load and drain per band rather
// than per pass, and a band is never charged less than its row share of the whole layer's
// SCALE-Sim cycles (band_cycles below). A whole layer keeps SCALE-Sim's figure exactly.
//
// DRAM (our model; SCALE-Sim's DRAM counts come from its prefetch-buffer simulation): an
// operand that fits its buffer is fetched into it once and is not charged here (it arrives
// from the producer); one that does not fit streams from DRAM once per pass the dataflow makes
// over it. Weights that are not resident are fetched once (SCALE-Sim reloads filters per layer).
#include <algorithm>

#include "arch.pb.h"
#include "common/checked_math.h"
#include "hw_models/core_model.h"
#include "hw_models/datapath.h"
#include "hw_models/systolic_gemm.h"

namespace eesim::hw {
namespace {

using Spec = schema::Systolic;  // this kind's parameters (arch.proto)

Dataflow dataflow(const Spec& s) {
  switch (s.dataflow()) {
    case Spec::WS:
      return Dataflow::kWs;
    case Spec::IS:
      return Dataflow::kIs;
    case Spec::OS:
      return Dataflow::kOs;
  }
  return Dataflow::kOs;
}

// How many times each operand is swept, per GEMM: OS re-streams the ifmap per column fold and
// the filters per row fold; WS re-streams the ifmap per column fold and writes partial sums
// per row fold; IS re-streams filters per column fold and partial sums per row fold.
struct Passes {
  int64_t ifmap = 1, filter = 1, ofmap = 1;
};

Passes passes(Dataflow df, const SystolicCounts& c) {
  switch (df) {
    case Dataflow::kOs:
      return {c.col_folds, c.row_folds, 1};
    case Dataflow::kWs:
      return {c.col_folds, 1, c.row_folds};
    case Dataflow::kIs:
      return {1, c.col_folds, c.row_folds};
  }
  return {};
}

// Products of tile extents, passes and word sizes: overflow-checked (common/checked_math.h).
constexpr std::string_view kWhat = "systolic tile counts";

int64_t mul(int64_t a, int64_t b) { return checked_mul(a, b, kWhat); }

void charge_dram(const Spec& s, const TileShape& t, const Datapath& d, const Passes& p, Cost& c) {
  const int64_t in_b = d.input_bytes, w_b = d.weight_bytes, out_b = d.output_bytes;
  int64_t read = 0, write = 0;
  if (in_b > s.ifmap_sram_bytes()) read = mul(in_b, p.ifmap);
  if (w_b > s.filter_sram_bytes())
    read = checked_add(read, mul(w_b, p.filter), kWhat);
  else if (!t.weights_resident)
    read = checked_add(read, w_b, kWhat);
  if (out_b > s.ofmap_sram_bytes()) {
    write = mul(out_b, p.ofmap);
    read = checked_add(read, mul(out_b, p.ofmap - 1), kWhat);  // partial sums read back
  }
  c.dram_read_bytes = read;
  c.dram_write_bytes = write;
}

// A band of a fused layer (TileShape::is_band): its passes pipelined on the array
// (pipelined_passes_cycles, systolic_gemm.cpp: one fill, one stationary load and one drain per
// band instead of per pass), but never fewer cycles than its row share of the whole layer's
// SCALE-Sim cycles, ceil(whole * band pixels / layer pixels).
// Why the floor: the whole layer's figure is the exact one (SCALE-Sim), and it charges fill,
// drain and load per pass; a wide band's pipelined figure can fall below its share of that,
// which would make a layer cut into bands cheaper than the same passes run whole. That would be
// a gap between two models, not a saving of the hardware, so the bands of a layer never sum to
// less than the layer. Above the floor a band pays for what the hardware does lose: a band
// narrower than the array leaves PEs idle (OS: Npix on rows), and passes shorter than a
// stationary load wait for it (WS, IS: T = band pixels or K < rows).
// Nothing carries over from the node the core ran before (in a fused order, another layer's
// band, whose output this band often waits for): each band pays its first stationary load and
// its fill, so the cost stays a pure function of the tile.
int64_t band_cycles(const Spec& s, const TileShape& t, const SystolicCounts& g, int64_t gemms,
                    int64_t filters, bool on_columns) {
  const int64_t pipelined = pipelined_passes_cycles(s.rows(), s.cols(), dataflow(s), g, gemms);
  const SystolicCounts whole = systolic_gemm(s.rows(), s.cols(), dataflow(s), t.layer_out_pixels,
                                             filters, t.window, on_columns);
  const int64_t whole_cycles = mul(gemms, whole.cycles);
  // ceil(whole_cycles * out_pixels / layer_out_pixels) without forming the full product.
  const int64_t q = whole_cycles / t.layer_out_pixels, r = whole_cycles % t.layer_out_pixels;
  const int64_t share =
      checked_add(mul(q, t.out_pixels), ceil_div(mul(r, t.out_pixels), t.layer_out_pixels), kWhat);
  return std::max(pipelined, share);
}

// Cycles come from the reduction as the datapath runs it (Datapath::reduction: slices of wider
// operands, fused narrower ones, skipped zero weights), access counts from the tile's own
// elements (the bits they move are the datapath's).
Cost gemm_cost(const Spec& s, const TileShape& t, const Datapath& d) {
  Cost c;
  TileShape timed = t;
  timed.window = d.reduction(t.window);
  const bool on_columns = t.depthwise && s.depthwise_mapping() == Spec::CHANNELS_ON_COLUMNS &&
                          dataflow(s) != Dataflow::kIs;
  // One GEMM for the whole tile, or `groups` identical GEMMs run back to back.
  const int64_t gemms = on_columns ? 1 : t.groups;
  const int64_t filters = on_columns ? t.groups : t.filters;
  const SystolicCounts g =
      systolic_gemm(s.rows(), s.cols(), dataflow(s), t.out_pixels, filters, t.window, on_columns);
  const SystolicCounts gt = timed.window == t.window
                                ? g
                                : systolic_gemm(s.rows(), s.cols(), dataflow(s), t.out_pixels,
                                                filters, timed.window, on_columns);
  c.compute_cycles =
      t.is_band() ? band_cycles(s, timed, gt, gemms, filters, on_columns) : mul(gemms, gt.cycles);
  c.macs = t.macs();
  c.peak_ops_per_cycle = int64_t{s.rows()} * s.cols();
  c.ifmap = {mul(gemms, g.ifmap_reads), t.in_elems};        // writes: the buffer's fill
  c.filter = {mul(gemms, g.filter_reads), t.weight_elems};  // writes: the buffer's fill
  c.ofmap = {0, mul(gemms, g.ofmap_writes)};
  charge_dram(s, t, d, passes(dataflow(s), g), c);
  c.energy.compute = static_cast<double>(c.macs) * s.mac_energy_pj() * d.mac_energy_factor;
  return c;
}

Cost vector_cost(const Spec& s, const TileShape& t, const Datapath& d) {
  if (s.vector_lanes() == 0)
    return unsupported("systolic core has no vector unit (vector_lanes = 0) for " +
                       to_string(t.cls) + " layers");
  Cost c;
  c.ops = t.vector_ops;
  c.peak_ops_per_cycle = s.vector_lanes();
  c.compute_cycles = ceil_div(t.vector_ops, s.vector_lanes());
  c.ifmap = {t.in_elems, 0};
  c.ofmap = {0, t.out_elems};
  charge_dram(s, t, d, Passes{}, c);
  c.energy.compute = static_cast<double>(c.ops) * s.vector_op_energy_pj();
  return c;
}

class SystolicModel : public CoreModel {
 public:
  std::string kind() const override { return "systolic"; }
  int64_t peak_macs_per_cycle(const CoreSpec& core) const override {
    const auto& s = params_of<Spec>(core);
    return int64_t{s.rows()} * s.cols();
  }
  // Filter SRAM is a per-layer buffer: weights are reloaded for every layer, as in SCALE-Sim.
  int64_t weight_capacity_bytes(const CoreSpec&) const override { return 0; }
  int64_t on_chip_bytes(const CoreSpec& core) const override {
    const auto& s = params_of<Spec>(core);
    return checked_add(
        checked_add(s.ifmap_sram_bytes(), s.filter_sram_bytes(), "systolic SRAM bytes"),
        s.ofmap_sram_bytes(), "systolic SRAM bytes");
  }
  int64_t word_bytes(const CoreSpec& core) const override {
    return params_of<Spec>(core).word_bytes();
  }
  Cost cost(const CoreSpec& core, const TileShape& t) const override {
    const auto& s = params_of<Spec>(core);
    const Datapath d = datapath(core, s.word_bytes(), t);
    if (!d.refusal.empty()) return unsupported(d.refusal);
    Cost c = t.cls == TileClass::kGemm ? gemm_cost(s, t, d) : vector_cost(s, t, d);
    if (!c.supported) return c;
    const double bytes = d.input_access_bytes(c.ifmap.words()) +
                         d.weight_access_bytes(c.filter.words()) +
                         d.output_access_bytes(c.ofmap.words());
    c.energy.sram = bytes * s.sram_energy_pj_per_byte();
    return c;
  }
};

}  // namespace

const CoreModel& systolic_model() {
  static const SystolicModel model;
  return model;
}

}  // namespace eesim::hw
