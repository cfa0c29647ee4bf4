#pragma once
// How one core stores and computes one tile's operands: the tile's widths and weight density
// (TileShape: from the layer, workloads::Layer) against the core's Precision and Sparsity
// (arch.proto). Every cost model and every byte count of mapping/ and sim/ goes through here,
// so a width or a format means the same thing to each (DESIGN.md section 3, "Precision",
// "Sparsity").
#include <cstdint>
#include <string>

#include "hw_models/architecture.h"
#include "hw_models/tile.h"

namespace eesim::hw {

// Bytes of `elems` operands of `bits` each, packed (sub-byte operands share bytes):
// ceil(elems * bits / 8). bits 0: the core's word, elems * word_bytes.
int64_t operand_bytes(int64_t elems, int64_t bits, int64_t word_bytes);

struct Datapath {
  // Non-empty: the core cannot run the tile's widths (Precision.wider = REFUSE), and why.
  std::string refusal;
  // Operand widths, bits, with 0 (the core's word) resolved to the native width.
  int64_t weight_bits = 8, input_bits = 8, output_bits = 8;
  // The whole tile's operands as stored and moved (DRAM, NoC, buffers): packed activations;
  // weights in the core's format at the tile's density.
  int64_t input_bytes = 0, weight_bytes = 0, output_bytes = 0;
  // Bits stored per weight element, on average (format and metadata included): what one
  // weight read from a buffer moves.
  double weight_bits_stored = 8;
  // The arithmetic of a GEMM tile: each MAC unit's reduction runs `mac_time_factor` times as
  // long (slices of wider operands x density when zeros are skipped / MACs fused per unit),
  // and a useful MAC costs `mac_energy_factor` times a native one.
  int64_t passes = 1;          // slice pairs of operands wider than the native width
  int64_t native_bits = 8;     // the width the MACs take in one pass
  int64_t fused = 1;           // MACs per unit per cycle of narrower operands on a FUSE datapath
  double skipped_density = 1;  // the density the reduction shrinks by (SKIP), else 1
  double mac_energy_factor = 1;
  // The reduction length `window` as it runs: ceil(window * passes * skipped_density / fused),
  // at least 1 for a non-empty window.
  int64_t reduction(int64_t window) const;
  // The energy of one access of `words` elements of each operand, in byte-equivalents: what a
  // cost model multiplies by its buffers' pJ per byte.
  double input_access_bytes(double words) const { return words * input_bits / 8.0; }
  double weight_access_bytes(double words) const { return words * weight_bits_stored / 8.0; }
  double output_access_bytes(double words) const { return words * output_bits / 8.0; }
};

// The datapath of `tile` on `core`, whose kind's word is `word_bytes` bytes.
Datapath datapath(const CoreSpec& core, int64_t word_bytes, const TileShape& tile);

// Bytes of `tile`'s weights as `core` stores them (datapath(...).weight_bytes).
int64_t weight_storage_bytes(const CoreSpec& core, int64_t word_bytes, const TileShape& tile);

}  // namespace eesim::hw
