// Precision and density overrides (workloads/layer_overrides.h): the rule syntax and its errors,
// the glob, each selector kind on the two-exit chain of tests/workloads/exit_nets.h, precedence,
// and the mode combined with rules.
#include <doctest/doctest.h>

#include "common/error.h"
#include "tests/workloads/exit_nets.h"
#include "workloads/layer_overrides.h"

namespace wl = eesim::workloads;

namespace {

// "weight/input/output" bits of the layer named `name` ("-" for weight bits on a layer without
// weights, which rules leave at 0).
std::string bits_of(const wl::Workload& w, const std::string& name) {
  const wl::Layer& l = w.layer(*w.find_layer(name));
  return (l.weight_params > 0 ? std::to_string(l.weight_bits) : "-") + "/" +
         std::to_string(l.input_bits) + "/" + std::to_string(l.output_bits);
}

wl::Workload with_bits(const wl::Workload& w, const std::string& rules) {
  return wl::apply_overrides(w, wl::parse_bits_rules(rules));
}

std::vector<std::string> names(const wl::Workload& w, const std::vector<wl::LayerId>& ids) {
  std::vector<std::string> out;
  for (wl::LayerId v : ids) out.push_back(w.layer(v).name);
  return out;
}

}  // namespace

TEST_CASE("bits rules: N sets every operand, w/a/i/o one kind, letters run together") {
  const auto bits = [](const std::string& text) {
    const wl::LayerOverride r = wl::parse_bits_rule(text, "t");
    const auto show = [](const std::optional<int64_t>& b) {
      return b ? std::to_string(*b) : std::string("_");
    };
    return r.selector + ":" + show(r.weight_bits) + "/" + show(r.input_bits) + "/" +
           show(r.output_bits);
  };
  CHECK(bits("conv1=8") == "conv1:8/8/8");
  CHECK(bits("conv1=w4") == "conv1:4/_/_");
  CHECK(bits("conv1=a6") == "conv1:_/6/6");
  CHECK(bits("conv1=w4a8") == "conv1:4/8/8");
  CHECK(bits("conv1=a8w4") == "conv1:4/8/8");
  CHECK(bits("conv1=w8i8o4") == "conv1:8/8/4");
  CHECK(bits("conv1=o2") == "conv1:_/_/2");
  CHECK(bits("conv1=1") == "conv1:1/1/1");
  CHECK(bits(" layer3.* = w4 ") == "layer3.*:4/_/_");
  CHECK(bits("a=b=64") == "a=b:64/64/64");  // split at the last '=': names may hold one
  const wl::LayerOverride r = wl::parse_bits_rule("exits=w4a8", "bits.txt:3");
  CHECK(r.origin == "bits.txt:3");
  CHECK_FALSE(r.weight_density);
}

