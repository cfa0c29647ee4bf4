// Weight density from the file's stored values: trace a layer's weight back to the tensor the
// file stores (through the views, DequantizeLinear and Cast nodes exporters write), then count
// its non-zero elements there. Zero-preserving element moves do not change the count, so it is
// taken on the stored layout.
#include "workloads/weight_density.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>

namespace eesim::workloads {
namespace {

template <typename T>
T load(const std::string& bytes, size_t i) {
  T v;
  std::memcpy(&v, bytes.data() + i * sizeof(T), sizeof(T));
  return v;
}

// Floating types: the element is zero when every bit but the sign is (IEEE 754 +0 and -0).
template <typename Bits>
int64_t count_float(const std::string& bytes, Bits magnitude_mask) {
  int64_t count = 0;
  for (size_t i = 0, n = bytes.size() / sizeof(Bits); i < n; ++i)
    count += (load<Bits>(bytes, i) & magnitude_mask) != 0;
  return count;
}

// Integer types: an element is zero when it equals its zero point; per channel, the zero point
// of its index along `axis` (the tensor is outer x channels x inner, row-major).
template <typename T>
std::optional<int64_t> count_int(const std::string& bytes, const Shape& dims,
                                 const ZeroPoints& zero) {
  const size_t n = bytes.size() / sizeof(T);
  const std::vector<int64_t>& zp = zero.values;
  int64_t count = 0;
  if (zp.size() <= 1 || std::all_of(zp.begin(), zp.end(), [&](int64_t z) { return z == zp[0]; })) {
    const int64_t z = zp.empty() ? 0 : zp[0];
    for (size_t i = 0; i < n; ++i) count += static_cast<int64_t>(load<T>(bytes, i)) != z;
    return count;
  }
  const int64_t rank = static_cast<int64_t>(dims.size());
  const int64_t axis = zero.axis < 0 ? zero.axis + rank : zero.axis;
  if (axis < 0 || axis >= rank || dims[axis] != static_cast<int64_t>(zp.size()))
    return std::nullopt;
  size_t inner = 1;
  for (int64_t d = axis + 1; d < rank; ++d) inner *= static_cast<size_t>(dims[d]);
  const size_t channels = zp.size();
  for (size_t i = 0; i < n; ++i)
    count += static_cast<int64_t>(load<T>(bytes, i)) != zp[(i / inner) % channels];
  return count;
}

// A floating element of `t`'s payload as a double (IEEE binary16/bfloat16 by their bits).
double load_real(const TensorData& t, size_t i) {
  const std::string& b = *t.payload;
  switch (t.dtype) {
    case DataType::kFloat:
      return load<float>(b, i);
    case DataType::kDouble:
      return load<double>(b, i);
    case DataType::kBfloat16: {
      const uint32_t bits = static_cast<uint32_t>(load<uint16_t>(b, i)) << 16;
      float f;
      std::memcpy(&f, &bits, sizeof f);
      return f;
    }
    default: {  // kFloat16
      const uint32_t h = load<uint16_t>(b, i);
      const int exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
      const double v = exp == 0    ? std::ldexp(frac, -24)
                       : exp == 31 ? (frac ? NAN : INFINITY)
                                   : std::ldexp(frac + 1024, exp - 25);
      return (h >> 15) ? -v : v;
    }
  }
}

// The integer range of a QuantizeLinear's output type.
std::pair<double, double> int_range(DataType t) {
  switch (t) {
    case DataType::kInt8:
      return {-128, 127};
    case DataType::kInt16:
      return {-32768, 32767};
    case DataType::kUint16:
      return {0, 65535};
    default:
      return {0, 255};  // uint8, the spec's default
  }
}

bool is_floating(DataType t) {
  return t == DataType::kFloat || t == DataType::kFloat16 || t == DataType::kBfloat16 ||
         t == DataType::kDouble;
}

bool default_domain(const OnnxNode& n) { return n.domain.empty() || n.domain == "ai.onnx"; }

// Ops whose output holds exactly their first input's elements; `moves` when they may change
// which axis an element's channel is on.
bool keeps_elements(const OnnxNode& n, bool& moves) {
  static const std::set<std::string> same = {"Identity", "Dropout"};
  static const std::set<std::string> moved = {"Reshape", "Flatten", "Squeeze", "Unsqueeze",
                                              "Transpose"};
  if (!default_domain(n) || n.inputs.empty() || n.inputs[0].empty()) return false;
  moves = moved.count(n.op_type) > 0;
  return moves || same.count(n.op_type) > 0;
}

// The QOperator ops' weight operands: the input index of a quantized tensor, its zero point's
// index, and the zero point's channel axis.
struct QuantOperand {
  size_t x, zero_point;
  int64_t axis;
};

std::optional<QuantOperand> quant_operand(const OnnxNode& n, size_t input) {
  static const std::vector<std::pair<std::string, std::vector<QuantOperand>>> table = {
      {"QLinearConv", {{3, 5, 0}}},                 // w: per output channel
      {"QLinearMatMul", {{0, 2, -2}, {3, 5, -1}}},  // a per row, b per column
      {"ConvInteger", {{1, 3, 0}}},
      {"MatMulInteger", {{0, 2, -2}, {1, 3, -1}}},
      {"com.microsoft.QGemm", {{0, 2, 0}, {3, 5, 1}}},  // B's axis: transB below
      {"com.microsoft.QLinearAdd", {{0, 2, 0}, {3, 5, 0}}},
      {"com.microsoft.QLinearMul", {{0, 2, 0}, {3, 5, 0}}},
  };
  const std::string key = OpRegistry::key(n.op_type, n.domain);
  for (const auto& [op, operands] : table) {
    if (op != key) continue;
    for (QuantOperand q : operands) {
      if (q.x != input) continue;
      if (key == "com.microsoft.QGemm" && input == 3) {
        auto it = n.attributes.find("transB");
        q.axis = it != n.attributes.end() && it->second.i != 0 ? 0 : 1;
      }
      return q;
    }
  }
  return std::nullopt;
}

class Tracer {
 public:
  explicit Tracer(const WeightLookup& lookup) : lookup_(lookup) {}

