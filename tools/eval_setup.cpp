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
    "  --seconds S              search time budget: stop after S seconds if not done\n"
    "  --precision full|memory|native\n"
    "                           how layer bits enter costs: storage, traffic and arithmetic\n"
    "                           (default); storage and traffic only (the early-exit NAS\n"
    "                           study's model); or every operand in the core's word\n"
    "  --bits SEL=BITS[,...]    override layer bits (repeatable; later rules win). SEL: a\n"
    "                           layer name, a glob (layer3.*, */conv*), backbone, exits or\n"
    "                           exit:NAME (one exit's head); BITS: N (all operands), wN\n"
    "                           (weights), aN (activations), iN, oN, or a run like w4a8;\n"
    "                           1 <= N <= 64. E.g. --bits backbone=w8a8,exits=w4a8\n"
    "  --bits-file FILE         bits rules, one SEL=BITS per line, '#' comments; applied\n"
    "                           before --bits\n"
    "  --density SEL=D[,...]    weight density D in [0, 1] (fraction of non-zero weights)\n"
    "                           per selector, as --bits (repeatable)\n";

const char* const kChipPresetsUsage =
    "  chips: examples/arch/*.textproto; installed: PREFIX/share/eesim/arch/ (pip: "
    "VENV/eesim/arch/)\n";

const std::vector<std::string> kEvaluationKeys = {
    "policy", "fusion", "stacks",    "alloc",     "objective", "iterations", "seconds",
    "allow",  "seed",   "precision", "bits-file", "bits",      "density"};

sim::Options parse_study_options(const CliArgs& a, const std::vector<std::string>& keys) {
  sim::Options o;
  for (const std::string& key : keys) {
    if (a.all(key).empty()) continue;
    try {
      // Repeatable: each names its own op type, or adds its rules after the ones before.
      if (key == "allow" || key == "bits" || key == "bits-file" || key == "density") {
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
  for (const std::string& path : o.bits_files) out.emplace_back("--bits-file", path);
  const std::string mapping = o.evaluate.allocator->source_file();
  if (!mapping.empty()) out.emplace_back("--alloc", mapping);
  return out;
}

}  // namespace eesim::tools
