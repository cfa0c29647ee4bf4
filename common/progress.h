#pragma once
// How a long loop (stream inputs, search moves, sweep points) tells its caller how far it got,
// and how the caller stops it: the CLI draws a progress line and turns Ctrl-C into a clean
// stop; Python turns a pending KeyboardInterrupt into one. The library itself never prints.
#include <cstdint>
#include <functional>
#include <string>

namespace eesim {

struct Progress {
  // Called as units of work complete: `done` of `total` `unit` ("inputs", "search moves").
  // Returns false to stop the loop, which then throws eesim::Interrupted saying what was
  // completed. Called often, from inside simulations: a callback throttles its own drawing and
  // must not throw.
  std::function<bool(const char* unit, int64_t done, int64_t total)> on_step;

  // True to go on.
  bool step(const char* unit, int64_t done, int64_t total) const {
    return !on_step || on_step(unit, done, total);
  }
};

}  // namespace eesim
