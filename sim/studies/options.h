#pragma once
// The studies' one options type and its one parser. The CLI (`--fusion rows=4`) and Python
// (`Evaluator(fusion="rows=4")`) both hand key=value text to set_option, so a key means the
// same thing, takes the same values and fails with the same message in both. Keys:
//   evaluate (every study): policy, fusion, stacks, alloc, objective, iterations, seconds, allow,
//                           seed, precision, bits-file, bits, density
//   stream: inputs, arrival, in-flight, trace-inputs      sweep: head, p, points
// precision is full|memory|native (workloads/precision.h); bits and density are comma-separated
// SELECTOR=VALUE rules and bits-file a file of bits rules, one per line
// (workloads/layer_overrides.h). Each of these three keys adds its rules to those it was given
// before; the rules apply bits-file's first, then bits', then density's, whatever order the keys
// came in, so the CLI and Python agree.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/error.h"
#include "sim/studies/evaluate.h"
#include "sim/studies/stream.h"
#include "workloads/exit_mount.h"
#include "workloads/workload.h"

namespace eesim::sim {

// The sweep's own options (sweep.h takes them as arguments).
struct SweepOptions {
  workloads::HeadTemplate head = workloads::parse_head(workloads::kDefaultHead);
  std::vector<double> probabilities = {0.1, 0.25, 0.5, 0.75};
  std::vector<std::string> points;  // branch layers by name; empty: every candidate
};

struct Options {
  EvaluateOptions evaluate;  // shared by every study; `seed` also seeds the stream
  StreamOptions stream;
  SweepOptions sweep;
  // The rules of bits-file, bits and density as given; evaluate.precision.rules is the three
  // concatenated in that order.
  std::vector<workloads::LayerOverride> bits_file_rules, bits_rules, density_rules;
  std::vector<std::string> bits_files;  // the bits files read, in order
  std::set<std::string> given;          // keys set so far
};

// A value a key does not take: the key, the value as given and what was expected. what():
// "policy=maybe: expected wait or speculate" (the CLI says "--policy maybe: ...").
class OptionError : public Error {
 public:
  OptionError(const std::string& key, const std::string& value, const std::string& reason)
      : Error(key + "=" + value + ": " + reason), key(key), value(value), reason(reason) {}
  std::string key, value, reason;
};

// Sets `key` from `value`. Throws OptionError for an unknown key (listing the keys) or a value
// the key does not take (a bits or density rule that does not parse: the reason names the rule);
// eesim::Error for a file it names that cannot be read or does not parse (stacks, a mapping
// file, a bits file: "PATH:LINE: ...") or a head template that does not parse. Whether a rule
// selects any layer is checked when the model is evaluated (sim::evaluate).
void set_option(Options& options, const std::string& key, const std::string& value);

// Every key set_option takes, in the order of the header comment.
const std::vector<std::string>& option_keys();

// Keys given that change nothing with the options as set ("objective", "iterations" and
// "seconds" without an allocator that searches), so a front end can say so.
std::vector<std::string> ineffective_options(const Options& options);

// The sweep's points as layer ids of `w`. Throws eesim::Error naming an unknown layer.
std::vector<workloads::LayerId> sweep_point_ids(const SweepOptions& options,
                                                const workloads::Workload& w);

}  // namespace eesim::sim