TEST_CASE("bits rules: junk, 0, 65 and an operand set twice are errors naming the rule") {
  const std::string expected =
      "expected SELECTOR=BITS with BITS one of N, wN, aN, iN, oN or a run of them like w4a8 (N "
      "in 1..64 bits; w: weights, a: activations, i: input, o: output)";
  const auto error_of = [](const std::string& text) {
    try {
      (void)wl::parse_bits_rule(text, "rule '" + text + "'");
    } catch (const eesim::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of("conv1=0") == "rule 'conv1=0': 0 bits is outside 1..64");
  CHECK(error_of("conv1=w65") == "rule 'conv1=w65': 65 bits is outside 1..64");
  CHECK(error_of("conv1=w99999999999999999999") ==
        "rule 'conv1=w99999999999999999999': " + expected);
  for (const char* junk : {"conv1", "conv1=", "=8", "conv1=int8", "conv1=w", "conv1=8a", "conv1=W4",
                           "conv1=w4x8", "conv1=-4", "conv1=4.5"})
    CHECK(error_of(junk) == "rule '" + std::string(junk) + "': " + expected);
  CHECK(error_of("conv1=w4w8") ==
        "rule 'conv1=w4w8': 'w4w8' sets an operand twice (" + expected + ")");
  CHECK(error_of("conv1=a8i4") ==
        "rule 'conv1=a8i4': 'a8i4' sets an operand twice (" + expected + ")");
}

TEST_CASE("density rules: a number in [0, 1]; anything else names the rule") {
  CHECK(*wl::parse_density_rule("conv1=0.3", "t").weight_density == 0.3);
  CHECK(*wl::parse_density_rule("conv1=0", "t").weight_density == 0);
  CHECK(*wl::parse_density_rule("conv1=1", "t").weight_density == 1);
  CHECK_FALSE(wl::parse_density_rule("conv1=1", "t").weight_bits);
  CHECK_THROWS_WITH_AS(wl::parse_density_rule("conv1=1.5", "r"), "r: density 1.5 is outside [0, 1]",
                       eesim::Error);
  CHECK_THROWS_WITH_AS(wl::parse_density_rule("conv1=-0.1", "r"),
                       "r: density -0.1 is outside [0, 1]", eesim::Error);
  for (const char* junk : {"conv1=half", "conv1=nan", "conv1=inf", "conv1=0.5x", "conv1"})
    CHECK_THROWS_WITH_AS(wl::parse_density_rule(junk, "r"),
                         "r: expected SELECTOR=DENSITY with DENSITY a number in [0, 1] (the "
                         "fraction of non-zero weights)",
                         eesim::Error);
}

TEST_CASE("rule lists: comma-separated, each rule named by its text; empty entries refused") {
  const auto rules = wl::parse_bits_rules("backbone=w8a8,exits=w4a8,layer3.*=w4");
  REQUIRE(rules.size() == 3);
  CHECK(rules[1].origin == "bits rule 'exits=w4a8'");
  CHECK(rules[2].selector == "layer3.*");
  CHECK(wl::parse_density_rules("conv1=0.3,layer4.*=0.5")[1].origin ==
        "density rule 'layer4.*=0.5'");
  CHECK_THROWS_WITH_AS(wl::parse_bits_rules("backbone=w8,exits=w99"),
                       "bits rule 'exits=w99': 99 bits is outside 1..64", eesim::Error);
  CHECK_THROWS_WITH_AS(wl::parse_bits_rules("backbone=8,,exits=4"),
                       doctest::Contains("bits rule '': expected SELECTOR=BITS"), eesim::Error);
  CHECK_THROWS_WITH_AS(wl::parse_bits_rules("backbone=8,"),
                       "bits rules 'backbone=8,': expected SELECTOR=VALUE[,...]", eesim::Error);
  CHECK_THROWS_WITH_AS(wl::parse_density_rules(""),
                       "density rules '': expected SELECTOR=VALUE[,...]", eesim::Error);
}

TEST_CASE("bits file: one rule per line, '#' comments; errors name the file and line") {
  const auto rules = wl::parse_bits_file(
      "# the NAS study's 8/4\n\nbackbone = w8a8   # all of it\n  exits=w4a4\n", "q.txt");
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].origin == "q.txt:3");
  CHECK(rules[0].selector == "backbone");
  CHECK(*rules[0].weight_bits == 8);
  CHECK(rules[1].origin == "q.txt:4");
  CHECK_THROWS_WITH_AS(wl::parse_bits_file("backbone=8\n\nexits=w0\n", "q.txt"),
                       "q.txt:3: 0 bits is outside 1..64", eesim::Error);
  CHECK_THROWS_WITH_AS(wl::parse_bits_file("# only\n\n", "q.txt"),
                       "q.txt: no rules (one SELECTOR=BITS per line, e.g. backbone=w8a8)",
                       eesim::Error);
}

TEST_CASE("glob: *, ?, sets, ranges and negation over the whole name, '/' included") {
  CHECK(wl::glob_match("layer3.*", "layer3.0/conv1"));
  CHECK_FALSE(wl::glob_match("layer3.*", "layer30"));
  CHECK_FALSE(wl::glob_match("layer3.*", "xlayer3.0"));
  CHECK(wl::glob_match("*/conv*", "/features.1/conv/conv.0/Conv"));
  CHECK_FALSE(wl::glob_match("*/conv*", "/features.1/Conv"));
  CHECK(wl::glob_match("*", ""));
  CHECK(wl::glob_match("a*b*c", "aXbYbZc"));
  CHECK_FALSE(wl::glob_match("a*b*c", "aXbYbZ"));
  CHECK(wl::glob_match("conv?", "conv2"));
  CHECK_FALSE(wl::glob_match("conv?", "conv"));
  CHECK(wl::glob_match("conv[13]", "conv3"));
  CHECK_FALSE(wl::glob_match("conv[13]", "conv2"));
  CHECK(wl::glob_match("conv[1-3]", "conv2"));
  CHECK(wl::glob_match("conv[!1]", "conv2"));
  CHECK_FALSE(wl::glob_match("conv[!12]", "conv2"));
  CHECK(wl::glob_match("[]]x", "]x"));  // ']' first in a set is a member
  CHECK(wl::glob_match("a[b", "a[b"));  // an unclosed '[' is itself
  CHECK(wl::glob_match("[b]ackbone", "backbone"));
}

