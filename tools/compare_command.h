#pragma once
// `eesim compare MODEL --arch A --arch B ...`: one network, its exit probabilities and options
// on several chips, side by side (a table, and with --plot the bars of plots.compare).
#include <ostream>
#include <string>
#include <vector>

namespace eesim::tools {

// Runs the subcommand; returns the exit code. Throws eesim::Error / UsageError.
int compare_command(const std::vector<std::string>& args, std::ostream& out);
std::string compare_usage();

}  // namespace eesim::tools
