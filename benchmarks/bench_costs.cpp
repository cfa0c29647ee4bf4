// Cost-model benchmark: every layer of a model, whole and in 1-row bands, on every core of an
// architecture; prints evaluations per second cold (fresh cache) and the cache's hit rate.
//   bench_costs MODEL.onnx ARCH.textproto [REPEATS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "common/error.h"
#include "hw_models/arch_loader.h"
#include "hw_models/cost_cache.h"
#include "hw_models/network_estimate.h"
#include "workloads/importer.h"

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Every (core, tile) lookup a layer-fused mapping with one-row bands would make.
std::vector<eesim::hw::TileShape> all_tiles(const eesim::workloads::Workload& w) {
  std::vector<eesim::hw::TileShape> tiles;
  for (eesim::workloads::LayerId v = 0; v < w.num_layers(); ++v) {
    const auto& l = w.layer(v);
    tiles.push_back(eesim::hw::layer_tile(l));
    const int64_t rows = eesim::hw::output_rows(l);
    for (int64_t r = 0; rows > 1 && r < rows; ++r)
      tiles.push_back(eesim::hw::row_band_tile(l, r, 1));
  }
  return tiles;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_costs MODEL.onnx ARCH.textproto [REPEATS]\n");
    return 2;
  }
  const int repeats = argc > 3 ? std::max(1, std::atoi(argv[3])) : 10;
  try {
    const auto w = eesim::workloads::load_workload(argv[1]);
    const auto arch = eesim::hw::load_architecture_file(argv[2]);
    const auto tiles = all_tiles(w);
    std::vector<double> cold_ms, uncached_ms, estimate_ms;
    size_t distinct = 0;
    for (int i = 0; i < repeats; ++i) {
      eesim::hw::CostCache cache(arch);
      const auto t0 = std::chrono::steady_clock::now();
      for (size_t c = 0; c < arch.cores.size(); ++c)
        for (const auto& t : tiles) cache.get(c, t);
      cold_ms.push_back(ms_since(t0));
      distinct = cache.size();
      double sink = 0;
      const auto t2 = std::chrono::steady_clock::now();
      for (size_t c = 0; c < arch.cores.size(); ++c)
        for (const auto& t : tiles) sink += eesim::hw::tile_cost(arch, c, t).energy.compute;
      uncached_ms.push_back(ms_since(t2) + (sink < 0 ? 1 : 0));
      eesim::hw::CostCache fresh(arch);
      const auto t1 = std::chrono::steady_clock::now();
      for (size_t c = 0; c < arch.cores.size(); ++c) eesim::hw::layer_by_layer(w, arch, c, fresh);
      eesim::hw::roofline(w, arch);
      estimate_ms.push_back(ms_since(t1));
    }
    std::sort(cold_ms.begin(), cold_ms.end());
    std::sort(estimate_ms.begin(), estimate_ms.end());
    std::sort(uncached_ms.begin(), uncached_ms.end());
    const double lookups = static_cast<double>(tiles.size() * arch.cores.size());
    std::printf("%s on %s: %zu layers, %zu tiles x %zu cores = %.0f lookups, %zu distinct\n",
                argv[1], arch.name.c_str(), w.num_layers(), tiles.size(), arch.cores.size(),
                lookups, distinct);
    std::printf("no cache:   median %.3f ms (%.3f us per cost evaluation)\n",
                uncached_ms[uncached_ms.size() / 2],
                1000 * uncached_ms[uncached_ms.size() / 2] / lookups);
    std::printf("fresh cache: median %.3f ms (%.3f us per lookup)\n", cold_ms[cold_ms.size() / 2],
                1000 * cold_ms[cold_ms.size() / 2] / lookups);
    std::printf("layer-by-layer estimate on every core + roofline: median %.3f ms\n",
                estimate_ms[estimate_ms.size() / 2]);
  } catch (const eesim::Error& e) {
    std::fprintf(stderr, "bench_costs: %s\n", e.what());
    return 1;
  }
  return 0;
}
