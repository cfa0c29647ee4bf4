// A tile's operands on a core: widths resolved against the core's Precision, weights stored in
// its Sparsity format (hw_models/datapath.h; the rules and their sources are arch.proto's
// Precision and Sparsity comments).
#include "hw_models/datapath.h"

#include <algorithm>
#include <cmath>

#include "arch.pb.h"
#include "common/checked_math.h"

namespace eesim::hw {
namespace {

constexpr std::string_view kWhat = "operand bits";

const schema::Precision& precision_of(const CoreSpec& core) {
  return core.precision ? static_cast<const schema::Precision&>(*core.precision)
                        : schema::Precision::default_instance();
}

const schema::Sparsity& sparsity_of(const CoreSpec& core) {
  return core.sparsity ? static_cast<const schema::Sparsity&>(*core.sparsity)
                       : schema::Sparsity::default_instance();
}

// Non-zero weights of `elems` at `density`: the nearest count (a measured density is a count
// over elems, so this gives the count back).
int64_t nonzero(int64_t elems, double density) {
  if (density >= 1) return elems;
  return std::min<int64_t>(elems, std::llround(static_cast<double>(elems) * density));
}

// Bits of `elems` weights of `bits` each stored in the core's format at `density`.
int64_t stored_weight_bits(const schema::Sparsity& s, int64_t elems, int64_t bits, double density) {
  const int64_t nnz = nonzero(elems, density);
  switch (s.weight_format()) {
    case schema::Sparsity::BITMASK:  // values + one mask bit per weight
      return checked_add(checked_mul(nnz, bits, kWhat), elems, kWhat);
    case schema::Sparsity::RUN_LENGTH:  // values, each with its run length or coordinate
    case schema::Sparsity::COORDINATE:
      return checked_mul(nnz, bits + s.metadata_bits(), kWhat);
    case schema::Sparsity::UNCOMPRESSED:
      break;
  }
  return checked_mul(elems, bits, kWhat);
}

// One arithmetic operand of `bits` on a datapath of `native` bits: how many slices it takes
// (wider) and how many of it fuse into one unit (narrower). False when the core refuses it.
bool scale_operand(const schema::Precision& p, int64_t native, int64_t bits, int64_t& slices,
                   int64_t& fuse) {
  slices = fuse = 1;
  if (bits > native) {
    if (p.wider() == schema::Precision::REFUSE) return false;
    slices = ceil_div(bits, native);
  } else if (bits < native && p.narrower() == schema::Precision::FUSE) {
    int64_t brick = p.min_bits();  // Bit Fusion: BitBricks fuse in powers of two
    while (brick < bits) brick *= 2;
    if (brick < native) fuse = native / brick;
  }
  return true;
}

// The width the core's MACs take in one pass: Precision.native_bits, or its kind's word.
int64_t native_bits(const schema::Precision& p, int64_t word_bytes) {
  return p.native_bits() > 0 ? p.native_bits() : 8 * word_bytes;
}

}  // namespace

int64_t operand_bytes(int64_t elems, int64_t bits, int64_t word_bytes) {
  if (bits <= 0) return checked_mul(elems, word_bytes, "operand bytes");
  return ceil_div(checked_mul(elems, bits, "operand bits"), 8);
}

int64_t Datapath::reduction(int64_t window) const {
  if (window <= 0) return window;
  const int64_t slices = checked_mul(window, passes, "reduction length");
  if (skipped_density >= 1) return ceil_div(slices, fused);
  const double runs =
      std::ceil(static_cast<double>(slices) * skipped_density / static_cast<double>(fused));
  return std::max<int64_t>(1, static_cast<int64_t>(runs));
}

Datapath datapath(const CoreSpec& core, int64_t word_bytes, const TileShape& t) {
  const schema::Precision& p = precision_of(core);
  const schema::Sparsity& s = sparsity_of(core);
  const int64_t native = native_bits(p, word_bytes);
  const auto resolve = [&](int64_t bits) { return bits > 0 ? bits : native; };
  Datapath d;
  d.native_bits = native;
  d.weight_bits = resolve(t.weight_bits);
  d.input_bits = resolve(t.input_bits);
  d.output_bits = resolve(t.output_bits);
  d.input_bytes = operand_bytes(t.in_elems, d.input_bits, word_bytes);
  d.output_bytes = operand_bytes(t.out_elems, d.output_bits, word_bytes);
  const int64_t stored = stored_weight_bits(s, t.weight_elems, d.weight_bits, t.weight_density);
  d.weight_bytes = ceil_div(stored, 8);
  d.weight_bits_stored = t.weight_elems > 0
                             ? static_cast<double>(stored) / static_cast<double>(t.weight_elems)
                             : static_cast<double>(d.weight_bits);
  if (t.cls != TileClass::kGemm) return d;  // vector lanes run any width at their rate
  if (t.bits_scale_compute) {
    int64_t ws = 1, wf = 1, is = 1, inf = 1;
    const bool ok_w = scale_operand(p, native, d.weight_bits, ws, wf);
    const bool ok_i = scale_operand(p, native, d.input_bits, is, inf);
    if (!ok_w || !ok_i) {
      d.refusal = "MACs on operands of at most " + std::to_string(native) +
                  " bits (precision.wider: REFUSE); this layer has " +
                  std::to_string(d.weight_bits) + "-bit weights and " +
                  std::to_string(d.input_bits) + "-bit inputs";
      return d;
    }
    d.passes = ws * is;
    d.fused = wf * inf;
    d.mac_energy_factor = static_cast<double>(d.passes) / static_cast<double>(d.fused);
  }
  const double density = std::clamp(t.weight_density, 0.0, 1.0);
  if (s.zero_weights() != schema::Sparsity::DENSE) d.mac_energy_factor *= density;
  if (s.zero_weights() == schema::Sparsity::SKIP) d.skipped_density = density;
  return d;
}

int64_t weight_storage_bytes(const CoreSpec& core, int64_t word_bytes, const TileShape& t) {
  const int64_t bits =
      t.weight_bits > 0 ? t.weight_bits : native_bits(precision_of(core), word_bytes);
  return ceil_div(stored_weight_bits(sparsity_of(core), t.weight_elems, bits, t.weight_density), 8);
}

}  // namespace eesim::hw
