#pragma once
// The workload front end's output: a layer graph with shapes, MACs, weights and exits. A plain
// value type (STYLE.md rule 2): built once by import_onnx, then read by mapping/ and sim/.
#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace eesim::workloads {

using Shape = std::vector<int64_t>;

// What a layer does, as cost models see it (the ONNX op_type is kept in Layer::op).
enum class LayerKind {
  kConv,        // Conv: MACs on a PE array
  kMatMul,      // Gemm, MatMul: MACs on a PE array
  kEltwise,     // Add/Mul/Sub/Div, unfolded BatchNormalization, Cast, Where
  kActivation,  // Relu, Clip, Sigmoid, HardSwish, ...: one op per element
  kPool,        // MaxPool, AveragePool: a window per output element
  kReduce,      // GlobalAveragePool, ReduceMean/Max/..., ArgMax
  kSoftmax,     // Softmax, LogSoftmax
  kCompare,     // Greater, Less, Equal, Not, And, Or: an exit's decision
  kConcat,      // data movement
  kSplit,
  kPad,
  kTranspose,
  kGather,  // Gather, Slice, Expand on activations
};
std::string to_string(LayerKind k);

// A sliding window (Conv, MaxPool, AveragePool) over the spatial axes; mapping/ derives
// receptive fields from it. Spatial vectors have one entry per spatial axis (H, W for 2-D).
struct Window {
  Shape kernel;
  Shape strides;
  Shape pads_begin;
  Shape pads_end;
  Shape dilations;
  int64_t groups = 1;
  bool operator==(const Window&) const = default;
};

// Where a layer's weight_density comes from.
enum class DensitySource {
  kAssumed,     // weights not read (the default import): 1
  kMeasured,    // counted from the file's weights (ImportOptions::measure_density)
  kUnmeasured,  // asked for, but the weight's values could not be traced to what the file
                // stores: 1, and Workload::warnings says why
  kOverridden,  // set by a density rule (workloads/layer_overrides.h)
};
std::string to_string(DensitySource s);  // "assumed", "measured", "unmeasured", "overridden"

struct TensorRef {
  std::string name;
  Shape shape;
  bool operator==(const TensorRef&) const = default;
};

struct Layer {
  std::string name;  // the ONNX node's name
  std::string op;    // the ONNX op_type
  LayerKind kind = LayerKind::kEltwise;
  std::vector<TensorRef> inputs;   // activation inputs only, in ONNX order
  std::vector<TensorRef> outputs;  // after any folded BatchNormalization
  int64_t macs = 0;                // multiply-accumulates (Conv, Gemm, MatMul)
  int64_t vector_ops = 0;          // element operations for SIMD units (everything else)
  int64_t weight_params = 0;       // parameters, after folding BatchNormalization
  int64_t weight_bytes = 0;        // as stored in the model file
  // Element size of the data the layer writes, as mapping/ converts edge bytes to elements:
  // output_bits / 8 for a layer on quantized data; a float layer's input element size.
  int64_t elem_bytes = 4;
  // Operand widths in bits, as stored in the model file (quantized tensors: their integer type,
  // through QDQ pairs or QOperator ops; fp16/bf16: 16; fp32: 32) or as overridden
  // (workloads/precision.h). weight_bits is the layer's main (largest) weight tensor's;
  // input_bits its first activation input's; output_bits its output's, or the narrower type a
  // QuantizeLinear re-quantizes that output to. 0: not stated, the core's native word (what a
  // hand-built layer means, and what every operand is under PrecisionMode::kNative). Costs
  // follow them (hw_models/precision.h): storage and traffic in bits, packed; compute as the
  // core kind declares.
  int64_t weight_bits = 0;
  int64_t input_bits = 0;
  int64_t output_bits = 0;
  // False under PrecisionMode::kMemory: the bits above set storage and traffic only, and the
  // arithmetic runs and costs what the core's native width does (the cost model of the
  // early-exit NAS study, arXiv 2512.04705, where precision rescales tensor sizes only).
  bool bits_scale_compute = true;
  // Fraction of the layer's weights that are non-zero, in [0, 1]: measured from the file's
  // weights when asked for, or overridden (workloads/precision.h); 1 otherwise. Cores that
  // skip zero weights or store them compressed cost by it (hw_models/sparsity.h).
  double weight_density = 1.0;
  DensitySource density_source = DensitySource::kAssumed;
  std::optional<Window> window;
  std::vector<std::string> folded;  // nodes folded into this layer (BatchNormalization)
  bool operator==(const Layer&) const = default;
};

enum class EdgeKind {
  kData,     // the consumer reads the producer's output tensor
  kControl,  // an If: the branch's layers follow the exit decision (sim policy decides how)
};

struct Dependency {
  EdgeKind kind = EdgeKind::kData;
  std::string tensor;  // data edges: the tensor read
  int64_t bytes = 0;   // data edges: size of that tensor
  bool operator==(const Dependency&) const = default;
};

using LayerGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, Layer, Dependency>;
using LayerId = LayerGraph::vertex_descriptor;

struct Exit {
  std::string name;           // output name identifying the exit
  LayerId output_layer = 0;   // layer producing the exit's output
  LayerId branch_point = 0;   // deepest backbone layer the exit head depends on
  int64_t depth = 0;          // longest data path (in layers) from the input to branch_point
  std::vector<LayerId> head;  // layers the exit adds on top of the backbone, topological
  bool conditional = false;   // true for If-based exits (a decision gates the backbone)
  bool operator==(const Exit&) const = default;
};

struct Workload {
  std::string name;               // model file or label
  std::vector<TensorRef> inputs;  // graph inputs (activations)
  LayerGraph graph;               // vertex ids are in topological order
  std::vector<Exit> exits;        // early exits ordered by depth (shallowest first)
  std::string final_output;       // the backbone's last output
  LayerId final_layer = 0;
  std::vector<LayerId> backbone;    // layers the final output depends on, topological
  std::vector<std::string> pruned;  // nodes that computed on the input but fed no output
  // Exits removed in memory (workloads/exit_edit.h), in the order dropped: rates and precision
  // rules naming them are ignored rather than errors. Empty for an import.
  std::vector<std::string> dropped_exits;
  // What the import could not do as asked, one line each naming the layer ("layer 'fc':
  // weight density not measured: ..."); empty for a plain import.
  std::vector<std::string> warnings;

  size_t num_layers() const { return boost::num_vertices(graph); }
  const Layer& layer(LayerId id) const { return graph[id]; }
  int64_t total_macs() const;
  int64_t total_weight_bytes() const;
  // Index of the layer with this name, or nullopt.
  std::optional<LayerId> find_layer(const std::string& name) const;
  // "model.onnx: ", how errors about this workload begin ("" for an unnamed one).
  std::string error_prefix() const { return name.empty() ? "" : name + ": "; }
};

bool operator==(const Workload& a, const Workload& b);
std::string to_string(const Shape& s);  // "[1,3,32,32]"
std::ostream& operator<<(std::ostream& os, const Layer& l);
std::ostream& operator<<(std::ostream& os, const Workload& w);

}  // namespace eesim::workloads
