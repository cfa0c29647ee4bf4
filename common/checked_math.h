#pragma once
// Overflow-checked int64 arithmetic for dimensions, MACs, bytes and cycles: a result that does
// not fit is bad input (an absurd shape or chip), never a silently wrapped number. `what` names
// the culprit; it is a view, so hot paths pass a literal and build no string unless they throw.
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/limits.h"

namespace eesim {

[[noreturn]] inline void throw_overflow(std::string_view what) {
  throw Error(std::string(what) + ": value overflows 64-bit integer");
}

inline int64_t checked_mul(int64_t a, int64_t b, std::string_view what) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) throw_overflow(what);
  return r;
}

inline int64_t checked_add(int64_t a, int64_t b, std::string_view what) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) throw_overflow(what);
  return r;
}

inline int64_t checked_sub(int64_t a, int64_t b, std::string_view what) {
  int64_t r = 0;
  if (__builtin_sub_overflow(a, b, &r)) throw_overflow(what);
  return r;
}

// ceil(a / b) for a >= 0, b > 0: folds, passes and cycles of partly used hardware. Written so
// that it cannot overflow near INT64_MAX (a + b - 1 would).
constexpr int64_t ceil_div(int64_t a, int64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

inline int64_t checked_product(std::span<const int64_t> values, std::string_view what) {
  int64_t r = 1;
  for (int64_t v : values) r = checked_mul(r, v, what);
  return r;
}

// ceil(x) of a cycle count computed in floating point (bytes / bytes_per_cycle): refused when
// it is not a number or beyond kMaxCycles, where the cast to int64 would be undefined.
inline int64_t checked_ceil_cycles(double x, std::string_view what) {
  const double c = std::ceil(x);
  if (!(c >= 0.0 && c <= static_cast<double>(kMaxCycles)))
    throw Error(std::string(what) + ": " + std::to_string(x) +
                " cycles is beyond the 2^53 cycles eesim simulates (an absurd size or rate)");
  return static_cast<int64_t>(c);
}

}  // namespace eesim
