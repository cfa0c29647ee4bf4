#pragma once
// Pure costs of a DRAM port (DESIGN.md section 3): bytes through it at its sustained bandwidth,
// and their access energy. Contention on a port is the simulator's job.
#include <cstdint>

#include "hw_models/architecture.h"

namespace eesim::hw {

// Cycles for `bytes` through the port: ceil(bytes / bandwidth); throws eesim::Error past
// kMaxCycles.
int64_t dram_cycles(const DramSpec& dram, int64_t bytes);
// Access energy of `bytes`, pJ.
double dram_energy_pj(const DramSpec& dram, int64_t bytes);

}  // namespace eesim::hw
