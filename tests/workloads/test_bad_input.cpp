// Bad input gets one clear eesim::Error naming the file, node or key; never a crash or hang.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <tuple>

#include "common/error.h"
#include "tests/workloads/onnx_builder.h"

using eesim::testing::OnnxBuilder;
using eesim::testing::set_graph;
using eesim::testing::set_int;
using eesim::testing::set_ints;
using eesim::workloads::import_onnx;
using eesim::workloads::read_onnx_bytes;

namespace {

OnnxBuilder small_model() {
  OnnxBuilder b;
  b.input("x", {1, 3, 8, 8}).weight("w", {4, 3, 3, 3}).output("y");
  set_ints(b.node("Conv", {"x", "w"}, {"c"}, "conv"), "pads", {1, 1, 1, 1});
  b.node("Relu", {"c"}, {"y"}, "relu");
  return b;
}

void import_bytes(const std::string& bytes) { import_onnx(read_onnx_bytes(bytes, "bad.onnx")); }

}  // namespace

TEST_CASE("every truncation of a valid model is rejected with an error naming the file") {
  const std::string bytes = small_model().bytes();
  REQUIRE_NOTHROW(import_bytes(bytes));
  for (size_t cut = 0; cut < bytes.size(); cut += 3)
    CHECK_THROWS_WITH_AS(import_bytes(bytes.substr(0, cut)), doctest::Contains("bad.onnx: "),
                         eesim::Error);
}

