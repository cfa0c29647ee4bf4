// NodeView accessors and the registry of op handlers.
#include "workloads/op_registry.h"

#include <algorithm>

#include "common/checked_math.h"
#include "common/error.h"
#include "common/limits.h"

namespace eesim::workloads {

const Value& NodeView::input(size_t i) const {
  if (!has_input(i)) fail("missing required input " + std::to_string(i));
  return *inputs_[i];
}

bool NodeView::all_values_known() const {
  for (const Value* v : inputs_)
    if (v && !v->data.has_value) return false;
  return true;
}

const Attribute* NodeView::attr(const std::string& name) const {
  auto it = node_.attributes.find(name);
  return it == node_.attributes.end() ? nullptr : &it->second;
}

int64_t NodeView::attr_int(const std::string& name, int64_t fallback) const {
  const Attribute* a = attr(name);
  if (!a) return fallback;
  if (a->kind != Attribute::Kind::kInt) fail("attribute '" + name + "' must be an int");
  return a->i;
}

double NodeView::attr_float(const std::string& name, double fallback) const {
  const Attribute* a = attr(name);
  if (!a) return fallback;
  if (a->kind == Attribute::Kind::kInt) return static_cast<double>(a->i);
  if (a->kind != Attribute::Kind::kFloat) fail("attribute '" + name + "' must be a float");
  return a->f;
}

std::string NodeView::attr_string(const std::string& name, const std::string& fallback) const {
  const Attribute* a = attr(name);
  if (!a) return fallback;
  if (a->kind != Attribute::Kind::kString) fail("attribute '" + name + "' must be a string");
  return a->s;
}

std::vector<int64_t> NodeView::attr_ints(const std::string& name,
                                         std::vector<int64_t> fallback) const {
  const Attribute* a = attr(name);
  if (!a) return fallback;
  if (a->kind == Attribute::Kind::kInt) return {a->i};
  if (a->kind != Attribute::Kind::kInts) fail("attribute '" + name + "' must be a list of ints");
  return a->ints;
}

std::vector<int64_t> NodeView::const_ints(size_t i, const std::string& role) const {
  const TensorData& t = in(i);
  if (!t.has_value)
    fail("input " + std::to_string(i) + " (" + role + ", '" + node_.inputs[i] +
         "') must be a constant known at import; it depends on " +
         (input(i).origin == Origin::kActivation ? "the network input" : "a weight"));
  if (!t.ints.empty() || t.reals.empty()) return t.ints;
  std::vector<int64_t> out;
  for (double d : t.reals) out.push_back(to_int(d, role));
  return out;
}

int64_t NodeView::elements(size_t i) const {
  return has_input(i) ? checked_product(dims(i), where_ + ": element count") : 0;
}

int64_t NodeView::weight_params(std::initializer_list<size_t> indices) const {
  int64_t n = 0;
  for (size_t i : indices)
    if (has_input(i) && !is_activation(i)) n = checked_add(n, elements(i), where_);
  return n;
}

int64_t NodeView::weight_bytes(std::initializer_list<size_t> indices) const {
  int64_t n = 0;
  for (size_t i : indices)
    if (has_input(i) && !is_activation(i))
      n = checked_add(n, checked_mul(elements(i), storage_bits(in(i)) / 8, where_), where_);
  return n;
}

int64_t NodeView::weight_params() const {
  int64_t n = 0;
  for (size_t i = 0; i < inputs_.size(); ++i) n = checked_add(n, weight_params({i}), where_);
  return n;
}

int64_t NodeView::weight_bytes() const {
  int64_t n = 0;
  for (size_t i = 0; i < inputs_.size(); ++i) n = checked_add(n, weight_bytes({i}), where_);
  return n;
}

int64_t NodeView::axis(int64_t a, int64_t rank, const std::string& role) const {
  if (rank == 0)
    fail(role + " " + std::to_string(a) + " given for a scalar (rank 0), which has no axes");
  if (a < -rank || a >= rank)
    fail(role + " " + std::to_string(a) + " is out of range for rank " + std::to_string(rank));
  return a < 0 ? a + rank : a;
}

void NodeView::expect_inputs(size_t count) const {
  if (inputs_.size() != count)
    fail("takes " + std::to_string(count) + (count == 1 ? " input" : " inputs") + ", got " +
         std::to_string(inputs_.size()));
  for (size_t i = 0; i < count; ++i) input(i);  // throws for an omitted ("") input
}

int64_t NodeView::to_int(double v, const std::string& role) const {
  // [-2^63, 2^63) is exactly the doubles that convert to int64 (C++ [conv.fpint]); NaN fails.
  if (!(v >= -0x1p63 && v < 0x1p63))
    fail(role + ": value " + std::to_string(v) + " does not fit a 64-bit integer");
  return static_cast<int64_t>(v);
}

void NodeView::fail(const std::string& message) const { throw Error(where_ + ": " + message); }

OpHandler OpRegistry::find(const std::string& op_type, const std::string& domain) const {
  auto it = handlers_.find(key(op_type, domain));
  return it == handlers_.end() ? nullptr : it->second;
}

bool OpRegistry::has_domain(const std::string& domain) const {
  const std::string prefix = key("", domain);
  if (prefix.empty()) return true;
  auto it = handlers_.lower_bound(prefix);
  return it != handlers_.end() && it->first.starts_with(prefix);
}

std::vector<std::string> OpRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, h] : handlers_) out.push_back(name);
  return out;
}

const WeightInputs* OpRegistry::weights(const std::string& op_type,
                                        const std::string& domain) const {
  auto it = weights_.find(key(op_type, domain));
  return it == weights_.end() ? nullptr : &it->second;
}

const OpRegistry& default_ops() {
  static const OpRegistry registry = [] {
    OpRegistry r;
    register_matrix_ops(r);
    register_elementwise_ops(r);
    register_window_ops(r);
    register_layout_ops(r);
    register_shape_ops(r);
    register_qdq_ops(r);
    register_qoperator_ops(r);
    return r;
  }();
  return registry;
}

int64_t num_elements(const Shape& dims) { return checked_product(dims, "element count"); }

void check_shape(const Shape& dims, const std::string& who) {
  for (int64_t d : dims)
    if (d < 0 || d > kMaxDim)
      throw Error(who + " has shape " + to_string(dims) + ": dimensions must be in [0, " +
                  std::to_string(kMaxDim) + "]");
  if (std::find(dims.begin(), dims.end(), 0) != dims.end()) return;  // an empty tensor
  // Compared before multiplying: n <= 2^40 and d <= 2^31 still make up to 2^71, past 64 bits.
  // With n, d >= 1, n * d > limit exactly when d > limit / n (integer division).
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d > kMaxTensorElements / n)
      throw Error(who + " has shape " + to_string(dims) + ": more than " +
                  std::to_string(kMaxTensorElements) + " elements (no edge chip holds that)");
    n *= d;
  }
}

TensorData make_ints(Shape dims, std::vector<int64_t> values, DataType t) {
  TensorData d;
  d.dtype = t;
  d.dims = std::move(dims);
  d.ints = std::move(values);
  d.has_value = true;
  return d;
}

int64_t storage_bits(const TensorData& t) {
  return t.quantized_bits > 0 ? t.quantized_bits : 8 * element_bytes(t.dtype);
}

TensorData make_shape_only(DataType t, Shape dims) {
  TensorData d;
  d.dtype = t;
  d.dims = std::move(dims);
  return d;
}

}  // namespace eesim::workloads
