// Ops that run on a MAC array: Conv, Gemm, MatMul; and BatchNormalization, which the importer
// folds into the Conv/Gemm before it (here only its shape and its cost when it stands alone).
// Each also says how to infer its weights' dims when a weight-stripped export lacks them.
#include <algorithm>

#include "common/checked_math.h"
#include "workloads/op_registry.h"

namespace eesim::workloads {
namespace {

OpResult conv(const NodeView& n) {
  const Shape& x = n.dims(0);
  const Shape& w = n.dims(1);
  if (x.size() < 3) n.fail("input " + to_string(x) + " must be N x C x spatial...");
  if (w.size() != x.size())
    n.fail("weight " + to_string(w) + " must have the input's rank " + std::to_string(x.size()));
  const int64_t groups = n.attr_int("group", 1);
  if (groups <= 0) n.fail("group must be positive, got " + std::to_string(groups));
  if (groups > x[1])  // ONNX Conv: the input's channels divide into the groups
    n.fail("group " + std::to_string(groups) + " exceeds the input's " + std::to_string(x[1]) +
           " channels");
  if (x[1] != w[1] * groups)
    n.fail("input has " + std::to_string(x[1]) + " channels but weight " + to_string(w) +
           " with group=" + std::to_string(groups) + " expects " + std::to_string(w[1] * groups));
  if (w[0] % groups != 0)
    n.fail(std::to_string(w[0]) + " filters do not divide into " + std::to_string(groups) +
           " groups");
  if (n.has_input(2) && n.dims(2) != Shape{w[0]})
    n.fail("bias " + to_string(n.dims(2)) + " must be [" + std::to_string(w[0]) + "]");
  const Shape kernel = n.attr_ints("kernel_shape", Shape(w.begin() + 2, w.end()));
  if (kernel != Shape(w.begin() + 2, w.end()))
    n.fail("kernel_shape " + to_string(kernel) + " disagrees with weight " + to_string(w));

  Shape out_spatial;
  OpResult r;
  r.window = resolve_window(n, Shape(x.begin() + 2, x.end()), kernel, false, out_spatial);
  r.window->groups = groups;
  Shape y = {x[0], w[0]};
  y.insert(y.end(), out_spatial.begin(), out_spatial.end());
  r.outputs.push_back(make_shape_only(n.in(0).dtype, y));
  r.kind = LayerKind::kConv;
  // MACs per output element = (C / group) * prod(kernel): each output sums over its group's
  // input channels and the kernel window (the count PyTorch profilers use for Conv2d).
  const int64_t per_output = checked_mul(w[1], num_elements(kernel), n.where());
  r.macs = checked_mul(num_elements(y), per_output, n.where());
  r.weight_params = n.weight_params({1, 2});
  r.weight_bytes = n.weight_bytes({1, 2});
  return r;
}

OpResult gemm(const NodeView& n) {
  const Shape& a = n.dims(0);
  const Shape& b = n.dims(1);
  if (a.size() != 2 || b.size() != 2)
    n.fail("Gemm needs 2-D inputs, got " + to_string(a) + " and " + to_string(b));
  const bool ta = n.attr_int("transA", 0) != 0, tb = n.attr_int("transB", 0) != 0;
  const int64_t m = ta ? a[1] : a[0], k = ta ? a[0] : a[1];
  const int64_t kb = tb ? b[1] : b[0], cols = tb ? b[0] : b[1];
  if (k != kb)
    n.fail("inner dimensions differ: A " + to_string(a) + (ta ? " (transposed)" : "") + ", B " +
           to_string(b) + (tb ? " (transposed)" : ""));
  OpResult r;
  r.outputs.push_back(make_shape_only(n.in(0).dtype, {m, cols}));
  r.kind = LayerKind::kMatMul;
  r.macs = checked_mul(checked_mul(m, cols, n.where()), k, n.where());
  r.weight_params = n.weight_params({0, 1, 2});
  r.weight_bytes = n.weight_bytes({0, 1, 2});
  return r;
}

OpResult matmul(const NodeView& n) {
  Shape a = n.dims(0), b = n.dims(1);
  if (a.empty() || b.empty()) n.fail("MatMul inputs must not be scalars");
  // numpy.matmul: a 1-D operand is promoted to a matrix and the added axis dropped after.
  const bool a_vec = a.size() == 1, b_vec = b.size() == 1;
  if (a_vec) a.insert(a.begin(), 1);
  if (b_vec) b.push_back(1);
  const int64_t m = a[a.size() - 2], k = a.back(), kb = b[b.size() - 2], cols = b.back();
  if (k != kb)
    n.fail("inner dimensions differ: " + to_string(n.dims(0)) + " x " + to_string(n.dims(1)));
  Shape batch_a(a.begin(), a.end() - 2), batch_b(b.begin(), b.end() - 2), batch;
  const size_t rank = std::max(batch_a.size(), batch_b.size());
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i + batch_a.size() >= rank ? batch_a[i + batch_a.size() - rank] : 1;
    const int64_t db = i + batch_b.size() >= rank ? batch_b[i + batch_b.size() - rank] : 1;
    if (da != db && da != 1 && db != 1)
      n.fail("batch dimensions do not broadcast: " + to_string(n.dims(0)) + " x " +
             to_string(n.dims(1)));
    batch.push_back(std::max(da, db));
  }
  Shape y = batch;
  if (!a_vec) y.push_back(m);
  if (!b_vec) y.push_back(cols);
  OpResult r;
  r.outputs.push_back(make_shape_only(n.in(0).dtype, y));
  r.kind = LayerKind::kMatMul;
  r.macs = checked_mul(checked_mul(checked_mul(num_elements(batch), m, n.where()), cols, n.where()),
                       k, n.where());
  r.weight_params = n.weight_params({0, 1});
  r.weight_bytes = n.weight_bytes({0, 1});
  return r;
}

OpResult batch_norm(const NodeView& n) {
  const Shape& x = n.dims(0);
  if (x.size() < 2) n.fail("input " + to_string(x) + " must be N x C x ...");
  for (size_t i = 1; i <= 4; ++i)
    if (n.dims(i) != Shape{x[1]})
      n.fail("input " + std::to_string(i) + " " + to_string(n.dims(i)) + " must be [" +
             std::to_string(x[1]) + "] (one per channel)");
  OpResult r;
  r.outputs.push_back(make_shape_only(n.in(0).dtype, x));
  for (size_t i = 1; i < n.node().outputs.size(); ++i)  // training-mode running statistics
    r.outputs.push_back(make_shape_only(n.in(0).dtype, {x[1]}));
  // Standing alone, inference BN is y = x * a + b per channel (a, b folded from the four
  // statistics): two operations per element, two parameters per channel.
  r.kind = LayerKind::kEltwise;
  r.vector_ops = checked_mul(2, num_elements(x), n.where());
  r.weight_params = 2 * x[1];
  r.weight_bytes = 2 * x[1] * element_bytes(n.in(1).dtype);
  return r;
}

// Weight-stripped exports: a weight's dims from the node and what is known of its output.

// "weight 'W' (input 1) is not in the file": the start of every failure to infer one.
std::string stripped(const NodeView& n, size_t input) {
  return "weight '" + n.node().inputs[input] + "' (input " + std::to_string(input) +
         ") is not in the file (a weight-stripped export)";
}

// The size of output 0 along `axis`, or a failure saying where it was looked for.
KnownSize need_output_size(const NodeView& n, size_t input, const OutputSize& output_size,
                           int64_t axis, int64_t rank, const std::string& what) {
  if (auto s = output_size(axis, rank)) return *s;
  const std::string out = n.node().outputs.empty() ? "" : n.node().outputs[0];
  n.fail(stripped(n, input) + " and its " + what + " cannot be inferred: no shape for output '" +
         out +
         "' in value_info or the graph outputs, and no reader of it with a known weight (run "
         "onnx.shape_inference.infer_shapes on the model before removing its weights)");
}

// W [M, C/group, k...] and B [M]: M from the bias when the file holds it, else output 0's
// channels; k from kernel_shape (the weight's own dims are what the attribute defaults to).
InferredDims conv_weight_dims(const NodeView& n, size_t input, const OutputSize& output_size) {
  const Shape& x = n.dims(0);
  if (x.size() < 3) n.fail("input " + to_string(x) + " must be N x C x spatial...");
  KnownSize m;
  if (input == 1 && n.has_input(2) && n.dims(2).size() == 1)
    m = {n.dims(2)[0], "the bias '" + n.node().inputs[2] + "'"};
  else
    m = need_output_size(n, input, output_size, 1, static_cast<int64_t>(x.size()), "filter count");
  const std::string filters = std::to_string(m.size) + " filters (" + m.from + ")";
  if (input == 2) return {{m.size}, filters};
  if (!n.has_attr("kernel_shape"))
    n.fail(stripped(n, input) + " and the node has no kernel_shape attribute to infer its dims");
  const Shape kernel = n.attr_ints("kernel_shape", {});
  if (kernel.size() + 2 != x.size())
    n.fail("kernel_shape " + to_string(kernel) + " does not match input " + to_string(x));
  const int64_t groups = n.attr_int("group", 1);
  if (groups <= 0 || x[1] % groups != 0)
    n.fail("group " + std::to_string(groups) + " does not divide the input's " +
           std::to_string(x[1]) + " channels");
  Shape w = {m.size, x[1] / groups};
  w.insert(w.end(), kernel.begin(), kernel.end());
  return {w, "kernel_shape, group " + std::to_string(groups) + ", the input's " +
                 std::to_string(x[1]) + " channels and " + filters};
}

// B [K, N] or [N, K] (transB) and C [N]: K from A, N from C when the file holds it, else from
// output 0's columns.
InferredDims gemm_weight_dims(const NodeView& n, size_t input, const OutputSize& output_size) {
  const Shape& a = n.dims(0);
  if (a.size() != 2) n.fail("Gemm needs a 2-D input A, got " + to_string(a));
  const bool ta = n.attr_int("transA", 0) != 0, tb = n.attr_int("transB", 0) != 0;
  const int64_t k = ta ? a[0] : a[1];
  KnownSize cols;
  if (input == 1 && n.has_input(2) && !n.dims(2).empty() && n.dims(2).back() > 1)
    cols = {n.dims(2).back(), "the bias '" + n.node().inputs[2] + "'"};
  else
    cols = need_output_size(n, input, output_size, 1, 2, "output width");
  const std::string width = std::to_string(cols.size) + " outputs (" + cols.from + ")";
  if (input == 2) return {{cols.size}, width};
  return {tb ? Shape{cols.size, k} : Shape{k, cols.size},
          "the input's " + std::to_string(k) + " features and " + width};
}

// A stripped MatMul weight is taken as a matrix B [K, N] (a Linear layer's): K from A, N from
// output 0's last axis.
InferredDims matmul_weight_dims(const NodeView& n, size_t input, const OutputSize& output_size) {
  const Shape& a = n.dims(0);
  if (a.empty()) n.fail("MatMul inputs must not be scalars");
  const auto rank = static_cast<int64_t>(std::max<size_t>(a.size(), 2));
  const KnownSize cols = need_output_size(n, input, output_size, rank - 1, rank, "output width");
  return {{a.back(), cols.size},
          "the input's " + std::to_string(a.back()) + " features and " + std::to_string(cols.size) +
              " outputs (" + cols.from + ")"};
}

// scale, B, mean and var: one per channel of the input.
InferredDims batch_norm_weight_dims(const NodeView& n, size_t, const OutputSize&) {
  const Shape& x = n.dims(0);
  if (x.size() < 2) n.fail("input " + to_string(x) + " must be N x C x ...");
  return {{x[1]}, "the input's " + std::to_string(x[1]) + " channels"};
}

}  // namespace

void register_matrix_ops(OpRegistry& r) {
  r.add("Conv", conv);
  r.add("Gemm", gemm);
  r.add("MatMul", matmul);
  r.add("BatchNormalization", batch_norm);
  r.add_weights("Conv", {{1, 2}, conv_weight_dims});
  r.add_weights("Gemm", {{1, 2}, gemm_weight_dims});
  r.add_weights("MatMul", {{1}, matmul_weight_dims});
  r.add_weights("BatchNormalization", {{1, 2, 3, 4}, batch_norm_weight_dims});
}

}  // namespace eesim::workloads
