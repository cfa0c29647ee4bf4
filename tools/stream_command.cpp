// `eesim stream`: N inputs through the mapped chip, each leaving at a sampled exit, overlapping
// on the cores. Prints throughput, latency percentiles and per-core utilisation next to the
// analytical expectations the same plans give.
#include "tools/stream_command.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "common/error.h"
#include "common/file_io.h"
#include "hw_models/arch_loader.h"
#include "hw_models/import/chip_import.h"
#include "sim/results/report_writers.h"
#include "sim/results/stream_report.h"
#include "sim/results/trace.h"
#include "sim/studies/stream.h"
#include "tools/cli_args.h"
#include "tools/eval_setup.h"
#include "tools/model_args.h"
#include "tools/progress_line.h"

namespace eesim::tools {
namespace {

void print_summary(const sim::StreamReport& r, const hw::Architecture& arch, std::ostream& out) {
  char buf[400];
  const auto ms = [&](double cycles) { return arch.ns(cycles) / 1e6; };
  const sim::StreamOptions& o = r.options;
  out << "stream: " << o.inputs << " inputs, ";
  if (o.arrival.kind == sim::ArrivalProcess::Kind::kBackToBack)
    out << "back to back";
  else {
    std::snprintf(buf, sizeof buf, "%s at %.6g/s (mean interval %.0f cycles)",
                  o.arrival.kind == sim::ArrivalProcess::Kind::kFixed ? "fixed" : "poisson",
                  o.arrival.rate_per_s, r.mean_interval_cycles);
    out << buf;
  }
  out << ", seed " << o.seed << ", in flight "
      << (r.max_in_flight > 0 ? "<= " + std::to_string(r.max_in_flight) : std::string("unlimited"))
      << "\n";
  std::snprintf(buf, sizeof buf, "%-16s %8s %8s %8s %16s %16s\n", "exit", "P", "inputs", "share",
                "mean latency", "alone (cycles)");
  out << buf;
  for (size_t s = 0; s < r.exits.size(); ++s) {
    const auto& sc = r.analytical.scenarios[s];
    std::snprintf(buf, sizeof buf, "%-16s %8.4f %8lld %8.4f %16.0f %16lld\n", sc.exit.c_str(),
                  sc.probability, static_cast<long long>(r.exits[s].inputs),
                  static_cast<double>(r.exits[s].inputs) / static_cast<double>(o.inputs),
                  r.exits[s].mean_latency_cycles, static_cast<long long>(sc.run.latency_cycles));
    out << buf;
  }
  const sim::LatencyStats& l = r.latency;
  const double el = r.analytical.expected_latency_cycles;
  std::snprintf(buf, sizeof buf,
                "latency cycles: mean %.0f (%.4f ms), p50 %lld, p95 %lld, p99 %lld, max %lld\n",
                l.mean_cycles, ms(l.mean_cycles), static_cast<long long>(l.p50_cycles),
                static_cast<long long>(l.p95_cycles), static_cast<long long>(l.p99_cycles),
                static_cast<long long>(l.max_cycles));
  out << buf;
  std::snprintf(
      buf, sizeof buf,
      "analytical E[L] %.0f cycles: stream mean / E[L] = %.4f; mean queueing %.0f cycles\n", el,
      el > 0 ? l.mean_cycles / el : 0.0, r.mean_queue_cycles);
  out << buf;
  const double one_at_a_time = el > 0 ? 1e3 / ms(el) : 0.0;
  std::snprintf(buf, sizeof buf,
                "throughput %.2f inputs/s over %.3f ms (one at a time, 1/E[L]: %.2f/s; x%.3f)\n",
                r.throughput_per_s, ms(static_cast<double>(r.makespan_cycles)), one_at_a_time,
                one_at_a_time > 0 ? r.throughput_per_s / one_at_a_time : 0.0);
  out << buf;
  const double lb = r.analytical.expected_lower_bound_cycles;
  std::snprintf(
      buf, sizeof buf,
      "throughput bound %.2f inputs/s (each input's layers on their best cores, over "
      "all cores, or its DRAM traffic): reached %.1f%%; one input alone: E[L] / E[lower "
      "bound] = %.2f\n",
      r.throughput_bound_per_s,
      r.throughput_bound_per_s > 0 ? 100 * r.throughput_per_s / r.throughput_bound_per_s : 0.0,
      lb > 0 ? el / lb : 0.0);
  out << buf;
  const auto makespan = static_cast<double>(std::max<int64_t>(r.makespan_cycles, 1));
  const auto idle = static_cast<double>(r.run.idle_while_waiting_cycles);
  std::snprintf(buf, sizeof buf,
                "cores idle while work waited: %lld cycles (%.1f%% of the makespan)\n",
                static_cast<long long>(r.run.idle_while_waiting_cycles), 100 * idle / makespan);
  out << buf;
  if (idle > sim::kIdleWhileWaitingWarnFraction * makespan)
    out << "warning: cores sat idle for " << std::lround(100 * idle / makespan)
        << "% of the makespan while ready work they could run waited for a busy core; another "
           "allocation could spread it\n";
  for (size_t c = 0; c < arch.cores.size(); ++c) {
    std::snprintf(buf, sizeof buf, "core %-10s utilization %5.1f%%, peak memory %lld B\n",
                  arch.cores[c].name.c_str(), 100 * r.core_utilization[c],
                  static_cast<long long>(r.run.core_peak_memory_bytes[c]));
    out << buf;
  }
  std::snprintf(buf, sizeof buf,
                "energy per input %.3f uJ (dynamic %.3f + static %.3f over the makespan); "
                "analytical E[E] %.3f uJ; dynamic + static over each input's own latency %.3f uJ\n",
                r.energy_per_input_pj / 1e6,
                r.dynamic_energy_pj / 1e6 / static_cast<double>(o.inputs),
                r.static_energy_pj / 1e6 / static_cast<double>(o.inputs),
                r.analytical.expected_energy_pj / 1e6, r.mean_input_energy_pj / 1e6);
  out << buf;
}

}  // namespace

std::string stream_usage() {
  return std::string(
             "usage: eesim stream MODEL.onnx --arch CHIP.textproto [options]\n"
             "  Runs a stream of inputs through the mapped chip, each leaving at an exit drawn\n"
             "  from the exit probabilities (seeded); inputs overlap on the cores. Prints\n"
             "  throughput, latency percentiles and per-core utilisation.\n"
             "options:\n"
             "  --inputs N               inputs in the stream (default 1000)\n"
             "  --arrival MODE           back-to-back (default: the next input enters when a\n"
             "                           slot is free), fixed=RATE or poisson=RATE (inputs/s)\n"
             "  --in-flight N            inputs on the chip at once, at most (default: the\n"
             "                           core count back to back, unlimited for timed arrivals;\n"
             "                           0: unlimited)\n"
             "  --seed N                 exit draws and Poisson gaps (default 1); also seeds\n"
             "                           --alloc search\n") +
         kEvaluationOptionsUsage +
         std::string(
             "  --json OUT.json          the summary as JSON\n"
             "  --report OUT.binpb       the summary as an eesim.report.StreamReport protobuf\n"
             "                           message; text format for .txtpb/.textproto\n"
             "  --csv OUT.csv            one row per input: exit, arrival, done, latency, energy\n"
             "  --trace OUT.json         the first --trace-inputs inputs (default 20) as Chrome\n"
             "                           trace-event JSON; --trace-csv OUT.csv the same rows\n") +
         kModelOptionsUsage +
         "examples:\n"
         "  eesim stream ee_mobilenetv2_cifar10.onnx \\\n"
         "      --arch examples/arch/quad_edge_tpu.textproto \\\n"
         "      --exit exit1=0.3 --inputs 10000 --fusion rows=4\n"
         "  eesim stream model.onnx --arch chip.textproto --alloc pipeline --arrival poisson=2000\n"
         "  eesim stream model.onnx --arch chip.textproto --csv inputs.csv --trace t.json\n" +
         kChipPresetsUsage;
}

int stream_command(const std::vector<std::string>& args, std::ostream& out) {
  std::set<std::string> values = kModelValueOptions;
  std::vector<std::string> keys = kEvaluationKeys;
  keys.insert(keys.end(), {"inputs", "arrival", "in-flight", "trace-inputs"});
  values.insert(keys.begin(), keys.end());
  values.insert({"arch", "json", "csv", "trace", "trace-csv", "report"});
  std::set<std::string> flags = kModelFlags;
  flags.insert("help");
  const CliArgs a = parse_cli(args, flags, values);
  if (a.flag("help")) {
    out << stream_usage();
    return 0;
  }
  const char* const synopsis = "usage: eesim stream MODEL.onnx --arch CHIP.textproto [options]";
  require_one_positional(a, "stream", "MODEL.onnx", synopsis);
  require_option(a, "stream", "arch", "CHIP.textproto", synopsis);
  sim::Options options = parse_study_options(a, keys);
  sim::EvaluateOptions& o = options.evaluate;
  sim::StreamOptions& so = options.stream;
  const bool tracing = !a.last("trace").empty() || !a.last("trace-csv").empty();
  if (!tracing && options.given.count("trace-inputs"))
    std::cerr << "eesim: note: --trace-inputs has no effect without --trace or --trace-csv\n";
  if (!tracing)
    so.record_inputs = 0;
  else if (!options.given.count("trace-inputs"))
    so.record_inputs = 20;  // the CLI's default: a trace of every input would be huge
  check_output_paths(a, {"json", "csv", "trace", "trace-csv", "report"}, input_paths(a, options));
  const LoadedModel m = load_model(a);
  print_warnings(m, std::cerr);
  const hw::Architecture arch = hw::load_architecture_any(a.last("arch"));
  hw::CostCache cache(arch);
  sim::Evaluation e;
  sim::StreamReport r;
  {
    StopOnCtrlC ctrl_c;
    o.progress = so.progress = ctrl_c.progress();
    e = sim::evaluate(m.workload, m.profile, arch, cache, o);
    ctrl_c.check("the evaluation");
    r = sim::simulate_stream(m.workload, e.graph, std::move(e.report), arch, so);
    ctrl_c.check("the stream");
  }
  const std::string policy = sim::policy_text(o.policy), fusion = sim::fusion_text(o);
  out << m.workload.name << " on " << arch.name << " (" << arch.source << "): policy " << policy
      << ", fusion " << fusion << " (" << e.graph.num_cns() << " nodes), allocation "
      << e.allocation.method << "\n";
  print_summary(r, arch, out);
  const report::StreamReport message =
      sim::stream_message(r,
                          {m.workload.name, policy, fusion, e.allocation.method,
                           static_cast<int64_t>(e.graph.num_cns())},
                          arch);
  if (!a.last("json").empty()) write_file(a.last("json"), sim::report_json(message));
  if (!a.last("report").empty()) sim::write_report_message(message, a.last("report"));
  if (!a.last("csv").empty()) write_file(a.last("csv"), sim::stream_inputs_csv(r));
  if (tracing) {
    const sim::Trace trace = sim::stream_trace_rows(m.workload, e.graph, arch, r);
    if (!a.last("trace").empty()) write_file(a.last("trace"), sim::chrome_trace_json(trace));
    if (!a.last("trace-csv").empty()) write_file(a.last("trace-csv"), sim::trace_csv(trace));
  }
  return 0;
}

}  // namespace eesim::tools
