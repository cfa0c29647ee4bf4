// The report writers work from the schema alone: JSON keys are the field names in declaration
// order, every field is written even at its default, numbers keep the old writer's formatting;
// the one trace writer gives a run's and a stream's columns.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "sim/results/report_writers.h"
#include "sim/results/sweep_report.h"
#include "sim/results/trace.h"

namespace {

using eesim::report::RunReport;
using eesim::report::SweepReport;

TEST_CASE("report json: every field in declaration order, defaults included") {
  RunReport r;
  r.set_model("m");
  r.set_clock_mhz(800);
  r.mutable_expected()->set_latency_cycles(0.1);
  auto* link = r.add_links();
  link->add_from(1);
  link->add_from(0);
  CHECK(eesim::sim::report_json(r) ==
        "{\"model\":\"m\",\"arch\":\"\",\"arch_file\":\"\",\"clock_mhz\":800,\"policy\":\"\","
        "\"fusion\":\"\",\"allocation\":\"\",\"nodes\":0,\"expected\":{\"latency_cycles\":"
        "0.10000000000000001,\"latency_ms\":0,\"energy_pj\":0,\"edp\":0,\"edp_of_means\":0,"
        "\"edp_unit\":\"\",\"dynamic_energy_pj\":0,\"noc_energy_pj\":0,\"static_energy_pj\":0},"
        "\"scenarios\":[],\"cores\":[],\"links\":[{\"from\":[1,0],\"to\":[],\"busy_cycles\":0,"
        "\"bytes\":0,\"energy_pj\":0}],\"layers\":[],\"lower_bound_cycles\":0,\"quality\":{"
        "\"expected_lower_bound_cycles\":0,\"latency_over_bound\":0,"
        "\"expected_idle_while_waiting_cycles\":0,\"idle_while_waiting_fraction\":0,"
        "\"warnings\":[]},\"precision\":\"\",\"weight_bytes\":0,\"notes\":[]}\n");
}

TEST_CASE("report json: non-finite doubles are null, repeated doubles an array") {
  SweepReport s;
  s.add_probabilities(0.25);
  s.add_probabilities(std::numeric_limits<double>::quiet_NaN());
  const std::string j = eesim::sim::report_json(s);
  CHECK(j.find("\"probabilities\":[0.25,null]") != std::string::npos);
  CHECK(j.find("\"baseline\":{\"latency_cycles\":0,\"energy_pj\":0,\"edp_pj_cycles\":0}") !=
        std::string::npos);
}

TEST_CASE("sweep csv: one row per point and probability, from the message alone") {
  SweepReport s;
  s.mutable_baseline()->set_edp_pj_cycles(1e12);
  auto* pt = s.add_points();
  pt->set_point(0);
  pt->set_branch_layer("conv,1");  // quoted: names may hold commas
  pt->set_depth(2);
  for (int64_t d : {1, 16, 8, 4}) pt->add_shape(d);
  pt->set_head_macs(640);
  auto* o = pt->add_outcomes();
  o->set_p(0.5);
  o->set_exit_latency_cycles(100);
  o->set_final_latency_cycles(300);
  o->set_expected_latency_cycles(200);
  const std::string csv = eesim::sim::sweep_csv(s);
  CHECK(csv.substr(csv.find('\n') + 1) ==
        "0,\"conv,1\",2,16,8,4,640,0.5,100,300,0,0,200,0,0,0,1e+12\n");
}

eesim::sim::Trace two_row_trace(bool per_input) {
  eesim::sim::Trace t;
  t.per_input = per_input;
  t.clock_mhz = 500;  // 2 ns a cycle
  t.core_names = {"a"};
  t.scenarios = {"exit1"};
  t.tracks = {"core a", "link (0,0)->(1,0)"};
  t.rows.push_back({0, 0, "cn", "conv", 10, 30, "conv", 0, 4, 99, 0, false, 7, 16, 16});
  t.rows.push_back({0, 1, "transfer", "conv -> fc", 30, 40, "conv", 0, 0, 0, 64, false, 7});
  t.processes.push_back({per_input ? "stream" : "scenario exit1", {}, {{"exit exit1", 50, {}}}});
  return t;
}

TEST_CASE("trace: a run's and a stream's rows through the one writer") {
  CHECK(eesim::sim::trace_csv(two_row_trace(false)) ==
        "scenario,track,kind,name,start_cycles,end_cycles,layer,first_row,rows,macs,bytes,"
        "cancelled,first_channel,channels\n"
        "\"exit1\",\"core a\",cn,\"conv\",10,30,\"conv\",0,4,99,0,0,16,16\n"
        "\"exit1\",\"link (0,0)->(1,0)\",transfer,\"conv -> fc\",30,40,\"conv\",0,0,0,64,0,0,0\n");
  const std::string stream = eesim::sim::trace_csv(two_row_trace(true));
  CHECK(stream.substr(0, 15) == "input,scenario,");
  CHECK(stream.find("\n7,\"exit1\",\"core a\",cn,") != std::string::npos);
  // ts and dur in integer cycles (a node from cycle 10 to 30: ts 10, dur 20), the unit and the
  // clock declared up front; the run's args name the scenario, the rows band and the channels
  // (channels 16-31 of a layer split by channels).
  const std::string run = eesim::sim::chrome_trace_json(two_row_trace(false));
  CHECK(run.starts_with(
      "{\"otherData\":{\"generator\":\"eesim\",\"time_unit\":\"cycles\",\"clock_mhz\":500,"
      "\"ns_per_cycle\":2,\"note\":\"ts and dur are integer clock cycles; viewers label them "
      "microseconds\"},\"traceEvents\":["));
  CHECK(run.find("\"ph\":\"X\",\"ts\":10,\"dur\":20,\"pid\":0,\"tid\":0,\"args\":{"
                 "\"scenario\":\"exit1\",\"layer\":\"conv\",\"start_cycles\":10,\"end_cycles\":30,"
                 "\"rows\":\"0:4\",\"channels\":\"16:32\",\"macs\":99,\"cancelled\":false}") !=
        std::string::npos);
  CHECK(run.find("\"name\":\"conv -> fc\",\"cat\":\"transfer\",\"ph\":\"X\",\"ts\":30,\"dur\":10,"
                 "\"pid\":0,\"tid\":1,") != std::string::npos);
  CHECK(run.find("{\"name\":\"exit exit1\",\"ph\":\"i\",\"s\":\"p\",\"ts\":50,") !=
        std::string::npos);
  // Named and placed: the process, then each track as a thread in track order.
  CHECK(run.find(
            "{\"name\":\"process_sort_index\",\"ph\":\"M\",\"pid\":0,\"args\":{\"sort_index\":0}}"
            ",{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":0,\"tid\":0,\"args\":{\"name\":"
            "\"core a\"}},{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":0,\"tid\":0,"
            "\"args\":{\"sort_index\":0}},{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":0,"
            "\"tid\":1,\"args\":{\"name\":\"link (0,0)->(1,0)\"}}") != std::string::npos);
  CHECK(eesim::sim::chrome_trace_json(two_row_trace(true))
            .find("\"args\":{\"input\":7,\"exit\":\"exit1\",\"layer\":\"conv\"") !=
        std::string::npos);
}

TEST_CASE("trace: a core's memory counter keeps the last of the samples at one cycle") {
  eesim::sim::Trace t = two_row_trace(false);
  t.core_names = {"a", "b"};
  // Cycle 5: core a holds 100, then 40 (a band read and freed in the same cycle); core b 7.
  t.processes[0].memory = {{5, 0, 100}, {5, 1, 7}, {5, 0, 40}, {9, 0, 0}};
  const std::string run = eesim::sim::chrome_trace_json(t);
  const auto counter = [](const char* core, int64_t cycle, int64_t bytes) {
    return std::string("{\"name\":\"memory ") + core +
           "\",\"ph\":\"C\",\"ts\":" + std::to_string(cycle) +
           ",\"pid\":0,\"args\":{\"bytes\":" + std::to_string(bytes) + "}}";
  };
  CHECK(run.find(counter("b", 5, 7) + "," + counter("a", 5, 40) + "," + counter("a", 9, 0)) !=
        std::string::npos);
  CHECK(run.find(counter("a", 5, 100)) == std::string::npos);
}

}  // namespace
