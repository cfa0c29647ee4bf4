#include "sim/results/trace.h"

#include <sstream>

#include "common/csv.h"
#include "common/json_writer.h"

namespace eesim::sim {
namespace {

// Chrome metadata: the process's name and place, then every track as one of its threads, in
// track order (cores, links, DRAM ports).
void write_names(JsonWriter& j, const Trace& t, int64_t pid) {
  const auto meta = [&](const char* name, int64_t tid) -> JsonWriter& {
    j.begin_object().key("name").value(name).key("ph").value("M").key("pid").value(pid);
    if (tid >= 0) j.key("tid").value(tid);
    return j.key("args").begin_object();
  };
  meta("process_name", -1).key("name").value(t.processes[pid].name).end_object().end_object();
  meta("process_sort_index", -1).key("sort_index").value(pid).end_object().end_object();
  for (size_t k = 0; k < t.tracks.size(); ++k) {
    const auto tid = static_cast<int64_t>(k);
    meta("thread_name", tid).key("name").value(t.tracks[k]).end_object().end_object();
    meta("thread_sort_index", tid).key("sort_index").value(tid).end_object().end_object();
  }
}

// A counter per core. Samples come in time order, several at one cycle when a core's held bytes
// change more than once in it: only the last of them is what the core held from that cycle on.
void write_memory(JsonWriter& j, const Trace& t, int64_t pid) {
  const std::vector<MemorySample>& m = t.processes[pid].memory;
  for (size_t i = 0; i < m.size(); ++i) {
    bool superseded = false;
    for (size_t k = i + 1; k < m.size() && m[k].cycle == m[i].cycle && !superseded; ++k)
      superseded = m[k].core == m[i].core;
    if (superseded) continue;
    j.begin_object().key("name").value("memory " + t.core_names[m[i].core]).key("ph").value("C");
    j.key("ts").value(m[i].cycle).key("pid").value(pid);
    j.key("args").begin_object().key("bytes").value(m[i].bytes).end_object().end_object();
  }
}

void write_process(JsonWriter& j, const Trace& t, int64_t pid) {
  write_names(j, t, pid);
  write_memory(j, t, pid);
  for (const TraceInstant& i : t.processes[pid].instants) {
    j.begin_object().key("name").value(i.name).key("ph").value("i").key("s").value("p");
    j.key("ts").value(i.at_cycles).key("pid").value(pid).key("tid").value(int64_t{0});
    if (!i.args.empty()) {
      j.key("args").begin_object();
      for (const auto& [key, value] : i.args) j.key(key).value(value);
      j.end_object();
    }
    j.end_object();
  }
}

// A complete event. A run's args name the scenario and the node's rows and channels; a stream's
// the input and its exit.
void write_row(JsonWriter& j, const Trace& t, const TraceRow& row) {
  const int64_t pid = t.per_input ? 0 : static_cast<int64_t>(row.scenario);
  j.begin_object().key("name").value(row.name).key("cat").value(row.kind).key("ph").value("X");
  j.key("ts").value(row.start).key("dur").value(row.end - row.start);
  j.key("pid").value(pid).key("tid").value(static_cast<int64_t>(row.track));
  j.key("args").begin_object();
  if (t.per_input)
    j.key("input").value(row.input).key("exit").value(t.scenarios[row.scenario]);
  else
    j.key("scenario").value(t.scenarios[row.scenario]);
  j.key("layer").value(row.layer);
  j.key("start_cycles").value(row.start).key("end_cycles").value(row.end);
  if (row.kind == "cn") {
    if (!t.per_input) {
      j.key("rows").value(std::to_string(row.first_row) + ":" +
                          std::to_string(row.first_row + row.rows));
      j.key("channels")
          .value(std::to_string(row.first_channel) + ":" +
                 std::to_string(row.first_channel + row.channels));
    }
    j.key("macs").value(row.macs).key("cancelled").value(row.cancelled);
  } else {
    j.key("bytes").value(row.bytes);
  }
  j.end_object().end_object();
}

}  // namespace

std::string chrome_trace_json(const Trace& t) {
  JsonWriter j;
  j.begin_object().key("otherData").begin_object();
  j.key("generator").value("eesim").key("time_unit").value("cycles");
  j.key("clock_mhz").value(t.clock_mhz).key("ns_per_cycle").value(1000.0 / t.clock_mhz);
  j.key("note").value("ts and dur are integer clock cycles; viewers label them microseconds");
  j.end_object().key("traceEvents").begin_array();
  for (size_t p = 0; p < t.processes.size(); ++p) write_process(j, t, static_cast<int64_t>(p));
  for (const TraceRow& row : t.rows) write_row(j, t, row);
  j.end_array().end_object();
  return j.str() + "\n";
}

std::string trace_csv(const Trace& t) {
  std::ostringstream out;
  out << (t.per_input ? "input," : "")
      << "scenario,track,kind,name,start_cycles,end_cycles,layer,first_row,rows,macs,bytes,"
         "cancelled,first_channel,channels\n";
  for (const TraceRow& row : t.rows) {
    if (t.per_input) out << row.input << ",";
    out << csv_quote(t.scenarios[row.scenario]) << "," << csv_quote(t.tracks[row.track]) << ","
        << row.kind << "," << csv_quote(row.name) << "," << row.start << "," << row.end << ","
        << csv_quote(row.layer) << "," << row.first_row << "," << row.rows << "," << row.macs << ","
        << row.bytes << "," << (row.cancelled ? 1 : 0) << "," << row.first_channel << ","
        << row.channels << "\n";
  }
  return out.str();
}

}  // namespace eesim::sim
