#pragma once
// Runs one scenario's plan on SystemC models of the chip's cores, with mesh links and DRAM
// ports as contended resources, and returns what happened.
#include <cstdint>
#include <string>
#include <vector>

#include "hw_models/architecture.h"
#include "hw_models/noc.h"
#include "sim/plan.h"

namespace eesim::sim {

struct NodeTiming {
  int64_t start = -1;  // cycle the node started on its core (-1: never)
  int64_t end = -1;    // cycle it finished (-1: not finished; cancelled when start >= 0)
  bool operator==(const NodeTiming&) const = default;
};

// One mesh transfer: it held the links of its route from `start` for its serialisation and
// reached the consumer's core at `arrive`.
struct Transfer {
  size_t from_node = 0, to_node = 0;  // plan nodes
  int64_t start = 0, arrive = 0, bytes = 0;
  std::vector<hw::Link> route;
  bool operator==(const Transfer&) const = default;
};

// Bytes held on a core's memory from `cycle` on: resident weights, bands written and not yet
// read by all their consumers, and bands received from other cores until their reader ends.
struct MemorySample {
  int64_t cycle = 0;
  size_t core = 0;
  int64_t bytes = 0;
  bool operator==(const MemorySample&) const = default;
};

struct ScenarioRun {
  int64_t latency_cycles = 0;     // input available -> the end layer's output written
  double dynamic_energy_pj = 0;   // finished nodes, plus cancelled ones pro rata
  double noc_energy_pj = 0;
  double static_energy_pj = 0;    // every core's static power over the latency
  double energy_pj() const { return dynamic_energy_pj + noc_energy_pj + static_energy_pj; }
  std::vector<int64_t> core_busy_cycles;
  int64_t noc_bytes = 0;
  int64_t dram_bytes = 0;
  std::vector<NodeTiming> nodes;  // per plan node
  std::vector<Transfer> transfers;
  std::vector<MemorySample> memory;             // in time order
  std::vector<int64_t> core_peak_memory_bytes;  // per core, at most its on-chip bytes
  // Bytes that did not fit a core's memory when they arrived: written to DRAM and read back,
  // both on the core's nearest port (occupying it) and charged in dram energy.
  int64_t spilled_bytes = 0;
  bool operator==(const ScenarioRun&) const = default;
};

// Deterministic: the same plan and chip give the same run. Creates and destroys its own
// SystemC kernel (sim/kernel.h).
ScenarioRun run_plan(const Plan& plan, const hw::Architecture& arch);

}  // namespace eesim::sim
