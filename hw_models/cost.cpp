#include "hw_models/cost.h"

namespace eesim::hw {

double Cost::utilization() const {
  if (compute_cycles == 0 || peak_ops_per_cycle == 0) return 0.0;
  return static_cast<double>(macs > 0 ? macs : ops) /
         (static_cast<double>(peak_ops_per_cycle) * static_cast<double>(compute_cycles));
}

Cost unsupported(const std::string& reason) {
  Cost c;
  c.supported = false;
  c.reason = reason;
  return c;
}

std::ostream& operator<<(std::ostream& os, const Cost& c) {
  if (!c.supported) return os << "Cost{unsupported: " << c.reason << "}";
  return os << "Cost{cycles=" << c.compute_cycles << " macs=" << c.macs << " ops=" << c.ops
            << " util=" << c.utilization() << " ifmap=" << c.ifmap.reads << "r/" << c.ifmap.writes
            << "w filter=" << c.filter.reads << "r/" << c.filter.writes
            << "w ofmap=" << c.ofmap.reads << "r/" << c.ofmap.writes
            << "w dram=" << c.dram_read_bytes << "r/" << c.dram_write_bytes
            << "w energy_pj=" << c.energy.compute << "+" << c.energy.sram << "+" << c.energy.dram
            << "}";
}

}  // namespace eesim::hw
