// A Stream accelerator whose links are not one 2-D mesh of one width (unequal widths, a bus, a
// link to the off-chip core, a graph no grid embeds) -> a NoC of kind "links" (arch.proto
// NocLink, NocBus) with every link and bus as the file gives it: bits/cycle / 8 -> bytes/cycle,
// Stream's unit_energy_cost taken as pJ per bit (x 8 per byte). Placement: kind "links" ignores
// geometry, so the on-chip cores sit on row 0 in id order and the DRAM port on its own node after
// them, (n, 0), when a link or bus reaches it; when none does, it shares the first core's node.
#include <algorithm>
#include <set>
#include <utility>

#include "hw_models/import/stream_parts.h"

namespace eesim::hw::yaml {

MeshPlacement links_placement(const Chip& chip, const std::vector<int64_t>& on_chip,
                              bool dram_linked) {
  MeshPlacement p;
  p.width = static_cast<int>(on_chip.size()) + (dram_linked ? 1 : 0);
  p.height = 1;
  for (size_t i = 0; i < on_chip.size(); ++i) p.at[on_chip[i]] = {static_cast<int>(i), 0};
  p.at[chip.offchip] =
      dram_linked ? std::pair{static_cast<int>(on_chip.size()), 0} : p.at[on_chip[0]];
  return p;
}

void write_links_noc(Chip& chip, const std::vector<int64_t>& on_chip, double dram_bytes_per_cycle,
                     const std::string& source, schema::Noc& noc) {
  const auto name = [&chip](int64_t id) {
    const CoreRef& c = chip.cores[static_cast<size_t>(id)];
    return id == chip.offchip ? std::string("dram") : c.file.name + "_" + std::to_string(id);
  };
  noc.set_kind("links");
  noc.set_router_cycles(0);
  noc.set_link_cycles(0);
  noc.set_energy_pj_per_byte_hop(8.0 * chip.unit_energy);
  std::set<std::pair<int64_t, int64_t>> pairs;
  for (const MeshLink& l : chip.links) {
    if (!l.bus.empty()) {
      schema::NocBus& b = *noc.add_bus();
      std::vector<int64_t> seen;
      for (int64_t id : l.bus)
        if (std::find(seen.begin(), seen.end(), id) == seen.end())
          seen.push_back(id), b.add_member(name(id));
      b.set_bytes_per_cycle(l.bits / 8.0);
      b.set_energy_pj_per_byte(8.0 * l.unit_energy);
      continue;
    }
    if (l.a == l.b) fail(source, l.line, l.path, "link '" + l.text + "': a core linked to itself");
    if (!pairs.insert(std::minmax(l.a, l.b)).second) {
      chip.notes.push_back("link " + l.path + " (" + l.text +
                           ") joins a pair an earlier link joins: the first is kept");
      continue;
    }
    schema::NocLink& k = *noc.add_link();
    k.set_a(name(l.a));
    k.set_b(name(l.b));
    k.set_bytes_per_cycle(l.bits / 8.0);
    k.set_energy_pj_per_byte(8.0 * l.unit_energy);
  }
  // Gen A: Stream joins the off-chip core to every core at the off-chip memory's bandwidth.
  if (chip.gen == 'A') {
    for (int64_t id : on_chip) {
      if (!pairs.insert(std::minmax(id, chip.offchip)).second) continue;
      schema::NocLink& k = *noc.add_link();
      k.set_a(name(id));
      k.set_b("dram");
      k.set_bytes_per_cycle(dram_bytes_per_cycle);
      k.set_energy_pj_per_byte(8.0 * chip.unit_energy);
    }
    chip.notes.push_back(
        "Stream links the off-chip core to every core at the off-chip memory's bandwidth: a "
        "link from every core to the dram port, " +
        format_number(dram_bytes_per_cycle) + " bytes/cycle");
  }
  chip.notes.push_back(
      "links: not one 2-D mesh of one width (or a bus, or a link to the off-chip core): noc kind "
      "\"links\" with every link and bus, bits/cycle / 8 -> bytes_per_cycle; router_cycles and "
      "link_cycles 0 (Stream times a transfer by size / bandwidth only); unit_energy_cost taken "
      "as pJ per bit (x 8 per byte); kind \"links\" ignores geometry: cores on row 0 in id "
      "order");
}

}  // namespace eesim::hw::yaml
