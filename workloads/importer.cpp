// OnnxModel -> Workload. Walks each graph in topological order, asks the op's handler for
// shapes, values and costs, and turns nodes that compute on activations into layers.
#include "workloads/importer.h"

#include <algorithm>
#include <cassert>
#include <functional>
#include <set>
#include <string_view>
#include <type_traits>
#include <unordered_map>

#include "common/checked_math.h"
#include "common/error.h"
#include "workloads/exits.h"
#include "workloads/node_order.h"
#include "workloads/onnx_reader.h"
#include "workloads/op_registry.h"
#include "workloads/stripped_weights.h"
#include "workloads/weight_density.h"

namespace eesim::workloads {
namespace {

using NameSet = std::set<std::string>;

class Builder {
 public:
  Builder(const OnnxModel& model, const ImportOptions& options)
      : model_(model),
        options_(options),
        ops_(default_ops()),
        stripped_(model, ops_, options.input_shapes) {}

  Workload build() {
    if (options_.measure_density && !model_.weights_read)
      fail("weight density is asked for, but the model was read without its weights");
    count_uses(model_.graph);
    add_initializers(model_.graph);
    Workload w;
    w.name = model_.source;
    w.inputs = add_graph_inputs();
    for (const auto& entry : options_.input_shapes) {  // not a structured binding: clang < 16
      const std::string& name = entry.first;           // cannot capture one in a lambda
      if (std::none_of(w.inputs.begin(), w.inputs.end(), [&](auto& t) { return t.name == name; }))
        fail("a shape is given for input '" + name + "', which is not a graph input");
    }
    process_graph(model_.graph);
    std::vector<OutputCandidate> outputs;
    std::set<std::string_view> listed;
    for (const ValueDecl& d : model_.graph.outputs) {
      if (auto it = statistics_.find(d.name); it != statistics_.end()) {
        notes_.push_back("graph output '" + d.name + "' is a running statistic of node '" +
                         it->second +
                         "' (BatchNormalization exported in training mode), not an exit: ignored");
        continue;
      }
      // Each graph output is an exit or the final output: a repeat would be a phantom exit.
      if (!listed.insert(d.name).second)
        fail("graph output '" + d.name +
             "' is listed twice (each output is one exit or the "
             "final output)");
      const Value& v = lookup(d.name, "graph output");
      if (v.origin != Origin::kActivation || v.producer < 0)
        fail("graph output '" + d.name + "' does not depend on the graph input");
      outputs.push_back({d.name, static_cast<LayerId>(v.producer), std::nullopt});
    }
    if (boost::num_vertices(graph_) == 0) fail("the graph has no layers computing on its input");
    w.pruned = prune_dead_layers(outputs);
    ExitAnalysis ea =
        analyze_exits(graph_, outputs, if_exits_, options_.final_output, model_.source);
    w.graph = std::move(graph_);
    w.exits = std::move(ea.exits);
    w.final_output = ea.final_output;
    w.final_layer = ea.final_layer;
    w.backbone = std::move(ea.backbone);
    w.warnings = std::move(notes_);
    for (LayerId v = 0; v < w.num_layers(); ++v)
      if (auto it = density_notes_.find(w.layer(v).name); it != density_notes_.end())
        w.warnings.push_back("layer '" + it->first +
                             "': weight density not measured (1 assumed): " + it->second);
    return w;
  }

 private:
  [[noreturn]] void fail(const std::string& msg) const { throw Error(model_.source + ": " + msg); }
  std::string where(const OnnxNode& n) const {
    return model_.source + ": node '" + n.name + "' (" + n.op_type + ")";
  }

  void count_uses(const OnnxGraph& g) {
    if (&g == &model_.graph)
      for (const ValueDecl& d : g.outputs) main_outputs_.insert(d.name);
    for (const OnnxNode& n : g.nodes) {
      for (const std::string& i : n.inputs) ++uses_[i];
      for (const auto& [key, a] : n.attributes)
        if (a.graph) count_uses(*a.graph);
    }
    for (const ValueDecl& d : g.outputs) ++uses_[d.name];
  }

