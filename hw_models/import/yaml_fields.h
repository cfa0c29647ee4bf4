#pragma once
// Reading one YAML map as a record: known keys only, required keys present, values of the right
// type. Every error is "SOURCE:LINE: PATH.KEY: what" (1-based line of the key, or of the map when
// a required key is missing), as the textproto loader words its own (hw_models/arch_loader.h).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hw_models/import/yaml_tree.h"

namespace eesim::hw::yaml {

// Throws eesim::Error "SOURCE:LINE: PATH: MESSAGE" (no "PATH: " when path is empty).
[[noreturn]] void fail(const std::string& source, int line, const std::string& path,
                       const std::string& message);

// A number as people write it in notes: 8, 87.5, 0.04 (shortest of %g's forms).
std::string format_number(double v);

// Scalar conversions; `path` names the value in the error.
int64_t to_int64(const YamlNode& n, const std::string& source, const std::string& path);
double to_double(const YamlNode& n, const std::string& source, const std::string& path);
bool to_bool(const YamlNode& n, const std::string& source, const std::string& path);
std::string to_text(const YamlNode& n, const std::string& source, const std::string& path);
// A list of scalars (a single scalar is a list of one).
std::vector<std::string> to_texts(const YamlNode& n, const std::string& source,
                                  const std::string& path);

class Fields {
 public:
  // `map` must be a YAML map (else an error at its line naming `path`). `path` is the key path
  // of the map itself ("memories.rf_1B"), "" for the document's root.
  // `key_line`: the line of the key the map belongs to (0: the map's own line), where a missing
  // key is reported.
  Fields(const YamlNode& map, std::string source, std::string path, int key_line = 0);

  // Refuses keys not in `known` ("unknown key 'r_bww'; did you mean 'r_bw'?") and repeated keys.
  void allow_only(const std::vector<std::string>& known) const;

  const YamlEntry* find(const std::string& key) const;  // nullptr when absent
  bool has(const std::string& key) const { return find(key) != nullptr; }
  // The entry, or an error "missing required key 'KEY'" at the map's line.
  const YamlEntry& require(const std::string& key) const;

  int64_t int64(const std::string& key) const;
  double number(const std::string& key) const;
  std::string text(const std::string& key) const;
  std::optional<int64_t> int64_or(const std::string& key) const;  // absent or null: nullopt
  std::optional<double> number_or(const std::string& key) const;
  bool flag_or(const std::string& key, bool fallback) const;

  std::string path_of(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }
  const std::string& source() const { return source_; }
  const std::string& path() const { return path_; }
  int line() const { return line_; }
  const std::vector<YamlEntry>& entries() const { return map_.entries; }
  [[noreturn]] void fail_key(const YamlEntry& e, const std::string& message) const;

 private:
  const YamlNode& map_;
  std::string source_;
  std::string path_;
  int line_;
};

}  // namespace eesim::hw::yaml
