// sim::evaluate applies the options' precision spec (mode, bits and density rules) before
// mapping: the report's per-layer bits are the overridden ones, the caller's workload is left as
// it was, a rule that selects nothing is an error at evaluation, and the sweep gives exit rules
// to each mounted head.
#include <doctest/doctest.h>

#include "common/error.h"
#include "hw_models/arch_loader.h"
#include "sim/results/run_report.h"
#include "sim/studies/options.h"
#include "sim/studies/sweep.h"
#include "tests/sim/two_simd.h"
#include "tests/workloads/exit_nets.h"
#include "workloads/exit_profile.h"

namespace wl = eesim::workloads;

namespace {

struct Chip {
  eesim::hw::Architecture arch =
      eesim::hw::load_architecture_text(eesim::testing::kTwoSimd16, "two_simd");
  eesim::hw::CostCache cache{arch};
  eesim::sim::Evaluation evaluate(const wl::Workload& w, const eesim::sim::Options& o) {
    return eesim::sim::evaluate(w, wl::make_exit_profile(w, {}), arch, cache, o.evaluate);
  }
};

eesim::sim::Options options(const std::vector<std::pair<std::string, std::string>>& pairs) {
  eesim::sim::Options o;
  for (const auto& [key, value] : pairs) eesim::sim::set_option(o, key, value);
  return o;
}

// "weight/input/output" bits the report gives the layer named `name`.
std::string reported(const eesim::sim::Report& r, const wl::Workload& w, const std::string& name) {
  const auto& l = r.layers.at(*w.find_layer(name));
  return std::to_string(l.weight_bits) + "/" + std::to_string(l.input_bits) + "/" +
         std::to_string(l.output_bits);
}

}  // namespace

TEST_CASE("evaluate: the report's per-layer bits follow the bits rules; the workload is kept") {
  const auto w = eesim::testing::chain_net_with_exits();
  const wl::Workload before = w;
  Chip chip;
  const auto e = chip.evaluate(w, options({{"bits", "backbone=w8a8,exits=w4a4,conv2=w2"}}));
  CHECK(w == before);
  CHECK(reported(e.report, w, "conv1") == "8/8/8");
  CHECK(reported(e.report, w, "conv2") == "2/8/8");
  CHECK(reported(e.report, w, "relu1") == "0/8/8");
  CHECK(reported(e.report, w, "a/fc") == "4/4/4");
  CHECK(reported(e.report, w, "b/gap") == "0/4/4");
  const auto message = eesim::sim::run_message(e.report, {}, w, chip.arch);
  const auto& fc = message.layers(static_cast<int>(*w.find_layer("a/fc")));
  CHECK(fc.name() == "a/fc");
  CHECK(fc.weight_bits() == 4);
  CHECK(fc.input_bits() == 4);
  CHECK(fc.output_bits() == 4);
  // No rules: the file's bits (fp32).
  const eesim::sim::Options none;
  CHECK(reported(chip.evaluate(w, none).report, w, "conv1") == "32/32/32");
}

TEST_CASE("evaluate: precision=native clears the file's bits before the rules apply") {
  auto w = wl::apply_overrides(eesim::testing::chain_net_with_exits(),
                               wl::parse_bits_rules("backbone=8,exits=8"));
  Chip chip;
  const eesim::sim::Options none;
  CHECK(reported(chip.evaluate(w, none).report, w, "conv1") == "8/8/8");
  const auto native = chip.evaluate(w, options({{"precision", "native"}, {"bits", "exits=w4"}}));
  CHECK(reported(native.report, w, "conv1") == "0/0/0");
  CHECK(reported(native.report, w, "a/fc") == "4/0/0");
  CHECK(reported(chip.evaluate(w, options({{"precision", "memory"}})).report, w, "conv1") ==
        "8/8/8");
}

