#include "hw_models/network_estimate.h"

#include <algorithm>
#include <cmath>

#include "common/checked_math.h"
#include "hw_models/core_model.h"
#include "hw_models/datapath.h"
#include "hw_models/dram.h"
#include "hw_models/noc.h"

namespace eesim::hw {
namespace {

using workloads::LayerId;
using workloads::Workload;

// Elements of the graph's inputs plus every output a caller can read (final and exits).
int64_t io_elems(const Workload& w) {
  constexpr std::string_view kWhat = "graph input and output elements";
  int64_t n = 0;
  for (const auto& t : w.inputs) n = checked_add(n, checked_product(t.shape, kWhat), kWhat);
  auto add_output = [&](LayerId v) {
    for (const auto& t : w.layer(v).outputs)
      n = checked_add(n, checked_product(t.shape, kWhat), kWhat);
  };
  add_output(w.final_layer);
  for (const auto& e : w.exits) add_output(e.output_layer);
  return n;
}

LayerEstimate estimate_layer(const Architecture& arch, size_t core_index, const TileShape& tile,
                             CostCache& cache) {
  LayerEstimate e;
  e.tile = tile;
  e.cost = cache.get(core_index, tile);
  const DramSpec& dram = arch.drams[nearest_dram(arch, core_index)];
  e.dram_cycles = dram_cycles(dram, e.cost.dram_bytes());
  e.latency_cycles = std::max(e.cost.compute_cycles, e.dram_cycles);
  // mW x ns = pJ.
  e.static_energy_pj = arch.cores[core_index].static_power_mw * arch.ns(e.latency_cycles);
  return e;
}

}  // namespace

CoreEstimate layer_by_layer(const Workload& w, const Architecture& arch, size_t core_index,
                            CostCache& cache) {
  const CoreSpec& core = arch.cores.at(core_index);
  const CoreModel& model = core_model(core);
  const int64_t wb = model.word_bytes(core);
  int64_t capacity = model.weight_capacity_bytes(core);
  const int64_t io_bits = narrowest_activation_bits(w, wb);
  CoreEstimate out;
  out.core_index = core_index;
  for (LayerId v = 0; v < w.num_layers(); ++v) {
    TileShape tile = layer_tile(w.layer(v));
    const int64_t bytes = weight_storage_bytes(core, wb, tile);
    tile.weights_resident = bytes > 0 && bytes <= capacity;
    if (tile.weights_resident) capacity -= bytes;
    int64_t& kept = tile.weights_resident ? out.resident_weight_bytes : out.streamed_weight_bytes;
    kept = checked_add(kept, bytes, "weight bytes");
    LayerEstimate e = estimate_layer(arch, core_index, tile, cache);
    if (!e.cost.supported) out.unsupported.push_back(w.layer(v).name + ": " + e.cost.reason);
    out.latency_cycles = checked_add(out.latency_cycles, e.latency_cycles, "network cycles");
    out.dynamic_pj.compute += e.cost.energy.compute;
    out.dynamic_pj.sram += e.cost.energy.sram;
    out.dynamic_pj.dram += e.cost.energy.dram;
    out.static_pj += e.static_energy_pj;
    out.layers.push_back(std::move(e));
  }
  const DramSpec& dram = arch.drams[nearest_dram(arch, core_index)];
  out.io_bytes = operand_bytes(io_elems(w), io_bits, wb);
  out.io_cycles = dram_cycles(dram, out.io_bytes);
  out.latency_cycles = checked_add(out.latency_cycles, out.io_cycles, "network cycles");
  out.dynamic_pj.dram += dram_energy_pj(dram, out.io_bytes);
  out.static_pj += core.static_power_mw * arch.ns(out.io_cycles);
  out.energy_pj = out.dynamic_pj.total() + out.static_pj;
  return out;
}

Roofline roofline(const Workload& w, const Architecture& arch) {
  Roofline r;
  r.total_macs = w.total_macs();
  int64_t word_bytes = INT64_MAX, capacity = 0;
  for (const auto& c : arch.cores) {
    const CoreModel& m = core_model(c);
    r.peak_macs_per_cycle =
        checked_add(r.peak_macs_per_cycle, m.peak_macs_per_cycle(c), "chip peak MACs");
    capacity = checked_add(capacity, m.weight_capacity_bytes(c), "chip weight capacity");
    word_bytes = std::min(word_bytes, m.word_bytes(c));
  }
  int64_t weight_bytes = 0;
  double mac_runs = 0;  // MACs as the fastest datapath runs them
  for (LayerId v = 0; v < w.num_layers(); ++v) {
    const TileShape tile = layer_tile(w.layer(v));
    int64_t fewest = INT64_MAX;
    double factor = HUGE_VAL;  // the fastest datapath's; 1 when every core refuses the layer
    for (const auto& c : arch.cores) {
      const Datapath d = datapath(c, core_model(c).word_bytes(c), tile);
      fewest = std::min(fewest, d.weight_bytes);
      if (d.refusal.empty())
        factor = std::min(factor, static_cast<double>(d.passes) * d.skipped_density /
                                      static_cast<double>(d.fused));
    }
    if (factor == HUGE_VAL) factor = 1;
    weight_bytes = checked_add(weight_bytes, fewest, "network weight bytes");
    mac_runs += static_cast<double>(w.layer(v).macs) * factor;
  }
  r.compute_cycles =
      mac_runs == static_cast<double>(r.total_macs)  // every layer at the native rate: exact
          ? ceil_div(r.total_macs, r.peak_macs_per_cycle)
          : static_cast<int64_t>(std::ceil(mac_runs / static_cast<double>(r.peak_macs_per_cycle)));
  r.dram_bytes =
      checked_add(operand_bytes(io_elems(w), narrowest_activation_bits(w, word_bytes), word_bytes),
                  std::max<int64_t>(0, weight_bytes - capacity), "roofline DRAM bytes");
  for (const auto& d : arch.drams) r.dram_bytes_per_cycle += d.bandwidth_bytes_per_cycle;
  r.dram_cycles = checked_ceil_cycles(static_cast<double>(r.dram_bytes) / r.dram_bytes_per_cycle,
                                      "roofline DRAM cycles");
  return r;
}

int64_t narrowest_activation_bits(const Workload& w, int64_t word_bytes) {
  int64_t bits = 8 * word_bytes;
  for (LayerId v = 0; v < w.num_layers(); ++v)
    for (int64_t b : {w.layer(v).input_bits, w.layer(v).output_bits})
      if (b > 0) bits = std::min(bits, b);
  return bits;
}

}  // namespace eesim::hw
