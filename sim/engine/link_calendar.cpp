#include "sim/engine/link_calendar.h"

#include <algorithm>

namespace eesim::sim {
namespace {

using Window = std::pair<int64_t, int64_t>;

// The first live window (from `first`) that ends after t.
size_t first_ending_after(const std::vector<Window>& booked, size_t first, int64_t t) {
  // Windows are disjoint and sorted, so their ends are sorted too.
  return static_cast<size_t>(
      std::upper_bound(booked.begin() + static_cast<std::ptrdiff_t>(first), booked.end(), t,
                       [](int64_t v, const Window& w) { return v < w.second; }) -
      booked.begin());
}

// End of the first booked window overlapping [t, t + hold), or -1 when none does.
int64_t conflict_end(const std::vector<Window>& booked, size_t first, int64_t t, int64_t hold) {
  const size_t i = first_ending_after(booked, first, t);
  if (i < booked.size() && booked[i].first < t + hold) return booked[i].second;
  return -1;
}

// Books [start, end), free on these windows, merging it with the windows it touches.
void book(std::vector<Window>& booked, size_t first, int64_t start, int64_t end) {
  size_t i = first_ending_after(booked, first, start);  // windows before i end by start
  const bool joins_prev = i > first && booked[i - 1].second == start;
  const bool joins_next = i < booked.size() && booked[i].first == end;
  if (joins_prev && joins_next) {
    booked[i - 1].second = booked[i].second;
    booked.erase(booked.begin() + static_cast<std::ptrdiff_t>(i));
  } else if (joins_prev) {
    booked[i - 1].second = end;
  } else if (joins_next) {
    booked[i].first = start;
  } else {
    booked.insert(booked.begin() + static_cast<std::ptrdiff_t>(i), {start, end});
  }
}

}  // namespace

size_t LinkCalendar::id(const Resource& r) {
  const auto [it, added] = index_.try_emplace(r, windows_.size());
  if (added) windows_.emplace_back();
  return it->second;
}

std::vector<size_t> LinkCalendar::ids(const std::vector<Resource>& resources) {
  std::vector<size_t> out;
  out.reserve(resources.size());
  for (const Resource& r : resources) out.push_back(id(r));
  return out;
}

void LinkCalendar::prune(Windows& w) const {
  while (w.first < w.booked.size() && w.booked[w.first].second <= floor_) ++w.first;
  if (w.first > 32 && 2 * w.first > w.booked.size()) {
    w.booked.erase(w.booked.begin(), w.booked.begin() + static_cast<std::ptrdiff_t>(w.first));
    w.first = 0;
  }
}

int64_t LinkCalendar::reserve(std::span<const size_t> ids, int64_t ready, int64_t hold_cycles) {
  if (hold_cycles <= 0) return ready;
  for (size_t r : ids) prune(windows_[r]);
  int64_t t = ready;
  for (bool moved = true; moved;) {  // each move passes a booked window, so this ends
    moved = false;
    for (size_t r : ids) {
      const int64_t end = conflict_end(windows_[r].booked, windows_[r].first, t, hold_cycles);
      if (end >= 0) t = end, moved = true;
    }
  }
  for (size_t r : ids) {
    Windows& w = windows_[r];
    book(w.booked, w.first, t, t + hold_cycles);
    w.total_cycles += hold_cycles;
  }
  return t;
}

int64_t LinkCalendar::busy_cycles(const Resource& r) const {
  const auto it = index_.find(r);
  return it == index_.end() ? 0 : windows_[it->second].total_cycles;
}

std::vector<LinkCalendar::Resource> route_resources(const std::vector<hw::Link>& route) {
  std::vector<LinkCalendar::Resource> out;
  for (const hw::Link& l : route) out.push_back(LinkCalendar::link(l));
  return out;
}

}  // namespace eesim::sim
