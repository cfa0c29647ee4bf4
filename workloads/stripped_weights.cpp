// Which tensors of a weight-stripped export are weights the file lacks, and the sizes their dims
// are read from (stripped_weights.h).
#include "workloads/stripped_weights.h"

#include <algorithm>

#include "common/limits.h"

namespace eesim::workloads {
namespace {

// Views that weights pass through before an op reads them (PyTorch writes Transpose(W) before
// a MatMul when it does not fold constants); only their input 0 carries the data.
const std::set<std::string> kWeightViews = {"Transpose", "Reshape",   "Identity", "Cast",
                                            "Squeeze",   "Unsqueeze", "Flatten"};
// The one view a missing weight may pass through: its dims are its reader's.
const std::set<std::string> kIdentity = {"Identity"};

// Readers whose output 0 has their input 0's shape (ONNX operator spec): activations and
// the rest; and pools, whose output keeps the batch and channel axes. A size needed after them
// is needed before.
const std::set<std::string> kActivations = {
    "Relu",    "LeakyRelu",   "PRelu",           "Elu",  "Selu",     "Celu",
    "Sigmoid", "HardSigmoid", "HardSwish",       "Tanh", "Softplus", "Softsign",
    "Gelu",    "Mish",        "ThresholdedRelu", "Clip"};
const std::set<std::string> kSameShape = {"Identity",        "Dropout",    "BatchNormalization",
                                          "Softmax",         "LogSoftmax", "QuantizeLinear",
                                          "DequantizeLinear"};
const std::set<std::string> kPools = {"MaxPool", "AveragePool", "LpPool", "GlobalAveragePool",
                                      "GlobalMaxPool"};

bool default_domain(const OnnxNode& n) { return n.domain.empty() || n.domain == "ai.onnx"; }

int64_t int_attr(const OnnxNode& n, const std::string& key, int64_t fallback) {
  auto it = n.attributes.find(key);
  return it != n.attributes.end() && it->second.kind == Attribute::Kind::kInt ? it->second.i
                                                                              : fallback;
}

// What a reader's known weight says its input 0 holds along `axis` (of `rank`); nullopt when
// it says nothing about that axis.
std::optional<KnownSize> reader_need(const OnnxNode& n, int64_t axis, int64_t rank,
                                     const StrippedWeights::KnownDims& known) {
  const Shape* w = n.inputs.size() > 1 && !n.inputs[1].empty() ? known(n.inputs[1]) : nullptr;
  if (!w || !default_domain(n)) return std::nullopt;
  const std::string from =
      "the weight '" + n.inputs[1] + "' of its reader '" + n.name + "' (" + n.op_type + ")";
  const int64_t groups = int_attr(n, "group", 1);  // w's dims are checked; groups may be anything
  if (n.op_type == "Conv" && axis == 1 && w->size() >= 2 && groups > 0 && groups <= kMaxDim)
    return KnownSize{(*w)[1] * groups, from};
  if (n.op_type == "BatchNormalization" && axis == 1 && w->size() == 1)
    return KnownSize{(*w)[0], from};
  if (n.op_type == "Gemm" && rank == 2 && w->size() == 2 &&
      axis == (int_attr(n, "transA", 0) ? 0 : 1))
    return KnownSize{int_attr(n, "transB", 0) ? (*w)[1] : (*w)[0], from};
  if (n.op_type == "MatMul" && rank >= 2 && axis == rank - 1 && w->size() >= 2)
    return KnownSize{(*w)[w->size() - 2], from};
  return std::nullopt;
}

}  // namespace

StrippedWeights::StrippedWeights(const OnnxModel& model, const OpRegistry& ops,
                                 const std::map<std::string, Shape>& given_inputs)
    : ops_(ops) {
  std::set<std::string> defined;
  index(model.graph, defined);
  for (const ValueDecl& d : model.graph.outputs) main_outputs_.insert(d.name);
  std::set<std::string> initializers;
  for (const auto& [name, t] : model.graph.initializers) initializers.insert(name);
  size_t inputs = 0;
  for (const ValueDecl& d : model.graph.inputs) {
    if (initializers.count(d.name)) continue;  // IR < 4 lists initializers as inputs too
    ++inputs;
    if (!given_inputs.count(d.name) && read_only_as_weight(d.name, kWeightViews, 0))
      weight_inputs_.insert(d.name);
  }
  if (weight_inputs_.size() == inputs) weight_inputs_.clear();  // the network needs an input
  for (const auto& [name, uses] : uses_)
    if (!defined.count(name) && read_only_as_weight(name, kIdentity, 0)) add_missing(name);
}

// Marks `name` missing, and the outputs of the Identity nodes reading it.
void StrippedWeights::add_missing(const std::string& name) {
  if (!missing_.insert(name).second) return;
  for (const auto& [node, slot] : uses_.at(name))
    if (kIdentity.count(node->op_type) && default_domain(*node))
      for (const std::string& o : node->outputs)
        if (!o.empty()) add_missing(o);
}

// Indexes readers, declared shapes and definitions of a graph and its subgraphs.
void StrippedWeights::index(const OnnxGraph& g, std::set<std::string>& defined) {
  for (const auto& [name, t] : g.initializers) defined.insert(name);
  for (const ValueDecl& d : g.inputs) defined.insert(d.name);
  for (const ValueDecl& d : g.value_info) declared_.emplace(d.name, &d);
  for (const ValueDecl& d : g.outputs) {
    declared_.emplace(d.name, &d);
    graph_outputs_.insert(d.name);
  }
  for (const OnnxNode& n : g.nodes) {
    for (size_t i = 0; i < n.inputs.size(); ++i)
      if (!n.inputs[i].empty()) uses_[n.inputs[i]].emplace_back(&n, i);
    for (const std::string& o : n.outputs) defined.insert(o);
    for (const auto& [key, a] : n.attributes)
      if (a.graph) index(*a.graph, defined);
  }
}

// True when every reader takes `name` as a weight (and something reads it), counting one of
// `views` whose outputs are read only as weights as one.
bool StrippedWeights::read_only_as_weight(const std::string& name,
                                          const std::set<std::string>& views, int depth) const {
  auto it = uses_.find(name);
  if (it == uses_.end() || graph_outputs_.count(name)) return false;
  for (const auto& [node, slot] : it->second) {
    const WeightInputs* w = ops_.weights(node->op_type, node->domain);
    if (w && std::count(w->inputs.begin(), w->inputs.end(), slot)) continue;
    const bool view =
        depth < 8 && slot == 0 && default_domain(*node) && views.count(node->op_type) &&
        !node->outputs.empty() &&
        std::all_of(node->outputs.begin(), node->outputs.end(), [&](const std::string& o) {
          return o.empty() || read_only_as_weight(o, views, depth + 1);
        });
    if (!view) return false;
  }
  return true;
}

std::optional<KnownSize> StrippedWeights::size(const std::string& name, int64_t axis, int64_t rank,
                                               const KnownDims& known) const {
  return size_from_readers(name, axis, rank, known, 0);
}

std::optional<KnownSize> StrippedWeights::size_from_readers(const std::string& name, int64_t axis,
                                                            int64_t rank, const KnownDims& known,
                                                            int depth) const {
  if (auto it = declared_.find(name); it != declared_.end()) {
    const ValueDecl& d = *it->second;
    if (d.has_shape && static_cast<int64_t>(d.dims.size()) == rank && d.dim_known[axis] &&
        d.dims[axis] > 0)
      return KnownSize{
          d.dims[axis],
          (main_outputs_.count(name) ? "graph output '" : "value_info of '") + name + "'"};
  }
  auto it = uses_.find(name);
  if (it == uses_.end() || depth >= 16) return std::nullopt;
  for (const auto& [node, slot] : it->second) {
    if (slot != 0 || !default_domain(*node)) continue;
    if (auto need = reader_need(*node, axis, rank, known)) return need;
    const bool keeps = kActivations.count(node->op_type) || kSameShape.count(node->op_type) ||
                       (kPools.count(node->op_type) && axis <= 1);
    if (keeps && !node->outputs.empty() && !node->outputs[0].empty())
      if (auto s = size_from_readers(node->outputs[0], axis, rank, known, depth + 1)) return s;
  }
  return std::nullopt;
}

}  // namespace eesim::workloads
