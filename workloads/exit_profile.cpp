// Exit-profile parsing, validation and the conditional -> unconditional conversion.
#include "workloads/exit_profile.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "common/error.h"
#include "common/file_io.h"
#include "common/names_text.h"
#include "common/number_text.h"

namespace eesim::workloads {
namespace {

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

// `shown`: the value as the user wrote it.
void check_in_unit_interval(double v, const std::string& shown, const std::string& where) {
  if (v < 0.0 || v > 1.0) throw Error(where + ": probability " + shown + " is outside [0,1]");
}

double parse_probability(const std::string& text, const std::string& where) {
  const std::string t = trim(text);
  char* end = nullptr;
  const double v = t.empty() ? NAN : std::strtod(t.c_str(), &end);
  if (t.empty() || end != t.c_str() + t.size() || std::isnan(v))
    throw Error(where + ": '" + t + "' is not a number; expected a probability in [0,1]");
  check_in_unit_interval(v, t, where);
  return v;
}

// A sum of probabilities as the user would add them: 0.7 + 0.6 is "1.3" (its double,
// 1.2999999999999998, is rounding noise).
std::string sum_text(double sum) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", sum);
  return buf;
}

RateKind parse_kind(const std::string& text, const std::string& where) {
  const std::string t = trim(text);
  if (t == "unconditional") return RateKind::kUnconditional;
  if (t == "conditional") return RateKind::kConditional;
  throw Error(where + ": rates '" + t + "' must be 'conditional' or 'unconditional'");
}

// Names already given, so a repeat is found in constant time (a file or dict can hold
// hundreds of thousands of names).
using Seen = std::unordered_set<std::string>;

void add_rate(ExitRates& r, Seen& seen, const std::string& name, double value,
              const std::string& where) {
  if (!seen.insert(name).second) throw Error(where + ": exit '" + name + "' is given twice");
  r.rates.emplace_back(name, value);
  r.where.push_back(where);
}

void add_assignment(ExitRates& r, Seen& seen, const std::string& text, const std::string& where) {
  const size_t eq = text.find('=');
  const std::string name = eq == std::string::npos ? "" : trim(text.substr(0, eq));
  if (name.empty()) throw Error(where + ": expected NAME=PROBABILITY, got '" + trim(text) + "'");
  add_rate(r, seen, name, parse_probability(text.substr(eq + 1), where), where);
}

}  // namespace

ExitRates parse_exit_args(const std::vector<std::string>& args, RateKind kind) {
  ExitRates r;
  r.source = "--exit";
  r.kind = kind;
  Seen seen;
  for (const std::string& a : args) add_assignment(r, seen, a, "--exit " + a);
  return r;
}

ExitRates exit_rates_from_values(const std::vector<std::pair<std::string, double>>& values,
                                 RateKind kind, const std::string& source) {
  ExitRates r;
  r.source = source;
  r.kind = kind;
  Seen seen;
  for (const auto& [name, p] : values) {
    const std::string where = source + "['" + name + "']";
    if (std::isnan(p))
      throw Error(where + ": nan is not a number; expected a probability in [0,1]");
    check_in_unit_interval(p, shortest_text(p), where);
    add_rate(r, seen, name, p, where);
  }
  return r;
}

ExitRates parse_exit_text(const std::string& text, const std::string& source) {
  ExitRates r;
  r.source = source;
  Seen seen;
  std::istringstream in(text);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string where = source + ":" + std::to_string(number);
    const std::string body = trim(line.substr(0, line.find('#')));
    if (body.empty()) continue;
    const size_t eq = body.find('=');
    if (eq != std::string::npos && trim(body.substr(0, eq)) == "rates") {
      r.kind = parse_kind(body.substr(eq + 1), where);
      continue;
    }
    add_assignment(r, seen, body, where);
  }
  return r;
}

ExitRates parse_exit_file(const std::string& path) {
  return parse_exit_text(read_text_file(path, "an exit profile file"), path);
}

ExitRates exit_rates_from_metadata(const std::map<std::string, std::string>& metadata,
                                   const std::string& source) {
  ExitRates r;
  r.source = source + " metadata_props";
  const std::string prefix = "eesim.exit.";
  Seen seen;
  for (const auto& [key, value] : metadata) {
    const std::string where = source + ": metadata_props '" + key + "'";
    if (key == "eesim.exit_rates")
      r.kind = parse_kind(value, where);
    else if (key.rfind(prefix, 0) == 0)
      add_assignment(r, seen, key.substr(prefix.size()) + "=" + value, where);
  }
  return r;
}

double ExitProfile::conditional(size_t i) const {
  double left = 1.0;
  for (size_t j = 0; j < i; ++j) left -= p[j];
  return left > 1e-15 ? std::min(1.0, p[i] / left) : 0.0;
}

ExitProfile make_exit_profile(const Workload& w, const std::vector<ExitRates>& sources) {
  ExitProfile out;
  for (const Exit& e : w.exits) out.exits.push_back(e.name);
  out.p.assign(out.exits.size(), 0.0);
  const ExitRates* chosen = nullptr;
  for (const ExitRates& s : sources)
    if (!s.rates.empty()) chosen = &s;
  if (!chosen) return out;
  out.source = chosen->source;
  std::unordered_map<std::string_view, size_t> index;  // exit name -> position
  for (size_t i = 0; i < out.exits.size(); ++i) index.emplace(out.exits[i], i);
  const std::unordered_set<std::string_view> dropped(w.dropped_exits.begin(),
                                                     w.dropped_exits.end());
  std::vector<double> given(out.exits.size(), 0.0);
  for (size_t k = 0; k < chosen->rates.size(); ++k) {
    const auto& [name, value] = chosen->rates[k];
    const auto it = index.find(name);
    if (it == index.end() && dropped.count(name)) continue;  // dropped on purpose: passes on
    if (it == index.end()) {
      if (name == w.final_output)
        throw Error(chosen->where[k] + ": '" + name +
                    "' is the final output; it takes the "
                    "probability the exits leave (1 - their sum)");
      const std::string known = join_names(out.exits);
      const std::string gone =
          w.dropped_exits.empty() ? "" : "; dropped: " + join_names(w.dropped_exits);
      throw Error(chosen->where[k] + ": unknown exit '" + name + "' (exits of " + w.name + ": " +
                  (known.empty() ? "none" : known) + gone + ")");
    }
    given[it->second] = value;
  }
  if (chosen->kind == RateKind::kConditional) {
    double reach = 1.0;  // P(reach exit i) = prod_{j<i} (1 - q_j)
    for (size_t i = 0; i < given.size(); ++i) {
      out.p[i] = given[i] * reach;
      reach *= 1.0 - given[i];
    }
  } else {
    out.p = given;
  }
  double sum = 0;
  for (double v : out.p) sum += v;
  if (sum > 1.0 + 1e-9)
    throw Error(chosen->source + ": exit probabilities sum to " + sum_text(sum) +
                ", above 1 (they are unconditional: use conditional rates if you meant "
                "P(leave | reached))");
  out.p_final = std::max(0.0, 1.0 - sum);
  return out;
}

}  // namespace eesim::workloads
