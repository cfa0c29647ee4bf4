#include "sim/studies/mapping_quality.h"

#include <algorithm>
#include <bit>
#include <climits>

#include "common/checked_math.h"
#include "common/error.h"
#include "hw_models/core_model.h"
#include "hw_models/datapath.h"
#include "hw_models/network_estimate.h"
#include "hw_models/tile.h"

namespace eesim::sim {
namespace {

using workloads::LayerId;

int64_t elems(const std::vector<workloads::TensorRef>& tensors) {
  constexpr std::string_view kWhat = "graph input and output elements";
  int64_t n = 0;
  for (const auto& t : tensors) n = checked_add(n, checked_product(t.shape, kWhat), kWhat);
  return n;
}

// Per core, the first core of the chip with the same kind and parameters (itself if none):
// their cost models answer alike for compute cycles and support.
std::vector<size_t> same_model(const hw::Architecture& arch) {
  std::vector<size_t> first(arch.cores.size());
  for (size_t c = 0; c < arch.cores.size(); ++c) {
    first[c] = c;
    for (size_t d = 0; d < c; ++d)
      if (hw::same_hardware(arch.cores[d], arch.cores[c])) {
        first[c] = d;
        break;
      }
  }
  return first;
}

}  // namespace

LayerBounds layer_bounds(const workloads::Workload& w, const hw::Architecture& arch,
                         hw::CostCache& cache, const mapping::CoreConstraints& constraints) {
  LayerBounds b;
  b.cores = arch.cores.size();
  b.word_bytes = INT64_MAX;
  std::vector<int64_t> word_bytes;  // per core
  for (const auto& c : arch.cores) {
    const hw::CoreModel& m = hw::core_model(c);
    word_bytes.push_back(m.word_bytes(c));
    b.word_bytes = std::min(b.word_bytes, word_bytes.back());
    b.weight_capacity_bytes =
        checked_add(b.weight_capacity_bytes, m.weight_capacity_bytes(c), "chip weight capacity");
  }
  for (const auto& d : arch.drams) b.dram_bytes_per_cycle += d.bandwidth_bytes_per_cycle;
  b.best_compute_cycles.assign(w.num_layers(), 0);
  // Cores of one kind with equal parameters compute alike: ask the cache once per such group
  // (a quad chip of equal cores: a quarter of the lookups; the Python NAS loop runs this on
  // every evaluation).
  const std::vector<size_t> same = same_model(arch);
  const bool masks = b.cores <= 64;
  if (masks) b.runs_on.assign(w.num_layers(), 0);
  std::vector<int64_t> cycles(b.cores);  // per core: the layer's, or -1 where it cannot run
  b.io_bits = hw::narrowest_activation_bits(w, b.word_bytes);
  b.weight_bytes.assign(w.num_layers(), 0);
  for (LayerId v = 0; v < w.num_layers(); ++v) {
    const hw::TileShape tile = hw::layer_tile(w.layer(v));
    b.weight_bytes[v] = INT64_MAX;
    for (size_t c = 0; c < b.cores; ++c)  // one core of each group of equal ones
      if (same[c] == c)
        b.weight_bytes[v] = std::min(b.weight_bytes[v],
                                     hw::weight_storage_bytes(arch.cores[c], word_bytes[c], tile));
    int64_t best = INT64_MAX;
    for (size_t c = 0; c < b.cores; ++c) {
      if (same[c] != c) {
        cycles[c] = cycles[same[c]];
      } else {
        const hw::Cost* cost = nullptr;
        try {
          cost = &cache.get(c, tile);
        } catch (const Error& e) {
          throw Error(w.error_prefix() + "layer '" + w.layer(v).name + "' (" + w.layer(v).op +
                      "): " + e.what());
        }
        cycles[c] = cost->supported ? cost->compute_cycles : -1;
      }
      if (cycles[c] < 0 || !constraints.allows(w.layer(v), c)) continue;
      best = std::min(best, cycles[c]);
      if (masks) b.runs_on[v] |= uint64_t{1} << c;
    }
    b.best_compute_cycles[v] = best == INT64_MAX ? 0 : best;
  }
  return b;
}

LowerBound scenario_lower_bound(const workloads::Workload& w, const LayerBounds& b,
                                const std::vector<char>& needed,
                                const std::vector<LayerId>& outputs) {
  LowerBound out;
  if (b.cores == 0) return out;
  int64_t work = 0, weight_bytes = 0;
  for (LayerId v = 0; v < b.best_compute_cycles.size(); ++v) {
    if (!needed[v]) continue;
    work = checked_add(work, b.best_compute_cycles[v], "lower bound work cycles");
    weight_bytes = checked_add(weight_bytes, b.weight_bytes[v], "scenario weights");
  }
  out.work_cycles = ceil_div(work, static_cast<int64_t>(b.cores));
  // Layers that only some cores may run (their model, or `--allow`) load those cores alone: for
  // each set of cores some layer is confined to, the work of every layer confined within it
  // over its size bounds the latency too (Graham's argument on the subset).
  if (!b.runs_on.empty()) {
    std::vector<uint64_t> sets;
    for (LayerId v = 0; v < b.runs_on.size(); ++v)
      if (needed[v] && b.runs_on[v] != 0 &&
          std::find(sets.begin(), sets.end(), b.runs_on[v]) == sets.end())
        sets.push_back(b.runs_on[v]);
    for (uint64_t set : sets) {
      if (std::popcount(set) == static_cast<int>(b.cores)) continue;  // the chip: done above
      int64_t confined = 0;
      for (LayerId v = 0; v < b.runs_on.size(); ++v)
        if (needed[v] && b.runs_on[v] != 0 && (b.runs_on[v] & ~set) == 0)
          confined = checked_add(confined, b.best_compute_cycles[v], "lower bound work cycles");
      out.work_cycles = std::max(out.work_cycles, ceil_div(confined, std::popcount(set)));
    }
  }
  int64_t io = elems(w.inputs);
  for (LayerId v : outputs) io = checked_add(io, elems(w.layer(v).outputs), "scenario outputs");
  const int64_t streamed = std::max<int64_t>(0, weight_bytes - b.weight_capacity_bytes);
  out.dram_bytes = checked_add(hw::operand_bytes(io, b.io_bits, b.word_bytes), streamed,
                               "lower bound DRAM bytes");
  if (b.dram_bytes_per_cycle > 0)
    out.dram_cycles = checked_ceil_cycles(
        static_cast<double>(out.dram_bytes) / b.dram_bytes_per_cycle, "lower bound DRAM cycles");
  return out;
}

}  // namespace eesim::sim
