#include "tools/cli_args.h"

#include <cstdlib>

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
      if (eq != std::string::npos) out.values[name].push_back(a.substr(eq + 1));
      else if (i + 1 < args.size()) out.values[name].push_back(args[++i]);
      else throw UsageError("option --" + name + " needs a value");
    } else {
      throw UsageError("unknown option " + a);
    }
  }
  return out;
}

int64_t parse_integer(const CliArgs& a, const std::string& key, int64_t fallback, int64_t min) {
  const std::string text = a.last(key);
  if (text.empty()) return fallback;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (*end != '\0' || v < min)
    throw UsageError("--" + key + " " + text + ": expected an integer >= " + std::to_string(min));
  return v;
}

std::ofstream open_out(const std::string& path) {
  std::ofstream f(path);
  if (!f) throw Error(path + ": cannot open for writing");
  return f;
}

}  // namespace eesim::tools
