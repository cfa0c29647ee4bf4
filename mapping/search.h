#pragma once
// A seeded local search over allocations whose fitness is supplied by the caller: eesim run
// passes the simulator itself (sim/ comes after mapping/, so the dependency is a callback).
#include <cstdint>
#include <functional>
#include <string>

#include "common/progress.h"
#include "mapping/allocation.h"

namespace eesim::mapping {

struct SearchOptions {
  uint64_t seed = 1;
  int64_t iterations = 200;  // moves tried (a move that changes nothing costs no evaluation)
  double seconds = 0;        // > 0: also stop after this long (the result then depends on speed)
  Progress progress;         // told of every move ("search moves"); may stop the search
};

// The splits a move may give each layer (mapping/split.h): per LayerId, every split over a
// group of identical cores that apply_splits accepts. Empty: moves never split.
struct SplitChoices {
  std::vector<std::vector<LayerSplit>> of_layer;
};

struct SearchResult {
  Allocation best;
  double best_fitness = 0;
  double start_fitness = 0;
  int64_t evaluations = 0;
  int64_t improvements = 0;
  int64_t moves = 0;              // moves tried (of options.iterations)
  bool stopped_by_time = false;   // options.seconds ran out before the moves did
  std::string start_method = {};  // the allocation it started from ("partition")
};

// Simulated annealing from `start` (Kirkpatrick, Gelatt and Vecchi, Science 220, 1983; lower
// fitness is better). Each step puts a random run of 1, 2, 4 or 8 consecutive layers on a random
// core that can run all of them, or (when `splits` offers any) gives such a run one split they
// all accept or takes their splits away. A better candidate is always taken; a worse one with
// probability exp(-(f - f_now) / (T * f_start)), the temperature T falling linearly from 0.005
// (search.cpp's kStartTemperature) to 0 over the iterations, or over `options.seconds` when that
// runs out first, so the search can leave a local minimum early and ends greedy. The best
// allocation seen is the result. `cycles` (from layer_cycles) says which cores can run
// which layers. The same seed gives the same result (unless `options.seconds` cuts it short).
// Throws eesim::Interrupted, saying how far it got, when `options.progress` stops it.
SearchResult search_allocation(const Allocation& start,
                               const std::vector<std::vector<int64_t>>& cycles,
                               const std::function<double(const Allocation&)>& fitness,
                               const SearchOptions& options, const SplitChoices& splits = {});

}  // namespace eesim::mapping
