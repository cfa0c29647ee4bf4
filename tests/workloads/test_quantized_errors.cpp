// Malformed quantized models fail with the file, the node and what is wrong; never a crash.
#include <doctest/doctest.h>

#include "common/error.h"
#include "tests/workloads/quant_nets.h"

using eesim::testing::OnnxBuilder;
using eesim::testing::quant_params;
using eesim::testing::set_int;
using eesim::testing::typed_tensor;

namespace {

const auto kI8 = eesim_onnx::TensorProto::INT8;
const auto kU8 = eesim_onnx::TensorProto::UINT8;

// x [1,3,8,8] -> Conv with weight DQ(w_q [4,3,3,3], inputs `dq_inputs`) -> y.
OnnxBuilder conv_with_dq(const std::vector<std::string>& dq_inputs) {
  OnnxBuilder b(13);
  b.input("x", {1, 3, 8, 8}).output("y");
  typed_tensor(b, "w_q", kI8, {4, 3, 3, 3}, 1);
  b.node("DequantizeLinear", dq_inputs, {"w"}, "w_DQ");
  b.node("Conv", {"x", "w"}, {"y"}, "conv");
  return b;
}

}  // namespace

TEST_CASE("DequantizeLinear without its scale: the file, node and missing input are named") {
  OnnxBuilder b = conv_with_dq({"w_q", "", "w_zp"});
  quant_params(b, "w", 0, kI8, 1);
  CHECK_THROWS_WITH_AS(b.import(),
                       "test.onnx: node 'w_DQ' (DequantizeLinear): missing the scale of x "
                       "(input 1)",
                       eesim::Error);
  OnnxBuilder one = conv_with_dq({"w_q"});
  CHECK_THROWS_WITH_AS(one.import(),
                       doctest::Contains("node 'w_DQ' (DequantizeLinear): takes 2 or 3 inputs "
                                         "(x, scale, zero point), got 1"),
                       eesim::Error);
}

TEST_CASE("unsupported zero-point types: int64 on a Q, a mismatch on a DQ, int4 in the file") {
  OnnxBuilder q(13);
  q.input("x", {1, 4}).output("y");
  quant_params(q, "s", 0, eesim_onnx::TensorProto::INT64, 8);
  q.node("QuantizeLinear", {"x", "s_scale", "s_zp"}, {"xq"}, "x_Q");
  q.node("DequantizeLinear", {"xq", "s_scale", "s_zp"}, {"y"}, "x_DQ");
  CHECK_THROWS_WITH_AS(q.import(),
                       doctest::Contains("node 'x_Q' (QuantizeLinear): the quantized output has "
                                         "type int64; eesim reads quantized tensors of type "
                                         "int8, uint8, int16 or uint16"),
                       eesim::Error);

  OnnxBuilder d = conv_with_dq({"w_q", "w_scale", "w_zp"});
  quant_params(d, "w", 0, kU8, 1);
  CHECK_THROWS_WITH_AS(d.import(),
                       doctest::Contains("node 'w_DQ' (DequantizeLinear): zero point has type "
                                         "uint8 but x has type int8"),
                       eesim::Error);

  OnnxBuilder i4 = conv_with_dq({"w_q", "w_scale", "w_zp"});
  typed_tensor(i4, "w_scale", eesim_onnx::TensorProto::FLOAT, {}, 4);
  auto* zp = i4.graph().add_initializer();
  zp->set_name("w_zp");
  zp->set_data_type(22);  // INT4 (onnx 1.16), not in Debian's onnx.proto
  zp->add_int32_data(0);
  CHECK_THROWS_WITH_AS(i4.import(),
                       doctest::Contains("test.onnx: initializer 'w_zp': data type int4 (22) is "
                                         "not supported"),
                       eesim::Error);
}

TEST_CASE("a per-channel scale of the wrong length names both extents") {
  OnnxBuilder b = conv_with_dq({"w_q", "w_scale", "w_zp"});
  quant_params(b, "w", 3, kI8, 1);
  set_int(b.graph().mutable_node(0)[0], "axis", 0);
  CHECK_THROWS_WITH_AS(b.import(),
                       doctest::Contains("node 'w_DQ' (DequantizeLinear): the per-channel scale "
                                         "of x has 3 values but axis 0 of [4,3,3,3] has 4"),
                       eesim::Error);
}

TEST_CASE("QLinearConv with 7 inputs lists the layout it expects") {
  OnnxBuilder b(13);
  b.input("x", {1, 3, 8, 8}).output("y");
  quant_params(b, "s", 0, kU8, 1);
  quant_params(b, "w", 0, kI8, 1);
  typed_tensor(b, "w_q", kI8, {4, 3, 3, 3}, 1);
  b.node("QuantizeLinear", {"x", "s_scale", "s_zp"}, {"xq"}, "x_Q");
  b.node("QLinearConv", {"xq", "s_scale", "s_zp", "w_q", "w_scale", "w_zp", "s_scale"}, {"y"},
         "conv");
  CHECK_THROWS_WITH_AS(b.import(),
                       "test.onnx: node 'conv' (QLinearConv): takes 8 to 9 inputs (x, x_scale, "
                       "x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, optional "
                       "B), got 7",
                       eesim::Error);
}

TEST_CASE("contrib ops eesim does not model, NHWC pools and blocked scales are refused") {
  OnnxBuilder b(13);
  b.input("x", {1, 4}).output("y");
  b.node("Gelu", {"x"}, {"y"}, "gelu").set_domain("com.microsoft");
  CHECK_THROWS_WITH_AS(b.import(),
                       doctest::Contains("node 'gelu' (Gelu): unsupported op "
                                         "'com.microsoft.Gelu'"),
                       eesim::Error);
  OnnxBuilder ml(13);
  ml.input("x", {1, 4}).output("y");
  ml.node("Scaler", {"x"}, {"y"}, "scaler").set_domain("ai.onnx.ml");
  CHECK_THROWS_WITH_AS(ml.import(), doctest::Contains("unsupported op domain 'ai.onnx.ml'"),
                       eesim::Error);

  OnnxBuilder p(13);
  p.input("x", {1, 4, 6, 6}).output("y");
  quant_params(p, "s", 0, kU8, 1);
  p.node("QuantizeLinear", {"x", "s_scale", "s_zp"}, {"xq"}, "x_Q");
  auto& gap = p.node("QLinearGlobalAveragePool", {"xq", "s_scale", "s_zp", "s_scale", "s_zp"},
                     {"y"}, "gap");
  gap.set_domain("com.microsoft");
  set_int(gap, "channels_last", 1);
  CHECK_THROWS_WITH_AS(p.import(),
                       doctest::Contains("node 'gap' (QLinearGlobalAveragePool): "
                                         "channels_last=1 (NHWC) is not supported"),
                       eesim::Error);

  OnnxBuilder blk = conv_with_dq({"w_q", "w_scale"});
  typed_tensor(blk, "w_scale", eesim_onnx::TensorProto::FLOAT, {4, 3, 3, 3}, 4);
  set_int(blk.graph().mutable_node(0)[0], "block_size", 3);
  CHECK_THROWS_WITH_AS(blk.import(),
                       doctest::Contains("blocked quantization (block_size) is "
                                         "not supported"),
                       eesim::Error);
}
