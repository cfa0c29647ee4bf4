#pragma once
// A ZigZag core file (all three schema generations, README.md) read
// into one plain record in ZigZag's own terms: memory operands I1/I2/O, sizes and widths in
// bits, energies in pJ per full-width access. Converting to eesim's schema is
// spatial_array_build.h's job.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hw_models/import/yaml_tree.h"

namespace eesim::hw::yaml {

// One loop dimension over (part of) an array dimension: "K, 8".
struct Unroll {
  std::string loop;  // K, C, OX, OY, FX, FY, G, B
  int64_t factor = 1;
  int line = 1;
};
struct DimUnroll {
  std::string dim;  // "D1"
  int line = 1;
  std::vector<Unroll> unrolls;
};
// ZigZag's spatial_mapping (a mapping entry) or a core's dataflows: D1.. -> unrolls.
struct SpatialMapping {
  int line = 1;
  std::vector<DimUnroll> dims;
};

enum class PortKind { kRead, kWrite, kReadWrite };
struct PortUse {  // "I2, tl": which operand moves which way through a port
  std::string operand;
  std::string direction;  // fh, fl (writes), th, tl (reads)
  int line = 1;
};
struct MemPort {
  std::string name;
  PortKind kind = PortKind::kRead;
  int64_t read_max_bits = 0, read_min_bits = 0;    // 0 on a write port
  int64_t write_max_bits = 0, write_min_bits = 0;  // 0 on a read port
  std::vector<PortUse> uses;
  int line = 1;
};
struct MemLevel {
  std::string name;
  int line = 1;
  int64_t size_bits = 0;
  std::vector<std::string> operands;  // memory operands: I1, I2, O
  std::vector<std::string> served_dims;
  std::vector<MemPort> ports;
  double read_pj = 0, write_pj = 0;  // per full-width access
  std::string mem_type;              // "sram" unless given
};

struct CoreFile {
  std::string source;  // the file, for messages
  std::string name;
  std::string type;  // Stream gen C: "zigzag.compute", "zigzag.offchip", ...; may be empty
  std::vector<std::string> dims;
  std::vector<int64_t> sizes;
  int array_line = 1;
  double mac_energy_pj = 0;
  std::vector<MemLevel> levels;  // lowest first, as listed
  std::optional<SpatialMapping> dataflows;
  std::vector<std::string> operator_types;  // Stream gen C: the op types this core may run
  std::set<std::string> dropped;  // keys read and dropped (no meaning in eesim), as KEY PATHS
  int64_t macs() const;           // product of sizes
};

// Reads a core file. Throws eesim::Error "FILE:LINE: KEY PATH: what" on every problem a
// file can have (unknown or missing key, bad operand, port direction on the wrong port
// type, bandwidth_min > bandwidth_max, dims/sizes mismatch, an operand no level stores, an
// operand a level stores but no port serves, a served dimension not in the array).
CoreFile read_core_file(const std::string& path);
CoreFile read_core(const YamlNode& root, const std::string& source);

// Parses "DIM, n" unroll lists keyed by D1.. ; shared by core dataflows and mapping files.
SpatialMapping parse_spatial_mapping(const YamlNode& n, const std::string& source,
                                     const std::string& path);

// Port lists of one memory level (zigzag_ports.cpp): gen 1/2 per-operand direction maps or gen 3
// named ports. `level` has its operands already; `fields_path` names the level.
struct PortWidths {  // gen 1/2 widths from the level's own keys
  int64_t r_bw = 0, w_bw = 0;
  std::optional<int64_t> min_r, min_w;
  int64_t r_ports = 0, w_ports = 0, rw_ports = 0;
  int ports_line = 1;
};
void read_ports_gen12(const YamlNode& ports, const PortWidths& w, const std::string& source,
                      const std::string& path, MemLevel& level);
void read_ports_gen3(const YamlNode& ports, const std::string& source, const std::string& path,
                     MemLevel& level);

}  // namespace eesim::hw::yaml
