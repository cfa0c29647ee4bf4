// Ops that run on a MAC array: Conv, Gemm, MatMul; and BatchNormalization, which the importer
// folds into the Conv/Gemm before it (here only its shape and its cost when it stands alone).
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

}  // namespace

void register_matrix_ops(OpRegistry& r) {
  r.add("Conv", conv);
  r.add("Gemm", gemm);
  r.add("MatMul", matmul);
  r.add("BatchNormalization", batch_norm);
}

}  // namespace eesim::workloads
