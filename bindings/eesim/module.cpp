// eesim._core: the pybind11 module. The only file that sees pybind11 (STYLE.md rule 4). It turns
// Python arguments into eesim values, runs the library with the GIL released, and hands reports
// back as their messages (results_bindings.h), which the pure-Python package (eesim/results.py)
// wraps.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bindings/eesim/model_bindings.h"
#include "bindings/eesim/results_bindings.h"
#include "common/error.h"
#include "common/progress.h"
#include "hw_models/arch_loader.h"
#include "hw_models/core_model.h"
#include "sim/results/run_report.h"
#include "sim/results/stream_report.h"
#include "sim/results/sweep_report.h"
#include "sim/results/trace.h"
#include "sim/studies/evaluate.h"
#include "sim/studies/options.h"
#include "sim/studies/stream.h"
#include "sim/studies/sweep.h"
#include "workloads/exit_mount.h"
#include "workloads/exit_profile.h"
#include "workloads/importer.h"
#include "workloads/onnx_reader.h"

namespace py = pybind11;

namespace eesim::bindings {
namespace {

// Ctrl-C during a long call: Python runs signal handlers only between bytecodes, so while the
// GIL is released a KeyboardInterrupt would wait for the whole stream or search. At most every
// 100 ms this takes the GIL and runs the pending handlers (they run on the main thread only);
// an exception they raise stops the run, and rethrow() raises it in Python afterwards.
class PythonSignals {
 public:
  Progress progress() {
    return {[this](const char*, int64_t, int64_t) {
      const auto now = std::chrono::steady_clock::now();
      if (now < next_check_) return true;
      next_check_ = now + std::chrono::milliseconds(100);
      py::gil_scoped_acquire gil;
      if (PyErr_CheckSignals() == 0) return true;
      error_.emplace();  // takes the pending exception (KeyboardInterrupt)
      return false;
    }};
  }
  // With the GIL held, after the run threw eesim::Interrupted.
  void rethrow() {
    if (error_) throw std::move(*error_);
  }