  void define(const std::string& name, Value v, const std::string& who) {
    if (!values_.emplace(name, std::move(v)).second)
      fail(who + " redefines tensor '" + name + "' (ONNX names must be unique)");
  }

  void add_initializers(const OnnxGraph& g) {
    for (const auto& [name, t] : g.initializers) {
      check_shape(t.dims, model_.source + ": initializer '" + name + "'");
      Value v;
      v.data = t;
      v.origin = t.has_value ? Origin::kConstant : Origin::kWeight;
      define(name, std::move(v), "initializer");
    }
  }

  std::vector<TensorRef> add_graph_inputs() {
    std::vector<TensorRef> inputs;
    for (const ValueDecl& d : model_.graph.inputs) {
      if (values_.count(d.name)) continue;  // IR < 4 lists initializers as inputs too
      if (stripped_.weight_inputs().count(d.name)) {
        add_weight_input(d);
        continue;
      }
      Shape dims = d.dims;
      if (auto it = options_.input_shapes.find(d.name); it != options_.input_shapes.end()) {
        dims = it->second;
      } else {
        if (!d.has_shape)
          fail("graph input '" + d.name + "' has no shape; give one with --input " + d.name +
               "=1x3x224x224");
        for (size_t i = 0; i < dims.size(); ++i) {
          if (d.dim_known[i]) continue;
          if (i == 0) {
            dims[i] = 1;
            continue;
          }  // symbolic batch: one input at a time
          fail("graph input '" + d.name + "' dimension " + std::to_string(i) + " is symbolic ('" +
               d.dim_params[i] + "'); give the shape with --input " + d.name + "=...");
        }
      }
      for (int64_t x : dims)
        if (x <= 0)
          fail("graph input '" + d.name + "' has shape " + to_string(dims) +
               ": dimensions must be positive");
      check_shape(dims, model_.source + ": graph input '" + d.name + "'");
      Value v;
      v.data = make_shape_only(d.dtype == DataType::kUndefined ? DataType::kFloat : d.dtype, dims);
      v.origin = Origin::kActivation;
      define(d.name, std::move(v), "graph input");
      inputs.push_back({d.name, dims});
    }
    if (inputs.empty()) fail("the graph has no inputs besides initializers");
    if (!stripped_.weight_inputs().empty()) {
      std::string names;
      for (const std::string& name : stripped_.weight_inputs())
        names += (names.empty() ? "'" : ", '") + name + "'";
      notes_.push_back(std::to_string(stripped_.weight_inputs().size()) +
                       " graph inputs without an initializer are read only as weights (an export "
                       "with export_params=False?): taken as weights of their declared dims, not "
                       "as inputs of the network: " +
                       names);
    }
    return inputs;
  }

  // A graph input that only weights read (StrippedWeights::weight_inputs): a weight of its
  // declared dims, which must all be known.
  void add_weight_input(const ValueDecl& d) {
    const std::string who = "graph input '" + d.name + "' (read only as a weight)";
    if (!d.has_shape) fail(who + " has no shape");
    for (size_t i = 0; i < d.dims.size(); ++i)
      if (!d.dim_known[i] || d.dims[i] < 0)
        fail(who + " has no static size for dimension " + std::to_string(i));
    check_shape(d.dims, model_.source + ": " + who);
    Value v;
    v.data = make_shape_only(d.dtype == DataType::kUndefined ? DataType::kFloat : d.dtype, d.dims);
    v.origin = Origin::kWeight;
    define(d.name, std::move(v), "graph input");
  }

