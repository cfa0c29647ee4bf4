#pragma once
// Lists of names in messages ("registered: simd, systolic"; "exits of m: exit1, exit2"), and the
// name a misspelt one most likely meant ("did you mean 'search'?").
#include <algorithm>
#include <string>
#include <vector>

namespace eesim {

// The names in order, separated by ", "; empty for none.
inline std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Edits between a and b: insertions, deletions, substitutions and swaps of two adjacent
// characters (optimal string alignment), so "serach" is 1 edit from "search".
inline size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// The candidate `word` most likely misspells: the nearest within 1 + size/4 edits (the first of
// equals, in the candidates' order), else the only one that starts with a `word` of 3 or more
// characters; "" when none is close. `word` itself is never suggested.
inline std::string closest_name(const std::string& word, const std::vector<std::string>& names) {
  std::string best;
  size_t best_distance = 1 + word.size() / 4;
  for (const std::string& n : names) {
    const size_t d = edit_distance(word, n);
    if (d > 0 && (d < best_distance || (best.empty() && d == best_distance))) {
      best = n;
      best_distance = d;
    }
  }
  if (!best.empty() || word.size() < 3) return best;
  std::string prefixed;
  for (const std::string& n : names) {
    if (n.size() <= word.size() || n.compare(0, word.size(), word) != 0) continue;
    if (!prefixed.empty()) return "";  // two or more: which one is not clear
    prefixed = n;
  }
  return prefixed;
}

}  // namespace eesim