TEST_CASE("evaluate: a rule that selects no layer of the model is an error naming it") {
  auto w = eesim::testing::chain_net_with_exits();
  w.name = "chain.onnx";
  Chip chip;
  CHECK_THROWS_WITH_AS(chip.evaluate(w, options({{"bits", "backbone=8,layr3.*=w4"}})),
                       "bits rule 'layr3.*=w4': no layer of chain.onnx matches 'layr3.*'",
                       eesim::Error);
  CHECK_THROWS_WITH_AS(chip.evaluate(w, options({{"density", "conv9=0.5"}})),
                       doctest::Contains("density rule 'conv9=0.5': chain.onnx has no layer "
                                         "named 'conv9'"),
                       eesim::Error);
}

TEST_CASE("sweep: exit rules select each mounted head; the bare backbone is evaluated without") {
  const auto w = eesim::testing::chain_net();
  Chip chip;
  const auto head = wl::parse_head("conv1x1:8,relu,gap,fc:10");
  const eesim::sim::Options o = options({{"bits", "backbone=8,exits=w4"}});
  const auto r =
      eesim::sim::sweep_exit_mounts(w, head, {0.5}, {}, chip.arch, chip.cache, o.evaluate);
  CHECK(r.points.size() == 6);
  // A rule naming a layer the sweep does not have is still an error.
  const eesim::sim::Options typo = options({{"bits", "conv9=4"}});
  CHECK_THROWS_WITH_AS(
      eesim::sim::sweep_exit_mounts(w, head, {0.5}, {}, chip.arch, chip.cache, typo.evaluate),
      doctest::Contains("bits rule 'conv9=4'"), eesim::Error);
}

TEST_CASE("evaluate: costs follow the bits: fp32 takes 16 passes on 8-bit lanes, int4 half bytes") {
  // Three 4x4x3x3 convs (144 weights, 9216 MACs on 8x8 pixels) and three 10x4 heads (40
  // weights) on 16-lane SIMD cores whose word is 1 byte (native 8 bits).
  const auto w = eesim::testing::chain_net_with_exits();
  Chip chip;
  const auto int8 = chip.evaluate(w, options({{"bits", "*=8"}})).report;
  const auto int4 = chip.evaluate(w, options({{"bits", "*=w4a8"}})).report;
  const eesim::sim::Options none;  // named: a {} temporary trips GCC 12's maybe-uninitialized
  const auto fp32 = chip.evaluate(w, none).report;
  const auto conv1 = *w.find_layer("conv1");
  CHECK(int8.weight_bytes == 3 * 144 + 3 * 40);
  CHECK(int4.weight_bytes == (3 * 144 + 3 * 40) / 2);
  CHECK(fp32.weight_bytes == 4 * (3 * 144 + 3 * 40));
  CHECK(int8.layers[conv1].weight_bytes == 144);
  // The default mapper splits conv1 over both cores: each half's 4608 MACs on 16 lanes.
  REQUIRE(int8.layers[conv1].cores.size() == 2);
  CHECK(int8.layers[conv1].compute_cycles == 4608 / 16);
  CHECK(int8.layers[conv1].mac_passes == 1);
  REQUIRE(fp32.layers[conv1].cores.size() == 2);
  CHECK(fp32.layers[conv1].compute_cycles == 16 * 4608 / 16);  // 32/8 slices each way
  CHECK(fp32.layers[conv1].mac_passes == 16);
  CHECK(eesim::sim::precision_notes(int8).empty());
  const auto notes = eesim::sim::precision_notes(fp32);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("up to 16 passes") != std::string::npos);
  // Memory only: fp32 bytes, 8-bit arithmetic.
  const auto memory = chip.evaluate(w, options({{"precision", "memory"}})).report;
  CHECK(memory.weight_bytes == fp32.weight_bytes);
  CHECK(memory.layers[conv1].compute_cycles == 4608 / 16);
  CHECK(memory.expected_energy_pj < fp32.expected_energy_pj);
  CHECK(int8.expected_energy_pj < memory.expected_energy_pj);
}
