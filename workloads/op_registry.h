#pragma once
// One handler per ONNX op: shape inference, constant folding and cost counting for a node.
// A new op is one function in an ops_*.cpp file plus one `add` line in that file's register_*.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "workloads/onnx_model.h"
#include "workloads/workload.h"

namespace eesim::workloads {

// Where a tensor comes from during import. Activations depend on the graph input; weights are
// initializers (or weight-only arithmetic) whose dims are known but whose values are not kept;
// constants have a value (shape arithmetic is folded on them).
enum class Origin { kActivation, kWeight, kConstant };

struct Value {
  TensorData data;
  Origin origin = Origin::kConstant;
  int64_t producer = -1;  // activations: the layer that wrote the data (views keep it)
};

// What a handler sees of one node: its inputs (resolved) and attributes.
class NodeView {
 public:
  NodeView(const OnnxNode& node, std::vector<const Value*> inputs, int64_t opset, std::string where)
      : node_(node), inputs_(std::move(inputs)), opset_(opset), where_(std::move(where)) {}

  const OnnxNode& node() const { return node_; }
  int64_t opset() const { return opset_; }
  size_t num_inputs() const { return inputs_.size(); }
  bool has_input(size_t i) const { return i < inputs_.size() && inputs_[i] != nullptr; }
  const Value& input(size_t i) const;  // throws naming the node if absent
  const TensorData& in(size_t i) const { return input(i).data; }
  const Shape& dims(size_t i) const { return input(i).data.dims; }
  bool is_activation(size_t i) const {
    return has_input(i) && inputs_[i]->origin == Origin::kActivation;
  }
  bool all_values_known() const;  // every present input carries a value: fold

  bool has_attr(const std::string& name) const { return node_.attributes.count(name) > 0; }
  int64_t attr_int(const std::string& name, int64_t fallback) const;
  double attr_float(const std::string& name, double fallback) const;
  std::string attr_string(const std::string& name, const std::string& fallback) const;
  std::vector<int64_t> attr_ints(const std::string& name, std::vector<int64_t> fallback) const;
  const Attribute* attr(const std::string& name) const;

  // Input i as integers; it must be a constant known at import (a Reshape's shape, Slice starts).
  std::vector<int64_t> const_ints(size_t i, const std::string& role) const;
  // Input i's element count (0 when absent); weights count as parameters of the layer.
  int64_t elements(size_t i) const;
  // Elements and bytes of the present inputs in `indices` that are not activations.
  int64_t weight_params(std::initializer_list<size_t> indices) const;
  int64_t weight_bytes(std::initializer_list<size_t> indices) const;
  // The same over every input.
  int64_t weight_params() const;
  int64_t weight_bytes() const;
  // Normalises a possibly negative axis against `rank`, naming the node when out of range (a
  // scalar, rank 0, has no axis at all).
  int64_t axis(int64_t a, int64_t rank, const std::string& role = "axis") const;
  // Fails unless the node has exactly `count` inputs, all present (a binary op, Where): the
  // handlers' folds index them by position.
  void expect_inputs(size_t count) const;
  // A real value folded into an integer tensor (Cast, a float shape): fails, naming `role`,
  // when it is NaN or outside int64, where the conversion would be undefined.
  int64_t to_int(double v, const std::string& role) const;

  [[noreturn]] void fail(const std::string& message) const;
  const std::string& where() const { return where_; }

