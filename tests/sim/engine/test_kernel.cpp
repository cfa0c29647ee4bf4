// A fresh SystemC kernel per simulation: many runs in one process, each starting at time 0.
#include <doctest/doctest.h>

#include <atomic>
#include <systemc>
#include <thread>
#include <vector>

#include "sim/engine/kernel.h"

namespace {

// Counts `limit` activations of one SC_METHOD, one nanosecond apart.
struct Ticker : sc_core::sc_module {
  SC_HAS_PROCESS(Ticker);
  Ticker(sc_core::sc_module_name name, int limit) : sc_module(name), limit_(limit) {
    SC_METHOD(tick);
  }
  void tick() {
    if (++count_ < limit_) next_trigger(sc_core::sc_time(1, sc_core::SC_NS));
  }
  int count_ = 0;
  int limit_;
};

}  // namespace

TEST_CASE("sim kernel: 200 simulations in one process each run from time 0 to their own end") {
  for (int run = 0; run < 200; ++run) {
    const int limit = 10 + run % 7;
    eesim::sim::FreshKernel kernel;
    Ticker t("ticker", limit);
    sc_core::sc_start();
    CHECK(t.count_ == limit);
    CHECK(sc_core::sc_time_stamp() == sc_core::sc_time(limit - 1, sc_core::SC_NS));
  }
}

TEST_CASE("sim kernel: 6 threads simulating at once each get a whole run, as if alone") {
  // SystemC's current context and kernel state are process-wide: without the kernel's lock,
  // two threads elaborating at once abort (E512 sc_module_name) or corrupt each other's time.
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t)
    threads.emplace_back([t, &wrong] {
      for (int run = 0; run < 100; ++run) {
        const int limit = 10 + (t + run) % 7;
        eesim::sim::FreshKernel kernel;
        Ticker ticker("ticker", limit);
        sc_core::sc_start();
        if (ticker.count_ != limit ||
            sc_core::sc_time_stamp() != sc_core::sc_time(limit - 1, sc_core::SC_NS))
          ++wrong;
      }
    });
  for (auto& thread : threads) thread.join();
  CHECK(wrong == 0);
}
