// `alloc=partition`: list scheduling with splits (partition.h).
//
// Why splits: a chain of layers on one of N cores uses 1/N of the chip (HEFT's answer: the
// earliest finish of each layer is on the core that ran its producer, so every chain stays on
// one core). Cutting each layer over a group of identical cores is how layer-parallel multi-core
// accelerators run one input (Stream, Symons et al., "Stream: Design Space Exploration of
// Layer-Fused DNNs on Heterogeneous Dataflow Accelerators", IEEE TC 2024, splits a layer's
// computation nodes over cores; Simba, Shao et al., MICRO 2019, partitions each layer's output
// channels or rows over its chiplets). Which cut is best depends on the layer: a row cut keeps
// a chain's data on each core (only halo rows cross the NoC) but needs the layer's weights on
// every core; a channel cut partitions the weights but every part reads the whole input. The
// estimate below weighs both (and one core) for each layer, in HEFT's order, by the finish time
// the layer would reach given what is already placed.
#include "mapping/partition.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <span>

#include "common/checked_math.h"
#include "common/error.h"
#include "hw_models/core_model.h"
#include "hw_models/datapath.h"
#include "hw_models/dram.h"
#include "hw_models/noc.h"
#include "mapping/split.h"

namespace eesim::mapping {
namespace {

using workloads::Layer;
using workloads::LayerId;
using workloads::Workload;

// A part's share of a tensor: rows [r0, r1) and channels [c0, c1), as fractions of the whole.
struct Region {
  double r0 = 0, r1 = 1, c0 = 0, c1 = 1;
};

double overlap(const Region& a, const Region& b) {
  const double rows = std::min(a.r1, b.r1) - std::max(a.r0, b.r0);
  const double channels = std::min(a.c1, b.c1) - std::max(a.c0, b.c0);
  return rows > 0 && channels > 0 ? rows * channels : 0.0;
}

// One part of a layer as the estimate sees it: its core, the tiles it runs (the base graph's
// bands, or their channel parts), what it writes and what it reads of each input. Its tiles are
// a range of the Partitioner's pool for the layer (`tiles_`): the options of a layer are built
// in scratch vectors kept from layer to layer, not allocated per candidate.
struct Part {
  size_t core = 0;
  size_t first_tile = 0, end_tile = 0;  // weights_resident = "found on the core" (not fetched)
  Region out, need;
  int64_t weight_bytes = 0;
  // Filled by the estimate:
  bool resident = false;
  // Times in double: an estimate, whose sums may pass the 2^53 cycles the simulator refuses (it
  // reports those, with the model and node, when it runs the allocation).
  double finish = 0;
};

// What the estimates of later layers read of a placed part.
struct Placed {
  size_t core = 0;
  Region out;
  double finish = 0;
};

// The span an option keeps a DRAM port busy.
struct PortSpan {
  size_t port = 0;
  std::pair<double, double> busy;
};

// One way to run a layer: its split (kind, and cores as a range of `cores_`; none for one core),
// its parts (a range of `parts_`) and, once estimated, its finish, energy and the spans its
// traffic keeps the DRAM ports busy (a range of `spans_`, by port).
struct Option {
  SplitKind kind = SplitKind::kNone;
  size_t first_core = 0, end_core = 0;
  size_t first_part = 0, end_part = 0;
  double finish = 0;
  double energy_pj = 0;
  size_t first_span = 0, end_span = 0;
  size_t num_parts() const { return end_part - first_part; }
};

class Partitioner {
 public:
  Partitioner(const Workload& w, const CnGraph& g, const hw::Architecture& arch,
              hw::CostCache& cache, const CoreConstraints& constraints, const Waits& waits,
              const Pins& pins)
      : w_(w),
        waits_(waits),
        pins_(pins),
        constraints_(constraints),
        g_(g),
        arch_(arch),
        cache_(cache),
        noc_(hw::make_noc(arch.noc)),
        cycles_(layer_cycles(w, g, arch, cache, constraints)),
        groups_(identical_core_groups(arch)),
        core_free_(arch.cores.size(), 0),
        param_free_(arch.cores.size(), 0),
        placed_(w.num_layers()) {
    int64_t capacity = 0, weights = 0;
    for (size_t c = 0; c < arch.cores.size(); ++c) {
      word_bytes_.push_back(hw::core_model(arch.cores[c]).word_bytes(arch.cores[c]));
      param_free_[c] = hw::core_model(arch.cores[c]).weight_capacity_bytes(arch.cores[c]);
      on_chip_.push_back(hw::core_model(arch.cores[c]).on_chip_bytes(arch.cores[c]));
      capacity = checked_add(capacity, param_free_[c], "parameter memory");
      port_of_.push_back(hw::nearest_dram(arch, *noc_, c));
    }
    int64_t smallest_word = INT64_MAX;
    for (size_t c = 0; c < arch.cores.size(); ++c)
      smallest_word = std::min(smallest_word, word_bytes(c));
    for (LayerId v = 0; v < w.num_layers(); ++v)
      weights = checked_add(
          weights,
          hw::operand_bytes(w.layer(v).weight_params, w.layer(v).weight_bits, smallest_word),
          "weights");
    spare_bytes_ = std::max<int64_t>(0, capacity - weights);
    set_edp_weights();
  }