 private:
  const OnnxNode& node_;
  std::vector<const Value*> inputs_;
  int64_t opset_;
  std::string where_;  // "model.onnx: node '/conv1/Conv' (Conv)"
};

// What the node produces. When it computes on activations, `cost` becomes a layer unless
// `is_view` (Reshape, Flatten, Identity, ...: the output is input 0's data, re-shaped).
struct OpResult {
  std::vector<TensorData> outputs;  // one per node output: dtype, dims, value if folded
  LayerKind kind = LayerKind::kEltwise;
  int64_t macs = 0;
  int64_t vector_ops = 0;
  int64_t weight_params = 0;
  int64_t weight_bytes = 0;
  std::optional<Window> window;
  bool is_view = false;
};

using OpHandler = OpResult (*)(const NodeView&);

// A size read from the model rather than computed, and where it was read ("value_info of
// '/conv1/Conv_output_0'"): for the notes that say a weight's dims were inferred.
struct KnownSize {
  int64_t size = 0;
  std::string from;
};

// Dims of a weight the file does not hold (a weight-stripped export) and what they come from.
struct InferredDims {
  Shape dims;
  std::string from;  // "kernel_shape, group, the input's 3 channels and 16 filters (value_info...)"
};

// The size of a node's output 0 along `axis` (0 <= axis < rank) as the model declares it
// (value_info, graph outputs) or its readers need it (a reader's known weight); nullopt when
// nothing says.
using OutputSize = std::function<std::optional<KnownSize>(int64_t axis, int64_t rank)>;

// Infers the dims of weight input `input` of the node, absent from the file, from the node's
// attributes, its other inputs and `output_size`. Called only for the inputs registered with
// it, with every activation input of the node present; fails (NodeView::fail) naming the
// input and what is missing to infer it.
using WeightDimsFn = InferredDims (*)(const NodeView& n, size_t input,
                                      const OutputSize& output_size);

// The inputs of an op that are weights (parameters in the ONNX operator spec: Conv's W and B,
// Gemm's B and C, ...) and how to infer their dims when a file lacks them.
struct WeightInputs {
  std::vector<size_t> inputs;
  WeightDimsFn dims = nullptr;
};

// onnxruntime's contrib ops (QLinearAdd, QGemm, ...): docs/ContribOperators.md in its repo.
inline const std::string kMicrosoftDomain = "com.microsoft";

class OpRegistry {
 public:
  // `domain` "" is the default ONNX domain ("ai.onnx" is looked up as "").
  void add(const std::string& op_type, OpHandler handler, const std::string& domain = "") {
    handlers_[key(op_type, domain)] = handler;
  }
  // Declares which inputs of an op are weights (a weight-stripped export may lack them: their
  // dims come from `dims`; a graph input read only there is a weight, not a model input).
  void add_weights(const std::string& op_type, WeightInputs weights,
                   const std::string& domain = "") {
    weights_[key(op_type, domain)] = std::move(weights);
  }
  OpHandler find(const std::string& op_type, const std::string& domain = "") const;
  // Null when the op declares no weight inputs.
  const WeightInputs* weights(const std::string& op_type, const std::string& domain = "") const;
  bool has_domain(const std::string& domain) const;
  // "Conv", ..., and "com.microsoft.QLinearAdd" for the other domains' ops.
  std::vector<std::string> names() const;
  static std::string key(const std::string& op_type, const std::string& domain) {
    return domain.empty() || domain == "ai.onnx" ? op_type : domain + "." + op_type;
  }

 private:
  std::map<std::string, OpHandler> handlers_;
  std::map<std::string, WeightInputs> weights_;
};

// Every op eesim imports, registered by the ops_*.cpp files.
const OpRegistry& default_ops();
void register_matrix_ops(OpRegistry& r);       // ops_matrix.cpp
void register_elementwise_ops(OpRegistry& r);  // ops_elementwise.cpp
void register_window_ops(OpRegistry& r);       // ops_window.cpp
void register_layout_ops(OpRegistry& r);       // ops_layout.cpp
void register_shape_ops(OpRegistry& r);        // ops_shape.cpp
void register_qdq_ops(OpRegistry& r);          // ops_qdq.cpp
void register_qoperator_ops(OpRegistry& r);    // ops_qoperator.cpp

// Helpers shared by the op files.
int64_t num_elements(const Shape& dims);  // throws on overflow
// Refuses a shape no edge chip could hold (common/limits.h): a dimension outside [0, kMaxDim]
// or more than kMaxTensorElements elements. Throws "WHO has shape [..]: ...".
void check_shape(const Shape& dims, const std::string& who);
TensorData make_ints(Shape dims, std::vector<int64_t> values, DataType t = DataType::kInt64);
TensorData make_shape_only(DataType t, Shape dims);
// Bits one element of `t` is stored in: its quantized width when set, else its type's.
int64_t storage_bits(const TensorData& t);

}  // namespace eesim::workloads

namespace eesim::workloads {

// Resolves a sliding window's attributes (kernel_shape, strides, pads, dilations, auto_pad,
// ceil_mode) over `spatial_in` and returns it with the spatial output dims. Formulas from the
// ONNX operator spec (Conv, MaxPool): out = floor((in + pb + pe - ((k-1)*d + 1)) / s) + 1, or
// ceil(...) under ceil_mode, dropping a last window that would start in the end padding.
Window resolve_window(const NodeView& n, const Shape& spatial_in, const Shape& kernel,
                      bool ceil_mode, Shape& spatial_out);

}  // namespace eesim::workloads