  // Defines the weights of `node` a weight-stripped export lacks (StrippedWeights::is_missing),
  // with dims from the op's WeightDimsFn, and notes each. `inputs` holds the node's resolved
  // inputs (null for absent ones) and gains the inferred weights.
  void infer_stripped_weights(const OnnxNode& node, std::vector<const Value*>& inputs) {
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      const std::string& name = node.inputs[i];
      if (inputs[i] || name.empty() || !stripped_.is_missing(name)) continue;
      const WeightInputs* weights = ops_.weights(node.op_type, node.domain);
      assert(weights && weights->dims);  // is_missing: only weight inputs read it
      const NodeView view(node, inputs, model_.opset, where(node));
      if (!view.is_activation(0))
        view.fail("weight '" + name + "' is not in the file, and its dims can be inferred only " +
                  "from an input that depends on the network input");
      const OutputSize output_size = [&](int64_t axis, int64_t rank) -> std::optional<KnownSize> {
        if (node.outputs.empty() || node.outputs[0].empty()) return std::nullopt;
        return stripped_.size(node.outputs[0], axis, rank, [this](const std::string& n) {
          auto it = values_.find(n);
          return it == values_.end() || it->second.origin == Origin::kActivation
                     ? nullptr
                     : &it->second.data.dims;
        });
      };
      const InferredDims d = naming_node(view, [&] { return weights->dims(view, i, output_size); });
      check_shape(d.dims, view.where() + ": inferred weight '" + name + "'");
      Value v;
      v.data = make_shape_only(view.in(0).dtype, d.dims);
      v.origin = Origin::kWeight;
      define(name, std::move(v), "node '" + node.name + "'");
      inputs[i] = &values_.at(name);
      notes_.push_back("node '" + node.name + "' (" + node.op_type + "): weight '" + name +
                       "' is not in the file; dims " + to_string(d.dims) + " inferred from " +
                       d.from);
    }
  }

  const Value& lookup(const std::string& name, const std::string& who) const {
    auto it = values_.find(name);
    if (it == values_.end()) fail(who + " '" + name + "' is never produced");
    return it->second;
  }

  void process_graph(const OnnxGraph& g) {
    NameSet local;
    for (const auto& [name, t] : g.initializers) local.insert(name);
    const auto outside = [&](const std::string& name) {
      return values_.count(name) || local.count(name) || stripped_.is_missing(name);
    };
    for (const OnnxNode* n : topological_order(g, outside, model_.source)) {
      if (n->op_type == "If" && (n->domain.empty() || n->domain == "ai.onnx"))
        process_if(*n);
      else
        process_node(*n);
    }
  }

