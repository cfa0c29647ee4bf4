#pragma once
// `eesim inspect MODEL.onnx`: the imported layer graph as a table or JSON.
#include <ostream>
#include <string>
#include <vector>

namespace eesim::tools {

// Runs the subcommand; returns the process exit code. Throws eesim::Error on bad input and
// UsageError on bad arguments.
int inspect_command(const std::vector<std::string>& args, std::ostream& out);
std::string inspect_usage();

}  // namespace eesim::tools
