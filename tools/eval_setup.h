#pragma once
// The study options `run`, `stream` and `sweep` take: each `--KEY VALUE` the command accepts
// goes, unchanged, to sim::set_option (the parser Python uses too); nothing is parsed here.
#include <string>
#include <utility>
#include <vector>

#include "sim/studies/options.h"
#include "tools/cli_args.h"

namespace eesim::tools {

extern const char* const kEvaluationOptionsUsage;
// Where the chip presets are, the last line of each command's examples.
extern const char* const kChipPresetsUsage;
// The keys every study takes (policy, fusion, stacks, alloc, objective, iterations, seconds,
// allow, seed, precision, bits-file, bits, density).
extern const std::vector<std::string> kEvaluationKeys;

// sim::set_option(key, a.last(key)) for each of `keys` given on the command line; a value a key
// does not take is a UsageError ("--policy maybe: expected wait or speculate"). Notes on
// stderr the options given that have no effect.
sim::Options parse_study_options(const CliArgs& a, const std::vector<std::string>& keys);

// The input files the command line names (the model, --arch, --exits, the stacks file, the
// mapping file and the bits files) as (label, path), for check_output_paths.
std::vector<std::pair<std::string, std::string>> input_paths(const CliArgs& a,
                                                             const sim::Options& o);

}  // namespace eesim::tools
