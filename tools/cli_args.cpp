#include "tools/cli_args.h"

#include <sys/stat.h>

#include <filesystem>

#include "common/error.h"

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

CliArgs parse_cli(const std::vector<std::string>& args, const std::set<std::string>& flag_names,
                  const std::set<std::string>& value_names) {
  CliArgs out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
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
      if (eq != std::string::npos)
        out.values[name].push_back(a.substr(eq + 1));
      else if (i + 1 < args.size())
        out.values[name].push_back(args[++i]);
      else
        throw UsageError("option --" + name + " needs a value");
    } else {
      throw UsageError("unknown option " + a);
    }
  }
  return out;
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
