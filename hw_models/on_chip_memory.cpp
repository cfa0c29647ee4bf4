#include "hw_models/on_chip_memory.h"

#include <algorithm>
#include <cassert>

#include "hw_models/dram.h"

namespace eesim::hw {

SpillOutcome OnChipMemory::hold(int64_t delta_bytes) {
  SpillOutcome out;
  const int64_t over = live_bytes_ + delta_bytes - capacity_bytes_;
  if (delta_bytes > 0 && over > 0) {
    out.spilled_bytes = std::min(over, delta_bytes);
    out.dram_bytes = 2 * out.spilled_bytes;
    out.dram_port_cycles = dram_cycles(port_, out.dram_bytes);
    out.dram_energy_pj = dram_energy_pj(port_, out.dram_bytes);
    spilled_bytes_ += out.spilled_bytes;
    delta_bytes -= out.spilled_bytes;
  } else if (delta_bytes < 0 && spilled_bytes_ > 0) {
    const int64_t back = std::min(spilled_bytes_, -delta_bytes);
    spilled_bytes_ -= back;
    delta_bytes += back;
  }
  live_bytes_ += delta_bytes;
  assert(live_bytes_ >= 0);
  return out;
}

}  // namespace eesim::hw
