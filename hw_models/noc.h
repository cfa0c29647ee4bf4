#pragma once
// The on-chip network: which links a transfer between two nodes holds, and what it costs
// (DESIGN.md section 3). Implementations are registered by kind name; the architecture's
// `noc.kind` picks one. Contention (a transfer holding every link of its route) is the
// simulator's job; these are the uncontended figures it schedules with. Nothing outside an
// implementation computes or inverts its formulas: callers ask for each figure.
#include <compare>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "hw_models/architecture.h"

namespace eesim::hw {

// A node of the chip's grid: where a core or a DRAM port attaches.
struct Node {
  int64_t x = 0, y = 0;
  auto operator<=>(const Node&) const = default;
};

// A directed link between two nodes; a transfer holding it excludes every other from it. A bus
// (NoC kind "links") is one link for all its members: from == to == bus_node(its index), a node
// off the grid, so the simulator's calendar books it as one resource.
struct Link {
  Node from, to;
  bool operator==(const Link&) const = default;
};

// The pseudo-node standing for bus `index` (NocSpec::buses), (-1 - index, -1); and the bus a
// link is, or -1 when it is a point-to-point link.
inline Node bus_node(size_t index) { return {-1 - static_cast<int64_t>(index), -1}; }
inline int64_t bus_of(const Link& l) {
  return l.from == l.to && l.from.y == -1 && l.from.x < 0 ? -1 - l.from.x : -1;
}

class Noc {
 public:
  virtual ~Noc() = default;
  // The links a transfer from `from` to `to` holds, in the order it crosses them; empty when
  // from == to. Deterministic; its size is the transfer's hop count.
  virtual std::vector<Link> route(Node from, Node to) const = 0;
  // Cycles the head of a transfer takes from `from` to `to` (routers and wires along the
  // route), paid once per transfer whatever its size, on top of its hold time; 0 when
  // from == to.
  virtual int64_t pipeline_cycles(Node from, Node to) const = 0;
  // Cycles a transfer of `bytes` from `from` to `to` holds every link of its route
  // (serialisation); 0 for no bytes or from == to. At most kMaxCycles for a valid spec, or it
  // throws eesim::Error.
  virtual int64_t hold_cycles(Node from, Node to, int64_t bytes) const = 0;
  // Energy of moving `bytes` from `from` to `to`, pJ; 0 when from == to.
  virtual double energy_pj(Node from, Node to, int64_t bytes) const = 0;
  // Uncontended latency of a transfer between the two closest distinct nodes: the mean
  // communication cost HEFT ranks layers by (mapping/allocation.cpp). 0 for no bytes.
  virtual int64_t neighbour_transfer_cycles(int64_t bytes) const = 0;
  // Energy of moving `bytes` over `branch`, the links route(from, to) adds past where it leaves a
  // multicast tree (a suffix of that route), pJ; 0 for an empty branch. The default holds when
  // energy adds up along a route and routes from one source share prefixes:
  // energy_pj(from, to) - energy_pj(from, branch.front().from).
  virtual double branch_energy_pj(Node from, Node to, const std::vector<Link>& branch,
                                  int64_t bytes) const;

  // Uncontended latency of one transfer: pipeline plus hold (the hold is paid once: wormhole).
  int64_t transfer_cycles(Node from, Node to, int64_t bytes) const;
};

// Builds a NoC from the architecture's spec: one per simulation or estimate, not shared.
using NocFactory = std::unique_ptr<Noc> (*)(const NocSpec& spec);

// Registers a NoC kind (its name in the architecture file's `noc.kind`). A new NoC is one file
// implementing `Noc` plus one line: `register_noc` at namespace scope in that file (tests), or
// in noc_registry.cpp's table (kinds built into the library). A kind registered twice throws.
bool register_noc(const std::string& kind, NocFactory factory);
// The NoC of `spec.kind`; an unknown kind throws eesim::Error listing the registered kinds.
std::unique_ptr<Noc> make_noc(const NocSpec& spec);
std::vector<std::string> noc_kinds();  // sorted

// The DRAM port nearest to a core: fewest hops over the architecture's NoC (ties go to the first
// listed).
size_t nearest_dram(const Architecture& arch, size_t core_index);
// The same over `noc`, a NoC built from arch.noc (callers asking for many cores build it once).
size_t nearest_dram(const Architecture& arch, const Noc& noc, size_t core_index);

}  // namespace eesim::hw
