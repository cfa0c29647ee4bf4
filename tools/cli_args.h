#pragma once
// A small command-line parser: positionals, --flags, --key VALUE / --key=VALUE. Only the
// options in kRepeatableOptions may be given more than once. Unknown options are errors that name
// the option and the one it most likely misspells.
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

// Options whose values add up (each names its own exit, op type, rule or input); any other
// option given twice is a usage error rather than a silent "the last one wins".
extern const std::set<std::string> kRepeatableOptions;

// `flag_names` take no value; `value_names` take one. Throws UsageError on anything else; `-h`
// is `--help` when "help" is a flag. `repeatable`: this command's own repeatable options, beyond
// kRepeatableOptions (compare's --arch).
CliArgs parse_cli(const std::vector<std::string>& args, const std::set<std::string>& flag_names,
                  const std::set<std::string>& value_names,
                  const std::set<std::string>& repeatable = {});

// UsageError unless exactly one positional argument was given: "run needs a MODEL.onnx" or "run
// takes one MODEL.onnx, got 2: a.onnx b.onnx", with `synopsis` as the hint.
void require_one_positional(const CliArgs& a, const std::string& command, const std::string& what,
                            const std::string& synopsis);
// UsageError unless --`key` was given: "run needs --arch CHIP.textproto".
void require_option(const CliArgs& a, const std::string& command, const std::string& key,
                    const std::string& value, const std::string& synopsis);

// Refuses (UsageError) two output options naming the same file, which would leave only the
// last one written, and an output naming one of `inputs` (label, path), which would overwrite
// it. Devices and pipes (/dev/stdout, /dev/null) may take several outputs.
void check_output_paths(const CliArgs& a, const std::vector<std::string>& output_keys,
                        const std::vector<std::pair<std::string, std::string>>& inputs);

// Bad command-line usage (exit code 2): the CLI prints "eesim: WHAT", the hint if any, and where
// to find the full help; one line each.
struct UsageError : std::runtime_error {
  explicit UsageError(const std::string& what, std::string hint_line = "")
      : std::runtime_error(what), hint(std::move(hint_line)) {}
  std::string hint;  // one line, or empty
};

}  // namespace eesim::tools
