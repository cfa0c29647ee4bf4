// Exit scenarios and wait gates on the two-exit network of tests/workloads/exit_nets.h.
#include <doctest/doctest.h>

#include "sim/plan/scenarios.h"
#include "tests/workloads/exit_nets.h"

using eesim::testing::backbone;
using eesim::testing::head;
using eesim::testing::OnnxBuilder;

namespace {

// Backbone conv1 relu1 conv2 relu2 conv3 + final head; exit A after relu1, exit B after relu2.
eesim::workloads::Workload two_exits() {
  OnnxBuilder b;
  backbone(b);
  head(b.graph(), "c3", "ff", "final", "final");
  head(b.graph(), "r2", "fb", "exitB", "b");
  head(b.graph(), "r1", "fa", "exitA", "a");
  b.output("final").output("exitA").output("exitB");
  return b.import();
}

int count(const std::vector<char>& v) {
  int n = 0;
  for (char c : v) n += c != 0;
  return n;
}

}  // namespace

TEST_CASE("scenarios: leaving at exit A runs 4 layers, at B 8, to the end all 11") {
  const auto w = two_exits();
  REQUIRE(w.num_layers() == 11);  // 5 backbone + 3 heads x (gap, fc); Flatten is a view
  eesim::workloads::ExitProfile p{{"exitA", "exitB"}, {0.5, 0.3}, 0.2, "test"};
  const auto s = eesim::sim::make_scenarios(w, p);
  REQUIRE(s.size() == 3);
  CHECK(s[0].name == "exitA");
  CHECK(s[0].probability == 0.5);
  CHECK(count(s[0].needed) == 4);  // conv1 relu1 a/gap a/fc
  CHECK(s[1].name == "exitB");
  CHECK(count(s[1].needed) == 8);             // + conv2 relu2 b/gap b/fc
  CHECK(s[1].needed[*w.find_layer("a/fc")]);  // exit A's test runs before the input goes on
  CHECK(s[2].name == "final");
  CHECK(s[2].probability == doctest::Approx(0.2));
  CHECK(count(s[2].needed) == 11);
  CHECK(s[2].end_layer == w.final_layer);
}

TEST_CASE("wait gates: conv2 waits for exit A's decision, conv3 for exit B's") {
  const auto w = two_exits();
  const auto gates = eesim::sim::wait_gates(w);
  REQUIRE(gates.size() == 2);
  CHECK(w.layer(gates[0].decision).name == "a/fc");
  REQUIRE(gates[0].gated.size() == 1);
  CHECK(w.layer(gates[0].gated[0]).name == "conv2");
  CHECK(w.layer(gates[1].decision).name == "b/fc");
  REQUIRE(gates[1].gated.size() == 1);  // exit A's head reads relu1 but is not gated by B
  CHECK(w.layer(gates[1].gated[0]).name == "conv3");
}
