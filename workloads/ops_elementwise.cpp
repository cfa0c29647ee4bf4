// Element-wise ops: activations, unary math, broadcasting binary arithmetic, comparisons,
// Where, Clip, Cast. On constants they are folded (exporters compute shapes with them); on
// activations they become one SIMD operation per output element.
#include <algorithm>
#include <cassert>
#include <cmath>
#include <functional>
#include <set>

#include "common/checked_math.h"
#include "workloads/op_registry.h"

namespace eesim::workloads {
namespace {

// numpy-style multidirectional broadcasting (ONNX "Broadcasting in ONNX").
Shape broadcast_shape(const NodeView& n, const std::vector<Shape>& shapes) {
  size_t rank = 0;
  for (const Shape& s : shapes) rank = std::max(rank, s.size());
  Shape out(rank, 1);
  for (const Shape& s : shapes)
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t& o = out[rank - s.size() + i];
      if (s[i] == o || s[i] == 1) continue;
      if (o != 1) {
        std::string all;
        for (const Shape& t : shapes) all += (all.empty() ? "" : " and ") + to_string(t);
        n.fail("shapes " + all + " do not broadcast");
      }
      o = s[i];
    }
  return out;
}

// Flat index into an input of shape `in` for each element of the broadcast output `out`.
std::vector<int64_t> source_index(const Shape& in, const Shape& out) {
  // Contract: `in` broadcasts to `out` (the handler built `out` with broadcast_shape from it).
  assert(in.size() <= out.size());
  for (size_t d = 0; d < in.size(); ++d)
    assert(in[d] == 1 || in[d] == out[out.size() - in.size() + d]);
  const int64_t total = num_elements(out);
  std::vector<int64_t> idx(total);
  const size_t off = out.size() - in.size();
  for (int64_t flat = 0; flat < total; ++flat) {
    int64_t rem = flat, src = 0, stride = 1;
    for (size_t d = out.size(); d-- > 0;) {
      const int64_t coord = rem % out[d];
      rem /= out[d];
      if (d >= off) {
        const int64_t extent = in[d - off];
        src += (extent == 1 ? 0 : coord) * stride;
        stride *= extent;
      }
    }
    idx[flat] = src;
  }
  return idx;
}

double real_at(const TensorData& t, int64_t i) {
  return t.ints.empty() ? t.reals[i] : static_cast<double>(t.ints[i]);
}

// A folded value into an integer or a real tensor; a real that no int64 holds (NaN, 1e30) is
// refused rather than converted (undefined behaviour).
void store_real(const NodeView& n, TensorData& out, double v) {
  if (is_integral(out.dtype))
    out.ints.push_back(n.to_int(v, "folding constants"));
  else
    out.reals.push_back(v);
}
void store_int(TensorData& out, int64_t v) {
  if (is_integral(out.dtype))
    out.ints.push_back(v);
  else
    out.reals.push_back(static_cast<double>(v));
}

// a - b on folded integers; a result that wraps is refused (exporters' shape arithmetic never
// comes near 2^63, so it is bad input).
int64_t int_sub(const NodeView& n, int64_t a, int64_t b) {
  return checked_sub(a, b, n.where() + ": folding constants");
}

using RealFn = std::function<double(const std::vector<double>&)>;
using IntFn = std::function<int64_t(const std::vector<int64_t>&)>;

// Evaluates an element-wise op over constant inputs when it is small enough to fold.
void fold(const NodeView& n, TensorData& out, const RealFn& real_fn, const IntFn& int_fn) {
  if (!n.all_values_known() || num_elements(out.dims) > kMaxValueElements) return;
  std::vector<std::vector<int64_t>> idx;
  std::vector<const TensorData*> ins;
  for (size_t i = 0; i < n.num_inputs(); ++i)
    if (n.has_input(i)) {
      ins.push_back(&n.in(i));
      idx.push_back(source_index(n.dims(i), out.dims));
    }
  const int64_t total = num_elements(out.dims);
  std::vector<double> rv(ins.size());
  std::vector<int64_t> iv(ins.size());
  // Integral dtypes keep their values in TensorData::ints (onnx_model.h).
  const bool all_int =
      std::all_of(ins.begin(), ins.end(), [](auto* t) { return is_integral(t->dtype); });
  for (int64_t j = 0; j < total; ++j) {
    for (size_t i = 0; i < ins.size(); ++i) {
      rv[i] = real_at(*ins[i], idx[i][j]);
      if (all_int) iv[i] = ins[i]->ints[idx[i][j]];
    }
    if (all_int && int_fn)
      store_int(out, int_fn(iv));
    else
      store_real(n, out, real_fn(rv));
  }
  out.has_value = true;
}

OpResult elementwise_result(const NodeView& n, LayerKind kind, DataType out_type) {
  std::vector<Shape> shapes;
  for (size_t i = 0; i < n.num_inputs(); ++i)
    if (n.has_input(i)) shapes.push_back(n.dims(i));
  OpResult r;
  r.outputs.push_back(make_shape_only(out_type, broadcast_shape(n, shapes)));
  r.kind = kind;
  r.vector_ops = num_elements(r.outputs[0].dims);
  r.weight_params = n.weight_params();
  r.weight_bytes = n.weight_bytes();
  return r;
}

const std::set<std::string> kActivations = {
    "Relu",    "LeakyRelu",   "PRelu",           "Elu",  "Selu",     "Celu",
    "Sigmoid", "HardSigmoid", "HardSwish",       "Tanh", "Softplus", "Softsign",
    "Gelu",    "Mish",        "ThresholdedRelu", "Clip"};

RealFn unary_real(const std::string& op) {
  if (op == "Neg") return [](auto& v) { return -v[0]; };
  if (op == "Abs") return [](auto& v) { return std::fabs(v[0]); };
  if (op == "Floor") return [](auto& v) { return std::floor(v[0]); };
  if (op == "Ceil") return [](auto& v) { return std::ceil(v[0]); };
  if (op == "Round") return [](auto& v) { return std::nearbyint(v[0]); };
  if (op == "Sqrt") return [](auto& v) { return std::sqrt(v[0]); };
  if (op == "Exp") return [](auto& v) { return std::exp(v[0]); };
  if (op == "Log") return [](auto& v) { return std::log(v[0]); };
  if (op == "Reciprocal") return [](auto& v) { return 1.0 / v[0]; };
  if (op == "Relu") return [](auto& v) { return std::max(0.0, v[0]); };
  if (op == "Sigmoid") return [](auto& v) { return 1.0 / (1.0 + std::exp(-v[0])); };
  if (op == "Tanh") return [](auto& v) { return std::tanh(v[0]); };
  if (op == "Not") return [](auto& v) { return v[0] == 0 ? 1.0 : 0.0; };
  if (op == "Sign") return [](auto& v) { return static_cast<double>((v[0] > 0) - (v[0] < 0)); };
  if (op == "Identity") return [](auto& v) { return v[0]; };
  return nullptr;
}

OpResult unary(const NodeView& n) {
  const std::string& op = n.node().op_type;
  const LayerKind kind = kActivations.count(op) ? LayerKind::kActivation
                         : op == "Not"          ? LayerKind::kCompare
                                                : LayerKind::kEltwise;
  // Unary: only input 0 shapes the output (PRelu's slope and Clip's bounds broadcast into it).
  OpResult r;
  r.outputs.push_back(make_shape_only(n.in(0).dtype, n.dims(0)));
  if (op == "PRelu") broadcast_shape(n, {n.dims(0), n.dims(1)});
  r.kind = kind;
  r.vector_ops = num_elements(n.dims(0));
  r.weight_params = n.weight_params({1, 2});
  r.weight_bytes = n.weight_bytes({1, 2});
  if (const RealFn f = unary_real(op); f && n.num_inputs() == 1) {
    IntFn g = [f, &n](auto& v) {
      return n.to_int(f({static_cast<double>(v[0])}), "folding constants");
    };
    if (op == "Neg") g = [&n](auto& v) { return int_sub(n, 0, v[0]); };
    if (op == "Abs") g = [&n](auto& v) { return v[0] < 0 ? int_sub(n, 0, v[0]) : v[0]; };
    fold(n, r.outputs[0], f, g);
  }
  return r;
}

OpResult clip(const NodeView& n) {
  OpResult r = unary(n);
  double lo = n.attr_float("min", -INFINITY), hi = n.attr_float("max", INFINITY);
  // Opset 11+: the bounds are inputs 1 and 2, each a scalar (ONNX Clip).
  auto bound = [&n](size_t i, const char* role, double fallback) {
    if (!n.has_input(i) || !n.in(i).has_value) return fallback;
    if (n.in(i).ints.size() + n.in(i).reals.size() != 1)
      n.fail(std::string(role) + " (input " + std::to_string(i) + ") must be a scalar, got " +
             to_string(n.dims(i)));
    return real_at(n.in(i), 0);
  };
  lo = bound(1, "min", lo);
  hi = bound(2, "max", hi);
  if (lo > hi) n.fail("min " + std::to_string(lo) + " exceeds max " + std::to_string(hi));
  r.weight_params = r.weight_bytes = 0;  // the bounds are settings, not weights
  return r;
}

// Integer division truncates toward zero, as C and ONNX Runtime's integer Div do.
int64_t int_div(const NodeView& n, int64_t a, int64_t b) {
  if (b == 0) n.fail("integer division by zero while folding constants");
  if (b == -1) return int_sub(n, 0, a);  // INT64_MIN / -1 overflows
  return a / b;
}

OpResult binary(const NodeView& n) {
  const std::string& op = n.node().op_type;
  static const std::set<std::string> compares = {"Equal",       "Greater", "Less", "GreaterOrEqual",
                                                 "LessOrEqual", "And",     "Or",   "Xor"};
  const bool is_compare = compares.count(op) > 0;
  const bool variadic = op == "Sum" || op == "Max" || op == "Min" || op == "Mean";
  if (!variadic) n.expect_inputs(2);  // the folds below read v[0] and v[1]
  OpResult r = elementwise_result(n, is_compare ? LayerKind::kCompare : LayerKind::kEltwise,
                                  is_compare ? DataType::kBool : n.in(0).dtype);
  if (op == "Sum" || op == "Max" || op == "Min" || op == "Mean")  // variadic: n-1 ops each
    r.vector_ops = checked_mul(r.vector_ops, std::max<int64_t>(1, n.num_inputs() - 1), n.where());
  RealFn rf;
  IntFn inf;
  const std::string overflow = n.where() + ": folding constants";
  if (op == "Add" || op == "Sum") {
    rf = [](auto& v) {
      double s = 0;
      for (double x : v) s += x;
      return s;
    };
    inf = [&](auto& v) {
      int64_t s = 0;
      for (int64_t x : v) s = checked_add(s, x, overflow);
      return s;
    };
  } else if (op == "Sub") {
    rf = [](auto& v) { return v[0] - v[1]; };
    inf = [&](auto& v) { return checked_sub(v[0], v[1], overflow); };
  } else if (op == "Mul") {
    rf = [](auto& v) { return v[0] * v[1]; };
    inf = [&](auto& v) { return checked_mul(v[0], v[1], overflow); };
  } else if (op == "Div") {
    rf = [](auto& v) { return v[0] / v[1]; };
    inf = [&n](auto& v) { return int_div(n, v[0], v[1]); };
  } else if (op == "Pow") {
    rf = [](auto& v) { return std::pow(v[0], v[1]); };
  } else if (op == "Max") {
    rf = [](auto& v) { return *std::max_element(v.begin(), v.end()); };
    inf = [](auto& v) { return *std::max_element(v.begin(), v.end()); };
  } else if (op == "Min") {
    rf = [](auto& v) { return *std::min_element(v.begin(), v.end()); };
    inf = [](auto& v) { return *std::min_element(v.begin(), v.end()); };
  } else if (op == "Mod") {
    // ONNX Mod: fmod=0 (integers) takes the divisor's sign, like Python's %; fmod=1 takes the
    // dividend's, like C's fmod (onnx.ai/onnx/operators/onnx__Mod.html). r + b cannot overflow:
    // |r| < |b| and they differ in sign.
    const bool c_fmod = n.attr_int("fmod", 0) != 0;
    inf = [&n, c_fmod](auto& v) {
      if (v[1] == 0) n.fail("Mod by zero while folding");
      const int64_t r = v[1] == -1 ? 0 : v[0] % v[1];  // INT64_MIN % -1 traps
      return !c_fmod && r != 0 && (r < 0) != (v[1] < 0) ? r + v[1] : r;
    };
    rf = [c_fmod](auto& v) {
      const double r = std::fmod(v[0], v[1]);
      return !c_fmod && r != 0 && (r < 0) != (v[1] < 0) ? r + v[1] : r;
    };
  } else if (op == "Equal") {
    rf = [](auto& v) { return double(v[0] == v[1]); };
    inf = [](auto& v) { return int64_t(v[0] == v[1]); };
  } else if (op == "Greater") {
    rf = [](auto& v) { return double(v[0] > v[1]); };
    inf = [](auto& v) { return int64_t(v[0] > v[1]); };
  } else if (op == "Less") {
    rf = [](auto& v) { return double(v[0] < v[1]); };
    inf = [](auto& v) { return int64_t(v[0] < v[1]); };
  } else if (op == "GreaterOrEqual") {
    rf = [](auto& v) { return double(v[0] >= v[1]); };
    inf = [](auto& v) { return int64_t(v[0] >= v[1]); };
  } else if (op == "LessOrEqual") {
    rf = [](auto& v) { return double(v[0] <= v[1]); };
    inf = [](auto& v) { return int64_t(v[0] <= v[1]); };
  } else if (op == "And") {
    rf = [](auto& v) { return double(v[0] && v[1]); };
    inf = [](auto& v) { return int64_t(v[0] && v[1]); };
  } else if (op == "Or") {
    rf = [](auto& v) { return double(v[0] || v[1]); };
    inf = [](auto& v) { return int64_t(v[0] || v[1]); };
  }
  if (rf) fold(n, r.outputs[0], rf, inf);
  return r;
}

OpResult where(const NodeView& n) {
  n.expect_inputs(3);  // condition, then, else: the fold reads all three
  OpResult r = elementwise_result(n, LayerKind::kEltwise, n.in(1).dtype);
  fold(
      n, r.outputs[0], [](auto& v) { return v[0] != 0 ? v[1] : v[2]; },
      [](auto& v) { return v[0] != 0 ? v[1] : v[2]; });
  return r;
}

OpResult cast(const NodeView& n) {
  n.expect_inputs(1);  // the fold below would broadcast any extra input into the output
  const int64_t to = n.attr_int("to", 0);
  if (to <= 0 || to > static_cast<int64_t>(DataType::kBfloat16))
    n.fail("attribute 'to' is not a tensor data type: " + std::to_string(to));
  OpResult r;
  const DataType t = n.in(0).dtype;
  if (static_cast<DataType>(to) == t && !n.in(0).has_value &&
      (t == DataType::kInt8 || t == DataType::kUint8 || t == DataType::kInt16 ||
       t == DataType::kUint16)) {
    // A Cast of quantized data to its own type is a view: PyTorch 1.13 writes one between
    // every QuantizeLinear and DequantizeLinear (Q -> Cast(uint8) -> DQ).
    r.outputs.push_back(n.in(0));
    r.is_view = true;
    return r;
  }
  r.outputs.push_back(make_shape_only(static_cast<DataType>(to), n.dims(0)));
  r.kind = LayerKind::kEltwise;
  r.vector_ops = num_elements(n.dims(0));
  if (to == static_cast<int64_t>(DataType::kBool))  // any nonzero is true (ONNX Cast)
    fold(
        n, r.outputs[0], [](auto& v) { return double(v[0] != 0); },
        [](auto& v) { return int64_t(v[0] != 0); });
  else
    fold(
        n, r.outputs[0], [](auto& v) { return v[0]; }, [](auto& v) { return v[0]; });
  return r;
}

}  // namespace

void register_elementwise_ops(OpRegistry& r) {
  for (const std::string& op : kActivations) r.add(op, unary);
  for (const char* op : {"Neg", "Abs", "Floor", "Ceil", "Round", "Sqrt", "Exp", "Log", "Erf",
                         "Reciprocal", "Sign", "Not", "Sin", "Cos"})
    r.add(op, unary);
  r.add("Clip", clip);
  for (const char* op :
       {"Add", "Sub", "Mul", "Div", "Pow", "Mod", "Sum", "Max", "Min", "Mean", "Equal", "Greater",
        "Less", "GreaterOrEqual", "LessOrEqual", "And", "Or", "Xor"})
    r.add(op, binary);
  r.add("Where", where);
  r.add("Cast", cast);
}

}  // namespace eesim::workloads
