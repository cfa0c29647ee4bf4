#pragma once
// How a layer's operand widths (Layer::weight_bits, input_bits, output_bits) enter the costs:
// the run-wide mode. Per-layer overrides of the widths and of weight density are applied to a
// Workload before mapping, as a value-to-value step (DESIGN.md section 3, "Precision").
#include <string>

#include "workloads/workload.h"

namespace eesim::workloads {

enum class PrecisionMode {
  // Storage, SRAM/DRAM/NoC traffic in the layers' bits (sub-byte packed); the arithmetic as each
  // core kind declares for those widths (hw_models/precision.h). The default.
  kFull,
  // Storage and traffic in the layers' bits; arithmetic at the core's native width and MAC
  // energy (the early-exit NAS study's cost model, arXiv 2512.04705: precision rescales tensor
  // sizes only), so its figures can be compared.
  kMemory,
  // Every operand in the core's native word, whatever the file says: eesim before per-layer
  // precision, and Stream/ZigZag's ONNX import, which gives every layer one default precision.
  kNative,
};

// "full", "memory", "native".
std::string to_string(PrecisionMode m);
// The inverse; throws eesim::Error listing the three names.
PrecisionMode parse_precision_mode(const std::string& text);

// `w` with the mode applied to every layer: kNative clears the widths (0: the core's word),
// kMemory clears Layer::bits_scale_compute, kFull leaves it as it is.
Workload with_precision_mode(Workload w, PrecisionMode mode);

}  // namespace eesim::workloads
