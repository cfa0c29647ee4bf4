// eesim._core's models (bindings/eesim/model_bindings.h): import, exit editing, pickling.
#include "bindings/eesim/model_bindings.h"

#include <pybind11/stl.h>

#include <atomic>
#include <climits>
#include <filesystem>
#include <string_view>

#include "common/error.h"
#include "common/file_io.h"
#include "workloads/exit_edit.h"
#include "workloads/exit_mount.h"
#include "workloads/importer.h"
#include "workloads/onnx_reader.h"

namespace eesim::bindings {
namespace {

std::atomic<uint64_t> next_model_serial{1};

using Shapes = std::map<std::string, std::vector<int64_t>>;

// One dict per layer, keys as `eesim inspect --json` names them (pandas.DataFrame(rows) works).
py::list layer_rows(const Model& m) {
  py::list rows;
  const workloads::Workload& w = m.workload;
  for (workloads::LayerId v = 0; v < w.num_layers(); ++v) {
    const workloads::Layer& l = w.layer(v);
    py::dict d;
    d["name"] = l.name, d["op"] = l.op, d["kind"] = workloads::to_string(l.kind);
    d["macs"] = l.macs, d["vector_ops"] = l.vector_ops;
    d["weight_params"] = l.weight_params, d["weight_bytes"] = l.weight_bytes;
    d["weight_bits"] = l.weight_bits, d["input_bits"] = l.input_bits;
    d["output_bits"] = l.output_bits, d["output_shape"] = l.outputs.at(0).shape;
    d["weight_density"] = l.weight_density;
    d["weight_density_source"] = workloads::to_string(l.density_source);
    rows.append(d);
  }
  return rows;
}

std::vector<std::string> exit_names(const Model& m) {
  std::vector<std::string> names;
  for (const auto& e : m.workload.exits) names.push_back(e.name);
  return names;
}

Model import_model(std::shared_ptr<const ModelSource> source, workloads::OnnxModel onnx) {
  workloads::ImportOptions o;
  o.final_output = source->final_output;
  o.measure_density = source->measure_density;
  for (const auto& [name, shape] : source->inputs) o.input_shapes[name] = shape;
  Model m{std::move(source),
          std::make_shared<const workloads::OnnxModel>(std::move(onnx)),
          {},
          {},
          next_model_serial++};
  m.workload = workloads::import_onnx(*m.onnx, o);
  return m;
}

std::pair<int64_t, int64_t> size_and_mtime(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return {-1, 0};
  const auto t = std::filesystem::last_write_time(path, ec);
  if (ec) return {-1, 0};
  return {static_cast<int64_t>(size), static_cast<int64_t>(t.time_since_epoch().count())};
}

Model load_file(const std::string& path, const Shapes& inputs, const std::string& final_output,
                bool measure_density) {
  auto source = std::make_shared<ModelSource>();
  source->label = source->path = path;
  source->base_dir = std::filesystem::absolute(path).parent_path().string();
  std::tie(source->file_size, source->file_mtime_ns) = size_and_mtime(path);
  source->inputs = inputs;
  source->final_output = final_output;
  source->measure_density = measure_density;
  workloads::ReadOptions read;
  read.weights = measure_density;
  return import_model(std::move(source), workloads::read_onnx_file(path, read));
}

Model load_bytes(std::shared_ptr<const std::string> bytes, const std::string& label,
                 const std::string& base_dir, const Shapes& inputs, const std::string& final_output,
                 bool measure_density) {
  auto source = std::make_shared<ModelSource>();
  source->label = label;
  source->base_dir = base_dir;
  source->bytes = std::move(bytes);
  source->inputs = inputs;
  source->final_output = final_output;
  source->measure_density = measure_density;
  workloads::ReadOptions read;
  read.weights = measure_density;
  read.base_dir = base_dir;
  workloads::OnnxModel onnx = workloads::read_onnx_bytes(*source->bytes, label, read);
  return import_model(std::move(source), std::move(onnx));
}

ExitEdit names_edit(ExitEdit::Kind kind, std::vector<std::string> names) {
  ExitEdit e;
  e.kind = kind;
  e.names = std::move(names);
  return e;
}

ExitEdit mount_edit(std::string layer, std::string head, std::string name) {
  ExitEdit e;
  e.kind = ExitEdit::Kind::kMount;
  e.layer = std::move(layer), e.head = std::move(head), e.name = std::move(name);
  return e;
}

// `m` with one more edit: a new model object (its own serial) sharing m's source and ONNX.
Model edited(const Model& m, ExitEdit edit) {
  Model out{m.source, m.onnx, m.edits, {}, next_model_serial++};
  switch (edit.kind) {
    case ExitEdit::Kind::kDrop:
      out.workload = workloads::drop_exits(m.workload, edit.names);
      break;
    case ExitEdit::Kind::kKeep:
      out.workload = workloads::keep_exits(m.workload, edit.names);
      break;
    case ExitEdit::Kind::kMount:
      out.workload = workloads::mount_exit_at(m.workload, edit.layer,
                                              workloads::parse_head(edit.head), edit.name);
      break;
  }
  out.edits.push_back(std::move(edit));
  return out;
}

Model with_exit_at(const Model& m, const std::string& layer, const std::string& head,
                   const py::object& name) {
  const std::string exit_name =
      name.is_none() ? workloads::unused_exit_name(m.workload) : name.cast<std::string>();
  return edited(m, mount_edit(layer, head, exit_name));
}

// `m` with `edits` (as `state` lists them) applied in order.
Model with_edits(Model m, const py::list& edits) {
  for (const py::handle& e : edits) {
    const py::tuple edit = e.cast<py::tuple>();
    const std::string kind = edit[0].cast<std::string>();
    if (kind == "mount")
      m = edited(m, mount_edit(edit[1].cast<std::string>(), edit[2].cast<std::string>(),
                               edit[3].cast<std::string>()));
    else if (kind == "drop" || kind == "keep")
      m = edited(m, names_edit(kind == "drop" ? ExitEdit::Kind::kDrop : ExitEdit::Kind::kKeep,
                               edit[1].cast<std::vector<std::string>>()));
    else
      throw Error("eesim.Model: unknown exit edit '" + kind + "'");
  }
  return m;
}

bool file_unchanged(const ModelSource& s) {
  return size_and_mtime(s.path) == std::make_pair(s.file_size, s.file_mtime_ns);
}

[[noreturn]] void file_changed(const ModelSource& s) {
  throw Error(s.path + ": the file changed since the model was loaded; load it again");
}

// The bytes a worker loads the model from: those given, or the file's, read now (once) and
// refused when the file changed since the model was loaded.
std::shared_ptr<const std::string> source_bytes(const ModelSource& s) {
  if (s.bytes) return s.bytes;
  if (!file_unchanged(s)) file_changed(s);
  s.bytes = std::make_shared<const std::string>(read_file(s.path, "an ONNX model", INT32_MAX));
  return s.bytes;
}

// The state a model is loaded again from, version 1: (1, label, path, file size, file mtime,
// bytes or None, base_dir, inputs, final, measure_density, edits), edits as ("drop", [names]),
// ("keep", [names]) or ("mount", layer, head, name). With `with_bytes` false, a model loaded
// from a file carries its path only: for a worker on the same machine (a process pool), which
// reads the file itself (and refuses it if it changed) instead of receiving it through a pipe.
py::tuple state(const Model& m, bool with_bytes) {
  const ModelSource& s = *m.source;
  py::object bytes = py::none();
  if (with_bytes || s.path.empty()) bytes = py::bytes(*source_bytes(s));
  py::list edits;
  for (const ExitEdit& e : m.edits) {
    if (e.kind == ExitEdit::Kind::kMount)
      edits.append(py::make_tuple("mount", e.layer, e.head, e.name));
    else
      edits.append(py::make_tuple(e.kind == ExitEdit::Kind::kDrop ? "drop" : "keep", e.names));
  }
  return py::make_tuple(1, s.label, s.path, s.file_size, s.file_mtime_ns, bytes, s.base_dir,
                        s.inputs, s.final_output, s.measure_density, edits);
}

Model from_state(const py::tuple& t) {
  if (t.size() != 11 || t[0].cast<int>() != 1)
    throw Error("eesim.Model: saved by another eesim version");
  ModelSource s;
  s.label = t[1].cast<std::string>(), s.path = t[2].cast<std::string>();
  s.file_size = t[3].cast<int64_t>(), s.file_mtime_ns = t[4].cast<int64_t>();
  const Shapes inputs = t[7].cast<Shapes>();
  const std::string final_output = t[8].cast<std::string>();
  const bool measure_density = t[9].cast<bool>();
  Model m;
  if (t[5].is_none()) {
    if (!file_unchanged(s)) file_changed(s);
    m = load_file(s.path, inputs, final_output, measure_density);
  } else {
    m = load_bytes(std::make_shared<const std::string>(t[5].cast<std::string_view>()), s.label,
                   t[6].cast<std::string>(), inputs, final_output, measure_density);
  }
  return with_edits(std::move(m), t[10].cast<py::list>());
}

std::string repr(const Model& m) {
  std::string names;
  for (const std::string& n : exit_names(m)) names += (names.empty() ? "" : ", ") + n;
  std::string text = "<eesim.Model '" + m.workload.name +
                     "': " + std::to_string(m.workload.num_layers()) + " layers, exits [" + names +
                     "]";
  if (!m.workload.dropped_exits.empty()) {
    std::string dropped;
    for (const std::string& n : m.workload.dropped_exits)
      dropped += (dropped.empty() ? "" : ", ") + n;
    text += ", dropped [" + dropped + "]";
  }
  return text + ", final '" + m.workload.final_output + "'>";
}

}  // namespace

ExitValues exit_values(const py::handle& exits) {
  ExitValues out;
  if (exits.is_none()) return out;
  if (!py::isinstance<py::dict>(exits))
    throw Error("exits: expected a dict of exit name -> probability, got " +
                std::string(py::str(py::type::of(exits).attr("__name__"))));
  for (const auto& [key, value] : py::reinterpret_borrow<py::dict>(exits)) {
    if (!py::isinstance<py::str>(key))
      throw Error("exits[" + std::string(py::repr(key)) + "]: exit names are str");
    const std::string name = key.cast<std::string>();
    if (!py::isinstance<py::float_>(value) && !py::isinstance<py::int_>(value))
      throw Error("exits['" + name + "']: " + std::string(py::repr(value)) +
                  " is not a number; expected a probability in [0,1]");
    out.emplace_back(name, value.cast<double>());
  }
  return out;
}

workloads::ExitProfile profile(const Model& m, const ExitValues& exits, bool conditional) {
  std::vector<workloads::ExitRates> sources = {
      workloads::exit_rates_from_metadata(m.onnx->metadata, m.onnx->source)};
  sources.push_back(workloads::exit_rates_from_values(
      exits, conditional ? workloads::RateKind::kConditional : workloads::RateKind::kUnconditional,
      "exits"));
  return workloads::make_exit_profile(m.workload, sources);
}

void bind_models(py::module_& m) {
  py::class_<Model>(m, "Model")
      .def_property_readonly("name", [](const Model& x) { return x.workload.name; })
      .def_property_readonly("num_layers", [](const Model& x) { return x.workload.num_layers(); })
      .def_property_readonly("total_macs", [](const Model& x) { return x.workload.total_macs(); })
      .def_property_readonly("total_weight_bytes",
                             [](const Model& x) { return x.workload.total_weight_bytes(); })
      .def_property_readonly("layers", &layer_rows)
      .def_property_readonly("exits", &exit_names)
      .def_property_readonly("dropped_exits",
                             [](const Model& x) { return x.workload.dropped_exits; })
      .def_property_readonly("final_output", [](const Model& x) { return x.workload.final_output; })
      .def_property_readonly("warnings", [](const Model& x) { return x.workload.warnings; })
      .def(
          "without_exits",
          [](const Model& x, const std::vector<std::string>& names) {
            return edited(x, names_edit(ExitEdit::Kind::kDrop, names));
          },
          py::arg("names"))
      .def(
          "with_only_exits",
          [](const Model& x, const std::vector<std::string>& names) {
            return edited(x, names_edit(ExitEdit::Kind::kKeep, names));
          },
          py::arg("names"))
      .def("with_exit_at", &with_exit_at, py::arg("layer"),
           py::arg("head") = workloads::kDefaultHead, py::arg("name") = py::none())
      .def("__repr__", &repr)
      .def(py::pickle([](const Model& x) { return state(x, true); }, &from_state));
  // For evaluate_many's process pool: a file-loaded model as its path (see `state`).
  m.def("model_state", &state, py::arg("model"), py::arg("with_bytes") = true);
  m.def("model_from_state", &from_state, py::arg("state"));
  m.def("model_with_edits", &with_edits, py::arg("model"), py::arg("edits"));
  m.def("load_model_file", &load_file, py::arg("path"), py::arg("inputs") = Shapes{},
        py::arg("final") = "", py::arg("measure_density") = false);
  m.def(
      "load_model_bytes",
      [](const py::bytes& data, const std::string& label, const Shapes& inputs,
         const std::string& final_output, bool measure_density) {
        return load_bytes(std::make_shared<const std::string>(std::string_view(data)), label, "",
                          inputs, final_output, measure_density);
      },
      py::arg("data"), py::arg("label") = "<bytes>", py::arg("inputs") = Shapes{},
      py::arg("final") = "", py::arg("measure_density") = false);
}

}  // namespace eesim::bindings
