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
#include "hw_models/datapath.h"

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
    const Datapath d = datapath(core, s.word_bytes(), t);
    if (!d.refusal.empty()) return unsupported(d.refusal);
    Cost c;
    c.peak_ops_per_cycle = s.lanes();
    if (t.cls == TileClass::kGemm) {
      c.macs = t.macs();
      // One MAC per lane per cycle, the reduction as the datapath runs it (datapath.h).
      const int64_t macs_run =
          mul(mul(t.groups, t.out_pixels), mul(t.filters, d.reduction(t.window)));
      c.compute_cycles = ceil_div(macs_run, s.lanes());
      c.filter = {c.macs, t.weight_elems};
    } else {
      c.ops = t.vector_ops;
      c.compute_cycles = ceil_div(c.ops, s.lanes());
    }
    c.ifmap = {t.in_elems, 0};
    c.ofmap = {0, t.out_elems};
    if (add(add(d.input_bytes, d.output_bytes), d.weight_bytes) > s.memory_bytes()) {
      c.dram_read_bytes = d.input_bytes;
      c.dram_write_bytes = d.output_bytes;
    }
    if (!t.weights_resident) c.dram_read_bytes = add(c.dram_read_bytes, d.weight_bytes);
    c.energy.compute =
        (static_cast<double>(c.macs) * d.mac_energy_factor + static_cast<double>(c.ops)) *
        s.op_energy_pj();
    c.energy.sram =
        (d.input_access_bytes(c.ifmap.words()) + d.weight_access_bytes(c.filter.words()) +
         d.output_access_bytes(c.ofmap.words())) *
        s.memory_energy_pj_per_byte();
    return c;
  }
};

}  // namespace

const CoreModel& simd_model() {
  static const SimdModel model;
  return model;
}

}  // namespace eesim::hw
