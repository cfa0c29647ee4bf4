#include "mapping/allocation.h"

#include <algorithm>
#include <memory>

#include "common/checked_math.h"
#include "common/error.h"
#include "common/limits.h"
#include "common/names_text.h"
#include "hw_models/core_model.h"
#include "hw_models/datapath.h"
#include "hw_models/dram.h"
#include "hw_models/noc.h"

namespace eesim::mapping {
namespace {

using workloads::LayerId;
using workloads::Workload;

// Bytes a data edge moves between two layers: the producer's output width, packed, or the word
// of the core that writes it (hw_models/datapath.h).
int64_t edge_bytes(const Workload& w, const workloads::Dependency& d, LayerId producer,
                   int64_t word_bytes) {
  const auto& l = w.layer(producer);
  if (l.elem_bytes <= 0) return d.bytes;
  return hw::operand_bytes(d.bytes / l.elem_bytes, l.output_bits, word_bytes);
}

// HEFT's estimate of an edge's transfer: uncontended, and free when it carries no data (the
// engine still charges a gate its pipeline latency).
int64_t transfer(const hw::Architecture& a, const hw::Noc& noc, size_t from, size_t to,
                 int64_t bytes) {
  if (from == to || bytes == 0) return 0;
  const auto& f = a.cores[from];
  const auto& t = a.cores[to];
  return noc.transfer_cycles({f.x, f.y}, {t.x, t.y}, bytes);
}

// Layers in an order where every producer and every waited-for layer comes before the layers
// that need it (Kahn's algorithm over data, control and `waits` edges; ties by id).
std::vector<LayerId> topological(const Workload& w, const Waits& waits) {
  const size_t n = w.num_layers();
  std::vector<std::vector<LayerId>> after(n);
  std::vector<size_t> before(n, 0);
  for (LayerId v = 0; v < n; ++v) {
    for (auto [e, end] = boost::out_edges(v, w.graph); e != end; ++e)
      after[v].push_back(boost::target(*e, w.graph)), ++before[boost::target(*e, w.graph)];
    if (v < waits.size())
      for (LayerId d : waits[v]) after[d].push_back(v), ++before[v];
  }
  std::vector<LayerId> order, ready;
  for (LayerId v = n; v-- > 0;)
    if (before[v] == 0) ready.push_back(v);
  while (!ready.empty()) {
    const LayerId v = ready.back();
    ready.pop_back();
    order.push_back(v);
    for (auto it = after[v].rbegin(); it != after[v].rend(); ++it)
      if (--before[*it] == 0) ready.push_back(*it);
  }
  if (order.size() != n) throw Error(w.error_prefix() + "the exit gates form a cycle");
  return order;
}

// HEFT's upward rank with mean computation cost over the cores that can run a layer and a
// transfer between neighbouring nodes (the NoC's figure) as the mean communication cost. A
// layer others wait for (an exit decision under `wait`) ranks above them.
std::vector<double> upward_ranks(const Workload& w, const hw::Noc& noc,
                                 const std::vector<std::vector<int64_t>>& cycles,
                                 const std::vector<LayerId>& order, const Waits& waits) {
  std::vector<double> rank(w.num_layers(), 0.0);
  std::vector<std::vector<LayerId>> waiting(w.num_layers());
  for (LayerId v = 0; v < waits.size(); ++v)
    for (LayerId d : waits[v]) waiting[d].push_back(v);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const LayerId v = *it;
    double sum = 0;
    int n = 0;
    for (int64_t c : cycles[v])
      if (c != kUnsupported) sum += static_cast<double>(c), ++n;
    double tail = 0;
    for (auto [e, end] = boost::out_edges(v, w.graph); e != end; ++e) {
      const LayerId s = boost::target(*e, w.graph);
      const int64_t bytes = edge_bytes(w, w.graph[*e], v, 1);
      tail = std::max(tail, static_cast<double>(noc.neighbour_transfer_cycles(bytes)) + rank[s]);
    }
    for (LayerId s : waiting[v]) tail = std::max(tail, rank[s]);
    rank[v] = (n ? sum / n : 0.0) + tail;
  }
  return rank;
}

}  // namespace

bool Allocation::is_split() const {
  return std::any_of(splits.begin(), splits.end(),
                     [](const LayerSplit& s) { return s.kind != SplitKind::kNone; });
}

hw::TileShape cn_tile(const Cn& cn, bool resident) {
  hw::TileShape t = cn.tile;
  t.weights_resident = resident || !cn.fetches_weights;
  return t;
}

