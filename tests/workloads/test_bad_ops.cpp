// Bad ops: op handlers that fold constants or check arity get one eesim::Error naming the file
// and node (found by tests/fuzz, fuzz_onnx); never a wrapped number, a crash or an allocation
// sized by the file.
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

// Found by tests/fuzz (fuzz_onnx): op handlers that folded constants read inputs a node does not
// have, or converted, added and indexed values without checking them. Each is now an error
// naming the node.

namespace {

eesim_onnx::TensorProto& float_constant(OnnxBuilder& b, const std::string& name,
                                        const std::vector<int64_t>& dims,
                                        const std::vector<float>& values) {
  auto* t = b.graph().add_initializer();
  t->set_name(name);
  t->set_data_type(eesim_onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  for (float v : values) t->add_float_data(v);
  return *t;
}

}  // namespace

TEST_CASE("a binary op, Where or Cast with the wrong number of inputs names the node") {
  OnnxBuilder b;
  b.input("x", {1, 4}).ints("k", {3}).output("y");
  b.node("Relu", {"x"}, {"y"}, "relu");
  b.node("Or", {}, {"none"}, "or");  // no inputs: the fold read v[0] of an empty list
  CHECK_THROWS_WITH_AS(b.import(), doctest::Contains("node 'or' (Or): takes 2 inputs, got 0"),
                       eesim::Error);
  b.graph().mutable_node(1)->add_input("k");  // one input: the fold read v[1]
  CHECK_THROWS_WITH_AS(b.import(), doctest::Contains("node 'or' (Or): takes 2 inputs, got 1"),
                       eesim::Error);
  b.graph().mutable_node(1)->add_input("");  // an omitted second input
  CHECK_THROWS_WITH_AS(b.import(), doctest::Contains("node 'or' (Or): missing required input 1"),
                       eesim::Error);

  OnnxBuilder w;
  w.input("x", {1, 4}).ints("c", {1}).ints("k", {3}).output("y");
  w.node("Relu", {"x"}, {"y"}, "relu");
  w.node("Where", {"c", "k"}, {"z"}, "where");
  CHECK_THROWS_WITH_AS(w.import(), doctest::Contains("node 'where' (Where): takes 3 inputs, got 2"),
                       eesim::Error);

  OnnxBuilder c;  // Cast's fold broadcast a second input of another shape into the output
  c.input("x", {1, 4}).ints("a", {1, 2, 3}).ints("k", {4, 5}).output("y");
  c.node("Relu", {"x"}, {"y"}, "relu");
  set_int(c.node("Cast", {"a", "k"}, {"z"}, "cast"), "to", 1);
  CHECK_THROWS_WITH_AS(c.import(), doctest::Contains("node 'cast' (Cast): takes 1 input, got 2"),
                       eesim::Error);
}

TEST_CASE("an axis on a scalar (rank 0) is an error, not an index into an empty shape") {
  for (const char* op : {"Concat", "ArgMax", "Softmax", "Gather", "Split"}) {
    CAPTURE(op);
    OnnxBuilder b;
    b.input("x", {1, 4}).output("y");
    b.node("Relu", {"x"}, {"y"}, "relu");
    b.node("ReduceMax", {"y"}, {"s"}, "max");  // keepdims=0 below: a scalar activation
    set_int(*b.graph().mutable_node(1), "keepdims", 0);
    b.node(op, {"s", "s"}, {"z"}, "op");
    b.output("z");
    CHECK_THROWS_WITH_AS(b.import(),
                         doctest::Contains(("node 'op' (" + std::string(op) + "): axis ").c_str()),
                         eesim::Error);
    CHECK_THROWS_WITH_AS(b.import(),
                         doctest::Contains("given for a scalar (rank 0), which has no axes"),
                         eesim::Error);
  }
}

TEST_CASE("folding a real that no int64 holds (Range count, Cast, a float shape) is an error") {
  OnnxBuilder r;  // delta 1e-40 would make 2e45 elements, then a cast of that to int64
  r.input("x", {1, 4}).output("y");
  r.node("Relu", {"x"}, {"y"}, "relu");
  float_constant(r, "start", {}, {0.0f});
  float_constant(r, "limit", {}, {1e5f});
  float_constant(r, "delta", {}, {1e-40f});
  r.node("Range", {"start", "limit", "delta"}, {"rng"}, "range");
  CHECK_THROWS_WITH_AS(r.import(), doctest::Contains("node 'range' (Range): range of"),
                       eesim::Error);
  CHECK_THROWS_WITH_AS(r.import(), doctest::Contains("elements is too large to fold"),
                       eesim::Error);

  OnnxBuilder c;
  c.input("x", {1, 4}).output("y");
  c.node("Relu", {"x"}, {"y"}, "relu");
  float_constant(c, "big", {1}, {1e30f});
  set_int(c.node("Cast", {"big"}, {"z"}, "cast"), "to", eesim_onnx::TensorProto::INT64);
  CHECK_THROWS_WITH_AS(
      c.import(),
      doctest::Contains(
          "node 'cast' (Cast): folding constants: value 1000000015047466219876688855040"),
      eesim::Error);

  OnnxBuilder s;  // a Reshape target given as floats, one of them NaN
  s.input("x", {1, 4}).output("y");
  float_constant(s, "shape", {2}, {1.0f, NAN});
  s.node("Reshape", {"x", "shape"}, {"y"}, "reshape");
  CHECK_THROWS_WITH_AS(
      s.import(),
      doctest::Contains("node 'reshape' (Reshape): shape: value nan does not fit a 64-bit integer"),
      eesim::Error);
}

TEST_CASE("integer folding that overflows int64 is an error naming the node") {
  for (const auto& [op, a, b] :
       {std::tuple{"Mul", INT64_MAX, int64_t{2}}, std::tuple{"Add", INT64_MAX, int64_t{1}},
        std::tuple{"Sub", INT64_MIN, int64_t{1}}, std::tuple{"Div", INT64_MIN, int64_t{-1}}}) {
    CAPTURE(op);
    OnnxBuilder g;
    g.input("x", {1, 4}).ints("a", {a}).ints("b", {b}).output("y");
    g.node("Relu", {"x"}, {"y"}, "relu");
    g.node(op, {"a", "b"}, {"z"}, "op");
    CHECK_THROWS_WITH_AS(g.import(),
                         doctest::Contains(("node 'op' (" + std::string(op) +
                                            "): folding constants: value overflows 64-bit integer")
                                               .c_str()),
                         eesim::Error);
  }
  OnnxBuilder m;  // INT64_MIN % -1 traps on x86; the answer is 0, so the shape is [0 + 4]
  m.input("x", {1, 4}).ints("a", {INT64_MIN}).ints("b", {-1}).ints("four", {4}).output("y");
  m.node("Mod", {"a", "b"}, {"zero"}, "mod");
  m.node("Add", {"zero", "four"}, {"shape"}, "add");
  m.node("Reshape", {"x", "shape"}, {"flat"}, "reshape");
  m.node("Relu", {"flat"}, {"y"}, "relu");
  CHECK(m.import().layer(0).inputs[0].shape == eesim::workloads::Shape{4});
}

TEST_CASE("Split without outputs or with a negative part, Expand to a negative size, huge Pad") {
  OnnxBuilder s;  // no outputs: the equal split divided by zero
  s.input("x", {1, 4}).output("y");
  s.node("Relu", {"x"}, {"y"}, "relu");
  s.node("Split", {"y"}, {}, "split");
  CHECK_THROWS_WITH_AS(s.import(),
                       doctest::Contains("node 'split' (Split): has no outputs to split into"),
                       eesim::Error);

  OnnxBuilder n;
  n.input("x", {1, 4}).ints("parts", {6, -2}).output("a").output("b");
  n.node("Split", {"x", "parts"}, {"a", "b"}, "split");
  set_int(*n.graph().mutable_node(0), "axis", 1);
  CHECK_THROWS_WITH_AS(n.import(),
                       doctest::Contains("node 'split' (Split): split [6,-2] has a negative part"),
                       eesim::Error);

  OnnxBuilder e;  // a negative target dim reached a vector of negative size in the fold
  e.input("x", {1, 4}).ints("v", {1, 2}).ints("to", {-3, 2}).output("y");
  e.node("Relu", {"x"}, {"y"}, "relu");
  e.node("Expand", {"v", "to"}, {"z"}, "expand");
  CHECK_THROWS_WITH_AS(e.import(),
                       doctest::Contains("node 'expand' (Expand): cannot expand [2] to [-3,2]"),
                       eesim::Error);

  OnnxBuilder p;
  p.input("x", {1, 4}).ints("pads", {0, INT64_MAX, 0, 1}).output("y");
  p.node("Pad", {"x", "pads"}, {"y"}, "pad");
  CHECK_THROWS_WITH_AS(p.import(),
                       doctest::Contains("node 'pad' (Pad): value overflows 64-bit integer"),
                       eesim::Error);
}

TEST_CASE("an overflow deep inside an op handler still names the file and the node") {
  OnnxBuilder p;  // [1 + 2^40, 4 + 2^40]: each dim fits int64, their product does not
  p.input("x", {1, 4}).ints("pads", {int64_t{1} << 40, int64_t{1} << 40, 0, 0}).output("y");
  p.node("Pad", {"x", "pads"}, {"y"}, "pad");
  CHECK_THROWS_WITH_AS(
      p.import(),
      doctest::Contains(
          "test.onnx: node 'pad' (Pad): element count: value overflows 64-bit integer"),
      eesim::Error);
}

TEST_CASE("Slice with an extreme step has the ONNX length, no overflow") {
  OnnxBuilder b;
  b.input("x", {1, 6}).ints("starts", {5}).ints("ends", {INT64_MIN}).ints("axes", {1});
  b.ints("steps", {INT64_MIN}).output("y");
  b.node("Slice", {"x", "starts", "ends", "axes", "steps"}, {"y"}, "slice");
  CHECK(b.import().layer(0).outputs[0].shape == eesim::workloads::Shape{1, 1});  // just x[:, 5]
  b.graph().mutable_initializer(3)->set_int64_data(0, INT64_MAX);
  b.graph().mutable_initializer(0)->set_int64_data(0, 0);
  b.graph().mutable_initializer(1)->set_int64_data(0, INT64_MAX);
  CHECK(b.import().layer(0).outputs[0].shape == eesim::workloads::Shape{1, 1});  // just x[:, 0]
}

TEST_CASE("Clip bounds and a ConstantOfShape value must hold one element") {
  OnnxBuilder c;  // an empty min: the handler read element 0 of nothing
  c.input("x", {1, 4}).output("y");
  float_constant(c, "lo", {0}, {});
  c.node("Clip", {"x", "lo"}, {"y"}, "clip");
  CHECK_THROWS_WITH_AS(
      c.import(), doctest::Contains("node 'clip' (Clip): min (input 1) must be a scalar, got [0]"),
      eesim::Error);

  OnnxBuilder k;  // std::out_of_range escaped from the empty fill value
  k.input("x", {1, 4}).ints("shape", {2}).output("y");
  k.node("Relu", {"x"}, {"y"}, "relu");
  auto& n = k.node("ConstantOfShape", {"shape"}, {"z"}, "fill");
  auto* a = n.add_attribute();
  a->set_name("value");
  a->set_type(eesim_onnx::AttributeProto::TENSOR);
  a->mutable_t()->set_data_type(eesim_onnx::TensorProto::FLOAT);
  a->mutable_t()->add_dims(0);
  CHECK_THROWS_WITH_AS(
      k.import(),
      doctest::Contains(
          "node 'fill' (ConstantOfShape): attribute 'value' must hold one element, got [0]"),
      eesim::Error);
}

TEST_CASE("an If on an empty constant, or with a branch that ignores the input, is an error") {
  auto branch = [](const std::string& name, const std::string& op, const std::string& in) {
    auto g = OnnxBuilder::subgraph(name);
    OnnxBuilder::add_node(g, op, {in}, {name + "_out"}, name + "/op");
    g.add_output()->set_name(name + "_out");
    return g;
  };
  OnnxBuilder e;  // std::out_of_range escaped from the empty condition
  e.input("x", {1, 4}).output("y");
  auto* t = e.graph().add_initializer();
  t->set_name("cond");
  t->set_data_type(eesim_onnx::TensorProto::BOOL);
  t->add_dims(0);
  auto& if_e = e.node("If", {"cond"}, {"y"}, "if");
  set_graph(if_e, "then_branch", branch("then", "Relu", "x"));
  set_graph(if_e, "else_branch", branch("else", "Sigmoid", "x"));
  CHECK_THROWS_WITH_AS(
      e.import(),
      doctest::Contains("node 'if' (If): condition 'cond' must be a single boolean, got shape [0]"),
      eesim::Error);

  OnnxBuilder c;  // the exit candidate's layer id was -1: data_ancestors indexed past the graph
  c.input("x", {1, 4}).weight("w", {1, 4}).output("y");
  c.node("ReduceMax", {"x"}, {"m"}, "max");
  c.scalar("thr", 0.5f);
  c.node("Greater", {"m", "thr"}, {"cond"}, "greater");
  auto& if_c = c.node("If", {"cond"}, {"y"}, "if");
  set_graph(if_c, "then_branch", branch("then", "Relu", "x"));
  set_graph(if_c, "else_branch", branch("else", "Identity", "w"));
  CHECK_THROWS_WITH_AS(
      c.import(),
      doctest::Contains(
          "node 'if' (If): else_branch's first output does not depend on the graph input"),
      eesim::Error);
}

TEST_CASE("an If branch that declares inputs names the file once") {
  // Found by fuzz_evaluate: "fuzz.onnx: fuzz.onnx: node 'inner' (If) then_branch ...".
  const auto model = [] {
    OnnxBuilder b;
    b.input("x", {1, 4}).output("y");
    b.node("ReduceMax", {"x"}, {"m"}, "max");
    b.scalar("thr", 0.5f);
    b.node("Greater", {"m", "thr"}, {"cond"}, "greater");
    auto then_g = OnnxBuilder::subgraph("then");
    then_g.add_input()->set_name("z");
    OnnxBuilder::add_node(then_g, "Relu", {"x"}, {"t"}, "then/relu");
    then_g.add_output()->set_name("t");
    auto else_g = OnnxBuilder::subgraph("else");
    OnnxBuilder::add_node(else_g, "Sigmoid", {"x"}, {"e"}, "else/sig");
    else_g.add_output()->set_name("e");
    auto& node = b.node("If", {"cond"}, {"y"}, "if");
    set_graph(node, "then_branch", then_g);
    set_graph(node, "else_branch", else_g);
    return b;
  };
  CHECK_THROWS_WITH_AS(model().import(),
                       "test.onnx: node 'if' (If) then_branch declares inputs; If branches take "
                       "none",
                       eesim::Error);
}

TEST_CASE("Concat folds an int64 piece and a float piece into one consistent constant") {
  OnnxBuilder b;  // the float piece's values went to `reals`, the int piece's to `ints`
  b.input("x", {2, 3}).ints("a", {2}).output("y");
  float_constant(b, "f", {1}, {3.0f});
  b.node("Concat", {"a", "f"}, {"shape"}, "cat");
  set_int(*b.graph().mutable_node(0), "axis", 0);
  b.node("Reshape", {"x", "shape"}, {"r"}, "reshape");
  b.node("Relu", {"r"}, {"y"}, "relu");
  CHECK(b.import().layer(0).inputs[0].shape == eesim::workloads::Shape{2, 3});
}
