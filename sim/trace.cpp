#include "sim/trace.h"

#include <map>
#include <sstream>

#include "common/json_writer.h"

namespace eesim::sim {
namespace {

std::string link_name(const hw::Link& l) {
  return "link (" + std::to_string(l.from.x) + "," + std::to_string(l.from.y) + ")->(" +
         std::to_string(l.to.x) + "," + std::to_string(l.to.y) + ")";
}

}  // namespace

Trace trace_rows(const workloads::Workload& w, const mapping::CnGraph& g,
                 const hw::Architecture& arch, const Report& r) {
  Trace out;
  std::vector<std::string>& tracks = out.tracks;
  std::vector<TraceRow>& rows = out.rows;
  for (const auto& c : arch.cores) tracks.push_back("core " + c.name);
  std::map<std::pair<hw::Node, hw::Node>, size_t> link_track;
  const int64_t per_hop = arch.noc.router_cycles + arch.noc.link_cycles;
  for (size_t s = 0; s < r.scenarios.size(); ++s) {
    const auto& sc = r.scenarios[s];
    for (size_t i = 0; i < sc.plan.nodes.size(); ++i) {
      const auto& t = sc.run.nodes[i];
      if (t.start < 0) continue;
      const auto& n = sc.plan.nodes[i];
      const auto& cn = g.cn(n.cn);
      const bool cancelled = t.end < 0;
      rows.push_back({s, n.core, "cn", w.layer(n.layer).name, t.start,
                      cancelled ? sc.run.latency_cycles : t.end, w.layer(n.layer).name,
                      cn.first_row, cn.rows, n.macs, 0, cancelled});
    }
    for (const auto& x : sc.run.transfers) {
      const int64_t hold = x.arrive - x.start - per_hop * static_cast<int64_t>(x.route.size());
      const std::string layer = w.layer(sc.plan.nodes[x.from_node].layer).name;
      for (const auto& l : x.route) {
        auto [it, added] = link_track.emplace(std::pair{l.from, l.to}, tracks.size());
        if (added) tracks.push_back(link_name(l));
        rows.push_back({s, it->second, "transfer", layer + " -> " + w.layer(sc.plan.nodes[x.to_node].layer).name,
                        x.start, x.start + hold, layer, 0, 0, 0, x.bytes, false});
      }
    }
  }
  return out;
}

namespace {

std::string csv_quote(const std::string& s) {
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

double us(const hw::Architecture& a, int64_t cycles) { return a.ns(static_cast<double>(cycles)) / 1000.0; }

}  // namespace

std::string chrome_trace_json(const workloads::Workload& w, const mapping::CnGraph& g,
                              const hw::Architecture& arch, const Report& r) {
  const Trace t = trace_rows(w, g, arch, r);
  const auto& tracks = t.tracks;
  JsonWriter j;
  j.begin_object().key("displayTimeUnit").value("ns").key("traceEvents").begin_array();
  for (size_t s = 0; s < r.scenarios.size(); ++s) {
    const auto& sc = r.scenarios[s];
    j.begin_object().key("name").value("process_name").key("ph").value("M").key("pid").value(static_cast<int64_t>(s));
    j.key("args").begin_object().key("name").value("scenario " + sc.exit).end_object().end_object();
    for (size_t t = 0; t < tracks.size(); ++t) {
      j.begin_object().key("name").value("thread_name").key("ph").value("M").key("pid").value(static_cast<int64_t>(s));
      j.key("tid").value(static_cast<int64_t>(t)).key("args").begin_object().key("name").value(tracks[t]).end_object().end_object();
    }
    for (const MemorySample& m : sc.run.memory) {
      j.begin_object().key("name").value("memory " + arch.cores[m.core].name).key("ph").value("C");
      j.key("ts").value(us(arch, m.cycle)).key("pid").value(static_cast<int64_t>(s));
      j.key("args").begin_object().key("bytes").value(m.bytes).end_object().end_object();
    }
    j.begin_object().key("name").value("exit " + sc.exit).key("ph").value("i").key("s").value("p");
    j.key("ts").value(us(arch, sc.run.latency_cycles)).key("pid").value(static_cast<int64_t>(s)).key("tid").value(int64_t{0});
    j.key("args").begin_object().key("probability").value(sc.probability).end_object().end_object();
  }
  for (const TraceRow& row : t.rows) {
    j.begin_object().key("name").value(row.name).key("cat").value(row.kind).key("ph").value("X");
    j.key("ts").value(us(arch, row.start)).key("dur").value(us(arch, row.end - row.start));
    j.key("pid").value(static_cast<int64_t>(row.scenario)).key("tid").value(static_cast<int64_t>(row.track));
    j.key("args").begin_object().key("scenario").value(r.scenarios[row.scenario].exit).key("layer").value(row.layer);
    j.key("start_cycles").value(row.start).key("end_cycles").value(row.end);
    if (row.kind == "cn")
      j.key("rows").value(std::to_string(row.first_row) + ":" + std::to_string(row.first_row + row.rows))
          .key("macs").value(row.macs).key("cancelled").value(row.cancelled);
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
  out << "scenario,track,kind,name,start_cycles,end_cycles,layer,first_row,rows,macs,bytes,cancelled\n";
  for (const TraceRow& row : t.rows)
    out << csv_quote(r.scenarios[row.scenario].exit) << "," << csv_quote(t.tracks[row.track]) << ","
        << row.kind << "," << csv_quote(row.name) << "," << row.start << "," << row.end << ","
        << csv_quote(row.layer) << "," << row.first_row << "," << row.rows << "," << row.macs << "," << row.bytes << ","
        << (row.cancelled ? 1 : 0) << "\n";
  return out.str();
}

}  // namespace eesim::sim
