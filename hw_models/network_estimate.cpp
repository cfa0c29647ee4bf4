#include "hw_models/network_estimate.h"

#include <algorithm>
#include <cmath>

#include "common/checked_math.h"
#include "hw_models/core_model.h"
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
  CoreEstimate out;
  out.core_index = core_index;
  for (LayerId v = 0; v < w.num_layers(); ++v) {
    TileShape tile = layer_tile(w.layer(v));
    const int64_t bytes = checked_mul(tile.weight_elems, wb, "weight bytes");
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
  out.io_bytes = checked_mul(io_elems(w), wb, "graph input and output bytes");
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
  int64_t weight_elems = 0;
  for (LayerId v = 0; v < w.num_layers(); ++v)
    weight_elems = checked_add(weight_elems, w.layer(v).weight_params, "network weights");
  r.compute_cycles = ceil_div(r.total_macs, r.peak_macs_per_cycle);
  const int64_t weight_bytes = checked_mul(weight_elems, word_bytes, "network weight bytes");
  r.dram_bytes = checked_add(checked_mul(io_elems(w), word_bytes, "graph input and output bytes"),
                             std::max<int64_t>(0, weight_bytes - capacity), "roofline DRAM bytes");
  for (const auto& d : arch.drams) r.dram_bytes_per_cycle += d.bandwidth_bytes_per_cycle;
  r.dram_cycles = checked_ceil_cycles(static_cast<double>(r.dram_bytes) / r.dram_bytes_per_cycle,
                                      "roofline DRAM cycles");
  return r;
}

}  // namespace eesim::hw
