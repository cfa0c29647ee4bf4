#pragma once
// Weight-stripped exports: weights a model names but does not hold. Two forms are common in
// research repositories: initializers removed to save space (a Conv's W names no tensor at all),
// and torch.onnx.export(..., export_params=False) (weights become graph inputs without
// initializers, which must not be taken for the network's input). This file finds those tensors
// and the sizes their dims can be read from; each op's WeightDimsFn (op_registry.h) turns the
// sizes into dims, and the importer notes every inferred weight in Workload::warnings.
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "workloads/onnx_model.h"
#include "workloads/op_registry.h"

namespace eesim::workloads {

class StrippedWeights {
 public:
  // `given_inputs`: graph inputs the user gave a shape for (ImportOptions::input_shapes), which
  // stay inputs whatever reads them.
  StrippedWeights(const OnnxModel& model, const OpRegistry& ops,
                  const std::map<std::string, Shape>& given_inputs);

  // Graph inputs of the main graph without an initializer that only weights read: an op's
  // weight input (WeightInputs), directly or through a Transpose, Reshape, ... of weights alone.
  // Empty when taking them for weights would leave the model without an input.
  const std::set<std::string>& weight_inputs() const { return weight_inputs_; }

  // A tensor nothing defines (no initializer, graph input or node output, in any graph) that
  // only ops' weight inputs read, directly or through Identity nodes (PyTorch writes one per
  // extra use of a shared weight); and the outputs of those Identity nodes. Its dims are
  // inferred by the reader's WeightDimsFn; the Identity nodes are skipped.
  bool is_missing(const std::string& name) const { return missing_.count(name) > 0; }

  // Dims of a weight that is known by name (initializers, weight inputs, weights inferred so
  // far); null otherwise.
  using KnownDims = std::function<const Shape*(const std::string&)>;

  // The size of tensor `name` of rank `rank` along `axis`: declared in value_info or the graph
  // outputs, or needed by a reader whose weight is known (a Conv's W gives its input's
  // channels, a Gemm's or MatMul's B its input's width, a BatchNormalization's scale its
  // channels), following readers that keep the axis (activations, Identity, Dropout,
  // BatchNormalization; pools for the batch and channel axes).
  std::optional<KnownSize> size(const std::string& name, int64_t axis, int64_t rank,
                                const KnownDims& known) const;

 private:
  using Use = std::pair<const OnnxNode*, size_t>;  // a node and the input slot reading a tensor

  void index(const OnnxGraph& g, std::set<std::string>& defined);
  bool read_only_as_weight(const std::string& name, const std::set<std::string>& views,
                           int depth) const;
  void add_missing(const std::string& name);
  std::optional<KnownSize> size_from_readers(const std::string& name, int64_t axis, int64_t rank,
                                             const KnownDims& known, int depth) const;

  const OpRegistry& ops_;
  std::unordered_map<std::string, std::vector<Use>> uses_;
  std::unordered_map<std::string, const ValueDecl*> declared_;
  std::set<std::string> graph_outputs_;  // any graph's: read by whoever consumes the graph
  std::set<std::string> main_outputs_;
  std::set<std::string> weight_inputs_;
  std::set<std::string> missing_;
};

}  // namespace eesim::workloads
