// Ops that move or re-view data: Reshape, Flatten, Squeeze, Unsqueeze, Identity, Dropout
// (views: no layer), Transpose, Concat, Split, Slice, Gather, Pad, Expand, Tile. On constants
// they are folded, so exporter shape arithmetic (Shape -> Gather -> Concat -> Reshape) is
// resolved at import and every activation shape is known.
#include <algorithm>
#include <functional>

#include "common/checked_math.h"
#include "workloads/op_registry.h"

namespace eesim::workloads {
namespace {

Shape strides_of(const Shape& dims) {
  Shape s(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * dims[i];
  return s;
}

// Builds out's value by mapping each output coordinate to a flat index of `in`.
void fold_by_map(const TensorData& in, TensorData& out,
                 const std::function<int64_t(const Shape& coord)>& source) {
  if (!in.has_value) return;
  for (int64_t d : out.dims)
    if (d < 0) return;  // the importer rejects the node's output shape (importer.cpp)
  const int64_t total = num_elements(out.dims);
  if (total > kMaxValueElements) return;
  Shape coord(out.dims.size(), 0);
  for (int64_t j = 0; j < total; ++j) {
    int64_t rem = j;
    for (size_t d = out.dims.size(); d-- > 0;) {
      coord[d] = rem % out.dims[d];
      rem /= out.dims[d];
    }
    const int64_t src = source(coord);
    if (in.ints.empty())
      out.reals.push_back(in.reals[src]);
    else
      out.ints.push_back(in.ints[src]);
  }
  out.has_value = true;
}

OpResult view(const NodeView& n, Shape dims) {
  if (num_elements(dims) != num_elements(n.dims(0)))
    n.fail("cannot view " + to_string(n.dims(0)) + " as " + to_string(dims) +
           ": element counts differ");
  OpResult r;
  TensorData out = n.in(0);  // same flat data, new dims
  out.dims = std::move(dims);
  r.outputs.push_back(std::move(out));
  for (size_t i = 1; i < n.node().outputs.size(); ++i)  // Dropout's mask
    r.outputs.push_back(make_shape_only(DataType::kBool, r.outputs[0].dims));
  r.is_view = true;
  return r;
}

OpResult reshape(const NodeView& n) {
  const Shape& x = n.dims(0);
  Shape target = n.has_input(1) ? n.const_ints(1, "shape") : n.attr_ints("shape", {});
  const bool allow_zero = n.attr_int("allowzero", 0) != 0;
  int64_t infer = -1, known = 1;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == 0 && !allow_zero) {
      if (i >= x.size())
        n.fail("shape " + to_string(target) + " copies axis " + std::to_string(i) +
               " the input lacks");
      target[i] = x[i];
    }
    if (target[i] == -1) {
      if (infer >= 0) n.fail("shape " + to_string(target) + " has more than one -1");
      infer = static_cast<int64_t>(i);
    } else if (target[i] < 0) {
      n.fail("shape " + to_string(target) + " has a negative entry");
    } else {
      known = checked_mul(known, target[i], n.where());
    }
  }
  if (infer >= 0) {
    const int64_t total = num_elements(x);
    if (known == 0 || total % known != 0)
      n.fail("cannot reshape " + to_string(x) + " to " + to_string(target));
    target[infer] = total / known;
  }
  return view(n, target);
}

OpResult flatten(const NodeView& n) {
  const Shape& x = n.dims(0);
  const int64_t rank = static_cast<int64_t>(x.size());
  const int64_t a = n.attr_int("axis", 1);
  const int64_t axis = a < 0 ? a + rank : a;
  if (axis < 0 || axis > rank)
    n.fail("axis " + std::to_string(a) + " out of range for rank " + std::to_string(rank));
  return view(n, {num_elements(Shape(x.begin(), x.begin() + axis)),
                  num_elements(Shape(x.begin() + axis, x.end()))});
}

Shape axes_input(const NodeView& n, size_t input) {
  return n.has_input(input) ? n.const_ints(input, "axes") : n.attr_ints("axes", {});
}

OpResult squeeze(const NodeView& n) {
  const Shape& x = n.dims(0);
  const Shape axes = axes_input(n, 1);
  std::vector<bool> drop(x.size(), false);
  for (int64_t a : axes) {
    const int64_t i = n.axis(a, static_cast<int64_t>(x.size()), "axes entry");
    if (x[i] != 1)
      n.fail("cannot squeeze axis " + std::to_string(a) + " of " + to_string(x) + ": it is not 1");
    drop[i] = true;
  }
  Shape y;
  for (size_t i = 0; i < x.size(); ++i)
    if (!(axes.empty() ? x[i] == 1 : drop[i])) y.push_back(x[i]);
  return view(n, y);
}

OpResult unsqueeze(const NodeView& n) {
  const Shape& x = n.dims(0);
  const Shape axes = axes_input(n, 1);
  const int64_t rank = static_cast<int64_t>(x.size() + axes.size());
  std::vector<bool> inserted(rank, false);
  for (int64_t a : axes) {
    const int64_t i = n.axis(a, rank, "axes entry");
    if (inserted[i]) n.fail("axes " + to_string(axes) + " repeat an axis");
    inserted[i] = true;
  }
  Shape y;
  size_t next = 0;
  for (int64_t i = 0; i < rank; ++i) y.push_back(inserted[i] ? 1 : x[next++]);
  return view(n, y);
}

OpResult identity(const NodeView& n) { return view(n, n.dims(0)); }

OpResult data_movement(TensorData out, LayerKind kind) {
  OpResult r;
  r.kind = kind;
  r.vector_ops = num_elements(out.dims);
  r.outputs.push_back(std::move(out));
  return r;
}

OpResult transpose(const NodeView& n) {
  const Shape& x = n.dims(0);
  Shape perm = n.attr_ints("perm", {});
  if (perm.empty())
    for (size_t i = x.size(); i-- > 0;) perm.push_back(static_cast<int64_t>(i));
  Shape sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i)
    if (sorted.size() != x.size() || sorted[i] != static_cast<int64_t>(i))
      n.fail("perm " + to_string(perm) + " is not a permutation of " + std::to_string(x.size()) +
             " axes");
  TensorData out = make_shape_only(n.in(0).dtype, {});
  for (int64_t p : perm) out.dims.push_back(x[p]);
  const Shape st = strides_of(x);
  fold_by_map(n.in(0), out, [&](const Shape& c) {
    int64_t src = 0;
    for (size_t i = 0; i < c.size(); ++i) src += c[i] * st[perm[i]];
    return src;
  });
  return data_movement(std::move(out), LayerKind::kTranspose);
}

