// Mapping files and the "DIM, n" spatial unrolling lists they share with core dataflows.
#include "hw_models/import/zigzag_mapping.h"

#include <algorithm>
#include <regex>

#include "hw_models/import/yaml_fields.h"

namespace eesim::hw::yaml {
namespace {

const std::vector<std::string> kLoops = {"K", "C", "OX", "OY", "FX", "FY", "G", "B"};

OperandLinks read_links(const YamlEntry& e, const std::string& source, const std::string& path) {
  const Fields f(e.value, source, path);
  f.allow_only({"W", "I", "O"});
  OperandLinks l;
  l.line = e.line;
  for (const YamlEntry& k : f.entries()) {
    const std::string v = to_text(k.value, source, f.path_of(k.key));
    if (v != "I1" && v != "I2" && v != "O")
      f.fail_key(k, "operand '" + v + "' is not one of I1, I2, O");
    (k.key == "W" ? l.weights : k.key == "I" ? l.inputs : l.outputs) = v;
  }
  if (l.weights == l.inputs || l.weights == l.outputs || l.inputs == l.outputs)
    fail(source, e.line, path,
         "W, I and O must link to three different memory operands (got W: " + l.weights +
             ", I: " + l.inputs + ", O: " + l.outputs + ")");
  return l;
}

}  // namespace

SpatialMapping parse_spatial_mapping(const YamlNode& n, const std::string& source,
                                     const std::string& path) {
  const Fields f(n, source, path);
  SpatialMapping m;
  m.line = n.line;
  static const std::regex kUnroll("^ *([A-Z]+) *, *([0-9]+) *$");
  for (const YamlEntry& e : f.entries()) {
    if (std::any_of(m.dims.begin(), m.dims.end(),
                    [&](const DimUnroll& d) { return d.dim == e.key; }))
      f.fail_key(e, "repeated key '" + e.key + "'");
    DimUnroll d{e.key, e.line, {}};
    const std::vector<std::string> items = to_texts(e.value, source, f.path_of(e.key));
    for (size_t i = 0; i < items.size(); ++i) {
      const int line = e.value.kind == YamlNode::Kind::kList ? e.value.items[i].line : e.line;
      const std::string item_path = f.path_of(e.key) + "[" + std::to_string(i) + "]";
      std::smatch s;
      if (!std::regex_match(items[i], s, kUnroll))
        fail(source, line, item_path, "'" + items[i] + "' is not \"DIM, n\" (e.g. \"K, 8\")");
      if (std::find(kLoops.begin(), kLoops.end(), s[1].str()) == kLoops.end())
        fail(source, line, item_path,
             "unknown loop dimension '" + s[1].str() +
                 "' (expected one of: K, C, OX, OY, FX, "
                 "FY, G, B)");
      const int64_t factor = std::stoll(s[2].str().substr(0, 12));
      if (factor <= 0) fail(source, line, item_path, "the unroll factor must be > 0");
      d.unrolls.push_back(Unroll{s[1].str(), factor, line});
    }
    m.dims.push_back(d);
  }
  return m;
}

const MappingEntry& MappingFile::default_entry() const {
  for (const MappingEntry& e : entries)
    if (e.name == "default") return e;
  fail(source, 1, "", "no mapping entry named 'default'");
}

MappingFile read_mapping(const YamlNode& root, const std::string& source) {
  MappingFile out;
  out.source = source;
  if (root.kind != YamlNode::Kind::kList)
    fail(source, root.line, "", "expected a list of mapping entries (- name: default ...)");
  for (size_t i = 0; i < root.items.size(); ++i) {
    const std::string path = "[" + std::to_string(i) + "]";
    const Fields f(root.items[i], source, path);
    f.allow_only({"name", "spatial_mapping", "spatial_mapping_hint", "temporal_ordering",
                  "memory_operand_links", "core_allocation", "core_allocation_is_fixed",
                  "inter_core_tiling", "intra_core_tiling"});
    MappingEntry e;
    e.name = f.text("name");
    e.line = f.line();
    for (const MappingEntry& other : out.entries)
      if (other.name == e.name) f.fail_key(*f.find("name"), "repeated entry '" + e.name + "'");
    if (const YamlEntry* s = f.find("spatial_mapping"))
      e.spatial = parse_spatial_mapping(s->value, source, f.path_of("spatial_mapping"));
    if (const YamlEntry* l = f.find("memory_operand_links"))
      e.links = read_links(*l, source, f.path_of("memory_operand_links"));
    if (const YamlEntry* c = f.find("core_allocation")) {
      e.core_allocation_line = c->line;
      const std::vector<std::string> ids = to_texts(c->value, source, f.path_of("core_allocation"));
      for (size_t j = 0; j < ids.size(); ++j) {
        const YamlNode& item =
            c->value.kind == YamlNode::Kind::kList ? c->value.items[j] : c->value;
        e.core_allocation.push_back(
            to_int64(item, source, f.path_of("core_allocation") + "[" + std::to_string(j) + "]"));
      }
    }
    for (const char* k : {"spatial_mapping_hint", "temporal_ordering", "core_allocation_is_fixed",
                          "inter_core_tiling", "intra_core_tiling"})
      if (f.has(k)) out.dropped.insert(std::string("[*].") + k);
    out.entries.push_back(e);
  }
  out.default_entry();  // required
  return out;
}

MappingFile read_mapping_file(const std::string& path) {
  return read_mapping(read_yaml_file(path, "a ZigZag mapping .yaml file"), path);
}

}  // namespace eesim::hw::yaml
