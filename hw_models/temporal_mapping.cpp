// A spatial array's best temporal mapping and its cost (temporal_mapping.h). The equations are
// ZigZag's (Mei et al., IEEE TC 2021, section 4: loop relevance, accesses per level as data
// footprints times refills, stationarity of irrelevant loops; Mei et al., "A Uniform Latency
// Model for DNN Accelerators with Diverse Architectures and Dataflows", DATE 2022: ideal cycles
// plus stalls plus onloading and offloading), restated in our notation:
//   - a loop dimension d of size L is unrolled S = min(unroll, L) wide and runs T = ceil(L / S)
//     times; energy counts the fractional L / T wide (the MACs that really run), time T;
//   - an order of the temporal loops (innermost first) is cut per operand into its levels,
//     bottom-up: each level takes the longest prefix whose data fits it, and a level holding
//     several operands takes the combination that fits and leaves the least traffic above it
//     (LOMA, Symons et al., AICAS 2021); an operand's top level takes every loop left;
//   - an operand's data at a level is refilled once per iteration of the loops above it, except
//     the irrelevant loops right above it (the data stays: stationarity); inputs move down,
//     outputs move up, and partial sums move down again when a reduction loop sits above;
//   - a transfer of b bits per instance costs ceil(b / min_access) * min_access / width
//     full-width accesses per period (ZigZag's word rounding);
//   - cycles: the product of the temporal loops, plus what the busiest memory port needs beyond
//     them (every period but a transfer's first), plus the first fill of the inputs (in
//     parallel) and the last drain of the outputs (level after level).
#include "hw_models/temporal_mapping.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace eesim::hw::spatial {
namespace {

// Which loops index each operand (ZigZag's r / ir; the input window makes OY/FY and OX/FX both
// relevant to inputs; slices are reductions).  B  G  K  C  OY OX FY FX SW SI
constexpr bool kRelevant[kNumOperands][kNumDims] = {{0, 1, 1, 1, 0, 0, 1, 1, 1, 0},   // weights
                                                    {1, 1, 0, 1, 1, 1, 1, 1, 0, 1},   // inputs
                                                    {1, 1, 1, 0, 1, 1, 0, 0, 0, 0}};  // outputs

using Extents = std::array<double, kNumDims>;
using Loop = std::pair<Dim, int64_t>;

// Elements of operand `o` spanned by loop extents `e`.
double footprint(const LayerLoops& l, Operand o, const Extents& e) {
  switch (o) {
    case kW:
      return e[kG] * e[kK] * e[kC] * e[kFY] * e[kFX] * e[kSW];
    case kO:
      return e[kB] * e[kG] * e[kK] * e[kOY] * e[kOX];
    default: {
      const double iy = l.stride_y * (e[kOY] - 1) + l.dilation_y * (e[kFY] - 1) + 1;
      const double ix = l.stride_x * (e[kOX] - 1) + l.dilation_x * (e[kFX] - 1) + 1;
      return e[kB] * e[kG] * e[kC] * iy * ix * e[kSI];
    }
  }
}

// The spatial unrolling cut to the layer: per array dim, per loop dim, the factor that runs
// (fractional: L / T spread over the array dims that unroll d), and each dim's temporal size.
struct Unrolling {
  std::vector<Extents> factor;  // per ArrayDim
  DimSizes temporal{};
};

Unrolling unroll(const LayerLoops& l, const Hierarchy& h) {
  Unrolling u;
  DimSizes spatial;
  spatial.fill(1);
  std::vector<DimSizes> whole(h.dims.size());
  for (size_t a = 0; a < h.dims.size(); ++a) {
    whole[a].fill(1);
    for (const auto& [d, f] : h.dims[a].unroll) {
      const int64_t left = (l.size[d] + spatial[d] - 1) / spatial[d];
      const int64_t cut = std::min(f, left);
      whole[a][d] *= cut;
      spatial[d] *= cut;
    }
  }
  for (int d = 0; d < kNumDims; ++d) u.temporal[d] = (l.size[d] + spatial[d] - 1) / spatial[d];
  for (size_t a = 0; a < h.dims.size(); ++a) {
    Extents f;
    for (int d = 0; d < kNumDims; ++d) {
      // The fraction of the layer's L / T that this array dim carries (its share of S).
      const double fractional = static_cast<double>(l.size[d]) / u.temporal[d];
      f[d] = whole[a][d] == 1 ? 1.0 : whole[a][d] * fractional / static_cast<double>(spatial[d]);
    }
    u.factor.push_back(f);
  }
  return u;
}

// Loop prime factors of the temporal sizes, merged (two smallest of the dim with the most) down
// to `limit`, in ascending (dim, size) order: the first permutation.
std::vector<Loop> prime_loops(const DimSizes& temporal, int limit) {
  std::vector<std::vector<int64_t>> lpf(kNumDims);
  size_t count = 0, dims = 0;
  for (int d = 0; d < kNumDims; ++d) {
    int64_t t = temporal[d];
    for (int64_t p = 2; p * p <= t; ++p)
      for (; t % p == 0; t /= p) lpf[d].push_back(p);
    if (t > 1) lpf[d].push_back(t);
    count += lpf[d].size();
    dims += !lpf[d].empty();
  }
  const size_t cap = std::max<size_t>(limit, dims);
  while (count > cap) {
    int most = 0;
    for (int d = 1; d < kNumDims; ++d)
      if (lpf[d].size() > lpf[most].size()) most = d;
    auto& f = lpf[most];
    std::sort(f.begin(), f.end());
    f[1] *= f[0];
    f.erase(f.begin());
    --count;
  }
  std::vector<Loop> loops;
  for (int d = 0; d < kNumDims; ++d)
    for (int64_t f : lpf[d]) loops.emplace_back(static_cast<Dim>(d), f);
  std::sort(loops.begin(), loops.end());
  return loops;
}

// One candidate order's evaluation.
class Evaluator {
 public:
  Evaluator(const LayerLoops& l, const Hierarchy& h, const Unrolling& u,
            const std::array<int, kNumOperands>& top)
      : l_(l), h_(h) {
    const size_t n = h.levels.size();
    served_.assign(n, Extents{});
    for (size_t g = 0; g < n; ++g) {
      served_[g].fill(1.0);
      for (size_t a = 0; a < h.dims.size(); ++a)
        if (h.levels[g].serves[a])
          for (int d = 0; d < kNumDims; ++d) served_[g][d] *= u.factor[a][d];
    }
    for (int o = 0; o < kNumOperands; ++o) {
      for (size_t g = 0; g < n; ++g)
        if (h.levels[g].stores[o] && (top[o] < 0 || static_cast<int>(g) <= top[o]))
          levels_[o].push_back(static_cast<int>(g));
      uinst_[o].assign(n, 1.0);
      for (size_t g = 0; g < n; ++g)
        for (size_t a = 0; a < h.dims.size(); ++a)
          if (!h.levels[g].serves[a])
            for (int d = 0; d < kNumDims; ++d)
              if (kRelevant[o][d]) uinst_[o][g] *= u.factor[a][d];
    }
    Extents all;
    for (int d = 0; d < kNumDims; ++d) all[d] = static_cast<double>(l.size[d]);
    out_elems_ = footprint(l, kO, all);
    macs_ = static_cast<double>(l.macs());
  }

