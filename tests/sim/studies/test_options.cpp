// The studies' one options parser (set_option): every key, its default, its bad values with
// the exact message, and the objective registry it resolves names with.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

#include "common/error.h"
#include "hw_models/arch_loader.h"
#include "mapping/fusion.h"
#include "sim/studies/objective.h"
#include "sim/studies/options.h"
#include "tests/sim/two_simd.h"
#include "tests/workloads/exit_nets.h"

using eesim::sim::OptionError;
using eesim::sim::Options;
using eesim::sim::set_option;
using Mode = eesim::mapping::FusionOptions::Mode;

namespace {

Options with(const std::string& key, const std::string& value) {
  Options o;
  set_option(o, key, value);
  return o;
}

// The message set_option throws for key=value (and that it is an OptionError naming both).
std::string error_of(const std::string& key, const std::string& value) {
  Options o;
  try {
    set_option(o, key, value);
  } catch (const OptionError& e) {
    CHECK(e.key == key);
    CHECK(e.value == value);
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("options: the defaults are the CLI's") {
  const Options o;
  CHECK(o.evaluate.policy == eesim::sim::ExitPolicy::kWait);
  CHECK(o.evaluate.fusion.mode == Mode::kOff);
  CHECK(eesim::sim::fusion_text(o.evaluate) == "off");
  CHECK(o.evaluate.objective.name == "expected_edp");
  CHECK(o.evaluate.search.iterations == 200);
  CHECK(o.evaluate.search.seed == 1);
  CHECK_FALSE(o.evaluate.allocator->uses_objective());
  CHECK(o.stream.inputs == 1000);
  CHECK(o.stream.max_in_flight == -1);
  CHECK(o.sweep.probabilities == std::vector<double>{0.1, 0.25, 0.5, 0.75});
  CHECK(o.sweep.head.text == eesim::workloads::kDefaultHead);
  CHECK(o.given.empty());
}

TEST_CASE("options: policy, fusion, objective, iterations and seed set their fields") {
  CHECK(with("policy", "speculate").evaluate.policy == eesim::sim::ExitPolicy::kSpeculate);
  const Options rows = with("fusion", "rows=4");
  CHECK(rows.evaluate.fusion.mode == Mode::kRows);
  CHECK(rows.evaluate.fusion.rows_per_cn == 4);
  CHECK(eesim::sim::fusion_text(rows.evaluate) == "rows=4");
  const Options fit = with("fusion", "auto");
  CHECK(fit.evaluate.fusion.mode == Mode::kAuto);
  CHECK(fit.evaluate.fusion_fits_chip);
  CHECK(eesim::sim::fusion_text(fit.evaluate) == "auto");
  const Options energy = with("objective", "energy");
  CHECK(energy.evaluate.objective.name == "energy");
  CHECK(energy.given == std::set<std::string>{"objective"});
  CHECK(with("iterations", "0").evaluate.search.iterations == 0);
  const Options seed = with("seed", "18446744073709551615");
  CHECK(seed.evaluate.search.seed == UINT64_MAX);
  CHECK(seed.stream.seed == UINT64_MAX);  // one seed for the search and the stream
}

TEST_CASE("options: bad values name the key, the value and what it takes") {
  CHECK(error_of("policy", "maybe") == "policy=maybe: expected wait or speculate");
  CHECK(error_of("fusion", "rows=0") ==
        "fusion=rows=0: expected off, auto or rows=N (1 <= N <= 2^63 - 1)");
  CHECK(error_of("fusion", "rows") ==
        "fusion=rows: expected off, auto or rows=N (1 <= N <= 2^63 - 1)");
  CHECK(error_of("objective", "speed") ==
        "objective=speed: expected latency, energy, edp or expected_edp");
  CHECK(error_of("iterations", "-1") == "iterations=-1: expected an integer >= 0");
  CHECK(error_of("iterations", "1e3") == "iterations=1e3: expected an integer >= 0");
  CHECK(error_of("seed", "-1") == "seed=-1: expected an integer in [0, 2^64 - 1]");
  CHECK(error_of("seed", "18446744073709551616") ==
        "seed=18446744073709551616: expected an integer in [0, 2^64 - 1]");
  CHECK(error_of("inputs", "0") == "inputs=0: expected an integer in [1, 16777216]");
  CHECK(error_of("inputs", "2.5") == "inputs=2.5: expected an integer in [1, 16777216]");
  CHECK(error_of("in-flight", "-2") == "in-flight=-2: expected an integer >= 0");
  CHECK(error_of("trace-inputs", "0") == "trace-inputs=0: expected an integer >= 1");
  CHECK(error_of("arrival", "poisson=0") ==
        "arrival=poisson=0: expected back-to-back, fixed=RATE or poisson=RATE (inputs per "
        "second > 0)");
  CHECK(error_of("arrival", "poisson") ==
        "arrival=poisson: expected back-to-back, fixed=RATE or poisson=RATE (inputs per "
        "second > 0)");
  CHECK(error_of("p", "0.5,x") ==
        "p=0.5,x: 'x' is not a number (expected a list like 0.1,0.25,0.5,0.75)");
  CHECK(error_of("p", "") == "p=: expected a list of exit probabilities like 0.1,0.25,0.5,0.75");
  CHECK(error_of("points", "") == "points=: expected layer names or 'all'");
  CHECK(error_of("bogus", "1") ==
        "bogus=1: unknown option; expected one of policy, fusion, stacks, alloc, objective, "
        "iterations, seconds, allow, seed, precision, bits-file, bits, density, inputs, "
        "arrival, in-flight, trace-inputs, head, p, points");
  CHECK(error_of("seconds", "0") == "seconds=0: expected a time budget in seconds > 0 (e.g. 30)");
  CHECK(error_of("seconds", "inf") ==
        "seconds=inf: expected a time budget in seconds > 0 (e.g. 30)");
  CHECK(error_of("allow", "Conv") ==
        "allow=Conv: expected OP=CORE[,CORE...] (e.g. Conv=tpu0,tpu1), ';' between op types");
  CHECK(error_of("allow", "Conv=a,,b") ==
        "allow=Conv=a,,b: expected OP=CORE[,CORE...] (e.g. Conv=tpu0,tpu1), ';' between op types");
  CHECK(error_of("allow", "conv=tpu0") ==
        "allow=conv=tpu0: 'conv' is not an ONNX op type eesim imports (they are "
        "case-sensitive, e.g. Conv, Gemm, MatMul, Add)");
}

TEST_CASE("options: allow keeps op types to cores; repeated, it adds op types and replaces one") {
  Options o;
  set_option(o, "allow", "Conv=tpu0,tpu1;Gemm=simd");
  set_option(o, "allow", "Conv=tpu2");
  CHECK(o.evaluate.allowed_cores ==
        std::map<std::string, std::vector<std::string>>{{"Conv", {"tpu2"}}, {"Gemm", {"simd"}}});
  set_option(o, "seconds", "2.5");
  CHECK(o.evaluate.search.seconds == 2.5);
  // Names resolve on the chip: a core it lacks is named with the file.
  const auto quad = eesim::hw::load_architecture_file(std::string(EESIM_SOURCE_ROOT) +
                                                      "/examples/arch/quad_edge_tpu.textproto");
  CHECK(eesim::sim::resolve_constraints({{"Conv", {"tpu3", "tpu1"}}}, quad).cores_of_op ==
        std::map<std::string, std::vector<size_t>>{{"Conv", {3, 1}}});
  CHECK_THROWS_WITH_AS(eesim::sim::resolve_constraints({{"Conv", {"simd"}}}, quad),
                       doctest::Contains("option allow: Conv may run on core 'simd', but "),
                       eesim::Error);
}

TEST_CASE("options: stream keys set the stream's fields") {
  CHECK(with("inputs", "16777216").stream.inputs == 16777216);
  CHECK(with("in-flight", "0").stream.max_in_flight == 0);
  CHECK(with("trace-inputs", "6").stream.record_inputs == 6);
  const auto poisson = with("arrival", "poisson=2000").stream.arrival;
  CHECK(poisson.kind == eesim::sim::ArrivalProcess::Kind::kPoisson);
  CHECK(poisson.rate_per_s == 2000);
  const auto fixed = with("arrival", "fixed=0.5").stream.arrival;
  CHECK(fixed.kind == eesim::sim::ArrivalProcess::Kind::kFixed);
  CHECK(fixed.rate_per_s == 0.5);
  CHECK(with("arrival", "back-to-back").stream.arrival.kind ==
        eesim::sim::ArrivalProcess::Kind::kBackToBack);
}

TEST_CASE("options: sweep keys set the head, the probabilities and the points") {
  CHECK(with("head", "gap,fc:4").sweep.head.text == "gap,fc:4");
  CHECK_THROWS_AS(with("head", "bogus"), eesim::Error);
  CHECK(with("p", "0.5,1").sweep.probabilities == std::vector<double>{0.5, 1.0});
  const Options pts = with("points", "relu1,relu2");
  CHECK(pts.sweep.points == std::vector<std::string>{"relu1", "relu2"});
  CHECK(with("points", "all").sweep.points.empty());
  const auto w = eesim::testing::chain_net();
  CHECK(eesim::sim::sweep_point_ids(pts.sweep, w) ==
        std::vector<eesim::workloads::LayerId>{*w.find_layer("relu1"), *w.find_layer("relu2")});
  CHECK_THROWS_WITH_AS(eesim::sim::sweep_point_ids(with("points", "nope").sweep, w),
                       ("points: " + w.name + " has no layer named 'nope'").c_str(), eesim::Error);
}

TEST_CASE("options: alloc takes registered names, name=ARG, or a mapping file's path") {
  CHECK(with("alloc", "search").evaluate.allocator->uses_objective());
  CHECK_FALSE(with("alloc", "pipeline").evaluate.allocator->fixed_layers());
  const std::string choices = eesim::mapping::allocator_choices();
  CHECK(error_of("alloc", "serach") ==
        "alloc=serach: unknown allocator 'serach'; did you mean 'search'?");
  CHECK(error_of("alloc", "greedy") ==
        "alloc=greedy: unknown allocator 'greedy'; expected " + choices);
  CHECK(error_of("alloc", "heft=2") == "alloc=heft=2: allocator 'heft' takes no argument");
  CHECK(error_of("alloc", "file") == "alloc=file: expected file=PATH");
  // A path (a '/', or .txt / .map) is a mapping file, read when given: a missing one says so.
  for (const char* path : {"no/such.map", "nosuch.txt", "nosuch.map", "file=nosuch"})
    CHECK_THROWS_WITH_AS(with("alloc", path), doctest::Contains("cannot open"), eesim::Error);
  const std::string path = "test_options_alloc.txt";
  std::ofstream(path) << "* = v1\n";
  const Options file = with("alloc", path);
  std::remove(path.c_str());
  CHECK(file.evaluate.allocator->fixed_layers());
  CHECK(file.evaluate.allocator->source_file() == path);
}

TEST_CASE("options: stacks=FILE reads stacks and their lines; rows=N sets their bands") {
  const std::string path = "test_options_stacks.txt";
  std::ofstream(path) << "# stacks\nconv1, relu1\n\nconv2 relu2  # two\n";
  Options o = with("stacks", path);
  set_option(o, "fusion", "rows=2");  // in either order
  std::remove(path.c_str());
  CHECK(o.evaluate.fusion.stacks ==
        std::vector<std::vector<std::string>>{{"conv1", "relu1"}, {"conv2", "relu2"}});
  CHECK(o.evaluate.stack_lines == std::vector<int>{2, 4});
  CHECK(eesim::sim::fusion_text(o.evaluate) == "stacks " + path + " (2-row bands)");
  std::ofstream(path) << "# nothing\n";
  CHECK_THROWS_WITH_AS(with("stacks", path),
                       (path + ": no stacks (one stack per line: layer names)").c_str(),
                       eesim::Error);
  std::remove(path.c_str());
}

TEST_CASE("options: objective and iterations without a searching allocator change nothing") {
  Options o;
  set_option(o, "objective", "latency");
  set_option(o, "iterations", "5");
  set_option(o, "seconds", "1");
  CHECK(eesim::sim::ineffective_options(o) ==
        std::vector<std::string>{"objective", "iterations", "seconds"});
  set_option(o, "alloc", "search");
  CHECK(eesim::sim::ineffective_options(o).empty());
}

TEST_CASE("objectives: each name picks its figure of the report; others list the choices") {
  eesim::sim::Report r;
  r.expected_latency_cycles = 2;
  r.expected_energy_pj = 3;
  r.edp_of_means_pj_cycles = 6;
  r.expected_edp_pj_cycles = 7;
  CHECK(eesim::sim::find_objective("latency").value(r) == 2);
  CHECK(eesim::sim::find_objective("energy").value(r) == 3);
  CHECK(eesim::sim::find_objective("edp").value(r) == 6);
  CHECK(eesim::sim::find_objective("expected_edp").value(r) == 7);
  CHECK(eesim::sim::objective_choices() == "latency, energy, edp or expected_edp");
  CHECK_THROWS_WITH_AS(eesim::sim::find_objective("speed"),
                       "objective 'speed': expected latency, energy, edp or expected_edp",
                       eesim::Error);
  CHECK_THROWS_AS(eesim::sim::register_objective("latency", nullptr), std::logic_error);
}

TEST_CASE("options: a stack the stacks file names that cannot be fused is reported at its line") {
  const std::string path = "test_options_bad_stacks.txt";
  std::ofstream(path) << "conv1 relu1\n# the head cannot be cut into rows\nfinal/fc\n";
  const Options o = with("stacks", path);
  std::remove(path.c_str());
  const auto w = eesim::testing::chain_net();
  const auto arch = eesim::hw::load_architecture_text(eesim::testing::kTwoSimd16, "two_simd");
  eesim::hw::CostCache cache(arch);
  const auto profile = eesim::workloads::make_exit_profile(w, {});
  CHECK_THROWS_WITH_AS(eesim::sim::evaluate(w, profile, arch, cache, o.evaluate),
                       (path + ":3: layer 'final/fc' cannot be cut into rows (its output is not "
                               "[N,C,H,W] with H > 1, or an input has another height without a "
                               "window)")
                           .c_str(),
                       eesim::Error);
  // Without a file the typed error keeps its own words.
  eesim::sim::EvaluateOptions direct;
  direct.fusion.stacks = {{"conv1", "nope"}};
  CHECK_THROWS_WITH_AS(eesim::sim::evaluate(w, profile, arch, cache, direct),
                       "fusion stack 0: no layer named 'nope'", eesim::mapping::StackError);
}

TEST_CASE("options: precision sets the mode; bits and density add rules to the spec") {
  using eesim::workloads::PrecisionMode;
  CHECK(Options().evaluate.precision.trivial());
  CHECK(with("precision", "memory").evaluate.precision.mode == PrecisionMode::kMemory);
  CHECK(with("precision", "native").evaluate.precision.mode == PrecisionMode::kNative);
  CHECK(with("precision", "full").evaluate.precision.mode == PrecisionMode::kFull);
  Options o = with("bits", "backbone=w8a8,exits=w4a8");
  set_option(o, "bits", "layer3.*=w4");  // given again: added after the rules before
  const auto& rules = o.evaluate.precision.rules;
  REQUIRE(rules.size() == 3);
  CHECK(rules[0].selector == "backbone");
  CHECK(rules[2].origin == "bits rule 'layer3.*=w4'");
  CHECK(o.given == std::set<std::string>{"bits"});
  CHECK(eesim::sim::ineffective_options(o).empty());
}

TEST_CASE("options: bits-file rules come first, then bits, then density, in any order given") {
  const std::string path = "test_options_bits.txt";
  std::ofstream(path) << "# NAS 8/4\nbackbone = 8\nexits = 4  # heads\n";
  Options o = with("density", "conv1=0.5");
  set_option(o, "bits", "conv1=w2");
  set_option(o, "bits-file", path);
  std::remove(path.c_str());
  std::vector<std::string> order;
  for (const auto& r : o.evaluate.precision.rules) order.push_back(r.origin);
  CHECK(order == std::vector<std::string>{path + ":2", path + ":3", "bits rule 'conv1=w2'",
                                          "density rule 'conv1=0.5'"});
  CHECK(o.bits_files == std::vector<std::string>{path});
}

TEST_CASE("options: a bad precision, bits rule, density or bits file names what it expected") {
  CHECK(error_of("precision", "int8") == "precision=int8: expected full, memory or native");
  CHECK(error_of("bits", "backbone=w8,exits=w99") ==
        "bits=backbone=w8,exits=w99: bits rule 'exits=w99': 99 bits is outside 1..64");
  CHECK(error_of("bits", "exits") ==
        "bits=exits: bits rule 'exits': expected SELECTOR=BITS with BITS one of N, wN, aN, iN, "
        "oN or a run of them like w4a8 (N in 1..64 bits; w: weights, a: activations, i: input, "
        "o: output)");
  CHECK(error_of("density", "conv1=2") ==
        "density=conv1=2: density rule 'conv1=2': density 2 is outside [0, 1]");
  CHECK(error_of("density", "") == "density=: density rules '': expected SELECTOR=VALUE[,...]");
  const std::string path = "test_options_bad_bits.txt";
  std::ofstream(path) << "backbone=8\n\n# heads\nexits=w4x\n";
  CHECK_THROWS_WITH_AS(with("bits-file", path),
                       doctest::Contains((path + ":4: expected SELECTOR=BITS").c_str()),
                       eesim::Error);
  std::remove(path.c_str());
  CHECK_THROWS_WITH_AS(with("bits-file", path), doctest::Contains(path.c_str()), eesim::Error);
}
