#include "mapping/pipeline.h"

#include <algorithm>
#include <numeric>

#include "common/checked_math.h"
#include "common/error.h"

namespace eesim::mapping {
namespace {

// Core indices along a snake over the mesh: row y = 0 left to right, y = 1 right to left, ...
std::vector<size_t> snake_order(const hw::Architecture& arch) {
  std::vector<size_t> order(arch.cores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const auto& p = arch.cores[a];
    const auto& q = arch.cores[b];
    if (p.y != q.y) return p.y < q.y;
    return p.y % 2 == 0 ? p.x < q.x : p.x > q.x;
  });
  return order;
}

}  // namespace

Allocation allocate_pipeline(const workloads::Workload& w, const CnGraph& g,
                             const hw::Architecture& arch, hw::CostCache& cache,
                             const CoreConstraints& constraints) {
  const auto cycles = layer_cycles(w, g, arch, cache, constraints);
  const std::vector<size_t> cores = snake_order(arch);
  const size_t n = w.num_layers(), m = cores.size();
  // prefix[j][i]: cycles of the layers in [0, i) stage j's core can run; banned[j][i]: how many
  // of them it cannot.
  std::vector<std::vector<int64_t>> prefix(m, std::vector<int64_t>(n + 1, 0));
  std::vector<std::vector<size_t>> banned(m, std::vector<size_t>(n + 1, 0));
  for (size_t j = 0; j < m; ++j)
    for (size_t i = 0; i < n; ++i) {
      const int64_t c = cycles[i][cores[j]];
      prefix[j][i + 1] = checked_add(prefix[j][i], c == kUnsupported ? 0 : c, "pipeline cycles");
      banned[j][i + 1] = banned[j][i] + (c == kUnsupported ? 1 : 0);
    }
  const auto stage = [&](size_t j, size_t from, size_t to) {  // layers [from, to) on stage j
    return banned[j][to] > banned[j][from] ? kUnsupported : prefix[j][to] - prefix[j][from];
  };
  // best[j][i]: the slowest stage when stages 0..j-1 hold layers [0, i); cut[j][i] its last cut.
  std::vector<std::vector<int64_t>> best(m + 1, std::vector<int64_t>(n + 1, kUnsupported));
  std::vector<std::vector<size_t>> cut(m + 1, std::vector<size_t>(n + 1, 0));
  best[0][0] = 0;
  for (size_t j = 1; j <= m; ++j)
    for (size_t i = 0; i <= n; ++i)
      for (size_t k = 0; k <= i; ++k) {
        if (best[j - 1][k] == kUnsupported) continue;
        const int64_t s = stage(j - 1, k, i);
        if (s == kUnsupported) continue;
        const int64_t slowest = std::max(best[j - 1][k], s);
        if (slowest < best[j][i]) best[j][i] = slowest, cut[j][i] = k;
      }
  if (best[m][n] == kUnsupported)
    throw Error("pipeline allocation: no contiguous cut of " + w.name +
                " puts every layer on a core of " + arch.name + " that can run it");
  Allocation out{std::vector<size_t>(n, 0), "pipeline"};
  for (size_t j = m, i = n; j > 0; --j) {
    for (size_t v = cut[j][i]; v < i; ++v) out.core_of_layer[v] = cores[j - 1];
    i = cut[j][i];
  }
  return out;
}

}  // namespace eesim::mapping
