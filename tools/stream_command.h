#pragma once
// `eesim stream MODEL --arch ARCH`: a stream of inputs with sampled exits, overlapping on the
// chip: throughput, latency percentiles, per-core utilisation.
#include <ostream>
#include <string>
#include <vector>

namespace eesim::tools {

// Runs the subcommand; returns the exit code. Throws eesim::Error / UsageError.
int stream_command(const std::vector<std::string>& args, std::ostream& out);
std::string stream_usage();

}  // namespace eesim::tools
