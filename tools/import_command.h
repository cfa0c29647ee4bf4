#pragma once
// `eesim import CHIP.yaml [--mapping MAPPING.yaml] [--out FILE.textproto]`: a ZigZag core file or
// a Stream accelerator file as an eesim architecture .textproto (hw_models/import/).
#include <ostream>
#include <string>
#include <vector>

namespace eesim::tools {

// Runs the subcommand; returns the exit code. Throws eesim::Error / UsageError.
int import_command(const std::vector<std::string>& args, std::ostream& out);
std::string import_usage();

}  // namespace eesim::tools
