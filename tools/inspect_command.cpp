// `eesim inspect`: import a model and print its layers, totals and exits.
#include "tools/inspect_command.h"

#include <algorithm>
#include <cstdio>
#include <iomanip>
#include <optional>
#include <sstream>

#include "common/error.h"
#include "common/json_writer.h"
#include "hw_models/arch_loader.h"
#include "hw_models/import/chip_import.h"
#include "tools/cli_args.h"
#include "tools/eval_setup.h"
#include "tools/inspect_costs.h"
#include "tools/model_args.h"
#include "workloads/exit_profile.h"
#include "workloads/importer.h"
#include "workloads/layer_overrides.h"
#include "workloads/onnx_reader.h"

namespace eesim::tools {

namespace {
const char* const kInspectUsage =
    "usage: eesim inspect MODEL.onnx [options]\n"
    "  Imports an ONNX network with early exits and prints its layer graph.\n"
    "options:\n"
    "  --json                 print JSON instead of a table\n"
    "  --arch FILE.textproto  add per-layer costs on each core kind of this chip, each kind's\n"
    "                         layer-by-layer latency and energy, and the chip's roofline bound\n"
    "  --precision, --bits, --bits-file, --density\n"
    "                         operand widths and weight density as `eesim run` takes them: the\n"
    "                         table shows, and the costs use, the widths after them\n";
}  // namespace

const char* const kInspectExamples =
    "examples:\n"
    "  eesim inspect ee_mobilenetv2_cifar10.onnx --exit exit1=0.3 --exit exit2=0.2\n"
    "  eesim inspect model.onnx --json --arch examples/arch/quad_edge_tpu.textproto\n"
    "  eesim inspect model.onnx --drop-exits exit2 --bits '*=8' --measure-density\n";

std::string inspect_usage() {
  return std::string(kInspectUsage) + kModelOptionsUsage + kInspectExamples;
}

namespace {

using workloads::Workload;

// Built forwards (GCC 12 warns falsely about std::string::insert here, -Wstringop-overflow).
std::string with_commas(int64_t v) {
  const std::string digits = std::to_string(v);
  const size_t first = v < 0 ? 1 : 0, n = digits.size() - first;
  std::string s = digits.substr(0, first);
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) s += ',';
    s += digits[first + i];
  }
  return s;
}

// "8/8/8": weight, input and output bits ("-" for a layer without weights).
std::string bits_column(const workloads::Layer& l) {
  return (l.weight_bits > 0 ? std::to_string(l.weight_bits) : "-") + "/" +
         std::to_string(l.input_bits) + "/" + std::to_string(l.output_bits);
}

// "0.100": the weight density costs use (measured, set by --density, or 1 where neither);
// "?" when it could not be measured (a warning says why), "-" for a layer without weights.
std::string density_column(const workloads::Layer& l) {
  if (l.weight_params == 0) return "-";
  if (l.density_source == workloads::DensitySource::kUnmeasured) return "?";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", l.weight_density);
  return buf;
}

bool any_density_asked(const Workload& w) {
  for (workloads::LayerId v = 0; v < w.num_layers(); ++v)
    if (w.layer(v).density_source != workloads::DensitySource::kAssumed) return true;
  return false;
}

int64_t head_macs(const Workload& w, const workloads::Exit& e) {
  int64_t m = 0;
  for (auto v : e.head) m += w.layer(v).macs;
  return m;
}

std::vector<std::string> predecessors(const Workload& w, workloads::LayerId v) {
  std::vector<std::string> names;
  for (auto [e, end] = boost::in_edges(v, w.graph); e != end; ++e)
    if (w.graph[*e].kind == workloads::EdgeKind::kData)
      names.push_back(w.layer(boost::source(*e, w.graph)).name);
  return names;
}

