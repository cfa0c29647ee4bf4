#pragma once
// `eesim sweep BACKBONE --arch ARCH`: one exit head mounted at each candidate branch point in
// turn; expected EDP per point and exit probability (sim/sweep.h).
#include <ostream>
#include <string>
#include <vector>

namespace eesim::tools {

// Runs the subcommand; returns the exit code. Throws eesim::Error / UsageError.
int sweep_command(const std::vector<std::string>& args, std::ostream& out);
std::string sweep_usage();

}  // namespace eesim::tools
