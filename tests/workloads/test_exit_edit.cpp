// Exit editing in memory: a dropped exit gives the workload the importer gives for the model
// exported without it; rates and precision rules naming a dropped exit are ignored.
#include <doctest/doctest.h>

#include "common/error.h"
#include "tests/workloads/exit_nets.h"
#include "tests/workloads/onnx_builder.h"
#include "workloads/exit_edit.h"
#include "workloads/exit_profile.h"
#include "workloads/layer_overrides.h"

using eesim::testing::backbone;
using eesim::testing::chain_net;
using eesim::testing::chain_net_with_exits;
using eesim::testing::head;
using eesim::testing::OnnxBuilder;
using eesim::workloads::drop_exits;
using eesim::workloads::keep_exits;
using eesim::workloads::LayerOverride;
using eesim::workloads::RateKind;
using eesim::workloads::Workload;

namespace {

// chain_net_with_exits as exported without exitA: no a/gap, a/fc nodes, no exitA output.
Workload chain_net_with_exit_b() {
  OnnxBuilder b;
  backbone(b);
  head(b.graph(), "c3", "ff", "final", "final");
  head(b.graph(), "r2", "fb", "exitB", "b");
  b.output("final").output("exitB");
  return b.import();
}

std::vector<std::string> exit_names(const Workload& w) {
  std::vector<std::string> out;
  for (const auto& e : w.exits) out.push_back(e.name);
  return out;
}

LayerOverride bits_rule(const std::string& text) {
  return eesim::workloads::parse_bits_rule(text, "bits rule '" + text + "'");
}

}  // namespace

TEST_CASE("drop_exits: the workload of the model exported without the exit, ids re-compacted") {
  const Workload full = chain_net_with_exits();
  REQUIRE(full.num_layers() == 11);
  Workload dropped = drop_exits(full, {"exitA"});
  CHECK(dropped.num_layers() == 9);
  CHECK(dropped.dropped_exits == std::vector<std::string>{"exitA"});
  CHECK(exit_names(dropped) == std::vector<std::string>{"exitB"});
  dropped.dropped_exits.clear();  // the one field an import does not have
  CHECK(dropped == chain_net_with_exit_b());
  // keep_exits is the complement; an exit dropped twice is no error.
  Workload kept = keep_exits(full, {"exitB"});
  kept.dropped_exits.clear();
  CHECK(kept == chain_net_with_exit_b());
  CHECK(drop_exits(drop_exits(full, {"exitA"}), {"exitA"}) == drop_exits(full, {"exitA"}));
}

TEST_CASE("keep_exits of none: the backbone alone, as chain_net imports, both exits dropped") {
  Workload w = keep_exits(chain_net_with_exits(), {});
  CHECK(w.dropped_exits == std::vector<std::string>{"exitA", "exitB"});
  w.dropped_exits.clear();
  CHECK(w == chain_net());
  CHECK(drop_exits(chain_net_with_exits(), {"exitB", "exitA"}).dropped_exits ==
        std::vector<std::string>{"exitA", "exitB"});  // in exit order, not the order named
}

TEST_CASE("exit edits: unknown names, the final output and a dropped exit kept are errors") {
  const Workload full = chain_net_with_exits();
  CHECK_THROWS_WITH_AS(drop_exits(full, {"exitC"}),
                       "test.onnx: cannot drop exit 'exitC': no such exit (exits of test.onnx: "
                       "exitA, exitB)",
                       eesim::Error);
  CHECK_THROWS_WITH_AS(drop_exits(full, {"final"}),
                       "test.onnx: cannot drop exit 'final': it is the final output, which every "
                       "model keeps",
                       eesim::Error);
  CHECK_THROWS_WITH_AS(keep_exits(drop_exits(full, {"exitA"}), {"exitA"}),
                       "test.onnx: cannot keep exit 'exitA': that exit was dropped before (exits "
                       "of test.onnx: exitB; dropped: exitA)",
                       eesim::Error);
}

TEST_CASE("rates naming a dropped exit are ignored: unconditional shares reach the final output") {
  const Workload w = drop_exits(chain_net_with_exits(), {"exitA"});
  const auto meta = eesim::workloads::exit_rates_from_metadata(
      {{"eesim.exit.exitA", "0.3"}, {"eesim.exit.exitB", "0.2"}}, "test.onnx");
  const auto p = eesim::workloads::make_exit_profile(w, {meta});
  CHECK(p.exits == std::vector<std::string>{"exitB"});
  CHECK(p.p == std::vector<double>{0.2});
  CHECK(p.p_final == doctest::Approx(0.8));
  // Conditional: the inputs exitA would have taken pass on, and exitB takes half of them all.
  const auto q = eesim::workloads::make_exit_profile(
      w, {eesim::workloads::parse_exit_args({"exitA=0.5", "exitB=0.5"}, RateKind::kConditional)});
  CHECK(q.p == std::vector<double>{0.5});
  // The source still counts as given: naming only the dropped exit overrides the metadata.
  const auto only = eesim::workloads::make_exit_profile(
      w, {meta, eesim::workloads::parse_exit_args({"exitA=0.5"}, RateKind::kUnconditional)});
  CHECK(only.p == std::vector<double>{0.0});
  CHECK_THROWS_WITH_AS(
      eesim::workloads::make_exit_profile(
          w, {eesim::workloads::parse_exit_args({"exitC=0.1"}, RateKind::kUnconditional)}),
      "--exit exitC=0.1: unknown exit 'exitC' (exits of test.onnx: exitB; dropped: exitA)",
      eesim::Error);
}

TEST_CASE("precision rules for dropped exits' heads select nothing and are no error") {
  const Workload one = drop_exits(chain_net_with_exits(), {"exitA"});
  const Workload w = eesim::workloads::apply_overrides(one, {bits_rule("exit:exitA=4")});
  CHECK(w == one);
  const Workload none = keep_exits(chain_net_with_exits(), {});
  CHECK(eesim::workloads::apply_overrides(none, {bits_rule("exits=4")}) == none);
  CHECK_THROWS_WITH_AS(eesim::workloads::apply_overrides(one, {bits_rule("exit:exitC=4")}),
                       doctest::Contains("has no exit named 'exitC'"), eesim::Error);
  // A rule for the exits left still applies to them.
  const Workload b4 = eesim::workloads::apply_overrides(one, {bits_rule("exits=4")});
  CHECK(eesim::testing::layer(b4, "b/fc").weight_bits == 4);
}

TEST_CASE("mount_exit_at: a head at a named layer; the exit is no longer dropped") {
  const Workload w = drop_exits(chain_net_with_exits(), {"exitA"});
  const auto head_text = eesim::workloads::parse_head("gap,fc:10");
  const Workload m = eesim::workloads::mount_exit_at(w, "relu1", head_text, "exitA");
  CHECK(m.dropped_exits.empty());
  CHECK(exit_names(m) == std::vector<std::string>{"exitA", "exitB"});
  CHECK(m.layer(m.exits[0].branch_point).name == "relu1");
  // The mounted head costs what the exported one did (GAP on 4x8x8, Gemm 4 -> 10).
  const Workload full = chain_net_with_exits();
  CHECK(m.total_macs() == full.total_macs());
  CHECK_THROWS_WITH_AS(eesim::workloads::mount_exit_at(w, "nope", head_text, "x"),
                       "test.onnx: cannot mount exit 'x': no layer named 'nope'", eesim::Error);
  CHECK(eesim::workloads::unused_exit_name(m) == "mounted_exit");
}
