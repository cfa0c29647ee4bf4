#include "sim/engine/link_calendar.h"

#include <algorithm>

namespace eesim::sim {
namespace {

// End of the first booked window overlapping [t, t + hold), or -1 when none does.
int64_t conflict_end(const std::map<int64_t, int64_t>& windows, int64_t t, int64_t hold) {
  auto it = windows.upper_bound(t);
  if (it != windows.begin()) {
    auto prev = std::prev(it);
    if (prev->second > t) return prev->second;
  }
  if (it != windows.end() && it->first < t + hold) return it->second;
  return -1;
}

// Books [start, end), free in `windows`, merged with the windows it touches: back-to-back
// transfers make one window, so later searches pass them in one step.
void book(std::map<int64_t, int64_t>& windows, int64_t start, int64_t end) {
  auto next = windows.lower_bound(start);
  if (next != windows.end() && next->first == end) {
    end = next->second;
    next = windows.erase(next);
  }
  if (next != windows.begin()) {
    auto prev = std::prev(next);
    if (prev->second == start) {
      prev->second = end;
      return;
    }
  }
  windows.emplace_hint(next, start, end);
}

}  // namespace

int64_t LinkCalendar::reserve(const std::vector<Resource>& resources, int64_t ready,
                              int64_t hold_cycles) {
  if (hold_cycles <= 0) return ready;
  int64_t t = ready;
  for (bool moved = true; moved;) {  // each move passes a booked window, so this ends
    moved = false;
    for (const Resource& r : resources) {
      auto it = booked_.find(r);
      if (it == booked_.end()) continue;
      const int64_t end = conflict_end(it->second, t, hold_cycles);
      if (end >= 0) t = end, moved = true;
    }
  }
  for (const Resource& r : resources) book(booked_[r], t, t + hold_cycles);
  return t;
}

int64_t LinkCalendar::busy_cycles(const Resource& r) const {
  auto it = booked_.find(r);
  if (it == booked_.end()) return 0;
  int64_t total = 0;
  for (const auto& [start, end] : it->second) total += end - start;
  return total;
}

std::vector<LinkCalendar::Resource> route_resources(const std::vector<hw::Link>& route) {
  std::vector<LinkCalendar::Resource> out;
  for (const hw::Link& l : route) out.push_back(LinkCalendar::link(l));
  return out;
}

}  // namespace eesim::sim
