// Cost model "spatial_array": arch.proto's SpatialArray (a ZigZag-style operational array and
// memory hierarchy) handed to the temporal-mapping model (temporal_mapping.h), which finds the
// best loop order for each tile and prices it. This file only adapts: the tile's loops, the
// operands' widths, which level each operand starts and ends at (SpatialArray.layer_io and
// weight residency), and the result as a Cost. Layers without MACs run on vector_lanes.
// Bands and channel parts are smaller layers here: the tile's own loops (OY = its rows, K its
// channels), as Stream costs its computation nodes with ZigZag (Symons et al., arXiv 2212.10612).
#include <algorithm>
#include <cmath>

#include "arch.pb.h"
#include "common/checked_math.h"
#include "hw_models/core_model.h"
#include "hw_models/datapath.h"
#include "hw_models/spatial_array_rules.h"
#include "hw_models/temporal_mapping.h"

namespace eesim::hw {
namespace {

using Spec = schema::SpatialArray;
namespace sp = spatial;

bool serves(const Spec::MemoryLevel& l, const std::string& dim) {
  return std::find(l.served_dim().begin(), l.served_dim().end(), dim) != l.served_dim().end();
}

bool stores(const Spec::MemoryLevel& l, Spec::Operand o) {
  return std::find(l.operand().begin(), l.operand().end(), o) != l.operand().end();
}

sp::Dim dim_of(int loop) {
  switch (loop) {
    case Spec::K:
      return sp::kK;
    case Spec::C:
      return sp::kC;
    case Spec::OX:
      return sp::kOX;
    case Spec::OY:
      return sp::kOY;
    case Spec::FX:
      return sp::kFX;
    case Spec::FY:
      return sp::kFY;
    case Spec::G:
      return sp::kG;
    default:
      return sp::kB;
  }
}

// The hierarchy of `s` with the unrolling for op type `op` (an op_unroll entry, else the dims').
sp::Hierarchy hierarchy(const Spec& s, const std::string& op) {
  sp::Hierarchy h;
  const Spec::OpUnroll* special = nullptr;
  for (const auto& u : s.op_unroll())
    if (u.op() == op) special = &u;
  for (const auto& d : s.dim()) {
    sp::ArrayDim a{d.name(), d.size(), {}};
    const auto* unrolls = &d.unroll();
    if (special != nullptr) {
      static const google::protobuf::RepeatedPtrField<Spec::Unroll> kIdle;
      unrolls = &kIdle;
      for (const auto& du : special->dim())
        if (du.name() == d.name()) unrolls = &du.unroll();
    }
    for (const auto& u : *unrolls) a.unroll.emplace_back(dim_of(u.loop()), u.factor());
    h.dims.push_back(std::move(a));
  }
  for (const auto& l : s.level()) {
    sp::Level v;
    v.name = l.name();
    v.size_bits = l.size_bits();
    v.stores = {stores(l, Spec::WEIGHTS), stores(l, Spec::INPUTS), stores(l, Spec::OUTPUTS)};
    for (const auto& d : s.dim()) v.serves.push_back(serves(l, d.name()));
    v.read_bits_per_cycle = l.read_bits_per_cycle();
    v.write_bits_per_cycle = l.write_bits_per_cycle();
    v.min_access_bits = l.min_access_bits();
    v.read_energy_pj = l.read_energy_pj();
    v.write_energy_pj = l.write_energy_pj();
    v.shared_port = l.shared_port();
    v.offchip = l.offchip();
    h.levels.push_back(std::move(v));
  }
  h.mac_energy_pj = s.mac_energy_pj();
  h.lpf_limit = s.lpf_limit();
  h.minimize_energy = s.objective() == Spec::ENERGY;
  return h;
}

// The tile's loops, its operands as the datapath runs them: an operand wider than the MACs is
// ceil(bits / native) slices of native width, each pair of slices a pass (Precision.wider =
// PASSES, as on every kind: cycles and MAC energy x passes; the slices' bits add up to the
// operand's, so storage and traffic stay those of its real width). The array's registers hold
// slices, so this holds under precision mode `memory` too, where other kinds compute at the
// native width.
sp::LayerLoops loops_of(const TileShape& t, const Spec& s, const Datapath& d) {
  sp::LayerLoops l;
  l.size[sp::kG] = t.groups;
  l.size[sp::kK] = t.filters;
  l.size[sp::kFY] = t.kernel_h;
  l.size[sp::kFX] = t.kernel_w;
  l.size[sp::kC] = t.window / (t.kernel_h * t.kernel_w);
  l.size[sp::kOX] = t.out_cols;
  l.size[sp::kOY] = t.out_pixels / t.out_cols;  // batch x output rows
  l.size[sp::kSW] = ceil_div(d.weight_bits, d.native_bits);
  l.size[sp::kSI] = ceil_div(d.input_bits, d.native_bits);
  l.stride_y = t.stride_h, l.stride_x = t.stride_w;
  l.dilation_y = t.dilation_h, l.dilation_x = t.dilation_w;
  const auto slice = [&d](int64_t bits) { return std::min(bits, d.native_bits); };
  l.bits = {slice(d.weight_bits), slice(d.input_bits), d.output_bits};
  l.psum_bits = s.psum_bits() > 0 ? s.psum_bits() : 2 * l.bits[sp::kI];
  return l;
}

// The level each operand of hierarchy `h` comes from and goes to: its hierarchy's top (DRAM
// under TOP_LEVEL), or its highest on-chip level for activations under ON_CHIP and for resident
// weights.
std::array<int, sp::kNumOperands> tops(const sp::Hierarchy& h, bool activations_on_chip,
                                       bool weights_resident) {
  std::array<int, sp::kNumOperands> top{-1, -1, -1};
  const bool on_chip[sp::kNumOperands] = {weights_resident, activations_on_chip,
                                          activations_on_chip};
  for (int o = 0; o < sp::kNumOperands; ++o)
    for (size_t g = 0; on_chip[o] && g < h.levels.size(); ++g)
      if (!h.levels[g].offchip && h.levels[g].stores[o]) top[o] = static_cast<int>(g);
  return top;
}

bool has_offchip(const sp::Hierarchy& h) {
  return std::any_of(h.levels.begin(), h.levels.end(), [](const auto& l) { return l.offchip; });
}

int64_t bytes_of_bits(double bits) { return static_cast<int64_t>(std::ceil(bits / 8 - 1e-9)); }

class SpatialArrayModel : public CoreModel {
 public:
  std::string kind() const override { return "spatial_array"; }
  int64_t peak_macs_per_cycle(const CoreSpec& core) const override {
    int64_t p = 1;
    for (const auto& d : params_of<Spec>(core).dim()) p = checked_mul(p, d.size(), "array PEs");
    return p;
  }
  // The on-chip levels that hold weights, every instance.
  int64_t weight_capacity_bytes(const CoreSpec& core) const override {
    return on_chip(params_of<Spec>(core), true);
  }
  int64_t on_chip_bytes(const CoreSpec& core) const override {
    return on_chip(params_of<Spec>(core), false);
  }
  int64_t word_bytes(const CoreSpec&) const override { return 1; }
  std::optional<ParamProblem> check_params(const google::protobuf::Message& m) const override {
    return spatial_array_problem(static_cast<const Spec&>(m));
  }

