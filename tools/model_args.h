#pragma once
// The model options `inspect`, `run` and `stream` share: MODEL.onnx, --input, --final, exits
// edited in memory (--keep-exits, --drop-exits, --mount-exit), and the exit profile from
// metadata, --exits and --exit (with --conditional).
#include <ostream>
#include <set>
#include <string>

#include "tools/cli_args.h"
#include "workloads/exit_profile.h"
#include "workloads/importer.h"
#include "workloads/onnx_model.h"
#include "workloads/workload.h"

namespace eesim::tools {

// exit, exits, input, final, drop-exits, keep-exits, mount-exit
extern const std::set<std::string> kModelValueOptions;
extern const std::set<std::string> kModelFlags;  // conditional, measure-density
extern const char* const kModelOptionsUsage;

struct LoadedModel {
  workloads::OnnxModel onnx;
  workloads::Workload workload;
  workloads::ExitProfile profile;
};

// Reads a.positional[0] with the options above. Throws UsageError / eesim::Error.
LoadedModel load_model(const CliArgs& a);
// `w` with --keep-exits, then --drop-exits, then each --mount-exit applied (workloads/exit_edit.h).
workloads::Workload edit_exits(workloads::Workload w, const CliArgs& a);
// Just the import options (--input, --final, --measure-density), for commands that take no exit
// profile.
workloads::ImportOptions import_options(const CliArgs& a);
// The workload's warnings (a weight density that could not be measured), one
// "eesim: warning: ..." line each.
void print_warnings(const workloads::Workload& w, std::ostream& err);
// Those, and a warning when the model has exits but no source gave their probabilities: every
// input then reaches the final output, which a user rarely means to simulate.
void print_warnings(const LoadedModel& m, std::ostream& err);

}  // namespace eesim::tools
