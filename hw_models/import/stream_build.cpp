// A read Stream accelerator -> schema::Architecture: every on-chip core (spatial_array, or simd
// for pooling/SIMD cores) placed on the XY mesh with one link width and the off-chip core's DRAM
// level as the dram block at (0, 0); or, when the links are not such a mesh's, a NoC of kind
// "links" (stream_links_noc.cpp).
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
  // An XY mesh when the links are one mesh's of one width, without buses or the off-chip core;
  // otherwise kind "links" (gen B's 2d_mesh graph is always a mesh).
  const auto touches_offchip = [&chip](const MeshLink& l) {
    return l.a == chip.offchip || l.b == chip.offchip ||
           std::count(l.bus.begin(), l.bus.end(), chip.offchip) > 0;
  };
  bool as_mesh = chip.placement.has_value();
  if (!as_mesh && chip.gen == 'C') chip.link_bits = chip.links.empty() ? 0 : chip.links[0].bits;
  if (!as_mesh && std::none_of(chip.links.begin(), chip.links.end(), touches_offchip) &&
      std::all_of(
          chip.links.begin(), chip.links.end(),
          [&chip](const MeshLink& l) { return l.bus.empty() && l.bits == chip.link_bits; }) &&
      (chip.link_bits > 0 || chip.gen == 'A')) {
    chip.placement = place_on_mesh(on_chip, chip.links);
    as_mesh = chip.placement.has_value();
  }
  if (as_mesh && chip.link_bits <= 0)
    fail(path, chip.link_line, "bandwidth", "the link bandwidth must be > 0 bits per cycle");
  const bool dram_linked =
      chip.gen == 'A' || std::any_of(chip.links.begin(), chip.links.end(), touches_offchip);
  if (!as_mesh) chip.placement = links_placement(chip, on_chip, dram_linked);

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
  if (as_mesh) {
    noc.set_link_bytes_per_cycle(chip.link_bits / 8.0);
    noc.set_router_cycles(0);
    noc.set_link_cycles(0);
    noc.set_energy_pj_per_byte_hop(8.0 * chip.unit_energy);
  } else {
    write_links_noc(chip, on_chip, dram.bytes_per_cycle, path, noc);
  }
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
  const std::pair<int, int> dram_at =
      as_mesh ? std::pair{0, 0} : chip.placement->at.at(chip.offchip);
  d.set_name("dram");
  d.set_x(dram_at.first);
  d.set_y(dram_at.second);
  d.set_bandwidth_bytes_per_cycle(dram.bytes_per_cycle);
  d.set_energy_pj_per_byte(dram.pj_per_byte);
  const std::string node =
      "(" + std::to_string(dram_at.first) + ", " + std::to_string(dram_at.second) + ")";
  if (as_mesh) {
    notes.push_back("links: " + format_number(chip.link_bits) + " bits/cycle -> " +
                    "link_bytes_per_cycle " + format_number(chip.link_bits / 8.0) +
                    "; router_cycles and link_cycles 0 (Stream times a transfer by size / "
                    "bandwidth only); unit_energy_cost taken as pJ per bit (x 8 per byte-hop)");
    notes.push_back("the off-chip core (id " + std::to_string(chip.offchip) +
                    ") is the dram block at node (0, 0), on the mesh; Stream links it to every "
                    "core");
  } else if (dram_linked) {
    notes.push_back("the off-chip core (id " + std::to_string(chip.offchip) +
                    ") is the dram block at node " + node + ", on the links and buses naming it");
  } else {
    notes.push_back("the off-chip core (id " + std::to_string(chip.offchip) +
                    ") is the dram block at node " + node +
                    ", the first core's: no link or bus reaches it");
  }
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
