#include "hw_models/cost_cache.h"

#include <sstream>
#include <string>

#include "common/checked_math.h"
#include "common/limits.h"
#include "hw_models/core_model.h"
#include "hw_models/dram.h"
#include "hw_models/noc.h"

namespace eesim::hw {
namespace {

// "arch.textproto: core 'sa0' (systolic): ", the prefix of every error about a core's costs.
std::string core_path(const Architecture& arch, const CoreSpec& core) {
  return (arch.source.empty() ? "" : arch.source + ": ") + "core '" + core.name + "' (" +
         core.kind() + "): ";
}

// Every cost leaves the models through tile_cost, so this is where its cycles are bounded: at
// most kMaxCycles each, the sums mapping/ and sim/ make of them stay exact and cannot overflow.
[[noreturn]] void beyond_limit(const Architecture& arch, const CoreSpec& core,
                               const std::string& figure) {
  throw Error(core_path(arch, core) + "a tile's " + figure +
              " is beyond the 2^53 cycles eesim simulates (an absurd layer or chip)");
}

}  // namespace

Cost tile_cost(const Architecture& arch, size_t core_index, const TileShape& tile) {
  return tile_cost(arch, *make_noc(arch.noc), core_index, tile);
}

namespace {

// The core model's figure for `tile` on core `core_index`, checked against the cycle limit: the
// part of a cost every core of the same hardware shares.
Cost model_cost(const Architecture& arch, size_t core_index, const TileShape& tile) {
  const CoreSpec& core = arch.cores.at(core_index);
  Cost c;
  try {
    c = core_model(core).cost(core, tile);
  } catch (const Error& e) {  // an overflow: name the core whose model met it
    throw Error(core_path(arch, core) + e.what());
  }
  if (c.supported && c.compute_cycles > kMaxCycles)
    beyond_limit(arch, core, "compute time, " + std::to_string(c.compute_cycles) + " cycles,");
  return c;
}

// `c` (model_cost on core `core_index`) plus the energy of its DRAM traffic, which goes to the
// core's nearest DRAM port, `port` (hw::nearest_dram), over the mesh (DRAM pJ/byte + NoC
// pJ/byte-hop).
Cost with_dram_energy(const Architecture& arch, const Noc& noc, size_t core_index, size_t port,
                      Cost c) {
  if (!c.supported) return c;
  const CoreSpec& core = arch.cores.at(core_index);
  const int64_t bytes = c.dram_bytes();
  const DramSpec& dram = arch.drams.at(port);
  if (!(static_cast<double>(bytes) / dram.bandwidth_bytes_per_cycle <=
        static_cast<double>(kMaxCycles))) {
    std::ostringstream rate;
    rate << dram.bandwidth_bytes_per_cycle;
    beyond_limit(arch, core,
                 "DRAM time, " + std::to_string(bytes) + " bytes at dram '" + dram.name + "' of " +
                     rate.str() + " bytes/cycle,");
  }
  const double carried_pj = noc.energy_pj({core.x, core.y}, {dram.x, dram.y}, bytes);
  c.energy.dram = (c.prices_own_dram ? c.energy.dram : dram_energy_pj(dram, bytes)) + carried_pj;
  return c;
}

}  // namespace

Cost tile_cost(const Architecture& arch, const Noc& noc, size_t core_index, const TileShape& tile) {
  return with_dram_energy(arch, noc, core_index, nearest_dram(arch, noc, core_index),
                          model_cost(arch, core_index, tile));
}

CostCache::CostCache(const Architecture& arch) : arch_(arch), noc_(make_noc(arch.noc)) {
  for (size_t c = 0; c < arch.cores.size(); ++c) {
    size_t k = 0;
    while (k < c && !same_hardware(arch.cores[k], arch.cores[c])) ++k;
    kind_.push_back(k == c ? kinds_++ : kind_[k]);
  }
  port_.assign(arch.cores.size(), kUnknownPort);
}

const Cost* CostCache::Store::add(Cost c) {
  if (size_ % kChunk == 0) chunks_.push_back(std::make_unique<Cost[]>(kChunk));
  Cost& slot = chunks_.back()[size_ % kChunk];
  slot = std::move(c);
  ++size_;
  return &slot;
}

size_t CostCache::row_of(const TileShape& tile) {
  const auto [it, added] = rows_.try_emplace(tile, rows_.size());
  if (added) {
    cost_of_.resize(cost_of_.size() + arch_.cores.size(), nullptr);
    model_of_.resize(model_of_.size() + kinds_, nullptr);
  }
  return it->second;
}

const Cost& CostCache::get(size_t core_index, const TileShape& tile) {
  const size_t kind = kind_.at(core_index);
  const size_t row = row_of(tile);
  const Cost*& cost = cost_of_[row * arch_.cores.size() + core_index];
  if (cost) {
    ++hits_;
    return *cost;
  }
  ++misses_;
  const Cost*& figure = model_of_[row * kinds_ + kind];
  if (!figure) figure = model_costs_.add(model_cost(arch_, core_index, tile));
  // The core's port, found when a supported tile first needs it (as tile_cost finds it).
  size_t& port = port_[core_index];
  if (figure->supported && port == kUnknownPort) port = nearest_dram(arch_, *noc_, core_index);
  cost = costs_.add(with_dram_energy(arch_, *noc_, core_index, port, *figure));
  return *cost;
}

}  // namespace eesim::hw
