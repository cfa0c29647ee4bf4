#pragma once
// Lists of names in messages ("registered: simd, systolic"; "exits of m: exit1, exit2").
#include <string>
#include <vector>

namespace eesim {

// The names in order, separated by ", "; empty for none.
inline std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace eesim
