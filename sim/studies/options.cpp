#include "sim/studies/options.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <utility>

#include "common/file_io.h"
#include "common/names_text.h"
#include "mapping/allocator.h"
#include "workloads/op_registry.h"

namespace eesim::sim {
namespace {

// The whole of `text` as a decimal T; nullopt for junk, a sign T cannot take, or a value out of
// T's range (from_chars never clamps or wraps).
template <typename T>
std::optional<T> decimal(const std::string& text) {
  T v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

int64_t integer(const std::string& key, const std::string& text, int64_t min,
                int64_t max = INT64_MAX) {
  const auto v = decimal<int64_t>(text);
  if (v && *v >= min && *v <= max) return *v;
  throw OptionError(
      key, text,
      "expected an integer " +
          (max == INT64_MAX ? ">= " + std::to_string(min)
                            : "in [" + std::to_string(min) + ", " + std::to_string(max) + "]"));
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');) parts.push_back(part);
  return parts;
}

void set_fusion(EvaluateOptions& o, const std::string& text) {
  using Mode = mapping::FusionOptions::Mode;
  o.fusion.rows_per_cn = 1;
  o.fusion_fits_chip = text == "auto";
  if (text == "off" || text == "auto") {
    o.fusion.mode = text == "off" ? Mode::kOff : Mode::kAuto;
    return;
  }
  if (text.rfind("rows=", 0) == 0) {
    if (const auto rows = decimal<int64_t>(text.substr(5)); rows && *rows >= 1) {
      o.fusion.mode = Mode::kRows;
      o.fusion.rows_per_cn = *rows;
      return;
    }
  }
  throw OptionError("fusion", text, "expected off, auto or rows=N (1 <= N <= 2^63 - 1)");
}

// A stacks file: one fused stack per line, layer names separated by spaces or commas, '#'
// comments. Names are checked against the model when it is fused (errors name file and line).
void set_stacks(EvaluateOptions& o, const std::string& path) {
  std::istringstream f(read_text_file(path, "a stacks file (one stack of layer names per line)"));
  o.fusion.stacks.clear();
  o.stack_lines.clear();
  std::string line;
  for (int n = 1; std::getline(f, line); ++n) {
    line = line.substr(0, line.find('#'));
    for (char& c : line) c = c == ',' ? ' ' : c;
    std::istringstream in(line);
    std::vector<std::string> stack;
    for (std::string name; in >> name;) stack.push_back(name);
    if (stack.empty()) continue;
    o.fusion.stacks.push_back(std::move(stack));
    o.stack_lines.push_back(n);
  }
  if (o.fusion.stacks.empty()) throw Error(path + ": no stacks (one stack per line: layer names)");
  o.stacks_path = path;
}

// `NAME`, `NAME=ARG`, or (as `eesim run --alloc FILE` always took) a path to a mapping file:
// a value with a '/' or ending in .txt or .map that names no allocator.
void set_alloc(EvaluateOptions& o, const std::string& text) {
  const std::string name = text.substr(0, text.find('='));
  const auto ends_with = [&](const char* s) {
    const std::string tail(s);
    return text.size() >= tail.size() &&
           text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
  };
  if (!mapping::find_allocator(name)) {
    if (text.find('/') != std::string::npos || ends_with(".txt") || ends_with(".map")) {
      o.allocator = mapping::make_allocator("file=" + text);
      return;
    }
    const std::string near = closest_name(name, mapping::allocator_names());
    throw OptionError("alloc", text,
                      "unknown allocator '" + name + "'; " +
                          (near.empty() ? "expected " + mapping::allocator_choices()
                                        : "did you mean '" + near + "'?"));
  }
  const mapping::AllocatorEntry& e = *mapping::find_allocator(name);
  const bool has_arg = text.size() > name.size();
  if (has_arg != !e.argument.empty() || (has_arg && text.size() == name.size() + 1))
    throw OptionError("alloc", text,
                      e.argument.empty() ? "allocator '" + name + "' takes no argument"
                                         : "expected " + name + "=" + e.argument);
  o.allocator = mapping::make_allocator(text);
}

void set_objective(EvaluateOptions& o, const std::string& text) {
  try {
    o.objective = find_objective(text);
  } catch (const Error&) {  // only an unknown name throws
    throw OptionError("objective", text, "expected " + objective_choices());
  }
}

// `OP=CORE,CORE[;OP=CORE...]`: each op type named may run only on the cores listed. Given again,
// an op type's list is replaced; other op types keep theirs (so `--allow` can be repeated).
void set_allow(EvaluateOptions& o, const std::string& text) {
  const std::string expected =
      "expected OP=CORE[,CORE...] (e.g. Conv=tpu0,tpu1), ';' between op types";
  std::stringstream in(text);
  bool any = false;
  for (std::string entry; std::getline(in, entry, ';');) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) throw OptionError("allow", text, expected);
    const std::string op = entry.substr(0, eq);
    if (!workloads::default_ops().find(op))
      throw OptionError("allow", text,
                        "'" + op +
                            "' is not an ONNX op type eesim imports (they are case-sensitive, "
                            "e.g. Conv, Gemm, MatMul, Add)");
    std::vector<std::string> cores = split_commas(entry.substr(eq + 1));
    if (cores.empty() || std::find(cores.begin(), cores.end(), "") != cores.end())
      throw OptionError("allow", text, expected);
    o.allowed_cores[op] = std::move(cores);
    any = true;
  }
  if (!any) throw OptionError("allow", text, expected);
}

// Refreshes the spec's rules from the three keys' lists: bits-file, then bits, then density.
void set_rules(Options& o) {
  std::vector<workloads::LayerOverride>& rules = o.evaluate.precision.rules;
  rules = o.bits_file_rules;
  rules.insert(rules.end(), o.bits_rules.begin(), o.bits_rules.end());
  rules.insert(rules.end(), o.density_rules.begin(), o.density_rules.end());
}

// Inline rules: a rule that does not parse is the key's OptionError, its reason naming the rule.
void add_rules(Options& o, const std::string& key, const std::string& text) {
  std::vector<workloads::LayerOverride> rules;
  try {
    rules =
        key == "bits" ? workloads::parse_bits_rules(text) : workloads::parse_density_rules(text);
  } catch (const Error& e) {
    throw OptionError(key, text, e.what());
  }
  std::vector<workloads::LayerOverride>& to = key == "bits" ? o.bits_rules : o.density_rules;
  to.insert(to.end(), rules.begin(), rules.end());
  set_rules(o);
}

void add_bits_file(Options& o, const std::string& path) {
  const std::vector<workloads::LayerOverride> rules = workloads::parse_bits_file(
      read_text_file(path, "a bits file (one SELECTOR=BITS rule per line)"), path);
  o.bits_file_rules.insert(o.bits_file_rules.end(), rules.begin(), rules.end());
  o.bits_files.push_back(path);
  set_rules(o);
}

ArrivalProcess arrival(const std::string& text) {
  ArrivalProcess p;
  if (text == "back-to-back") return p;
  const size_t eq = text.find('=');
  const std::string kind = text.substr(0, eq);
  if (eq != std::string::npos && (kind == "fixed" || kind == "poisson")) {
    char* end = nullptr;
    p.rate_per_s = std::strtod(text.c_str() + eq + 1, &end);
    p.kind = kind == "fixed" ? ArrivalProcess::Kind::kFixed : ArrivalProcess::Kind::kPoisson;
    if (*end == '\0' && end != text.c_str() + eq + 1 && std::isfinite(p.rate_per_s) &&
        p.rate_per_s > 0)
      return p;
  }
  throw OptionError("arrival", text,
                    "expected back-to-back, fixed=RATE or poisson=RATE (inputs per second > 0)");
}

const char* const kDefaultProbabilities = "0.1,0.25,0.5,0.75";

std::vector<double> probabilities(const std::string& text) {
  std::vector<double> ps;
  for (const std::string& part : split_commas(text)) {
    char* end = nullptr;
    const double p = std::strtod(part.c_str(), &end);
    if (part.empty() || *end != '\0')
      throw OptionError(
          "p", text,
          "'" + part + "' is not a number (expected a list like " + kDefaultProbabilities + ")");
    ps.push_back(p);
  }
  if (ps.empty())
    throw OptionError(
        "p", text,
        "expected a list of exit probabilities like " + std::string(kDefaultProbabilities));
  return ps;
}

std::vector<std::string> points(const std::string& text) {
  if (text == "all") return {};
  std::vector<std::string> names = split_commas(text);
  if (names.empty()) throw OptionError("points", text, "expected layer names or 'all'");
  return names;
}

using Setter = std::function<void(Options&, const std::string&)>;

// One entry per key, in option_keys() order.
const std::vector<std::pair<std::string, Setter>>& setters() {
  static const std::vector<std::pair<std::string, Setter>> table = {
      {"policy",
       [](Options& o, const std::string& v) {
         if (v != "wait" && v != "speculate")
           throw OptionError("policy", v, "expected wait or speculate");
         o.evaluate.policy = v == "wait" ? ExitPolicy::kWait : ExitPolicy::kSpeculate;
       }},
      {"fusion", [](Options& o, const std::string& v) { set_fusion(o.evaluate, v); }},
      {"stacks", [](Options& o, const std::string& v) { set_stacks(o.evaluate, v); }},
      {"alloc", [](Options& o, const std::string& v) { set_alloc(o.evaluate, v); }},
      {"objective", [](Options& o, const std::string& v) { set_objective(o.evaluate, v); }},
      {"iterations",
       [](Options& o, const std::string& v) {
         o.evaluate.search.iterations = integer("iterations", v, 0);
       }},
      {"seconds",
       [](Options& o, const std::string& v) {
         char* end = nullptr;
         const double seconds = std::strtod(v.c_str(), &end);
         if (v.empty() || *end != '\0' || !std::isfinite(seconds) || seconds <= 0)
           throw OptionError("seconds", v, "expected a time budget in seconds > 0 (e.g. 30)");
         o.evaluate.search.seconds = seconds;
       }},
      {"allow", [](Options& o, const std::string& v) { set_allow(o.evaluate, v); }},
      {"seed",
       [](Options& o, const std::string& v) {
         const auto seed = decimal<uint64_t>(v);
         if (!seed) throw OptionError("seed", v, "expected an integer in [0, 2^64 - 1]");
         o.evaluate.search.seed = o.stream.seed = *seed;
       }},
      {"precision",
       [](Options& o, const std::string& v) {
         if (v != "full" && v != "memory" && v != "native")
           throw OptionError("precision", v, "expected full, memory or native");
         o.evaluate.precision.mode = workloads::parse_precision_mode(v);
       }},
      {"bits-file", add_bits_file},
      {"bits", [](Options& o, const std::string& v) { add_rules(o, "bits", v); }},
      {"density", [](Options& o, const std::string& v) { add_rules(o, "density", v); }},
      {"inputs",
       [](Options& o, const std::string& v) {
         o.stream.inputs = integer("inputs", v, 1, kMaxStreamInputs);
       }},
      {"arrival", [](Options& o, const std::string& v) { o.stream.arrival = arrival(v); }},
      {"in-flight",
       [](Options& o, const std::string& v) {
         o.stream.max_in_flight = integer("in-flight", v, 0);
       }},
      {"trace-inputs",
       [](Options& o, const std::string& v) {
         o.stream.record_inputs = integer("trace-inputs", v, 1);
       }},
      {"head", [](Options& o, const std::string& v) { o.sweep.head = workloads::parse_head(v); }},
      {"p", [](Options& o, const std::string& v) { o.sweep.probabilities = probabilities(v); }},
      {"points", [](Options& o, const std::string& v) { o.sweep.points = points(v); }},
  };
  return table;
}

}  // namespace

void set_option(Options& options, const std::string& key, const std::string& value) {
  for (const auto& [name, set] : setters()) {
    if (name != key) continue;
    set(options, value);
    options.given.insert(key);
    return;
  }
  std::string keys;
  for (const auto& [name, set] : setters()) keys += (keys.empty() ? "" : ", ") + name;
  throw OptionError(key, value, "unknown option; expected one of " + keys);
}

const std::vector<std::string>& option_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> out;
    for (const auto& [name, set] : setters()) out.push_back(name);
    return out;
  }();
  return keys;
}

std::vector<std::string> ineffective_options(const Options& options) {
  std::vector<std::string> out;
  if (options.evaluate.allocator->uses_objective()) return out;
  for (const char* key : {"objective", "iterations", "seconds"})
    if (options.given.count(key)) out.push_back(key);
  return out;
}

std::vector<workloads::LayerId> sweep_point_ids(const SweepOptions& options,
                                                const workloads::Workload& w) {
  std::vector<workloads::LayerId> ids;
  for (const std::string& name : options.points) {
    const auto id = w.find_layer(name);
    if (!id) throw Error("points: " + w.name + " has no layer named '" + name + "'");
    ids.push_back(*id);
  }
  return ids;
}

}  // namespace eesim::sim
