#pragma once
// A stream's results out (DESIGN.md section 6): sim::StreamReport -> the
// eesim.report.StreamReport message, once (what `eesim stream --json` writes through
// report_writers.h and Python's StreamReport is built from), and one CSV row per input (the
// per-input figures are not in the summary message). Its timeline: trace.h.
#include <string>

#include "hw_models/architecture.h"
#include "report.pb.h"
#include "sim/results/run_report.h"
#include "sim/studies/stream.h"

namespace eesim::sim {

report::StreamReport stream_message(const StreamReport& r, const ReportContext& c,
                                    const hw::Architecture& arch);

// Columns: input,exit,arrival_cycles,admitted_cycles,done_cycles,latency_cycles,energy_pj
// (energy: the input's dynamic + NoC energy; static power is the chip's, in the summary).
std::string stream_inputs_csv(const StreamReport& r);

}  // namespace eesim::sim
