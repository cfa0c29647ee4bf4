// Workload: totals, lookup, equality and printing of the layer-graph value type.
#include "workloads/workload.h"

#include <sstream>

#include "common/checked_math.h"

namespace eesim::workloads {

std::string to_string(LayerKind k) {
  switch (k) {
    case LayerKind::kConv:
      return "conv";
    case LayerKind::kMatMul:
      return "matmul";
    case LayerKind::kEltwise:
      return "eltwise";
    case LayerKind::kActivation:
      return "activation";
    case LayerKind::kPool:
      return "pool";
    case LayerKind::kReduce:
      return "reduce";
    case LayerKind::kSoftmax:
      return "softmax";
    case LayerKind::kCompare:
      return "compare";
    case LayerKind::kConcat:
      return "concat";
    case LayerKind::kSplit:
      return "split";
    case LayerKind::kPad:
      return "pad";
    case LayerKind::kTranspose:
      return "transpose";
    case LayerKind::kGather:
      return "gather";
  }
  return "?";
}

std::string to_string(DensitySource s) {
  switch (s) {
    case DensitySource::kAssumed:
      return "assumed";
    case DensitySource::kMeasured:
      return "measured";
    case DensitySource::kUnmeasured:
      return "unmeasured";
    case DensitySource::kOverridden:
      return "overridden";
  }
  return "?";
}

std::string to_string(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(s[i]);
  }
  return out + "]";
}

int64_t Workload::total_macs() const {
  int64_t total = 0;
  for (LayerId v = 0; v < num_layers(); ++v)
    total = checked_add(total, graph[v].macs, name + ": total MACs");
  return total;
}

int64_t Workload::total_weight_bytes() const {
  int64_t total = 0;
  for (LayerId v = 0; v < num_layers(); ++v)
    total = checked_add(total, graph[v].weight_bytes, name + ": total weight bytes");
  return total;
}

std::optional<LayerId> Workload::find_layer(const std::string& layer_name) const {
  for (LayerId v = 0; v < num_layers(); ++v)
    if (graph[v].name == layer_name) return v;
  return std::nullopt;
}

bool operator==(const Workload& a, const Workload& b) {
  if (a.name != b.name || a.inputs != b.inputs || a.exits != b.exits ||
      a.final_output != b.final_output || a.final_layer != b.final_layer ||
      a.backbone != b.backbone || a.pruned != b.pruned || a.dropped_exits != b.dropped_exits ||
      a.warnings != b.warnings || a.num_layers() != b.num_layers() ||
      boost::num_edges(a.graph) != boost::num_edges(b.graph))
    return false;
  for (LayerId v = 0; v < a.num_layers(); ++v) {
    if (!(a.graph[v] == b.graph[v])) return false;
    auto [ai, aend] = boost::out_edges(v, a.graph);
    auto [bi, bend] = boost::out_edges(v, b.graph);
    for (; ai != aend && bi != bend; ++ai, ++bi)
      if (boost::target(*ai, a.graph) != boost::target(*bi, b.graph) ||
          !(a.graph[*ai] == b.graph[*bi]))
        return false;
    if ((ai == aend) != (bi == bend)) return false;
  }
  return true;
}

std::ostream& operator<<(std::ostream& os, const Layer& l) {
  os << l.name << " (" << l.op << ", " << to_string(l.kind) << ") -> ";
  for (size_t i = 0; i < l.outputs.size(); ++i)
    os << (i ? " " : "") << to_string(l.outputs[i].shape);
  os << " macs=" << l.macs << " vector_ops=" << l.vector_ops << " weight_bytes=" << l.weight_bytes
     << " bits=" << l.weight_bits << "/" << l.input_bits << "/" << l.output_bits;
  if (l.density_source != DensitySource::kAssumed)
    os << " density=" << l.weight_density << " (" << to_string(l.density_source) << ")";
  return os;
}

std::ostream& operator<<(std::ostream& os, const Workload& w) {
  os << "workload " << w.name << ": " << w.num_layers() << " layers, " << w.total_macs()
     << " MACs\n";
  for (LayerId v = 0; v < w.num_layers(); ++v) os << "  " << v << ": " << w.graph[v] << "\n";
  for (const Exit& e : w.exits)
    os << "  exit " << e.name << " at " << w.graph[e.branch_point].name << " depth " << e.depth
       << "\n";
  os << "  final " << w.final_output << "\n";
  for (const std::string& warning : w.warnings) os << "  warning: " << warning << "\n";
  return os;
}

}  // namespace eesim::workloads