  Allocation run() {
    Allocation out{std::vector<size_t>(w_.num_layers(), 0), "partition", {}};
    out.splits.resize(w_.num_layers());
    for (LayerId v : heft_order(w_, *noc_, cycles_, waits_)) {
      candidates(v);
      if (options_.empty()) throw no_core_can_run(w_, v, g_, arch_, cache_, constraints_);
      for (Option& o : options_) estimate(v, o);
      const auto best =
          std::min_element(options_.begin(), options_.end(), [&](const auto& a, const auto& b) {
            const double sa = score(a), sb = score(b);
            if (sa != sb) return sa < sb;
            return a.num_parts() < b.num_parts();
          });
      commit(v, *best);
      out.core_of_layer[v] = parts_[best->first_part].core;
      out.splits[v] = {best->kind, std::vector<size_t>(cores_.begin() + diff(best->first_core),
                                                       cores_.begin() + diff(best->end_core))};
    }
    if (!out.is_split()) out.splits.clear();
    return out;
  }

 private:
  static std::ptrdiff_t diff(size_t i) { return static_cast<std::ptrdiff_t>(i); }

  // Cycles `bytes` occupy DRAM port `port` (hw::dram_cycles without its 2^53-cycle limit).
  double dram_time(size_t port, double bytes) const {
    return bytes / arch_.drams[port].bandwidth_bytes_per_cycle;
  }

  int64_t word_bytes(size_t core) const { return word_bytes_[core]; }
  // Weights of a part as its core stores them (width, density, format: hw_models/datapath.h).
  int64_t weight_bytes(const Part& p) const {
    if (p.first_tile == p.end_tile) return 0;
    return hw::weight_storage_bytes(arch_.cores[p.core], word_bytes(p.core), tiles_[p.first_tile]);
  }

  // The base graph's nodes of v as one part on `core`: the pool's first `bands_` tiles.
  void add_whole(size_t core) {
    Part p;
    p.core = core, p.end_tile = bands_;
    p.weight_bytes = weight_bytes(p);
    parts_.push_back(p);
  }

  // Adds an option of `kind` whose parts add_parts appends (cores_[first_core, end_core) hold a
  // split's cores).
  template <class AddParts>
  void add_option(SplitKind kind, size_t first_core, size_t end_core, AddParts&& add_parts) {
    Option o;
    o.kind = kind, o.first_core = first_core, o.end_core = end_core, o.first_part = parts_.size();
    add_parts();
    o.end_part = parts_.size();
    options_.push_back(o);
  }

