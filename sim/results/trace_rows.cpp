// Builds a Trace from what a run or a stream recorded (trace.h); the writers are in trace.cpp.
#include <algorithm>
#include <numeric>
#include <tuple>

#include "sim/results/trace.h"

namespace eesim::sim {
namespace {

// "link (0,0)->(1,0)"; a bus (NoC kind "links") is one track, "bus 0 (a, b, dram)".
std::string link_name(const hw::Link& l, const hw::Architecture& arch) {
  if (const int64_t b = hw::bus_of(l); b >= 0) {
    std::string out = "bus " + std::to_string(b);
    if (static_cast<size_t>(b) < arch.noc.buses.size()) {
      const auto& members = arch.noc.buses[static_cast<size_t>(b)].members;
      for (size_t i = 0; i < members.size(); ++i) out += (i ? ", " : " (") + members[i];
      out += ")";
    }
    return out;
  }
  return "link (" + std::to_string(l.from.x) + "," + std::to_string(l.from.y) + ")->(" +
         std::to_string(l.to.x) + "," + std::to_string(l.to.y) + ")";
}

// What one simulated input recorded.
struct Recorded {
  const std::vector<NodeTiming>& nodes;
  const std::vector<Transfer>& transfers;
  const std::vector<DramAccess>& dram;
  int64_t end_cycles;  // nodes still running then were cancelled and end there
};

// One simulated input's rows: its nodes on core tracks (cores are tracks 0..cores-1), its
// transfers on link tracks added on first use, its DRAM port bookings on the port's index
// (place_tracks puts links and ports in order after the cores).
void append_rows(Trace& t, const workloads::Workload& w, const mapping::CnGraph& g,
                 const hw::Architecture& arch, const Plan& plan, const Recorded& in,
                 size_t scenario, int64_t input) {
  const std::vector<NodeTiming>& nodes = in.nodes;
  const int64_t end_cycles = in.end_cycles;
  for (size_t i = 0; i < plan.nodes.size() && i < nodes.size(); ++i) {
    const NodeTiming& n_t = nodes[i];
    if (n_t.start < 0) continue;
    const auto& n = plan.nodes[i];
    const auto& cn = g.cn(n.cn);
    const bool cancelled = n_t.end < 0;
    t.rows.push_back({scenario, n.core, "cn", w.layer(n.layer).name, n_t.start,
                      cancelled ? end_cycles : n_t.end, w.layer(n.layer).name, cn.first_row,
                      cn.rows, n.macs, 0, cancelled, input, cn.first_channel, cn.channels});
  }
  for (const auto& x : in.transfers) {
    const int64_t hold = x.hold_cycles;
    const std::string layer = w.layer(plan.nodes[x.from_node].layer).name;
    for (const auto& l : x.route) {
      const auto it = std::find(t.link_of_track.begin(), t.link_of_track.end(), l);
      const size_t track = arch.cores.size() + static_cast<size_t>(it - t.link_of_track.begin());
      if (it == t.link_of_track.end()) {
        t.link_of_track.push_back(l);
        t.tracks.push_back(link_name(l, arch));
      }
      t.rows.push_back({scenario, track, "transfer",
                        layer + " -> " + w.layer(plan.nodes[x.to_node].layer).name, x.start,
                        x.start + hold, layer, 0, 0, 0, x.bytes, false, input});
    }
  }
  for (const DramAccess& d : in.dram) {
    const std::string layer = w.layer(plan.nodes[d.node].layer).name;
    t.rows.push_back({scenario, d.port, d.spill ? "spill" : "dram",
                      d.spill ? layer + " spill" : layer, d.start, d.start + d.hold_cycles, layer,
                      0, 0, 0, d.bytes, false, input});
  }
}

bool on_dram(const TraceRow& row) { return row.kind == "dram" || row.kind == "spill"; }

// The tracks after the cores: links in mesh order, by the link's source router row-major, then
// its destination (buses first: their pseudo-nodes sit on row -1) (they were numbered in first-use
// order while the rows were gathered); then every DRAM port (its rows carry the port's index until
// here).
void place_tracks(Trace& t, const hw::Architecture& arch) {
  const size_t cores = t.core_names.size();
  const auto key = [&](size_t i) {
    const hw::Link& l = t.link_of_track[i];
    return std::tuple(l.from.y, l.from.x, l.to.y, l.to.x);
  };
  std::vector<size_t> order(t.link_of_track.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) < key(b); });
  std::vector<size_t> place(order.size());
  std::vector<hw::Link> links;
  for (size_t k = 0; k < order.size(); ++k) {
    place[order[k]] = k;
    links.push_back(t.link_of_track[order[k]]);
    t.tracks[cores + k] = link_name(links.back(), arch);
  }
  t.link_of_track = std::move(links);
  const size_t ports = cores + order.size();
  for (const hw::DramSpec& d : arch.drams) t.tracks.push_back("dram " + d.name);
  for (TraceRow& row : t.rows) {
    if (on_dram(row))
      row.track += ports;
    else if (row.track >= cores)
      row.track = cores + place[row.track - cores];
  }
}

Trace empty_trace(const hw::Architecture& arch, const Report& r) {
  Trace t;
  t.clock_mhz = arch.clock_mhz;
  for (const auto& c : arch.cores) {
    t.core_names.push_back(c.name);
    t.tracks.push_back("core " + c.name);
  }
  for (const auto& sc : r.scenarios) t.scenarios.push_back(sc.exit);
  return t;
}

}  // namespace

Trace trace_rows(const workloads::Workload& w, const mapping::CnGraph& g,
                 const hw::Architecture& arch, const Report& r) {
  Trace t = empty_trace(arch, r);
  for (size_t s = 0; s < r.scenarios.size(); ++s) {
    const auto& sc = r.scenarios[s];
    append_rows(t, w, g, arch, sc.plan,
                {sc.run.nodes, sc.run.transfers, sc.run.dram, sc.run.latency_cycles}, s, -1);
    t.processes.push_back(
        {"scenario " + sc.exit,
         sc.run.memory,
         {{"exit " + sc.exit, sc.run.latency_cycles, {{"probability", sc.probability}}}}});
  }
  place_tracks(t, arch);
  return t;
}

Trace stream_trace_rows(const workloads::Workload& w, const mapping::CnGraph& g,
                        const hw::Architecture& arch, const StreamReport& r) {
  Trace t = empty_trace(arch, r.analytical);
  t.per_input = true;
  TraceProcess p{"stream", r.run.memory, {}};
  for (size_t k = 0; k < r.run.inputs.size(); ++k) {
    const InputRun& in = r.run.inputs[k];
    if (in.nodes.empty()) continue;  // not recorded
    const size_t s = r.scenario_of[k];
    append_rows(t, w, g, arch, r.analytical.scenarios[s].plan,
                {in.nodes, in.transfers, in.dram, in.done_cycles}, s, static_cast<int64_t>(k));
    const std::string input = std::to_string(k);
    p.instants.push_back({"arrive " + input, in.arrival_cycles, {}});
    p.instants.push_back({"input " + input + " exits at " + t.scenarios[s], in.done_cycles, {}});
  }
  t.processes.push_back(std::move(p));
  place_tracks(t, arch);
  return t;
}

}  // namespace eesim::sim