  // The density of tensor `name`, whose integer elements are zero where they equal `zero`
  // (none: a float tensor, or an integer one compared with 0). `moved`: a Transpose or Reshape
  // sits between `name` and the op that gave `zero`.
  DensityResult measure(const std::string& name, const std::optional<ZeroPoints>& zero, bool moved,
                        int depth) const {
    const Value* v = lookup_.value(name);
    if (!v) return no("'" + name + "' is not defined");
    const OnnxNode* p = lookup_.producer(name);
    if (v->data.payload && (!p || p->op_type == "Constant"))
      return count(name, v->data, zero, moved);
    if (p && depth < kMaxDepth) {
      bool moves = false;
      if (keeps_elements(*p, moves)) return measure(p->inputs[0], zero, moved || moves, depth + 1);
      if (p->op_type == "DequantizeLinear" && !zero && p->inputs.size() >= 1) {
        ZeroPoints z;
        if (p->inputs.size() > 2 && !p->inputs[2].empty()) {
          const Value* zv = lookup_.value(p->inputs[2]);
          if (!zv || !zv->data.has_value || zv->data.ints.empty())
            return no("the zero point of '" + p->name + "' is not known at import");
          z.values = zv->data.ints;
          auto it = p->attributes.find("axis");
          z.axis = it != p->attributes.end() ? it->second.i : 1;
        }
        return measure(p->inputs[0], z, false, depth + 1);
      }
      if (p->op_type == "Cast" && default_domain(*p) && !p->inputs.empty()) {
        // To float: the source's zeros. Quantized integers cast to their own type (PyTorch
        // 1.13's Q -> Cast(uint8) -> DQ): the same integers.
        auto it = p->attributes.find("to");
        const DataType to =
            it != p->attributes.end() ? static_cast<DataType>(it->second.i) : DataType::kUndefined;
        const Value* src = lookup_.value(p->inputs[0]);
        if ((!zero && is_floating(to)) || (zero && src && src->data.dtype == to))
          return measure(p->inputs[0], zero, moved, depth + 1);
      }
      if (p->op_type == "QuantizeLinear" && default_domain(*p) && zero && !moved)
        return quantized(*p, *zero, depth);
    }
    if (v->data.has_value && v->data.quantized_bits == 0 && !zero) return count_values(v->data);
    if (p) return no("'" + name + "' is computed by " + p->op_type + " '" + p->name + "'");
    return no("the file stores no values for '" + name + "'");
  }

