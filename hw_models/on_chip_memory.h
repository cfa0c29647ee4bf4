#pragma once
// A core's on-chip memory and its spill policy (DESIGN.md section 5, "On-chip memory"): what stays
// on chip, what spills to the core's DRAM port, and the DRAM traffic and energy that costs. Pure:
// the engine asks it on every change of the bytes a core holds and records the answers.
#include <cstdint>

#include "hw_models/architecture.h"

namespace eesim::hw {

// What one change to the bytes a core holds cost beyond its memory.
struct SpillOutcome {
  int64_t spilled_bytes = 0;     // did not fit: written to DRAM now and read back later
  int64_t dram_bytes = 0;        // the DRAM traffic that takes: out and back, 2 * spilled_bytes
  int64_t dram_port_cycles = 0;  // cycles that traffic occupies the port, from the change on
  double dram_energy_pj = 0;     // its access energy
  bool operator==(const SpillOutcome&) const = default;
};

// Memory never blocks: bytes added beyond capacity spill at once (both directions charged
// then, so the read-back needs no later event), and bytes freed let spilled ones back in first
// (free: their read-back is already paid). So on-chip bytes never exceed capacity.
class OnChipMemory {
 public:
  OnChipMemory(int64_t capacity_bytes, const DramSpec& port)
      : capacity_bytes_(capacity_bytes), port_(port) {}
  // Adds `delta_bytes` to what the core holds (negative: frees them) and says what spilled.
  // Freeing more than is held is a programming error.
  SpillOutcome hold(int64_t delta_bytes);
  int64_t live_bytes() const { return live_bytes_; }        // on chip now, <= capacity
  int64_t spilled_bytes() const { return spilled_bytes_; }  // in DRAM instead, now

 private:
  int64_t capacity_bytes_ = 0;
  DramSpec port_;
  int64_t live_bytes_ = 0;
  int64_t spilled_bytes_ = 0;
};

}  // namespace eesim::hw
