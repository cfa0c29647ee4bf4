#include "tools/model_args.h"

#include <sstream>

#include "workloads/importer.h"
#include "workloads/onnx_reader.h"

namespace eesim::tools {

const std::set<std::string> kModelValueOptions = {"exit", "exits", "input", "final"};
const std::set<std::string> kModelFlags = {"conditional", "measure-density"};
const char* const kModelOptionsUsage =
    "  --exit NAME=P          probability of leaving at exit NAME (repeatable)\n"
    "  --exits FILE           exit profile file (lines 'NAME = P', 'rates = conditional')\n"
    "  --conditional          --exit values are P(leave | reached) instead of P(leave)\n"
    "  --input NAME=1x3x32x32 shape of a graph input (for symbolic dimensions)\n"
    "  --final NAME           graph output that ends the backbone (default: the deepest)\n"
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

}  // namespace

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
  m.workload = workloads::import_onnx(m.onnx, options);
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

}  // namespace eesim::tools
