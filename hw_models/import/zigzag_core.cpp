// A ZigZag core file -> CoreFile: top-level keys, the operational array, each memory level
// (either generation's keys), and the checks that need the whole file (every operand stored
// somewhere, served dimensions in the array).
#include "hw_models/import/zigzag_core.h"

#include <algorithm>

#include "common/checked_math.h"
#include "hw_models/import/yaml_fields.h"

namespace eesim::hw::yaml {
namespace {

const std::vector<std::string> kOperands = {"I1", "I2", "O"};
// Keys of a memory level in either generation; keys with no meaning in eesim are read and
// dropped (listed in CoreFile::dropped).
const std::vector<std::string> kCommonKeys = {
    "size",     "r_cost", "w_cost",           "area", "latency", "mem_type", "auto_cost_extraction",
    "operands", "ports",  "served_dimensions"};
const std::vector<std::string> kGen12Keys = {
    "r_bw", "w_bw", "r_port", "w_port", "rw_port", "min_r_granularity", "min_w_granularity"};
const std::vector<std::string> kDroppedLevelKeys = {"area", "latency", "mem_type"};

// Gen 3 when the ports are named maps; gen 1/2 when the level gives r_bw & co.
bool is_gen3(const Fields& f) {
  for (const std::string& k : kGen12Keys)
    if (f.has(k)) return false;
  const YamlEntry* ports = f.find("ports");
  if (ports == nullptr || ports->value.kind != YamlNode::Kind::kList || ports->value.items.empty())
    return true;
  const YamlNode& first = ports->value.items.front();
  if (first.kind != YamlNode::Kind::kMap) return true;
  for (const YamlEntry& e : first.entries)
    if (e.key == "fh" || e.key == "tl" || e.key == "fl" || e.key == "th") return false;
  return true;
}

MemLevel read_level(const YamlEntry& entry, const CoreFile& core, std::set<std::string>& dropped) {
  const std::string& src = core.source;
  const Fields f(entry.value, src, "memories." + entry.key, entry.line);
  const bool gen3 = is_gen3(f);
  std::vector<std::string> known = kCommonKeys;
  if (!gen3) known.insert(known.end(), kGen12Keys.begin(), kGen12Keys.end());
  f.allow_only(known);
  MemLevel l;
  l.name = entry.key;
  l.line = entry.line;
  l.size_bits = f.int64("size");
  if (l.size_bits <= 0) f.fail_key(*f.find("size"), "must be > 0 bits");
  if (f.flag_or("auto_cost_extraction", false))
    f.fail_key(*f.find("auto_cost_extraction"),
               "auto_cost_extraction: true asks for CACTI, which eesim does not run; give "
               "r_cost and w_cost (pJ per full-width access) instead");
  if (f.has("auto_cost_extraction")) dropped.insert("memories.*.auto_cost_extraction");
  for (const std::string& k : kDroppedLevelKeys)
    if (f.has(k)) dropped.insert("memories.*." + k);
  l.mem_type = f.has("mem_type") ? f.text("mem_type") : "sram";
  l.read_pj = f.number("r_cost");
  l.write_pj = f.number("w_cost");
  const YamlEntry& ops = f.require("operands");
  const std::vector<std::string> operands = to_texts(ops.value, src, f.path_of("operands"));
  for (size_t i = 0; i < operands.size(); ++i) {
    const std::string path = f.path_of("operands") + "[" + std::to_string(i) + "]";
    const int line = ops.value.kind == YamlNode::Kind::kList ? ops.value.items[i].line : ops.line;
    if (std::find(kOperands.begin(), kOperands.end(), operands[i]) == kOperands.end())
      fail(src, line, path, "operand '" + operands[i] + "' is not one of I1, I2, O");
    if (std::count(operands.begin(), operands.begin() + i, operands[i]))
      fail(src, line, path, "operand '" + operands[i] + "' listed twice");
  }
  if (operands.empty()) f.fail_key(ops, "a level stores at least one operand");
  l.operands = operands;
  const YamlEntry& served = f.require("served_dimensions");
  l.served_dims = to_texts(served.value, src, f.path_of("served_dimensions"));
  for (const std::string& d : l.served_dims)
    if (std::find(core.dims.begin(), core.dims.end(), d) == core.dims.end())
      f.fail_key(served, "unserved: served dimension '" + d +
                             "' is not an array dimension (operational_array.dimensions)");
  const YamlEntry& ports = f.require("ports");
  if (gen3) {
    read_ports_gen3(ports.value, src, f.path_of("ports"), l);
  } else {
    PortWidths w;
    w.r_bw = f.int64("r_bw");
    w.w_bw = f.int64("w_bw");
    w.min_r = f.int64_or("min_r_granularity");
    w.min_w = f.int64_or("min_w_granularity");
    w.r_ports = f.int64("r_port");
    w.w_ports = f.int64("w_port");
    w.rw_ports = f.int64("rw_port");
    w.ports_line = ports.line;
    if (w.r_bw <= 0) f.fail_key(*f.find("r_bw"), "must be > 0 bits per cycle");
    if (w.w_bw <= 0) f.fail_key(*f.find("w_bw"), "must be > 0 bits per cycle");
    read_ports_gen12(ports.value, w, src, f.path_of("ports"), l);
  }
  for (const std::string& op : l.operands) {
    bool used = false;
    for (const MemPort& p : l.ports)
      for (const PortUse& u : p.uses) used = used || u.operand == op;
    if (!used)
      f.fail_key(ports, "unserved operand " + op +
                            ": the level stores it but no port direction serves it");
  }
  return l;
}

void read_array(const Fields& top, CoreFile& core) {
  const char* key = top.has("multipliers") ? "multipliers" : "operational_array";
  const YamlEntry& e = top.require(key);
  const Fields f(e.value, core.source, key, e.line);
  f.allow_only({"dimensions", "sizes", "unit_energy", "multiplier_energy", "unit_area",
                "multiplier_area", "input_precision", "is_imc", "imc_type", "adc_resolution",
                "bit_serial_precision"});
  core.array_line = e.line;
  core.dims = to_texts(f.require("dimensions").value, core.source, f.path_of("dimensions"));
  const YamlEntry& sizes = f.require("sizes");
  if (sizes.value.kind != YamlNode::Kind::kList) f.fail_key(sizes, "expected a list of sizes");
  for (size_t i = 0; i < sizes.value.items.size(); ++i) {
    const int64_t s = to_int64(sizes.value.items[i], core.source,
                               f.path_of("sizes") + "[" + std::to_string(i) + "]");
    if (s < 0) f.fail_key(sizes, "sizes must be >= 0");
    core.sizes.push_back(s);
  }
  if (core.sizes.size() != core.dims.size())
    f.fail_key(sizes, std::to_string(core.sizes.size()) + " sizes for " +
                          std::to_string(core.dims.size()) + " dimensions (one size each)");
  if (f.has("unit_energy") && f.has("multiplier_energy"))
    f.fail_key(*f.find("multiplier_energy"), "give unit_energy or multiplier_energy, not both");
  core.mac_energy_pj = f.has("unit_energy")         ? f.number("unit_energy")
                       : f.has("multiplier_energy") ? f.number("multiplier_energy")
                                                    : 0.0;
  for (const char* k : {"unit_area", "multiplier_area", "input_precision"})
    if (f.has(k)) core.dropped.insert(std::string(key) + "." + k);
  if (f.flag_or("is_imc", false))
    f.fail_key(*f.find("is_imc"), "in-memory computing cores are not supported");
}

}  // namespace

int64_t CoreFile::macs() const {
  int64_t n = 1;
  for (int64_t s : sizes) n = checked_mul(n, s, "array size");
  return n;
}

CoreFile read_core(const YamlNode& root, const std::string& source) {
  CoreFile core;
  core.source = source;
  const Fields top(root, source, "");
  top.allow_only({"name", "type", "memories", "operational_array", "multipliers", "dataflows",
                  "operator_types"});
  core.name = top.text("name");
  if (top.has("type")) core.type = top.text("type");
  read_array(top, core);
  if (const YamlEntry* d = top.find("dataflows"))
    core.dataflows = parse_spatial_mapping(d->value, source, "dataflows");
  if (const YamlEntry* t = top.find("operator_types"))
    core.operator_types = to_texts(t->value, source, "operator_types");
  const YamlEntry& memories = top.require("memories");
  const Fields mf(memories.value, source, "memories");
  mf.allow_only([&] {
    std::vector<std::string> names;
    for (const YamlEntry& e : mf.entries()) names.push_back(e.key);
    return names;
  }());  // any name, but each once
  for (const YamlEntry& e : mf.entries()) core.levels.push_back(read_level(e, core, core.dropped));
  for (const std::string& op : kOperands) {
    bool stored = false;
    for (const MemLevel& l : core.levels)
      stored = stored || std::count(l.operands.begin(), l.operands.end(), op);
    if (!stored)
      fail(source, memories.line, "memories",
           "missing operand " + op + ": no memory level stores it");
  }
  return core;
}

CoreFile read_core_file(const std::string& path) {
  return read_core(read_yaml_file(path, "a ZigZag core .yaml file"), path);
}

}  // namespace eesim::hw::yaml
