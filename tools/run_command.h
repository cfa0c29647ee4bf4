#pragma once
// `eesim run MODEL --arch ARCH`: map, simulate every exit scenario, report expectations.
#include <ostream>
#include <string>
#include <vector>

namespace eesim::tools {

// Runs the subcommand; returns the exit code. Throws eesim::Error / UsageError.
int run_command(const std::vector<std::string>& args, std::ostream& out);
std::string run_usage();

}  // namespace eesim::tools