const hw::Cost& cn_cost(const Workload& w, const Cn& cn, size_t core, hw::CostCache& cache,
                        bool resident) {
  try {
    return cache.get(core, cn_tile(cn, resident));
  } catch (const Error& e) {
    const workloads::Layer& l = w.layer(cn.layer);
    throw Error(w.error_prefix() + "layer '" + l.name + "' (" + l.op + "): " + e.what());
  }
}

Residency resident_weights(const Workload& w, const CnGraph& g, const Allocation& alloc,
                           const hw::Architecture& arch) {
  Residency r{std::vector<char>(g.num_cns(), 0), std::vector<char>(w.num_layers(), 0),
              std::vector<int64_t>(arch.cores.size(), 0)};
  std::vector<int64_t> free_bytes;
  for (const auto& c : arch.cores) free_bytes.push_back(hw::core_model(c).weight_capacity_bytes(c));
  for (LayerId v = 0; v < w.num_layers(); ++v) {
    const std::vector<CnId>& cns = g.layer_cns[v];
    // Parts in order of their first node (a channel-split fused layer interleaves them).
    std::vector<int64_t> parts;
    for (CnId c : cns)
      if (std::find(parts.begin(), parts.end(), g.cn(c).part) == parts.end())
        parts.push_back(g.cn(c).part);
    bool all = !cns.empty();
    for (int64_t part : parts) {
      const Cn& first =
          g.cn(*std::find_if(cns.begin(), cns.end(), [&](CnId c) { return g.cn(c).part == part; }));
      const size_t core = alloc.core_of(first);
      const auto& spec = arch.cores[core];
      const int64_t bytes =
          hw::weight_storage_bytes(spec, hw::core_model(spec).word_bytes(spec), first.tile);
      const bool fits = bytes > 0 && bytes <= free_bytes[core];
      if (fits) {
        free_bytes[core] -= bytes;
        r.bytes_per_core[core] =
            checked_add(r.bytes_per_core[core], bytes, "resident weight bytes");
        for (CnId c : cns)
          if (g.cn(c).part == part) r.of_cn[c] = 1;
      }
      all = all && fits;
    }
    r.of_layer[v] = all ? 1 : 0;
  }
  return r;
}

bool CoreConstraints::allows(const workloads::Layer& l, size_t core) const {
  if (core < ops_of_core.size() && !ops_of_core[core].empty() &&
      std::find(ops_of_core[core].begin(), ops_of_core[core].end(), l.op) ==
          ops_of_core[core].end())
    return false;
  const auto it = cores_of_op.find(l.op);
  return it == cores_of_op.end() ||
         std::find(it->second.begin(), it->second.end(), core) != it->second.end();
}

Error no_core_can_run(const Workload& w, LayerId v, const CnGraph& g, const hw::Architecture& arch,
                      hw::CostCache& cache, const CoreConstraints& constraints) {
  // Each reason once, after the cores giving it (cores of one kind and parameters agree).
  std::vector<std::pair<std::string, std::string>> reasons;  // (reason, cores)
  for (size_t c = 0; c < arch.cores.size(); ++c) {
    std::string reason = "kept off by the op-type constraints (allow)";
    if (c < constraints.ops_of_core.size() && !constraints.ops_of_core[c].empty()) {
      const std::vector<std::string>& ops = constraints.ops_of_core[c];
      if (std::find(ops.begin(), ops.end(), w.layer(v).op) == ops.end())
        reason = "runs only op_type " + join_names(ops) + " (the architecture's)";
    }
    if (constraints.allows(w.layer(v), c))
      for (CnId n : g.layer_cns[v])
        if (const hw::Cost& cost = cn_cost(w, g.cn(n), c, cache); !cost.supported) {
          reason = cost.reason;
          break;
        }
    auto it = std::find_if(reasons.begin(), reasons.end(),
                           [&](const auto& r) { return r.first == reason; });
    if (it == reasons.end()) it = reasons.insert(reasons.end(), {reason, ""});
    it->second += (it->second.empty() ? "'" : ", '") + arch.cores[c].name + "'";
  }
  std::string why;
  for (const auto& [reason, cores] : reasons) {
    if (!why.empty()) why += "; ";
    why += cores.find(',') == std::string::npos ? "core " : "cores ";
    why += cores + ": " + reason;
  }
  return Error(arch.source + ": no core of '" + arch.name + "' can run layer '" + w.layer(v).name +
               "' (" + w.layer(v).op + "): " + why);
}

