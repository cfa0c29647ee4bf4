// yaml-cpp's node graph -> our YamlNode tree, with 1-based lines (yaml-cpp's Mark is 0-based).
#include "hw_models/import/yaml_tree.h"

#include <yaml-cpp/yaml.h>

#include "common/error.h"
#include "common/file_io.h"

namespace eesim::hw::yaml {
namespace {

int line_of(const YAML::Mark& m) { return m.line < 0 ? 1 : m.line + 1; }

// Recursion depth is bounded by yaml-cpp's own parser (its DepthGuard refuses deep nesting).
YamlNode convert(const YAML::Node& n, const std::string& source) {
  YamlNode out;
  out.line = line_of(n.Mark());
  switch (n.Type()) {
    case YAML::NodeType::Scalar:
      out.kind = YamlNode::Kind::kScalar;
      out.scalar = n.Scalar();
      break;
    case YAML::NodeType::Sequence:
      out.kind = YamlNode::Kind::kList;
      for (const YAML::Node& item : n) out.items.push_back(convert(item, source));
      break;
    case YAML::NodeType::Map:
      out.kind = YamlNode::Kind::kMap;
      for (const auto& kv : n) {
        const int key_line = line_of(kv.first.Mark());
        if (!kv.first.IsScalar())
          throw Error(source + ":" + std::to_string(key_line) + ": a map key must be a name");
        out.entries.push_back(YamlEntry{kv.first.Scalar(), key_line, convert(kv.second, source)});
      }
      break;
    default:
      out.kind = YamlNode::Kind::kNull;
  }
  return out;
}

}  // namespace

YamlNode parse_yaml(const std::string& text, const std::string& source) {
  try {
    const YAML::Node root = YAML::Load(text);
    return convert(root, source);
  } catch (const YAML::Exception& e) {
    throw Error(source + ":" + std::to_string(line_of(e.mark)) + ": YAML syntax error: " + e.msg);
  }
}

YamlNode read_yaml_file(const std::string& path, const std::string& what) {
  return parse_yaml(read_text_file(path, what), path);
}

}  // namespace eesim::hw::yaml
