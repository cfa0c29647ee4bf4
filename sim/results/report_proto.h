#pragma once
// sim::Report -> the eesim.report.Report protobuf message (sim/results/report.proto), written as
// text format or binary. The only file that sees the generated report classes.
#include <string>

#include "hw_models/architecture.h"
#include "sim/results/report_json.h"
#include "sim/studies/simulate.h"

namespace eesim::sim {

// Protobuf text format when `path` ends in .txtpb or .textproto, binary otherwise. Throws
// eesim::Error naming the path when it cannot be written.
void write_report_proto(const Report& r, const ReportContext& c, const workloads::Workload& w,
                        const hw::Architecture& arch, const std::string& path);

}  // namespace eesim::sim
