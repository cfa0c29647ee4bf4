// Exit heads from a template, mounted on a backbone's branch points (workloads/exit_mount.h).
#include "workloads/exit_mount.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "common/checked_math.h"
#include "common/error.h"
#include "common/limits.h"
#include "workloads/exits.h"
#include "workloads/op_registry.h"

namespace eesim::workloads {

const char* const kHeadGrammar =
    "comma-separated ops, applied in order to the branch point's [N,C,H,W] output: "
    "convKxK:C[/sS] (a KxK conv to C channels, padding K/2, stride S), dwKxK[/sS] (depthwise "
    "KxK conv), relu, gap (global average pool), fc:N (flatten, then fully connected to N "
    "outputs); e.g. conv1x1:128,relu,gap,fc:10";
const char* const kDefaultHead = "gap,fc:10";

namespace {

[[noreturn]] void bad_token(const std::string& text, const std::string& token,
                            const std::string& what) {
  throw Error("head '" + text + "': op '" + token + "': " + what + "; expected " + kHeadGrammar);
}

// A decimal count in [1, kMaxDim] (the importer's bound on any dimension), or 0 when `s` is
// not one (empty, signs, junk, too large).
int64_t positive(std::string_view s) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && v > 0 && v <= kMaxDim ? v : 0;
}

// "KHxKW[:C][/sS]" after "conv" or "dw"; `with_channels` says whether ":C" must be there.
HeadOp parse_window_op(HeadOp op, std::string_view rest, bool with_channels,
                       const std::string& text) {
  const auto fail = [&](const std::string& what) { bad_token(text, op.token, what); };
  if (const size_t slash = rest.find('/'); slash != std::string_view::npos) {
    const std::string_view s = rest.substr(slash + 1);
    if (s.empty() || s[0] != 's' || !(op.stride = positive(s.substr(1))))
      fail("stride must be written /sS with 1 <= S <= 2^31");
    rest = rest.substr(0, slash);
  }
  if (const size_t colon = rest.find(':'); colon != std::string_view::npos) {
    if (!with_channels) fail("a depthwise conv keeps its input's channels (no ':C')");
    if (!(op.outputs = positive(rest.substr(colon + 1))))
      fail("channels must be a count in [1, 2^31]");
    rest = rest.substr(0, colon);
  } else if (with_channels) {
    fail("missing ':C', the conv's output channels");
  }
  const size_t x = rest.find('x');
  if (x == std::string_view::npos || !(op.kernel_h = positive(rest.substr(0, x))) ||
      !(op.kernel_w = positive(rest.substr(x + 1))))
    fail("kernel must be written KxK with 1 <= K <= 2^31");
  return op;
}

HeadOp parse_op(const std::string& token, const std::string& text) {
  HeadOp op;
  op.token = token;
  const std::string_view t = token;
  if (t == "relu") {
    op.kind = HeadOp::Kind::kRelu;
  } else if (t == "gap") {
    op.kind = HeadOp::Kind::kGap;
  } else if (t.starts_with("fc:")) {
    op.kind = HeadOp::Kind::kFc;
    if (!(op.outputs = positive(t.substr(3))))
      bad_token(text, token, "outputs must be a count in [1, 2^31]");
  } else if (t.starts_with("conv")) {
    op.kind = HeadOp::Kind::kConv;
    op = parse_window_op(op, t.substr(4), true, text);
  } else if (t.starts_with("dw")) {
    op.kind = HeadOp::Kind::kDepthwise;
    op = parse_window_op(op, t.substr(2), false, text);
  } else {
    bad_token(text, token, "unknown op");
  }
  return op;
}

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

HeadTemplate parse_head(const std::string& text) {
  HeadTemplate h;
  h.text = text;
  if (trim(text).empty()) throw Error("head '" + text + "' has no ops; expected " + kHeadGrammar);
  size_t begin = 0;
  while (true) {
    const size_t comma = text.find(',', begin);
    const std::string token = trim(text.substr(begin, comma - begin));
    if (token.empty())
      throw Error("head '" + text + "': empty op between commas; expected " + kHeadGrammar);
    h.ops.push_back(parse_op(token, text));
    if (comma == std::string::npos) break;
    begin = comma + 1;
  }
  return h;
}

std::vector<LayerId> mount_points(const Workload& w) {
  // Every backbone layer lies on a path from the graph input to the final layer, and ids are
  // topological, so a path visits strictly increasing ids. If no data edge a->b has a < v < b
  // (the graph input counting as a source before every id), a path cannot get from ids below v
  // to ids above v without visiting v: v is a cut vertex. Conversely such an edge gives a path
  // input -> ... -> a -> b -> ... -> final that avoids v. So one pass keeps the furthest target
  // of any edge leaving a layer before v, and v is a cut vertex iff that target is <= v.
  const std::vector<char> in_backbone = data_ancestors(w.graph, w.final_layer);
  LayerId furthest = 0;
  for (LayerId v : w.backbone)
    for (const TensorRef& t : w.layer(v).inputs)
      if (std::any_of(w.inputs.begin(), w.inputs.end(), [&](auto& i) { return i.name == t.name; }))
        furthest = std::max(furthest, v);
  std::vector<LayerId> points;
  for (LayerId v : w.backbone) {
    const Layer& l = w.layer(v);
    if (furthest <= v && v != w.final_layer && l.outputs.size() == 1 &&
        l.outputs[0].shape.size() == 4)
      points.push_back(v);
    for (auto [e, end] = boost::out_edges(v, w.graph); e != end; ++e)
      if (w.graph[*e].kind == EdgeKind::kData && in_backbone[boost::target(*e, w.graph)])
        furthest = std::max(furthest, boost::target(*e, w.graph));
  }
  return points;
}

Workload strip_exits(const Workload& w) {
  const std::vector<char> keep = data_ancestors(w.graph, w.final_layer);
  Workload out;
  out.name = w.name;
  out.inputs = w.inputs;
  out.final_output = w.final_output;
  out.pruned = w.pruned;
  std::vector<LayerId> new_id(w.num_layers(), 0);
  for (LayerId v = 0; v < w.num_layers(); ++v)
    if (keep[v]) {
      new_id[v] = boost::add_vertex(w.graph[v], out.graph);
      out.backbone.push_back(new_id[v]);
    }
  for (auto [e, end] = boost::edges(w.graph); e != end; ++e) {
    const LayerId s = boost::source(*e, w.graph), t = boost::target(*e, w.graph);
    if (keep[s] && keep[t]) boost::add_edge(new_id[s], new_id[t], w.graph[*e], out.graph);
  }
  out.final_layer = new_id[w.final_layer];
  return out;
}

namespace {

struct Tensor {
  std::string name;
  Shape shape;
  LayerId producer = 0;
};

// Appends a layer on `in` the way importer.cpp's add_layer records it: the activation input,
// the output, and a data edge carrying the tensor read and its bytes.
Tensor append(Workload& w, Layer l, const Tensor& in, const std::string& out_name, Shape out) {
  // A head has no Q/DQ nodes: everything at its activation width, as add_layer would record.
  l.input_bits = l.output_bits = 8 * l.elem_bytes;
  l.weight_bits = l.weight_params > 0 ? 8 * l.elem_bytes : 0;
  const int64_t bytes = checked_mul(checked_product(in.shape, l.name), l.elem_bytes, l.name);
  l.inputs = {{in.name, in.shape}};
  l.outputs = {{out_name, out}};
  const LayerId id = boost::add_vertex(std::move(l), w.graph);
  boost::add_edge(in.producer, id, Dependency{EdgeKind::kData, in.name, bytes}, w.graph);
  return {out_name, std::move(out), id};
}

// Conv and depthwise conv as ops_matrix.cpp's conv counts them: MACs = output elements x
// (C_in / group) x KH x KW; parameters = weights + one bias per output channel (a folded
// BatchNormalization, as exporters emit conv+BN), stored at the branch's element size like
// every head weight (a float model keeps float weights). Output size from the ONNX Conv formula
// with pads K/2 each side: floor((H + 2*(K/2) - K) / S) + 1, which is >= 1 for any H >= 1.
// Heads are held to the importer's limits (common/limits.h) like any imported layer: weights
// and output tensors at most kMaxTensorElements, every dimension at most kMaxDim. Checked before
// the MACs multiply them; the caller prefixes the head and op.
void check_weights(const Layer& l) {
  if (l.weight_params > kMaxTensorElements)
    throw Error(std::to_string(l.weight_params) + " weights is over " +
                std::to_string(kMaxTensorElements) + " elements (no edge chip holds that)");
}

Layer conv_layer(const HeadOp& op, const Shape& x, Layer l, Shape& y) {
  const bool dw = op.kind == HeadOp::Kind::kDepthwise;
  const int64_t cin = x[1], cout = dw ? cin : op.outputs, groups = dw ? cin : 1;
  const Shape kernel = {op.kernel_h, op.kernel_w};
  l.op = "Conv";
  l.kind = LayerKind::kConv;
  l.window = Window{kernel,
                    {op.stride, op.stride},
                    {op.kernel_h / 2, op.kernel_w / 2},
                    {op.kernel_h / 2, op.kernel_w / 2},
                    {1, 1},
                    groups};
  y = {x[0], cout};
  for (size_t i = 0; i < 2; ++i)
    y.push_back((x[2 + i] + 2 * (kernel[i] / 2) - kernel[i]) / op.stride + 1);
  const int64_t per_output = checked_product(Shape{cin / groups, op.kernel_h, op.kernel_w}, l.name);
  l.weight_params = checked_add(checked_mul(cout, per_output, l.name), cout, l.name);
  check_weights(l);
  check_shape(y, "output");
  l.macs = checked_mul(checked_product(y, l.name), per_output, l.name);
  return l;
}

// Appends one op's layer on `in` (4-D unless the op is relu or fc; append_op checks).
Tensor append_op_layer(Workload& w, const HeadOp& op, const Tensor& in, Layer l,
                       const std::string& out_name) {
  const bool four_d = in.shape.size() == 4;
  Shape y = in.shape;
  switch (op.kind) {
    case HeadOp::Kind::kConv:
    case HeadOp::Kind::kDepthwise:
      l = conv_layer(op, in.shape, std::move(l), y);
      break;
    case HeadOp::Kind::kRelu:  // ops_elementwise.cpp: one operation per element
      l.op = "Relu";
      l.kind = LayerKind::kActivation;
      l.vector_ops = checked_product(in.shape, l.name);
      break;
    case HeadOp::Kind::kGap:  // ops_window.cpp global_pool: one operation per input element
      l.op = "GlobalAveragePool";
      l.kind = LayerKind::kReduce;
      l.vector_ops = checked_product(in.shape, l.name);
      y = {in.shape[0], in.shape[1], 1, 1};
      break;
    case HeadOp::Kind::kFc: {
      // Flatten(axis=1) is a view (ops_layout.cpp): the Gemm reads the flattened tensor, under
      // its own name, from the layer that wrote the 4-D data. Gemm counts M x N x K MACs and
      // K x N weights plus N biases (ops_matrix.cpp gemm).
      Tensor flat = in;
      if (four_d) {
        flat.name = l.name + "/flatten";
        flat.shape = {in.shape[0],
                      checked_product(Shape(in.shape.begin() + 1, in.shape.end()), l.name)};
      }
      const int64_t m = flat.shape[0], k = flat.shape.back();
      l.op = "Gemm";
      l.kind = LayerKind::kMatMul;
      l.weight_params = checked_add(checked_mul(k, op.outputs, l.name), op.outputs, l.name);
      check_weights(l);
      l.macs = checked_mul(checked_mul(m, op.outputs, l.name), k, l.name);
      l.weight_bytes = checked_mul(l.weight_params, l.elem_bytes, l.name);
      return append(w, std::move(l), flat, out_name, {m, op.outputs});
    }
  }
  l.weight_bytes = checked_mul(l.weight_params, l.elem_bytes, l.name);
  return append(w, std::move(l), in, out_name, std::move(y));
}

// The same, after checking the input's rank; `where` (the head and the branch) and the op
// prefix every error, a size or overflow in the op's arithmetic included.
Tensor append_op(Workload& w, const HeadOp& op, const Tensor& in, Layer l,
                 const std::string& out_name, const std::string& where) {
  if (in.shape.size() != 4 && op.kind != HeadOp::Kind::kRelu && op.kind != HeadOp::Kind::kFc)
    throw Error(where + ": op '" + op.token + "' needs a 4-D [N,C,H,W] tensor but gets " +
                to_string(in.shape));
  try {
    return append_op_layer(w, op, in, std::move(l), out_name);
  } catch (const Error& e) {
    throw Error(where + ": op '" + op.token + "': " + e.what());
  }
}

const char* op_label(HeadOp::Kind k) {
  switch (k) {
    case HeadOp::Kind::kConv:
      return "conv";
    case HeadOp::Kind::kDepthwise:
      return "dw";
    case HeadOp::Kind::kRelu:
      return "relu";
    case HeadOp::Kind::kGap:
      return "gap";
    case HeadOp::Kind::kFc:
      return "fc";
  }
  return "op";
}

void check_mountable(const Workload& w, LayerId branch, const HeadTemplate& head,
                     const std::string& exit_name, const std::string& where) {
  if (branch >= w.num_layers()) throw Error(where + ": no layer with id " + std::to_string(branch));
  const Layer& b = w.layer(branch);
  const std::vector<char> in_backbone = data_ancestors(w.graph, w.final_layer);
  if (!in_backbone[branch]) throw Error(where + ": layer '" + b.name + "' is not on the backbone");
  if (branch == w.final_layer) throw Error(where + ": layer '" + b.name + "' is the final layer");
  if (b.outputs.size() != 1 || b.outputs[0].shape.size() != 4)
    throw Error(where + ": layer '" + b.name +
                "' must have one 4-D [N,C,H,W] output to branch from");
  if (head.ops.empty()) throw Error(where + ": head '" + head.text + "' has no ops");
  if (!exit_name_free(w, exit_name))
    throw Error(where + ": exit name '" + exit_name +
                "' is empty or already names a layer, tensor or output");
}

}  // namespace

bool exit_name_free(const Workload& w, const std::string& name) {
  const auto clashes = [&](const std::string& n) { return n == name || n.starts_with(name + "/"); };
  if (name.empty() || clashes(w.final_output)) return false;
  for (const Exit& e : w.exits)
    if (clashes(e.name)) return false;
  for (LayerId v = 0; v < w.num_layers(); ++v) {
    if (clashes(w.layer(v).name)) return false;
    for (const TensorRef& t : w.layer(v).outputs)
      if (clashes(t.name)) return false;
  }
  return true;
}

std::string unused_exit_name(const Workload& w) {
  std::string name = "mounted_exit";
  for (int i = 2; !exit_name_free(w, name); ++i) name = "mounted_exit_" + std::to_string(i);
  return name;
}

Workload mount_exit(const Workload& backbone, LayerId branch, const HeadTemplate& head,
                    const std::string& exit_name) {
  const std::string where =
      backbone.name + ": exit head '" + head.text + "' mounted as '" + exit_name + "'";
  check_mountable(backbone, branch, head, exit_name, where);
  Workload w = backbone;
  const Layer& b = backbone.layer(branch);  // not w's: appending vertices moves w's layers
  Tensor t{b.outputs[0].name, b.outputs[0].shape, branch};
  const int64_t elem_bytes = b.elem_bytes;
  std::map<HeadOp::Kind, int> count;
  Exit e;
  for (size_t i = 0; i < head.ops.size(); ++i) {
    const HeadOp& op = head.ops[i];
    Layer l;
    l.name = exit_name + "/" + op_label(op.kind) + std::to_string(count[op.kind]++);
    l.elem_bytes = elem_bytes;  // the head computes in the backbone's activation type
    const std::string out_name = i + 1 == head.ops.size() ? exit_name : l.name + "/out";
    t = append_op(w, op, t, std::move(l), out_name, where + " at '" + b.name + "'");
    e.head.push_back(t.producer);
  }
  e.name = exit_name;
  e.output_layer = t.producer;
  e.branch_point = branch;
  e.depth = data_depths(w.graph)[branch];
  w.exits.push_back(std::move(e));
  // The order analyze_exits gives (exits.cpp): by depth, then branch point, then name.
  std::stable_sort(w.exits.begin(), w.exits.end(), [](const Exit& a, const Exit& c) {
    if (a.depth != c.depth) return a.depth < c.depth;
    if (a.branch_point != c.branch_point) return a.branch_point < c.branch_point;
    return a.name < c.name;
  });
  return w;
}

}  // namespace eesim::workloads
