#pragma once
// A small command-line parser: positionals, --flags, --key VALUE / --key=VALUE (repeatable).
// Unknown options are errors that name the option.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace eesim::tools {

struct CliArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> values;  // option -> every value given
  std::set<std::string> flags;

  bool flag(const std::string& name) const { return flags.count(name) > 0; }
  const std::vector<std::string>& all(const std::string& name) const;
  std::string last(const std::string& name, const std::string& fallback = "") const;
};

// `flag_names` take no value; `value_names` take one. Throws UsageError on anything else.
CliArgs parse_cli(const std::vector<std::string>& args, const std::set<std::string>& flag_names,
                  const std::set<std::string>& value_names);

// Decimal text as an integer in [min, max]; nullopt for anything else (signs other than a
// leading '-', junk, values out of range: never a clamped or wrapped number).
std::optional<int64_t> integer_in(const std::string& text, int64_t min, int64_t max);

// --key as an integer in [min, max], or `fallback` when absent; throws UsageError naming the
// option and the range.
int64_t parse_integer(const CliArgs& a, const std::string& key, int64_t fallback, int64_t min,
                      int64_t max = INT64_MAX);
// --key as a seed: any integer in [0, 2^64 - 1].
uint64_t parse_seed(const CliArgs& a, const std::string& key, uint64_t fallback);

// Refuses (UsageError) two output options naming the same file, which would leave only the
// last one written, and an output naming one of `inputs` (label, path), which would overwrite
// it. Devices and pipes (/dev/stdout, /dev/null) may take several outputs.
void check_output_paths(const CliArgs& a, const std::vector<std::string>& output_keys,
                        const std::vector<std::pair<std::string, std::string>>& inputs);

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace eesim::tools