 private:
  std::chrono::steady_clock::time_point next_check_ = std::chrono::steady_clock::now();
  std::optional<py::error_already_set> error_;
};

// The timeline as columns (lists), ready for numpy arrays or a DataFrame. Streams add the
// input column.
py::dict trace_columns(const sim::Trace& t, const sim::Report& r, bool stream = false) {
  py::list scenario, track, kind, name, start, end, layer, first_row, rows, macs, bytes, cancelled;
  py::list input, first_channel, channels;
  for (const auto& x : t.rows) {
    if (stream) input.append(x.input);
    scenario.append(r.scenarios[x.scenario].exit);
    track.append(t.tracks[x.track]);
    kind.append(x.kind);
    name.append(x.name);
    start.append(x.start);
    end.append(x.end);
    layer.append(x.layer);
    first_row.append(x.first_row);
    rows.append(x.rows);
    macs.append(x.macs);
    bytes.append(x.bytes);
    cancelled.append(x.cancelled);
    first_channel.append(x.first_channel);
    channels.append(x.channels);
  }
  py::dict d;
  d["scenario"] = scenario, d["track"] = track, d["kind"] = kind, d["name"] = name;
  d["start_cycles"] = start, d["end_cycles"] = end, d["layer"] = layer;
  d["first_row"] = first_row, d["rows"] = rows, d["macs"] = macs, d["bytes"] = bytes;
  d["cancelled"] = cancelled, d["first_channel"] = first_channel, d["channels"] = channels;
  if (stream) d["input"] = input;
  return d;
}

// On-chip memory over time, as columns: per scenario (a run's processes) and core, the bytes
// live after each change (activations, buffered inputs, resident weights), with the core's
// capacity (its on-chip bytes) on every row for plots that draw the limit.
py::dict memory_columns(const sim::Trace& t, const hw::Architecture& arch) {
  py::list scenario, core, cycle, live, capacity;
  std::vector<int64_t> capacity_of;
  for (const hw::CoreSpec& c : arch.cores)
    capacity_of.push_back(hw::core_model(c).on_chip_bytes(c));
  for (size_t i = 0; i < t.processes.size(); ++i)
    for (const sim::MemorySample& m : t.processes[i].memory) {
      scenario.append(i < t.scenarios.size() ? t.scenarios[i] : t.processes[i].name);
      core.append(t.core_names.at(m.core));
      cycle.append(m.cycle);
      live.append(m.bytes);
      capacity.append(capacity_of.at(m.core));
    }
  py::dict d;
  d["scenario"] = scenario, d["core"] = core, d["cycle"] = cycle, d["live_bytes"] = live;
  d["capacity_bytes"] = capacity;
  return d;
}

// One entry per stream input, as columns.
py::dict input_columns(const sim::StreamReport& r) {
  py::list exit, arrival, admitted, done, latency, energy;
  for (size_t k = 0; k < r.run.inputs.size(); ++k) {
    const sim::InputRun& in = r.run.inputs[k];
    exit.append(r.analytical.scenarios[r.scenario_of[k]].exit);
    arrival.append(in.arrival_cycles);
    admitted.append(in.admitted_cycles);
    done.append(in.done_cycles);
    latency.append(r.latency_cycles[k]);
    energy.append(in.dynamic_energy_pj + in.noc_energy_pj);
  }
  py::dict d;
  d["exit"] = exit, d["arrival_cycles"] = arrival, d["admitted_cycles"] = admitted;
  d["done_cycles"] = done, d["latency_cycles"] = latency, d["energy_pj"] = energy;
  return d;
}

// Options as Python passes them: (key, value text) pairs, keys spelt as in Python
// ("in_flight"), each handed to sim::set_option, the parser the CLI uses ("in-flight"). A bad
// value is an eesim.Error naming the argument as the caller wrote it: "in_flight=-2: ...".
using OptionPairs = std::vector<std::pair<std::string, std::string>>;
void apply_options(sim::Options& o, const OptionPairs& pairs) {
  for (const auto& [key, value] : pairs) {
    std::string cli_key = key;
    for (char& c : cli_key) c = c == '_' ? '-' : c;
    try {
      sim::set_option(o, cli_key, value);
    } catch (const sim::OptionError& e) {
      throw Error(key + "=" + value + ": " + e.reason);
    }
  }
}

// Holds a chip and its cost cache across evaluations (a NAS loop's hot state). Any number of
// Python threads may share one: each call takes the evaluator's lock (the cost cache is not
// thread-safe) after releasing the GIL, and simulations take SystemC's process-wide lock
// (sim/kernel.h), so results are those of serial calls. Locks are only ever taken with the GIL
// released, and the GIL is taken while holding them (PythonSignals), never the other way.
class Evaluator {
 public:
  Evaluator(hw::Architecture arch, const OptionPairs& options)
      : arch_(std::move(arch)), cache_(arch_) {
    apply_options(options_, options);
  }
  // (the report message `eesim run` writes, the trace columns or None, the track names or None,
  // the memory columns or None).
  // reweigh_only: from a kept evaluation, reweighed, or an eesim.Error saying why it cannot be.
  py::tuple evaluate(const Model& m, const py::object& exits, bool conditional, bool trace,
                     const OptionPairs& call_options, bool reweigh_only = false) {
    const workloads::ExitProfile p = profile(m, exit_values(exits), conditional);
    sim::Options o = options(call_options);
    std::shared_ptr<const report::RunReport> message;
    sim::Trace t;
    sim::Report r;
    PythonSignals signals;
    try {
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mutex_);
      o.evaluate.progress = signals.progress();
      // Only the probabilities changed since an earlier call of this model and options: its
      // mapping and scenario runs hold (neither depends on them), so its report is reweighed
      // instead of simulated again. The evaluator keeps its kRecent latest evaluations (a NAS
      // loop cycling through a few candidates, e.g. the exit subsets of one backbone, simulates
      // each once). Not when the allocator weighs probabilities, nor, unless asked to reweigh,
      // when this call's options name a file, which may have changed since.
      const bool keepable = !o.evaluate.allocator->uses_objective();
      const auto found = std::find_if(recent_.begin(), recent_.end(), [&](const Last& l) {
        return l.serial == m.serial && l.call_options == call_options;
      });
      const bool same = found != recent_.end();
      if (reweigh_only) check_reweighable(keepable, same, o.evaluate);
      const bool hit = same && keepable && (reweigh_only || !names_a_file(call_options, o));
      sim::Evaluation fresh;
      if (hit) {
        std::rotate(recent_.begin(), found, found + 1);  // the most recent first
      } else {
        if (same) recent_.erase(found);
        // Memory goes before more comes; an evaluation that will not be kept evicts nothing.
        if (keepable && recent_.size() >= kRecent) recent_.pop_back();
        fresh = sim::evaluate(m.workload, p, arch_, cache_, o.evaluate);
        if (keepable)
          recent_.insert(recent_.begin(), Last{m.serial, call_options, std::move(fresh)});
      }
      sim::Evaluation& e = keepable ? recent_.front().evaluation : fresh;
      if (hit) sim::reweigh(e.report, m.workload, p);
      message = std::make_shared<report::RunReport>(sim::run_message(
          e.report, sim::run_context(m.workload, o.evaluate, e), m.workload, arch_));
      if (trace) {
        t = sim::trace_rows(m.workload, e.graph, arch_, e.report);
        r = e.report;
      }
    } catch (const Interrupted&) {
      signals.rethrow();
      throw;
    }
    if (!trace) return py::make_tuple(report_object(message), py::none(), py::none(), py::none());
    return py::make_tuple(report_object(message), trace_columns(t, r), t.tracks,
                          memory_columns(t, arch_));
  }
  // (the report message `eesim stream` writes, per-input columns, the recorded inputs' trace
  // columns or None, the track names or None)
  py::tuple stream(const Model& m, const py::object& exits, bool conditional,
                   const OptionPairs& call_options) {
    const workloads::ExitProfile p = profile(m, exit_values(exits), conditional);
    sim::Options options_now = options(call_options);
    sim::StreamOptions& o = options_now.stream;
    std::shared_ptr<const report::StreamReport> message;
    sim::Trace t;
    sim::StreamReport r;
    PythonSignals signals;
    try {
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mutex_);
      o.progress = options_now.evaluate.progress = signals.progress();
      sim::Evaluation e = sim::evaluate(m.workload, p, arch_, cache_, options_now.evaluate);
      r = sim::simulate_stream(m.workload, e.graph, std::move(e.report), arch_, o);
      message = std::make_shared<report::StreamReport>(
          sim::stream_message(r,
                              {m.workload.name, sim::policy_text(options_now.evaluate.policy),
                               sim::fusion_text(options_now.evaluate), e.allocation.method,
                               static_cast<int64_t>(e.graph.num_cns())},
                              arch_));
      if (o.record_inputs > 0) t = sim::stream_trace_rows(m.workload, e.graph, arch_, r);
    } catch (const Interrupted&) {
      signals.rethrow();
      throw;
    }
    py::object trace = py::none(), tracks = py::none();
    if (o.record_inputs > 0)
      trace = trace_columns(t, r.analytical, true), tracks = py::cast(t.tracks);
    return py::make_tuple(report_object(message), input_columns(r), trace, tracks);
  }
  // The mounting-point sweep's report message, as `eesim sweep` writes it (head, p and points
  // are options like any other).
  py::object sweep(const Model& m, const OptionPairs& call_options) {
    sim::Options o = options(call_options);
    const std::vector<workloads::LayerId> ids = sim::sweep_point_ids(o.sweep, m.workload);
    PythonSignals signals;
    std::shared_ptr<const report::SweepReport> message;
    try {
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(mutex_);
      o.evaluate.progress = signals.progress();
      const sim::SweepResult r = sim::sweep_exit_mounts(
          m.workload, o.sweep.head, o.sweep.probabilities, ids, arch_, cache_, o.evaluate);
      message = std::make_shared<report::SweepReport>(sim::sweep_message(
          r, {m.workload.name, sim::policy_text(o.evaluate.policy), sim::fusion_text(o.evaluate)},
          arch_));
    } catch (const Interrupted&) {
      signals.rethrow();
      throw;
    }
    return report_object(message);
  }
  const hw::Architecture& arch() const { return arch_; }
  size_t cached_costs() {
    py::gil_scoped_release release;  // never wait for the lock holding the GIL
    std::lock_guard<std::mutex> lock(mutex_);
    return cache_.size();
  }

