#pragma once
// The small network the split tests compute by hand: x[1,2,4,4] -> relu0 -> conv1 (3x3, pad 1,
// 2 -> 4 channels) -> conv2 (1x1, 4 -> 4 channels).
#include "tests/workloads/onnx_builder.h"
#include "workloads/workload.h"

namespace eesim::testing {

inline workloads::Workload split_net() {
  OnnxBuilder b;
  b.input("x", {1, 2, 4, 4});
  b.weight("w1", {4, 2, 3, 3}).weight("w2", {4, 4, 1, 1});
  b.node("Relu", {"x"}, {"r0"}, "relu0");
  set_ints(b.node("Conv", {"r0", "w1"}, {"c1"}, "conv1"), "pads", {1, 1, 1, 1});
  b.node("Conv", {"c1", "w2"}, {"c2"}, "conv2");
  b.output("c2");
  return b.import_native();
}

}  // namespace eesim::testing