OpResult concat(const NodeView& n) {
  const Shape& first = n.dims(0);
  const int64_t axis = n.axis(n.attr_int("axis", 0), static_cast<int64_t>(first.size()));
  Shape y = first;
  y[axis] = 0;
  std::vector<int64_t> offsets;
  for (size_t i = 0; i < n.num_inputs(); ++i) {
    const Shape& s = n.dims(i);
    for (size_t d = 0; d < s.size() || d < first.size(); ++d)
      if (s.size() != first.size() || (static_cast<int64_t>(d) != axis && s[d] != first[d]))
        n.fail("input " + std::to_string(i) + " " + to_string(s) + " does not match input 0 " +
               to_string(first) + " off axis " + std::to_string(axis));
    offsets.push_back(y[axis]);
    y[axis] = checked_add(y[axis], s[axis], n.where());
  }
  TensorData out = make_shape_only(n.in(0).dtype, y);
  if (n.all_values_known() && num_elements(y) <= kMaxValueElements) {
    const Shape st = strides_of(y);
    for (int64_t j = 0; j < num_elements(y); ++j) {
      const int64_t c = (j / st[axis]) % y[axis];
      size_t i = offsets.size() - 1;
      while (offsets[i] > c) --i;
      const Shape in_st = strides_of(n.dims(i));
      const int64_t outer = j / (st[axis] * y[axis]), inner = j % st[axis];
      const int64_t src =
          outer * in_st[axis] * n.dims(i)[axis] + (c - offsets[i]) * in_st[axis] + inner;
      // Inputs may differ in type (int64 and float shape pieces): store as input 0's type.
      const TensorData& in = n.in(i);
      if (!is_integral(out.dtype))
        out.reals.push_back(in.ints.empty() ? in.reals[src] : static_cast<double>(in.ints[src]));
      else if (!in.ints.empty())
        out.ints.push_back(in.ints[src]);
      else
        out.ints.push_back(n.to_int(in.reals[src], "input " + std::to_string(i)));
    }
    out.has_value = true;
  }
  OpResult r = data_movement(std::move(out), LayerKind::kConcat);
  r.weight_params = n.weight_params();
  r.weight_bytes = n.weight_bytes();
  return r;
}