  const std::vector<int>& levels(int o) const { return levels_[o]; }

  // Evaluates `order`; false when some level cannot hold the data the levels below imply.
  bool evaluate(const std::vector<Loop>& order, MappingCost& out) {
    order_ = &order;
    if (!allocate()) return false;
    out.traffic.assign(h_.levels.size(), {});
    out.order = order;
    cost(out);
    return true;
  }

 private:
  // Elements of `o` in one instance of level g holding loops [0, len) of the order.
  double fp(int o, int g, size_t len) const {
    Extents e = served_[g];
    for (size_t k = 0; k < len; ++k) e[(*order_)[k].first] *= (*order_)[k].second;
    return footprint(l_, static_cast<Operand>(o), e);
  }
  // Whether some loop irrelevant to `o` at or above position `from` is still open: outputs then
  // hold partial sums.
  bool reduction_above(int o, size_t from) const {
    for (size_t k = from; k < order_->size(); ++k)
      if (!kRelevant[o][(*order_)[k].first]) return true;
    return false;
  }
  int64_t bits_at(int o, size_t len) const {
    return o == kO && reduction_above(kO, len) ? l_.psum_bits : l_.bits[o];
  }
  double rest(size_t from) const {
    double p = 1;
    for (size_t k = from; k < order_->size(); ++k) p *= static_cast<double>((*order_)[k].second);
    return p;
  }
  // Refills of the data below position `from`: every iteration above it except those of the
  // irrelevant loops right above (the data stays).
  double refills(int o, size_t from) const {
    size_t k = from;
    while (k < order_->size() && !kRelevant[o][(*order_)[k].first]) ++k;
    return rest(k);
  }