  // Fills options_ (and the pools they index) with the ways layer v may run.
  void candidates(LayerId v) {
    options_.clear(), parts_.clear(), tiles_.clear(), cores_.clear(), spans_.clear();
    for (CnId c : g_.layer_cns[v]) tiles_.push_back(cn_tile(g_.cn(c)));
    bands_ = tiles_.size();
    if (!pins_.empty() && pins_[v]) {  // given: the one option
      const LayerSplit& pin = *pins_[v];
      if (pin.kind == SplitKind::kNone)
        return add_option(SplitKind::kNone, 0, 0, [&] { add_whole(pin.cores[0]); });
      cores_ = pin.cores;
      return add_option(pin.kind, 0, cores_.size(), [&] { add_split_parts(v, pin.kind, 0); });
    }
    for (size_t c = 0; c < arch_.cores.size(); ++c)
      if (cycles_[v][c] != kUnsupported) add_option(SplitKind::kNone, 0, 0, [&] { add_whole(c); });
    for (const std::vector<size_t>& group : groups_) {
      const size_t first = cores_.size();
      for (size_t c : group)
        if (cycles_[v][c] != kUnsupported) cores_.push_back(c);
      if (cores_.size() - first < 2) {
        cores_.resize(first);
        continue;
      }
      const std::span<const size_t> cores(cores_.begin() + diff(first), cores_.end());
      for (SplitKind kind : {SplitKind::kRows, SplitKind::kChannels})
        if (can_split(w_, g_, v, kind, cores))
          add_option(kind, first, cores_.size(), [&] { add_split_parts(v, kind, first); });
    }
  }

  // The parts of a row or channel split of v over cores_[first_core, end).
  void add_split_parts(LayerId v, SplitKind kind, size_t first_core) {
    const std::span<const size_t> cores(cores_.begin() + diff(first_core), cores_.end());
    if (kind == SplitKind::kRows)
      row_parts(v, cores);
    else
      channel_parts(v, cores);
  }

  void row_parts(LayerId v, std::span<const size_t> cores) {
    const Layer& l = w_.layer(v);
    const auto n = static_cast<int64_t>(cores.size());
    const double h = static_cast<double>(hw::output_rows(l));
    const std::vector<CnId>& bands = g_.layer_cns[v];
    for (int64_t i = 0; i < n; ++i) {
      Part p;
      p.core = cores[static_cast<size_t>(i)], p.first_tile = tiles_.size();
      int64_t first = 0, last = 0;  // rows [first, last)
      if (bands.size() == 1) {
        first = hw::output_rows(l) * i / n;
        last = hw::output_rows(l) * (i + 1) / n;
        tiles_.push_back(hw::row_band_tile(l, first, last - first));
      } else {  // a fused layer: a run of its bands, as apply_splits cuts them
        const auto nb = static_cast<int64_t>(bands.size());
        first = INT64_MAX;
        for (int64_t b = 0; b < nb; ++b)
          if (b * n / nb == i) {
            const Cn& cn = g_.cn(bands[static_cast<size_t>(b)]);
            hw::TileShape t = cn.tile;
            t.weights_resident = tiles_.size() > p.first_tile;  // the run's first band fetches
            tiles_.push_back(t);
            first = std::min(first, cn.first_row);
            last = std::max(last, cn.first_row + cn.rows);
          }
      }
      p.end_tile = tiles_.size();
      p.out = p.need = {static_cast<double>(first) / h, static_cast<double>(last) / h, 0, 1};
      p.weight_bytes = weight_bytes(p);
      parts_.push_back(p);
    }
  }

  void channel_parts(LayerId v, std::span<const size_t> cores) {
    const Layer& l = w_.layer(v);
    const ChannelCut cut = channel_cut(w_, v);
    const auto n = static_cast<int64_t>(cores.size());
    const double total = static_cast<double>(output_channels(l));
    for (int64_t i = 0; i < n; ++i) {
      const int64_t first = cut.units * i / n * cut.unit;
      const int64_t count = cut.units * (i + 1) / n * cut.unit - first;
      Part p;
      p.core = cores[static_cast<size_t>(i)], p.first_tile = tiles_.size();
      for (size_t b = 0; b < bands_; ++b)  // the base tiles: cn_tile of each band
        tiles_.push_back(channel_part_tile(l, tiles_[b], first, count, cut.reads_all_channels));
      p.end_tile = tiles_.size();
      p.out = {0, 1, static_cast<double>(first) / total,
               static_cast<double>(first + count) / total};
      p.need = cut.reads_all_channels ? Region{} : Region{0, 1, p.out.c0, p.out.c1};
      p.weight_bytes = weight_bytes(p);
      parts_.push_back(p);
    }
  }

