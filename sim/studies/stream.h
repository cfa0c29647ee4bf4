#pragma once
// Streams (DESIGN.md section 5): N inputs arrive back to back or at a fixed or Poisson rate,
// each leaves at an exit drawn with a seeded RNG from the exit profile, and they overlap on
// the cores (an early exit frees its cores for the inputs behind it). Monte Carlo over the
// same plans the analytical report simulates, so the two can be compared directly.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/engine/engine.h"
#include "sim/studies/simulate.h"

namespace eesim::sim {

struct ArrivalProcess {
  enum class Kind {
    kBackToBack,  // a saturated source: the next input enters as soon as a slot is free
    kFixed,       // one input every 1/rate seconds
    kPoisson,     // exponential gaps with mean 1/rate seconds
  };
  Kind kind = Kind::kBackToBack;
  double rate_per_s = 0;  // kFixed, kPoisson
};

// Inputs in one stream, at most: each keeps a record of about 150 bytes (arrival, exit, done,
// energy), so 2^24 inputs hold 2.4 GB; more would exhaust a workstation before it failed.
inline constexpr int64_t kMaxStreamInputs = int64_t{1} << 24;

struct StreamOptions {
  int64_t inputs = 1000;
  ArrivalProcess arrival;
  uint64_t seed = 1;  // exit draws and Poisson gaps; the same seed gives the same stream
  // Inputs in flight at most; -1: as many as the chip has cores for back to back, no limit
  // for timed arrivals (their queueing then shows in the latency).
  int64_t max_in_flight = -1;
  int64_t record_inputs = 0;  // the first inputs whose timelines are kept (for traces)
  Progress progress;          // told of every finished input; may stop the stream
};

struct LatencyStats {
  double mean_cycles = 0;
  int64_t min_cycles = 0, p50_cycles = 0, p95_cycles = 0, p99_cycles = 0, max_cycles = 0;
};
// Percentiles by nearest rank (the smallest value with at least q of the samples at or below
// it). Throws eesim::Error on no samples.
LatencyStats latency_stats(std::vector<int64_t> samples);

struct StreamReport {
  StreamOptions options;
  int64_t max_in_flight = 0;        // the limit used (0: none)
  double mean_interval_cycles = 0;  // between arrivals (0 back to back)
  Report analytical;                // the scenario plans and E[L], E[E] they give
  std::vector<size_t> scenario_of;  // per input: the index into analytical.scenarios
  StreamRun run;                    // back to back, an input's arrival is its admission
  // Per input: done - arrival.
  std::vector<int64_t> latency_cycles;
  int64_t makespan_cycles = 0;  // first arrival -> last input done
  double throughput_per_s = 0;  // inputs / makespan
  // No schedule beats inputs / max(sum of the inputs' work bounds, sum of their DRAM bounds,
  // and for timed arrivals the last arrival plus its own bound): each input's scenario
  // lower_bound (mapping_quality.h), within a cycle per input (each bound is rounded up).
  double throughput_bound_per_s = 0;
  LatencyStats latency;
  double mean_queue_cycles = 0;  // admitted - arrival, averaged
  struct ExitRow {
    int64_t inputs = 0;
    double mean_latency_cycles = 0;
  };
  std::vector<ExitRow> exits;            // per scenario
  std::vector<double> core_utilization;  // busy / makespan
  double dynamic_energy_pj = 0;          // all inputs' nodes, transfers and spills
  double static_energy_pj = 0;           // every core's static power over the makespan
  double energy_per_input_pj = 0;        // (dynamic + static) / inputs: what the chip spent
  // Mean over inputs of dynamic + static power x its own latency: an input's energy as the
  // analytical report defines E_i, so it converges to E[E] when inputs do not overlap.
  double mean_input_energy_pj = 0;
};

// Streams the scenario plans of `analytical` (what sim::simulate returned for `w` mapped as
// `g`; kept in the result). Errors of the engine (the watchdog) name the model and the layers.
// Throws eesim::Error for inputs outside [1, kMaxStreamInputs], a rate <= 0 (or not finite) on
// timed arrivals, arrivals later than 2^53 cycles (a rate too low for the stream's length),
// max_in_flight < -1 or record_inputs < 0; eesim::Interrupted when `progress` stops it.
StreamReport simulate_stream(const workloads::Workload& w, const mapping::CnGraph& g,
                             Report analytical, const hw::Architecture& arch,
                             const StreamOptions& options);

}  // namespace eesim::sim
