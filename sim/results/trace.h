#pragma once
// Timelines as Chrome trace-event JSON (opens in ui.perfetto.dev, chrome://tracing and
// speedscope) and as CSV rows for pandas (DESIGN.md section 6). One Trace type and one pair of
// writers serve both studies: a run's trace has one process per scenario, a stream's one process
// holding its recorded inputs. A track per core, per mesh link and per DRAM port, a complete
// event per computation node, per transfer and per DRAM port booking, exits (and a stream's
// arrivals) as instant events, memory held per core as counters.
//
// Time is in integer clock cycles everywhere: the CSV's and Python's start_cycles/end_cycles,
// and the JSON's `ts` and `dur`. The trace-event format reads `ts` as microseconds; a cycle is a
// fraction of one (1.25 ns at 800 MHz) that no decimal nor double holds exactly for every clock,
// and fractional timestamps let `ts + dur` of one event pass the next event's `ts` by an ulp,
// which viewers draw as nesting (a staircase of bands that never close). Integer cycles are
// exact, so events on a track never overlap: a core runs one node at a time, and a link or a
// DRAM port carries one transfer at a time (the engine's link calendar), which integers keep. The
// file declares its unit in `otherData` (`time_unit`: "cycles", `clock_mhz`, `ns_per_cycle`); a
// viewer labels cycles as microseconds (read "1 us" as one cycle). No `displayTimeUnit`:
// Perfetto takes "ns" there to mean `ts` is in nanoseconds while chrome://tracing and speedscope
// do not, so the viewers would disagree.
#include <string>
#include <utility>
#include <vector>

#include "hw_models/architecture.h"
#include "mapping/cn_graph.h"
#include "sim/studies/simulate.h"
#include "sim/studies/stream.h"

namespace eesim::sim {

// One event of the timeline: a node on a core's track, a transfer on a link's track, or a
// booking of a DRAM port on the port's track.
struct TraceRow {
  size_t scenario = 0;         // index into Trace::scenarios
  size_t track = 0;            // index into Trace::tracks
  std::string kind;            // "cn", "transfer", "dram" (a node's own traffic) or "spill"
  std::string name;            // the layer, "producer -> consumer", or "LAYER spill"
  int64_t start = 0, end = 0;  // cycles
  std::string layer;
  int64_t first_row = 0, rows = 0, macs = 0, bytes = 0;
  bool cancelled = false;
  int64_t input = -1;  // streams: the input's index (-1 in a scenario report)
  // Output channels [first_channel, first_channel + channels) the node computes (all of them
  // unless its layer is split by channels across cores).
  int64_t first_channel = 0, channels = 0;
};

// A moment on a process's timeline (thread 0), with optional numeric arguments.
struct TraceInstant {
  std::string name;
  int64_t at_cycles = 0;
  std::vector<std::pair<std::string, double>> args;
};

// A Chrome process: its name, every track as a thread (in track order), memory counters (one
// per core) and instants.
struct TraceProcess {
  std::string name;
  std::vector<MemorySample> memory;
  std::vector<TraceInstant> instants;
};

struct Trace {
  bool per_input = false;  // a stream's: rows carry inputs, all in process 0
  double clock_mhz = 0;    // declared in the JSON beside its unit, cycles
  std::vector<std::string> core_names;
  std::vector<std::string> scenarios;  // exit names, indexed by TraceRow::scenario
  // "core NAME" in chip order, "link (x,y)->(x,y)" by source router row-major, then
  // destination, and "dram NAME" in the chip's order.
  std::vector<std::string> tracks;
  std::vector<TraceRow> rows;           // by scenario (input); nodes, transfers, DRAM
  std::vector<hw::Link> link_of_track;  // tracks after the cores: their link
  std::vector<TraceProcess> processes;  // a run: one per scenario; a stream: one
};

// Every scenario of a run report.
Trace trace_rows(const workloads::Workload& w, const mapping::CnGraph& g,
                 const hw::Architecture& arch, const Report& r);
// The recorded inputs of a stream (StreamOptions::record_inputs) on one timeline.
Trace stream_trace_rows(const workloads::Workload& w, const mapping::CnGraph& g,
                        const hw::Architecture& arch, const StreamReport& r);

// ts/dur in integer cycles (see the top of this file); processes and threads named, with sort
// indices in track order; a core's memory counter holds one value per cycle (the last).
std::string chrome_trace_json(const Trace& t);
// Columns: [input,]scenario,track,kind,name,start_cycles,end_cycles,layer,first_row,rows,macs,
// bytes,cancelled (`input` in a stream's trace only).
std::string trace_csv(const Trace& t);

}  // namespace eesim::sim
