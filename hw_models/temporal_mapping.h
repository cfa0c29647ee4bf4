#pragma once
// The temporal-mapping cost model of a spatial array with a per-operand memory hierarchy, as
// ZigZag models one (Mei et al., "ZigZag: Enlarging Joint Architecture-Mapping Design Space
// Exploration for DNN Accelerators", IEEE TC 70(8), 2021): a layer's loops left after the spatial
// unrolling are ordered, allocated bottom-up to the memory levels (LOMA: Symons, Mei, Verhelst,
// "Loop-Order-based Memory Allocation", AICAS 2021), and each order's accesses, energy and
// cycles are computed in closed form; the best order by the objective is kept. Pure: no
// protobuf, no globals (spatial_array_model.cpp adapts arch.proto's SpatialArray to it).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace eesim::hw::spatial {

// Loop dimensions of a layer: batch, groups, output and input channels, output rows and
// columns, filter rows and columns; and the slices of weights and inputs wider than the MACs
// (a datapath of n bits runs a w-bit weight as ceil(w / n) slices, each slice pair a pass: Bit
// Fusion's temporal fusion, Sharma et al., ISCA 2018; eesim's Precision.wider = PASSES).
enum Dim { kB, kG, kK, kC, kOY, kOX, kFY, kFX, kSW, kSI, kNumDims };
// Operands: weights, input activations, outputs (with their partial sums).
enum Operand { kW, kI, kO, kNumOperands };

using DimSizes = std::array<int64_t, kNumDims>;

struct LayerLoops {
  DimSizes size{1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  int64_t stride_y = 1, stride_x = 1, dilation_y = 1, dilation_x = 1;
  std::array<int64_t, kNumOperands> bits{8, 8, 8};  // element (slice) widths; outputs final
  int64_t psum_bits = 16;                           // outputs while a reduction is open
  int64_t macs() const;
};

struct ArrayDim {
  std::string name;
  int64_t size = 1;
  std::vector<std::pair<Dim, int64_t>> unroll;  // loop and factor; product <= size
};

struct Level {
  std::string name;
  int64_t size_bits = 0;                    // one instance
  std::array<bool, kNumOperands> stores{};  // operands held here
  std::vector<bool> serves;                 // per ArrayDim: one instance spans it
  int64_t read_bits_per_cycle = 1, write_bits_per_cycle = 1;
  int64_t min_access_bits = 0;                     // 0: the full width
  double read_energy_pj = 0, write_energy_pj = 0;  // one full-width access
  bool shared_port = false;                        // reads and writes share one port
  bool offchip = false;                            // DRAM: its traffic is the core's DRAM bytes
};

struct Hierarchy {
  std::vector<ArrayDim> dims;
  std::vector<Level> levels;  // lowest first
  double mac_energy_pj = 0;
  int lpf_limit = 6;
  bool minimize_energy = false;  // else cycles first, energy breaking ties
};

// What one operand costs at one level, in word accesses (full-width, ZigZag's unit) and bits.
struct LevelTraffic {
  double reads = 0, writes = 0;          // full-width accesses
  double read_bits = 0, write_bits = 0;  // bits moved through the ports, all instances
};

struct MappingCost {
  bool feasible = false;
  std::string reason;        // when not feasible
  int64_t ideal_cycles = 0;  // product of the temporal loop sizes
  int64_t cycles = 0;        // with memory stalls, onload and offload
  double utilization = 0;    // MACs / (MACs per cycle * cycles at full array)
  double mac_energy_pj = 0;
  double memory_energy_pj = 0;   // every level but the offchip one
  double offchip_energy_pj = 0;  // the offchip level
  double offchip_read_bits = 0, offchip_write_bits = 0;
  // Per level (Hierarchy::levels order), per operand.
  std::vector<std::array<LevelTraffic, kNumOperands>> traffic;
  // The chosen order of the temporal loops, innermost first, and where each operand's levels
  // cut it: loops [0, cut[o][i]) sit at or below the operand's i-th level.
  std::vector<std::pair<Dim, int64_t>> order;
  double energy_pj() const { return mac_energy_pj + memory_energy_pj + offchip_energy_pj; }
};

// The spatial unrolling of `loops` on `h` (each factor cut to the layer), the best temporal
// mapping by the objective, and its cost. `top` gives, per operand, the highest level that
// operand's data comes from and goes to (its hierarchy's top when -1): the layer's operands
// start and end there, and levels above it are not used for that operand.
MappingCost best_mapping(const LayerLoops& loops, const Hierarchy& h,
                         std::array<int, kNumOperands> top = {-1, -1, -1});

}  // namespace eesim::hw::spatial
