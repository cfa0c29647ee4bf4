#pragma once
// What a cost model returns for one tile on one core: cycles, memory traffic per operand and
// the dynamic energy it implies. Static energy depends on how long the core is powered, which
// only the schedule knows (sim/), so it is not here.
#include <cstdint>
#include <ostream>
#include <string>

#include "common/checked_math.h"

namespace eesim::hw {

// Accesses to one operand's on-chip buffer, in words of the core's word_bytes.
struct SramAccess {
  int64_t reads = 0;
  int64_t writes = 0;
  // Both, in double: an energy factor, which must not overflow where the counts are huge.
  double words() const { return static_cast<double>(reads) + static_cast<double>(writes); }
  bool operator==(const SramAccess&) const = default;
};

struct EnergyPj {
  double compute = 0;  // MACs and vector operations
  double sram = 0;     // on-chip buffers
  double dram = 0;     // off-chip traffic
  double total() const { return compute + sram + dram; }
  bool operator==(const EnergyPj&) const = default;
};

struct Cost {
  bool supported = true;
  std::string reason;  // why not, when !supported (an infeasible mapping is a result, not a crash)
  int64_t compute_cycles = 0;      // cycles the core is busy, memory stalls excluded
  int64_t macs = 0;                // useful MACs
  int64_t ops = 0;                 // useful vector operations
  int64_t peak_ops_per_cycle = 0;  // the core's peak (MACs or vector ops) for this tile class
  SramAccess ifmap;                // input activations
  SramAccess filter;               // weights
  SramAccess ofmap;                // output activations (and partial sums)
  int64_t dram_read_bytes = 0;     // operands that do not fit on chip, fetched for this tile
  int64_t dram_write_bytes = 0;
  EnergyPj energy;  // dynamic energy of the above
  // The model priced its DRAM traffic itself in energy.dram (a memory hierarchy whose top level
  // is DRAM, with its own per-access energies: spatial_array); the chip then adds only the NoC
  // energy of carrying it to the DRAM port, not the dram block's pJ/byte.
  bool prices_own_dram = false;

  int64_t dram_bytes() const {
    return checked_add(dram_read_bytes, dram_write_bytes, "tile DRAM bytes");
  }
  // Useful work over peak work in compute_cycles (0..1).
  double utilization() const;
  bool operator==(const Cost&) const = default;
};

Cost unsupported(const std::string& reason);
std::ostream& operator<<(std::ostream& os, const Cost& c);

}  // namespace eesim::hw
