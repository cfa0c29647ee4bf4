#include "tools/eval_setup.h"

#include <filesystem>
#include <iostream>
#include <sstream>

#include "common/error.h"
#include "common/file_io.h"
#include "mapping/allocation.h"

namespace eesim::tools {
namespace {

// A stacks file: one fused stack per line, layer names separated by spaces or commas, '#'
// comments. Unknown layer names are errors naming the file and line.
std::vector<std::vector<std::string>> read_stacks(const std::string& path,
                                                  const workloads::Workload& w) {
  std::istringstream f(read_text_file(path, "a stacks file (one stack of layer names per line)"));
  std::vector<std::vector<std::string>> stacks;
  std::string line;
  for (int n = 1; std::getline(f, line); ++n) {
    line = line.substr(0, line.find('#'));
    for (char& c : line) c = c == ',' ? ' ' : c;
    std::istringstream in(line);
    std::vector<std::string> stack;
    for (std::string name; in >> name;) {
      if (!w.find_layer(name))
        throw Error(path + ":" + std::to_string(n) + ": no layer named '" + name + "'");
      stack.push_back(name);
    }
    if (!stack.empty()) stacks.push_back(std::move(stack));
  }
  if (stacks.empty()) throw Error(path + ": no stacks (one stack per line: layer names)");
  return stacks;
}

}  // namespace

const char* const kEvaluationOptionsUsage =
    "  --policy wait|speculate  work past an exit waits for its decision (default) or\n"
    "                           runs on and is cancelled when the exit fires\n"
    "  --fusion off|auto|rows=N layer by layer (default), stacks that fit the smallest\n"
    "                           core's memory, or every stack in bands of N rows\n"
    "  --stacks FILE            fuse these stacks only: one per line, layer names\n"
    "                           (band height from --fusion rows=N, default 1)\n"
    "  --alloc heft|pipeline|search|FILE\n"
    "                           HEFT list scheduling (default); layers cut into one\n"
    "                           contiguous, balanced stage per core; a seeded local\n"
    "                           search from HEFT that simulates every candidate; or a\n"
    "                           mapping file of 'LAYER = CORE' lines ('* = CORE' for the rest)\n"
    "  --objective NAME         search goal: latency, energy, edp (E[E]*E[L]) or\n"
    "                           expected_edp (E[E*L], default)\n"
    "  --iterations N           search moves tried (default 200)\n";

sim::ExitPolicy parse_policy(const std::string& text) {
  if (text == "wait") return sim::ExitPolicy::kWait;
  if (text == "speculate") return sim::ExitPolicy::kSpeculate;
  throw UsageError("--policy " + text + ": expected wait or speculate");
}

mapping::FusionOptions parse_fusion(const std::string& text, const hw::Architecture& arch) {
  mapping::FusionOptions f;
  if (text == "off") return f;
  if (text == "auto") return sim::auto_fusion(arch);
  if (text.rfind("rows=", 0) == 0) {
    if (const auto rows = integer_in(text.substr(5), 1, INT64_MAX)) {
      f.mode = mapping::FusionOptions::Mode::kRows;
      f.rows_per_cn = *rows;
      return f;
    }
  }
  throw UsageError("--fusion " + text + ": expected off, auto or rows=N (1 <= N <= 2^63 - 1)");
}

EvaluationSetup parse_evaluation(const CliArgs& a, const workloads::Workload& w,
                                 const hw::Architecture& arch, uint64_t search_seed) {
  EvaluationSetup s;
  sim::EvaluateOptions& o = s.options;
  s.policy_text = a.last("policy", "wait");
  o.policy = parse_policy(s.policy_text);
  s.fusion_text = a.last("fusion", "off");
  o.fusion = parse_fusion(s.fusion_text, arch);
  s.stacks_path = a.last("stacks");
  if (!s.stacks_path.empty()) {
    o.fusion.stacks = read_stacks(s.stacks_path, w);
    s.fusion_text =
        "stacks " + s.stacks_path + " (" + std::to_string(o.fusion.rows_per_cn) + "-row bands)";
  }
  const std::string alloc = a.last("alloc", "heft");
  o.objective = a.last("objective", "expected_edp");
  try {
    sim::objective_value(o.objective, {});
  } catch (const Error&) {  // a bad name is a usage error, before any work
    throw UsageError("--objective " + o.objective +
                     ": expected latency, energy, edp or expected_edp");
  }
  o.search.seed = search_seed;
  o.search.iterations = parse_integer(a, "iterations", 200, 0);
  if (alloc == "search") {
    o.alloc = sim::EvaluateOptions::Alloc::kSearch;
  } else {
    // Said, not refused: a script sweeping --alloc may pass the search's options every time.
    for (const char* key : {"objective", "iterations"})
      if (!a.all(key).empty())
        std::cerr << "eesim: note: --" << key << " has no effect without --alloc search\n";
    if (alloc == "pipeline") {
      o.alloc = sim::EvaluateOptions::Alloc::kPipeline;
    } else if (alloc != "heft") {
      std::error_code ec;
      if (!std::filesystem::exists(alloc, ec))
        throw UsageError("--alloc " + alloc +
                         ": expected heft, pipeline, search or a mapping file (no such file)");
      o.alloc = sim::EvaluateOptions::Alloc::kGiven;
      o.given = mapping::load_allocation_file(alloc, w, arch);
    }
  }
  return s;
}

std::vector<std::pair<std::string, std::string>> input_paths(const CliArgs& a) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!a.positional.empty()) out.emplace_back("the model", a.positional[0]);
  for (const char* key : {"arch", "exits", "alloc", "stacks"})
    for (const std::string& path : a.all(key))
      if (path != "heft" && path != "pipeline" && path != "search")  // --alloc's names
        out.emplace_back(std::string("--") + key, path);
  return out;
}

sim::Evaluation evaluate_setup(const workloads::Workload& w, const workloads::ExitProfile& profile,
                               const hw::Architecture& arch, hw::CostCache& cache,
                               const EvaluationSetup& setup) {
  try {
    return sim::evaluate(w, profile, arch, cache, setup.options);
  } catch (const Error& err) {  // a stack the file named cannot be fused
    if (setup.stacks_path.empty() || std::string(err.what()).rfind("fusion stack", 0) != 0) throw;
    throw Error(setup.stacks_path + ": " + err.what());
  }
}

}  // namespace eesim::tools