void print_json(const Workload& w, const workloads::OnnxModel& m,
                const workloads::ExitProfile& profile, const ArchCosts* costs, std::ostream& out) {
  JsonWriter j;
  j.begin_object();
  j.key("model").value(w.name).key("producer").value(m.producer).key("opset").value(m.opset);
  j.key("inputs").begin_array();
  for (const auto& t : w.inputs)
    j.begin_object().key("name").value(t.name).key("shape").array(t.shape).end_object();
  j.end_array();
  j.key("layers").begin_array();
  for (workloads::LayerId v = 0; v < w.num_layers(); ++v) {
    const auto& l = w.layer(v);
    j.begin_object().key("name").value(l.name).key("op").value(l.op).key("kind").value(
        to_string(l.kind));
    j.key("macs").value(l.macs).key("vector_ops").value(l.vector_ops);
    j.key("weight_params").value(l.weight_params).key("weight_bytes").value(l.weight_bytes);
    j.key("weight_bits").value(l.weight_bits).key("input_bits").value(l.input_bits);
    j.key("output_bits").value(l.output_bits);
    j.key("weight_density").value(l.weight_density);
    j.key("weight_density_source").value(to_string(l.density_source));
    j.key("output_shape").array(l.outputs.at(0).shape);
    j.key("inputs").begin_array();
    for (const auto& t : l.inputs) j.value(t.name);
    j.end_array();
    j.key("input_shapes").begin_array();
    for (const auto& t : l.inputs) j.array(t.shape);
    j.end_array();
    j.key("after").array(predecessors(w, v)).key("folded").array(l.folded);
    if (costs) write_layer_costs_json(j, *costs, v);
    j.end_object();
  }
  j.end_array();
  j.key("total_macs").value(w.total_macs()).key("total_weight_bytes").value(w.total_weight_bytes());
  j.key("exits").begin_array();
  for (size_t i = 0; i < w.exits.size(); ++i) {
    const auto& e = w.exits[i];
    std::vector<std::string> head;
    for (auto v : e.head) head.push_back(w.layer(v).name);
    j.begin_object()
        .key("name")
        .value(e.name)
        .key("branch_point")
        .value(w.layer(e.branch_point).name);
    j.key("depth").value(e.depth).key("conditional").value(e.conditional);
    j.key("head_layers").array(head).key("head_macs").value(head_macs(w, e));
    j.key("probability")
        .value(profile.p[i])
        .key("conditional_probability")
        .value(profile.conditional(i));
    j.end_object();
  }
  j.end_array();
  j.key("final_output").value(w.final_output).key("final_probability").value(profile.p_final);
  j.key("exit_profile_source").value(profile.source);
  j.key("pruned_layers").array(w.pruned);
  j.key("dropped_exits").array(w.dropped_exits);
  j.key("warnings").array(w.warnings);
  if (costs) write_arch_json(j, *costs);
  j.end_object();
  out << j.str() << "\n";
}

