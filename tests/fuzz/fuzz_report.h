#pragma once
// What the harnesses do with a clean eesim::Error. It is the right answer to bad input as long as
// its message starts with the culprit's path (STYLE.md rule 8: "file.onnx: node ...",
// "chip.textproto:12: ..."); one that does not name it is a finding, so it aborts and libFuzzer
// keeps the input. EESIM_FUZZ_VERBOSE=1 prints every message, to see why a seed or a reproducer
// is rejected: EESIM_FUZZ_VERBOSE=1 build-fuzz/tests/fuzz/fuzz_onnx FILE...
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>

#include "common/error.h"

namespace eesim::fuzz {

// EESIM_FUZZ_VERBOSE is set: print what each input gets.
inline bool verbose() {
  static const bool on = std::getenv("EESIM_FUZZ_VERBOSE") != nullptr;
  return on;
}

// `sources`: the prefixes a message may start with (fuzz_evaluate accepts the model's and the
// chip's: a layer too big for a core names the chip, the layer and the core).
inline void rejected(const Error& e, std::initializer_list<std::string_view> sources) {
  const std::string_view what = e.what();
  if (verbose()) std::fprintf(stderr, "eesim::Error: %s\n", e.what());
  std::string names;
  for (std::string_view source : sources) {
    if (what.substr(0, source.size()) == source) return;
    names += (names.empty() ? "'" : " or '") + std::string(source) + "'";
  }
  std::fprintf(stderr, "eesim::Error that does not start with its source %s: %s\n", names.c_str(),
               e.what());
  std::abort();
}

inline void rejected(const Error& e, std::string_view source) { rejected(e, {source}); }

}  // namespace eesim::fuzz
