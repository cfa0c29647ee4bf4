// Typed, located reads of YAML maps and scalars for the importers.
#include "hw_models/import/yaml_fields.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "common/error.h"
#include "common/names_text.h"

namespace eesim::hw::yaml {

void fail(const std::string& source, int line, const std::string& path,
          const std::string& message) {
  throw Error(source + ":" + std::to_string(line) + ": " + (path.empty() ? "" : path + ": ") +
              message);
}

std::string format_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

namespace {

const std::string& scalar_of(const YamlNode& n, const std::string& source, const std::string& path,
                             const char* what) {
  if (n.kind != YamlNode::Kind::kScalar)
    fail(source, n.line, path, std::string("expected ") + what);
  return n.scalar;
}

}  // namespace

int64_t to_int64(const YamlNode& n, const std::string& source, const std::string& path) {
  const std::string& s = scalar_of(n, source, path, "an integer");
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc() && end == s.data() + s.size()) return v;
  // "1e10" and "1.0e10" are integers written as floats (Python's YAML reads them as floats).
  const double d = to_double(n, source, path);
  if (std::floor(d) == d && std::fabs(d) < 9.0e18) return static_cast<int64_t>(d);
  fail(source, n.line, path, "expected an integer, got '" + s + "'");
}

double to_double(const YamlNode& n, const std::string& source, const std::string& path) {
  const std::string& s = scalar_of(n, source, path, "a number");
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v))
    fail(source, n.line, path, "expected a number, got '" + s + "'");
  return v;
}

bool to_bool(const YamlNode& n, const std::string& source, const std::string& path) {
  const std::string& s = scalar_of(n, source, path, "true or false");
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  fail(source, n.line, path, "expected true or false, got '" + s + "'");
}

std::string to_text(const YamlNode& n, const std::string& source, const std::string& path) {
  return scalar_of(n, source, path, "a name");
}

std::vector<std::string> to_texts(const YamlNode& n, const std::string& source,
                                  const std::string& path) {
  if (n.kind == YamlNode::Kind::kNull) return {};
  if (n.kind == YamlNode::Kind::kScalar) return {n.scalar};
  if (n.kind != YamlNode::Kind::kList) fail(source, n.line, path, "expected a list");
  std::vector<std::string> out;
  for (size_t i = 0; i < n.items.size(); ++i)
    out.push_back(to_text(n.items[i], source, path + "[" + std::to_string(i) + "]"));
  return out;
}

Fields::Fields(const YamlNode& map, std::string source, std::string path, int key_line)
    : map_(map),
      source_(std::move(source)),
      path_(std::move(path)),
      line_(key_line > 0 ? key_line : map.line) {
  if (map_.kind != YamlNode::Kind::kMap)
    fail(source_, map_.line, path_, path_.empty() ? "expected a map of keys" : "expected a map");
}

void Fields::allow_only(const std::vector<std::string>& known) const {
  std::set<std::string> seen;
  for (const YamlEntry& e : map_.entries) {
    if (!seen.insert(e.key).second) fail_key(e, "repeated key '" + e.key + "'");
    if (std::find(known.begin(), known.end(), e.key) != known.end()) continue;
    const std::string near = closest_name(e.key, known);
    fail(source_, e.line, path_of(e.key),
         "unknown key '" + e.key + "'" + (near.empty() ? "" : "; did you mean '" + near + "'?") +
             " (expected one of: " + join_names(known) + ")");
  }
}

const YamlEntry* Fields::find(const std::string& key) const {
  for (const YamlEntry& e : map_.entries)
    if (e.key == key) return &e;
  return nullptr;
}

const YamlEntry& Fields::require(const std::string& key) const {
  const YamlEntry* e = find(key);
  if (e == nullptr || e->value.kind == YamlNode::Kind::kNull)
    fail(source_, e ? e->line : line_, path_of(key), "missing required key '" + key + "'");
  return *e;
}

int64_t Fields::int64(const std::string& key) const {
  return to_int64(require(key).value, source_, path_of(key));
}
double Fields::number(const std::string& key) const {
  return to_double(require(key).value, source_, path_of(key));
}
std::string Fields::text(const std::string& key) const {
  return to_text(require(key).value, source_, path_of(key));
}
std::optional<int64_t> Fields::int64_or(const std::string& key) const {
  const YamlEntry* e = find(key);
  if (e == nullptr || e->value.kind == YamlNode::Kind::kNull) return std::nullopt;
  return to_int64(e->value, source_, path_of(key));
}
std::optional<double> Fields::number_or(const std::string& key) const {
  const YamlEntry* e = find(key);
  if (e == nullptr || e->value.kind == YamlNode::Kind::kNull) return std::nullopt;
  return to_double(e->value, source_, path_of(key));
}
bool Fields::flag_or(const std::string& key, bool fallback) const {
  const YamlEntry* e = find(key);
  if (e == nullptr || e->value.kind == YamlNode::Kind::kNull) return fallback;
  return to_bool(e->value, source_, path_of(key));
}

void Fields::fail_key(const YamlEntry& e, const std::string& message) const {
  fail(source_, e.line, path_of(e.key), message);
}

}  // namespace eesim::hw::yaml