  // The inputs one instance of level g takes in above position `from`, as (elements per period,
  // periods). The loops right above that only slide the window (FX, FY, OX, OY) or leave the
  // inputs alone (K) bring in the union of their windows once per iteration of the loops above
  // them, when that is less than a window per iteration: overlapping windows are not fetched
  // twice (ZigZag's partially relevant loops, Mei et al., IEEE TC 2021, section 3.2).
  std::pair<double, double> input_fill(int g, size_t from) const {
    const double each = fp(kI, g, from), times = refills(kI, from);
    size_t k = from;
    for (; k < order_->size(); ++k) {
      const Dim d = (*order_)[k].first;
      if (d != kFX && d != kFY && d != kOX && d != kOY && kRelevant[kI][d]) break;
    }
    const double union_elems = fp(kI, g, k), outer = rest(k);
    if (union_elems * outer < each * times) return {union_elems, outer};
    return {each, times};
  }

  // Cuts the order per operand, bottom-up (LOMA).
  bool allocate() {
    const size_t n = order_->size();
    for (int o = 0; o < kNumOperands; ++o) cut_[o].assign(levels_[o].size(), n);
    std::array<size_t, kNumOperands> cur{0, 0, 0}, pos{0, 0, 0};  // loops taken, level index
    for (size_t g = 0; g < h_.levels.size(); ++g) {
      std::vector<int> here;
      for (int o = 0; o < kNumOperands; ++o) {
        if (pos[o] >= levels_[o].size() || levels_[o][pos[o]] != static_cast<int>(g)) continue;
        if (pos[o] + 1 == levels_[o].size()) {
          cut_[o][pos[o]++] = n;  // the operand's top holds everything
          cur[o] = n;
          continue;
        }
        here.push_back(o);
      }
      if (here.empty()) continue;
      const double cap = static_cast<double>(h_.levels[g].size_bits);
      // Per operand, the prefix lengths that fit alone.
      std::vector<std::vector<size_t>> options;
      for (int o : here) {
        std::vector<size_t> fit;
        for (size_t len = cur[o]; len <= n; ++len)
          if (fp(o, static_cast<int>(g), len) * bits_at(o, len) <= cap)
            fit.push_back(len);
          else
            break;
        if (fit.empty()) {
          if (cur[o] == 0) note_spatial_misfit(o, static_cast<int>(g));
          return false;
        }
        options.push_back(std::move(fit));
      }
      // The combination that fits jointly with the least traffic left above the level.
      std::vector<size_t> pick(here.size()), best;
      double best_traffic = std::numeric_limits<double>::infinity();
      const auto visit = [&](auto&& self, size_t i) -> void {
        if (i == here.size()) {
          double bits = 0, traffic = 0;
          for (size_t j = 0; j < here.size(); ++j) {
            const double f = fp(here[j], static_cast<int>(g), pick[j]);
            bits += f * bits_at(here[j], pick[j]);
            traffic += f * rest(pick[j]);
          }
          if (bits <= cap && traffic < best_traffic) best_traffic = traffic, best = pick;
          return;
        }
        for (size_t len : options[i]) pick[i] = len, self(self, i + 1);
      };
      visit(visit, 0);
      if (best.empty()) return false;
      for (size_t j = 0; j < here.size(); ++j) {
        const int o = here[j];
        cur[o] = best[j];
        cut_[o][pos[o]++] = best[j];
      }
    }
    return true;
  }

