#include "sim/results/trace.h"

#include <algorithm>
#include <sstream>

#include "common/csv.h"
#include "common/json_writer.h"

namespace eesim::sim {
namespace {

std::string link_name(const hw::Link& l) {
  return "link (" + std::to_string(l.from.x) + "," + std::to_string(l.from.y) + ")->(" +
         std::to_string(l.to.x) + "," + std::to_string(l.to.y) + ")";
}

}  // namespace

void append_trace_rows(Trace& t, const workloads::Workload& w, const mapping::CnGraph& g,
                       const hw::Architecture& arch, const Plan& plan,
                       const std::vector<NodeTiming>& nodes, const std::vector<Transfer>& transfers,
                       int64_t end_cycles, size_t scenario, int64_t input) {
  for (size_t i = 0; i < plan.nodes.size() && i < nodes.size(); ++i) {
    const NodeTiming& n_t = nodes[i];
    if (n_t.start < 0) continue;
    const auto& n = plan.nodes[i];
    const auto& cn = g.cn(n.cn);
    const bool cancelled = n_t.end < 0;
    t.rows.push_back({scenario, n.core, "cn", w.layer(n.layer).name, n_t.start,
                      cancelled ? end_cycles : n_t.end, w.layer(n.layer).name, cn.first_row,
                      cn.rows, n.macs, 0, cancelled, input});
  }
  for (const auto& x : transfers) {
    const int64_t hold = x.hold_cycles;
    const std::string layer = w.layer(plan.nodes[x.from_node].layer).name;
    for (const auto& l : x.route) {
      const auto it = std::find(t.link_of_track.begin(), t.link_of_track.end(), l);
      const size_t track = arch.cores.size() + static_cast<size_t>(it - t.link_of_track.begin());
      if (it == t.link_of_track.end()) {
        t.link_of_track.push_back(l);
        t.tracks.push_back(link_name(l));
      }
      t.rows.push_back({scenario, track, "transfer",
                        layer + " -> " + w.layer(plan.nodes[x.to_node].layer).name, x.start,
                        x.start + hold, layer, 0, 0, 0, x.bytes, false, input});
    }
  }
}

Trace trace_rows(const workloads::Workload& w, const mapping::CnGraph& g,
                 const hw::Architecture& arch, const Report& r) {
  Trace out;
  for (const auto& c : arch.cores) out.tracks.push_back("core " + c.name);
  for (size_t s = 0; s < r.scenarios.size(); ++s) {
    const auto& sc = r.scenarios[s];
    append_trace_rows(out, w, g, arch, sc.plan, sc.run.nodes, sc.run.transfers,
                      sc.run.latency_cycles, s, -1);
  }
  return out;
}

namespace {

double us(const hw::Architecture& a, int64_t cycles) {
  return a.ns(static_cast<double>(cycles)) / 1000.0;
}

}  // namespace

std::string chrome_trace_json(const workloads::Workload& w, const mapping::CnGraph& g,
                              const hw::Architecture& arch, const Report& r) {
  const Trace t = trace_rows(w, g, arch, r);
  const auto& tracks = t.tracks;
  JsonWriter j;
  j.begin_object().key("displayTimeUnit").value("ns").key("traceEvents").begin_array();
  for (size_t s = 0; s < r.scenarios.size(); ++s) {
    const auto& sc = r.scenarios[s];
    j.begin_object()
        .key("name")
        .value("process_name")
        .key("ph")
        .value("M")
        .key("pid")
        .value(static_cast<int64_t>(s));
    j.key("args").begin_object().key("name").value("scenario " + sc.exit).end_object().end_object();
    for (size_t t = 0; t < tracks.size(); ++t) {
      j.begin_object()
          .key("name")
          .value("thread_name")
          .key("ph")
          .value("M")
          .key("pid")
          .value(static_cast<int64_t>(s));
      j.key("tid")
          .value(static_cast<int64_t>(t))
          .key("args")
          .begin_object()
          .key("name")
          .value(tracks[t])
          .end_object()
          .end_object();
    }
    for (const MemorySample& m : sc.run.memory) {
      j.begin_object().key("name").value("memory " + arch.cores[m.core].name).key("ph").value("C");
      j.key("ts").value(us(arch, m.cycle)).key("pid").value(static_cast<int64_t>(s));
      j.key("args").begin_object().key("bytes").value(m.bytes).end_object().end_object();
    }
    j.begin_object().key("name").value("exit " + sc.exit).key("ph").value("i").key("s").value("p");
    j.key("ts")
        .value(us(arch, sc.run.latency_cycles))
        .key("pid")
        .value(static_cast<int64_t>(s))
        .key("tid")
        .value(int64_t{0});
    j.key("args").begin_object().key("probability").value(sc.probability).end_object().end_object();
  }
  for (const TraceRow& row : t.rows) {
    j.begin_object().key("name").value(row.name).key("cat").value(row.kind).key("ph").value("X");
    j.key("ts").value(us(arch, row.start)).key("dur").value(us(arch, row.end - row.start));
    j.key("pid")
        .value(static_cast<int64_t>(row.scenario))
        .key("tid")
        .value(static_cast<int64_t>(row.track));
    j.key("args")
        .begin_object()
        .key("scenario")
        .value(r.scenarios[row.scenario].exit)
        .key("layer")
        .value(row.layer);
    j.key("start_cycles").value(row.start).key("end_cycles").value(row.end);
    if (row.kind == "cn")
      j.key("rows")
          .value(std::to_string(row.first_row) + ":" + std::to_string(row.first_row + row.rows))
          .key("macs")
          .value(row.macs)
          .key("cancelled")
          .value(row.cancelled);
    else
      j.key("bytes").value(row.bytes);
    j.end_object().end_object();
  }
  j.end_array().end_object();
  return j.str() + "\n";
}

std::string trace_csv(const workloads::Workload& w, const mapping::CnGraph& g,
                      const hw::Architecture& arch, const Report& r) {
  const Trace t = trace_rows(w, g, arch, r);
  std::ostringstream out;
  out << "scenario,track,kind,name,start_cycles,end_cycles,layer,first_row,rows,macs,bytes,"
         "cancelled\n";
  for (const TraceRow& row : t.rows)
    out << csv_quote(r.scenarios[row.scenario].exit) << "," << csv_quote(t.tracks[row.track]) << ","
        << row.kind << "," << csv_quote(row.name) << "," << row.start << "," << row.end << ","
        << csv_quote(row.layer) << "," << row.first_row << "," << row.rows << "," << row.macs << ","
        << row.bytes << "," << (row.cancelled ? 1 : 0) << "\n";
  return out.str();
}

}  // namespace eesim::sim
