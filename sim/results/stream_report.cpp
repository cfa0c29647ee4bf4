#include "sim/results/stream_report.h"

#include <cstdio>
#include <sstream>

#include "common/csv.h"

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

void set_setup(report::StreamSetup& s, const StreamReport& r) {
  const StreamOptions& o = r.options;
  s.set_inputs(o.inputs);
  s.set_arrival(arrival_name(o.arrival.kind));
  s.set_rate_per_s(o.arrival.rate_per_s);
  s.set_mean_interval_cycles(r.mean_interval_cycles);
  s.set_seed(o.seed);
  s.set_max_in_flight(r.max_in_flight);
}

void set_latency(report::StreamLatency& q, const StreamReport& r, const hw::Architecture& arch) {
  const LatencyStats& l = r.latency;
  q.set_mean_cycles(l.mean_cycles);
  q.set_min_cycles(l.min_cycles);
  q.set_p50_cycles(l.p50_cycles);
  q.set_p95_cycles(l.p95_cycles);
  q.set_p99_cycles(l.p99_cycles);
  q.set_max_cycles(l.max_cycles);
  q.set_mean_ms(ms(arch, l.mean_cycles));
  q.set_p50_ms(ms(arch, static_cast<double>(l.p50_cycles)));
  q.set_p95_ms(ms(arch, static_cast<double>(l.p95_cycles)));
  q.set_p99_ms(ms(arch, static_cast<double>(l.p99_cycles)));
  q.set_mean_queue_cycles(r.mean_queue_cycles);
}

void add_exits_and_cores(report::StreamReport& p, const StreamReport& r,
                         const hw::Architecture& arch) {
  const auto n = static_cast<double>(r.run.inputs.size());
  for (size_t s = 0; s < r.exits.size(); ++s) {
    const auto& sc = r.analytical.scenarios[s];
    auto* q = p.add_exits();
    q->set_exit(sc.exit);
    q->set_probability(sc.probability);
    q->set_inputs(r.exits[s].inputs);
    q->set_fraction(static_cast<double>(r.exits[s].inputs) / n);
    q->set_mean_latency_cycles(r.exits[s].mean_latency_cycles);
    q->set_scenario_latency_cycles(sc.run.latency_cycles);
  }
  for (size_t c = 0; c < arch.cores.size(); ++c) {
    auto* q = p.add_cores();
    q->set_name(arch.cores[c].name);
    q->set_busy_cycles(static_cast<double>(r.run.core_busy_cycles[c]));
    q->set_utilization(r.core_utilization[c]);
    q->set_peak_memory_bytes(r.run.core_peak_memory_bytes[c]);
  }
}

}  // namespace

report::StreamReport stream_message(const StreamReport& r, const ReportContext& c,
                                    const hw::Architecture& arch) {
  report::StreamReport p;
  set_context(p, c, arch);
  set_setup(*p.mutable_stream(), r);
  p.set_makespan_cycles(r.makespan_cycles);
  p.set_makespan_ms(ms(arch, static_cast<double>(r.makespan_cycles)));
  p.set_throughput_per_s(r.throughput_per_s);
  set_latency(*p.mutable_latency(), r, arch);
  const double el = r.analytical.expected_latency_cycles;
  auto* a = p.mutable_analytical();
  a->set_expected_latency_cycles(el);
  a->set_expected_energy_pj(r.analytical.expected_energy_pj);
  a->set_one_at_a_time_throughput_per_s(el > 0 ? 1e9 / arch.ns(el) : 0.0);
  add_exits_and_cores(p, r, arch);
  auto* e = p.mutable_energy();
  e->set_dynamic_pj(r.dynamic_energy_pj);
  e->set_static_pj(r.static_energy_pj);
  e->set_per_input_pj(r.energy_per_input_pj);
  e->set_mean_input_pj(r.mean_input_energy_pj);
  p.set_noc_bytes(r.run.noc_bytes);
  p.set_dram_bytes(r.run.dram_bytes);
  p.set_spilled_bytes(r.run.spilled_bytes);
  auto* q = p.mutable_quality();
  const double lb = r.analytical.expected_lower_bound_cycles;
  q->set_expected_lower_bound_cycles(lb);
  q->set_latency_over_bound(lb > 0 ? el / lb : 0.0);
  q->set_throughput_bound_per_s(r.throughput_bound_per_s);
  q->set_throughput_over_bound(
      r.throughput_bound_per_s > 0 ? r.throughput_per_s / r.throughput_bound_per_s : 0.0);
  q->set_idle_while_waiting_cycles(r.run.idle_while_waiting_cycles);
  q->set_idle_while_waiting_fraction(r.makespan_cycles > 0
                                         ? static_cast<double>(r.run.idle_while_waiting_cycles) /
                                               static_cast<double>(r.makespan_cycles)
                                         : 0.0);
  return p;
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

}  // namespace eesim::sim
