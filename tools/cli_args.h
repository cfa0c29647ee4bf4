#pragma once
// A small command-line parser: positionals, --flags, --key VALUE / --key=VALUE (repeatable).
// Unknown options are errors that name the option.
#include <map>
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

// Refuses (UsageError) two output options naming the same file, which would leave only the
// last one written, and an output naming one of `inputs` (label, path), which would overwrite
// it. Devices and pipes (/dev/stdout, /dev/null) may take several outputs.
void check_output_paths(const CliArgs& a, const std::vector<std::string>& output_keys,
                        const std::vector<std::pair<std::string, std::string>>& inputs);

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace eesim::tools
