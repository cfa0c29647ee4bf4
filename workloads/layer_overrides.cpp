// Precision and density override rules: parsing, selection and the Workload -> Workload step
// (workloads/layer_overrides.h).
#include "workloads/layer_overrides.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "common/error.h"

namespace eesim::workloads {
namespace {

constexpr int64_t kMaxBits = 64;

const char* const kBitsExpected =
    "expected SELECTOR=BITS with BITS one of N, wN, aN, iN, oN or a run of them like w4a8 "
    "(N in 1..64 bits; w: weights, a: activations, i: input, o: output)";
const char* const kDensityExpected =
    "expected SELECTOR=DENSITY with DENSITY a number in [0, 1] (the fraction of non-zero "
    "weights)";

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// SELECTOR=VALUE split at the last '=' (a layer name may hold one; a value never does).
std::pair<std::string, std::string> split_rule(const std::string& text, const std::string& origin,
                                               const char* expected) {
  const size_t eq = text.rfind('=');
  if (eq == std::string::npos) throw Error(origin + ": " + expected);
  std::string selector = trim(text.substr(0, eq)), value = trim(text.substr(eq + 1));
  if (selector.empty() || value.empty()) throw Error(origin + ": " + expected);
  return {selector, value};
}

// Digits at text[i...] as bits in 1..64; advances i.
int64_t bits_at(const std::string& text, size_t& i, const std::string& origin) {
  const size_t start = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  if (i == start || i - start > 3) throw Error(origin + ": " + kBitsExpected);
  const int64_t bits = std::stoll(text.substr(start, i - start));
  if (bits < 1 || bits > kMaxBits)
    throw Error(origin + ": " + std::to_string(bits) + " bits is outside 1..64");
  return bits;
}

void set_widths(LayerOverride& r, const std::string& text, const std::string& origin) {
  size_t i = 0;
  if (text[0] >= '0' && text[0] <= '9') {  // N: every operand
    const int64_t bits = bits_at(text, i, origin);
    if (i != text.size()) throw Error(origin + ": " + kBitsExpected);
    r.weight_bits = r.input_bits = r.output_bits = bits;
    return;
  }
  while (i < text.size()) {
    const char letter = text[i++];
    std::vector<std::optional<int64_t>*> fields;
    if (letter == 'w') fields = {&r.weight_bits};
    if (letter == 'a') fields = {&r.input_bits, &r.output_bits};
    if (letter == 'i') fields = {&r.input_bits};
    if (letter == 'o') fields = {&r.output_bits};
    if (fields.empty()) throw Error(origin + ": " + kBitsExpected);
    const int64_t bits = bits_at(text, i, origin);
    for (std::optional<int64_t>* f : fields) {
      if (f->has_value())
        throw Error(origin + ": '" + text + "' sets an operand twice (" + kBitsExpected + ")");
      *f = bits;
    }
  }
}

// [set] at pattern[i] (i just past '['): whether c is in it; i moves past ']'. nullopt when the
// bracket does not close (then '[' is an ordinary character, as fnmatch takes it).
std::optional<bool> in_set(std::string_view pattern, size_t& i, char c) {
  size_t j = i;
  const bool negate = j < pattern.size() && (pattern[j] == '!' || pattern[j] == '^');
  if (negate) ++j;
  bool found = false;
  for (bool first = true; j < pattern.size() && (first || pattern[j] != ']'); first = false) {
    const char lo = pattern[j];
    if (j + 2 < pattern.size() && pattern[j + 1] == '-' && pattern[j + 2] != ']') {
      found |= c >= lo && c <= pattern[j + 2];
      j += 3;
    } else {
      found |= c == lo;
      ++j;
    }
  }
  if (j >= pattern.size()) return std::nullopt;
  i = j + 1;
  return found != negate;
}

bool is_glob(const std::string& selector) {
  return selector.find_first_of("*?[") != std::string::npos;
}

std::string exit_names(const Workload& w) {
  std::string out;
  for (const Exit& e : w.exits) out += (out.empty() ? "" : ", ") + e.name;
  return out;
}

bool sets_activations(const LayerOverride& r) {
  return r.input_bits.has_value() || r.output_bits.has_value();
}

// Why `r` changed nothing in `w`: its selector selects no layer (or, setting weights only, no
// layer with weights).
std::string unmatched(const Workload& w, const LayerOverride& r, bool selected_some) {
  const std::string model = w.name.empty() ? "the model" : w.name;
  if (selected_some) return "'" + r.selector + "' selects no layer of " + model + " with weights";
  if (r.selector == "exits") return model + " has no exits";
  if (r.selector == "backbone") return model + " has no backbone layers";
  if (is_glob(r.selector)) return "no layer of " + model + " matches '" + r.selector + "'";
  return model + " has no layer named '" + r.selector +
         "' (selectors: a layer name, a glob such as layer3.*, backbone, exits or exit:NAME)";
}

}  // namespace

LayerOverride parse_bits_rule(const std::string& text, const std::string& origin) {
  LayerOverride r;
  std::string value;
  std::tie(r.selector, value) = split_rule(text, origin, kBitsExpected);
  set_widths(r, value, origin);
  r.origin = origin;
  return r;
}

LayerOverride parse_density_rule(const std::string& text, const std::string& origin) {
  LayerOverride r;
  std::string value;
  std::tie(r.selector, value) = split_rule(text, origin, kDensityExpected);
  char* end = nullptr;
  const double d = std::strtod(value.c_str(), &end);
  if (*end != '\0' || !std::isfinite(d)) throw Error(origin + ": " + kDensityExpected);
  if (d < 0 || d > 1) throw Error(origin + ": density " + value + " is outside [0, 1]");
  r.weight_density = d;
  r.origin = origin;
  return r;
}

namespace {

std::vector<LayerOverride> parse_list(const std::string& text, const char* kind,
                                      LayerOverride (*parse)(const std::string&,
                                                             const std::string&)) {
  std::vector<LayerOverride> rules;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, ',');)
    rules.push_back(parse(part, std::string(kind) + " rule '" + trim(part) + "'"));
  if (rules.empty() || text.back() == ',')
    throw Error(std::string(kind) + " rules '" + text + "': expected SELECTOR=VALUE[,...]");
  return rules;
}

}  // namespace