 private:
  static constexpr int kMaxDepth = 64;  // chains exporters write are a few nodes long

  static DensityResult no(std::string reason) { return {std::nullopt, std::move(reason)}; }

  // A float weight quantized by QuantizeLinear `q` and read back through a DequantizeLinear
  // whose zero points are `zero`: an element is zero where saturate(round(x / scale) + zp)
  // equals the zero point (ONNX QuantizeLinear: round half to even, then saturate to the
  // output type), so small weights that round to zero count as zeros, as the chip sees them.
  DensityResult quantized(const OnnxNode& q, const ZeroPoints& zero, int depth) const {
    if (q.inputs.size() < 2) return no("QuantizeLinear '" + q.name + "' has no scale");
    const Value* scale = lookup_.value(q.inputs[1]);
    const Value* zp =
        q.inputs.size() > 2 && !q.inputs[2].empty() ? lookup_.value(q.inputs[2]) : nullptr;
    if (!scale || !scale->data.has_value || scale->data.reals.empty() ||
        (zp && (!zp->data.has_value || zp->data.ints.empty())))
      return no("the scale or zero point of '" + q.name + "' is not known at import");
    const std::vector<int64_t> zq = zp ? zp->data.ints : std::vector<int64_t>{0};
    if (zq != zero.values)
      return no("'" + q.name + "' and its DequantizeLinear differ in zero points");
    const std::vector<double>& s = scale->data.reals;
    if (s.size() != zq.size() && s.size() > 1 && zq.size() > 1)
      return no("the scale and zero point of '" + q.name + "' differ in length");
    const size_t channels = std::max(s.size(), zq.size());
    // The stored float tensor, through views (per channel: only those that keep each element
    // on its channel's axis).
    std::string x = q.inputs[0];
    const OnnxNode* p = lookup_.producer(x);
    bool moves = false;
    for (int d = depth; p && d < kMaxDepth && p->op_type != "Constant" &&
                        keeps_elements(*p, moves) && !(moves && channels > 1);
         ++d) {
      x = p->inputs[0];
      p = lookup_.producer(x);
    }
    const Value* v = lookup_.value(x);
    if (!v || !v->data.payload || (p && p->op_type != "Constant") || !is_floating(v->data.dtype))
      return no("the weight quantized by '" + q.name + "' is not a stored float tensor");
    const Shape& dims = v->data.dims;
    const int64_t rank = static_cast<int64_t>(dims.size());
    size_t inner = 1;
    if (channels > 1) {
      auto it = q.attributes.find("axis");
      int64_t axis = it != q.attributes.end() ? it->second.i : 1;
      if (axis < 0) axis += rank;
      if (axis < 0 || axis >= rank || dims[axis] != static_cast<int64_t>(channels))
        return no("the per-channel scale of '" + q.name + "' does not fit " + to_string(dims));
      for (int64_t d = axis + 1; d < rank; ++d) inner *= static_cast<size_t>(dims[d]);
    }
    const auto [lo, hi] = int_range(zp ? zp->data.dtype : DataType::kUint8);
    const size_t n = v->data.payload->size() / static_cast<size_t>(element_bytes(v->data.dtype));
    if (n == 0) return no("'" + x + "' is empty");
    int64_t nonzero = 0;
    for (size_t i = 0; i < n; ++i) {
      const size_t c = channels > 1 ? (i / inner) % channels : 0;
      const double z = static_cast<double>(zq[zq.size() > 1 ? c : 0]);
      const double r = std::nearbyint(load_real(v->data, i) / s[s.size() > 1 ? c : 0]);
      nonzero += !(std::clamp(r + z, lo, hi) == z);  // NaN: non-zero
    }
    return {static_cast<double>(nonzero) / static_cast<double>(n), ""};
  }

