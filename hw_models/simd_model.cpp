// Cost model "simd": `lanes` operations per cycle for eltwise, activation, pooling, reduction,
// softmax and data movement; layers with MACs run at one MAC per lane per cycle (a vector core
// can run them, slowly). One local memory holds the tile's activations and weights; what does
// not fit is streamed from and to DRAM. Access counts: each input element read once, each
// output element written once, and for MACs one weight read per MAC. A band of a fused layer
// costs its share of the layer (cycles are linear in its operations, up to one ceil): no
// pipeline to fill, so nothing to model beyond the weights its layer's first band fetched.
#include "arch.pb.h"
#include "common/checked_math.h"
#include "hw_models/core_model.h"

namespace eesim::hw {
namespace {

// Bytes of the tile's operands: overflow-checked, as an absurd tile must not wrap.
constexpr std::string_view kWhat = "simd tile bytes";

using Spec = schema::Simd;  // this kind's parameters (arch.proto)

int64_t mul(int64_t a, int64_t b) { return checked_mul(a, b, kWhat); }
int64_t add(int64_t a, int64_t b) { return checked_add(a, b, kWhat); }

class SimdModel : public CoreModel {
 public:
  std::string kind() const override { return "simd"; }
  int64_t peak_macs_per_cycle(const CoreSpec& core) const override {
    return params_of<Spec>(core).lanes();
  }
  int64_t weight_capacity_bytes(const CoreSpec&) const override { return 0; }
  int64_t on_chip_bytes(const CoreSpec& core) const override {
    return params_of<Spec>(core).memory_bytes();
  }
  int64_t word_bytes(const CoreSpec& core) const override {
    return params_of<Spec>(core).word_bytes();
  }
  Cost cost(const CoreSpec& core, const TileShape& t) const override {
    const auto& s = params_of<Spec>(core);
    Cost c;
    c.peak_ops_per_cycle = s.lanes();
    if (t.cls == TileClass::kGemm) {
      c.macs = t.macs();
      c.compute_cycles = ceil_div(c.macs, s.lanes());
      c.filter = {c.macs, t.weight_elems};
    } else {
      c.ops = t.vector_ops;
      c.compute_cycles = ceil_div(c.ops, s.lanes());
    }
    c.ifmap = {t.in_elems, 0};
    c.ofmap = {0, t.out_elems};
    const int64_t wb = s.word_bytes();
    if (mul(add(add(t.in_elems, t.out_elems), t.weight_elems), wb) > s.memory_bytes()) {
      c.dram_read_bytes = mul(t.in_elems, wb);
      c.dram_write_bytes = mul(t.out_elems, wb);
    }
    if (!t.weights_resident) c.dram_read_bytes = add(c.dram_read_bytes, mul(t.weight_elems, wb));
    c.energy.compute = static_cast<double>(c.macs + c.ops) * s.op_energy_pj();
    const double words = c.ifmap.words() + c.filter.words() + c.ofmap.words();
    c.energy.sram = words * static_cast<double>(wb) * s.memory_energy_pj_per_byte();
    return c;
  }
};

}  // namespace

const CoreModel& simd_model() {
  static const SimdModel model;
  return model;
}

}  // namespace eesim::hw
