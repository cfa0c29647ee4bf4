#include "sim/studies/stream.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "common/error.h"
#include "common/limits.h"
#include "common/number_text.h"

namespace eesim::sim {
namespace {

// Uniform in [0, 1) from 53 random bits. std::mt19937_64's output is fixed by the standard;
// std's distributions are not, so draws are made here to stay the same on every platform.
double uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

size_t draw_scenario(std::mt19937_64& rng, const std::vector<ScenarioResult>& scenarios) {
  const double u = uniform(rng);
  double cumulative = 0;
  size_t last = 0;
  for (size_t s = 0; s < scenarios.size(); ++s) {
    if (scenarios[s].probability <= 0) continue;
    cumulative += scenarios[s].probability;
    last = s;
    if (u < cumulative) return s;
  }
  return last;  // rounding: the probabilities sum to 1 within 1e-9
}

void check(const StreamOptions& o) {
  if (o.inputs < 1 || o.inputs > kMaxStreamInputs)
    throw Error("stream: inputs " + std::to_string(o.inputs) + ": expected 1 to " +
                std::to_string(kMaxStreamInputs) +
                " (every input's record is kept, about 150 bytes each; run longer streams as "
                "several seeds)");
  if (o.arrival.kind != ArrivalProcess::Kind::kBackToBack &&
      !(std::isfinite(o.arrival.rate_per_s) && o.arrival.rate_per_s > 0))
    throw Error("stream: arrival rate " + shortest_text(o.arrival.rate_per_s) +
                " inputs/s: expected a finite rate > 0");
  if (o.max_in_flight < -1)
    throw Error("stream: in-flight limit " + std::to_string(o.max_in_flight) +
                ": expected >= 1, 0 (no limit) or -1 (default)");
  if (o.record_inputs < 0)
    throw Error("stream: traced inputs " + std::to_string(o.record_inputs) +
                ": expected 0 or more");
}

// Arrival cycles: input 0 at cycle 0, then gaps of 1/rate (fixed) or exponential ones (Poisson,
// by inversion: -ln(1 - u) / rate).
std::vector<int64_t> arrivals(const StreamOptions& o, const hw::Architecture& arch,
                              std::mt19937_64& rng, double* mean_gap_cycles) {
  std::vector<int64_t> at(static_cast<size_t>(o.inputs), 0);
  if (o.arrival.kind == ArrivalProcess::Kind::kBackToBack) return at;
  const double gap = arch.clock_mhz * 1e6 / o.arrival.rate_per_s;  // cycles between inputs
  *mean_gap_cycles = gap;
  double t = 0;
  for (size_t k = 1; k < at.size(); ++k) {
    t += o.arrival.kind == ArrivalProcess::Kind::kFixed ? gap : -std::log1p(-uniform(rng)) * gap;
    // Checked before the conversion: llround of a time past int64 is undefined (it gave
    // negative latencies), and the engine simulates at most kMaxCycles anyway.
    if (!(t <= static_cast<double>(kMaxCycles)))
      throw Error("stream: at " + shortest_text(o.arrival.rate_per_s) + " inputs/s, input " +
                  std::to_string(k + 1) + " of " + std::to_string(o.inputs) +
                  " would arrive after 2^53 cycles, beyond what eesim simulates; raise the rate "
                  "or stream fewer inputs");
    at[k] = std::llround(t);
  }
  return at;
}

void summarize(StreamReport& r, const hw::Architecture& arch) {
  auto& in = r.run.inputs;
  // Back to back, an input arrives when the source can hand it in: when it is admitted.
  if (r.options.arrival.kind == ArrivalProcess::Kind::kBackToBack)
    for (InputRun& x : in) x.arrival_cycles = x.admitted_cycles;
  r.exits.assign(r.analytical.scenarios.size(), {});
  double static_mw = 0;
  for (const auto& c : arch.cores) static_mw += c.static_power_mw;
  double queue = 0, input_energy = 0;
  for (size_t k = 0; k < in.size(); ++k) {
    const int64_t l = in[k].done_cycles - in[k].arrival_cycles;
    r.latency_cycles.push_back(l);
    queue += static_cast<double>(in[k].admitted_cycles - in[k].arrival_cycles);
    const double dynamic = in[k].dynamic_energy_pj + in[k].noc_energy_pj;
    r.dynamic_energy_pj += dynamic;
    input_energy += dynamic + static_mw * arch.ns(static_cast<double>(l));
    auto& e = r.exits[r.scenario_of[k]];
    ++e.inputs;
    e.mean_latency_cycles += static_cast<double>(l);
  }
  for (auto& e : r.exits)
    if (e.inputs > 0) e.mean_latency_cycles /= static_cast<double>(e.inputs);
  const auto n = static_cast<double>(in.size());
  r.latency = latency_stats(r.latency_cycles);
  r.mean_queue_cycles = queue / n;
  r.mean_input_energy_pj = input_energy / n;
  r.makespan_cycles = r.run.end_cycles - in.front().arrival_cycles;
  const double makespan = static_cast<double>(std::max<int64_t>(r.makespan_cycles, 1));
  r.throughput_per_s = n / (arch.ns(makespan) * 1e-9);
  r.static_energy_pj = static_mw * arch.ns(makespan);
  r.energy_per_input_pj = (r.dynamic_energy_pj + r.static_energy_pj) / n;
  for (int64_t busy : r.run.core_busy_cycles)
    r.core_utilization.push_back(static_cast<double>(busy) / makespan);
  double work = 0, dram = 0;
  for (size_t k = 0; k < in.size(); ++k) {
    const LowerBound& b = r.analytical.scenarios[r.scenario_of[k]].lower_bound;
    work += static_cast<double>(b.work_cycles);
    dram += static_cast<double>(b.dram_cycles);
  }
  double bound = std::max(work, dram);
  if (r.options.arrival.kind != ArrivalProcess::Kind::kBackToBack)  // timed: the last arrival
    bound = std::max(bound, static_cast<double>(
                                in.back().arrival_cycles - in.front().arrival_cycles +
                                r.analytical.scenarios[r.scenario_of.back()].lower_bound.cycles()));
  r.throughput_bound_per_s = bound > 0 ? n / (arch.ns(bound) * 1e-9) : 0.0;
}

}  // namespace

LatencyStats latency_stats(std::vector<int64_t> v) {
  if (v.empty()) throw Error("latency statistics of no samples");
  std::sort(v.begin(), v.end());
  const auto rank = [&](double q) {
    const auto i = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
    return v[std::clamp<size_t>(i, 1, v.size()) - 1];
  };
  LatencyStats s;
  double sum = 0;
  for (int64_t x : v) sum += static_cast<double>(x);
  s.mean_cycles = sum / static_cast<double>(v.size());
  s.min_cycles = v.front();
  s.p50_cycles = rank(0.50);
  s.p95_cycles = rank(0.95);
  s.p99_cycles = rank(0.99);
  s.max_cycles = v.back();
  return s;
}

StreamReport simulate_stream(const workloads::Workload& w, const mapping::CnGraph& g,
                             Report analytical, const hw::Architecture& arch,
                             const StreamOptions& options) {
  check(options);
  StreamReport r;
  r.options = options;
  r.options.progress = {};  // the caller's callback is not part of the result
  r.analytical = std::move(analytical);
  const bool back_to_back = options.arrival.kind == ArrivalProcess::Kind::kBackToBack;
  r.max_in_flight = options.max_in_flight >= 0 ? options.max_in_flight
                    : back_to_back             ? static_cast<int64_t>(arch.cores.size())
                                               : 0;
  std::mt19937_64 rng(options.seed);
  const std::vector<int64_t> at = arrivals(options, arch, rng, &r.mean_interval_cycles);
  std::vector<StreamInput> inputs;
  inputs.reserve(at.size());
  for (int64_t t : at) {
    const size_t s = draw_scenario(rng, r.analytical.scenarios);
    r.scenario_of.push_back(s);
    inputs.push_back({&r.analytical.scenarios[s].plan, t});
  }
  EngineOptions eo;
  eo.max_in_flight = r.max_in_flight;
  eo.record_inputs = static_cast<size_t>(options.record_inputs);
  eo.progress = options.progress;
  eo.runs_on = &r.analytical.runs_on;
  eo.describe_node = [&](const Plan& p, size_t i) { return describe_plan_node(w, g, p, i); };
  // Every scenario's plan holds the same resident weights (sim/plan.h).
  try {
    r.run = run_inputs(inputs, r.analytical.scenarios.front().plan.resident_weight_bytes, arch, eo);
  } catch (const Interrupted&) {
    throw;
  } catch (const Error& e) {  // the watchdog: e.g. inputs that together pass 2^53 cycles
    throw Error(w.error_prefix() + "stream of " + std::to_string(options.inputs) +
                " inputs: " + e.what());
  }
  summarize(r, arch);
  return r;
}

}  // namespace eesim::sim
