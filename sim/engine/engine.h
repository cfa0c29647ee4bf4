#pragma once
// Runs plans on SystemC models of the chip's cores, with NoC links and DRAM ports as contended
// resources, and returns what happened. One input (one scenario's plan, `run_plan`) or a stream
// of inputs that overlap on the cores (`run_inputs`, DESIGN.md section 5 "Streams").
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "common/progress.h"
#include "hw_models/architecture.h"
#include "hw_models/noc.h"
#include "sim/engine/stuck_report.h"
#include "sim/plan/plan.h"

namespace eesim::sim {

// Per LayerId, the cores whose model can run the layer: bit c for core c (chips of up to 64
// cores; an empty table on larger ones).
using RunsOn = std::vector<uint64_t>;

struct NodeTiming {
  int64_t start = -1;  // cycle the node started on its core (-1: never)
  int64_t end = -1;    // cycle it finished (-1: not finished; cancelled when start >= 0)
  bool operator==(const NodeTiming&) const = default;
};

// One NoC transfer: it held the links of its route over [start, start + hold_cycles) (its
// serialisation, hw::Noc::hold_cycles) and reached the consumer's core at `arrive` (after the
// NoC's pipeline latency on top). A multicast (PlanEdge::multicast) records one per destination,
// all with the same start and hold; `route` lists only the links its branch adds to the tree
// (the first destination's whole route, then what each later one does not share), so every
// link of the tree appears once.
struct Transfer {
  size_t from_node = 0, to_node = 0;  // plan nodes
  int64_t start = 0, arrive = 0, bytes = 0;
  std::vector<hw::Link> route;
  int64_t hold_cycles = 0;
  double energy_pj = 0;  // the NoC energy charged for it: that of the links `route` lists
  bool operator==(const Transfer&) const = default;
};

// One booking of a DRAM port over [start, start + hold_cycles): a node's own traffic (weights,
// graph inputs: PlanNode::dram_bytes) from when it started on its core or, the port busy, later;
// or a spill (hw::OnChipMemory: written out and read back) from when the bytes that did not fit
// arrived on the core. Bookings of one port never overlap (the link calendar's windows).
struct DramAccess {
  size_t node = 0;  // plan node: the one whose traffic it is, or whose band spilled
  size_t port = 0;  // index into Architecture::drams
  int64_t start = 0, hold_cycles = 0;
  int64_t bytes = 0;  // the traffic it carries: a spill's twice what spilled (out and back)
  bool spill = false;
  bool operator==(const DramAccess&) const = default;
};

// Bytes held on a core's memory from `cycle` on: resident weights, bands written and not yet
// read by all their consumers, and bands received from other cores until their reader ends.
struct MemorySample {
  int64_t cycle = 0;
  size_t core = 0;
  int64_t bytes = 0;
  bool operator==(const MemorySample&) const = default;
};

// What an input was charged for one plan node, so its energy can be told by layer and core
// (sim/studies/energy_attribution.h): its dynamic_energy_pj is the sum over nodes of
// share * PlanNode::energy.total() + spill_pj, its noc_energy_pj the sum of noc_pj.
struct NodeCharge {
  double share = 0;  // of the node's own energy: 1 finished, pro rata cancelled, 0 dropped
  // DRAM energy of what spilled on its core when its band was written there, or when a band it
  // reads arrived there from another core.
  double spill_pj = 0;
  double noc_pj = 0;  // its sends over the NoC
  bool operator==(const NodeCharge&) const = default;
};

struct ScenarioRun {
  int64_t latency_cycles = 0;    // input available -> the end layer's output written
  double dynamic_energy_pj = 0;  // finished nodes, plus cancelled ones pro rata
  double noc_energy_pj = 0;
  double static_energy_pj = 0;  // every core's static power over the latency
  double energy_pj() const { return dynamic_energy_pj + noc_energy_pj + static_energy_pj; }
  std::vector<int64_t> core_busy_cycles;  // cancelled nodes count until they were cancelled
  int64_t noc_bytes = 0;
  int64_t dram_bytes = 0;
  std::vector<NodeTiming> nodes;    // per plan node
  std::vector<NodeCharge> charges;  // per plan node
  std::vector<Transfer> transfers;
  std::vector<DramAccess> dram;                 // in booking order
  std::vector<MemorySample> memory;             // in time order
  std::vector<int64_t> core_peak_memory_bytes;  // per core, at most its on-chip bytes
  // Bytes that did not fit a core's memory when they arrived: written to DRAM and read back,
  // both on the core's nearest port (occupying it) and charged in dram energy
  // (hw::OnChipMemory decides).
  int64_t spilled_bytes = 0;
  // Cycles during which a node was ready but waited for its busy core while another core
  // that can run its layer sat idle (counted when run_plan is given `runs_on`).
  int64_t idle_while_waiting_cycles = 0;
  bool operator==(const ScenarioRun&) const = default;
};

// Deterministic: the same plan and chip give the same run. Creates and destroys its own
// SystemC kernel (sim/kernel.h). Work still running when the end layer finishes is cancelled
// (its energy charged pro rata); queued work is dropped.
// `runs_on`, when given, lets the run count idle_while_waiting_cycles.
ScenarioRun run_plan(const Plan& plan, const hw::Architecture& arch,
                     const NodeNamer& describe_node = {}, const RunsOn* runs_on = nullptr);

// --- Streams -------------------------------------------------------------------------------

struct StreamInput {
  const Plan* plan = nullptr;  // the scenario this input takes (its sampled exit)
  int64_t arrival_cycles = 0;  // when it is available; inputs are given in arrival order
};

struct EngineOptions {
  // Inputs admitted but not finished, at most; a later input waits for a slot (0: no limit).
  int64_t max_in_flight = 0;
  // The first this-many inputs keep their node timings and transfers, and memory samples are
  // kept until that many inputs have finished (bounded memory for long streams).
  size_t record_inputs = std::numeric_limits<size_t>::max();
  // The watchdog's activation budget; 0 computes one no finite run exceeds (tests set it).
  int64_t max_activations = 0;
  // Names plan nodes in the watchdog's report (default: "plan node N (layer L, CN C)").
  NodeNamer describe_node;
  // Told of every finished input ("inputs", finished, total); returning false stops the run,
  // which then throws eesim::Interrupted.
  Progress progress;
  // Per LayerId, the cores that can run the layer. When set (and not empty), the run counts
  // the cycles cores sat idle while a node they could run waited for its busy core
  // (StreamRun::idle_while_waiting_cycles); must outlive the run.
  const RunsOn* runs_on = nullptr;
};

struct InputRun {
  int64_t arrival_cycles = 0;
  int64_t admitted_cycles = 0;      // >= arrival: when a slot (max_in_flight) let it in
  int64_t done_cycles = 0;          // its end layer's output written
  double dynamic_energy_pj = 0;     // its nodes (cancelled ones pro rata) and its spills
  double noc_energy_pj = 0;         // its transfers
  std::vector<NodeTiming> nodes;    // per plan node, when recorded
  std::vector<NodeCharge> charges;  // per plan node, when recorded
  std::vector<Transfer> transfers;  // when recorded
  std::vector<DramAccess> dram;     // when recorded
  bool operator==(const InputRun&) const = default;
};

struct StreamRun {
  std::vector<InputRun> inputs;
  std::vector<int64_t> core_busy_cycles;
  std::vector<int64_t> core_peak_memory_bytes;
  std::vector<MemorySample> memory;
  int64_t noc_bytes = 0, dram_bytes = 0, spilled_bytes = 0;
  int64_t end_cycles = 0;  // the last input's done
  // Cycles during which at least one admitted node was ready (all its inputs arrived) but
  // waited for its busy core while another core that can run its layer (EngineOptions::runs_on)
  // was idle: time a better allocation could have used. 0 without runs_on.
  int64_t idle_while_waiting_cycles = 0;
  bool operator==(const StreamRun&) const = default;
};

// Inputs overlap on the cores: every core runs its ready node of the earliest input first
// (first come, first served), and an input's later work fills cores an earlier input leaves
// idle. When an input's end layer finishes, its other work is cancelled and its memory freed,
// so an early exit frees cores for the inputs behind it. `resident_weight_bytes` (per core)
// stay on chip throughout. Deterministic.
// A run that cannot make progress (a node whose inputs never arrive, no event left, or the
// watchdog's activation or 2^53-cycle limit reached) throws Error naming the stuck nodes; it
// never hangs. A run its progress callback stops throws eesim::Interrupted naming the inputs
// finished. Memory never blocks a node: what does not fit spills to DRAM (see `spilled_bytes`).
StreamRun run_inputs(const std::vector<StreamInput>& inputs,
                     const std::vector<int64_t>& resident_weight_bytes,
                     const hw::Architecture& arch, const EngineOptions& options = {});

}  // namespace eesim::sim