std::vector<std::vector<int64_t>> layer_cycles(const Workload& w, const CnGraph& g,
                                               const hw::Architecture& arch, hw::CostCache& cache,
                                               const CoreConstraints& constraints) {
  const size_t cores = arch.cores.size();
  // Cores of the same hardware with the same nearest DRAM port take the same time for every
  // layer: it is summed once, for the first of them (`same[c]`), not once per core (a chip of
  // 256 equal cores costs one core's worth of lookups).
  std::vector<size_t> port(cores), same(cores);
  for (size_t c = 0; c < cores; ++c) {
    port[c] = hw::nearest_dram(arch, c);
    same[c] = 0;
    while (same[c] < c &&
           !(port[same[c]] == port[c] && hw::same_hardware(arch.cores[same[c]], arch.cores[c])))
      ++same[c];
  }
  std::vector<std::vector<int64_t>> out(w.num_layers(), std::vector<int64_t>(cores, 0));
  for (size_t c = 0; c < cores; ++c) {
    if (same[c] != c) continue;
    const auto& dram = arch.drams[port[c]];
    for (LayerId v = 0; v < w.num_layers(); ++v) {
      bool allowed = false;  // on some core of the kind: the others never cost it
      for (size_t k = c; k < cores && !allowed; ++k)
        allowed = same[k] == c && constraints.allows(w.layer(v), k);
      for (CnId n : g.layer_cns[v]) {
        if (!allowed) break;
        const hw::Cost& cost = cn_cost(w, g.cn(n), c, cache);
        if (!cost.supported) {
          out[v][c] = kUnsupported;
          break;
        }
        // Each term is at most kMaxCycles (tile_cost), so the sum is checked before it can wrap.
        out[v][c] += std::max(cost.compute_cycles, hw::dram_cycles(dram, cost.dram_bytes()));
        if (out[v][c] > kMaxCycles)
          throw Error(arch.source + ": layer '" + w.layer(v).name + "' on core '" +
                      arch.cores[c].name + "' takes " + std::to_string(out[v][c]) +
                      " cycles, beyond the 2^53 cycles eesim simulates (an absurd layer or chip)");
      }
    }
  }
  for (LayerId v = 0; v < w.num_layers(); ++v)
    for (size_t c = cores; c-- > 0;)  // downwards: a kind's first core is overwritten last
      out[v][c] = constraints.allows(w.layer(v), c) ? out[v][same[c]] : kUnsupported;
  return out;
}

std::vector<LayerId> heft_order(const Workload& w, const hw::Noc& noc,
                                const std::vector<std::vector<int64_t>>& cycles,
                                const Waits& waits) {
  std::vector<LayerId> order = topological(w, waits);
  const auto rank = upward_ranks(w, noc, cycles, order, waits);
  std::stable_sort(order.begin(), order.end(),
                   [&](LayerId a, LayerId b) { return rank[a] > rank[b]; });
  return order;
}

Allocation allocate_heft(const Workload& w, const CnGraph& g, const hw::Architecture& arch,
                         hw::CostCache& cache, const CoreConstraints& constraints,
                         const Waits& waits) {
  const auto cycles = layer_cycles(w, g, arch, cache, constraints);
  const std::unique_ptr<hw::Noc> noc = hw::make_noc(arch.noc);
  const std::vector<LayerId> order = heft_order(w, *noc, cycles, waits);
  Allocation out{std::vector<size_t>(w.num_layers(), 0), "heft"};
  std::vector<int64_t> finish(w.num_layers(), 0), core_free(arch.cores.size(), 0);
  std::vector<int64_t> word_bytes;  // per core, looked up once (a registry search each)
  for (const hw::CoreSpec& spec : arch.cores)
    word_bytes.push_back(hw::core_model(spec).word_bytes(spec));
  for (LayerId v : order) {
    int64_t best_finish = kUnsupported;
    for (size_t c = 0; c < arch.cores.size(); ++c) {
      if (cycles[v][c] == kUnsupported) continue;
      int64_t start = core_free[c];
      for (auto [e, end] = boost::in_edges(v, w.graph); e != end; ++e) {
        const LayerId p = boost::source(*e, w.graph);
        const int64_t wb = word_bytes[out.core_of_layer[p]];
        const int64_t arrive = checked_add(
            finish[p],
            transfer(arch, *noc, out.core_of_layer[p], c, edge_bytes(w, w.graph[*e], p, wb)),
            "HEFT finish time");
        start = std::max(start, arrive);
      }
      if (v < waits.size())
        for (LayerId d : waits[v]) start = std::max(start, finish[d]);
      const int64_t done = checked_add(start, cycles[v][c], "HEFT finish time");
      if (done < best_finish) best_finish = done, out.core_of_layer[v] = c;
    }
    if (best_finish == kUnsupported) throw no_core_can_run(w, v, g, arch, cache, constraints);
    finish[v] = best_finish;
    core_free[out.core_of_layer[v]] = best_finish;
  }
  return out;
}

}  // namespace eesim::mapping
