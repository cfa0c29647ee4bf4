#pragma once
// The timeline of a simulated report as Chrome trace-event JSON (opens in ui.perfetto.dev and
// chrome://tracing) and as CSV rows for pandas (DESIGN.md section 6): one process per scenario,
// a track per core and per mesh link, a complete event per computation node and per transfer,
// each exit as an instant event.
#include <string>
#include <vector>

#include "hw_models/architecture.h"
#include "mapping/cn_graph.h"
#include "sim/studies/simulate.h"

namespace eesim::sim {

// One event of the timeline: a node on a core's track, or a transfer on a link's track.
struct TraceRow {
  size_t scenario = 0;
  size_t track = 0;  // index into Trace::tracks: cores first, then links in first-use order
  std::string kind;  // "cn" or "transfer"
  std::string name;  // the layer, or "producer -> consumer"
  int64_t start = 0, end = 0;  // cycles
  std::string layer;
  int64_t first_row = 0, rows = 0, macs = 0, bytes = 0;
  bool cancelled = false;
  int64_t input = -1;  // streams: the input's index (-1 in a scenario report)
};

struct Trace {
  std::vector<std::string> tracks;      // "core NAME", "link (x,y)->(x,y)"
  std::vector<TraceRow> rows;           // by scenario; nodes then transfers
  std::vector<hw::Link> link_of_track;  // tracks after the cores: their link
};

// Appends one simulated input's rows: its nodes on core tracks (cores are tracks 0..cores-1,
// present before the call), its transfers on link tracks added on first use. Nodes still
// running at `end_cycles` were cancelled and end there.
void append_trace_rows(Trace& t, const workloads::Workload& w, const mapping::CnGraph& g,
                       const hw::Architecture& arch, const Plan& plan,
                       const std::vector<NodeTiming>& nodes, const std::vector<Transfer>& transfers,
                       int64_t end_cycles, size_t scenario, int64_t input);

Trace trace_rows(const workloads::Workload& w, const mapping::CnGraph& g,
                 const hw::Architecture& arch, const Report& r);

std::string chrome_trace_json(const workloads::Workload& w, const mapping::CnGraph& g,
                              const hw::Architecture& arch, const Report& r);
// Columns:
// scenario,track,kind,name,start_cycles,end_cycles,layer,first_row,rows,macs,bytes,cancelled
std::string trace_csv(const workloads::Workload& w, const mapping::CnGraph& g,
                      const hw::Architecture& arch, const Report& r);

}  // namespace eesim::sim
