#pragma once
// sim::Report as JSON: what `eesim run --json` writes and what the Python Report is built from,
// so the two always carry the same fields.
#include <cstdint>
#include <string>

#include "hw_models/architecture.h"
#include "sim/studies/simulate.h"

namespace eesim::sim {

// What the report names besides the numbers in sim::Report.
struct ReportContext {
  std::string model, policy, fusion, allocation;
  int64_t nodes = 0;
};

std::string report_json(const Report& r, const ReportContext& c, const workloads::Workload& w,
                        const hw::Architecture& arch);

}  // namespace eesim::sim
