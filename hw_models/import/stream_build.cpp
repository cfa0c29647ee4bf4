// A read Stream accelerator -> schema::Architecture: every on-chip core placed on the XY mesh
// (spatial_array, or simd for pooling/SIMD cores), the off-chip core's DRAM level as the dram
// block at (0, 0), one link width for the whole mesh.
#include <algorithm>

#include "hw_models/import/spatial_array_build.h"
#include "hw_models/import/stream_parts.h"

namespace eesim::hw::yaml {

ImportedChip build_stream_chip(const Fields& top, Chip& chip, const MappingFile* mapping,
                               std::map<std::string, std::vector<std::string>> allowed) {
  const std::string& path = top.source();
  std::vector<std::string>& notes = chip.notes;
  OperandLinks links;
  if (mapping != nullptr && mapping->default_entry().links) links = *mapping->default_entry().links;
  if (mapping != nullptr &&
      std::any_of(mapping->entries.begin(), mapping->entries.end(),
                  [](const MappingEntry& e) { return e.spatial.has_value(); }))
    notes.push_back(
        "the mapping's spatial_mapping entries are not used for Stream cores: each "
        "core's unrolling is its own dataflows");
  std::vector<int64_t> on_chip;
  for (const CoreRef& c : chip.cores)
    if (c.id != chip.offchip) on_chip.push_back(c.id);
  if (on_chip.empty()) fail(path, top.line(), "cores", "no on-chip core");
  if (!chip.placement) chip.placement = place_on_mesh(on_chip, chip.links, path);
  if (chip.link_bits <= 0)
    fail(path, chip.link_line, "bandwidth", "the link bandwidth must be > 0 bits per cycle");

  const CoreRef& off = chip.cores[static_cast<size_t>(chip.offchip)];
  const MemLevel* dram_level = nullptr;
  for (const MemLevel& l : off.file.levels)
    if (l.operands.size() == 3) dram_level = &l;
  if (dram_level == nullptr)
    fail(off.file.source, 1, "memories",
         "the off-chip core needs a level that stores I1, I2 and O (its DRAM)");
  const DramFacts dram = dram_facts(off.file, *dram_level, notes);

  schema::Architecture a;
  a.set_name(top.has("name") ? top.text("name") : "stream_chip");
  a.set_clock_mhz(kImportClockMhz);
  schema::Noc& noc = *a.mutable_noc();
  noc.set_width(chip.placement->width);
  noc.set_height(chip.placement->height);
  noc.set_link_bytes_per_cycle(chip.link_bits / 8.0);
  noc.set_router_cycles(0);
  noc.set_link_cycles(0);
  noc.set_energy_pj_per_byte_hop(8.0 * chip.unit_energy);
  for (int64_t id : on_chip) {
    const CoreRef& c = chip.cores[static_cast<size_t>(id)];
    const std::string name = c.file.name + "_" + std::to_string(id);
    Unrollings u;
    u.dims = c.file.dataflows ? &*c.file.dataflows : nullptr;
    u.source = c.file.source;
    schema::Core& core = *a.add_core() = chip.simd.count(id)
                                             ? simd_core(c.file, name, notes)
                                             : spatial_array_core(c.file, name, u, links, notes);
    core.set_x(chip.placement->at.at(id).first);
    core.set_y(chip.placement->at.at(id).second);
    core.set_static_power_mw(0);
    // Stream's operator_types: an architecture fact, kept with the core (Core.op_type).
    for (const std::string& op : c.file.operator_types) core.add_op_type(op);
    chip.dropped.insert(c.file.dropped.begin(), c.file.dropped.end());
  }
  schema::Dram& d = *a.add_dram();
  d.set_name("dram");
  d.set_x(0);
  d.set_y(0);
  d.set_bandwidth_bytes_per_cycle(dram.bytes_per_cycle);
  d.set_energy_pj_per_byte(dram.pj_per_byte);
  notes.push_back("links: " + format_number(chip.link_bits) + " bits/cycle -> " +
                  "link_bytes_per_cycle " + format_number(chip.link_bits / 8.0) +
                  "; router_cycles and link_cycles 0 (Stream times a transfer by size / "
                  "bandwidth only); unit_energy_cost taken as pJ per bit (x 8 per byte-hop)");
  notes.push_back("the off-chip core (id " + std::to_string(chip.offchip) +
                  ") is the dram block at node (0, 0); Stream links it to every core");
  notes.push_back(
      "clock_mhz 1000 and static_power_mw 0: Stream counts cycles and models no "
      "leakage");
  if (!allowed.empty())
    notes.push_back(
        "the mapping's core_allocation per op type is a mapping choice, not the chip's: pass "
        "it as --allow (eesim's --allow lists cores per op type; it has no default)");
  if (mapping != nullptr && !mapping->default_entry().core_allocation.empty())
    notes.push_back("the mapping's default core_allocation is not applied (no --allow default)");
  if (mapping != nullptr) chip.dropped.insert(mapping->dropped.begin(), mapping->dropped.end());
  ImportedChip out = finish(a, path, notes, chip.dropped);
  out.allowed_cores = std::move(allowed);
  return out;
}

}  // namespace eesim::hw::yaml
