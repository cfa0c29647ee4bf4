// The precision mode as a Workload -> Workload step (workloads/precision.h).
#include "workloads/precision.h"

#include "common/error.h"

namespace eesim::workloads {

std::string to_string(PrecisionMode m) {
  switch (m) {
    case PrecisionMode::kFull:
      return "full";
    case PrecisionMode::kMemory:
      return "memory";
    case PrecisionMode::kNative:
      return "native";
  }
  return "full";
}

PrecisionMode parse_precision_mode(const std::string& text) {
  for (PrecisionMode m : {PrecisionMode::kFull, PrecisionMode::kMemory, PrecisionMode::kNative})
    if (text == to_string(m)) return m;
  throw Error("precision mode '" + text + "': expected full, memory or native");
}

Workload with_precision_mode(Workload w, PrecisionMode mode) {
  if (mode == PrecisionMode::kFull) return w;
  for (LayerId v = 0; v < w.num_layers(); ++v) {
    Layer& l = w.graph[v];
    if (mode == PrecisionMode::kNative)
      l.weight_bits = l.input_bits = l.output_bits = 0;
    else
      l.bits_scale_compute = false;
  }
  return w;
}

}  // namespace eesim::workloads
