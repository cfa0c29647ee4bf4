#pragma once
// Test helper: builds small ONNX models as bytes with the generated protobuf classes, so unit
// tests need no exporter and every shape and count in them can be computed by hand.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "eesim_onnx.pb.h"  // onnx.proto renamed to package eesim_onnx (workloads/meson.build)
#include "workloads/importer.h"
#include "workloads/onnx_reader.h"
#include "workloads/precision.h"

namespace doctest {
template <>
struct StringMaker<std::vector<int64_t>> {
  static String convert(const std::vector<int64_t>& v) {
    return eesim::workloads::to_string(v).c_str();
  }
};
}  // namespace doctest

namespace eesim::testing {

class OnnxBuilder {
 public:
  explicit OnnxBuilder(int64_t opset = 13) : graph_(model_.mutable_graph()) {
    model_.set_ir_version(8);
    model_.set_producer_name("eesim-tests");
    model_.add_opset_import()->set_version(opset);
    graph_->set_name("test");
  }

  // Builders for a branch graph (If's then_branch / else_branch): no model around it.
  static eesim_onnx::GraphProto subgraph(const std::string& name) {
    eesim_onnx::GraphProto g;
    g.set_name(name);
    return g;
  }

  eesim_onnx::GraphProto& graph() { return *graph_; }
  eesim_onnx::ModelProto& model() { return model_; }

  OnnxBuilder& input(const std::string& name, const std::vector<int64_t>& dims) {
    auto* v = graph_->add_input();
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(eesim_onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t->mutable_shape()->add_dim()->set_dim_value(d);
    return *this;
  }
  OnnxBuilder& output(const std::string& name) {
    graph_->add_output()->set_name(name);
    return *this;
  }
  // A float weight of zeros (only its dims matter).
  OnnxBuilder& weight(const std::string& name, const std::vector<int64_t>& dims) {
    auto* t = graph_->add_initializer();
    t->set_name(name);
    t->set_data_type(eesim_onnx::TensorProto::FLOAT);
    int64_t n = 1;
    for (int64_t d : dims) t->add_dims(d), n *= d;
    t->set_raw_data(std::string(static_cast<size_t>(n) * 4, '\0'));
    return *this;
  }
  OnnxBuilder& ints(const std::string& name, const std::vector<int64_t>& values) {
    auto* t = graph_->add_initializer();
    t->set_name(name);
    t->set_data_type(eesim_onnx::TensorProto::INT64);
    t->add_dims(static_cast<int64_t>(values.size()));
    for (int64_t v : values) t->add_int64_data(v);
    return *this;
  }
  OnnxBuilder& scalar(const std::string& name, float value) {
    auto* t = graph_->add_initializer();
    t->set_name(name);
    t->set_data_type(eesim_onnx::TensorProto::FLOAT);
    t->add_float_data(value);
    return *this;
  }

  eesim_onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs,
                              const std::vector<std::string>& outputs,
                              const std::string& name = "") {
    return add_node(*graph_, op, inputs, outputs, name);
  }
  static eesim_onnx::NodeProto& add_node(eesim_onnx::GraphProto& g, const std::string& op,
                                         const std::vector<std::string>& inputs,
                                         const std::vector<std::string>& outputs,
                                         const std::string& name = "") {
    auto* n = g.add_node();
    n->set_op_type(op);
    n->set_name(name.empty() ? op + "_" + (outputs.empty() ? "" : outputs[0]) : name);
    for (const auto& i : inputs) n->add_input(i);
    for (const auto& o : outputs) n->add_output(o);
    return *n;
  }

  std::string bytes() const { return model_.SerializeAsString(); }
  workloads::Workload import(const workloads::ImportOptions& options = {}) const {
    return workloads::import_onnx(workloads::read_onnx_bytes(bytes(), "test.onnx"), options);
  }
  // The model with every operand in the core's native word (PrecisionMode::kNative), whatever
  // its float types: what the hand-computed timing tests of mapping/ and sim/ count in.
  workloads::Workload import_native(const workloads::ImportOptions& options = {}) const {
    return workloads::with_precision_mode(import(options), workloads::PrecisionMode::kNative);
  }

 private:
  eesim_onnx::ModelProto model_;
  eesim_onnx::GraphProto* graph_;
};

inline void set_ints(eesim_onnx::NodeProto& n, const std::string& key,
                     const std::vector<int64_t>& v) {
  auto* a = n.add_attribute();
  a->set_name(key);
  a->set_type(eesim_onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}
inline void set_int(eesim_onnx::NodeProto& n, const std::string& key, int64_t v) {
  auto* a = n.add_attribute();
  a->set_name(key);
  a->set_type(eesim_onnx::AttributeProto::INT);
  a->set_i(v);
}
inline void set_string(eesim_onnx::NodeProto& n, const std::string& key, const std::string& v) {
  auto* a = n.add_attribute();
  a->set_name(key);
  a->set_type(eesim_onnx::AttributeProto::STRING);
  a->set_s(v);
}
inline void set_graph(eesim_onnx::NodeProto& n, const std::string& key,
                      const eesim_onnx::GraphProto& g) {
  auto* a = n.add_attribute();
  a->set_name(key);
  a->set_type(eesim_onnx::AttributeProto::GRAPH);
  *a->mutable_g() = g;
}

// The layer with this name; fails the test when absent.
inline const workloads::Layer& layer(const workloads::Workload& w, const std::string& name) {
  auto id = w.find_layer(name);
  if (!id) throw std::runtime_error("no layer named " + name);
  return w.layer(*id);
}

}  // namespace eesim::testing