  // When the part's inputs are on its core: each producer part's finish, plus the transfer of
  // the share of its output this part reads when that producer part ran elsewhere.
  double inputs_ready(LayerId v, const Part& part) const {
    double ready = 0;
    const hw::CoreSpec& to = arch_.cores[part.core];
    if (v < waits_.size())  // an exit decision gating v (its 0-byte signal: the NoC's latency)
      for (LayerId d : waits_[v])
        for (const Placed& q : placed_[d]) {
          const hw::CoreSpec& from = arch_.cores[q.core];
          const int64_t latency =
              q.core == part.core ? 0 : noc_->pipeline_cycles({from.x, from.y}, {to.x, to.y});
          ready = std::max(ready, q.finish + static_cast<double>(latency));
        }
    for (auto [e, end] = boost::in_edges(v, w_.graph); e != end; ++e) {
      const LayerId p = boost::source(*e, w_.graph);
      const workloads::Dependency& d = w_.graph[*e];
      const Layer& producer = w_.layer(p);
      const int64_t elems = producer.elem_bytes > 0 ? d.bytes / producer.elem_bytes : d.bytes;
      for (const Placed& q : placed_[p]) {
        if (d.kind == workloads::EdgeKind::kControl || q.core == part.core) {
          ready = std::max(ready, q.finish);
          continue;
        }
        const double share = overlap(part.need, q.out);
        if (share <= 0) continue;
        const auto bytes = static_cast<int64_t>(
            std::ceil(share * static_cast<double>(hw::operand_bytes(elems, producer.output_bits,
                                                                    word_bytes(q.core)))));
        const hw::CoreSpec& from = arch_.cores[q.core];
        const int64_t transfer = noc_->transfer_cycles({from.x, from.y}, {to.x, to.y}, bytes);
        ready = std::max(ready, q.finish + static_cast<double>(transfer));
      }
    }
    return ready;
  }

  // Finish time and energy of option `o` for layer v given what is placed: each part starts when
  // its core is free and its inputs arrived, runs its tiles (weights resident when they fit the
  // core's remaining parameter memory), and the parts' DRAM traffic shares each port.
  void estimate(LayerId v, Option& o) {
    double earliest = 1e300;
    o.finish = 0;
    o.energy_pj = 0;
    // Weights a row split copies to every part, beyond the one copy the network needs anyway:
    // they keep the parameter memory of other layers' weights when memory is short.
    const bool copies_fit = o.kind != SplitKind::kRows || replica_bytes(o) <= spare_bytes_;
    for (size_t i = o.first_part; i < o.end_part; ++i) {
      Part& p = parts_[i];
      p.resident = copies_fit && p.weight_bytes > 0 && p.weight_bytes <= param_free_[p.core];
      double compute = 0, energy_pj = 0;
      int64_t dram_bytes = 0;
      const int64_t wb = word_bytes(p.core);
      const int64_t weights_held = param_used_[p.core] + (p.resident ? p.weight_bytes : 0);
      // The inner bands of a fused layer repeat one shape: a tile equal to the one before takes
      // its cost and footprint without asking the cache again.
      hw::TileShape t;
      const hw::Cost* cost = nullptr;
      int64_t held = 0;
      for (size_t k = p.first_tile; k < p.end_tile; ++k) {
        hw::TileShape next = tiles_[k];
        next.weights_resident = next.weights_resident || p.resident;
        const bool repeat = cost && next == t;
        if (!repeat) t = next, cost = &cache_.get(p.core, t);
        compute += static_cast<double>(cost->compute_cycles);
        dram_bytes = checked_add(dram_bytes, cost->dram_bytes(), "partition estimate");
        energy_pj += cost->energy.total();
        // What the core holds while the tile runs (its resident weights, the input it reads, the
        // output it writes) beyond its memory spills out to DRAM and back, as the simulator's
        // hw::OnChipMemory charges it.
        if (!repeat)
          held = checked_add(weights_held,
                             checked_add(hw::operand_bytes(t.in_elems, t.input_bits, wb),
                                         hw::operand_bytes(t.out_elems, t.output_bits, wb), "tile"),
                             "partition estimate");
        if (held > on_chip_[p.core])
          dram_bytes =
              checked_add(dram_bytes, checked_mul(2, held - on_chip_[p.core], "spill"), "spill");
      }
      const double start = std::max(core_free_[p.core], inputs_ready(v, p));
      p.finish =
          start + std::max(compute, dram_time(port_of_[p.core], static_cast<double>(dram_bytes)));
      port_bytes_[port_of_[p.core]] += static_cast<double>(dram_bytes);
      port_used_[port_of_[p.core]] = 1;
      earliest = std::min(earliest, start);
      o.finish = std::max(o.finish, p.finish);
      o.energy_pj += energy_pj;
    }
    // The parts share their DRAM port, and so does every layer placed before them: the port is
    // a resource like a core, busy for the traffic's bytes over its bandwidth.
    o.first_span = spans_.size();
    for (size_t port = 0; port < port_used_.size(); ++port) {
      if (!port_used_[port]) continue;
      const double length = dram_time(port, port_bytes_[port]);
      const double from = port_gap(port, earliest, length);
      spans_.push_back({port, {from, from + length}});
      o.finish = std::max(o.finish, from + length);
      port_bytes_[port] = 0, port_used_[port] = 0;
    }
    o.end_span = spans_.size();
  }

