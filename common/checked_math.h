#pragma once
// Overflow-checked int64 arithmetic for dimensions, MACs and bytes: a product that does not fit
// is bad input (an absurd shape), never a silently wrapped number.
#include <cstdint>
#include <span>
#include <string>

#include "common/error.h"

namespace eesim {

inline int64_t checked_mul(int64_t a, int64_t b, const std::string& what) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) throw Error(what + ": value overflows 64-bit integer");
  return r;
}

inline int64_t checked_add(int64_t a, int64_t b, const std::string& what) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) throw Error(what + ": value overflows 64-bit integer");
  return r;
}

// ceil(a / b) for a >= 0, b > 0: folds, passes and cycles of partly used hardware.
constexpr int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

inline int64_t checked_product(std::span<const int64_t> values, const std::string& what) {
  int64_t r = 1;
  for (int64_t v : values) r = checked_mul(r, v, what);
  return r;
}

}  // namespace eesim
