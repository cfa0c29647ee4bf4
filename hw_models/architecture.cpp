// Architecture value types: names of enums and core kinds, lookup, and a deterministic dump
// (one line per item, every field, doubles in shortest round-trip form so two dumps compare
// equal exactly when the values do).
#include "hw_models/architecture.h"

#include "common/number_text.h"

namespace eesim::hw {
namespace {

std::string num(double v) { return shortest_text(v); }

void print(std::ostream& os, const SystolicSpec& s) {
  os << " rows=" << s.rows << " cols=" << s.cols << " dataflow=" << to_string(s.dataflow)
     << " ifmap_sram_bytes=" << s.ifmap_sram_bytes << " filter_sram_bytes=" << s.filter_sram_bytes
     << " ofmap_sram_bytes=" << s.ofmap_sram_bytes << " word_bytes=" << s.word_bytes
     << " depthwise_mapping=" << to_string(s.depthwise_mapping)
     << " vector_lanes=" << s.vector_lanes << " mac_energy_pj=" << num(s.mac_energy_pj)
     << " sram_energy_pj_per_byte=" << num(s.sram_energy_pj_per_byte)
     << " vector_op_energy_pj=" << num(s.vector_op_energy_pj);
}

void print(std::ostream& os, const EdgeTpuSpec& e) {
  os << " pes_x=" << e.pes_x << " pes_y=" << e.pes_y << " cores_per_pe=" << e.cores_per_pe
     << " lanes_per_core=" << e.lanes_per_core << " pe_memory_bytes=" << e.pe_memory_bytes
     << " core_memory_bytes=" << e.core_memory_bytes << " word_bytes=" << e.word_bytes
     << " mac_energy_pj=" << num(e.mac_energy_pj)
     << " pe_memory_energy_pj_per_byte=" << num(e.pe_memory_energy_pj_per_byte)
     << " core_memory_energy_pj_per_byte=" << num(e.core_memory_energy_pj_per_byte)
     << " vector_op_energy_pj=" << num(e.vector_op_energy_pj);
}

void print(std::ostream& os, const SimdSpec& s) {
  os << " lanes=" << s.lanes << " memory_bytes=" << s.memory_bytes << " word_bytes=" << s.word_bytes
     << " op_energy_pj=" << num(s.op_energy_pj)
     << " memory_energy_pj_per_byte=" << num(s.memory_energy_pj_per_byte);
}

}  // namespace

std::string to_string(Dataflow d) {
  switch (d) {
    case Dataflow::kOs:
      return "os";
    case Dataflow::kWs:
      return "ws";
    case Dataflow::kIs:
      return "is";
  }
  return "?";
}

std::string to_string(DepthwiseMapping m) {
  switch (m) {
    case DepthwiseMapping::kPerChannelGemm:
      return "per_channel_gemm";
    case DepthwiseMapping::kChannelsOnColumns:
      return "channels_on_columns";
  }
  return "?";
}

std::string CoreSpec::kind() const {
  // These strings are the cost models' registered names (arch.proto: the oneof field names).
  return std::visit(
      [](const auto& p) -> std::string {
        using T = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<T, SystolicSpec>)
          return "systolic";
        else if constexpr (std::is_same_v<T, EdgeTpuSpec>)
          return "edge_tpu";
        else {
          static_assert(std::is_same_v<T, SimdSpec>, "a new core kind needs its name here");
          return "simd";
        }
      },
      params);
}

std::optional<size_t> Architecture::find_core(const std::string& core_name) const {
  for (size_t i = 0; i < cores.size(); ++i)
    if (cores[i].name == core_name) return i;
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& os, const CoreSpec& c) {
  os << "core " << c.name << " (" << c.kind() << ") at (" << c.x << "," << c.y
     << ") static_power_mw=" << num(c.static_power_mw);
  std::visit([&os](const auto& p) { print(os, p); }, c.params);
  return os;
}

std::ostream& operator<<(std::ostream& os, const Architecture& a) {
  os << "architecture " << a.name << " (" << a.source << ") clock_mhz=" << num(a.clock_mhz) << "\n";
  const NocSpec& n = a.noc;
  os << "  noc " << n.width << "x" << n.height
     << " link_bytes_per_cycle=" << num(n.link_bytes_per_cycle)
     << " router_cycles=" << n.router_cycles << " link_cycles=" << n.link_cycles
     << " energy_pj_per_byte_hop=" << num(n.energy_pj_per_byte_hop) << "\n";
  for (const CoreSpec& c : a.cores) os << "  " << c << "\n";
  for (const DramSpec& d : a.drams)
    os << "  dram " << d.name << " at (" << d.x << "," << d.y
       << ") bandwidth_bytes_per_cycle=" << num(d.bandwidth_bytes_per_cycle)
       << " energy_pj_per_byte=" << num(d.energy_pj_per_byte) << "\n";
  return os;
}

}  // namespace eesim::hw
