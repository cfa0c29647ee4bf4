#pragma once
// Topological order of an ONNX graph's nodes, with the errors a malformed graph deserves:
// a tensor produced twice, an input nobody provides (dangling), a cycle.
#include <functional>
#include <string>
#include <vector>

#include "workloads/onnx_model.h"

namespace eesim::workloads {

// Orders g's nodes so each comes after the producers of what it reads, keeping file order
// among ready nodes. A name g does not produce must satisfy `defined_outside` (initializers,
// graph inputs, an enclosing scope). An If node also reads its branches' free names.
// Errors are prefixed with `source`.
std::vector<const OnnxNode*> topological_order(
    const OnnxGraph& g, const std::function<bool(const std::string&)>& defined_outside,
    const std::string& source);

}  // namespace eesim::workloads