  // Full-width accesses for `periods` transfers of `elems` elements of `bits` each, per
  // instance, over `instances` instances of level g (reads or writes).
  double accesses(int g, bool read, double elems, int64_t bits, double periods,
                  double instances) const {
    const Level& lv = h_.levels[g];
    const double width =
        static_cast<double>(read ? lv.read_bits_per_cycle : lv.write_bits_per_cycle);
    const double min_bits =
        lv.min_access_bits > 0 ? static_cast<double>(lv.min_access_bits) : width;
    const double per = std::ceil(elems * static_cast<double>(bits) / min_bits) * min_bits / width;
    return per * periods * instances;
  }
  // Books a transfer of `elems` elements per instance of level g, `periods` times; the first
  // `first_elems` of it (default: one period) are the onload or offload, not port pressure.
  void book(MappingCost& out, int o, int g, bool read, double elems, int64_t bits, double periods,
            double first_elems = -1) {
    if (periods <= 0 || elems <= 0) return;
    LevelTraffic& t = out.traffic[g][o];
    const double inst = uinst_[o][g];
    const double a = accesses(g, read, elems, bits, periods, inst);
    const double moved = elems * static_cast<double>(bits) * periods * inst;
    (read ? t.reads : t.writes) += a;
    (read ? t.read_bits : t.write_bits) += moved;
    // Per instance, the port cycles of all but the first transfer.
    const double first =
        first_elems < 0 ? a / inst / periods : accesses(g, read, first_elems, bits, 1, 1);
    busy_[g][read] += std::max(0.0, a / inst - first);
  }

  void cost(MappingCost& out) {
    busy_.assign(h_.levels.size(), {0.0, 0.0});
    double ideal = 1;
    for (const Loop& loop : *order_) ideal *= static_cast<double>(loop.second);
    std::array<double, kNumOperands> onload{};
    double offload = 0;
    for (int o = 0; o < kNumOperands; ++o) {
      const std::vector<int>& lv = levels_[o];
      const std::vector<size_t>& cut = cut_[o];
      // The array's own accesses to the operand's lowest level, once per cycle at most (inputs:
      // not again while the irrelevant innermost loops keep the datum in place).
      const int g0 = lv.front();
      const double per_instance = fp(o, g0, 0);
      if (o == kW) {
        book(out, o, g0, true, per_instance, l_.bits[o], ideal / innermost_irrelevant(o));
      } else if (o == kI) {
        const auto [elems, periods] = input_fill(g0, 0);
        book(out, o, g0, true, elems, l_.bits[o], periods, per_instance);
      } else {
        const int64_t b = bits_at(kO, 0);
        book(out, o, g0, false, per_instance, b, ideal);
        const double firsts = out_elems_ / (per_instance * uinst_[o][g0]);
        book(out, o, g0, true, per_instance, b, ideal - firsts);
      }
      for (size_t i = 0; i + 1 < lv.size(); ++i) {
        const int lo = lv[i], hi = lv[i + 1];
        const double f = fp(o, lo, cut[i]), periods = refills(o, cut[i]);
        // Per instance of the level above: what its lower instances take (broadcast once).
        const double up_elems = f * uinst_[o][lo] / uinst_[o][hi];
        if (o != kO) {
          const auto [fill, fills] =
              o == kI ? input_fill(lo, cut[i]) : std::pair<double, double>{f, periods};
          book(out, o, lo, false, fill, l_.bits[o], fills, f);
          book(out, o, hi, true, fill * uinst_[o][lo] / uinst_[o][hi], l_.bits[o], fills, up_elems);
          onload[o] += std::max(accesses(lo, false, f, l_.bits[o], 1, 1),
                                accesses(hi, true, up_elems, l_.bits[o], 1, 1));
          continue;
        }
        // Partial sums when some go back down at this boundary; final outputs otherwise.
        const double distinct = out_elems_ / (f * uinst_[o][lo]);
        const int64_t b = periods > distinct * (1 + 1e-9) ? l_.psum_bits : l_.bits[kO];
        book(out, o, lo, true, f, b, periods);
        book(out, o, hi, false, up_elems, b, periods);
        book(out, o, lo, false, f, b, periods - distinct);  // partial sums back down
        book(out, o, hi, true, up_elems, b, periods - distinct);
        offload += std::max(accesses(lo, true, f, b, 1, 1), accesses(hi, false, up_elems, b, 1, 1));
      }
    }
    double busiest = 0;
    for (size_t g = 0; g < h_.levels.size(); ++g) {
      const auto& [r, w] = busy_[g];
      busiest = std::max(busiest, h_.levels[g].shared_port ? r + w : std::max(r, w));
    }
    out.ideal_cycles = static_cast<int64_t>(ideal);
    const double stall = std::max(0.0, std::ceil(busiest - 1e-9) - ideal);
    out.cycles =
        static_cast<int64_t>(ideal + stall + std::ceil(std::max(onload[kW], onload[kI]) - 1e-9) +
                             std::ceil(offload - 1e-9));
    out.mac_energy_pj = macs_ * h_.mac_energy_pj;
    out.memory_energy_pj = out.offchip_energy_pj = 0;
    out.offchip_read_bits = out.offchip_write_bits = 0;
    for (size_t g = 0; g < h_.levels.size(); ++g) {
      const Level& lv = h_.levels[g];
      for (const LevelTraffic& t : out.traffic[g]) {
        const double e = t.reads * lv.read_energy_pj + t.writes * lv.write_energy_pj;
        (lv.offchip ? out.offchip_energy_pj : out.memory_energy_pj) += e;
        if (lv.offchip)
          out.offchip_read_bits += t.read_bits, out.offchip_write_bits += t.write_bits;
      }
    }
  }
  // The innermost loops irrelevant to `o`: the array reads its datum once for all of them.
  double innermost_irrelevant(int o) const {
    double p = 1;
    for (size_t k = 0; k < order_->size() && !kRelevant[o][(*order_)[k].first]; ++k)
      p *= static_cast<double>((*order_)[k].second);
    return p;
  }

