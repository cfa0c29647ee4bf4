// A ZigZag core file (+ an optional mapping file) -> a one-core chip: the core as spatial_array
// at (0, 0) of a 1x1 mesh, its off-chip top level as the chip's dram block (README.md). Also holds
// finish(), the text every importer returns.
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <optional>

#include "hw_models/import/import_steps.h"
#include "hw_models/import/spatial_array_build.h"
#include "hw_models/import/yaml_fields.h"
#include "hw_models/import/zigzag_core.h"
#include "hw_models/import/zigzag_mapping.h"

namespace eesim::hw::yaml {
namespace {

// The default entry's links and unrolling (or the core's dataflows), the other entries as
// per-op unrollings.
void use_mapping(const CoreFile& core, const MappingFile* mapping, OperandLinks& links,
                 Unrollings& u, std::vector<std::string>& notes) {
  u.dims = core.dataflows ? &*core.dataflows : nullptr;
  u.source = core.source;
  if (mapping == nullptr) return;
  const MappingEntry& d = mapping->default_entry();
  if (d.links) links = *d.links;
  if (d.spatial) {
    u.dims = &*d.spatial;
    u.source = mapping->source;
    if (core.dataflows)
      notes.push_back("the mapping's default spatial_mapping replaces the core's dataflows");
  }
  for (const MappingEntry& e : mapping->entries) {
    if (e.name == "default") continue;
    if (e.links && !(*e.links == links))
      notes.push_back("mapping entry '" + e.name +
                      "': its memory_operand_links differ from the "
                      "default entry's and are not used (one operand per memory level in eesim)");
    if (e.spatial)
      u.per_op.emplace_back(e.name, &*e.spatial), u.per_op_source = mapping->source;
    else
      notes.push_back("mapping entry '" + e.name + "' has no spatial_mapping: not imported");
    if (!e.core_allocation.empty())
      notes.push_back("mapping entry '" + e.name + "': core_allocation dropped (one core)");
  }
}

}  // namespace

ImportedChip finish(const schema::Architecture& a, const std::string& source,
                    std::vector<std::string> notes, const std::set<std::string>& dropped) {
  if (!dropped.empty()) {
    std::string keys;
    for (const std::string& k : dropped) keys += (keys.empty() ? "" : ", ") + k;
    notes.push_back("read and dropped (no meaning in eesim): " + keys);
  }
  ImportedChip chip;
  chip.source = source;
  google::protobuf::TextFormat::PrintToString(a, &chip.textproto);
  chip.notes = std::move(notes);
  return chip;
}

ImportedChip import_zigzag(const YamlNode& root, const std::string& path,
                           const std::string& mapping_path) {
  const CoreFile core = read_core(root, path);
  std::optional<MappingFile> mapping;
  if (!mapping_path.empty()) mapping = read_mapping_file(mapping_path);
  std::vector<std::string> notes;
  OperandLinks links;
  Unrollings u;
  use_mapping(core, mapping ? &*mapping : nullptr, links, u, notes);
  const MemLevel* off = offchip_level(core);
  if (off == nullptr)
    fail(path, core.levels.back().line, "memories." + core.levels.back().name,
         "the top level is not off chip: a one-core chip needs a top level that stores I1, I2 and "
         "O, serves every array dimension and is DRAM (mem_type dram or 'dram' in its name)");
  const DramFacts dram = dram_facts(core, *off, notes);
  schema::Architecture a;
  a.set_name(core.name);
  a.set_clock_mhz(kImportClockMhz);
  schema::Noc& noc = *a.mutable_noc();
  noc.set_width(1);
  noc.set_height(1);
  noc.set_link_bytes_per_cycle(dram.bytes_per_cycle);
  noc.set_energy_pj_per_byte_hop(0);
  schema::Core& c = *a.add_core() = spatial_array_core(core, core.name, u, links, notes);
  c.set_x(0);
  c.set_y(0);
  c.set_static_power_mw(0);
  // ZigZag costs only Conv, MatMul and Gemm; the rest of a network (Relu, pooling, Add) runs
  // here on one lane per PE at no energy, so that a whole network runs as ZigZag prices it.
  int64_t pes = 1;
  for (const auto& dim : c.spatial_array().dim()) pes *= dim.size();
  c.mutable_spatial_array()->set_vector_lanes(
      static_cast<int32_t>(std::min<int64_t>(pes, 1048576)));
  c.mutable_spatial_array()->set_vector_op_energy_pj(0);
  notes.push_back("layers without MACs (uncosted by ZigZag) run on vector_lanes " +
                  std::to_string(c.spatial_array().vector_lanes()) +
                  " (one per PE) at vector_op_energy_pj 0");
  schema::Dram& d = *a.add_dram();
  d.set_name(core.name == "dram" ? "offchip" : "dram");
  d.set_x(0);
  d.set_y(0);
  d.set_bandwidth_bytes_per_cycle(dram.bytes_per_cycle);
  d.set_energy_pj_per_byte(dram.pj_per_byte);
  notes.push_back(
      "clock_mhz 1000 and static_power_mw 0: ZigZag counts cycles and models no "
      "leakage; a 1x1 mesh (no NoC transfers) with energy_pj_per_byte_hop 0");
  std::set<std::string> dropped = core.dropped;
  if (mapping) dropped.insert(mapping->dropped.begin(), mapping->dropped.end());
  return finish(a, path, notes, dropped);
}

}  // namespace eesim::hw::yaml
