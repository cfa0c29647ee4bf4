#pragma once
// One ZigZag core (CoreFile) -> one eesim schema::Core: kind spatial_array (array dimensions
// with their unrolling, memory levels in eesim units, operands named by the memory operand
// links), or kind simd for a Stream pooling/SIMD core. Every conversion that loses or assumes
// something appends a sentence to `notes`.
#include <string>
#include <utility>
#include <vector>

#include "arch.pb.h"
#include "hw_models/import/zigzag_core.h"
#include "hw_models/import/zigzag_mapping.h"

namespace eesim::hw::yaml {

// Where a core's unrolling comes from: the default entry's spatial mapping (or the core file's
// dataflows) and one per other op type; `source` is the file that wrote them, for errors.
struct Unrollings {
  const SpatialMapping* dims = nullptr;  // nullptr: every array dimension idles
  std::string source;
  std::vector<std::pair<std::string, const SpatialMapping*>> per_op;  // op type -> mapping
  std::string per_op_source;
};

// The level that is the chip's DRAM: the top (last listed) level, when it stores I1, I2 and O,
// serves every array dimension, and is off chip (mem_type dram, or "dram" in its name, as in
// ZigZag's and Stream's files); nullptr when there is none.
const MemLevel* offchip_level(const CoreFile& core);

// The dram block's figures from an off-chip level: bandwidth = its read width / 8 (bytes per
// cycle), energy = r_cost / (read width / 8) (pJ per byte). `notes` says so.
struct DramFacts {
  double bytes_per_cycle = 0;
  double pj_per_byte = 0;
};
DramFacts dram_facts(const CoreFile& core, const MemLevel& level, std::vector<std::string>& notes);

// `name` is the eesim core name. Throws eesim::Error "FILE:LINE: KEY PATH: what" for an unroll
// naming no array dimension or larger than its dimension, a zero-sized array dimension, a
// level without a read or write port, or widths beyond the schema's bounds.
schema::Core spatial_array_core(const CoreFile& core, const std::string& name,
                                const Unrollings& unrollings, const OperandLinks& links,
                                std::vector<std::string>& notes);

// A simd core: lanes = the array's MAC count, memory = every level's instances, op energy = the
// MAC energy, memory energy = the largest level's r_cost per byte of its read width.
schema::Core simd_core(const CoreFile& core, const std::string& name,
                       std::vector<std::string>& notes);

}  // namespace eesim::hw::yaml