  // The earliest time from `earliest` at which `port` is free for `length` cycles, between the
  // intervals placed layers keep it busy (their traffic may be later in time than this layer's:
  // list order is not time order).
  double port_gap(size_t port, double earliest, double length) const {
    double t = earliest;
    for (const auto& [from, to] : port_busy_[port]) {  // sorted by start, disjoint
      if (to <= t) continue;
      if (from >= t + length) break;
      t = to;
    }
    return t;
  }

  // What the choice minimises: the first-order change of ln(E * L) an option brings, around
  // reference figures for the network's latency and energy (set_edp_weights):
  // d ln(E L) = dL / L_ref + dE / E_ref, with E = dynamic energy + static power * L.
  double score(const Option& o) const { return o.finish * per_cycle_ + o.energy_pj * per_pj_; }

  // L_ref: the work bound (each layer's fastest whole-layer cycles over the cores); E_ref: each
  // layer's least dynamic energy on any core plus the chip's static power over L_ref.
  void set_edp_weights() {
    double work = 0, dynamic_pj = 0, static_pj_per_cycle = 0;
    for (LayerId v = 0; v < w_.num_layers(); ++v) {
      double fastest = 1e300, least = 1e300;
      tiles_.clear();
      for (CnId n : g_.layer_cns[v]) tiles_.push_back(cn_tile(g_.cn(n)));
      for (size_t c = 0; c < arch_.cores.size(); ++c) {
        if (cycles_[v][c] == kUnsupported) continue;
        fastest = std::min(fastest, static_cast<double>(cycles_[v][c]));
        double e = 0;
        for (const hw::TileShape& t : tiles_) e += cache_.get(c, t).energy.total();
        least = std::min(least, e);
      }
      if (fastest < 1e300) work += fastest, dynamic_pj += least;
    }
    // 1 mW for one cycle of 1000 / f_MHz ns is 1000 / f_MHz pJ.
    for (const hw::CoreSpec& c : arch_.cores)
      static_pj_per_cycle += c.static_power_mw * 1000.0 / arch_.clock_mhz;
    const double l_ref = std::max(1.0, work / static_cast<double>(arch_.cores.size()));
    const double e_ref = std::max(1.0, dynamic_pj + static_pj_per_cycle * l_ref);
    per_cycle_ = 1.0 / l_ref + static_pj_per_cycle / e_ref;
    per_pj_ = 1.0 / e_ref;
  }

