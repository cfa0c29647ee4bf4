// The rules of arch.proto that protobuf's text parser does not enforce: required keys, value
// ranges, placement on the mesh, unique names. Each failure names file, line and key path.
#include "hw_models/arch_validate.h"

#include <google/protobuf/descriptor.h>

#include <cassert>
#include <cctype>
#include <cmath>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/number_text.h"
#include "hw_models/noc.h"

namespace eesim::hw {
namespace {

namespace pb = google::protobuf;
using ParseInfoTree = pb::TextFormat::ParseInfoTree;

// Shortest round-trip text of a value for messages ("0.5", "nan", "-inf", "12").
template <typename T>
std::string show(T v) {
  return shortest_text(v);
}

// One message block in the file: how messages name it, and where its keys are. Keys the file
// does not write (defaults) and blocks protobuf recorded no location for report the enclosing
// block's line, so every message still points into the file.
struct Scope {
  const std::string* source;
  std::string label;   // "core[1] (name 'sa0')"; empty at the root
  std::string prefix;  // key-path prefix inside the label: "systolic.", "noc."
  const pb::Message* msg;
  const ParseInfoTree* tree;  // nullptr when protobuf recorded none
  int line;                   // 1-based line of the block's key; 1 for the root

  const pb::FieldDescriptor* field(const char* key) const {
    const pb::FieldDescriptor* f = msg->GetDescriptor()->FindFieldByName(key);
    assert(f != nullptr && "a key this file names is missing from arch.proto");
    return f;
  }
  int line_at(const pb::FieldDescriptor* f, int index) const {
    if (tree == nullptr) return line;
    const int l = tree->GetLocation(f, f->is_repeated() ? index : -1).line;
    return l >= 0 ? l + 1 : line;
  }
  int line_of(const char* key) const { return line_at(field(key), 0); }
  std::string key_path(const std::string& key) const {
    return label.empty() ? prefix + key : label + " " + prefix + key;
  }
  std::string block_path() const {
    std::string p = prefix.empty() ? "" : prefix.substr(0, prefix.size() - 1);
    return label.empty() || p.empty() ? label + p : label + " " + p;
  }
  std::string at(int l) const { return *source + ":" + std::to_string(l) + ": "; }
  [[noreturn]] void fail_key(const char* key, const std::string& what) const {
    throw Error(at(line_of(key)) + key_path(key) + ": " + what);
  }
  [[noreturn]] void fail_block(const std::string& what) const {
    const std::string p = block_path();
    throw Error(at(line) + (p.empty() ? "" : p + ": ") + what);
  }
  // The block of message field `key` (index into a repeated field, ignored for a singular one).
  Scope child(const char* key, int index, const pb::Message& m, std::string child_label,
              std::string child_prefix) const {
    const pb::FieldDescriptor* f = field(key);
    const int i = f->is_repeated() ? index : -1;
    return Scope{source,
                 std::move(child_label),
                 std::move(child_prefix),
                 &m,
                 tree ? tree->GetTreeForNested(f, i) : nullptr,
                 line_at(f, index)};
  }
};

// arch.proto's rule, read from the schema itself so a new field is covered without code here:
// a singular field without [default] is required, and a oneof needs exactly one member set
// (protobuf's parser already rejects two).
void require_keys(const Scope& s) {
  const pb::Descriptor* d = s.msg->GetDescriptor();
  const pb::Reflection* r = s.msg->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    if (f->is_repeated() || f->has_default_value() || f->containing_oneof() != nullptr) continue;
    if (!r->HasField(*s.msg, f)) s.fail_block("missing required key '" + f->name() + "'");
  }
  for (int i = 0; i < d->oneof_decl_count(); ++i) {
    const pb::OneofDescriptor* o = d->oneof_decl(i);
    if (r->HasOneof(*s.msg, o)) continue;
    std::string names;
    for (int j = 0; j < o->field_count(); ++j) names += (j ? ", " : "") + o->field(j)->name();
    std::string type = d->name();
    for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    s.fail_block("missing " + type + " " + o->name() + ": give one of " + names);
  }
}

// Value of `key` must be > 0 (kPositive) or >= 0 (kNonNegative); doubles must also be finite.
enum class Bound { kPositive, kNonNegative };

// Ceilings far beyond any edge chip. A value above one is a typo or a unit slip, and would push
// costs past what eesim computes exactly (2^53 cycles, common/limits.h) or energies to inf.
constexpr double kMaxCount = 1 << 20;          // PEs, lanes, array rows, mesh side, cycles
constexpr double kMaxBytes = 1099511627776.0;  // 2^40: a memory, or bytes per cycle
constexpr double kMaxEnergyPj = 1e9;           // per operation, byte or byte-hop: 1 mJ
constexpr double kMaxPowerMw = 1e9;            // 1 MW

// The ceiling of a key, by what its name says it counts.
double ceiling(std::string_view key) {
  if (key == "word_bytes") return 64;
  if (key.find("energy") != std::string_view::npos) return kMaxEnergyPj;
  if (key.find("power") != std::string_view::npos) return kMaxPowerMw;
  if (key.find("bytes") != std::string_view::npos) return kMaxBytes;
  return kMaxCount;
}

template <typename T>
void check(const Scope& s, const char* key, T v, Bound bound) {
  const double max = ceiling(key);
  if constexpr (std::is_floating_point_v<T>)
    if (!std::isfinite(v)) s.fail_key(key, "must be a finite number, got " + show(v));
  if (bound == Bound::kPositive && !(v > 0)) s.fail_key(key, "must be > 0, got " + show(v));
  if (bound == Bound::kNonNegative && !(v >= 0)) s.fail_key(key, "must be >= 0, got " + show(v));
  if (static_cast<double>(v) > max)
    s.fail_key(key, "must be <= " + show(max) + " (beyond any edge chip), got " + show(v));
}

void check_noc(const Scope& s, const schema::Noc& n) {
  require_keys(s);
  check(s, "width", n.width(), Bound::kPositive);
  check(s, "height", n.height(), Bound::kPositive);
  check(s, "link_bytes_per_cycle", n.link_bytes_per_cycle(), Bound::kPositive);
  check(s, "router_cycles", n.router_cycles(), Bound::kNonNegative);
  check(s, "link_cycles", n.link_cycles(), Bound::kNonNegative);
  check(s, "energy_pj_per_byte_hop", n.energy_pj_per_byte_hop(), Bound::kNonNegative);
  std::string kinds;
  for (const std::string& k : noc_kinds()) {
    if (k == n.kind()) return;
    kinds += (kinds.empty() ? "" : ", ") + k;
  }
  s.fail_key("kind", "unknown NoC kind '" + n.kind() + "' (registered: " + kinds + ")");
}

void check_systolic(const Scope& s, const schema::Systolic& p) {
  require_keys(s);
  for (auto [key, v] : {std::pair{"rows", int64_t{p.rows()}},
                        {"cols", p.cols()},
                        {"ifmap_sram_bytes", p.ifmap_sram_bytes()},
                        {"filter_sram_bytes", p.filter_sram_bytes()},
                        {"ofmap_sram_bytes", p.ofmap_sram_bytes()},
                        {"word_bytes", p.word_bytes()}})
    check(s, key, v, Bound::kPositive);
  check(s, "vector_lanes", p.vector_lanes(), Bound::kNonNegative);
  check(s, "mac_energy_pj", p.mac_energy_pj(), Bound::kNonNegative);
  check(s, "sram_energy_pj_per_byte", p.sram_energy_pj_per_byte(), Bound::kNonNegative);
  check(s, "vector_op_energy_pj", p.vector_op_energy_pj(), Bound::kNonNegative);
}

void check_edge_tpu(const Scope& s, const schema::EdgeTpu& p) {
  require_keys(s);
  for (auto [key, v] : {std::pair{"pes_x", int64_t{p.pes_x()}},
                        {"pes_y", p.pes_y()},
                        {"cores_per_pe", p.cores_per_pe()},
                        {"lanes_per_core", p.lanes_per_core()},
                        {"pe_memory_bytes", p.pe_memory_bytes()},
                        {"core_memory_bytes", p.core_memory_bytes()},
                        {"word_bytes", p.word_bytes()}})
    check(s, key, v, Bound::kPositive);
  for (auto [key, v] : {std::pair{"mac_energy_pj", p.mac_energy_pj()},
                        {"pe_memory_energy_pj_per_byte", p.pe_memory_energy_pj_per_byte()},
                        {"core_memory_energy_pj_per_byte", p.core_memory_energy_pj_per_byte()},
                        {"vector_op_energy_pj", p.vector_op_energy_pj()}})
    check(s, key, v, Bound::kNonNegative);
}

void check_simd(const Scope& s, const schema::Simd& p) {
  require_keys(s);
  check(s, "lanes", p.lanes(), Bound::kPositive);
  check(s, "memory_bytes", p.memory_bytes(), Bound::kPositive);
  check(s, "word_bytes", p.word_bytes(), Bound::kPositive);
  check(s, "op_energy_pj", p.op_energy_pj(), Bound::kNonNegative);
  check(s, "memory_energy_pj_per_byte", p.memory_energy_pj_per_byte(), Bound::kNonNegative);
}

// A core or DRAM port must sit on a node of the width x height mesh.
void check_on_mesh(const Scope& s, int x, int y, const schema::Noc& noc) {
  const std::string where = "node (" + std::to_string(x) + "," + std::to_string(y) +
                            ") is off the " + std::to_string(noc.width()) + "x" +
                            std::to_string(noc.height()) + " mesh";
  if (x < 0 || x >= noc.width())
    s.fail_key("x", where + " (x must be in [0," + std::to_string(noc.width()) + "))");
  if (y < 0 || y >= noc.height())
    s.fail_key("y", where + " (y must be in [0," + std::to_string(noc.height()) + "))");
}

std::string item_label(const char* kind, int i, const std::string& name) {
  std::string label = std::string(kind) + "[" + std::to_string(i) + "]";
  return name.empty() ? label : label + " (name '" + name + "')";
}

// Checks one core or DRAM port in isolation; returns its scope for the cross checks.
Scope check_core(const Scope& root, const schema::Architecture& a, int i) {
  const schema::Core& c = a.core(i);
  const Scope s = root.child("core", i, c, item_label("core", i, c.name()), "");
  require_keys(s);
  if (c.name().empty()) s.fail_key("name", "must not be empty");
  check(s, "static_power_mw", c.static_power_mw(), Bound::kNonNegative);
  check_on_mesh(s, c.x(), c.y(), a.noc());
  switch (c.kind_case()) {
    case schema::Core::kSystolic:
      check_systolic(s.child("systolic", 0, c.systolic(), s.label, "systolic."), c.systolic());
      break;
    case schema::Core::kEdgeTpu:
      check_edge_tpu(s.child("edge_tpu", 0, c.edge_tpu(), s.label, "edge_tpu."), c.edge_tpu());
      break;
    case schema::Core::kSimd:
      check_simd(s.child("simd", 0, c.simd(), s.label, "simd."), c.simd());
      break;
    case schema::Core::KIND_NOT_SET:
      break;  // require_keys has thrown
  }
  return s;
}

Scope check_dram(const Scope& root, const schema::Architecture& a, int i) {
  const schema::Dram& d = a.dram(i);
  const Scope s = root.child("dram", i, d, item_label("dram", i, d.name()), "");
  require_keys(s);
  if (d.name().empty()) s.fail_key("name", "must not be empty");
  check(s, "bandwidth_bytes_per_cycle", d.bandwidth_bytes_per_cycle(), Bound::kPositive);
  check(s, "energy_pj_per_byte", d.energy_pj_per_byte(), Bound::kNonNegative);
  check_on_mesh(s, d.x(), d.y(), a.noc());
  return s;
}

// Names are one namespace over cores and DRAM ports; a node holds at most one core and at most
// one DRAM port (a core and a port may share it). The maps remember who claimed each first.
struct Claims {
  std::map<std::string, const Scope*> names;
  std::map<std::pair<int, int>, const Scope*> core_nodes, dram_nodes;

