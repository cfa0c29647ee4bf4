// `eesim compare`: the architect's everyday question, one command. The same model, exit
// profile and evaluation options on each chip given with --arch, in the order given; a table of
// the expected figures, each relative to the first chip, and optionally JSON and a plot.
#include "tools/compare_command.h"

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "common/error.h"
#include "common/file_io.h"
#include "hw_models/arch_loader.h"
#include "hw_models/core_model.h"
#include "hw_models/import/chip_import.h"
#include "sim/results/report_writers.h"
#include "sim/results/run_report.h"
#include "sim/studies/evaluate.h"
#include "tools/cli_args.h"
#include "tools/eval_setup.h"
#include "tools/model_args.h"
#include "tools/plotting.h"
#include "tools/progress_line.h"

namespace eesim::tools {
namespace {

struct ChipRun {
  hw::Architecture arch;
  sim::Evaluation evaluation;
  std::string json;  // its report, as `eesim run --json` writes it
};

// E[spilled bytes] over the scenarios, and the fullest core's peak as a share of its memory.
double expected_spilled_bytes(const sim::Report& r) {
  double sum = 0;
  for (const auto& s : r.scenarios) sum += s.probability * static_cast<double>(s.run.spilled_bytes);
  return sum;
}
double fullest_core_percent(const hw::Architecture& arch, const sim::Report& r) {
  double most = 0;
  for (size_t c = 0; c < arch.cores.size() && c < r.core_peak_memory_bytes.size(); ++c) {
    const auto capacity =
        static_cast<double>(hw::core_model(arch.cores[c]).on_chip_bytes(arch.cores[c]));
    if (capacity > 0)
      most = std::max(most, 100.0 * static_cast<double>(r.core_peak_memory_bytes[c]) / capacity);
  }
  return most;
}

void print_table(const std::string& model, const std::vector<ChipRun>& runs, std::ostream& out) {
  out << "model: " << model << " on " << runs.size() << " chips (ratios: to the first)\n";
  char buf[400];
  std::snprintf(buf, sizeof buf, "%-18s %5s %6s %14s %9s %10s %14s %7s %7s %7s %12s %8s\n", "chip",
                "cores", "MHz", "E[L] cycles", "E[L] ms", "E[E] uJ", "E[E*L] pJ*cyc", "L", "E",
                "EDP", "E[spilled] B", "mem max");
  out << buf;
  const sim::Report& first = runs.front().evaluation.report;
  for (const ChipRun& c : runs) {
    const sim::Report& r = c.evaluation.report;
    const auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };
    std::snprintf(
        buf, sizeof buf,
        "%-18.18s %5zu %6.0f %14.0f %9.4g %10.4g %14.4g %7.3f %7.3f %7.3f %12.0f %7.1f%%\n",
        c.arch.name.c_str(), c.arch.cores.size(), c.arch.clock_mhz, r.expected_latency_cycles,
        c.arch.ns(r.expected_latency_cycles) / 1e6, r.expected_energy_pj / 1e6,
        r.expected_edp_pj_cycles, ratio(r.expected_latency_cycles, first.expected_latency_cycles),
        ratio(r.expected_energy_pj, first.expected_energy_pj),
        ratio(r.expected_edp_pj_cycles, first.expected_edp_pj_cycles), expected_spilled_bytes(r),
        fullest_core_percent(c.arch, r));
    out << buf;
  }
  out << "mem max: the fullest core's peak on-chip memory, % of its capacity\n";
}

}  // namespace

std::string compare_usage() {
  return std::string(
             "usage: eesim compare MODEL.onnx --arch A.textproto --arch B.textproto [...] "
             "[options]\n"
             "  The same network, exit probabilities and options on each chip, in the order\n"
             "  given: expected latency, energy and EDP, each relative to the first chip.\n"
             "example:\n"
             "  eesim compare net.onnx --arch examples/arch/quad_edge_tpu.textproto \\\n"
             "      --arch examples/arch/single_edge_tpu.textproto --plot chips.png\n"
             "options:\n") +
         kEvaluationOptionsUsage +
         "  --json OUT.json          the chips' reports, a JSON list (each as `run --json`)\n"
         "  --plot OUT.png|OUT.svg   the figures side by side (needs matplotlib)\n" +
         kModelOptionsUsage + kChipPresetsUsage;
}

int compare_command(const std::vector<std::string>& args, std::ostream& out) {
  std::set<std::string> values = kModelValueOptions;
  values.insert(kEvaluationKeys.begin(), kEvaluationKeys.end());
  values.insert({"arch", "json", "plot"});
  std::set<std::string> flags = kModelFlags;
  flags.insert("help");
  const CliArgs a = parse_cli(args, flags, values, {"arch"});
  if (a.flag("help")) {
    out << compare_usage();
    return 0;
  }
  const char* const synopsis =
      "usage: eesim compare MODEL.onnx --arch A.textproto --arch B.textproto [...] [options]";
  require_one_positional(a, "compare", "MODEL.onnx", synopsis);
  require_option(a, "compare", "arch", "CHIP.textproto", synopsis);
  const std::vector<std::string>& archs = a.all("arch");
  sim::Options options = parse_study_options(a, kEvaluationKeys);
  check_output_paths(a, {"json", "plot"}, input_paths(a, options));
  const LoadedModel m = load_model(a);
  print_warnings(m.workload, std::cerr);
  std::vector<ChipRun> runs;
  for (const std::string& path : archs) {
    ChipRun c{hw::load_architecture_any(path), {}, {}};
    hw::CostCache cache(c.arch);
    {
      StopOnCtrlC ctrl_c;
      options.evaluate.progress = ctrl_c.progress();
      c.evaluation = sim::evaluate(m.workload, m.profile, c.arch, cache, options.evaluate);
      ctrl_c.check("the evaluation on " + path);
    }
    const sim::Evaluation& e = c.evaluation;
    c.json = sim::report_json(sim::run_message(
        e.report, sim::run_context(m.workload, options.evaluate, e), m.workload, c.arch));
    runs.push_back(std::move(c));
  }
  print_table(m.workload.name, runs, out);
  std::vector<std::string> jsons;
  for (const ChipRun& c : runs) jsons.push_back(c.json);
  if (!a.last("json").empty()) write_file(a.last("json"), json_list(jsons));
  if (!a.last("plot").empty()) plot_compare(jsons, a.last("plot"));
  return 0;
}

}  // namespace eesim::tools
