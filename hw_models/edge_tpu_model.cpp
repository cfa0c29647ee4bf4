// Cost model "edge_tpu": the template of Yazdanbakhsh et al., "An Evaluation of Edge TPU
// Accelerators for Convolutional Neural Networks" (arXiv 2102.10423, Fig. 1): P = pes_x*pes_y
// PEs, each with Nc cores of L SIMD MAC lanes, a PE memory shared by the PE's cores
// (activations) and a core memory per core (parameters).
//
// How the loops of a convolution (groups G; per group K filters, Npix = N*E*F output pixels,
// window Win = C*R*S) map onto the template (our mapping; the paper gives the hardware, not
// the compiler's schedule):
//   - lanes: output channels. Each lane holds one filter's weight; the core reads one input
//     activation from PE memory per cycle and broadcasts it to its L lanes, so a group's K
//     filters need ceil(K / L) lane chunks. A depthwise filter (K = 1 per group) therefore
//     keeps one lane of L busy: utilisation <= 1/L, the known weak spot of SIMD-over-channels
//     designs on depthwise layers (DESIGN.md section 3).
//   - window (C, R, S): time. One MAC per lane per cycle, accumulating in the lane.
//   - PEs and cores: the compiler's choice between two partitionings, and we take the faster:
//       A. (group, lane chunk) pairs across PEs, output pixels across the cores of a PE:
//          ceil(G*ceil(K/L) / P) * ceil(Npix / Nc) * Win cycles;
//       B. output pixels across all P*Nc cores, every (group, chunk) in turn:
//          G*ceil(K/L) * ceil(Npix / (P*Nc)) * Win cycles.
//   Layers without MACs use every lane of every core: ceil(ops / (P*Nc*L)) cycles.
// Memories: activations (tile input + output) live in the PE memories (P * pe_memory_bytes in
// all); what does not fit is read from / written to DRAM. Parameters live in core memories
// (P * Nc * core_memory_bytes in all, stored once and broadcast to the PEs that need them);
// weights that are not resident (they did not fit with the rest of the network) stream from
// DRAM every inference, which is why large models are slow on a Coral stick.
// Bands of a fused layer need no model of their own here: the template has no array to fill or
// drain and no stationary operand to reload per pass, so a band's cycles are the formulas above
// on its own pixels. What a band loses (ceil(Npix / Nc) or ceil(Npix / (P*Nc)) on fewer
// pixels) is cores left idle, which the hardware does lose; its weights come from the core
// memories, fetched from DRAM by the layer's first band only (mapping::cn_tile).
// Access counts: one PE-memory read per core-cycle (the broadcast activation), one core-memory
// read per MAC (each lane reads its weight), one PE-memory write per output element.
#include <algorithm>

#include "arch.pb.h"
#include "common/checked_math.h"
#include "hw_models/core_model.h"
#include "hw_models/datapath.h"

namespace eesim::hw {
namespace {

// Products of tile extents, unit counts and word sizes: overflow-checked, as an absurd tile or
// chip must not wrap (common/checked_math.h).
constexpr std::string_view kWhat = "edge_tpu counts";

int64_t mul(int64_t a, int64_t b) { return checked_mul(a, b, kWhat); }
int64_t add(int64_t a, int64_t b) { return checked_add(a, b, kWhat); }

using Spec = schema::EdgeTpu;  // this kind's parameters (arch.proto)

int64_t pes(const Spec& s) { return mul(s.pes_x(), s.pes_y()); }
int64_t cores(const Spec& s) { return mul(pes(s), s.cores_per_pe()); }
int64_t lanes(const Spec& s) { return mul(cores(s), s.lanes_per_core()); }

// The window is time on a lane: it runs as the datapath runs it (Datapath::reduction).
Cost gemm_cost(const Spec& s, const TileShape& t, const Datapath& d) {
  const int64_t p = pes(s), nc = s.cores_per_pe(), l = s.lanes_per_core();
  const int64_t chunks = mul(t.groups, ceil_div(t.filters, l));
  const int64_t window = d.reduction(t.window);
  const int64_t cycles_a = mul(mul(ceil_div(chunks, p), ceil_div(t.out_pixels, nc)), window);
  const int64_t cycles_b = mul(mul(chunks, ceil_div(t.out_pixels, cores(s))), window);
  Cost c;
  c.compute_cycles = std::min(cycles_a, cycles_b);
  c.macs = t.macs();
  c.peak_ops_per_cycle = lanes(s);
  c.ifmap = {mul(mul(chunks, t.out_pixels), t.window), 0};  // one broadcast read per lane chunk
  c.filter = {c.macs, t.weights_resident ? 0 : t.weight_elems};
  c.ofmap = {0, t.out_elems};
  c.energy.compute = static_cast<double>(c.macs) * s.mac_energy_pj() * d.mac_energy_factor;
  return c;
}

Cost vector_cost(const Spec& s, const TileShape& t) {
  Cost c;
  c.ops = t.vector_ops;
  c.peak_ops_per_cycle = lanes(s);
  c.compute_cycles = ceil_div(t.vector_ops, c.peak_ops_per_cycle);
  c.ifmap = {t.in_elems, 0};
  c.ofmap = {0, t.out_elems};
  c.energy.compute = static_cast<double>(c.ops) * s.vector_op_energy_pj();
  return c;
}

void charge_memories(const Spec& s, const TileShape& t, const Datapath& d, Cost& c) {
  const int64_t act_b = add(d.input_bytes, d.output_bytes);
  if (act_b > mul(pes(s), s.pe_memory_bytes())) {  // activations spill: stream in and out of DRAM
    c.dram_read_bytes = d.input_bytes;
    c.dram_write_bytes = d.output_bytes;
  }
  if (!t.weights_resident) c.dram_read_bytes = add(c.dram_read_bytes, d.weight_bytes);
  c.energy.sram = (d.input_access_bytes(c.ifmap.words()) + d.output_access_bytes(c.ofmap.words())) *
                      s.pe_memory_energy_pj_per_byte() +
                  d.weight_access_bytes(c.filter.words()) * s.core_memory_energy_pj_per_byte();
}

class EdgeTpuModel : public CoreModel {
 public:
  std::string kind() const override { return "edge_tpu"; }
  int64_t peak_macs_per_cycle(const CoreSpec& core) const override {
    return lanes(params_of<Spec>(core));
  }
  int64_t weight_capacity_bytes(const CoreSpec& core) const override {
    const auto& s = params_of<Spec>(core);
    return mul(cores(s), s.core_memory_bytes());
  }
  int64_t on_chip_bytes(const CoreSpec& core) const override {
    const auto& s = params_of<Spec>(core);
    return mul(pes(s), add(s.pe_memory_bytes(), mul(s.cores_per_pe(), s.core_memory_bytes())));
  }
  int64_t word_bytes(const CoreSpec& core) const override {
    return params_of<Spec>(core).word_bytes();
  }
  Cost cost(const CoreSpec& core, const TileShape& t) const override {
    const auto& s = params_of<Spec>(core);
    const Datapath d = datapath(core, s.word_bytes(), t);
    if (!d.refusal.empty()) return unsupported(d.refusal);
    Cost c = t.cls == TileClass::kGemm ? gemm_cost(s, t, d) : vector_cost(s, t);
    charge_memories(s, t, d, c);
    return c;
  }
};

}  // namespace

const CoreModel& edge_tpu_model() {
  static const EdgeTpuModel model;
  return model;
}

}  // namespace eesim::hw
