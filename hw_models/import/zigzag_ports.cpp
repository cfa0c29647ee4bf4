// A ZigZag memory level's ports -> MemPort list, from either port syntax (README.md): gen 1/2 "one
// map per operand, direction -> r_port_N / w_port_N / rw_port_N" with the level's r_bw/w_bw, or gen
// 3 named ports with their own bandwidth_min/max and allocation. Directions (ZigZag's
// accelerator_factory.py): fh, fl write into the level; th, tl read out.
#include <algorithm>
#include <map>
#include <regex>

#include "hw_models/import/yaml_fields.h"
#include "hw_models/import/zigzag_core.h"

namespace eesim::hw::yaml {
namespace {

const std::vector<std::string> kDirections = {"fh", "tl", "fl", "th"};
bool is_read(const std::string& dir) { return dir == "th" || dir == "tl"; }

// A read direction needs a port that reads, a write direction one that writes.
void check_direction(const MemPort& p, const PortUse& u, const std::string& source,
                     const std::string& path) {
  if (is_read(u.direction) && p.kind == PortKind::kWrite)
    fail(source, u.line, path,
         "read direction '" + u.direction + "' of " + u.operand + " on write port '" + p.name +
             "' (th, tl read out of the level; use a read or read_write port)");
  if (!is_read(u.direction) && p.kind == PortKind::kRead)
    fail(source, u.line, path,
         "write direction '" + u.direction + "' of " + u.operand + " on read port '" + p.name +
             "' (fh, fl write into the level; use a write or read_write port)");
}

void check_operand_stored(const MemLevel& level, const std::string& operand, int line,
                          const std::string& source, const std::string& path) {
  if (std::find(level.operands.begin(), level.operands.end(), operand) == level.operands.end())
    fail(
        source, line,
        path, "operand '" + operand + "' is not one this level stores (operands: " + [&] {
          std::string s;
          for (const auto& o : level.operands) s += (s.empty() ? "" : ", ") + o;
          return s;
        }() + ")");
}

}  // namespace

void read_ports_gen12(const YamlNode& ports, const PortWidths& w, const std::string& source,
                      const std::string& path, MemLevel& level) {
  if (ports.kind != YamlNode::Kind::kList)
    fail(source, ports.line, path, "expected a list with one map per operand");
  if (ports.items.size() != level.operands.size())
    fail(source, w.ports_line, path,
         "has " + std::to_string(ports.items.size()) + " entries for " +
             std::to_string(level.operands.size()) + " operands (one map per operand, in order)");
  static const std::regex kName("^(r|w|rw)_port_[0-9]+$");
  std::map<std::string, size_t> index;  // port name -> position in level.ports
  for (size_t i = 0; i < ports.items.size(); ++i) {
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    const Fields f(ports.items[i], source, item_path);
    f.allow_only(kDirections);
    for (const YamlEntry& e : f.entries()) {
      const std::string port = to_text(e.value, source, f.path_of(e.key));
      if (!std::regex_match(port, kName))
        f.fail_key(e, "port '" + port + "' must be named r_port_N, w_port_N or rw_port_N");
      auto [it, added] = index.emplace(port, level.ports.size());
      if (added) {
        MemPort p;
        p.name = port;
        p.line = e.line;
        p.kind = port.rfind("rw_", 0) == 0  ? PortKind::kReadWrite
                 : port.rfind("r_", 0) == 0 ? PortKind::kRead
                                            : PortKind::kWrite;
        if (p.kind != PortKind::kWrite) {
          p.read_max_bits = w.r_bw;
          p.read_min_bits = w.min_r.value_or(w.r_bw);
        }
        if (p.kind != PortKind::kRead) {
          p.write_max_bits = w.w_bw;
          p.write_min_bits = w.min_w.value_or(w.w_bw);
        }
        level.ports.push_back(p);
      }
      MemPort& p = level.ports[it->second];
      p.uses.push_back(PortUse{level.operands[i], e.key, e.line});
      check_direction(p, p.uses.back(), source, f.path_of(e.key));
    }
  }
  int64_t counts[3] = {0, 0, 0};
  for (const MemPort& p : level.ports) ++counts[static_cast<int>(p.kind)];
  const char* names[3] = {"r_port", "w_port", "rw_port"};
  const int64_t declared[3] = {w.r_ports, w.w_ports, w.rw_ports};
  for (int k = 0; k < 3; ++k)
    if (counts[k] != declared[k])
      fail(source, w.ports_line, path,
           "names " + std::to_string(counts[k]) + " " + names[k] + "_N port(s) but " + names[k] +
               " is " + std::to_string(declared[k]));
}

void read_ports_gen3(const YamlNode& ports, const std::string& source, const std::string& path,
                     MemLevel& level) {
  if (ports.kind != YamlNode::Kind::kList)
    fail(source, ports.line, path, "expected a list of named ports");
  static const std::regex kUse("^(I1|I2|O), *(fh|tl|fl|th)$");
  for (size_t i = 0; i < ports.items.size(); ++i) {
    const Fields f(ports.items[i], source, path + "[" + std::to_string(i) + "]");
    f.allow_only({"name", "type", "bandwidth_min", "bandwidth_max", "allocation"});
    MemPort p;
    p.name = f.text("name");
    p.line = f.line();
    const std::string type = f.text("type");
    if (type == "read")
      p.kind = PortKind::kRead;
    else if (type == "write")
      p.kind = PortKind::kWrite;
    else if (type == "read_write")
      p.kind = PortKind::kReadWrite;
    else
      f.fail_key(*f.find("type"),
                 "unknown port type '" + type + "' (expected one of: read, write, read_write)");
    const int64_t max_bits = f.int64("bandwidth_max");
    const int64_t min_bits = f.int64_or("bandwidth_min").value_or(max_bits);
    if (max_bits <= 0) f.fail_key(*f.find("bandwidth_max"), "must be > 0");
    if (min_bits <= 0) f.fail_key(*f.find("bandwidth_min"), "must be > 0");
    if (min_bits > max_bits)
      f.fail_key(*f.find("bandwidth_min"), "bandwidth_min " + std::to_string(min_bits) +
                                               " > bandwidth_max " + std::to_string(max_bits));
    if (p.kind != PortKind::kWrite) p.read_max_bits = max_bits, p.read_min_bits = min_bits;
    if (p.kind != PortKind::kRead) p.write_max_bits = max_bits, p.write_min_bits = min_bits;
    const YamlEntry* alloc = f.find("allocation");  // absent or empty: the port serves nothing
    const std::string alloc_path = f.path_of("allocation");
    if (alloc != nullptr && alloc->value.kind != YamlNode::Kind::kList &&
        alloc->value.kind != YamlNode::Kind::kNull)
      f.fail_key(*alloc, "expected a list of \"OPERAND, DIRECTION\" strings");
    for (size_t j = 0; alloc != nullptr && j < alloc->value.items.size(); ++j) {
      const YamlNode& item = alloc->value.items[j];
      const std::string item_path = alloc_path + "[" + std::to_string(j) + "]";
      const std::string text = to_text(item, source, item_path);
      std::smatch m;
      if (!std::regex_match(text, m, kUse))
        fail(source, item.line, item_path,
             "'" + text + "' is not \"OPERAND, DIRECTION\" with OPERAND one of I1, I2, O and " +
                 "DIRECTION one of fh, tl, fl, th");
      PortUse u{m[1], m[2], item.line};
      check_operand_stored(level, u.operand, item.line, source, item_path);
      check_direction(p, u, source, item_path);
      p.uses.push_back(u);
    }
    level.ports.push_back(p);
  }
}

}  // namespace eesim::hw::yaml
