// The seeded allocation search with a fitness computable by hand.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "common/error.h"
#include "mapping/search.h"

using eesim::mapping::Allocation;
using eesim::mapping::kUnsupported;

namespace {

// 10 layers, 3 cores; layer 3 cannot run on core 2. Fitness: distance from a target mapping.
const std::vector<size_t> kTarget = {0, 0, 1, 1, 2, 2, 2, 0, 1, 2};

double distance(const Allocation& a) {
  double d = 0;
  for (size_t v = 0; v < kTarget.size(); ++v)
    d += std::abs(static_cast<int>(a.core_of_layer[v]) - static_cast<int>(kTarget[v]));
  return d;
}

std::vector<std::vector<int64_t>> cycles() {
  std::vector<std::vector<int64_t>> c(10, std::vector<int64_t>(3, 1));
  c[3][2] = kUnsupported;
  return c;
}

}  // namespace

TEST_CASE("search: hill climbing reaches the target, never uses an unsupported core, and repeats") {
  const Allocation start{std::vector<size_t>(10, 0), "heft"};
  eesim::mapping::SearchOptions o;
  o.seed = 7;
  o.iterations = 5000;
  int64_t calls = 0;
  const auto fitness = [&](const Allocation& a) {
    ++calls;
    CHECK(a.core_of_layer[3] != 2);
    return distance(a);
  };
  const auto r = eesim::mapping::search_allocation(start, cycles(), fitness, o);
  CHECK(r.start_fitness == 11);  // all on core 0: 1 x 3 (target 1) + 2 x 4 (target 2)
  CHECK(r.best_fitness == 0);
  CHECK(r.best.core_of_layer == kTarget);
  CHECK(r.best.method == "search (seed 7)");
  CHECK(r.evaluations == calls);
  CHECK(r.improvements > 0);
  const auto again = eesim::mapping::search_allocation(start, cycles(), distance, o);
  CHECK(again.best == r.best);
  CHECK(again.evaluations == r.evaluations);
  o.iterations = 0;
  CHECK(eesim::mapping::search_allocation(start, cycles(), distance, o).best.core_of_layer ==
        start.core_of_layer);
}

TEST_CASE("search: progress counts moves; a stop request ends it with what was done") {
  const Allocation start{std::vector<size_t>(10, 0), "heft"};
  eesim::mapping::SearchOptions o;
  o.seed = 7;
  o.iterations = 1'000'000'000;  // far more than the test waits for
  int64_t calls = 0;
  const auto fitness = [&](const Allocation& a) {
    ++calls;
    return distance(a);
  };
  o.progress.on_step = [](const char* unit, int64_t done, int64_t total) {
    CHECK(std::string(unit) == "search moves");
    CHECK(total == 1'000'000'000);
    return done < 100;
  };
  std::string message;
  try {
    eesim::mapping::search_allocation(start, cycles(), fitness, o);
  } catch (const eesim::Interrupted& e) {
    message = e.what();
  }
  // 100 moves tried; the simulations are the start's and those of the real moves among them.
  CHECK(calls > 1);
  CHECK(calls <= 101);
  CHECK(message.rfind("search stopped after 100 of 1000000000 moves (" + std::to_string(calls) +
                          " simulations, ",
                      0) == 0);
}

TEST_CASE("search: a time budget ends it early and says so; the moves otherwise") {
  const Allocation start{std::vector<size_t>(10, 0), "heft"};
  eesim::mapping::SearchOptions o;
  o.seed = 7;
  o.iterations = 1'000'000'000;
  o.seconds = 1e-9;  // spent before the first move's check
  const auto cut = eesim::mapping::search_allocation(start, cycles(), distance, o);
  CHECK(cut.stopped_by_time);
  CHECK(cut.moves == 0);
  CHECK(cut.evaluations == 1);  // the start's own
  CHECK(cut.best.core_of_layer == start.core_of_layer);
  o.iterations = 50;
  o.seconds = 0;  // no budget: every move is tried
  const auto all = eesim::mapping::search_allocation(start, cycles(), distance, o);
  CHECK_FALSE(all.stopped_by_time);
  CHECK(all.moves == 50);
}
