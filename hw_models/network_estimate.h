#pragma once
// Whole-network figures that need no schedule: every layer run on one core, one after another
// (what `eesim inspect --arch` prints per core kind), and the roofline lower bound of the
// network on the whole chip (DESIGN.md section 5). The scheduled, multi-core answer is sim/'s.
#include <cstdint>
#include <string>
#include <vector>

#include "hw_models/architecture.h"
#include "hw_models/cost.h"
#include "hw_models/cost_cache.h"
#include "hw_models/tile.h"
#include "workloads/workload.h"

namespace eesim::hw {

struct LayerEstimate {
  TileShape tile;               // the whole layer, with its weight residency
  Cost cost;                    // dynamic energy included (compute, SRAM, DRAM)
  int64_t dram_cycles = 0;      // its DRAM traffic at the nearest port's bandwidth
  int64_t latency_cycles = 0;   // max(compute, DRAM): double-buffered, they overlap
  double static_energy_pj = 0;  // the core's static power over latency_cycles
  double energy_pj() const { return cost.energy.total() + static_energy_pj; }
};

struct CoreEstimate {
  size_t core_index = 0;
  std::vector<LayerEstimate> layers;  // indexed by LayerId
  // Weights kept on chip across inferences: layers in topological order are cached while they
  // fit the core's parameter memory, the rest stream from DRAM every inference (the Edge TPU
  // compiler's parameter caching, coral.ai/docs/edgetpu/compiler, "Parameter data caching").
  int64_t resident_weight_bytes = 0;
  int64_t streamed_weight_bytes = 0;
  int64_t io_bytes = 0;  // graph inputs read from and graph outputs written to DRAM
  int64_t io_cycles = 0;
  int64_t latency_cycles = 0;  // io + sum of layer latencies
  double energy_pj = 0;        // every layer's energy plus the io's DRAM energy
  EnergyPj dynamic_pj;         // its dynamic part by component
  double static_pj = 0;
  std::vector<std::string> unsupported;  // "layer: reason" for layers this core cannot run
};

// Every layer of `w` on core `core_index`, in topological order, costs from `cache`.
CoreEstimate layer_by_layer(const workloads::Workload& w, const Architecture& arch,
                            size_t core_index, CostCache& cache);

struct Roofline {
  int64_t total_macs = 0;
  int64_t peak_macs_per_cycle = 0;  // all cores together
  int64_t compute_cycles = 0;       // ceil(MACs / peak)
  // Compulsory DRAM traffic: graph inputs and every graph output (exits included) at the
  // narrowest activation width, and the weights that do not fit in all cores' parameter
  // memories together, each layer's as stored by the core that stores them most compactly;
  // over all DRAM ports' bandwidth together. compute_cycles counts each layer's MACs as the
  // core that runs them in the fewest unit-cycles would (hw_models/datapath.h: fused narrow
  // operands, skipped zeros), so the bound holds whatever the widths.
  int64_t dram_bytes = 0;
  double dram_bytes_per_cycle = 0;
  int64_t dram_cycles = 0;
  int64_t lower_bound_cycles() const { return std::max(compute_cycles, dram_cycles); }
  std::string bound() const { return dram_cycles > compute_cycles ? "dram" : "compute"; }
};

Roofline roofline(const workloads::Workload& w, const Architecture& arch);

// The narrowest activation width of `w`'s layers, bits (a layer's 0: 8 x word_bytes): graph
// inputs and outputs counted at it bound their traffic from below.
int64_t narrowest_activation_bits(const workloads::Workload& w, int64_t word_bytes);

}  // namespace eesim::hw
