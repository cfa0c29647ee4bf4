// Windowed and reducing ops: MaxPool, AveragePool, global pools, Reduce*, ArgMax, Softmax.
// They run on SIMD/vector units; vector_ops counts one operation per input element visited.
#include <algorithm>

#include "common/checked_math.h"
#include "common/limits.h"
#include "workloads/op_registry.h"

namespace eesim::workloads {

Window resolve_window(const NodeView& n, const Shape& in, const Shape& kernel, bool ceil_mode,
                      Shape& out) {
  const size_t rank = in.size();
  Window w;
  w.kernel = kernel;
  w.strides = n.attr_ints("strides", Shape(rank, 1));
  w.dilations = n.attr_ints("dilations", Shape(rank, 1));
  const Shape pads = n.attr_ints("pads", Shape(2 * rank, 0));
  if (kernel.size() != rank || w.strides.size() != rank || w.dilations.size() != rank ||
      pads.size() != 2 * rank)
    n.fail("kernel_shape/strides/dilations/pads do not match " + std::to_string(rank) +
           " spatial axes (input spatial dims " + to_string(in) + ")");
  const std::string auto_pad = n.attr_string("auto_pad", "NOTSET");
  out.assign(rank, 0);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t k = kernel[i], s = w.strides[i], d = w.dilations[i];
    if (k <= 0 || s <= 0 || d <= 0)
      n.fail("kernel, stride and dilation must be positive on spatial axis " + std::to_string(i));
    // Bounded like any dimension (common/limits.h), so the window arithmetic below stays far
    // from int64 overflow: span < 2^62, padded input < 2^33.
    if (k > kMaxDim || s > kMaxDim || d > kMaxDim || pads[i] > kMaxDim || pads[i + rank] > kMaxDim)
      n.fail("kernel " + std::to_string(k) + ", stride " + std::to_string(s) + ", dilation " +
             std::to_string(d) + " or pads " + to_string(pads) + " exceed " +
             std::to_string(kMaxDim) + " on spatial axis " + std::to_string(i));
    const int64_t span = (k - 1) * d + 1;  // the dilated kernel's extent
    int64_t pb = pads[i], pe = pads[i + rank];
    if (auto_pad == "VALID") {
      pb = pe = 0;
    } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      // ONNX spec: output = ceil(in / stride); the total padding is split, extra at the end
      // for SAME_UPPER and at the beginning for SAME_LOWER.
      const int64_t o = (in[i] + s - 1) / s;
      const int64_t total = std::max<int64_t>(0, (o - 1) * s + span - in[i]);
      pb = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      pe = total - pb;
    } else if (auto_pad != "NOTSET") {
      n.fail("auto_pad '" + auto_pad + "' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID");
    }
    if (pb < 0 || pe < 0) n.fail("pads must not be negative: " + to_string(pads));
    const int64_t room = in[i] + pb + pe - span;
    if (room < 0)
      n.fail("window of " + std::to_string(span) + " (kernel " + std::to_string(k) + ", dilation " +
             std::to_string(d) + ") is larger than the padded input " +
             std::to_string(in[i] + pb + pe) + " on spatial axis " + std::to_string(i));
    int64_t o = (ceil_mode ? (room + s - 1) / s : room / s) + 1;
    if (ceil_mode && (o - 1) * s >= in[i] + pb) --o;  // last window must start inside input
    out[i] = o;
    w.pads_begin.push_back(pb);
    w.pads_end.push_back(pe);
  }
  return w;
}