 private:
  // The evaluator's options with this call's on top (parsed with the GIL held: a stacks or
  // mapping file is small).
  sim::Options options(const OptionPairs& call_options) const {
    sim::Options o = options_;
    apply_options(o, call_options);
    return o;
  }

  // Why a report cannot be reweighed (Evaluator.reweigh): its allocation searched with the exit
  // probabilities in the objective, or no kept evaluation (the kRecent latest) is of this model
  // with these options.
  static void check_reweighable(bool keepable, bool same, const sim::EvaluateOptions& o) {
    if (!keepable)
      throw Error("reweigh: the allocator searches for the least " + o.objective.name +
                  ", which weighs the exit probabilities, so the schedule depends on them: "
                  "evaluate instead");
    if (!same)
      throw Error("reweigh: none of the evaluator's " + std::to_string(kRecent) +
                  " latest evaluations is of this model with these options: evaluate it first");
  }

  // True when this call's options name a file (stacks, a mapping file, a bits file): read anew
  // each call.
  static bool names_a_file(const OptionPairs& call_options, const sim::Options& o) {
    for (const auto& [key, value] : call_options)
      if (key == "stacks" || key == "bits_file" ||
          (key == "alloc" && !o.evaluate.allocator->source_file().empty()))
        return true;
    return false;
  }