TEST_CASE("random bytes are rejected (seeded, 200 buffers)") {
  std::mt19937 rng(42);
  for (int i = 0; i < 200; ++i) {
    std::string junk(1 + rng() % 4096, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    CHECK_THROWS_AS(import_bytes(junk), eesim::Error);
  }
}

TEST_CASE("a protobuf that is not a model: a serialized TensorProto") {
  eesim_onnx::TensorProto t;
  t.set_data_type(eesim_onnx::TensorProto::FLOAT);
  t.add_dims(4);
  t.add_dims(4);
  t.set_raw_data(std::string(64, '\1'));
  CHECK_THROWS_WITH_AS(import_bytes(t.SerializeAsString()),
                       doctest::Contains("bad.onnx: not an ONNX model"), eesim::Error);
}

TEST_CASE("a weight whose raw_data is shorter than its dims need is reported") {
  OnnxBuilder b = small_model();
  b.graph().mutable_initializer(0)->mutable_raw_data()->resize(10);
  CHECK_THROWS_WITH_AS(
      b.import(),
      doctest::Contains("initializer 'w': raw_data holds 10 bytes, its dims and type need 432"),
      eesim::Error);
}

TEST_CASE("an unsupported op names the node and the op") {
  OnnxBuilder b;
  b.input("x", {1, 4}).output("y");
  b.node("FancyAttention", {"x"}, {"y"}, "block7/attn");
  CHECK_THROWS_WITH_AS(
      b.import(),
      doctest::Contains(
          "test.onnx: node 'block7/attn' (FancyAttention): unsupported op 'FancyAttention'"),
      eesim::Error);
}

TEST_CASE("a cycle names the nodes that can never run") {
  OnnxBuilder b;
  b.input("x", {1, 4}).output("b");
  b.node("Add", {"x", "b"}, {"a"}, "n1");
  b.node("Relu", {"a"}, {"b"}, "n2");
  CHECK_THROWS_WITH_AS(b.import(), doctest::Contains("cycle; nodes that can never run: 'n1', 'n2'"),
                       eesim::Error);
}

TEST_CASE("a dangling input names the node and the missing tensor") {
  OnnxBuilder b;
  b.input("x", {1, 4}).output("y");
  b.node("Add", {"x", "ghost"}, {"y"}, "add");
  CHECK_THROWS_WITH_AS(
      b.import(),
      doctest::Contains(
          "node 'add' (Add) reads 'ghost', which no node, initializer or graph input provides"),
      eesim::Error);
}

TEST_CASE("zero, negative and symbolic input dimensions") {
  for (int64_t bad : {0, -3}) {
    OnnxBuilder b;
    b.input("x", {1, bad, 4, 4}).output("y");
    b.node("Relu", {"x"}, {"y"}, "relu");
    CHECK_THROWS_WITH_AS(b.import(), doctest::Contains("graph input 'x' has shape"), eesim::Error);
    CHECK_THROWS_WITH_AS(b.import(), doctest::Contains("dimensions must be positive"),
                         eesim::Error);
  }
  OnnxBuilder b;
  b.input("x", {1, 3, 4, 4}).output("y");
  b.node("Relu", {"x"}, {"y"}, "relu");
  auto* dim = b.graph()
                  .mutable_input(0)
                  ->mutable_type()
                  ->mutable_tensor_type()
                  ->mutable_shape()
                  ->mutable_dim(2);
  dim->set_dim_param("height");
  CHECK_THROWS_WITH_AS(b.import(), doctest::Contains("dimension 2 is symbolic ('height')"),
                       eesim::Error);
  eesim::workloads::ImportOptions o;
  o.input_shapes["x"] = {1, 3, 5, 5};
  CHECK(b.import(o).layer(0).outputs[0].shape == eesim::workloads::Shape{1, 3, 5, 5});
}

TEST_CASE(
    "inconsistent shapes name the node: conv channels, kernel larger than input, bad broadcast") {
  OnnxBuilder b;
  b.input("x", {1, 3, 8, 8}).weight("w", {4, 5, 3, 3}).output("y");
  b.node("Conv", {"x", "w"}, {"y"}, "conv");
  CHECK_THROWS_WITH_AS(
      b.import(),
      doctest::Contains("node 'conv' (Conv): input has 3 channels but weight [4,5,3,3]"),
      eesim::Error);

  OnnxBuilder k;
  k.input("x", {1, 3, 2, 2}).weight("w", {4, 3, 3, 3}).output("y");
  k.node("Conv", {"x", "w"}, {"y"}, "conv");
  CHECK_THROWS_WITH_AS(k.import(), doctest::Contains("larger than the padded input 2"),
                       eesim::Error);

  OnnxBuilder a;
  a.input("x", {1, 3, 4, 4}).input("z", {1, 5, 4, 4}).output("y");
  a.node("Add", {"x", "z"}, {"y"}, "add");
  CHECK_THROWS_WITH_AS(
      a.import(),
      doctest::Contains("node 'add' (Add): shapes [1,3,4,4] and [1,5,4,4] do not broadcast"),
      eesim::Error);
}

TEST_CASE("a graph output that does not depend on the input is rejected") {
  OnnxBuilder b;
  b.input("x", {1, 4}).weight("w", {4}).output("y").output("w2");
  b.node("Relu", {"x"}, {"y"}, "relu");
  b.node("Identity", {"w"}, {"w2"}, "id");
  CHECK_THROWS_WITH_AS(b.import(),
                       doctest::Contains("graph output 'w2' does not depend on the graph input"),
                       eesim::Error);
}

TEST_CASE("a graph output listed twice is an error, not a phantom exit of the same name") {
  OnnxBuilder b;
  b.input("x", {1, 4}).output("y").output("y");
  b.node("Relu", {"x"}, {"y"}, "relu");
  CHECK_THROWS_WITH_AS(b.import(),
                       "test.onnx: graph output 'y' is listed twice (each output is one exit or "
                       "the final output)",
                       eesim::Error);
}
TEST_CASE("absurd sizes are refused before anything is allocated or multiplied") {
  OnnxBuilder in;  // 2^40 columns: past kMaxDim
  in.input("x", {1, int64_t{1} << 40}).output("y");
  in.node("Relu", {"x"}, {"y"}, "relu");
  CHECK_THROWS_WITH_AS(
      in.import(),
      doctest::Contains(
          "graph input 'x' has shape [1,1099511627776]: dimensions must be in [0, 2147483648]"),
      eesim::Error);

  OnnxBuilder w;  // 2^45 elements kept as external data (only the dims are read)
  w.input("x", {1, 4}).output("y");
  auto* t = w.graph().add_initializer();
  t->set_name("huge");
  t->set_data_type(eesim_onnx::TensorProto::FLOAT);
  for (int64_t d : {int64_t{1} << 15, int64_t{1} << 15, int64_t{1} << 15}) t->add_dims(d);
  t->set_data_location(eesim_onnx::TensorProto::EXTERNAL);
  w.node("Add", {"x", "huge"}, {"y"}, "add");
  CHECK_THROWS_WITH_AS(
      w.import(),
      doctest::Contains(
          "initializer 'huge' has shape [32768,32768,32768]: more than 1099511627776 elements"),
      eesim::Error);

  OnnxBuilder r;  // a constant reshaped to 2^40 x 2^40 (each under int64, the product not)
  r.input("x", {1, 4}).ints("v", {7}).ints("to", {int64_t{1} << 40, int64_t{1} << 40}).output("y");
  r.node("Relu", {"x"}, {"y"}, "relu");
  r.node("Expand", {"v", "to"}, {"z"}, "expand");
  CHECK_THROWS_WITH_AS(
      r.import(),
      doctest::Contains("node 'expand' (Expand): output has shape [1099511627776,1099511627776]"),
      eesim::Error);

  OnnxBuilder s;  // a dilation of 2^62 overflowed the window's span, (k - 1) * d + 1
  s.input("x", {1, 3, 8, 8}).weight("w", {4, 3, 3, 3}).output("y");
  set_ints(s.node("Conv", {"x", "w"}, {"y"}, "conv"), "dilations", {int64_t{1} << 62, 1});
  CHECK_THROWS_WITH_AS(
      s.import(),
      doctest::Contains("node 'conv' (Conv): kernel 3, stride 1, dilation 4611686018427387904"),
      eesim::Error);

  OnnxBuilder g;  // group * weight channels overflowed
  g.input("x", {1, 3, 8, 8}).weight("w", {4, 3, 3, 3}).output("y");
  set_int(g.node("Conv", {"x", "w"}, {"y"}, "conv"), "group", INT64_MAX);
  CHECK_THROWS_WITH_AS(
      g.import(),
      doctest::Contains(
          "node 'conv' (Conv): group 9223372036854775807 exceeds the input's 3 channels"),
      eesim::Error);
}
TEST_CASE("a tensor whose element or byte count overflows names the file and the tensor") {
  OnnxBuilder b = small_model();  // 2^32 x 2^32 elements: the count itself overflows
  auto* w = b.graph().mutable_initializer(0);
  w->clear_dims();
  w->add_dims(int64_t{1} << 32);
  w->add_dims(int64_t{1} << 32);
  CHECK_THROWS_WITH_AS(
      b.import(),
      doctest::Contains(
          "test.onnx: initializer 'w': element count: value overflows 64-bit integer"),
      eesim::Error);
  w->clear_dims();  // 2^61 float32 elements: the count fits, its 2^63 bytes do not
  w->add_dims(int64_t{1} << 61);
  CHECK_THROWS_WITH_AS(
      b.import(),
      doctest::Contains("test.onnx: initializer 'w': bytes: value overflows 64-bit integer"),
      eesim::Error);
}
