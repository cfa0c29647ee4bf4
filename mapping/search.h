#pragma once
// A seeded local search over allocations whose fitness is supplied by the caller: eesim run
// passes the simulator itself (sim/ comes after mapping/, so the dependency is a callback).
#include <cstdint>
#include <functional>

#include "common/progress.h"
#include "mapping/allocation.h"

namespace eesim::mapping {

struct SearchOptions {
  uint64_t seed = 1;
  int64_t iterations = 200;  // moves tried (a move that changes nothing costs no evaluation)
  Progress progress;         // told of every move ("search moves"); may stop the search
};

struct SearchResult {
  Allocation best;
  double best_fitness = 0;
  double start_fitness = 0;
  int64_t evaluations = 0;
  int64_t improvements = 0;
};

// Hill climbing from `start` (lower fitness is better): each step moves a random run of 1, 2, 4
// or 8 consecutive layers to a random core that can run all of them, and keeps the move when
// the fitness drops. `cycles` (from layer_cycles) says which cores can run which layers. The
// same seed gives the same result. Throws eesim::Interrupted, saying how far it got, when
// `options.progress` stops it.
SearchResult search_allocation(const Allocation& start,
                               const std::vector<std::vector<int64_t>>& cycles,
                               const std::function<double(const Allocation&)>& fitness,
                               const SearchOptions& options);

}  // namespace eesim::mapping
