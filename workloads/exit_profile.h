#pragma once
// ExitProfile: the probability that an input leaves at each exit (DESIGN.md section 2).
// Sources, lowest to highest priority: the model's metadata_props, an exit file, --exit
// arguments (or the Python API). The highest-priority source that names any exit is used whole.
#include <map>
#include <string>
#include <vector>

#include "workloads/workload.h"

namespace eesim::workloads {

enum class RateKind {
  kUnconditional,  // p_i = P(leave at exit i); sum <= 1, the rest reaches the final output
  kConditional,    // q_i = P(leave at i | reached i); p_i = q_i * prod_{j<i} (1 - q_j)
};

// Rates as a source gave them, not yet checked against a workload.
struct ExitRates {
  std::string source;  // "--exit", "exits.txt", "model.onnx metadata_props"
  RateKind kind = RateKind::kUnconditional;
  std::vector<std::pair<std::string, double>> rates;  // in the order given
  std::vector<std::string> where;                     // per rate: "exits.txt:3", "--exit a=0.2"
};

// "NAME=P" strings, as given to --exit.
ExitRates parse_exit_args(const std::vector<std::string>& args, RateKind kind);
// Values already parsed (the Python API's dict), in the caller's order; `source` names the
// argument in errors: "exits['exit1']: probability -0.3 is outside [0,1]".
ExitRates exit_rates_from_values(const std::vector<std::pair<std::string, double>>& values,
                                 RateKind kind, const std::string& source);
// A small text file: "# comment", "rates = conditional|unconditional", "NAME = P" per line. A
// UTF-8 byte-order mark at its start is skipped. Names are checked for repeats in linear time.
ExitRates parse_exit_file(const std::string& path);
ExitRates parse_exit_text(const std::string& text, const std::string& source);
// metadata_props keys "eesim.exit.NAME" = P and "eesim.exit_rates" = conditional|unconditional.
ExitRates exit_rates_from_metadata(const std::map<std::string, std::string>& metadata,
                                   const std::string& source);

struct ExitProfile {
  std::vector<std::string> exits;  // the workload's exits, shallowest first
  std::vector<double> p;           // unconditional probability per exit
  double p_final = 1.0;            // probability of reaching the final output
  std::string source;              // where the rates came from ("" when none: all reach final)

  // q_i = p_i / (1 - sum_{j<i} p_j): the chance of leaving at i once there (0 if unreachable).
  double conditional(size_t i) const;
};

// Checks names against the workload's exits and values against [0,1] and their sum; converts
// conditional rates. `sources` from lowest to highest priority; exits not named get p = 0.
// A rate naming one of w.dropped_exits (exit_edit.h) is ignored: the inputs it would have sent
// out there pass on (conditional rates: the later exits' q apply to them; unconditional: its
// share reaches the final output unless other rates name it). The source still counts as given.
ExitProfile make_exit_profile(const Workload& w, const std::vector<ExitRates>& sources);

}  // namespace eesim::workloads
