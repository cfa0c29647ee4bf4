#pragma once
// What the harnesses do with a clean eesim::Error. It is the right answer to bad input as long as
// its message starts with the culprit's path (STYLE.md rule 8: "file.onnx: node ...",
// "chip.textproto:12: ..."); one that does not name it is a finding, so it aborts and libFuzzer
// keeps the input. EESIM_FUZZ_VERBOSE=1 prints every message, to see why a seed or a reproducer
// is rejected: EESIM_FUZZ_VERBOSE=1 build-fuzz/tests/fuzz/fuzz_onnx FILE...
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/error.h"

namespace eesim::fuzz {

inline void rejected(const Error& e, std::string_view source) {
  static const bool verbose = std::getenv("EESIM_FUZZ_VERBOSE") != nullptr;
  const std::string_view what = e.what();
  if (verbose) std::fprintf(stderr, "eesim::Error: %s\n", e.what());
  if (what.substr(0, source.size()) != source) {
    std::fprintf(stderr, "eesim::Error that does not start with its source '%s': %s\n",
                 std::string(source).c_str(), e.what());
    std::abort();
  }
}

}  // namespace eesim::fuzz
