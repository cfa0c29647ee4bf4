#include "mapping/search.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <string>

#include "common/error.h"

namespace eesim::mapping {
namespace {

constexpr size_t kRuns[] = {1, 2, 4, 8};
// A 0.5% worse candidate is taken with p = 1/e at first: most moves of a good start are worse
// by a few percent, so a hotter start only wanders off (measured on the presets).
constexpr double kStartTemperature = 0.005;

// Puts layers [first, last) on `core`, unsplit. False when it changes nothing or a layer
// cannot run there.
bool place(Allocation& a, size_t first, size_t last, size_t core,
           const std::vector<std::vector<int64_t>>& cycles) {
  bool changed = false;
  for (size_t v = first; v < last; ++v) {
    if (cycles[v][core] == kUnsupported) return false;
    const bool split = !a.splits.empty() && a.splits[v].kind != SplitKind::kNone;
    changed = changed || split || a.core_of_layer[v] != core;
    a.core_of_layer[v] = core;
    if (!a.splits.empty()) a.splits[v] = {};
  }
  return changed;
}

// Gives layers [first, last) the split `s` (each must offer it). False when it changes nothing
// or a layer does not accept it.
bool split(Allocation& a, size_t first, size_t last, const LayerSplit& s,
           const SplitChoices& choices) {
  if (a.splits.empty()) a.splits.resize(a.core_of_layer.size());
  bool changed = false;
  for (size_t v = first; v < last; ++v) {
    const auto& offered = choices.of_layer[v];
    if (std::find(offered.begin(), offered.end(), s) == offered.end()) return false;
    changed = changed || !(a.splits[v] == s);
    a.splits[v] = s;
    a.core_of_layer[v] = s.cores.front();
  }
  return changed;
}

}  // namespace

SearchResult search_allocation(const Allocation& start,
                               const std::vector<std::vector<int64_t>>& cycles,
                               const std::function<double(const Allocation&)>& fitness,
                               const SearchOptions& options, const SplitChoices& splits) {
  SearchResult r{start, fitness(start), 0, 1, 0};
  r.start_fitness = r.best_fitness;
  r.start_method = start.method;
  r.best.method = "search (seed " + std::to_string(options.seed) + ")";
  const size_t layers = start.core_of_layer.size();
  const size_t cores = cycles.empty() ? 0 : cycles[0].size();
  if (layers == 0 || cores < 2) return r;
  const bool can_split = splits.of_layer.size() == layers;
  std::mt19937_64 rng(options.seed);
  const auto began = std::chrono::steady_clock::now();
  Allocation now = r.best;
  double now_fitness = r.best_fitness;
  const double scale = std::abs(r.start_fitness) > 0 ? std::abs(r.start_fitness) : 1.0;
  for (int64_t i = 0; i < options.iterations; ++i) {
    if (!options.progress.step("search moves", i, options.iterations))
      throw Interrupted("search stopped after " + std::to_string(i) + " of " +
                        std::to_string(options.iterations) + " moves (" +
                        std::to_string(r.evaluations) + " simulations, " +
                        std::to_string(r.improvements) + " improvements)");
    // The share of the budget spent: of the moves, or of the time when that runs out first.
    double spent = static_cast<double>(i) / static_cast<double>(options.iterations);
    if (options.seconds > 0) {
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
      if (elapsed >= options.seconds) {
        r.stopped_by_time = true;
        break;
      }
      spent = std::max(spent, elapsed / options.seconds);
    }
    r.moves = i + 1;
    const size_t first = std::uniform_int_distribution<size_t>(0, layers - 1)(rng);
    const size_t run = kRuns[std::uniform_int_distribution<size_t>(0, 3)(rng)];
    const size_t last = std::min(layers, first + run);
    Allocation candidate = now;
    bool moved = false;
    // Half the moves change splits when the layer offers any, the rest move layers whole.
    const auto& offered = can_split ? splits.of_layer[first] : std::vector<LayerSplit>{};
    if (!offered.empty() && std::uniform_int_distribution<int>(0, 1)(rng) == 1) {
      const size_t pick = std::uniform_int_distribution<size_t>(0, offered.size())(rng);
      moved = pick == offered.size()
                  ? place(candidate, first, last, candidate.core_of_layer[first], cycles)
                  : split(candidate, first, last, offered[pick], splits);
    } else {
      const size_t core = std::uniform_int_distribution<size_t>(0, cores - 1)(rng);
      moved = place(candidate, first, last, core, cycles);
    }
    if (!moved) continue;  // not a real move: no evaluation spent
    const double f = fitness(candidate);
    ++r.evaluations;
    const double temperature = kStartTemperature * (1.0 - spent);
    const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    if (f < now_fitness ||
        (temperature > 0 && u < std::exp(-(f - now_fitness) / (temperature * scale)))) {
      now = std::move(candidate);
      now_fitness = f;
      if (f < r.best_fitness) {
        r.best = now;
        r.best.method = "search (seed " + std::to_string(options.seed) + ")";
        r.best_fitness = f;
        ++r.improvements;
      }
    }
  }
  if (!r.best.is_split()) r.best.splits.clear();
  return r;
}

}  // namespace eesim::mapping
