// CoreFile -> schema::Core. Units: ZigZag's bits stay bits in the spatial_array kind (its
// fields are in bits), and become bytes only for the dram block and simd cores. Port detail the
// schema cannot hold (which operand and direction uses which of several ports) is dropped with
// a note; a level keeps its widest read and write and whether one port does both.
#include "hw_models/import/spatial_array_build.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <limits>

#include "common/checked_math.h"
#include "hw_models/import/yaml_fields.h"

namespace eesim::hw::yaml {
namespace {

using SA = schema::SpatialArray;

SA::LoopDim loop_dim(const std::string& loop) {
  SA::LoopDim d = SA::K;
  SA::LoopDim_Parse(loop, &d);  // parse_spatial_mapping checked the name
  return d;
}

bool stores_all(const MemLevel& l) {
  for (const char* op : {"I1", "I2", "O"})
    if (std::find(l.operands.begin(), l.operands.end(), op) == l.operands.end()) return false;
  return true;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

int32_t bits_field(int64_t bits, const std::string& source, int line, const std::string& path) {
  if (bits <= 0) fail(source, line, path, "has no port for this direction");
  if (bits > (int64_t{1} << 20))
    fail(source, line, path, std::to_string(bits) + " bits per cycle is beyond 2^20");
  return static_cast<int32_t>(bits);
}

// Fills `out` with the array dimensions' unrolls, checking each against the array.
void add_unrolls(
    const CoreFile& core, const SpatialMapping& m, const std::string& source,
    const std::string& what,
    const std::function<google::protobuf::RepeatedPtrField<SA::Unroll>*(size_t)>& out) {
  for (const DimUnroll& d : m.dims) {
    const auto at = std::find(core.dims.begin(), core.dims.end(), d.dim);
    if (at == core.dims.end())
      fail(source, d.line, what + "." + d.dim,
           "'" + d.dim + "' is not an array dimension of core '" + core.name + "'");
    const size_t i = static_cast<size_t>(at - core.dims.begin());
    int64_t product = 1;
    for (const Unroll& u : d.unrolls) {
      product = checked_mul(product, u.factor, "unroll");
      SA::Unroll* x = out(i)->Add();
      x->set_loop(loop_dim(u.loop));
      if (u.factor > core.sizes[i])
        fail(source, u.line, what + "." + d.dim,
             "unroll " + u.loop + " " + std::to_string(u.factor) +
                 " is larger than array dimension " + d.dim + " (size " +
                 std::to_string(core.sizes[i]) + ")");
      x->set_factor(static_cast<int32_t>(u.factor));
    }
    if (product > core.sizes[i])
      fail(source, d.line, what + "." + d.dim,
           "unrolls multiply to " + std::to_string(product) + ", larger than array dimension " +
               d.dim + " (size " + std::to_string(core.sizes[i]) + ")");
  }
}

SA::Operand layer_operand(const std::string& memory_operand, const OperandLinks& links) {
  if (memory_operand == links.weights) return SA::WEIGHTS;
  if (memory_operand == links.inputs) return SA::INPUTS;
  return SA::OUTPUTS;
}

void add_level(const CoreFile& core, const MemLevel& l, bool offchip, const OperandLinks& links,
               SA& sa, std::vector<std::string>& notes) {
  SA::MemoryLevel* m = sa.add_level();
  m->set_name(l.name);
  m->set_size_bits(l.size_bits);
  for (const std::string& op : l.operands) m->add_operand(layer_operand(op, links));
  for (const std::string& d : l.served_dims) m->add_served_dim(d);
  int64_t read = 0, write = 0, min_access = 0;
  int n_read = 0, n_write = 0, n_rw = 0;
  for (const MemPort& p : l.ports) {
    read = std::max(read, p.read_max_bits);
    write = std::max(write, p.write_max_bits);
    n_read += p.kind == PortKind::kRead;
    n_write += p.kind == PortKind::kWrite;
    n_rw += p.kind == PortKind::kReadWrite;
    for (auto [lo, hi] : {std::pair{p.read_min_bits, p.read_max_bits},
                          std::pair{p.write_min_bits, p.write_max_bits}})
      if (lo > 0 && lo < hi) min_access = min_access == 0 ? lo : std::min(min_access, lo);
  }
  const std::string path = "memories." + l.name;
  m->set_read_bits_per_cycle(bits_field(read, core.source, l.line, path + " (read)"));
  m->set_write_bits_per_cycle(bits_field(write, core.source, l.line, path + " (write)"));
  if (min_access > 0) m->set_min_access_bits(static_cast<int32_t>(min_access));
  m->set_read_energy_pj(l.read_pj);
  m->set_write_energy_pj(l.write_pj);
  m->set_shared_port(n_read == 0 && n_write == 0 && n_rw == 1);
  if (offchip) m->set_offchip(true);
  const bool plain =
      (n_rw == 1 && l.ports.size() == 1) || (n_read == 1 && n_write == 1 && n_rw == 0);
  if (!plain)
    notes.push_back(core.name + "." + l.name + ": " + std::to_string(l.ports.size()) + " ports (" +
                    std::to_string(n_read) + " read, " + std::to_string(n_write) + " write, " +
                    std::to_string(n_rw) + " read_write) kept as one read width and one write " +
                    "width; which operand uses which port is not kept");
}

}  // namespace

const MemLevel* offchip_level(const CoreFile& core) {
  if (core.levels.empty()) return nullptr;
  const MemLevel& top = core.levels.back();
  const bool dram =
      lower(top.mem_type) == "dram" || lower(top.name).find("dram") != std::string::npos;
  if (!dram || !stores_all(top)) return nullptr;
  for (const std::string& d : core.dims)
    if (std::find(top.served_dims.begin(), top.served_dims.end(), d) == top.served_dims.end())
      return nullptr;
  return &top;
}

DramFacts dram_facts(const CoreFile& core, const MemLevel& level, std::vector<std::string>& notes) {
  int64_t read = 0, write = 0;
  for (const MemPort& p : level.ports) {
    read = std::max(read, p.read_max_bits);
    write = std::max(write, p.write_max_bits);
  }
  if (read <= 0)
    fail(core.source, level.line, "memories." + level.name, "the off-chip level has no read port");
  DramFacts f{static_cast<double>(read) / 8.0, level.read_pj / (static_cast<double>(read) / 8.0)};
  notes.push_back(
      "dram: " + core.source + " level " + level.name + ", " + std::to_string(read) +
      " bits/cycle read -> bandwidth_bytes_per_cycle " + format_number(f.bytes_per_cycle) +
      ", r_cost per byte -> energy_pj_per_byte " + format_number(f.pj_per_byte) +
      (write != read ? " (its write width, " + std::to_string(write) + " bits, differs)" : ""));
  return f;
}

schema::Core spatial_array_core(const CoreFile& core, const std::string& name, const Unrollings& u,
                                const OperandLinks& links, std::vector<std::string>& notes) {
  schema::Core c;
  c.set_name(name);
  SA& sa = *c.mutable_spatial_array();
  for (size_t i = 0; i < core.dims.size(); ++i) {
    if (core.sizes[i] <= 0 || core.sizes[i] > (int64_t{1} << 20))
      fail(core.source, core.array_line, "operational_array.sizes",
           "array dimension " + core.dims[i] + " of size " + std::to_string(core.sizes[i]) +
               " (a MAC array needs sizes in 1..2^20)");
    SA::ArrayDim* d = sa.add_dim();
    d->set_name(core.dims[i]);
    d->set_size(static_cast<int32_t>(core.sizes[i]));
  }
  sa.set_mac_energy_pj(core.mac_energy_pj);
  if (u.dims != nullptr)
    add_unrolls(core, *u.dims, u.source, u.source == core.source ? "dataflows" : "spatial_mapping",
                [&](size_t i) { return sa.mutable_dim(static_cast<int>(i))->mutable_unroll(); });
  else
    notes.push_back(name + ": no spatial mapping or dataflows given: every array dimension idles");
  for (const auto& [op, m] : u.per_op) {
    SA::OpUnroll* o = sa.add_op_unroll();
    o->set_op(op);
    for (const std::string& d : core.dims) o->add_dim()->set_name(d);
    add_unrolls(core, *m, u.per_op_source, op + ".spatial_mapping",
                [&](size_t i) { return o->mutable_dim(static_cast<int>(i))->mutable_unroll(); });
  }
  const MemLevel* off = offchip_level(core);
  for (const MemLevel& l : core.levels) add_level(core, l, &l == off, links, sa, notes);
  if (off == nullptr) {
    sa.set_layer_io(SA::ON_CHIP);
    notes.push_back(name + ": no off-chip level in " + core.source +
                    ", so layer_io: ON_CHIP (activations start and end in its top level)");
  }
  return c;
}

schema::Core simd_core(const CoreFile& core, const std::string& name,
                       std::vector<std::string>& notes) {
  schema::Core c;
  c.set_name(name);
  schema::Simd& s = *c.mutable_simd();
  const int64_t lanes = core.macs();
  if (lanes <= 0 || lanes > (int64_t{1} << 20))
    fail(core.source, core.array_line, "operational_array.sizes",
         "a simd core needs 1..2^20 lanes (the array's MAC count), got " + std::to_string(lanes));
  s.set_lanes(static_cast<int32_t>(lanes));
  int64_t bits = 0;
  const MemLevel* largest = nullptr;
  for (const MemLevel& l : core.levels) {
    int64_t instances = 1;
    for (size_t i = 0; i < core.dims.size(); ++i)
      if (std::find(l.served_dims.begin(), l.served_dims.end(), core.dims[i]) ==
          l.served_dims.end())
        instances = checked_mul(instances, std::max<int64_t>(core.sizes[i], 1), "instances");
    bits = checked_add(bits, checked_mul(l.size_bits, instances, "memory bits"), "memory bits");
    if (largest == nullptr || l.size_bits > largest->size_bits) largest = &l;
  }
  s.set_memory_bytes(std::max<int64_t>(bits / 8, 1));
  s.set_op_energy_pj(core.mac_energy_pj);
  int64_t read = 0;
  for (const MemPort& p : largest->ports) read = std::max(read, p.read_max_bits);
  if (read > 0)
    s.set_memory_energy_pj_per_byte(largest->read_pj / (static_cast<double>(read) / 8.0));
  notes.push_back(name + ": a pooling/SIMD core, imported as simd: lanes " + std::to_string(lanes) +
                  " (its MAC count), memory " + std::to_string(s.memory_bytes()) +
                  " bytes (all levels), op energy = its unit energy, memory energy = " +
                  largest->name + "'s r_cost per byte");
  return c;
}

}  // namespace eesim::hw::yaml
