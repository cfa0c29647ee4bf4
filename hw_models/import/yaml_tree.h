#pragma once
// YAML text -> YamlNode: a plain tree that keeps the line of every value and every map key, so
// the importers can name FILE:LINE and the key of any problem. The only file that sees yaml-cpp
// (STYLE.md rule 4).
#include <string>
#include <vector>

namespace eesim::hw::yaml {

struct YamlEntry;

struct YamlNode {
  enum class Kind { kNull, kScalar, kList, kMap };
  Kind kind = Kind::kNull;
  int line = 1;                    // 1-based line where the value starts
  std::string scalar;              // kScalar: the text as written (quotes removed)
  std::vector<YamlNode> items;     // kList
  std::vector<YamlEntry> entries;  // kMap, in file order (repeated keys kept: callers refuse them)
};

struct YamlEntry {
  std::string key;
  int line = 1;  // the key's line (a nested map's value starts on a later line)
  YamlNode value;
};

// Parses one YAML document. Throws eesim::Error "SOURCE:LINE: ..." on a syntax error, and on a
// map key that is not a scalar.
YamlNode parse_yaml(const std::string& text, const std::string& source);

// read_text_file (common/file_io.h) + parse_yaml; `what` says what the file should be.
YamlNode read_yaml_file(const std::string& path, const std::string& what);

}  // namespace eesim::hw::yaml