TEST_CASE("selectors: backbone, exits, exit:NAME, a name and a glob on the two-exit chain") {
  const auto w = eesim::testing::chain_net_with_exits();
  const std::vector<std::string> backbone = {"conv1", "relu1",     "conv2",   "relu2",
                                             "conv3", "final/gap", "final/fc"};
  CHECK(names(w, wl::select_layers(w, "backbone")) == backbone);
  CHECK(names(w, wl::select_layers(w, "exits")) ==
        std::vector<std::string>{"b/gap", "b/fc", "a/gap", "a/fc"});
  CHECK(names(w, wl::select_layers(w, "exit:exitB")) == std::vector<std::string>{"b/gap", "b/fc"});
  CHECK(names(w, wl::select_layers(w, "conv2")) == std::vector<std::string>{"conv2"});
  CHECK(names(w, wl::select_layers(w, "*/fc")) ==
        std::vector<std::string>{"final/fc", "b/fc", "a/fc"});
  CHECK(names(w, wl::select_layers(w, "conv[23]")) == std::vector<std::string>{"conv2", "conv3"});
  CHECK(wl::select_layers(w, "conv9").empty());
  CHECK_THROWS_WITH_AS(wl::select_layers(w, "exit:exitC"),
                       "test.onnx has no exit named 'exitC' (its exits: exitA, exitB)",
                       eesim::Error);
}

TEST_CASE("overrides: each selector kind sets the widths of its layers and no others") {
  const auto w = eesim::testing::chain_net_with_exits();
  CHECK(bits_of(w, "conv1") == "32/32/32");  // a float file
  const auto regions = with_bits(w, "backbone=w8a8,exits=w4a4");
  CHECK(bits_of(regions, "conv1") == "8/8/8");
  CHECK(bits_of(regions, "relu1") == "-/8/8");  // no weights: weight bits stay 0
  CHECK(bits_of(regions, "final/fc") == "8/8/8");
  CHECK(bits_of(regions, "a/gap") == "-/4/4");
  CHECK(bits_of(regions, "a/fc") == "4/4/4");
  CHECK(bits_of(regions, "b/fc") == "4/4/4");
  const auto one_exit = with_bits(w, "exit:exitA=w2");
  CHECK(bits_of(one_exit, "a/fc") == "2/32/32");
  CHECK(bits_of(one_exit, "b/fc") == "32/32/32");
  CHECK(bits_of(one_exit, "conv1") == "32/32/32");
  const auto by_name = with_bits(w, "conv2=o4");
  CHECK(bits_of(by_name, "conv2") == "32/32/4");
  // The consumer keeps its own input bits: what the edge carries is the producer's output_bits,
  // which the cost side reads.
  CHECK(bits_of(by_name, "relu2") == "-/32/32");
  const auto by_glob = with_bits(w, "*/fc=16");
  for (const char* fc : {"final/fc", "a/fc", "b/fc"}) CHECK(bits_of(by_glob, fc) == "16/16/16");
  CHECK(bits_of(by_glob, "a/gap") == "-/32/32");
  // Nothing else changed: the same workload once the overridden fields are put back.
  wl::Workload back = by_glob;
  for (const char* fc : {"final/fc", "a/fc", "b/fc"}) {
    wl::Layer& l = back.graph[*back.find_layer(fc)];
    l.weight_bits = l.input_bits = l.output_bits = 32;
  }
  CHECK(back == w);
}

TEST_CASE("overrides: later rules win where they overlap; each field independently") {
  const auto w = eesim::testing::chain_net_with_exits();
  const auto later = with_bits(w, "backbone=w8a8,conv*=w4,conv3=a16");
  CHECK(bits_of(later, "conv1") == "4/8/8");
  CHECK(bits_of(later, "conv3") == "4/16/16");
  CHECK(bits_of(later, "relu1") == "-/8/8");
  const auto earlier = with_bits(w, "conv*=w4,backbone=w8a8");
  CHECK(bits_of(earlier, "conv1") == "8/8/8");
  // The NAS study's (backbone, exit) = (8, 4): regions then a layer carve-out.
  const auto nas = with_bits(w, "backbone=8,exits=4,exit:exitB=w8");
  CHECK(bits_of(nas, "a/fc") == "4/4/4");
  CHECK(bits_of(nas, "b/fc") == "8/4/4");
}

