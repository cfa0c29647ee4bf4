#pragma once
// A validated, immutable chip description: what hw_models/arch_loader.cpp builds from a
// .textproto file (schema and units: hw_models/arch.proto). Plain value types (STYLE.md rule 2);
// nothing outside arch_loader.cpp and arch_validate.cpp sees the protobuf classes.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

namespace eesim::hw {

enum class Dataflow { kOs, kWs, kIs };
enum class DepthwiseMapping { kPerChannelGemm, kChannelsOnColumns };
std::string to_string(Dataflow d);          // "os", "ws", "is"
std::string to_string(DepthwiseMapping m);  // "per_channel_gemm", "channels_on_columns"

struct SystolicSpec {
  int64_t rows = 0;
  int64_t cols = 0;
  Dataflow dataflow = Dataflow::kOs;
  int64_t ifmap_sram_bytes = 0;
  int64_t filter_sram_bytes = 0;
  int64_t ofmap_sram_bytes = 0;
  int64_t word_bytes = 1;
  DepthwiseMapping depthwise_mapping = DepthwiseMapping::kPerChannelGemm;
  int64_t vector_lanes = 0;
  double mac_energy_pj = 0;
  double sram_energy_pj_per_byte = 0;
  double vector_op_energy_pj = 0;
  bool operator==(const SystolicSpec&) const = default;
};

struct EdgeTpuSpec {
  int64_t pes_x = 0;
  int64_t pes_y = 0;
  int64_t cores_per_pe = 0;
  int64_t lanes_per_core = 0;
  int64_t pe_memory_bytes = 0;
  int64_t core_memory_bytes = 0;
  int64_t word_bytes = 1;
  double mac_energy_pj = 0;
  double pe_memory_energy_pj_per_byte = 0;
  double core_memory_energy_pj_per_byte = 0;
  double vector_op_energy_pj = 0;
  int64_t pes() const { return pes_x * pes_y; }
  bool operator==(const EdgeTpuSpec&) const = default;
};

struct SimdSpec {
  int64_t lanes = 0;
  int64_t memory_bytes = 0;
  int64_t word_bytes = 1;
  double op_energy_pj = 0;
  double memory_energy_pj_per_byte = 0;
  bool operator==(const SimdSpec&) const = default;
};

using CoreParams = std::variant<SystolicSpec, EdgeTpuSpec, SimdSpec>;

struct CoreSpec {
  std::string name;
  int64_t x = 0;  // mesh column
  int64_t y = 0;  // mesh row
  double static_power_mw = 0;
  CoreParams params;
  // The registered cost-model name of this core's kind: "systolic", "edge_tpu", "simd".
  std::string kind() const;
  bool operator==(const CoreSpec&) const = default;
};

struct NocSpec {
  int64_t width = 1;
  int64_t height = 1;
  double link_bytes_per_cycle = 0;
  int64_t router_cycles = 0;
  int64_t link_cycles = 0;
  double energy_pj_per_byte_hop = 0;
  std::string kind = "xy_mesh";  // the registered NoC model (hw_models/noc.h)
  bool operator==(const NocSpec&) const = default;
};

struct DramSpec {
  std::string name;
  int64_t x = 0;
  int64_t y = 0;
  double bandwidth_bytes_per_cycle = 0;
  double energy_pj_per_byte = 0;
  bool operator==(const DramSpec&) const = default;
};

struct Architecture {
  std::string name;
  std::string source;  // file the description came from (for messages)
  double clock_mhz = 0;
  NocSpec noc;
  std::vector<CoreSpec> cores;
  std::vector<DramSpec> drams;

  // Index of the core with this name, or nullopt.
  std::optional<size_t> find_core(const std::string& name) const;
  // Wall time of `cycles` chip cycles, nanoseconds.
  double ns(double cycles) const { return cycles * 1000.0 / clock_mhz; }
  bool operator==(const Architecture&) const = default;
};

std::ostream& operator<<(std::ostream& os, const CoreSpec& c);
std::ostream& operator<<(std::ostream& os, const Architecture& a);

}  // namespace eesim::hw
