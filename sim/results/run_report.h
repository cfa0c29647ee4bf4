#pragma once
// sim::Report (with the names it indexes: the workload's layers, the chip's cores) -> the
// eesim.report.RunReport message, once; every writer then takes the message alone
// (report_writers.h). What `eesim run --json|--report` writes and Python's Report is built from.
#include <cstdint>
#include <string>

#include "hw_models/architecture.h"
#include "report.pb.h"
#include "sim/studies/simulate.h"

namespace eesim::sim {

// What the report names besides the numbers in sim::Report.
struct ReportContext {
  std::string model, policy, fusion, allocation;
  int64_t nodes = 0;  // computation nodes in the CN graph
};

report::RunReport run_message(const Report& r, const ReportContext& c, const workloads::Workload& w,
                              const hw::Architecture& arch);

}  // namespace eesim::sim
