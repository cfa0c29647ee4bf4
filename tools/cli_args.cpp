#include "tools/cli_args.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "common/error.h"
#include "common/names_text.h"

namespace eesim::tools {

const std::vector<std::string>& CliArgs::all(const std::string& name) const {
  static const std::vector<std::string> none;
  auto it = values.find(name);
  return it == values.end() ? none : it->second;
}

std::string CliArgs::last(const std::string& name, const std::string& fallback) const {
  const auto& v = all(name);
  return v.empty() ? fallback : v.back();
}

const std::set<std::string> kRepeatableOptions = {"exit",       "input",      "drop-exits",
                                                  "keep-exits", "mount-exit", "allow",
                                                  "bits",       "bits-file",  "density"};

namespace {

// "unknown option --polcy; did you mean --policy?"
UsageError unknown_option(const std::string& given, const std::string& name,
                          const std::set<std::string>& flag_names,
                          const std::set<std::string>& value_names) {
  std::vector<std::string> names(flag_names.begin(), flag_names.end());
  names.insert(names.end(), value_names.begin(), value_names.end());
  const bool exact = std::find(names.begin(), names.end(), name) != names.end();  // "-arch"
  const std::string near = exact ? name : closest_name(name, names);
  return UsageError("unknown option " + given +
                    (near.empty() ? "" : "; did you mean --" + near + "?"));
}

}  // namespace

CliArgs parse_cli(const std::vector<std::string>& args, const std::set<std::string>& flag_names,
                  const std::set<std::string>& value_names,
                  const std::set<std::string>& repeatable) {
  CliArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" && flag_names.count("help")) {
      out.flags.insert("help");
      continue;
    }
    // "-arch": one dash short of an option, never a file name anyone meant.
    if (a.size() > 1 && a[0] == '-' && a[1] != '-')
      throw unknown_option(a, a.substr(1, a.find('=') - 1), flag_names, value_names);
    if (a.rfind("--", 0) != 0 || a == "--") {
      out.positional.push_back(a);
      continue;
    }
    const size_t eq = a.find('=');
    const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    if (flag_names.count(name)) {
      if (eq != std::string::npos) throw UsageError("option --" + name + " takes no value");
      out.flags.insert(name);
    } else if (value_names.count(name)) {
      std::string value;
      if (eq != std::string::npos)
        value = a.substr(eq + 1);
      else if (i + 1 < args.size())
        value = args[++i];
      else
        throw UsageError("option --" + name + " needs a value");
      auto& given = out.values[name];
      if (!given.empty() && !kRepeatableOptions.count(name) && !repeatable.count(name))
        throw UsageError("--" + name + " given twice ('" + given.front() + "', then '" + value +
                             "'); it takes one value",
                         name == "arch" ? "to compare chips: eesim compare MODEL.onnx --arch A "
                                          "--arch B ..."
                                        : "");
      given.push_back(value);
    } else {
      throw unknown_option(a.substr(0, eq), name, flag_names, value_names);
    }
  }
  return out;
}

void require_one_positional(const CliArgs& a, const std::string& command, const std::string& what,
                            const std::string& synopsis) {
  if (a.positional.size() == 1) return;
  if (a.positional.empty()) throw UsageError(command + " needs a " + what, synopsis);
  std::string got;
  for (const std::string& p : a.positional) got += " " + p;
  throw UsageError(
      command + " takes one " + what + ", got " + std::to_string(a.positional.size()) + ":" + got,
      synopsis);
}

void require_option(const CliArgs& a, const std::string& command, const std::string& key,
                    const std::string& value, const std::string& synopsis) {
  if (a.last(key).empty()) throw UsageError(command + " needs --" + key + " " + value, synopsis);
}

namespace {

// The file a path names, for comparing two paths: symbolic links, "." and ".." resolved.
std::string file_identity(const std::string& path) {
  std::error_code ec;
  const auto p = std::filesystem::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

bool is_device_or_pipe(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

}  // namespace

void check_output_paths(const CliArgs& a, const std::vector<std::string>& output_keys,
                        const std::vector<std::pair<std::string, std::string>>& inputs) {
  struct Use {
    std::string what;  // "--json r.json", "the model m.onnx"
    bool input = false;
  };
  std::map<std::string, Use> seen;  // file -> who names it first
  for (const auto& [label, path] : inputs)
    if (!path.empty()) seen.emplace(file_identity(path), Use{label + " " + path, true});
  for (const std::string& key : output_keys) {
    const std::string path = a.last(key);
    if (path.empty() || is_device_or_pipe(path)) continue;
    const std::string what = "--" + key + " " + path;
    const auto [it, fresh] = seen.emplace(file_identity(path), Use{what, false});
    if (fresh) continue;
    throw UsageError(what + ": the same file as " + it->second.what +
                     (it->second.input ? "; refusing to overwrite an input"
                                       : "; each output needs its own file"));
  }
}

}  // namespace eesim::tools