  Cost cost(const CoreSpec& core, const TileShape& t) const override {
    const Spec& s = params_of<Spec>(core);
    const Datapath d = datapath(core, 1, t);
    if (!d.refusal.empty()) return unsupported(d.refusal);
    if (d.fused > 1 || d.weight_bits_stored != static_cast<double>(d.weight_bits) ||
        d.mac_energy_factor != static_cast<double>(d.passes))
      return unsupported(
          "spatial_array models dense weights on a fixed-width datapath: precision.narrower "
          "FUSE and sparsity { } are not supported on this kind");
    Cost c;
    if (t.cls != TileClass::kGemm) {
      if (s.vector_lanes() == 0)
        return unsupported("spatial_array without vector_lanes runs only Conv, Gemm and MatMul");
      c.peak_ops_per_cycle = s.vector_lanes();
      c.ops = t.vector_ops;
      c.compute_cycles = ceil_div(c.ops, s.vector_lanes());
      c.ifmap = {t.in_elems, 0};
      c.ofmap = {0, t.out_elems};
      c.energy.compute = static_cast<double>(c.ops) * s.vector_op_energy_pj();
      return c;
    }
    // Every op type the file maps its own way is costed with that unrolling; the tile does not
    // carry its op type, so a Gemm is told apart by its loops (no kernel, no columns).
    const bool gemm_like = t.kernel_h == 1 && t.kernel_w == 1 && t.out_cols == 1;
    const sp::Hierarchy h = hierarchy(s, gemm_like ? "Gemm" : "Conv");
    const sp::LayerLoops l = loops_of(t, s, d);
    const sp::MappingCost m =
        sp::best_mapping(l, h, tops(h, s.layer_io() == Spec::ON_CHIP, t.weights_resident));
    if (!m.feasible) return unsupported("spatial_array: " + m.reason);
    c.peak_ops_per_cycle = peak_macs_per_cycle(core);
    c.macs = t.macs();
    c.compute_cycles = m.cycles;
    // On-chip accesses per operand, in full-width accesses of each level (rounded up).
    const auto words = [&m, &h](int o) {
      double r = 0, w = 0;
      for (size_t g = 0; g < h.levels.size(); ++g)
        if (!h.levels[g].offchip) r += m.traffic[g][o].reads, w += m.traffic[g][o].writes;
      return SramAccess{static_cast<int64_t>(std::ceil(r - 1e-9)),
                        static_cast<int64_t>(std::ceil(w - 1e-9))};
    };
    c.filter = words(sp::kW);
    c.ifmap = words(sp::kI);
    c.ofmap = words(sp::kO);
    c.energy.compute = m.mac_energy_pj;
    c.energy.sram = m.memory_energy_pj;
    if (has_offchip(h)) {
      c.dram_read_bytes = bytes_of_bits(m.offchip_read_bits);
      c.dram_write_bytes = bytes_of_bits(m.offchip_write_bits);
      c.energy.dram = m.offchip_energy_pj;
      c.prices_own_dram = true;
      return c;
    }
    // No DRAM level (Stream's cores, whose off-chip memory is a core of its own): what the tile
    // fetches is priced by the chip's dram block. Weights not resident come in once; under
    // TOP_LEVEL the activations also go in and out once.
    if (!t.weights_resident) c.dram_read_bytes = d.weight_bytes;
    if (s.layer_io() == Spec::TOP_LEVEL) {
      c.dram_read_bytes = checked_add(c.dram_read_bytes, d.input_bytes, "tile DRAM bytes");
      c.dram_write_bytes = d.output_bytes;
    }
    return c;
  }

 private:
  static int64_t on_chip(const Spec& s, bool weights_only) {
    int64_t bits = 0;
    for (const auto& l : s.level()) {
      if (l.offchip() || (weights_only && !stores(l, Spec::WEIGHTS))) continue;
      int64_t instances = 1;
      for (const auto& d : s.dim())
        if (!serves(l, d.name())) instances = checked_mul(instances, d.size(), "memory instances");
      bits = checked_add(bits, checked_mul(instances, l.size_bits(), "memory bits"), "memory bits");
    }
    return bits / 8;
  }
};

}  // namespace

const CoreModel& spatial_array_model() {
  static const SpatialArrayModel model;
  return model;
}

}  // namespace eesim::hw
