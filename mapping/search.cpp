#include "mapping/search.h"

#include <random>
#include <string>

#include "common/error.h"

namespace eesim::mapping {

SearchResult search_allocation(const Allocation& start,
                               const std::vector<std::vector<int64_t>>& cycles,
                               const std::function<double(const Allocation&)>& fitness,
                               const SearchOptions& options) {
  SearchResult r{start, fitness(start), 0, 1, 0};
  r.start_fitness = r.best_fitness;
  r.best.method = "search (seed " + std::to_string(options.seed) + ")";
  const size_t layers = start.core_of_layer.size();
  const size_t cores = cycles.empty() ? 0 : cycles[0].size();
  if (layers == 0 || cores < 2) return r;
  std::mt19937_64 rng(options.seed);
  constexpr size_t kRuns[] = {1, 2, 4, 8};
  for (int64_t i = 0; i < options.iterations; ++i) {
    if (!options.progress.step("search moves", i, options.iterations))
      throw Interrupted("search stopped after " + std::to_string(i) + " of " +
                        std::to_string(options.iterations) + " moves (" +
                        std::to_string(r.evaluations) + " simulations, " +
                        std::to_string(r.improvements) + " improvements)");
    const size_t first = std::uniform_int_distribution<size_t>(0, layers - 1)(rng);
    const size_t run = kRuns[std::uniform_int_distribution<size_t>(0, 3)(rng)];
    const size_t core = std::uniform_int_distribution<size_t>(0, cores - 1)(rng);
    const size_t last = std::min(layers, first + run);
    Allocation candidate = r.best;
    bool changed = false, runnable = true;
    for (size_t v = first; v < last; ++v) {
      runnable = runnable && cycles[v][core] != kUnsupported;
      changed = changed || candidate.core_of_layer[v] != core;
      candidate.core_of_layer[v] = core;
    }
    if (!runnable || !changed) continue;  // not a real move: no evaluation spent
    const double f = fitness(candidate);
    ++r.evaluations;
    if (f < r.best_fitness) {
      r.best = std::move(candidate);
      r.best_fitness = f;
      ++r.improvements;
    }
  }
  return r;
}

}  // namespace eesim::mapping
