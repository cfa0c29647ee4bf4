#pragma once
// OnnxModel -> Workload: our own shape inference and constant folding over the op set in
// DESIGN.md section 2, BatchNormalization folded into its producer, If-based exits inlined.
#include <map>
#include <string>

#include "workloads/onnx_model.h"
#include "workloads/workload.h"

namespace eesim::workloads {

struct ImportOptions {
  // Shapes for graph inputs, overriding the file's (needed when it leaves dims symbolic other
  // than a leading batch dim, which is taken as 1).
  std::map<std::string, Shape> input_shapes;
  // The graph output that ends the backbone; empty: the output with the most layers behind it.
  std::string final_output;
  // Count each layer's non-zero weights (Layer::weight_density, workloads/weight_density.h):
  // the model must have been read with ReadOptions::weights. Off: weights are not read and
  // every density is 1 (DensitySource::kAssumed).
  bool measure_density = false;
};

Workload import_onnx(const OnnxModel& model, const ImportOptions& options = {});

// read_onnx_file (with ReadOptions::weights when options.measure_density) + import_onnx.
Workload load_workload(const std::string& path, const ImportOptions& options = {});

}  // namespace eesim::workloads
