#pragma once
// Contention on shared resources (DESIGN.md section 3): a transfer holds every link of its route
// for its serialisation time and starts at the earliest window free on all of them; a DRAM
// port is a resource of the same kind. Pure bookkeeping; the SystemC shells ask it for times.
#include <cstdint>
#include <map>
#include <vector>

#include "hw_models/noc.h"

namespace eesim::sim {

class LinkCalendar {
 public:
  // A resource: a directed NoC link, or a DRAM port (from == to == the port's node, port >= 0).
  struct Resource {
    hw::Node from, to;
    int64_t port = -1;
    auto operator<=>(const Resource&) const = default;
  };
  static Resource link(const hw::Link& l) { return {l.from, l.to, -1}; }
  static Resource dram_port(int64_t index) { return {{}, {}, index}; }

  // Earliest start >= ready at which [start, start + hold_cycles) is free on every resource;
  // books that window on all of them and returns start. hold_cycles 0 books nothing.
  int64_t reserve(const std::vector<Resource>& resources, int64_t ready, int64_t hold_cycles);
  // Cycles booked on a resource so far.
  int64_t busy_cycles(const Resource& r) const;

 private:
  // Per resource: booked windows, start -> end, disjoint.
  std::map<Resource, std::map<int64_t, int64_t>> booked_;
};

// The resources of a transfer's route (hw::Noc::route).
std::vector<LinkCalendar::Resource> route_resources(const std::vector<hw::Link>& route);

}  // namespace eesim::sim