OpResult split(const NodeView& n) {
  const Shape& x = n.dims(0);
  const int64_t axis = n.axis(n.attr_int("axis", 0), static_cast<int64_t>(x.size()));
  const int64_t outputs = static_cast<int64_t>(n.node().outputs.size());
  if (outputs == 0) n.fail("has no outputs to split into");
  Shape sizes = n.has_input(1) ? n.const_ints(1, "split") : n.attr_ints("split", {});
  if (sizes.empty()) {
    // Equal parts; opset 18's num_outputs lets the last part be smaller (ceil division).
    const int64_t part = (x[axis] + outputs - 1) / outputs;
    for (int64_t i = 0; i < outputs; ++i) sizes.push_back(std::min(part, x[axis] - i * part));
  }
  int64_t total = 0;
  for (int64_t s : sizes) {
    if (s < 0) n.fail("split " + to_string(sizes) + " has a negative part");
    total = checked_add(total, s, n.where() + ": split");
  }
  if (static_cast<int64_t>(sizes.size()) != outputs || total != x[axis])
    n.fail("split " + to_string(sizes) + " does not cut axis " + std::to_string(axis) + " of " +
           to_string(x) + " into " + std::to_string(outputs) + " parts");
  OpResult r;
  r.kind = LayerKind::kSplit;
  r.vector_ops = num_elements(x);
  const Shape st = strides_of(x);
  int64_t offset = 0;
  for (int64_t s : sizes) {
    TensorData out = make_shape_only(n.in(0).dtype, x);
    out.dims[axis] = s;
    fold_by_map(n.in(0), out, [&](const Shape& c) {
      int64_t src = 0;
      for (size_t d = 0; d < c.size(); ++d)
        src += (c[d] + (static_cast<int64_t>(d) == axis ? offset : 0)) * st[d];
      return src;
    });
    r.outputs.push_back(std::move(out));
    offset += s;
  }
  return r;
}

OpResult slice(const NodeView& n) {
  const Shape& x = n.dims(0);
  const int64_t rank = static_cast<int64_t>(x.size());
  const bool from_inputs = n.opset() >= 10;
  const Shape starts = from_inputs ? n.const_ints(1, "starts") : n.attr_ints("starts", {});
  const Shape ends = from_inputs ? n.const_ints(2, "ends") : n.attr_ints("ends", {});
  Shape axes =
      from_inputs ? (n.has_input(3) ? n.const_ints(3, "axes") : Shape{}) : n.attr_ints("axes", {});
  const Shape steps_in = from_inputs && n.has_input(4) ? n.const_ints(4, "steps") : Shape{};
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      (!steps_in.empty() && steps_in.size() != starts.size()))
    n.fail("starts, ends, axes and steps must have the same length");
  Shape begin(rank, 0), step(rank, 1), y = x;
  for (size_t i = 0; i < starts.size(); ++i) {
    const int64_t a = n.axis(axes[i], rank, "axes entry"), dim = x[a];
    const int64_t s = steps_in.empty() ? 1 : steps_in[i];
    if (s == 0) n.fail("step must not be 0");
    // ONNX Slice: negative indices count from the end; clamp to [0, dim] (step > 0) or
    // [-1, dim-1] (step < 0); length = ceil((end - start) / step), at least 0.
    auto clamp = [&](int64_t v) {
      if (v < 0) v = v < -dim ? (s > 0 ? 0 : -1) : v + dim;
      return s > 0 ? std::min(v, dim) : std::min(v, dim - 1);
    };
    const int64_t b = clamp(starts[i]), e = clamp(ends[i]);
    // ceil((e - b) / s) written so that no step, INT64_MIN included, overflows: |e - b| <= dim + 1.
    const int64_t len =
        s > 0 ? (e > b ? (e - b - 1) / s + 1 : 0) : (b > e ? 1 - (b - e - 1) / s : 0);
    begin[a] = b;
    step[a] = s;
    y[a] = len;
  }
  TensorData out = make_shape_only(n.in(0).dtype, y);
  const Shape st = strides_of(x);
  fold_by_map(n.in(0), out, [&](const Shape& c) {
    int64_t src = 0;
    for (int64_t d = 0; d < rank; ++d) src += (begin[d] + c[d] * step[d]) * st[d];
    return src;
  });
  return data_movement(std::move(out), LayerKind::kGather);
}

