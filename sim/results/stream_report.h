#pragma once
// A stream's results out (DESIGN.md section 6): the summary as JSON (what `eesim stream --json`
// prints and the Python StreamReport is built from), one CSV row per input, and the timeline of
// the recorded inputs as Chrome trace-event JSON and CSV.
#include <string>

#include "hw_models/architecture.h"
#include "mapping/cn_graph.h"
#include "sim/results/report_json.h"
#include "sim/results/trace.h"
#include "sim/studies/stream.h"

namespace eesim::sim {

std::string stream_json(const StreamReport& r, const ReportContext& c,
                        const hw::Architecture& arch);

// Columns: input,exit,arrival_cycles,admitted_cycles,done_cycles,latency_cycles,energy_pj
// (energy: the input's dynamic + NoC energy; static power is the chip's, in the summary).
std::string stream_inputs_csv(const StreamReport& r);

// The recorded inputs (StreamOptions::record_inputs) on one timeline: core and link tracks,
// rows carry the input index and its scenario.
Trace stream_trace_rows(const workloads::Workload& w, const mapping::CnGraph& g,
                        const hw::Architecture& arch, const StreamReport& r);
std::string stream_chrome_trace_json(const workloads::Workload& w, const mapping::CnGraph& g,
                                     const hw::Architecture& arch, const StreamReport& r);
// Columns: input,scenario,track,kind,name,start_cycles,end_cycles,layer,first_row,rows,macs,
// bytes,cancelled
std::string stream_trace_csv(const workloads::Workload& w, const mapping::CnGraph& g,
                             const hw::Architecture& arch, const StreamReport& r);

}  // namespace eesim::sim