namespace {

OpResult pool(const NodeView& n) {
  const Shape& x = n.dims(0);
  if (x.size() < 3) n.fail("input " + to_string(x) + " must be N x C x spatial...");
  if (!n.has_attr("kernel_shape")) n.fail("missing attribute kernel_shape");
  Shape spatial;
  OpResult r;
  r.window = resolve_window(n, Shape(x.begin() + 2, x.end()), n.attr_ints("kernel_shape", {}),
                            n.attr_int("ceil_mode", 0) != 0, spatial);
  Shape y = {x[0], x[1]};
  y.insert(y.end(), spatial.begin(), spatial.end());
  r.outputs.push_back(make_shape_only(n.in(0).dtype, y));
  if (n.node().outputs.size() > 1) r.outputs.push_back(make_shape_only(DataType::kInt64, y));
  r.kind = LayerKind::kPool;
  r.vector_ops = checked_mul(num_elements(y), num_elements(r.window->kernel), n.where());
  return r;
}

OpResult global_pool(const NodeView& n) {
  const Shape& x = n.dims(0);
  if (x.size() < 3) n.fail("input " + to_string(x) + " must be N x C x spatial...");
  Shape y(x.size(), 1);
  y[0] = x[0];
  y[1] = x[1];
  OpResult r;
  r.outputs.push_back(make_shape_only(n.in(0).dtype, y));
  r.kind = LayerKind::kReduce;
  r.vector_ops = num_elements(x);
  return r;
}

// Reduce*: axes come from an attribute, or from input 1 in opset 18 (ReduceSum: 13).
OpResult reduce(const NodeView& n) {
  const Shape& x = n.dims(0);
  const int64_t rank = static_cast<int64_t>(x.size());
  Shape axes = n.has_input(1) ? n.const_ints(1, "axes") : n.attr_ints("axes", {});
  const bool keep = n.attr_int("keepdims", 1) != 0;
  if (axes.empty() && n.attr_int("noop_with_empty_axes", 0) == 0)
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
  std::vector<bool> reduced(rank, false);
  for (int64_t a : axes) reduced[n.axis(a, rank, "axes entry")] = true;
  Shape y;
  for (int64_t i = 0; i < rank; ++i)
    if (!reduced[i])
      y.push_back(x[i]);
    else if (keep)
      y.push_back(1);
  OpResult r;
  r.outputs.push_back(make_shape_only(n.in(0).dtype, y));
  r.kind = LayerKind::kReduce;
  r.vector_ops = num_elements(x);
  return r;
}

OpResult arg_reduce(const NodeView& n) {
  const Shape& x = n.dims(0);
  const int64_t a = n.axis(n.attr_int("axis", 0), static_cast<int64_t>(x.size()));
  Shape y = x;
  if (n.attr_int("keepdims", 1) != 0)
    y[a] = 1;
  else
    y.erase(y.begin() + a);
  OpResult r;
  r.outputs.push_back(make_shape_only(DataType::kInt64, y));
  r.kind = LayerKind::kReduce;
  r.vector_ops = num_elements(x);
  return r;
}

OpResult softmax(const NodeView& n) {
  const Shape& x = n.dims(0);
  n.axis(n.attr_int("axis", n.opset() >= 13 ? -1 : 1), static_cast<int64_t>(x.size()));
  OpResult r;
  r.outputs.push_back(make_shape_only(n.in(0).dtype, x));
  r.kind = LayerKind::kSoftmax;
  // exp, running sum and divide: three operations per element.
  r.vector_ops = checked_mul(3, num_elements(x), n.where());
  return r;
}

}  // namespace

void register_window_ops(OpRegistry& r) {
  r.add("MaxPool", pool);
  r.add("AveragePool", pool);
  r.add("LpPool", pool);
  r.add("GlobalAveragePool", global_pool);
  r.add("GlobalMaxPool", global_pool);
  for (const char* op : {"ReduceMean", "ReduceMax", "ReduceMin", "ReduceSum", "ReduceProd",
                         "ReduceL1", "ReduceL2", "ReduceLogSumExp", "ReduceSumSquare"})
    r.add(op, reduce);
  r.add("ArgMax", arg_reduce);
  r.add("ArgMin", arg_reduce);
  r.add("Softmax", softmax);
  r.add("LogSoftmax", softmax);
}

}  // namespace eesim::workloads
