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
    "  --alloc partition|heft|pipeline|search|file=PATH\n"
    "                           partition (default): list scheduling that may split a layer\n"
    "                           over identical cores by output rows or channels, minding\n"
    "                           each core's parameter memory; heft: HEFT, one core per layer;\n"
    "                           pipeline: one contiguous, balanced stage per core; search:\n"
    "                           simulated annealing from partition that simulates every\n"
    "                           candidate; or a mapping file ('LAYER = CORE', 'LAYER = CORE\n"
    "                           CORE by rows|channels', 'op TYPE = CORE CORE', '* = CORE';\n"
    "                           layers it leaves out are placed by partition; a path with a\n"
    "                           '/' or ending in .txt or .map needs no file=)\n"
    "  --allow OP=CORE[,CORE]   run ONNX op type OP only on these cores (repeatable, e.g.\n"
    "                           --allow Conv=tpu0,tpu1); every allocator keeps to it\n"
    "  --objective NAME         search goal: latency, energy, edp (E[E]*E[L]) or\n"
    "                           expected_edp (E[E*L], default)\n"
    "  --iterations N           search moves tried (default 200)\n"
    "  --seconds S              search time budget: stop after S seconds if not done\n";

const std::vector<std::string> kEvaluationKeys = {
    "policy", "fusion", "stacks", "alloc", "objective", "iterations", "seconds", "allow", "seed"};

sim::Options parse_study_options(const CliArgs& a, const std::vector<std::string>& keys) {
  sim::Options o;
  for (const std::string& key : keys) {
    if (a.all(key).empty()) continue;
    try {
      if (key == "allow") {  // repeatable: each names its own op type
        for (const std::string& v : a.all(key)) sim::set_option(o, key, v);
        continue;
      }
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
