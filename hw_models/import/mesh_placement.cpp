// Stream's explicit link lists on eesim's XY mesh: a backtracking search for an embedding of the
// link graph onto a width x height grid that uses every grid edge (so the links are exactly a
// mesh's). Stream calls a 4-core ring a "2D mesh": a 2x2 grid is that ring. A graph that is not a
// mesh's gets none (stream_build.cpp writes it as a NoC of kind "links").
#include <algorithm>
#include <deque>
#include <functional>
#include <set>

#include "hw_models/import/import_steps.h"

namespace eesim::hw::yaml {

std::optional<MeshPlacement> place_on_mesh(const std::vector<int64_t>& ids,
                                           const std::vector<MeshLink>& links) {
  const int n = static_cast<int>(ids.size());
  std::map<int64_t, int> index;
  for (int i = 0; i < n; ++i) index[ids[i]] = i;
  std::vector<std::set<int>> adj(n);
  std::vector<const MeshLink*> unique;
  for (const MeshLink& l : links) {
    if (l.a == l.b || !l.bus.empty()) return std::nullopt;
    const int a = index.at(l.a), b = index.at(l.b);
    if (adj[a].count(b)) continue;
    adj[a].insert(b);
    adj[b].insert(a);
    unique.push_back(&l);
  }
  MeshPlacement out;
  if (n == 1 && unique.empty()) {
    out.at[ids[0]] = {0, 0};
    return out;
  }
  for (int i = 0; i < n; ++i)
    if (adj[i].empty() || adj[i].size() > 4) return std::nullopt;
  // Breadth-first order from the first core: each later core has a placed neighbour.
  std::vector<int> order{0}, parent(n, -1);
  std::vector<bool> seen(n, false);
  seen[0] = true;
  for (size_t k = 0; k < order.size(); ++k)
    for (int j : adj[order[k]])
      if (!seen[j]) seen[j] = true, parent[j] = order[k], order.push_back(j);
  if (static_cast<int>(order.size()) != n) return std::nullopt;  // not all connected
  for (int h = 1; h <= n; ++h) {
    if (n % h != 0 || n / h < h) continue;
    const int w = n / h;
    if ((w - 1) * h + w * (h - 1) != static_cast<int>(unique.size())) continue;
    std::vector<int> cell(n, -1), node_at(n, -1);
    const std::function<bool(size_t)> place = [&](size_t k) {
      if (k == order.size()) return true;
      const int v = order[k];
      std::vector<int> candidates;
      if (parent[v] < 0) {
        for (int c = 0; c < n; ++c) candidates.push_back(c);
      } else {
        const int pc = cell[parent[v]], px = pc % w, py = pc / w;
        const int dx[4] = {1, 0, -1, 0}, dy[4] = {0, 1, 0, -1};
        for (int d = 0; d < 4; ++d)
          if (px + dx[d] >= 0 && px + dx[d] < w && py + dy[d] >= 0 && py + dy[d] < h)
            candidates.push_back((py + dy[d]) * w + px + dx[d]);
      }
      for (int c : candidates) {
        if (node_at[c] >= 0) continue;
        bool ok = true;
        for (int j : adj[v])
          if (cell[j] >= 0)
            ok = ok && std::abs(cell[j] % w - c % w) + std::abs(cell[j] / w - c / w) == 1;
        if (!ok) continue;
        cell[v] = c, node_at[c] = v;
        if (place(k + 1)) return true;
        cell[v] = -1, node_at[c] = -1;
      }
      return false;
    };
    if (!place(0)) continue;
    out.width = w;
    out.height = h;
    for (int i = 0; i < n; ++i) out.at[ids[i]] = {cell[i] % w, cell[i] / w};
    return out;
  }
  return std::nullopt;
}

}  // namespace eesim::hw::yaml
