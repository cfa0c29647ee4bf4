// ExitProfile: sources, validation and the conditional -> unconditional conversion.
#include <doctest/doctest.h>

#include "common/error.h"
#include "workloads/exit_profile.h"

using namespace eesim::workloads;

namespace {

Workload two_exit_workload() {
  Workload w;
  w.name = "net.onnx";
  w.final_output = "final";
  for (const char* name : {"e1", "e2"}) {
    Exit e;
    e.name = name;
    w.exits.push_back(e);
  }
  return w;
}

}  // namespace

TEST_CASE("unconditional rates: p = (0.2, 0.3) leaves 0.5 for the final output; q_2 = 0.3/0.8") {
  const auto p = make_exit_profile(
      two_exit_workload(), {parse_exit_args({"e1=0.2", "e2=0.3"}, RateKind::kUnconditional)});
  CHECK(p.p == std::vector<double>{0.2, 0.3});
  CHECK(p.p_final == doctest::Approx(0.5));
  CHECK(p.conditional(0) == doctest::Approx(0.2));
  CHECK(p.conditional(1) == doctest::Approx(0.375));
}

TEST_CASE("conditional rates q = (0.5, 0.5) become p = (0.5, 0.25), final 0.25") {
  const auto p = make_exit_profile(two_exit_workload(),
                                   {parse_exit_args({"e1=0.5", "e2=0.5"}, RateKind::kConditional)});
  CHECK(p.p[0] == doctest::Approx(0.5));
  CHECK(p.p[1] == doctest::Approx(0.25));
  CHECK(p.p_final == doctest::Approx(0.25));
  CHECK(p.conditional(1) == doctest::Approx(0.5));
}

TEST_CASE("no rates given: every input reaches the final output") {
  const auto p = make_exit_profile(two_exit_workload(), {});
  CHECK(p.p == std::vector<double>{0.0, 0.0});
  CHECK(p.p_final == 1.0);
}

TEST_CASE("exit file: comments, a rates line, NAME = P lines; the highest-priority source wins") {
  const auto file =
      parse_exit_text("# profile\nrates = conditional\n\ne1 = 0.5  # first\ne2=1\n", "x.txt");
  CHECK(file.kind == RateKind::kConditional);
  const auto p = make_exit_profile(two_exit_workload(), {file});
  CHECK(p.p[1] == doctest::Approx(0.5));
  CHECK(p.p_final == doctest::Approx(0.0));
  const auto args = parse_exit_args({"e2=0.1"}, RateKind::kUnconditional);
  const auto q = make_exit_profile(two_exit_workload(), {file, args});
  CHECK(q.p == std::vector<double>{0.0, 0.1});
  CHECK(q.source == "--exit");
}

TEST_CASE("metadata_props eesim.exit.NAME and eesim.exit_rates") {
  const auto r = exit_rates_from_metadata(
      {{"eesim.exit.e1", "0.25"}, {"eesim.exit_rates", "unconditional"}, {"other", "x"}}, "m.onnx");
  const auto p = make_exit_profile(two_exit_workload(), {r});
  CHECK(p.p[0] == doctest::Approx(0.25));
  CHECK(p.source == "m.onnx metadata_props");
}