TEST_CASE("overrides: density sets weighted layers only; bits rules leave density alone") {
  const auto w = eesim::testing::chain_net_with_exits();
  const auto d =
      wl::apply_overrides(w, wl::parse_density_rules("backbone=0.5,conv2=0.25,exits=0.1"));
  CHECK(d.layer(*d.find_layer("conv1")).weight_density == 0.5);
  CHECK(d.layer(*d.find_layer("conv2")).weight_density == 0.25);
  CHECK(d.layer(*d.find_layer("relu1")).weight_density == 1);
  CHECK(d.layer(*d.find_layer("a/fc")).weight_density == 0.1);
  CHECK(d.layer(*d.find_layer("a/gap")).weight_density == 1);
  CHECK(bits_of(d, "conv1") == "32/32/32");
  CHECK(with_bits(d, "conv1=4").layer(*d.find_layer("conv1")).weight_density == 0.5);
}

TEST_CASE("overrides: a rule that selects no layer is an error naming the rule") {
  const auto w = eesim::testing::chain_net_with_exits();
  CHECK_THROWS_WITH_AS(
      with_bits(w, "backbone=8,conv9=4"),
      "bits rule 'conv9=4': test.onnx has no layer named 'conv9' (selectors: a layer name, a "
      "glob such as layer3.*, backbone, exits or exit:NAME)",
      eesim::Error);
  CHECK_THROWS_WITH_AS(with_bits(w, "layr*=4"),
                       "bits rule 'layr*=4': no layer of test.onnx matches 'layr*'", eesim::Error);
  CHECK_THROWS_WITH_AS(with_bits(w, "exit:exitC=4"),
                       "bits rule 'exit:exitC=4': test.onnx has no exit named 'exitC' (its "
                       "exits: exitA, exitB)",
                       eesim::Error);
  CHECK_THROWS_WITH_AS(with_bits(w, "relu*=w4"),
                       "bits rule 'relu*=w4': 'relu*' selects no layer of test.onnx with weights",
                       eesim::Error);
  CHECK_THROWS_WITH_AS(wl::apply_overrides(w, wl::parse_density_rules("*/gap=0.5")),
                       "density rule '*/gap=0.5': '*/gap' selects no layer of test.onnx with "
                       "weights",
                       eesim::Error);
  auto named = eesim::testing::chain_net();
  named.name = "chain.onnx";
  CHECK_THROWS_WITH_AS(with_bits(named, "exits=4"), "bits rule 'exits=4': chain.onnx has no exits",
                       eesim::Error);
  CHECK_THROWS_WITH_AS(
      wl::apply_overrides(named, wl::parse_bits_file("backbone=8\nconv9=4\n", "q.txt")),
      doctest::Contains("q.txt:2: chain.onnx has no layer named 'conv9'"), eesim::Error);
  CHECK_THROWS_WITH_AS(with_bits(named, "exit:x=4"),
                       "bits rule 'exit:x=4': chain.onnx has no exit named 'x' (it has no exits)",
                       eesim::Error);
}

TEST_CASE("precision spec: the mode first, then the rules; trivial only when full and empty") {
  const auto w = eesim::testing::chain_net_with_exits();
  wl::PrecisionSpec spec;
  CHECK(spec.trivial());
  CHECK(wl::apply_precision(w, spec) == w);
  spec.mode = wl::PrecisionMode::kMemory;
  CHECK_FALSE(spec.trivial());
  spec.rules = wl::parse_bits_rules("exits=w4a8");
  const auto memory = wl::apply_precision(w, spec);
  CHECK_FALSE(memory.layer(*memory.find_layer("conv1")).bits_scale_compute);
  CHECK(bits_of(memory, "a/fc") == "4/8/8");
  // native clears what the file says; the rules then set the layers they name.
  auto eight = with_bits(w, "backbone=8");
  spec.mode = wl::PrecisionMode::kNative;
  const auto native = wl::apply_precision(eight, spec);
  CHECK(bits_of(native, "conv1") == "0/0/0");
  CHECK(bits_of(native, "a/fc") == "4/8/8");
  CHECK(native.layer(*native.find_layer("conv1")).bits_scale_compute);
  spec.mode = wl::PrecisionMode::kFull;
  CHECK_FALSE(spec.trivial());
}

TEST_CASE("precision spec: without_exit_rules drops exits and exit:NAME rules only") {
  wl::PrecisionSpec spec;
  spec.rules = wl::parse_bits_rules("backbone=8,exits=4,exit:exitA=2,*/fc=16,exitsX=1");
  const wl::PrecisionSpec kept = wl::without_exit_rules(spec);
  REQUIRE(kept.rules.size() == 3);
  CHECK(kept.rules[0].selector == "backbone");
  CHECK(kept.rules[1].selector == "*/fc");
  CHECK(kept.rules[2].selector == "exitsX");
}
