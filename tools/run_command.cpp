// `eesim run`: the main job. Model + exit profile + chip -> CN graph -> allocation -> one
// simulation per exit scenario -> expected latency, energy and EDP.
#include "tools/run_command.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "common/error.h"
#include "common/file_io.h"
#include "common/names_text.h"
#include "hw_models/arch_loader.h"
#include "hw_models/core_model.h"
#include "hw_models/import/chip_import.h"
#include "mapping/allocation.h"
#include "sim/results/report_writers.h"
#include "sim/results/run_report.h"
#include "sim/results/trace.h"
#include "sim/studies/evaluate.h"
#include "tools/cli_args.h"
#include "tools/eval_setup.h"
#include "tools/model_args.h"
#include "tools/plotting.h"
#include "tools/progress_line.h"

namespace eesim::tools {
namespace {

// Each scenario's per-core busy time as a share of its own latency (the expected figures
// above average over scenarios).
void print_busy_per_scenario(const hw::Architecture& arch, const sim::Report& r,
                             std::ostream& out) {
  if (arch.cores.size() < 2) return;  // one core: its line above says it all
  char buf[64];
  std::snprintf(buf, sizeof buf, "%-16s", "busy % of L");
  out << buf;
  for (const auto& c : arch.cores) {
    std::snprintf(buf, sizeof buf, " %8.8s", c.name.c_str());
    out << buf;
  }
  out << "\n";
  for (const auto& sc : r.scenarios) {
    std::snprintf(buf, sizeof buf, "%-16s", sc.exit.c_str());
    out << buf;
    const auto l = static_cast<double>(sc.run.latency_cycles);
    for (int64_t busy : sc.run.core_busy_cycles) {
      std::snprintf(buf, sizeof buf, " %7.1f%%", l > 0 ? 100 * static_cast<double>(busy) / l : 0.0);
      out << buf;
    }
    out << "\n";
  }
}

// Each core's peak memory against its capacity, and what did not fit: bytes spilled to DRAM and
// read back, whose time and energy are in the figures above (a chip with too little memory is
// slow for that reason, and says so).
void print_memory(const hw::Architecture& arch, const sim::Report& r, std::ostream& out) {
  char buf[200];
  std::vector<std::string> full;
  for (size_t c = 0; c < arch.cores.size(); ++c) {
    const int64_t capacity = hw::core_model(arch.cores[c]).on_chip_bytes(arch.cores[c]);
    const int64_t peak = r.core_peak_memory_bytes[c];
    std::snprintf(
        buf, sizeof buf,
        "core %-10s busy %12.0f cycles expected (%5.1f%%), peak memory %lld B of %lld B\n",
        arch.cores[c].name.c_str(), r.expected_core_busy_cycles[c],
        r.expected_latency_cycles > 0
            ? 100 * r.expected_core_busy_cycles[c] / r.expected_latency_cycles
            : 0.0,
        static_cast<long long>(peak), static_cast<long long>(capacity));
    out << buf;
    if (peak >= capacity) full.push_back(arch.cores[c].name);
  }
  double expected = 0;
  std::string per_scenario;
  for (const auto& sc : r.scenarios) {
    expected += sc.probability * static_cast<double>(sc.run.spilled_bytes);
    per_scenario += (per_scenario.empty() ? "" : ", ") + sc.exit + " " +
                    std::to_string(sc.run.spilled_bytes) + " B";
  }
  if (std::all_of(r.scenarios.begin(), r.scenarios.end(),
                  [](const auto& sc) { return sc.run.spilled_bytes == 0; })) {
    out << "spilled to DRAM: 0 B (every core's data fit its on-chip memory)\n";
    return;
  }
  std::snprintf(buf, sizeof buf, "%.0f", expected);
  out << "warning: spilled to DRAM: " << buf << " B expected (" << per_scenario
      << "): what did not fit the on-chip memory of "
      << (full.empty() ? std::string("a core") : join_names(full))
      << " went to DRAM and back, in the latency and energy above\n";
}

void print_summary(const LoadedModel& m, const hw::Architecture& arch, const mapping::CnGraph& g,
                   const mapping::Allocation& alloc, const sim::Report& r,
                   const sim::EvaluateOptions& o, std::ostream& out) {
  char buf[400];
  out << m.workload.name << " on " << arch.name << " (" << arch.source << "): policy "
      << sim::policy_text(o.policy) << ", fusion " << sim::fusion_text(o) << " (" << g.num_cns()
      << " nodes), allocation " << alloc.method << "\n";
  out << "precision " << workloads::to_string(o.precision.mode) << ": weights " << r.weight_bytes
      << " B as the cores store them\n";
  std::snprintf(buf, sizeof buf, "%-16s %9s %16s %12s %12s %14s %8s %10s\n", "scenario", "P",
                "latency cycles", "latency ms", "energy uJ", "bound cycles", "L/bound",
                "idle-wait");
  out << buf;
  for (const auto& sc : r.scenarios) {
    const auto l = static_cast<double>(sc.run.latency_cycles);
    const auto bound = static_cast<double>(sc.lower_bound.cycles());
    std::snprintf(buf, sizeof buf, "%-16s %9.4f %16lld %12.4f %12.3f %14lld %8.2f %9.1f%%\n",
                  sc.exit.c_str(), sc.probability, static_cast<long long>(sc.run.latency_cycles),
                  arch.ns(l) / 1e6, sc.run.energy_pj() / 1e6,
                  static_cast<long long>(sc.lower_bound.cycles()), bound > 0 ? l / bound : 0.0,
                  l > 0 ? 100 * static_cast<double>(sc.run.idle_while_waiting_cycles) / l : 0.0);
    out << buf;
  }
  std::snprintf(buf, sizeof buf, "expected: latency %.0f cycles (%.4f ms), energy %.3f uJ\n",
                r.expected_latency_cycles, arch.ns(r.expected_latency_cycles) / 1e6,
                r.expected_energy_pj / 1e6);
  out << buf;
  std::snprintf(buf, sizeof buf, "expected EDP E[E*L] %.6g pJ*cycles; E[E]*E[L] %.6g pJ*cycles\n",
                r.expected_edp_pj_cycles, r.edp_of_means_pj_cycles);
  out << buf;
  print_memory(arch, r, out);
  print_busy_per_scenario(arch, r, out);
  out << "roofline lower bound (whole network): " << r.roofline.lower_bound_cycles() << " cycles ("
      << r.roofline.bound() << "-bound)\n";
  const double el = r.expected_latency_cycles, lb = r.expected_lower_bound_cycles;
  std::snprintf(buf, sizeof buf,
                "mapping quality: E[L] / E[lower bound] = %.2f (E[lower bound] %.0f cycles: each "
                "layer on its best core, over the cores it may run on, or DRAM); cores idle while "
                "work waited "
                "%.0f cycles expected (%.1f%% of E[L])\n",
                lb > 0 ? el / lb : 0.0, lb, r.expected_idle_while_waiting_cycles,
                el > 0 ? 100 * r.expected_idle_while_waiting_cycles / el : 0.0);
  out << buf;
  for (const std::string& line : sim::idle_warnings(r)) out << "warning: " << line << "\n";
  for (const std::string& line : sim::precision_notes(r)) out << "note: " << line << "\n";
}

}  // namespace

std::string run_usage() {
  return std::string(
             "usage: eesim run MODEL.onnx --arch CHIP.textproto [options]\n"
             "  Maps the network onto the chip, simulates one scenario per exit (and the final\n"
             "  output) and prints expected latency, energy and EDP.\n"
             "options:\n") +
         kEvaluationOptionsUsage +
         std::string(
             "  --seed N                 search seed (default 1)\n"
             "  --json OUT.json          also write the report as JSON\n"
             "  --trace OUT.json         write the timeline as Chrome trace-event JSON (Perfetto)\n"
             "  --csv OUT.csv            write the same timeline as CSV rows\n"
             "  --plot OUT.png|OUT.svg   a Gantt chart of every scenario (needs matplotlib)\n"
             "  --report OUT.binpb       the report as an eesim.report.RunReport protobuf message\n"
             "                           (sim/results/report.proto); text format for "
             ".txtpb/.textproto\n") +
         kModelOptionsUsage +
         "examples:\n"
         "  eesim run ee_mobilenetv2_cifar10.onnx \\\n"
         "      --arch examples/arch/quad_edge_tpu.textproto \\\n"
         "      --exit exit1=0.3 --exit exit2=0.2 --fusion rows=4 --bits '*=8'\n"
         "  eesim run model.onnx --arch chip.textproto --exits rates.txt --json report.json\n"
         "  eesim run model.onnx --arch chip.textproto --alloc search --objective energy\n"
         "  eesim run model.onnx --arch chip.textproto --trace t.json --plot gantt.png\n" +
         kChipPresetsUsage;
}

int run_command(const std::vector<std::string>& args, std::ostream& out) {
  std::set<std::string> values = kModelValueOptions;
  values.insert(kEvaluationKeys.begin(), kEvaluationKeys.end());
  values.insert({"arch", "json", "trace", "csv", "report", "plot"});
  std::set<std::string> flags = kModelFlags;
  flags.insert("help");
  const CliArgs a = parse_cli(args, flags, values);
  if (a.flag("help")) {
    out << run_usage();
    return 0;
  }
  const char* const synopsis = "usage: eesim run MODEL.onnx --arch CHIP.textproto [options]";
  require_one_positional(a, "run", "MODEL.onnx", synopsis);
  require_option(a, "run", "arch", "CHIP.textproto", synopsis);
  sim::Options options = parse_study_options(a, kEvaluationKeys);
  sim::EvaluateOptions& o = options.evaluate;
  check_output_paths(a, {"json", "trace", "csv", "plot", "report"}, input_paths(a, options));
  const LoadedModel m = load_model(a);
  print_warnings(m, std::cerr);
  const hw::Architecture arch = hw::load_architecture_any(a.last("arch"));
  hw::CostCache cache(arch);
  sim::Evaluation e;
  {
    StopOnCtrlC ctrl_c;
    o.progress = ctrl_c.progress();
    e = sim::evaluate(m.workload, m.profile, arch, cache, o);
    ctrl_c.check("the evaluation");
  }
  const mapping::CnGraph& g = e.graph;
  const mapping::Allocation& alloc = e.allocation;
  const sim::Report& r = e.report;
  if (e.search) {
    char buf[300];
    std::snprintf(buf, sizeof buf,
                  "search: %lld simulations, %s %.6g (%s) -> %.6g, %lld improvements\n",
                  static_cast<long long>(e.search->evaluations), o.objective.name.c_str(),
                  e.search->start_fitness, e.search->start_method.c_str(), e.search->best_fitness,
                  static_cast<long long>(e.search->improvements));
    out << buf;
    if (e.search->stopped_by_time)
      out << "search: stopped at the " << o.search.seconds << " s budget after " << e.search->moves
          << " of " << o.search.iterations << " moves\n";
  }
  print_summary(m, arch, g, alloc, r, o, out);
  const report::RunReport message =
      sim::run_message(r, sim::run_context(m.workload, o, e), m.workload, arch);
  if (!a.last("json").empty()) write_file(a.last("json"), sim::report_json(message));
  if (!a.last("report").empty()) sim::write_report_message(message, a.last("report"));
  if (!a.last("trace").empty() || !a.last("csv").empty() || !a.last("plot").empty()) {
    const sim::Trace trace = sim::trace_rows(m.workload, g, arch, r);
    if (!a.last("trace").empty()) write_file(a.last("trace"), sim::chrome_trace_json(trace));
    if (!a.last("csv").empty()) write_file(a.last("csv"), sim::trace_csv(trace));
    if (!a.last("plot").empty())
      plot_run(sim::trace_csv(trace), sim::report_json(message), trace.tracks, a.last("plot"));
  }
  return 0;
}

}  // namespace eesim::tools
