#pragma once
// `eesim inspect MODEL --arch ARCH`: per-layer costs on each core kind of a chip, each kind's
// layer-by-layer total, and the chip's roofline lower bound, as JSON fields or a table.
#include <ostream>
#include <vector>

#include "common/json_writer.h"
#include "hw_models/architecture.h"
#include "hw_models/network_estimate.h"
#include "workloads/workload.h"

namespace eesim::tools {

struct ArchCosts {
  const hw::Architecture* arch = nullptr;
  std::vector<hw::CoreEstimate> kinds;  // one per core kind: its first core, in file order
  hw::Roofline roofline;
};

ArchCosts analyze_on_arch(const workloads::Workload& w, const hw::Architecture& arch);
// The "costs" object of one layer: {kind: {core, compute_cycles, utilization, sram, ...}}.
void write_layer_costs_json(JsonWriter& j, const ArchCosts& costs, workloads::LayerId v);
// The "arch", "estimates" and "roofline" members of the report.
void write_arch_json(JsonWriter& j, const ArchCosts& costs);
void print_costs_table(const workloads::Workload& w, const ArchCosts& costs, std::ostream& out);

}  // namespace eesim::tools
