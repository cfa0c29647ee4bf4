#pragma once
// CSV fields (RFC 4180): a text field is quoted, with quotes doubled.
#include <string>

namespace eesim {

inline std::string csv_quote(const std::string& s) {
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace eesim