TEST_CASE("bad exit profiles: errors name the source, the exit and the problem") {
  const Workload w = two_exit_workload();
  CHECK_THROWS_WITH_AS(
      make_exit_profile(w, {parse_exit_args({"nope=0.1"}, RateKind::kUnconditional)}),
      doctest::Contains("unknown exit 'nope' (exits of net.onnx: e1, e2)"), eesim::Error);
  CHECK_THROWS_WITH_AS(
      make_exit_profile(w, {parse_exit_args({"final=0.1"}, RateKind::kUnconditional)}),
      doctest::Contains("'final' is the final output"), eesim::Error);
  CHECK_THROWS_WITH_AS(parse_exit_args({"e1=1.5"}, RateKind::kUnconditional),
                       doctest::Contains("--exit e1=1.5: probability 1.5 is outside [0,1]"),
                       eesim::Error);
  CHECK_THROWS_WITH_AS(parse_exit_args({"e1=-0.1"}, RateKind::kUnconditional),
                       doctest::Contains("outside [0,1]"), eesim::Error);
  CHECK_THROWS_WITH_AS(parse_exit_args({"e1=abc"}, RateKind::kUnconditional),
                       doctest::Contains("'abc' is not a number"), eesim::Error);
  CHECK_THROWS_WITH_AS(parse_exit_args({"e1=nan"}, RateKind::kUnconditional),
                       doctest::Contains("not a number"), eesim::Error);
  CHECK_THROWS_WITH_AS(parse_exit_args({"e1"}, RateKind::kUnconditional),
                       doctest::Contains("expected NAME=PROBABILITY"), eesim::Error);
  CHECK_THROWS_WITH_AS(parse_exit_args({"e1=0.1", "e1=0.2"}, RateKind::kUnconditional),
                       doctest::Contains("given twice"), eesim::Error);
  CHECK_THROWS_WITH_AS(
      make_exit_profile(w, {parse_exit_args({"e1=0.7", "e2=0.6"}, RateKind::kUnconditional)}),
      doctest::Contains("sum to 1.3, above 1"), eesim::Error);
  CHECK_THROWS_WITH_AS(parse_exit_text("e1 = 0.2\nrates = sometimes\n", "p.txt"),
                       doctest::Contains("p.txt:2: rates 'sometimes'"), eesim::Error);
  CHECK_THROWS_WITH_AS(parse_exit_text("e1 = 0.2\n\ne2 = 2\n", "p.txt"),
                       doctest::Contains("p.txt:3: probability 2"), eesim::Error);
  CHECK_THROWS_WITH_AS(parse_exit_file("/nonexistent/p.txt"), doctest::Contains("cannot open"),
                       eesim::Error);
  CHECK_THROWS_WITH_AS(exit_rates_from_metadata({{"eesim.exit.e1", "7"}}, "m.onnx"),
                       doctest::Contains("m.onnx: metadata_props 'eesim.exit.e1'"), eesim::Error);
}

TEST_CASE("exit names: 200,000 unknown names fail at the first, in linear time") {
  // Was quadratic twice over (a repeat check and a lookup per name): over a minute here.
  std::string text;
  for (int i = 0; i < 200000; ++i) text += "e" + std::to_string(i) + "x = 0.000001\n";
  const ExitRates r = parse_exit_text(text, "many.txt");
  CHECK(r.rates.size() == 200000);
  CHECK_THROWS_WITH_AS(make_exit_profile(two_exit_workload(), {r}),
                       "many.txt:1: unknown exit 'e0x' (exits of net.onnx: e1, e2)", eesim::Error);
  CHECK_THROWS_WITH_AS(parse_exit_text(text + "e5x = 0.1\n", "many.txt"),
                       "many.txt:200001: exit 'e5x' is given twice", eesim::Error);
}

TEST_CASE("exit rates from the Python API name the argument and print numbers as written") {
  const Workload w = two_exit_workload();
  CHECK_THROWS_WITH_AS(exit_rates_from_values({{"e1", -0.3}}, RateKind::kUnconditional, "exits"),
                       "exits['e1']: probability -0.3 is outside [0,1]", eesim::Error);
  CHECK_THROWS_WITH_AS(
      exit_rates_from_values({{"e1", 1.0000001}}, RateKind::kUnconditional, "exits"),
      "exits['e1']: probability 1.0000001 is outside [0,1]", eesim::Error);
  const auto unknown = exit_rates_from_values({{"e3", 0.1}}, RateKind::kUnconditional, "exits");
  CHECK_THROWS_WITH_AS(make_exit_profile(w, {unknown}),
                       "exits['e3']: unknown exit 'e3' (exits of net.onnx: e1, e2)", eesim::Error);
  const auto p = make_exit_profile(
      w, {exit_rates_from_values({{"e2", 0.5}, {"e1", 0.5}}, RateKind::kConditional, "exits")});
  CHECK(p.p == std::vector<double>{0.5, 0.25});  // conditional: e2 leaves half of the rest
  CHECK(p.source == "exits");
}
