#pragma once
// Weight density: the fraction of a layer's main weight tensor that is non-zero, counted from
// the values the file stores (ReadOptions::weights, ImportOptions::measure_density). The
// importer asks once per layer with weights; this file traces the weight back to the tensor
// the file stores and counts it there.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "workloads/op_registry.h"

namespace eesim::workloads {

// A quantized tensor's zero points: one value (per tensor), or one per index along `axis`
// (per channel; negative counts from the last axis). A stored integer equal to its zero point
// is a zero weight: it dequantizes to 0.
struct ZeroPoints {
  std::vector<int64_t> values = {0};
  int64_t axis = 0;
};

// Non-zero elements of `stored`'s payload (TensorData::payload, which must be set). Floating
// types compare the bit pattern without its sign (+0 and -0 are zero; NaN is not); integer and
// bool types compare each value with its zero point. nullopt for types without such a count
// (strings, complex numbers) and for per-channel zero points that do not match the dims.
std::optional<int64_t> count_nonzero(const TensorData& stored, const ZeroPoints& zero);

// What the importer knows of each tensor name, to trace a weight back to the stored tensor.
struct WeightLookup {
  std::function<const Value*(const std::string&)> value;        // null: never defined
  std::function<const OnnxNode*(const std::string&)> producer;  // null: initializer, input
};

struct DensityResult {
  std::optional<double> density;  // nullopt: not measured, and `reason` says why
  std::string reason;
};

// The density of input `input` of layer node `node` (its main weight). Traced through the
// chains exporters write between an initializer (or Constant) and the layer:
//  - Identity, Dropout, Reshape, Flatten, Squeeze, Unsqueeze, Transpose: the same elements;
//  - DequantizeLinear: zero where the stored integer equals its zero point (per tensor, or per
//    channel along `axis` when no Transpose or Reshape sits between it and the stored tensor);
//  - QuantizeLinear of a stored float weight (then DequantizeLinear, maybe with PyTorch 1.13's
//    Cast between): zero where the float quantizes to the zero point (round half to even,
//    saturated to the output type), as the chip would store it;
//  - Cast to a floating type: the source's zeros (a value that underflows to 0 in a narrowing
//    cast is not counted as zero); a Cast of quantized integers to their own type;
//  - the QOperator layouts' weight operands (QLinearConv's w, QLinearMatMul's and
//    MatMulInteger's a and b, ConvInteger's w, QGemm's B, QLinearAdd/Mul's B, and A when it is
//    the weight), zero where equal to the op's own zero point input;
//  - anything else folded at import to a value (small tensors: weight arithmetic on constants)
//    is counted on that value.
// Anything else (a weight computed by an op the import does not fold, a tensor whose values
// the file does not store) is not measured.
DensityResult measure_weight_density(const OnnxNode& node, size_t input,
                                     const WeightLookup& lookup);

}  // namespace eesim::workloads
