#pragma once
// A small command-line parser: positionals, --flags, --key VALUE / --key=VALUE (repeatable).
// Unknown options are errors that name the option.
#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
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

// --key as an integer >= min, or `fallback` when absent; throws UsageError naming the option.
int64_t parse_integer(const CliArgs& a, const std::string& key, int64_t fallback, int64_t min);

// Opens `path` for writing; throws eesim::Error naming it when it cannot.
std::ofstream open_out(const std::string& path);

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace eesim::tools
