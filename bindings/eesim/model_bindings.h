#pragma once
// eesim._core's models: import (path or bytes), exits edited in memory, pickling (how a model
// reaches a worker process), and the exit profile an evaluation of one uses. module.cpp's
// Evaluator takes these; bind_models adds Model and load_model_* to the module.
#include <pybind11/pybind11.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "workloads/exit_profile.h"
#include "workloads/onnx_model.h"
#include "workloads/workload.h"

namespace eesim::bindings {

namespace py = pybind11;

// How a model was loaded, so a worker process can load it again: the file (read again when the
// model is pickled, refused if it changed since) or the bytes given, with the import options.
struct ModelSource {
  std::string label;     // the file's path as given, or the bytes' label: the workload's name
  std::string path;      // loaded from this file ("" when from bytes)
  std::string base_dir;  // where external data is found (the file's directory)
  // The bytes: given, or the file's once pickling read it. Mutable cache, touched with the GIL.
  mutable std::shared_ptr<const std::string> bytes;
  int64_t file_size = -1;     // the file's when loaded
  int64_t file_mtime_ns = 0;  // the file's modification time when loaded
  std::map<std::string, std::vector<int64_t>> inputs;
  std::string final_output;
  bool measure_density = false;
};

// One exit edit, as Model.without_exits / with_only_exits / with_exit_at made it: replayed in
// order when a pickled model is loaded again.
struct ExitEdit {
  enum class Kind { kDrop, kKeep, kMount };
  Kind kind = Kind::kDrop;
  std::vector<std::string> names;  // kDrop, kKeep
  std::string layer, head, name;   // kMount
};

struct Model {
  std::shared_ptr<const ModelSource> source;
  std::shared_ptr<const workloads::OnnxModel> onnx;  // shared by a model and its edited copies
  std::vector<ExitEdit> edits;
  workloads::Workload workload;
  uint64_t serial = 0;  // unique per model object: what the evaluator's last result is keyed by
};

// `exits` (a dict, or None) as (name, probability) pairs in the dict's order. Errors name the
// Python argument: "exits[1]: ...", "exits['exit1']: ...".
using ExitValues = std::vector<std::pair<std::string, double>>;
ExitValues exit_values(const py::handle& exits);

// Exit probabilities: the model's metadata, overridden by `exits` when it names any exit. Rates
// naming an exit dropped from the model are ignored (workloads/exit_profile.h).
workloads::ExitProfile profile(const Model& m, const ExitValues& exits, bool conditional);

// Adds Model, load_model_file and load_model_bytes to the module.
void bind_models(py::module_& m);

}  // namespace eesim::bindings