  // Parameter bytes a row split keeps beyond one copy of the layer's weights.
  int64_t replica_bytes(const Option& o) const {
    int64_t bytes = 0;
    for (size_t i = o.first_part + 1; i < o.end_part; ++i) bytes += parts_[i].weight_bytes;
    return bytes;
  }

  void commit(LayerId v, const Option& o) {
    for (size_t i = o.first_span; i < o.end_span; ++i) {
      auto& list = port_busy_[spans_[i].port];
      list.insert(std::upper_bound(list.begin(), list.end(), spans_[i].busy), spans_[i].busy);
    }
    if (o.kind == SplitKind::kRows && parts_[o.first_part].resident)
      spare_bytes_ -= replica_bytes(o);
    placed_[v].clear();
    for (size_t i = o.first_part; i < o.end_part; ++i) {
      const Part& p = parts_[i];
      core_free_[p.core] = std::max(core_free_[p.core], p.finish);
      if (p.resident) param_free_[p.core] -= p.weight_bytes, param_used_[p.core] += p.weight_bytes;
      placed_[v].push_back({p.core, p.out, p.finish});
    }
  }

  const Workload& w_;
  const Waits& waits_;
  const Pins& pins_;
  const CoreConstraints& constraints_;
  double per_cycle_ = 1, per_pj_ = 0;  // score()'s weights
  const CnGraph& g_;
  const hw::Architecture& arch_;
  hw::CostCache& cache_;
  std::unique_ptr<hw::Noc> noc_;
  std::vector<std::vector<int64_t>> cycles_;
  std::vector<std::vector<size_t>> groups_;
  std::vector<size_t> port_of_;
  std::vector<int64_t> word_bytes_;  // per core (the model's lookup is a registry search)
  std::vector<double> core_free_;
  // Per DRAM port, the spans placed layers' traffic keeps it busy, sorted and disjoint.
  std::vector<std::vector<std::pair<double, double>>> port_busy_ =
      std::vector<std::vector<std::pair<double, double>>>(arch_.drams.size());
  std::vector<int64_t> param_free_, on_chip_;
  std::vector<int64_t> param_used_ = std::vector<int64_t>(arch_.cores.size(), 0);
  // Parameter memory of the whole chip beyond one copy of every layer's weights: what row
  // splits may spend on copies (weight-memory-aware partitioning).
  int64_t spare_bytes_ = 0;
  std::vector<std::vector<Placed>> placed_;
  // Scratch for the layer being placed, kept across layers so that candidates allocate only
  // when a layer needs more room than any before it.
  std::vector<hw::TileShape> tiles_;  // its tiles: the first bands_ are the base graph's
  size_t bands_ = 0;
  std::vector<Part> parts_;
  std::vector<size_t> cores_;  // the cores of its split options
  std::vector<Option> options_;
  std::vector<PortSpan> spans_;
  std::vector<double> port_bytes_ = std::vector<double>(arch_.drams.size(), 0);  // per option
  std::vector<char> port_used_ = std::vector<char>(arch_.drams.size(), 0);
};

}  // namespace

std::vector<std::vector<size_t>> identical_core_groups(const hw::Architecture& arch) {
  std::vector<std::vector<size_t>> groups;
  for (size_t c = 0; c < arch.cores.size(); ++c) {
    const auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) {
      return hw::same_hardware(arch.cores[g.front()], arch.cores[c]);
    });
    if (it == groups.end())
      groups.push_back({c});
    else
      it->push_back(c);
  }
  std::erase_if(groups, [](const auto& g) { return g.size() < 2; });
  return groups;
}

Allocation allocate_partition(const Workload& w, const CnGraph& g, const hw::Architecture& arch,
                              hw::CostCache& cache, const CoreConstraints& constraints,
                              const Waits& waits, const Pins& pins) {
  return Partitioner(w, g, arch, cache, constraints, waits, pins).run();
}

}  // namespace eesim::mapping
