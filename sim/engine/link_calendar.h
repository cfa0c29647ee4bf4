#pragma once
// Contention on shared resources (DESIGN.md section 3): a transfer holds every link of its route
// for its serialisation time and starts at the earliest window free on all of them; a DRAM
// port is a resource of the same kind. Pure bookkeeping; the SystemC shells ask it for times.
#include <cstdint>
#include <map>
#include <span>
#include <utility>
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

  // A resource's dense index in this calendar (given on first sight): a caller that books the
  // same route many times looks its ids up once and books by id.
  size_t id(const Resource& r);
  std::vector<size_t> ids(const std::vector<Resource>& resources);

  // Earliest start >= ready at which [start, start + hold_cycles) is free on every resource;
  // books that window on all of them and returns start. hold_cycles 0 books nothing.
  int64_t reserve(std::span<const size_t> ids, int64_t ready, int64_t hold_cycles);
  int64_t reserve(const std::vector<Resource>& resources, int64_t ready, int64_t hold_cycles) {
    return reserve(ids(resources), ready, hold_cycles);
  }
  // The caller promises no later reserve asks for a start before `cycle` (a simulation's clock
  // only moves forward): windows that end by then are forgotten, which keeps the searches short.
  void forget_before(int64_t cycle) { floor_ = cycle; }
  // Cycles booked on a resource so far (forgotten windows included).
  int64_t busy_cycles(const Resource& r) const;

 private:
  // Per resource: booked windows [start, end), disjoint, sorted, adjacent ones merged; those
  // before `first` ended by the floor and are dead (compacted now and then).
  struct Windows {
    std::vector<std::pair<int64_t, int64_t>> booked;
    size_t first = 0;
    int64_t total_cycles = 0;
  };
  std::map<Resource, size_t> index_;
  std::vector<Windows> windows_;
  int64_t floor_ = 0;
  void prune(Windows& w) const;
};

std::vector<LinkCalendar::Resource> route_resources(const std::vector<hw::Link>& route);

}  // namespace eesim::sim