  // An evaluation that may be reused: of model `serial` with these call options.
  struct Last {
    uint64_t serial = 0;
    OptionPairs call_options;
    sim::Evaluation evaluation;
  };

  const hw::Architecture arch_;
  std::mutex mutex_;  // guards cache_ and recent_
  hw::CostCache cache_;
  sim::Options options_;
  // The latest evaluations that may be reused, the most recent first. Each holds a CN graph,
  // an allocation and every scenario's run (about 1 MB for the CIFAR EE-MobileNetV2 in 4-row
  // bands), so memory stays bounded.
  static constexpr size_t kRecent = 16;
  std::vector<Last> recent_;
};

}  // namespace
}  // namespace eesim::bindings

PYBIND11_MODULE(_core, m) {
  using namespace eesim;
  using namespace eesim::bindings;
  m.doc() = "eesim's C++ core: model import, architectures, and the evaluator.";
  m.attr("__version__") = EESIM_VERSION;  // meson's project version, as `eesim --version` says
  py::register_exception<Error>(m, "Error", PyExc_ValueError);
  bind_results(m);

  bind_models(m);

  py::class_<hw::Architecture>(m, "Architecture")
      .def_readonly("name", &hw::Architecture::name)
      .def_readonly("source", &hw::Architecture::source)
      .def_readonly("clock_mhz", &hw::Architecture::clock_mhz)
      .def_property_readonly("cores", [](const hw::Architecture& a) {
        std::vector<std::string> names;
        for (const auto& c : a.cores) names.push_back(c.name);
        return names;
      });
  m.def("load_arch_file", &hw::load_architecture_file, py::arg("path"));
  m.def("load_arch_text", &hw::load_architecture_text, py::arg("text"),
        py::arg("source") = "<text>");

  py::class_<Evaluator>(m, "Evaluator")
      .def(py::init<hw::Architecture, OptionPairs>(), py::arg("arch"),
           py::arg("options") = OptionPairs{})
      .def(
          "evaluate",
          [](Evaluator& ev, const Model& m, const py::object& exits, bool conditional, bool trace,
             const OptionPairs& options) {
            return ev.evaluate(m, exits, conditional, trace, options);
          },
          py::arg("model"), py::arg("exits") = py::none(), py::arg("conditional") = false,
          py::arg("trace") = false, py::arg("options") = OptionPairs{})
      .def(
          "reweigh",
          [](Evaluator& ev, const Model& m, const py::object& exits, bool conditional, bool trace,
             const OptionPairs& options) {
            return ev.evaluate(m, exits, conditional, trace, options, true);
          },
          py::arg("model"), py::arg("exits") = py::none(), py::arg("conditional") = false,
          py::arg("trace") = false, py::arg("options") = OptionPairs{})
      .def("stream", &Evaluator::stream, py::arg("model"), py::arg("exits") = py::none(),
           py::arg("conditional") = false, py::arg("options") = OptionPairs{})
      .def("sweep", &Evaluator::sweep, py::arg("model"), py::arg("options") = OptionPairs{})
      .def_property_readonly("arch", &Evaluator::arch)
      .def_property_readonly("cached_costs", &Evaluator::cached_costs);
}
