// `eesim sweep`: the exit mounting-point sweep as a table, CSV rows (one per point and p) or
// JSON. The numbers come from sim::sweep_exit_mounts; this file parses options and formats.
#include "tools/sweep_command.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "common/error.h"
#include "common/file_io.h"
#include "hw_models/arch_loader.h"
#include "hw_models/import/chip_import.h"
#include "sim/results/report_writers.h"
#include "sim/results/sweep_report.h"
#include "sim/studies/sweep.h"
#include "tools/cli_args.h"
#include "tools/eval_setup.h"
#include "tools/model_args.h"
#include "tools/progress_line.h"
#include "workloads/exit_mount.h"

namespace eesim::tools {
namespace {

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

void print_table(const sim::SweepResult& r, const sim::SweepContext& c,
                 const hw::Architecture& arch, std::ostream& out) {
  out << c.model << " on " << arch.name << " (" << arch.source << "): exit head '" << r.head
      << "', policy " << c.policy << ", fusion " << c.fusion << ", " << r.points.size()
      << (r.points.size() == 1 ? " mount point\n" : " mount points\n");
  out << "baseline (no exit): latency " << r.baseline.latency_cycles << " cycles ("
      << fmt("%.4f", arch.ns(static_cast<double>(r.baseline.latency_cycles)) / 1e6)
      << " ms), energy " << fmt("%.3f", r.baseline.energy_pj / 1e6) << " uJ, EDP "
      << fmt("%.4e", r.baseline_edp_pj_cycles) << " pJ*cycles\n";
  size_t name_w = 5;
  for (const auto& p : r.points) name_w = std::max(name_w, p.branch_layer.size());
  char buf[512];
  std::snprintf(buf, sizeof buf, "%5s  %-*s  %-16s %12s %12s %12s", "point",
                static_cast<int>(name_w), "layer", "shape", "head MACs", "L_exit", "L_final");
  out << buf;
  for (double p : r.exit_probabilities) {
    std::snprintf(buf, sizeof buf, " %11s", ("p=" + fmt("%g", p)).c_str());
    out << buf;
  }
  out << "\n";
  for (size_t i = 0; i < r.points.size(); ++i) {
    const auto& pt = r.points[i];
    std::snprintf(buf, sizeof buf, "%5zu  %-*s  %-16s %12lld %12lld %12lld", i,
                  static_cast<int>(name_w), pt.branch_layer.c_str(),
                  workloads::to_string(pt.shape).c_str(), static_cast<long long>(pt.head_macs),
                  static_cast<long long>(pt.exit_scenario.latency_cycles),
                  static_cast<long long>(pt.final_scenario.latency_cycles));
    out << buf;
    for (const auto& o : pt.outcomes) out << fmt(" %11.4e", o.expected_edp_pj_cycles);
    out << "\n";
  }
  out << "L in cycles; p=...: expected EDP E[E*L] in pJ*cycles (baseline "
      << fmt("%.4e", r.baseline_edp_pj_cycles) << ")\n";
  for (size_t k = 0; k < r.exit_probabilities.size() && !r.points.empty(); ++k) {
    const auto best = std::min_element(r.points.begin(), r.points.end(), [&](auto& a, auto& b) {
      return a.outcomes[k].expected_edp_pj_cycles < b.outcomes[k].expected_edp_pj_cycles;
    });
    out << "best at p=" << fmt("%g", r.exit_probabilities[k]) << ": point "
        << best - r.points.begin() << " (" << best->branch_layer << "), "
        << fmt("%.3f", best->outcomes[k].expected_edp_pj_cycles / r.baseline_edp_pj_cycles)
        << " x baseline EDP\n";
  }
}

}  // namespace

std::string sweep_usage() {
  return std::string(
             "usage: eesim sweep BACKBONE.onnx --arch CHIP.textproto [options]\n"
             "  Mounts one exit head at each candidate branch point of the backbone in turn (a\n"
             "  layer with a 4-D output that every path to the final output passes through; the\n"
             "  model's own exits are removed first) and prints the expected EDP per point and\n"
             "  exit probability, next to the backbone without exits.\n"
             "options:\n"
             "  --head SPEC              the exit head, ops applied in order to the branch\n"
             "                           point's [N,C,H,W] output (default ") +
         workloads::kDefaultHead +
         "):\n"
         "                           convKxK:C[/sS] KxK conv to C channels (pads K/2, stride S)\n"
         "                           dwKxK[/sS]     depthwise KxK conv\n"
         "                           relu, gap      ReLU; global average pool to [N,C,1,1]\n"
         "                           fc:N           flatten, fully connected to N outputs\n"
         "                           e.g. conv1x1:128,relu,gap,fc:10\n"
         "  --p P,P,...              exit probabilities (default 0.1,0.25,0.5,0.75)\n"
         "  --points LAYER,...|all   branch points by layer name (default all candidates)\n"
         "  --seed N                 seeds --alloc search (default 1)\n" +
         kEvaluationOptionsUsage +
         "  --csv OUT.csv            also write one row per (point, p)\n"
         "  --json OUT.json          also write the sweep as JSON\n"
         "  --report OUT.binpb       the sweep as an eesim.report.SweepReport protobuf message;\n"
         "                           text format for .txtpb/.textproto\n"
         "  --input NAME=1x3x32x32   shape of a graph input (for symbolic dimensions)\n"
         "  --final NAME             graph output that ends the backbone (default: the deepest)\n"
         "  --measure-density        read the weights and count each layer's non-zero ones (its\n"
         "                           weight density); otherwise weights are not read: density 1\n"
         "examples:\n"
         "  eesim sweep backbone.onnx --arch examples/arch/quad_edge_tpu.textproto\n"
         "  eesim sweep backbone.onnx --arch chip.textproto \\\n"
         "      --head conv1x1:128,relu,gap,fc:10 \\\n"
         "      --p 0.25,0.5 --fusion rows=4 --csv sweep.csv\n" +
         kChipPresetsUsage;
}

int sweep_command(const std::vector<std::string>& args, std::ostream& out) {
  std::vector<std::string> keys = kEvaluationKeys;
  keys.insert(keys.end(), {"head", "p", "points"});
  std::set<std::string> values(keys.begin(), keys.end());
  values.insert({"arch", "csv", "json", "input", "final", "report"});
  const CliArgs a = parse_cli(args, {"help", "measure-density"}, values);
  if (a.flag("help")) {
    out << sweep_usage();
    return 0;
  }
  const char* const synopsis = "usage: eesim sweep BACKBONE.onnx --arch CHIP.textproto [options]";
  require_one_positional(a, "sweep", "BACKBONE.onnx", synopsis);
  require_option(a, "sweep", "arch", "CHIP.textproto", synopsis);
  sim::Options options = parse_study_options(a, keys);
  sim::EvaluateOptions& o = options.evaluate;
  check_output_paths(a, {"csv", "json", "report"}, input_paths(a, options));
  const workloads::Workload w = workloads::load_workload(a.positional[0], import_options(a));
  print_warnings(w, std::cerr);
  const hw::Architecture arch = hw::load_architecture_any(a.last("arch"));
  const sim::SweepContext c{w.name, sim::policy_text(o.policy), sim::fusion_text(o)};
  const auto points = sim::sweep_point_ids(options.sweep, w);
  hw::CostCache cache(arch);
  sim::SweepResult r;
  {
    StopOnCtrlC ctrl_c;
    o.progress = ctrl_c.progress();
    r = sim::sweep_exit_mounts(w, options.sweep.head, options.sweep.probabilities, points, arch,
                               cache, o);
    ctrl_c.check("the sweep");
  }
  print_table(r, c, arch, out);
  const report::SweepReport message = sim::sweep_message(r, c, arch);
  if (!a.last("json").empty()) write_file(a.last("json"), sim::report_json(message));
  if (!a.last("report").empty()) sim::write_report_message(message, a.last("report"));
  if (!a.last("csv").empty()) write_file(a.last("csv"), sim::sweep_csv(message));
  return 0;
}

}  // namespace eesim::tools
