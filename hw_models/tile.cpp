// Layer -> TileShape: the GEMM view of Conv/Gemm/MatMul and the element counts of the rest.
#include "hw_models/tile.h"

#include <algorithm>
#include <bit>
#include <span>

#include "common/checked_math.h"
#include "common/error.h"

namespace eesim::hw {
namespace {

using workloads::Layer;
using workloads::LayerKind;
using workloads::Shape;

// Product of dims [from, to) of a shape of layer `l`; an overflow names the layer.
int64_t product(const Layer& l, const Shape& s, size_t from = 0, size_t to = SIZE_MAX) {
  const size_t first = std::min(from, s.size()), last = std::max(first, std::min(to, s.size()));
  return checked_product(std::span(s).subspan(first, last - first), l.name);
}

TileClass class_of(LayerKind k) {
  switch (k) {
    case LayerKind::kConv:
    case LayerKind::kMatMul:
      return TileClass::kGemm;
    case LayerKind::kConcat:
    case LayerKind::kSplit:
    case LayerKind::kPad:
    case LayerKind::kTranspose:
    case LayerKind::kGather:
      return TileClass::kMove;
    default:
      return TileClass::kVector;
  }
}

const Shape& out_shape(const Layer& l) {
  static const Shape kNone;
  return l.outputs.empty() ? kNone : l.outputs[0].shape;
}

bool spatial_2d(const Layer& l) { return out_shape(l).size() == 4; }

[[noreturn]] void inconsistent(const Layer& l, const std::string& what) {
  throw Error("layer '" + l.name + "' (" + l.op + "): " + what);
}

// Elements of each activation input this band reads. Inputs with the output's height are
// sliced; windowed layers read their receptive field; broadcast inputs are read whole.
int64_t band_input_elems(const Layer& l, int64_t first, int64_t rows, int64_t out_h) {
  int64_t n = 0;
  for (const auto& in : l.inputs) {
    const Shape& s = in.shape;
    if (s.size() == 4 && l.window && !l.window->kernel.empty())
      n = checked_add(n, product(l, s) / s[2] * input_rows(l, s[2], first, rows).count(), l.name);
    else if (s.size() == 4 && s[2] == out_h)
      n = checked_add(n, product(l, s) / s[2] * rows, l.name);
    else
      n = checked_add(n, product(l, s), l.name);
  }
  return n;
}

void set_gemm_view(const Layer& l, TileShape& t, int64_t rows) {
  const Shape& out = out_shape(l);
  if (l.kind == LayerKind::kConv) {
    if (out.size() < 3 || l.inputs.empty() || !l.window) inconsistent(l, "conv without [N,K,...]");
    const int64_t g = l.window->groups, k = out[1];
    const int64_t c = l.inputs[0].shape[1];
    t.groups = g;
    t.filters = k / g;
    const int64_t pixels = checked_mul(out[0], product(l, out, 2), l.name);
    t.out_pixels = pixels / (out.size() == 4 ? out[2] : 1) * rows;
    t.window = checked_mul(product(l, l.window->kernel), c / g, l.name);
    t.depthwise = g > 1 && c / g == 1 && k / g == 1;
    // The loop view: [N, K, H, W] or [N, K, W] outputs, kernels of rank 2 or 1.
    const auto& w = *l.window;
    const size_t rank = w.kernel.size();
    t.out_cols = out.size() >= 3 ? out.back() : 1;
    const auto at = [](const Shape& v, size_t i) { return i < v.size() ? v[i] : int64_t{1}; };
    if (rank >= 1)
      t.kernel_w = w.kernel[rank - 1], t.stride_w = at(w.strides, rank - 1),
      t.dilation_w = at(w.dilations, rank - 1);
    if (rank >= 2)
      t.kernel_h = w.kernel[rank - 2], t.stride_h = at(w.strides, rank - 2),
      t.dilation_h = at(w.dilations, rank - 2);
  } else {  // Gemm, MatMul: [..., M, N] = [..., M, Win] x [Win, N]
    t.filters = out.empty() ? 1 : out.back();
    t.out_pixels = out.empty() ? 1 : product(l, out, 0, out.size() - 1);
    const int64_t outputs = checked_mul(t.out_pixels, t.filters, l.name);
    t.window = outputs == 0 ? 0 : l.macs / outputs;
  }
}

}  // namespace

std::string to_string(TileClass c) {
  switch (c) {
    case TileClass::kGemm:
      return "gemm";
    case TileClass::kVector:
      return "vector";
    case TileClass::kMove:
      return "move";
  }
  return "?";
}

size_t TileShapeHash::operator()(const TileShape& t) const {
  // Multiply-xor over the fields, spelled out (the cost cache hashes every shape it is asked
  // for: a loop over an initializer list, and std::hash<double>'s call to a byte hash, were most
  // of a cache hit). -0.0 and 0.0 compare equal, so they hash alike.
  uint64_t h = static_cast<uint64_t>(t.cls);
  const auto mix = [&h](int64_t v) { h = (h ^ static_cast<uint64_t>(v)) * 0x9e3779b97f4a7c15u; };
  mix(t.groups), mix(t.out_pixels), mix(t.filters), mix(t.window), mix(t.layer_out_pixels);
  mix(t.out_cols), mix(t.kernel_h), mix(t.kernel_w), mix(t.stride_h), mix(t.stride_w);
  mix(t.dilation_h), mix(t.dilation_w);
  mix(t.vector_ops), mix(t.in_elems), mix(t.weight_elems), mix(t.out_elems);
  mix(t.weight_bits), mix(t.input_bits), mix(t.output_bits);
  mix(std::bit_cast<int64_t>(t.weight_density == 0 ? 0.0 : t.weight_density));
  mix((t.depthwise ? 2 : 0) + (t.weights_resident ? 1 : 0) + (t.bits_scale_compute ? 4 : 0));
  return static_cast<size_t>(h ^ (h >> 29));
}

RowRange input_rows(const Layer& l, int64_t in_h, int64_t first_row, int64_t rows) {
  if (!l.window || l.window->kernel.empty())
    return {std::min(first_row, in_h), std::min(first_row + rows, in_h) - 1};
  const auto& w = *l.window;
  const int64_t s = w.strides[0], pad = w.pads_begin[0], k = w.kernel[0], d = w.dilations[0];
  return {std::max<int64_t>(0, first_row * s - pad),
          std::min<int64_t>(in_h - 1, (first_row + rows - 1) * s - pad + (k - 1) * d)};
}

int64_t output_rows(const Layer& layer) { return spatial_2d(layer) ? out_shape(layer)[2] : 1; }

TileShape row_band_tile(const Layer& l, int64_t first_row, int64_t rows) {
  const int64_t out_h = output_rows(l);
  if (rows <= 0 || first_row < 0 || first_row + rows > out_h)
    inconsistent(l, "row band [" + std::to_string(first_row) + ", " +
                        std::to_string(first_row + rows) + ") outside its " +
                        std::to_string(out_h) + " output rows");
  TileShape t;
  t.cls = class_of(l.kind);
  const int64_t out_total = product(l, out_shape(l));
  t.out_elems = out_total / out_h * rows;
  t.in_elems = band_input_elems(l, first_row, rows, out_h);
  t.weight_elems = l.weight_params;
  t.weight_bits = l.weight_bits;
  t.input_bits = l.input_bits;
  t.output_bits = l.output_bits;
  t.bits_scale_compute = l.bits_scale_compute;
  t.weight_density = l.weight_density;
  if (t.cls == TileClass::kGemm) {
    set_gemm_view(l, t, rows);
    if (rows == out_h && t.macs() != l.macs)
      inconsistent(l, "GEMM view " + std::to_string(t.macs()) + " MACs != layer's " +
                          std::to_string(l.macs));
    // set_gemm_view scales a conv's pixels by rows (a MatMul's view is always the whole layer).
    if (rows < out_h && l.kind == LayerKind::kConv)
      t.layer_out_pixels = t.out_pixels / rows * out_h;
  } else if (t.cls == TileClass::kVector) {
    // Element operations are uniform over output rows for every vector op eesim imports.
    // ceil(vector_ops * rows / out_h), without forming a product that may not fit in 64 bits.
    const int64_t q = l.vector_ops / out_h, r = l.vector_ops % out_h;
    t.vector_ops =
        rows == out_h ? l.vector_ops : q * rows + ceil_div(checked_mul(r, rows, l.name), out_h);
  } else {
    t.vector_ops = t.out_elems;  // a move copies each output element once
  }
  return t;
}

TileShape layer_tile(const Layer& layer) { return row_band_tile(layer, 0, output_rows(layer)); }

}  // namespace eesim::hw
