#pragma once
// What one scenario's simulation runs, computed before any SystemC exists (pure): each
// computation node with its core, cost and priority, and each dependency with the bytes it
// moves and the route it takes.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "hw_models/architecture.h"
#include "hw_models/cost.h"
#include "hw_models/cost_cache.h"
#include "mapping/allocation.h"
#include "mapping/cn_graph.h"
#include "sim/plan/scenarios.h"

namespace eesim::sim {

enum class ExitPolicy {
  kWait,       // backbone work past a branch point waits for the exit's decision
  kSpeculate,  // it runs on; when the exit fires, running work is cancelled, queued work dropped
};

struct PlanEdge {
  size_t from = 0;    // index into Plan::nodes
  int64_t bytes = 0;  // data moved (0 for control and gate edges)
  // Edges from one node with the same key >= 0 carry the same data to consumers on several
  // cores (the parts of one band of a layer split by output channels, each reading every input
  // channel): the engine sends it once, down the union of the routes (a multicast tree).
  int64_t multicast = -1;
  bool operator==(const PlanEdge&) const = default;
};

struct PlanNode {
  mapping::CnId cn = 0;
  workloads::LayerId layer = 0;
  size_t core = 0;
  int64_t compute_cycles = 0;
  int64_t dram_bytes = 0;  // its own DRAM traffic (weights, spills, graph inputs)
  int64_t out_bytes = 0;   // the band it writes, held on its core until read by all
  hw::EnergyPj energy;     // of the node itself, by kind: its dynamic energy is the total
  int64_t macs = 0;
  // Smaller runs first among ready nodes of one core: fused stacks go band by band (depth
  // first: (first layer of the stack, band, layer)), other layers in topological order
  // ((layer, 0, 0)). A fixed array: a plan of a thousand nodes is cut once per scenario.
  std::array<int64_t, 3> priority{};
  std::vector<PlanEdge> inputs;  // nodes that must finish (and whose data must arrive) first
  bool operator==(const PlanNode&) const = default;
};

struct Plan {
  std::vector<PlanNode> nodes;                 // topological
  std::vector<int64_t> resident_weight_bytes;  // per core: weights kept there across inferences
  std::vector<size_t> end_nodes;  // the scenario ends when all of these (its end layer) finish
  // Per node, its place in the order (PlanNode::priority, node index), as make_plan cuts it
  // from PlanTables::rank (any order-preserving numbers do: a ready queue only compares them).
  // Empty in a plan built by hand: the engine then ranks the nodes itself.
  std::vector<size_t> rank;
};

// "CN '/layer2/conv/Conv' rows 4-7 (band 1)": a plan node as a user knows it (watchdog reports).
std::string describe_plan_node(const workloads::Workload& w, const mapping::CnGraph& g,
                               const Plan& plan, size_t node);

// What every scenario's plan of one mapping shares, computed once per evaluation: weight
// residency, and each CN's node (core, cost, bytes, priority) with its data inputs (`from` as a
// CnId, to be renumbered per plan). A network with four exits and a thousand CNs was costed,
// sized and ranked four times over, once per scenario.
struct PlanTables {
  mapping::Residency residency;
  std::vector<PlanNode> nodes;  // per CnId
  std::vector<Gate> gates;      // wait_gates(w)
  // Per CnId, its place in the order (priority, CnId): sorted once per evaluation, not once per
  // scenario. A plan keeps its CNs in CnId order, so these ranks order its nodes as
  // (priority, node index) does.
  std::vector<size_t> rank;
};
PlanTables plan_tables(const workloads::Workload& w, const mapping::CnGraph& g,
                       const mapping::Allocation& alloc, const hw::Architecture& arch,
                       hw::CostCache& cache);

// One scenario's plan, cut from `tables` (of the same w, g and allocation).
Plan make_plan(const PlanTables& tables, const workloads::Workload& w, const mapping::CnGraph& g,
               const Scenario& scenario, ExitPolicy policy);
// The same, building the tables for this one plan.
Plan make_plan(const workloads::Workload& w, const mapping::CnGraph& g,
               const mapping::Allocation& alloc, const hw::Architecture& arch, hw::CostCache& cache,
               const Scenario& scenario, ExitPolicy policy);

}  // namespace eesim::sim
