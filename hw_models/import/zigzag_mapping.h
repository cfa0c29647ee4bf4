#pragma once
// A ZigZag (or Stream) mapping file -> MappingFile: per entry ("default", an ONNX op type, or a
// layer name) its spatial mapping, memory operand links and Stream core allocation.
// Research notes section 1.5 (ZigZag) and 5.2 (Stream's extra keys).
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hw_models/import/zigzag_core.h"

namespace eesim::hw::yaml {

// Which memory operand holds which layer operand. ZigZag's default: O: O, I: I1, W: I2.
struct OperandLinks {
  std::string weights = "I2";
  std::string inputs = "I1";
  std::string outputs = "O";
  int line = 0;  // 0: the default, not written in a file
  bool operator==(const OperandLinks& o) const {
    return weights == o.weights && inputs == o.inputs && outputs == o.outputs;
  }
};

struct MappingEntry {
  std::string name;
  int line = 1;
  std::optional<SpatialMapping> spatial;
  std::optional<OperandLinks> links;
  std::vector<int64_t> core_allocation;  // Stream: core ids; empty when not given
  int core_allocation_line = 0;
};

struct MappingFile {
  std::string source;
  std::vector<MappingEntry> entries;  // file order; exactly one is named "default"
  std::set<std::string> dropped;      // keys read and dropped (temporal_ordering, tiling, ...)
  const MappingEntry& default_entry() const;
};

// Throws eesim::Error "FILE:LINE: KEY PATH: what" on unknown keys, a missing "default" entry,
// a bad "DIM, n" unroll, or links that are not a one-to-one map of W, I, O onto I1, I2, O.
MappingFile read_mapping_file(const std::string& path);
MappingFile read_mapping(const YamlNode& root, const std::string& source);

}  // namespace eesim::hw::yaml