  static DensityResult count(const std::string& name, const TensorData& t,
                             const std::optional<ZeroPoints>& zero, bool moved) {
    const ZeroPoints z = zero.value_or(ZeroPoints{});
    const int64_t elements = static_cast<int64_t>(t.payload->size()) / element_bytes(t.dtype);
    if (moved && z.values.size() > 1)
      return no("the per-channel zero points of '" + name +
                "' apply after a Transpose or Reshape of it");
    const std::optional<int64_t> nonzero = count_nonzero(t, z);
    if (!nonzero)
      return no("'" + name + "' (" + to_string(t.dtype) + ", " + to_string(t.dims) +
                ") has no zero count" +
                (z.values.size() > 1 ? " with its per-channel zero points" : ""));
    if (elements == 0) return no("'" + name + "' is empty");
    return {static_cast<double>(*nonzero) / static_cast<double>(elements), ""};
  }

  static DensityResult count_values(const TensorData& t) {
    const size_t n = t.ints.size() + t.reals.size();
    if (n == 0) return no("an empty weight");
    int64_t nonzero = 0;
    for (int64_t x : t.ints) nonzero += x != 0;
    for (double x : t.reals) nonzero += x != 0;  // -0.0 == 0; NaN != 0
    return {static_cast<double>(nonzero) / static_cast<double>(n), ""};
  }

  const WeightLookup& lookup_;
};

}  // namespace

std::optional<int64_t> count_nonzero(const TensorData& t, const ZeroPoints& zero) {
  const std::string& b = *t.payload;
  switch (t.dtype) {
    case DataType::kFloat:
      return count_float<uint32_t>(b, 0x7fffffffu);
    case DataType::kDouble:
      return count_float<uint64_t>(b, 0x7fffffffffffffffu);
    case DataType::kFloat16:
    case DataType::kBfloat16:
      return count_float<uint16_t>(b, 0x7fff);
    case DataType::kInt8:
      return count_int<int8_t>(b, t.dims, zero);
    case DataType::kUint8:
    case DataType::kBool:
      return count_int<uint8_t>(b, t.dims, zero);
    case DataType::kInt16:
      return count_int<int16_t>(b, t.dims, zero);
    case DataType::kUint16:
      return count_int<uint16_t>(b, t.dims, zero);
    case DataType::kInt32:
      return count_int<int32_t>(b, t.dims, zero);
    case DataType::kUint32:
      return count_int<uint32_t>(b, t.dims, zero);
    case DataType::kInt64:
      return count_int<int64_t>(b, t.dims, zero);
    case DataType::kUint64:
      return count_int<uint64_t>(b, t.dims, zero);
    default:
      return std::nullopt;
  }
}

DensityResult measure_weight_density(const OnnxNode& node, size_t input,
                                     const WeightLookup& lookup) {
  if (input >= node.inputs.size() || node.inputs[input].empty())
    return {std::nullopt, "the layer has no weight input"};
  std::optional<ZeroPoints> zero;
  if (const auto q = quant_operand(node, input)) {
    zero = ZeroPoints{};
    zero->axis = q->axis;
    if (q->zero_point < node.inputs.size() && !node.inputs[q->zero_point].empty()) {
      const Value* zv = lookup.value(node.inputs[q->zero_point]);
      if (!zv || !zv->data.has_value || zv->data.ints.empty())
        return {std::nullopt, "its weight's zero point is not known at import"};
      zero->values = zv->data.ints;
    }
  }
  return Tracer(lookup).measure(node.inputs[input], zero, false, 0);
}

}  // namespace eesim::workloads