void print_table(const Workload& w, const workloads::ExitProfile& profile, std::ostream& out) {
  size_t name_w = 5;
  for (workloads::LayerId v = 0; v < w.num_layers(); ++v)
    name_w = std::max(name_w, w.layer(v).name.size());
  name_w = std::min<size_t>(name_w, 60);
  size_t op_w = 18;  // wider only for long names (QLinearGlobalAveragePool)
  for (workloads::LayerId v = 0; v < w.num_layers(); ++v)
    op_w = std::max(op_w, w.layer(v).op.size() + 3 * w.layer(v).folded.size());
  out << w.name << ": " << w.num_layers() << " layers\n";
  for (const auto& t : w.inputs)
    out << "input " << t.name << " " << workloads::to_string(t.shape) << "\n";
  out << std::left << std::setw(5) << "#" << std::setw(name_w + 2) << "layer" << std::setw(op_w + 2)
      << "op" << std::setw(20) << "output" << std::right << std::setw(16) << "MACs" << std::setw(14)
      << "weight B" << std::setw(12) << "bits W/I/O";
  const bool densities = any_density_asked(w);
  if (densities) out << std::setw(9) << "density";
  out << "\n";
  for (workloads::LayerId v = 0; v < w.num_layers(); ++v) {
    const auto& l = w.layer(v);
    std::string op = l.op;
    for (const auto& f : l.folded) op += "+BN", (void)f;
    std::string name =
        l.name.size() > name_w ? "..." + l.name.substr(l.name.size() - name_w + 3) : l.name;
    out << std::left << std::setw(5) << v << std::setw(name_w + 2) << name << std::setw(op_w + 2)
        << op << std::setw(20) << workloads::to_string(l.outputs.at(0).shape) << std::right
        << std::setw(16) << with_commas(l.macs) << std::setw(14) << with_commas(l.weight_bytes)
        << std::setw(12) << bits_column(l);
    if (densities) out << std::setw(9) << density_column(l);
    out << "\n";
  }
  out << "total: " << with_commas(w.total_macs()) << " MACs, "
      << with_commas(w.total_weight_bytes()) << " weight bytes\n";
  for (const std::string& warning : w.warnings) out << "warning: " << warning << "\n";
  if (!w.pruned.empty()) {
    out << "note: " << w.pruned.size() << " node(s) feed no output and were dropped:";
    for (const auto& name : w.pruned) out << " " << name;
    out << "\n";
  }
  if (!w.dropped_exits.empty()) {
    out << "note: exit(s) dropped in memory:";
    for (const auto& name : w.dropped_exits) out << " " << name;
    out << "\n";
  }
  out << "\n";
  out << "exits (by depth; probabilities from "
      << (profile.source.empty() ? "none given" : profile.source) << "):\n";
  out << std::left << std::setw(12) << "exit" << std::setw(name_w + 2) << "branch point"
      << std::right << std::setw(7) << "depth" << std::setw(7) << "head" << std::setw(16)
      << "head MACs" << std::setw(9) << "P(exit)" << std::setw(11) << "P(|reach)"
      << "\n";
  char buf[64];
  for (size_t i = 0; i < w.exits.size(); ++i) {
    const auto& e = w.exits[i];
    out << std::left << std::setw(12) << e.name << std::setw(name_w + 2)
        << w.layer(e.branch_point).name << std::right << std::setw(7) << e.depth << std::setw(7)
        << e.head.size() << std::setw(16) << with_commas(head_macs(w, e));
    std::snprintf(buf, sizeof buf, "%9.4f%11.4f", profile.p[i], profile.conditional(i));
    out << buf << (e.conditional ? "  (If)" : "") << "\n";
  }
  std::snprintf(buf, sizeof buf, "%9.4f", profile.p_final);
  out << std::left << std::setw(12) << w.final_output << std::setw(name_w + 2) << "(final output)"
      << std::right << std::setw(7) << "" << std::setw(7) << "" << std::setw(16) << "" << buf
      << "\n";
}

}  // namespace

int inspect_command(const std::vector<std::string>& args, std::ostream& out) {
  std::set<std::string> values = kModelValueOptions;
  const std::vector<std::string> precision_keys = {"precision", "bits", "bits-file", "density"};
  values.insert("arch");
  values.insert(precision_keys.begin(), precision_keys.end());
  std::set<std::string> flags = kModelFlags;
  flags.insert({"json", "help"});
  const CliArgs a = parse_cli(args, flags, values);
  if (a.flag("help")) {
    out << inspect_usage();
    return 0;
  }
  require_one_positional(a, "inspect", "MODEL.onnx", "usage: eesim inspect MODEL.onnx [options]");
  const LoadedModel loaded = load_model(a);
  const Workload w = workloads::apply_precision(
      loaded.workload, parse_study_options(a, precision_keys).evaluate.precision);
  const workloads::OnnxModel& model = loaded.onnx;
  const workloads::ExitProfile& profile = loaded.profile;
  std::optional<hw::Architecture> arch;
  std::optional<ArchCosts> costs;
  if (!a.last("arch").empty()) {
    arch = hw::load_architecture_any(a.last("arch"));
    costs = analyze_on_arch(w, *arch);
  }
  if (a.flag("json")) {
    print_json(w, model, profile, costs ? &*costs : nullptr, out);
  } else {
    print_table(w, profile, out);
    if (costs) print_costs_table(w, *costs, out);
  }
  return 0;
}

}  // namespace eesim::tools
