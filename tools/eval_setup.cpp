#include "tools/eval_setup.h"

#include <iostream>

namespace eesim::tools {

const char* const kEvaluationOptionsUsage =
    "  --policy wait|speculate  work past an exit waits for its decision (default) or\n"
    "                           runs on and is cancelled when the exit fires\n"
    "  --fusion off|auto|rows=N layer by layer (default), stacks that fit the smallest\n"
    "                           core's memory, or every stack in bands of N rows\n"
    "  --stacks FILE            fuse these stacks only: one per line, layer names\n"
    "                           (band height from --fusion rows=N, default 1)\n"
    "  --alloc heft|pipeline|search|file=PATH\n"
    "                           HEFT list scheduling (default); layers cut into one\n"
    "                           contiguous, balanced stage per core; a seeded local\n"
    "                           search from HEFT that simulates every candidate; or a\n"
    "                           mapping file of 'LAYER = CORE' lines ('* = CORE' for the rest;\n"
    "                           a path with a '/' or ending in .txt or .map needs no file=)\n"
    "  --objective NAME         search goal: latency, energy, edp (E[E]*E[L]) or\n"
    "                           expected_edp (E[E*L], default)\n"
    "  --iterations N           search moves tried (default 200)\n";

const std::vector<std::string> kEvaluationKeys = {"policy",    "fusion",     "stacks", "alloc",
                                                  "objective", "iterations", "seed"};

sim::Options parse_study_options(const CliArgs& a, const std::vector<std::string>& keys) {
  sim::Options o;
  for (const std::string& key : keys) {
    if (a.all(key).empty()) continue;
    try {
      sim::set_option(o, key, a.last(key));
    } catch (const sim::OptionError& e) {
      throw UsageError("--" + e.key + (e.value.empty() ? "" : " " + e.value) + ": " + e.reason);
    }
  }
  // Said, not refused: a script sweeping --alloc may pass the search's options every time.
  for (const std::string& key : sim::ineffective_options(o))
    std::cerr << "eesim: note: --" << key << " has no effect without --alloc search\n";
  return o;
}

std::vector<std::pair<std::string, std::string>> input_paths(const CliArgs& a,
                                                             const sim::Options& o) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!a.positional.empty()) out.emplace_back("the model", a.positional[0]);
  for (const char* key : {"arch", "exits"})
    for (const std::string& path : a.all(key)) out.emplace_back(std::string("--") + key, path);
  if (!o.evaluate.stacks_path.empty()) out.emplace_back("--stacks", o.evaluate.stacks_path);
  const std::string mapping = o.evaluate.allocator->source_file();
  if (!mapping.empty()) out.emplace_back("--alloc", mapping);
  return out;
}

}  // namespace eesim::tools
