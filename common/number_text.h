#pragma once
// Numbers in messages as the user wrote them: the shortest text that reads back as the same
// value ("0.3", "1e-12", "nan"), the same text Python's repr gives a float. Independent of
// stream precision flags and locale.
#include <charconv>
#include <string>
#include <type_traits>

namespace eesim {

template <typename T>
std::string shortest_text(T v) {
  static_assert(std::is_arithmetic_v<T>);
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, res.ptr);
}

}  // namespace eesim
