#include "hw_models/dram.h"

#include "common/checked_math.h"

namespace eesim::hw {

int64_t dram_cycles(const DramSpec& dram, int64_t bytes) {
  return checked_ceil_cycles(static_cast<double>(bytes) / dram.bandwidth_bytes_per_cycle,
                             "DRAM transfer");
}

double dram_energy_pj(const DramSpec& dram, int64_t bytes) {
  return static_cast<double>(bytes) * dram.energy_pj_per_byte;
}

}  // namespace eesim::hw