  static std::string who(const Scope& s) {
    return s.label.substr(0, s.label.find(' ')) + " at line " + std::to_string(s.line);
  }
  void claim(const Scope& s, const std::string& name, int x, int y, bool is_core) {
    auto [n, fresh_name] = names.emplace(name, &s);
    if (!fresh_name)
      s.fail_key("name", "duplicate name '" + name + "' (also " + who(*n->second) + ")");
    auto& nodes = is_core ? core_nodes : dram_nodes;
    auto [o, fresh_node] = nodes.emplace(std::pair{x, y}, &s);
    if (!fresh_node)
      s.fail_key("x", "node (" + std::to_string(x) + "," + std::to_string(y) + ") already holds " +
                          o->second->label + " from line " + std::to_string(o->second->line) +
                          (is_core ? "; one core per mesh node" : "; one DRAM port per mesh node"));
  }
};

}  // namespace

void validate_architecture(const schema::Architecture& a, const ParseInfoTree& tree,
                           const std::string& source) {
  const Scope root{&source, "", "", &a, &tree, 1};
  require_keys(root);
  if (a.name().empty()) root.fail_key("name", "must not be empty");
  check(root, "clock_mhz", a.clock_mhz(), Bound::kPositive);
  if (a.clock_mhz() < 1e-3)  // slower than 1 kHz: a cycle would be over a millisecond
    root.fail_key("clock_mhz", "must be >= 0.001 (1 kHz), got " + show(a.clock_mhz()));
  check_noc(root.child("noc", 0, a.noc(), "", "noc."), a.noc());
  if (a.core_size() == 0)
    root.fail_block("at least one core is required (add a core { ... } block)");
  if (a.dram_size() == 0)
    root.fail_block(
        "at least one dram port: inputs, outputs and spilled data live in DRAM "
        "(add a dram { ... } block)");
  std::vector<Scope> cores, drams;
  for (int i = 0; i < a.core_size(); ++i) cores.push_back(check_core(root, a, i));
  for (int i = 0; i < a.dram_size(); ++i) drams.push_back(check_dram(root, a, i));
  Claims claims;
  for (int i = 0; i < a.core_size(); ++i)
    claims.claim(cores[i], a.core(i).name(), a.core(i).x(), a.core(i).y(), true);
  for (int i = 0; i < a.dram_size(); ++i)
    claims.claim(drams[i], a.dram(i).name(), a.dram(i).x(), a.dram(i).y(), false);
}

}  // namespace eesim::hw