std::vector<LayerOverride> parse_bits_rules(const std::string& text) {
  return parse_list(text, "bits", parse_bits_rule);
}

std::vector<LayerOverride> parse_density_rules(const std::string& text) {
  return parse_list(text, "density", parse_density_rule);
}

std::vector<LayerOverride> parse_bits_file(const std::string& text, const std::string& path) {
  std::vector<LayerOverride> rules;
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    line = trim(line.substr(0, line.find('#')));
    if (!line.empty()) rules.push_back(parse_bits_rule(line, path + ":" + std::to_string(n)));
  }
  if (rules.empty())
    throw Error(path + ": no rules (one SELECTOR=BITS per line, e.g. backbone=w8a8)");
  return rules;
}

bool glob_match(std::string_view pattern, std::string_view name) {
  // Greedy with one backtrack point: the last '*' seen and where in `name` it resumes.
  size_t p = 0, n = 0, star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
      continue;
    }
    if (p < pattern.size()) {
      size_t next = p + 1;
      std::optional<bool> ok;
      if (pattern[p] == '[') ok = in_set(pattern, next, name[n]);
      if (!ok) ok = pattern[p] == '?' || pattern[p] == name[n];
      if (*ok) {
        p = next;
        ++n;
        continue;
      }
    }
    if (star == std::string_view::npos) return false;
    p = star + 1;
    n = ++resume;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<LayerId> select_layers(const Workload& w, const std::string& selector) {
  std::vector<LayerId> out;
  if (selector == "backbone") {
    out = w.backbone;
  } else if (selector == "exits") {
    for (const Exit& e : w.exits) out.insert(out.end(), e.head.begin(), e.head.end());
  } else if (selector.rfind("exit:", 0) == 0) {
    const std::string name = selector.substr(5);
    const auto e =
        std::find_if(w.exits.begin(), w.exits.end(), [&](const Exit& x) { return x.name == name; });
    if (e == w.exits.end())
      throw Error((w.name.empty() ? "the model" : w.name) + " has no exit named '" + name + "' " +
                  (w.exits.empty() ? "(it has no exits)" : "(its exits: " + exit_names(w) + ")"));
    out = e->head;
  } else if (is_glob(selector)) {
    for (LayerId v = 0; v < w.num_layers(); ++v)
      if (glob_match(selector, w.layer(v).name)) out.push_back(v);
  } else if (const auto v = w.find_layer(selector)) {
    out.push_back(*v);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

// True for a rule on the heads of exits dropped in memory (exit_edit.h): it selects nothing and
// is no error, so one set of rules serves a model and its edited variants.
bool selects_dropped_exits(const Workload& w, const std::string& selector) {
  if (w.dropped_exits.empty()) return false;
  if (selector == "exits") return w.exits.empty();
  if (!selector.starts_with("exit:")) return false;
  const std::string name = selector.substr(5);
  return std::find(w.dropped_exits.begin(), w.dropped_exits.end(), name) != w.dropped_exits.end() &&
         std::none_of(w.exits.begin(), w.exits.end(),
                      [&](const Exit& e) { return e.name == name; });
}

}  // namespace

Workload apply_overrides(Workload w, const std::vector<LayerOverride>& rules) {
  for (const LayerOverride& r : rules) {
    if (selects_dropped_exits(w, r.selector)) continue;
    std::vector<LayerId> ids;
    try {
      ids = select_layers(w, r.selector);
    } catch (const Error& e) {
      throw Error(r.origin + ": " + e.what());
    }
    bool changed = false;
    for (LayerId v : ids) {
      Layer& l = w.graph[v];
      if (r.input_bits) l.input_bits = *r.input_bits;
      if (r.output_bits) l.output_bits = *r.output_bits;
      changed |= sets_activations(r);
      if (l.weight_params == 0) continue;  // weight fields stay 0 / 1 on a layer without weights
      if (r.weight_bits) l.weight_bits = *r.weight_bits;
      if (r.weight_density) {
        l.weight_density = *r.weight_density;
        l.density_source = DensitySource::kOverridden;
      }
      changed = true;
    }
    if (!changed) throw Error(r.origin + ": " + unmatched(w, r, !ids.empty()));
  }
  return w;
}

Workload apply_precision(Workload w, const PrecisionSpec& spec) {
  if (spec.trivial()) return w;
  return apply_overrides(with_precision_mode(std::move(w), spec.mode), spec.rules);
}

PrecisionSpec without_exit_rules(PrecisionSpec spec) {
  std::erase_if(spec.rules, [](const LayerOverride& r) {
    return r.selector == "exits" || r.selector.rfind("exit:", 0) == 0;
  });
  return spec;
}

}  // namespace eesim::workloads
