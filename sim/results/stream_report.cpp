#include "sim/results/stream_report.h"

#include <sstream>

#include "common/csv.h"
#include "common/json_writer.h"

namespace eesim::sim {
namespace {

const char* arrival_name(ArrivalProcess::Kind k) {
  switch (k) {
    case ArrivalProcess::Kind::kBackToBack:
      return "back_to_back";
    case ArrivalProcess::Kind::kFixed:
      return "fixed";
    case ArrivalProcess::Kind::kPoisson:
      return "poisson";
  }
  return "?";
}

double ms(const hw::Architecture& a, double cycles) { return a.ns(cycles) / 1e6; }
double us(const hw::Architecture& a, int64_t cycles) {
  return a.ns(static_cast<double>(cycles)) / 1e3;
}

void write_latency(JsonWriter& j, const StreamReport& r, const hw::Architecture& arch) {
  const LatencyStats& l = r.latency;
  j.key("latency").begin_object().key("mean_cycles").value(l.mean_cycles);
  j.key("min_cycles").value(l.min_cycles).key("p50_cycles").value(l.p50_cycles);
  j.key("p95_cycles").value(l.p95_cycles).key("p99_cycles").value(l.p99_cycles);
  j.key("max_cycles").value(l.max_cycles).key("mean_ms").value(ms(arch, l.mean_cycles));
  j.key("p50_ms").value(ms(arch, static_cast<double>(l.p50_cycles)));
  j.key("p95_ms").value(ms(arch, static_cast<double>(l.p95_cycles)));
  j.key("p99_ms").value(ms(arch, static_cast<double>(l.p99_cycles)));
  j.key("mean_queue_cycles").value(r.mean_queue_cycles).end_object();
}

void write_exits_and_cores(JsonWriter& j, const StreamReport& r, const hw::Architecture& arch) {
  const auto n = static_cast<double>(r.run.inputs.size());
  j.key("exits").begin_array();
  for (size_t s = 0; s < r.exits.size(); ++s) {
    const auto& sc = r.analytical.scenarios[s];
    j.begin_object().key("exit").value(sc.exit).key("probability").value(sc.probability);
    j.key("inputs")
        .value(r.exits[s].inputs)
        .key("fraction")
        .value(static_cast<double>(r.exits[s].inputs) / n);
    j.key("mean_latency_cycles").value(r.exits[s].mean_latency_cycles);
    j.key("scenario_latency_cycles").value(sc.run.latency_cycles).end_object();
  }
  j.end_array().key("cores").begin_array();
  for (size_t c = 0; c < arch.cores.size(); ++c)
    j.begin_object()
        .key("name")
        .value(arch.cores[c].name)
        .key("busy_cycles")
        .value(r.run.core_busy_cycles[c])
        .key("utilization")
        .value(r.core_utilization[c])
        .key("peak_memory_bytes")
        .value(r.run.core_peak_memory_bytes[c])
        .end_object();
  j.end_array();
}

}  // namespace

std::string stream_json(const StreamReport& r, const ReportContext& c,
                        const hw::Architecture& arch) {
  const StreamOptions& o = r.options;
  const double el = r.analytical.expected_latency_cycles;
  JsonWriter j;
  j.begin_object().key("model").value(c.model).key("arch").value(arch.name);
  j.key("arch_file").value(arch.source).key("clock_mhz").value(arch.clock_mhz);
  j.key("policy")
      .value(c.policy)
      .key("fusion")
      .value(c.fusion)
      .key("allocation")
      .value(c.allocation);
  j.key("nodes").value(c.nodes);
  j.key("stream").begin_object().key("inputs").value(o.inputs);
  j.key("arrival")
      .value(arrival_name(o.arrival.kind))
      .key("rate_per_s")
      .value(o.arrival.rate_per_s);
  j.key("mean_interval_cycles").value(r.mean_interval_cycles);
  j.key("seed").value(static_cast<uint64_t>(o.seed)).key("max_in_flight").value(r.max_in_flight);
  j.end_object();
  j.key("makespan_cycles")
      .value(r.makespan_cycles)
      .key("makespan_ms")
      .value(ms(arch, static_cast<double>(r.makespan_cycles)));
  j.key("throughput_per_s").value(r.throughput_per_s);
  write_latency(j, r, arch);
  j.key("analytical").begin_object().key("expected_latency_cycles").value(el);
  j.key("expected_energy_pj").value(r.analytical.expected_energy_pj);
  j.key("one_at_a_time_throughput_per_s").value(el > 0 ? 1e9 / arch.ns(el) : 0.0).end_object();
  write_exits_and_cores(j, r, arch);
  j.key("energy").begin_object().key("dynamic_pj").value(r.dynamic_energy_pj);
  j.key("static_pj").value(r.static_energy_pj).key("per_input_pj").value(r.energy_per_input_pj);
  j.key("mean_input_pj").value(r.mean_input_energy_pj).end_object();
  j.key("noc_bytes").value(r.run.noc_bytes).key("dram_bytes").value(r.run.dram_bytes);
  j.key("spilled_bytes").value(r.run.spilled_bytes).end_object();
  return j.str() + "\n";
}

std::string stream_inputs_csv(const StreamReport& r) {
  std::ostringstream out;
  out << "input,exit,arrival_cycles,admitted_cycles,done_cycles,latency_cycles,energy_pj\n";
  char energy[32];
  for (size_t k = 0; k < r.run.inputs.size(); ++k) {
    const InputRun& in = r.run.inputs[k];
    std::snprintf(energy, sizeof energy, "%.17g", in.dynamic_energy_pj + in.noc_energy_pj);
    out << k << "," << csv_quote(r.analytical.scenarios[r.scenario_of[k]].exit) << ","
        << in.arrival_cycles << "," << in.admitted_cycles << "," << in.done_cycles << ","
        << r.latency_cycles[k] << "," << energy << "\n";
  }
  return out.str();
}

Trace stream_trace_rows(const workloads::Workload& w, const mapping::CnGraph& g,
                        const hw::Architecture& arch, const StreamReport& r) {
  Trace t;
  for (const auto& c : arch.cores) t.tracks.push_back("core " + c.name);
  for (size_t k = 0; k < r.run.inputs.size(); ++k) {
    const InputRun& in = r.run.inputs[k];
    if (in.nodes.empty()) continue;  // not recorded
    const size_t s = r.scenario_of[k];
    append_trace_rows(t, w, g, arch, r.analytical.scenarios[s].plan, in.nodes, in.transfers,
                      in.done_cycles, s, static_cast<int64_t>(k));
  }
  return t;
}

std::string stream_chrome_trace_json(const workloads::Workload& w, const mapping::CnGraph& g,
                                     const hw::Architecture& arch, const StreamReport& r) {
  const Trace t = stream_trace_rows(w, g, arch, r);
  JsonWriter j;
  j.begin_object().key("displayTimeUnit").value("ns").key("traceEvents").begin_array();
  j.begin_object().key("name").value("process_name").key("ph").value("M").key("pid").value(0);
  j.key("args").begin_object().key("name").value("stream").end_object().end_object();
  for (size_t k = 0; k < t.tracks.size(); ++k)
    j.begin_object()
        .key("name")
        .value("thread_name")
        .key("ph")
        .value("M")
        .key("pid")
        .value(0)
        .key("tid")
        .value(static_cast<int64_t>(k))
        .key("args")
        .begin_object()
        .key("name")
        .value(t.tracks[k])
        .end_object()
        .end_object();
  for (const MemorySample& m : r.run.memory)
    j.begin_object()
        .key("name")
        .value("memory " + arch.cores[m.core].name)
        .key("ph")
        .value("C")
        .key("ts")
        .value(us(arch, m.cycle))
        .key("pid")
        .value(0)
        .key("args")
        .begin_object()
        .key("bytes")
        .value(m.bytes)
        .end_object()
        .end_object();
  for (size_t k = 0; k < r.run.inputs.size(); ++k) {
    const InputRun& in = r.run.inputs[k];
    if (in.nodes.empty()) continue;
    const std::string exit = r.analytical.scenarios[r.scenario_of[k]].exit;
    for (const auto& [name, at] :
         {std::pair{"arrive " + std::to_string(k), in.arrival_cycles},
          std::pair{"input " + std::to_string(k) + " exits at " + exit, in.done_cycles}})
      j.begin_object()
          .key("name")
          .value(name)
          .key("ph")
          .value("i")
          .key("s")
          .value("p")
          .key("ts")
          .value(us(arch, at))
          .key("pid")
          .value(0)
          .key("tid")
          .value(0)
          .end_object();
  }
  for (const TraceRow& row : t.rows) {
    j.begin_object().key("name").value(row.name).key("cat").value(row.kind).key("ph").value("X");
    j.key("ts").value(us(arch, row.start)).key("dur").value(us(arch, row.end - row.start));
    j.key("pid").value(0).key("tid").value(static_cast<int64_t>(row.track));
    j.key("args").begin_object().key("input").value(row.input);
    j.key("exit").value(r.analytical.scenarios[row.scenario].exit).key("layer").value(row.layer);
    j.key("start_cycles").value(row.start).key("end_cycles").value(row.end);
    if (row.kind == "cn")
      j.key("macs").value(row.macs).key("cancelled").value(row.cancelled);
    else
      j.key("bytes").value(row.bytes);
    j.end_object().end_object();
  }
  j.end_array().end_object();
  return j.str() + "\n";
}

std::string stream_trace_csv(const workloads::Workload& w, const mapping::CnGraph& g,
                             const hw::Architecture& arch, const StreamReport& r) {
  const Trace t = stream_trace_rows(w, g, arch, r);
  std::ostringstream out;
  out << "input,scenario,track,kind,name,start_cycles,end_cycles,layer,first_row,rows,macs,bytes,"
         "cancelled\n";
  for (const TraceRow& row : t.rows)
    out << row.input << "," << csv_quote(r.analytical.scenarios[row.scenario].exit) << ","
        << csv_quote(t.tracks[row.track]) << "," << row.kind << "," << csv_quote(row.name) << ","
        << row.start << "," << row.end << "," << csv_quote(row.layer) << "," << row.first_row << ","
        << row.rows << "," << row.macs << "," << row.bytes << "," << (row.cancelled ? 1 : 0)
        << "\n";
  return out.str();
}

}  // namespace eesim::sim
