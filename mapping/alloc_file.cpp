// `alloc=file=PATH`: a mapping file (allocation.h). The file is read when the option is given,
// so a missing file is reported before any work; its lines are checked against the model and
// chip when allocating. Layers the file leaves out are placed by the default mapper
// (partition.h) around the file's pins, keeping to its op lines and the options' `allow`.
#include <algorithm>

#include "common/error.h"
#include "common/file_io.h"
#include "mapping/allocator.h"
#include "mapping/partition.h"

namespace eesim::mapping {
namespace {

// The file's op lines and the options' constraints together: an op type named by both may run
// only on the cores both allow.
CoreConstraints merged(const MappingSpec& spec, const CoreConstraints& options) {
  CoreConstraints out = spec.constraints;
  out.ops_of_core = options.ops_of_core;  // the architecture's, which the file cannot widen
  for (const auto& [op, cores] : options.cores_of_op) {
    auto it = out.cores_of_op.find(op);
    if (it == out.cores_of_op.end()) {
      out.cores_of_op[op] = cores;
      continue;
    }
    std::vector<size_t> both;
    for (size_t c : it->second)
      if (std::find(cores.begin(), cores.end(), c) != cores.end()) both.push_back(c);
    if (both.empty())
      throw Error(spec.source + ":" + std::to_string(spec.op_line.at(op)) + ": op type '" + op +
                  "' may run on no core: the option allow keeps it to other cores");
    it->second = both;
  }
  return out;
}

class MappingFile : public Allocator {
 public:
  explicit MappingFile(std::string path)
      : path_(std::move(path)),
        text_(read_text_file(path_, "a mapping file of 'LAYER = CORE' lines")) {}
  Allocated allocate(const AllocationProblem& p) const override {
    const MappingSpec spec = parse_mapping(text_, path_, p.workload, p.arch);
    const CoreConstraints constraints = merged(spec, p.constraints);
    for (workloads::LayerId v = 0; v < p.workload.num_layers(); ++v) {
      if (!spec.pins[v]) continue;
      const std::string at = path_ + ":" + std::to_string(spec.line_of[v]) + ": layer '" +
                             p.workload.layer(v).name + "' ";
      for (size_t c : spec.pins[v]->cores)
        if (!constraints.allows(p.workload.layer(v), c))
          throw Error(at + "is on core '" + p.arch.cores[c].name +
                      "', but the option allow keeps " + p.workload.layer(v).op + " off it");
      if (spec.pins[v]->kind == SplitKind::kNone) continue;
      const std::string problem = split_problem(p.workload, p.graph, v, *spec.pins[v]);
      if (!problem.empty())
        throw Error(at + "cannot be split by " + to_string(spec.pins[v]->kind) + ": " + problem);
    }
    if (spec.complete()) return {spec.allocation(p.workload), std::nullopt};
    Allocation out =
        allocate_partition(p.workload, p.graph, p.arch, p.cache, constraints, p.waits, spec.pins);
    out.method = "file " + path_ + ", the rest by partition";
    return {std::move(out), std::nullopt};
  }
  bool fixed_layers() const override { return true; }
  std::string source_file() const override { return path_; }

 private:
  std::string path_, text_;
};

}  // namespace

AllocatorEntry file_allocator() {
  return {"file", "PATH",
          [](const std::string& path) { return std::make_shared<const MappingFile>(path); }};
}
}  // namespace eesim::mapping
