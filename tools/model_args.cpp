#include "tools/model_args.h"

#include <sstream>

#include "workloads/exit_edit.h"
#include "workloads/importer.h"
#include "workloads/onnx_reader.h"

namespace eesim::tools {

const std::set<std::string> kModelValueOptions = {"exit",       "exits",      "input",     "final",
                                                  "drop-exits", "keep-exits", "mount-exit"};
const std::set<std::string> kModelFlags = {"conditional", "measure-density"};
const char* const kModelOptionsUsage =
    "  --exit NAME=P          probability of leaving at exit NAME (repeatable)\n"
    "  --exits FILE           exit profile file (lines 'NAME = P', 'rates = conditional')\n"
    "  --conditional          --exit values are P(leave | reached) instead of P(leave)\n"
    "  --input NAME=1x3x32x32 shape of a graph input (for symbolic dimensions)\n"
    "  --final NAME           graph output that ends the backbone (default: the deepest)\n"
    "  --drop-exits A,B       remove these exits and their heads (as if exported without them;\n"
    "                         rates naming them are ignored); repeatable\n"
    "  --keep-exits A,B       keep only these exits ('' keeps none); applied before --drop-exits\n"
    "  --mount-exit NAME=LAYER[@HEAD]\n"
    "                         add exit NAME with head HEAD (default gap,fc:10; the sweep's\n"
    "                         grammar, e.g. conv1x1:128,relu,gap,fc:10) on LAYER's output;\n"
    "                         repeatable, applied last\n"
    "  --measure-density      read the weights and count each layer's non-zero ones (its\n"
    "                         weight density); otherwise weights are not read: density 1\n";

namespace {

workloads::Shape parse_shape(const std::string& text, const std::string& arg) {
  workloads::Shape dims;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, 'x')) {
    char* end = nullptr;
    const long long v = std::strtoll(part.c_str(), &end, 10);
    if (part.empty() || *end != '\0' || v <= 0)
      throw UsageError("--input " + arg + ": expected positive dimensions like 1x3x224x224");
    dims.push_back(v);
  }
  if (dims.empty()) throw UsageError("--input " + arg + ": empty shape");
  return dims;
}

std::vector<std::string> exit_list(const std::vector<std::string>& values) {
  std::vector<std::string> names;
  for (const std::string& v : values) {
    std::stringstream in(v);
    for (std::string name; std::getline(in, name, ',');)
      if (!name.empty()) names.push_back(name);
  }
  return names;
}

// --mount-exit NAME=LAYER[@HEAD]: NAME up to the first '=', HEAD after the last '@' (a head never
// holds one; a layer name rarely does).
workloads::Workload mount(const workloads::Workload& w, const std::string& spec) {
  const size_t eq = spec.find('=');
  const size_t at = spec.rfind('@');
  const bool has_head = at != std::string::npos && at > eq;
  if (eq == std::string::npos || eq == 0 || (has_head ? at : spec.size()) == eq + 1)
    throw UsageError("--mount-exit " + spec + ": expected NAME=LAYER or NAME=LAYER@HEAD");
  const std::string layer = spec.substr(eq + 1, (has_head ? at : spec.size()) - eq - 1);
  const std::string head = has_head ? spec.substr(at + 1) : workloads::kDefaultHead;
  return workloads::mount_exit_at(w, layer, workloads::parse_head(head), spec.substr(0, eq));
}

}  // namespace

workloads::Workload edit_exits(workloads::Workload w, const CliArgs& a) {
  if (a.values.count("keep-exits")) w = workloads::keep_exits(w, exit_list(a.all("keep-exits")));
  if (a.values.count("drop-exits")) w = workloads::drop_exits(w, exit_list(a.all("drop-exits")));
  for (const std::string& spec : a.all("mount-exit")) w = mount(w, spec);
  return w;
}

workloads::ImportOptions import_options(const CliArgs& a) {
  workloads::ImportOptions options;
  options.final_output = a.last("final");
  options.measure_density = a.flag("measure-density");
  for (const std::string& s : a.all("input")) {
    const size_t eq = s.find('=');
    if (eq == std::string::npos) throw UsageError("--input " + s + ": expected NAME=1x3x224x224");
    options.input_shapes[s.substr(0, eq)] = parse_shape(s.substr(eq + 1), s);
  }
  return options;
}

LoadedModel load_model(const CliArgs& a) {
  const workloads::ImportOptions options = import_options(a);
  LoadedModel m;
  workloads::ReadOptions read;
  read.weights = options.measure_density;
  m.onnx = workloads::read_onnx_file(a.positional.at(0), read);
  m.workload = edit_exits(workloads::import_onnx(m.onnx, options), a);
  std::vector<workloads::ExitRates> sources = {
      workloads::exit_rates_from_metadata(m.onnx.metadata, m.onnx.source)};
  if (!a.last("exits").empty()) sources.push_back(workloads::parse_exit_file(a.last("exits")));
  sources.push_back(workloads::parse_exit_args(
      a.all("exit"), a.flag("conditional") ? workloads::RateKind::kConditional
                                           : workloads::RateKind::kUnconditional));
  m.profile = workloads::make_exit_profile(m.workload, sources);
  return m;
}

void print_warnings(const workloads::Workload& w, std::ostream& err) {
  for (const std::string& warning : w.warnings) err << "eesim: warning: " << warning << "\n";
}

void print_warnings(const LoadedModel& m, std::ostream& err) {
  print_warnings(m.workload, err);
  if (!m.profile.exits.empty() && m.profile.source.empty())
    err << "eesim: warning: no exit probabilities given (--exit NAME=P, --exits FILE or the "
           "model's metadata): every input reaches the final output\n";
}

}  // namespace eesim::tools