  void process_node(const OnnxNode& node) {
    if (!ops_.has_domain(node.domain))
      throw Error(where(node) + ": unsupported op domain '" + node.domain + "'");
    const OpHandler handler = ops_.find(node.op_type, node.domain);
    if (!handler) {
      std::string known;
      for (const std::string& name : ops_.names()) known += (known.empty() ? "" : " ") + name;
      throw Error(where(node) + ": unsupported op '" + OpRegistry::key(node.op_type, node.domain) +
                  "' (supported: " + known + " If)");
    }
    // An Identity of a weight the file lacks: its reader infers the output's dims instead.
    if (node.op_type == "Identity" && node.inputs.size() == 1 &&
        stripped_.is_missing(node.inputs[0]) && !values_.count(node.inputs[0]))
      return;
    std::vector<const Value*> inputs;
    bool on_activation = false;
    for (const std::string& name : node.inputs) {
      const Value* v = name.empty() || (stripped_.is_missing(name) && !values_.count(name))
                           ? nullptr
                           : &lookup(name, "input");
      on_activation |= v && v->origin == Origin::kActivation;
      inputs.push_back(v);
    }
    infer_stripped_weights(node, inputs);
    const NodeView view(node, inputs, model_.opset, where(node));
    OpResult r = naming_node(view, [&] { return handler(view); });
    if (r.outputs.size() < node.outputs.size())
      view.fail("has " + std::to_string(node.outputs.size()) + " outputs; eesim models " +
                std::to_string(r.outputs.size()));
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      if (node.outputs[i].empty()) continue;
      const TensorData& t = r.outputs[i];
      check_shape(t.dims, view.where() + ": output '" + node.outputs[i] + "'");
      // Handler contract: a folded value holds one entry per element (op_registry.h).
      assert(!t.has_value ||
             t.ints.size() + t.reals.size() == static_cast<size_t>(num_elements(t.dims)));
    }
    int64_t producer = -1;
    if (on_activation &&
        !std::all_of(r.outputs.begin(), r.outputs.end(), [](auto& t) { return t.has_value; })) {
      for (size_t i = 0; i < node.outputs.size(); ++i)
        for (int64_t d : r.outputs[i].dims)
          if (d <= 0)
            view.fail("output '" + node.outputs[i] + "' would have shape " +
                      to_string(r.outputs[i].dims) + ": dimensions must be positive");
      if (r.is_view && view.is_activation(0)) {
        producer = inputs[0]->producer;
        requantize(producer, r.outputs);
      } else {
        producer = fold_batch_norm(node, view);
        if (producer < 0) producer = add_layer(node, view, r);
      }
    }
    if (node.op_type == "BatchNormalization")
      for (size_t i = 1; i < node.outputs.size(); ++i) statistics_[node.outputs[i]] = node.name;
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      if (node.outputs[i].empty()) continue;
      if (options_.measure_density) producers_[node.outputs[i]] = &node;
      Value v;
      v.data = std::move(r.outputs[i]);
      v.origin = v.data.has_value ? Origin::kConstant
                 : on_activation  ? Origin::kActivation
                                  : Origin::kWeight;
      v.producer = v.origin == Origin::kActivation ? producer : -1;
      define(node.outputs[i], std::move(v), "node '" + node.name + "'");
    }
  }

  // A view narrower than the data it shows (a QuantizeLinear on a layer's output) re-quantizes
  // that output: the layer writes it at the view's width.
  void requantize(int64_t producer, const std::vector<TensorData>& view_outputs) {
    if (producer < 0 || view_outputs.empty()) return;
    const int64_t bits = storage_bits(view_outputs[0]);
    Layer& l = graph_[producer];
    if (bits > 0 && bits < l.output_bits) {
      l.output_bits = bits;
      l.elem_bytes = std::max<int64_t>(1, bits / 8);
    }
  }

  // Runs a handler (or a weight's WeightDimsFn) so that every error names the node: helpers deep
  // inside one (num_elements on a padded or broadcast shape that overflows) know only what they
  // computed.
  template <typename F>
  std::invoke_result_t<F> naming_node(const NodeView& view, F&& f) const {
    try {
      return f();
    } catch (const Error& e) {
      if (std::string_view(e.what()).starts_with(model_.source + ":")) throw;
      throw Error(view.where() + ": " + e.what());
    }
  }

  // Folds an inference BatchNormalization into the Conv/Gemm/MatMul writing its input, when
  // that tensor has no other reader: the scale multiplies the weights and the shift becomes
  // the bias, so the layer's MACs are unchanged and it gains a bias if it had none. Returns the
  // producer's id, or -1 when it cannot fold. A training-mode export (PyTorch's
  // TrainingMode.TRAINING: opset < 14 writes five outputs, Y and the running and saved
  // statistics; opset 14 on, training_mode=1 and three) folds the same when no node reads the
  // statistics: eesim costs inference, where BN is the per-channel affine map either way.
  int64_t fold_batch_norm(const OnnxNode& node, const NodeView& view) {
    if (node.op_type != "BatchNormalization" || node.outputs.empty() || !view.is_activation(0))
      return -1;
    for (size_t i = 1; i < node.outputs.size(); ++i)
      if (!node.outputs[i].empty() &&
          uses_[node.outputs[i]] > static_cast<int>(main_outputs_.count(node.outputs[i])))
        return -1;
    const int64_t p = view.input(0).producer;
    if (p < 0) return -1;
    Layer& l = graph_[p];
    if ((l.kind != LayerKind::kConv && l.kind != LayerKind::kMatMul) || l.outputs.size() != 1 ||
        l.outputs[0].name != node.inputs[0] || uses_[node.inputs[0]] != 1)
      return -1;
    const int64_t channels = view.dims(0)[1];
    if (!has_bias_[p]) {
      l.weight_params += channels;
      l.weight_bytes += channels * element_bytes(view.in(1).dtype);
      has_bias_[p] = true;
    }
    l.folded.push_back(node.name);
    l.outputs[0].name = node.outputs[0];
    return p;
  }

  // Data stored as integers by a quantizer: behind a DequantizeLinear, or of a QOperator type.
  static bool is_quantized(const TensorData& t) {
    return t.quantized_bits > 0 || t.dtype == DataType::kInt8 || t.dtype == DataType::kUint8 ||
           t.dtype == DataType::kInt16 || t.dtype == DataType::kUint16;
  }

  // A node's main weight: its largest input that is not an activation (a conv's kernel rather
  // than its bias, scales or zero points). -1 when every input is an activation.
  static int64_t main_weight_input(const NodeView& view) {
    int64_t index = -1, largest = -1;
    for (size_t i = 0; i < view.num_inputs(); ++i)
      if (view.has_input(i) && !view.is_activation(i) && view.elements(i) > largest) {
        largest = view.elements(i);
        index = static_cast<int64_t>(i);
      }
    return index;
  }

  // Layer::weight_density from the file's weights; what cannot be traced keeps 1 and a note
  // that becomes one of the Workload's warnings.
  void measure_density(const OnnxNode& node, size_t weight, Layer& l) {
    const WeightLookup lookup{[this](const std::string& name) -> const Value* {
                                auto it = values_.find(name);
                                return it == values_.end() ? nullptr : &it->second;
                              },
                              [this](const std::string& name) -> const OnnxNode* {
                                auto it = producers_.find(name);
                                return it == producers_.end() ? nullptr : it->second;
                              }};
    const DensityResult d = measure_weight_density(node, weight, lookup);
    l.density_source = d.density ? DensitySource::kMeasured : DensitySource::kUnmeasured;
    l.weight_density = d.density.value_or(1.0);
    if (!d.density) density_notes_[l.name] = d.reason;
  }

  int64_t add_layer(const OnnxNode& node, const NodeView& view, const OpResult& r) {
    Layer l;
    l.name = node.name;
    l.op = node.op_type;
    l.kind = r.kind;
    l.macs = r.macs;
    l.vector_ops = r.vector_ops;
    l.weight_params = r.weight_params;
    l.weight_bytes = r.weight_bytes;
    l.window = r.window;
    bool quantized = false;
    for (size_t i = 0; i < node.inputs.size(); ++i)
      if (view.is_activation(i)) {
        if (l.inputs.empty()) {
          l.input_bits = storage_bits(view.in(i));
          l.elem_bytes = std::max<int64_t>(1, l.input_bits / 8);
          quantized = is_quantized(view.in(i));
        }
        l.inputs.push_back({node.inputs[i], view.dims(i)});
      }
    for (size_t i = 0; i < node.outputs.size(); ++i)
      if (!node.outputs[i].empty()) {
        if (l.outputs.empty()) {
          l.output_bits = storage_bits(r.outputs[i]);
          quantized |= is_quantized(r.outputs[i]);
        }
        l.outputs.push_back({node.outputs[i], r.outputs[i].dims});
      }
    // mapping/ turns a data edge's bytes back into elements with its producer's elem_bytes: a
    // layer on quantized data (an int8 Conv writing float, ConvInteger's int32) gives the
    // width it writes. Float layers keep their input's, which their outputs share.
    if (quantized) l.elem_bytes = std::max<int64_t>(1, l.output_bits / 8);
    const int64_t weight = r.weight_params > 0 ? main_weight_input(view) : -1;
    l.weight_bits = weight >= 0 ? storage_bits(view.in(weight)) : 0;
    if (weight >= 0 && options_.measure_density) measure_density(node, weight, l);
    const LayerId id = boost::add_vertex(std::move(l), graph_);
    has_bias_.push_back(node.inputs.size() > 2 && !node.inputs[2].empty());
    std::set<std::pair<int64_t, std::string>> seen;
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      if (!view.is_activation(i)) continue;
      const Value& v = view.input(i);
      if (v.producer < 0 || !seen.emplace(v.producer, node.inputs[i]).second) continue;
      const int64_t bytes = checked_mul(
          num_elements(v.data.dims), std::max<int64_t>(1, storage_bits(v.data) / 8), view.where());
      boost::add_edge(v.producer, id, Dependency{EdgeKind::kData, node.inputs[i], bytes}, graph_);
    }
    return static_cast<int64_t>(id);
  }

  // Processes a branch graph in the enclosing scope and returns its outputs' values. `who`
  // names the branch without the file ("node 'if' (If) then_branch"): fail() adds the file.
  std::vector<Value> process_branch(const OnnxGraph& g, const std::string& who) {
    add_initializers(g);
    if (!g.inputs.empty()) fail(who + " declares inputs; If branches take none");
    process_graph(g);
    std::vector<Value> outs;
    for (const ValueDecl& d : g.outputs) outs.push_back(lookup(d.name, who + " output"));
    return outs;
  }

  // Control edges from the decision to the branch's first layers: the branch runs after the
  // exit decision (whether the simulator lets it start early is its policy).
  void gate_branch(LayerId begin, LayerId end, int64_t decision) {
    if (decision < 0) return;
    for (LayerId v = begin; v < end; ++v) {
      bool has_branch_pred = false;
      for (auto [e, eend] = boost::in_edges(v, graph_); e != eend; ++e)
        has_branch_pred |= boost::source(*e, graph_) >= begin;
      if (!has_branch_pred)
        boost::add_edge(static_cast<LayerId>(decision), v, Dependency{EdgeKind::kControl, "", 0},
                        graph_);
    }
  }

  void process_if(const OnnxNode& node) {
    const std::string w = where(node);
    const std::string branch_of = "node '" + node.name + "' (If) ";  // where(node) minus the file
    if (node.inputs.empty() || node.inputs[0].empty()) throw Error(w + ": missing condition input");
    auto branch = [&](const char* key) {
      auto it = node.attributes.find(key);
      if (it == node.attributes.end() || !it->second.graph)
        throw Error(w + ": missing attribute '" + std::string(key) + "'");
      return it->second.graph;
    };
    const auto then_g = branch("then_branch"), else_g = branch("else_branch");
    const Value cond = lookup(node.inputs[0], "condition");
    std::vector<Value> outs;
    if (cond.data.has_value) {  // decided at import: only the taken branch exists
      if (cond.data.ints.size() + cond.data.reals.size() != 1)
        throw Error(w + ": condition '" + node.inputs[0] +
                    "' must be a single boolean, got shape " + to_string(cond.data.dims));
      const bool taken = !cond.data.ints.empty() ? cond.data.ints[0] != 0 : cond.data.reals[0] != 0;
      outs = process_branch(taken ? *then_g : *else_g,
                            branch_of + (taken ? "then_branch" : "else_branch"));
    } else {
      const LayerId start = boost::num_vertices(graph_);
      std::vector<Value> t = process_branch(*then_g, branch_of + "then_branch");
      const LayerId mid = boost::num_vertices(graph_);
      std::vector<Value> e = process_branch(*else_g, branch_of + "else_branch");
      const LayerId end = boost::num_vertices(graph_);
      gate_branch(start, mid, cond.producer);
      gate_branch(mid, end, cond.producer);
      if (t.empty() || t.size() != e.size())
        throw Error(w + ": branches return different numbers of outputs");
      // The exit is the branch with less work behind its output; the other continues the
      // backbone and stands for the If's outputs.
      auto weight = [&](const Value& v) -> int64_t {
        if (v.origin != Origin::kActivation || v.producer < 0) return -1;
        const auto anc = data_ancestors(graph_, v.producer);
        return std::count(anc.begin(), anc.end(), 1);
      };
      const int64_t wt = weight(t[0]), we = weight(e[0]);
      if (wt < 0 || we < 0)  // an exit and the backbone both compute on the input
        throw Error(w + ": " +
                    (wt < 0 && we < 0 ? "neither branch's"
                     : wt < 0         ? "then_branch's"
                                      : "else_branch's") +
                    " first output does not depend on the graph input");
      const bool then_exits = wt <= we && wt >= 0;
      const Value& exit_value = then_exits ? t[0] : e[0];
      const OnnxGraph& exit_graph = then_exits ? *then_g : *else_g;
      OutputCandidate c{exit_graph.outputs[0].name, static_cast<LayerId>(exit_value.producer),
                        std::nullopt};
      if (cond.origin == Origin::kActivation && cond.producer >= 0) c.decision = cond.producer;
      if_exits_.push_back(c);
      outs = then_exits ? std::move(e) : std::move(t);
    }
    if (outs.size() < node.outputs.size())
      throw Error(w + ": branch returns fewer outputs than the If has");
    for (size_t i = 0; i < node.outputs.size(); ++i)
      if (!node.outputs[i].empty()) define(node.outputs[i], outs[i], "node '" + node.name + "'");
  }

  // Drops layers no output, exit or exit decision depends on (an exporter's leftovers): they
  // never run, so counting them would inflate every total. Renumbers the graph and the
  // candidates; returns the dropped layers' names.
  std::vector<std::string> prune_dead_layers(std::vector<OutputCandidate>& outputs) {
    const size_t n = boost::num_vertices(graph_);
    std::vector<LayerId> roots;
    for (const auto& c : outputs) roots.push_back(c.layer);
    for (const auto& c : if_exits_) {
      roots.push_back(c.layer);
      if (c.decision) roots.push_back(*c.decision);
    }
    const std::vector<char> live = data_ancestors(graph_, roots);
    std::vector<std::string> dropped;
    std::vector<LayerId> new_id(n, 0);
    LayerGraph g;
    for (LayerId v = 0; v < n; ++v) {
      if (live[v])
        new_id[v] = boost::add_vertex(graph_[v], g);
      else
        dropped.push_back(graph_[v].name);
    }
    if (dropped.empty()) return dropped;
    for (auto [e, end] = boost::edges(graph_); e != end; ++e) {
      const LayerId s = boost::source(*e, graph_), t = boost::target(*e, graph_);
      if (live[s] && live[t]) boost::add_edge(new_id[s], new_id[t], graph_[*e], g);
    }
    for (auto& c : outputs) c.layer = new_id[c.layer];
    for (auto& c : if_exits_) {
      c.layer = new_id[c.layer];
      if (c.decision) c.decision = new_id[*c.decision];
    }
    graph_ = std::move(g);
    return dropped;
  }

  const OnnxModel& model_;
  const ImportOptions& options_;
  const OpRegistry& ops_;
  const StrippedWeights stripped_;
  // Notes for Workload::warnings in the order found: weights a weight-stripped export lacks.
  std::vector<std::string> notes_;
  LayerGraph graph_;
  std::unordered_map<std::string, Value> values_;
  std::unordered_map<std::string, int> uses_;  // readers: node inputs and graph outputs
  std::set<std::string> main_outputs_;         // the main graph's outputs
  // Outputs 1.. of every BatchNormalization (training-mode statistics) -> the node's name.
  std::unordered_map<std::string, std::string> statistics_;
  // measure_density only: the node writing each tensor, and why a layer's density is unknown.
  std::unordered_map<std::string, const OnnxNode*> producers_;
  std::map<std::string, std::string> density_notes_;
  std::vector<bool> has_bias_;
  std::vector<OutputCandidate> if_exits_;
};

}  // namespace

Workload import_onnx(const OnnxModel& model, const ImportOptions& options) {
  return Builder(model, options).build();
}

Workload load_workload(const std::string& path, const ImportOptions& options) {
  ReadOptions read;
  read.weights = options.measure_density;
  return import_onnx(read_onnx_file(path, read), options);
}

}  // namespace eesim::workloads
