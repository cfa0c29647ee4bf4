#pragma once
// Sizes no edge chip or network can have. Anything beyond is refused as bad input with a clear
// error, before it is allocated, looped over or multiplied into a wrapped number.
#include <cstdint>

namespace eesim {

// One tensor dimension: 2^31 already exceeds any image side, channel or token count we model.
inline constexpr int64_t kMaxDim = int64_t{1} << 31;
// Elements of one tensor: 2^40 (a TiB at one byte each) is far past any edge chip's DRAM.
inline constexpr int64_t kMaxTensorElements = int64_t{1} << 40;
// Cycles of one simulated run: 2^53 keeps every cycle count exact in a double (JSON, Python)
// and is 104 days at 1 GHz, so a bigger figure is a broken architecture or mapping, not a result.
inline constexpr int64_t kMaxCycles = int64_t{1} << 53;

}  // namespace eesim
