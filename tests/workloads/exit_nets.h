#pragma once
// Small early-exit networks shared by the exit and scenario tests.
#include "tests/workloads/onnx_builder.h"

namespace eesim::testing {

// x -> conv1 -> relu1 -> conv2 -> relu2 -> conv3 -> GAP -> Flatten -> fc ("final").
inline void backbone(OnnxBuilder& b) {
  b.input("x", {1, 4, 8, 8});
  for (const char* w : {"w1", "w2", "w3"}) b.weight(w, {4, 4, 3, 3});
  for (const char* w : {"fa", "fb", "ff"}) b.weight(w, {10, 4});
  auto conv = [&](const char* in, const char* w, const char* out, const char* name) {
    set_ints(b.node("Conv", {in, w}, {out}, name), "pads", {1, 1, 1, 1});
  };
  conv("x", "w1", "c1", "conv1");
  b.node("Relu", {"c1"}, {"r1"}, "relu1");
  conv("r1", "w2", "c2", "conv2");
  b.node("Relu", {"c2"}, {"r2"}, "relu2");
  conv("r2", "w3", "c3", "conv3");
}

// GAP -> Flatten -> Gemm head reading `from`, writing `out`, in graph g.
inline void head(eesim_onnx::GraphProto& g, const std::string& from, const std::string& w,
                 const std::string& out, const std::string& tag) {
  OnnxBuilder::add_node(g, "GlobalAveragePool", {from}, {tag + "_gap"}, tag + "/gap");
  OnnxBuilder::add_node(g, "Flatten", {tag + "_gap"}, {tag + "_flat"}, tag + "/flat");
  set_int(OnnxBuilder::add_node(g, "Gemm", {tag + "_flat", w}, {out}, tag + "/fc"), "transB", 1);
}

// The backbone with its final head only: 7 layers, conv1 relu1 conv2 relu2 conv3 final/gap
// final/fc.
inline workloads::Workload chain_net() {
  OnnxBuilder b;
  backbone(b);
  head(b.graph(), "c3", "ff", "final", "final");
  b.output("final");
  return b.import();
}

// The same with exits at relu1 ("exitA", head a/gap a/fc) and relu2 ("exitB").
inline workloads::Workload chain_net_with_exits() {
  OnnxBuilder b;
  backbone(b);
  head(b.graph(), "c3", "ff", "final", "final");
  head(b.graph(), "r2", "fb", "exitB", "b");
  head(b.graph(), "r1", "fa", "exitA", "a");
  b.output("final").output("exitA").output("exitB");
  return b.import();
}

}  // namespace eesim::testing
