#pragma once
// The timeline of a simulated report as Chrome trace-event JSON (opens in ui.perfetto.dev and
// chrome://tracing) and as CSV rows for pandas (DESIGN.md section 6): one process per scenario,
// a track per core and per mesh link, a complete event per computation node and per transfer,
// each exit as an instant event.
#include <string>

#include "hw_models/architecture.h"
#include "mapping/cn_graph.h"
#include "sim/simulate.h"

namespace eesim::sim {

std::string chrome_trace_json(const workloads::Workload& w, const mapping::CnGraph& g,
                              const hw::Architecture& arch, const Report& r);
// Columns: scenario,track,kind,name,start_cycles,end_cycles,layer,first_row,rows,macs,bytes,cancelled
std::string trace_csv(const workloads::Workload& w, const mapping::CnGraph& g,
                      const hw::Architecture& arch, const Report& r);

}  // namespace eesim::sim