OpResult gather(const NodeView& n) {
  const Shape& x = n.dims(0);
  const Shape& idx = n.dims(1);
  const int64_t rank = static_cast<int64_t>(x.size());
  const int64_t axis = n.axis(n.attr_int("axis", 0), rank);
  Shape y(x.begin(), x.begin() + axis);
  y.insert(y.end(), idx.begin(), idx.end());
  y.insert(y.end(), x.begin() + axis + 1, x.end());
  TensorData out = make_shape_only(n.in(0).dtype, y);
  if (n.in(1).has_value) {
    const std::vector<int64_t> indices = n.const_ints(1, "indices");
    for (int64_t i : indices)
      if (i < -x[axis] || i >= x[axis])
        n.fail("index " + std::to_string(i) + " is out of range for axis " + std::to_string(axis) +
               " of " + to_string(x));
    const Shape st = strides_of(x);
    const Shape idx_st = strides_of(idx);
    fold_by_map(n.in(0), out, [&](const Shape& c) {
      int64_t src = 0, k = 0;
      for (int64_t d = 0; d < axis; ++d) src += c[d] * st[d];
      for (size_t d = 0; d < idx.size(); ++d) k += c[axis + d] * idx_st[d];
      const int64_t i = indices[k] < 0 ? indices[k] + x[axis] : indices[k];
      src += i * st[axis];
      for (int64_t d = axis + 1; d < rank; ++d) src += c[d + idx.size() - 1] * st[d];
      return src;
    });
  }
  return data_movement(std::move(out), LayerKind::kGather);
}

OpResult pad(const NodeView& n) {
  const Shape& x = n.dims(0);
  const int64_t rank = static_cast<int64_t>(x.size());
  const Shape pads = n.has_input(1) ? n.const_ints(1, "pads") : n.attr_ints("pads", {});
  Shape axes = n.has_input(3) ? n.const_ints(3, "axes") : Shape{};
  if (axes.empty())
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
  if (pads.size() != 2 * axes.size())
    n.fail("pads " + to_string(pads) + " must hold 2 x " + std::to_string(axes.size()) +
           " entries");
  Shape y = x;
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t a = n.axis(axes[i], rank, "axes entry");
    y[a] = checked_add(checked_add(x[a], pads[i], n.where()), pads[i + axes.size()], n.where());
    if (y[a] < 0)
      n.fail("pads " + to_string(pads) + " crop axis " + std::to_string(a) + " below zero");
  }
  return data_movement(make_shape_only(n.in(0).dtype, y), LayerKind::kPad);
}

OpResult expand(const NodeView& n) {
  const Shape& x = n.dims(0);
  const Shape target = n.const_ints(1, "shape");
  const size_t rank = std::max(x.size(), target.size());
  Shape y(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t a = i + x.size() >= rank ? x[i + x.size() - rank] : 1;
    const int64_t b = i + target.size() >= rank ? target[i + target.size() - rank] : 1;
    if ((a != b && a != 1 && b != 1) || b < 0)
      n.fail("cannot expand " + to_string(x) + " to " + to_string(target));
    y[i] = a == 1 ? b : a;
  }
  check_shape(y, n.where() + ": output");  // before the fold multiplies the target's dims
  TensorData out = make_shape_only(n.in(0).dtype, y);
  const Shape st = strides_of(x);
  fold_by_map(n.in(0), out, [&](const Shape& c) {
    int64_t src = 0;
    for (size_t d = 0; d < x.size(); ++d) src += (x[d] == 1 ? 0 : c[d + rank - x.size()]) * st[d];
    return src;
  });
  return data_movement(std::move(out), LayerKind::kGather);
}

OpResult tile(const NodeView& n) {
  const Shape& x = n.dims(0);
  const Shape reps = n.const_ints(1, "repeats");
  if (reps.size() != x.size())
    n.fail("repeats " + to_string(reps) + " must match rank of " + to_string(x));
  Shape y = x;
  for (size_t i = 0; i < x.size(); ++i) {
    if (reps[i] < 0) n.fail("repeats must not be negative");
    y[i] = checked_mul(x[i], reps[i], n.where());
  }
  TensorData out = make_shape_only(n.in(0).dtype, y);
  const Shape st = strides_of(x);
  fold_by_map(n.in(0), out, [&](const Shape& c) {
    int64_t src = 0;
    for (size_t d = 0; d < x.size(); ++d) src += (c[d] % x[d]) * st[d];
    return src;
  });
  return data_movement(std::move(out), LayerKind::kGather);
}

}  // namespace

void register_layout_ops(OpRegistry& r) {
  r.add("Reshape", reshape);
  r.add("Flatten", flatten);
  r.add("Squeeze", squeeze);
  r.add("Unsqueeze", unsqueeze);
  r.add("Identity", identity);
  r.add("Dropout", identity);
  r.add("Transpose", transpose);
  r.add("Concat", concat);
  r.add("Split", split);
  r.add("Slice", slice);
  r.add("Gather", gather);
  r.add("Pad", pad);
  r.add("Expand", expand);
  r.add("Tile", tile);
}

}  // namespace eesim::workloads
