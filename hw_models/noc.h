#pragma once
// Pure costs of moving bytes: over the 2-D mesh (XY routing, wormhole) and to/from a DRAM port
// (DESIGN.md section 3). Contention (a transfer holding every link of its route) is the
// simulator's job; these are the uncontended figures it schedules with.
#include <compare>
#include <cstdint>
#include <vector>

#include "hw_models/architecture.h"

namespace eesim::hw {

struct Node {
  int64_t x = 0, y = 0;
  auto operator<=>(const Node&) const = default;
};

// A directed link between neighbouring mesh nodes.
struct Link {
  Node from, to;
  bool operator==(const Link&) const = default;
};

// Hops from a to b under XY routing: |dx| + |dy|.
int64_t hops(Node a, Node b);
// The links of the XY route from a to b: first along x, then along y (Dally & Towles,
// "Principles and Practices of Interconnection Networks", dimension-order routing).
std::vector<Link> xy_route(Node a, Node b);
// Uncontended latency of one transfer: hops * (router + link) + ceil(bytes / width), the
// serialisation paid once (wormhole). A 0-hop transfer (same node) costs nothing.
int64_t transfer_cycles(const NocSpec& noc, int64_t hop_count, int64_t bytes);
double transfer_energy_pj(const NocSpec& noc, int64_t hop_count, int64_t bytes);
// Cycles for `bytes` through a DRAM port at its sustained bandwidth.
int64_t dram_cycles(const DramSpec& dram, int64_t bytes);
double dram_energy_pj(const DramSpec& dram, int64_t bytes);
// The DRAM port nearest to a core (fewest hops; ties go to the first listed).
size_t nearest_dram(const Architecture& arch, size_t core_index);

}  // namespace eesim::hw
