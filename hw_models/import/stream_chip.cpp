// Stream accelerator file, the whole chip: which generation, where each core sits, which cores
// are simd, the op-type restrictions, and the schema::Architecture. The per-generation link
// readers are in stream_links.cpp.
#include <algorithm>
#include <optional>

#include "hw_models/import/import_steps.h"
#include "hw_models/import/spatial_array_build.h"
#include "hw_models/import/stream_parts.h"
#include "hw_models/import/yaml_fields.h"
#include "hw_models/import/zigzag_mapping.h"

namespace eesim::hw::yaml {
namespace {

// Gen B: graph {type: 2d_mesh, nb_rows, nb_cols, ...}: compute cores row-major on the grid,
// pooling and SIMD cores on extra rows below it.
void read_graph(const Fields& top, Chip& chip) {
  const YamlEntry& g = top.require("graph");
  const Fields f(g.value, top.source(), "graph", g.line);
  f.allow_only({"type", "nb_rows", "nb_cols", "bandwidth", "unit_energy_cost", "pooling_core_id",
                "simd_core_id", "offchip_core_id"});
  const std::string type = f.text("type");
  if (type != "2d_mesh")
    f.fail_key(*f.find("type"), "graph type '" + type +
                                    "': only 2d_mesh is supported (per-link "
                                    "graphs are not supported yet)");
  const int64_t rows = f.int64("nb_rows"), cols = f.int64("nb_cols");
  chip.link_bits = f.number("bandwidth");
  chip.link_line = f.require("bandwidth").line;
  chip.unit_energy = f.number_or("unit_energy_cost").value_or(0);
  for (const char* k : {"pooling_core_id", "simd_core_id", "offchip_core_id"}) {
    const YamlEntry* e = f.find(k);
    if (e == nullptr || e->value.kind == YamlNode::Kind::kNull) continue;
    const int64_t id = core_id(e->value, f.source(), f.path_of(k), chip.cores);
    (std::string(k) == "offchip_core_id" ? (void)(chip.offchip = id) : (void)chip.simd.insert(id));
  }
  std::vector<int64_t> compute, special;
  for (const CoreRef& c : chip.cores)
    if (c.id != chip.offchip) (chip.simd.count(c.id) ? special : compute).push_back(c.id);
  if (rows <= 0 || cols <= 0 || static_cast<int64_t>(compute.size()) != rows * cols)
    fail(f.source(), g.line, "graph",
         "a " + std::to_string(rows) + " x " + std::to_string(cols) + " mesh for " +
             std::to_string(compute.size()) + " compute cores");
  MeshPlacement p;
  p.width = static_cast<int>(cols);
  p.height = static_cast<int>(rows + (static_cast<int64_t>(special.size()) + cols - 1) / cols);
  for (size_t i = 0; i < compute.size(); ++i)
    p.at[compute[i]] = {static_cast<int>(i % cols), static_cast<int>(i / cols)};
  for (size_t i = 0; i < special.size(); ++i)
    p.at[special[i]] = {static_cast<int>(i % cols), static_cast<int>(rows + i / cols)};
  if (!special.empty())
    chip.notes.push_back(
        "graph: Stream links the pooling/SIMD cores to every compute core; eesim "
        "places them on an extra mesh row below the " +
        std::to_string(rows) + " x " + std::to_string(cols) + " grid");
  chip.placement = p;
}

std::string core_name(const CoreRef& c) { return c.file.name + "_" + std::to_string(c.id); }

// Op type -> allowed core names, from each mapping entry's core_allocation (a core's own
// operator_types go into the architecture as Core.op_type instead).
std::map<std::string, std::vector<std::string>> restrictions(const Chip& chip,
                                                             const MappingFile* mapping) {
  std::map<std::string, std::vector<std::string>> out;
  if (mapping == nullptr) return out;
  for (const MappingEntry& e : mapping->entries) {
    if (e.name == "default" || e.core_allocation.empty()) continue;
    std::vector<std::string> names;
    for (int64_t id : e.core_allocation) {
      if (id < 0 || id >= static_cast<int64_t>(chip.cores.size()) || id == chip.offchip)
        fail(mapping->source, e.core_allocation_line, e.name + ".core_allocation",
             "core id " + std::to_string(id) + " is not an on-chip core of the accelerator");
      names.push_back(core_name(chip.cores[static_cast<size_t>(id)]));
    }
    out[e.name] = names;
  }
  return out;
}

// Gen A has no marker for pooling/SIMD cores: a core the mapping allocates only non-MAC op
// types to (and the default entry never) is one.
void simd_from_mapping(Chip& chip, const MappingFile& m) {
  std::map<int64_t, bool> mac, other;
  for (const MappingEntry& e : m.entries)
    for (int64_t id : e.core_allocation) (runs_macs({e.name}) ? mac : other)[id] = true;
  for (const auto& [id, yes] : other)
    if (yes && !mac.count(id)) chip.simd.insert(id);
}

}  // namespace

ImportedChip import_stream(const YamlNode& root, const std::string& path,
                           const std::string& mapping_path) {
  const Fields top(root, path, "");
  Chip chip;
  const char gen = top.has("graph") ? 'B' : top.has("offchip_core_id") ? 'C' : 'A';
  top.allow_only(gen == 'B' ? std::vector<std::string>{"name", "cores", "graph"}
                 : gen == 'C'
                     ? std::vector<std::string>{"name", "cores", "offchip_core_id",
                                                "unit_energy_cost", "core_connectivity",
                                                "core_coordinates", "core_memory_sharing",
                                                "bandwidth", "memory_aliases", "technology_node",
                                                "kernel_library", "reconfiguration"}
                     : std::vector<std::string>{"name", "cores", "offchip_core", "bandwidth",
                                                "unit_energy_cost", "core_connectivity",
                                                "core_memory_sharing"});
  chip.gen = gen;
  chip.cores = read_cores(top);
  if (gen == 'A') {
    if (const YamlEntry* o = top.find("offchip_core")) {
      const int64_t id = static_cast<int64_t>(chip.cores.size());
      chip.cores.push_back(
          {id, o->line, "offchip_core", read_core_at(top, o, o->value, "offchip_core")});
      chip.offchip = id;
    }
    read_links_gen_a(top, chip);
  } else if (gen == 'C') {
    chip.offchip =
        core_id(top.require("offchip_core_id").value, path, "offchip_core_id", chip.cores);
    read_links_gen_c(top, chip);
    for (const char* k : {"core_coordinates", "core_memory_sharing", "bandwidth", "memory_aliases",
                          "technology_node", "kernel_library", "reconfiguration"})
      if (top.has(k)) chip.dropped.insert(k);
  } else {
    read_graph(top, chip);
  }
  if (gen == 'A' && top.has("core_memory_sharing")) chip.dropped.insert("core_memory_sharing");
  if (chip.offchip < 0)
    fail(path, root.line, "", "no off-chip core (offchip_core): eesim needs it for the DRAM port");
  std::optional<MappingFile> mapping;
  if (!mapping_path.empty()) mapping = read_mapping_file(mapping_path);
  if (gen == 'A' && mapping) simd_from_mapping(chip, *mapping);
  for (const CoreRef& c : chip.cores)
    if (gen == 'C' && c.id != chip.offchip && !c.file.operator_types.empty() &&
        !runs_macs(c.file.operator_types))
      chip.simd.insert(c.id);
  return build_stream_chip(top, chip, mapping ? &*mapping : nullptr,
                           restrictions(chip, mapping ? &*mapping : nullptr));
}

}  // namespace eesim::hw::yaml