  const LayerLoops& l_;
  const Hierarchy& h_;
  std::vector<Extents> served_;  // per level: spatial extents one instance spans
  std::array<std::vector<int>, kNumOperands> levels_;    // per operand: its levels, lowest first
  std::array<std::vector<double>, kNumOperands> uinst_;  // per operand, per level: unique instances
  std::array<std::vector<size_t>, kNumOperands> cut_;    // per operand, per its level
  std::vector<std::array<double, 2>> busy_;              // per level: [write, read] port cycles
  const std::vector<Loop>* order_ = nullptr;
  double out_elems_ = 0, macs_ = 0;

 public:
  // Why the array cannot run at all: a level too small for what it feeds the array in one
  // cycle, whatever the order (empty when some order only failed on its own loops).
  std::string spatial_misfit;

 private:
  void note_spatial_misfit(int o, int g) {
    if (!spatial_misfit.empty()) return;
    static const char* const kNames[kNumOperands] = {"weights", "inputs", "outputs"};
    const double elems = fp(o, g, 0);
    spatial_misfit = "level '" + h_.levels[g].name + "' holds " +
                     std::to_string(h_.levels[g].size_bits) + " bits, less than the " +
                     std::to_string(static_cast<int64_t>(std::ceil(elems))) + " " + kNames[o] +
                     " of " + std::to_string(bits_at(o, 0)) +
                     " bits each that it feeds the array at once (operand widths: the model's, or "
                     "eesim's --bits / --precision native)";
  }
};

bool better(const MappingCost& a, const MappingCost& b, bool energy_first) {
  const double ea = a.energy_pj(), eb = b.energy_pj();
  if (energy_first) return ea < eb || (ea == eb && a.cycles < b.cycles);
  return a.cycles < b.cycles || (a.cycles == b.cycles && ea < eb);
}

}  // namespace

int64_t LayerLoops::macs() const {
  int64_t m = 1;
  for (int64_t s : size) m *= s;
  return m;
}

MappingCost best_mapping(const LayerLoops& loops, const Hierarchy& h,
                         std::array<int, kNumOperands> top) {
  MappingCost best;
  const Unrolling u = unroll(loops, h);
  Evaluator ev(loops, h, u, top);
  for (int o = 0; o < kNumOperands; ++o)
    if (ev.levels(o).empty()) {
      best.reason = "no memory level stores the " + std::string(o == kW   ? "weights"
                                                                : o == kI ? "inputs"
                                                                          : "outputs");
      return best;
    }
  std::vector<Loop> order = prime_loops(u.temporal, h.lpf_limit);
  MappingCost candidate;
  do {
    if (!ev.evaluate(order, candidate)) continue;
    if (!best.feasible || better(candidate, best, h.minimize_energy)) {
      best = candidate;
      best.feasible = true;
    }
  } while (std::next_permutation(order.begin(), order.end()));
  if (!best.feasible) {
    best.reason = !ev.spatial_misfit.empty()
                      ? ev.spatial_misfit
                      : "no order of the temporal loops fits the memory levels";
    return best;
  }
  int64_t peak = 1;
  for (const ArrayDim& a : h.dims) peak *= a.size;
  best.utilization = static_cast<double>(loops.macs()) /
                     (static_cast<double>(peak) * static_cast<double>(best.cycles));
  return best;
}

}  // namespace eesim::hw::spatial
