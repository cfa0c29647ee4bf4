// Ops that make constants: Shape and Size (of any tensor: every shape is known at import),
// Constant, ConstantOfShape, Range. Their outputs always carry values, so the exporter's shape
// arithmetic downstream of them folds away.
#include <cmath>

#include "common/checked_math.h"
#include "workloads/op_registry.h"

namespace eesim::workloads {
namespace {

OpResult result_of(TensorData t) {
  OpResult r;
  r.outputs.push_back(std::move(t));
  return r;
}

OpResult shape(const NodeView& n) {
  const Shape& x = n.dims(0);
  const int64_t rank = static_cast<int64_t>(x.size());
  // opset 15 start/end: negative counts from the end; both clamp to [0, rank].
  auto clamp = [rank](int64_t v) { return std::clamp(v < 0 ? v + rank : v, int64_t{0}, rank); };
  const int64_t begin = clamp(n.attr_int("start", 0)), end = clamp(n.attr_int("end", rank));
  Shape values(x.begin() + begin, x.begin() + std::max(begin, end));
  const int64_t count = static_cast<int64_t>(values.size());
  return result_of(make_ints({count}, std::move(values)));
}

OpResult size(const NodeView& n) { return result_of(make_ints({}, {num_elements(n.dims(0))})); }

OpResult constant(const NodeView& n) {
  const Attribute* a = nullptr;
  for (const char* key : {"value", "value_float", "value_floats", "value_int", "value_ints"})
    if ((a = n.attr(key))) break;
  if (!a)
    n.fail(
        "needs one of value, value_float(s), value_int(s) (sparse and string values are not "
        "supported)");
  using K = Attribute::Kind;
  switch (a->kind) {
    case K::kTensor:
      return result_of(a->tensor);
    case K::kInt:
      return result_of(make_ints({}, {a->i}));
    case K::kInts:
      return result_of(make_ints({static_cast<int64_t>(a->ints.size())}, a->ints));
    case K::kFloat:
    case K::kFloats: {
      TensorData t;
      t.dtype = DataType::kFloat;
      t.reals = a->kind == K::kFloat ? std::vector<double>{a->f} : a->floats;
      if (a->kind == K::kFloats) t.dims = {static_cast<int64_t>(t.reals.size())};
      t.has_value = true;
      return result_of(std::move(t));
    }
    default:
      n.fail("value attribute has an unsupported type");
  }
}

OpResult constant_of_shape(const NodeView& n) {
  const Shape dims = n.const_ints(0, "shape");
  for (int64_t d : dims)
    if (d < 0) n.fail("shape " + to_string(dims) + " has a negative dimension");
  check_shape(dims, n.where() + ": output");  // before the fold multiplies them
  TensorData fill = make_ints({1}, {0}, DataType::kFloat);
  fill.ints.clear();
  fill.reals = {0.0};
  if (const Attribute* a = n.attr("value")) {
    fill = a->tensor;
    if (fill.has_value && fill.ints.size() + fill.reals.size() != 1)
      n.fail("attribute 'value' must hold one element, got " + to_string(fill.dims));
  }
  TensorData out = make_shape_only(fill.dtype, dims);
  const int64_t total = num_elements(dims);
  if (fill.has_value && total <= kMaxValueElements) {
    if (fill.ints.empty())
      out.reals.assign(total, fill.reals.at(0));
    else
      out.ints.assign(total, fill.ints.at(0));
    out.has_value = true;
  }
  return result_of(std::move(out));
}

OpResult range(const NodeView& n) {
  if (!n.all_values_known()) n.fail("start, limit and delta must be constants known at import");
  const TensorData& s = n.in(0);
  const bool integral = is_integral(s.dtype);
  auto scalar = [&](size_t i) {
    const TensorData& t = n.in(i);
    if (t.ints.size() + t.reals.size() != 1)
      n.fail("input " + std::to_string(i) + " must be a scalar");
    return t.ints.empty() ? t.reals[0] : static_cast<double>(t.ints[0]);
  };
  const double start = scalar(0), limit = scalar(1), delta = scalar(2);
  if (delta == 0) n.fail("delta must not be 0");
  // ONNX Range: number of elements = max(ceil((limit - start) / delta), 0); checked as a double
  // first (NaN and huge counts included) so that the conversion is defined.
  const double steps = std::ceil((limit - start) / delta);
  if (!(steps <= kMaxValueElements))
    n.fail("range of " + std::to_string(steps) + " elements is too large to fold");
  const int64_t count = steps > 0 ? static_cast<int64_t>(steps) : 0;
  TensorData out = make_shape_only(s.dtype, {count});
  for (int64_t i = 0; i < count; ++i) {
    const double v = start + static_cast<double>(i) * delta;
    if (integral)
      out.ints.push_back(n.to_int(v, "range"));
    else
      out.reals.push_back(v);
  }
  out.has_value = true;
  return result_of(std::move(out));
}

}  // namespace

void register_shape_ops(OpRegistry& r) {
  r.add("Shape", shape);
  r.add("Size", size);
  r.add("Constant", constant);
  r.add("ConstantOfShape", constant_of_shape);
  r.add("Range", range);
}

}  // namespace eesim::workloads
