// Issue 15's bars for the multi-core mapping, printed (never asserted): the quad Edge-TPU
// preset against the single core of the same total size, on the CIFAR early-exit MobileNetV2,
// ResNet-18 and GoogLeNet with its auxiliary exits; the default allocator against a search on
// quad and on hetero (and whether they agree on which chip wins); the full-evaluation time of
// fused ResNet-18 on quad. Options are the evaluation options of `eesim run`, through the same
// parser (sim::set_option). Precision is `native` unless given (every operand in the cores' 8-bit
// word, as Stream prices an ONNX network and as these bars were set; the exports are fp32).
//   bench_multicore [--alloc NAME] [--fusion SPEC] [--search NAME] [--iterations N]
//                   [--inputs N] [--repeats N] [--models DIR] [--bench DIR] [--arch DIR]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "hw_models/arch_loader.h"
#include "sim/studies/evaluate.h"
#include "sim/studies/options.h"
#include "sim/studies/stream.h"
#include "workloads/exit_profile.h"
#include "workloads/importer.h"
#include "workloads/onnx_reader.h"

namespace {

using eesim::hw::Architecture;
using eesim::sim::Evaluation;
using eesim::sim::Options;

struct Args {
  std::vector<std::pair<std::string, std::string>> evaluate;  // key=value for every run
  std::string search = "search";
  std::string iterations = "300";
  int64_t inputs = 200;
  int repeats = 5;
  std::string models = "build/examples/models", bench = "build/bench", arch = "examples/arch";
};

struct Model {
  std::string label, path;
  std::vector<std::pair<std::string, double>> exits;  // unconditional probabilities
  eesim::workloads::Workload w;
  eesim::workloads::ExitProfile profile;
};

Options options(const Args& a, const std::string& alloc = "") {
  Options o;
  eesim::sim::set_option(o, "precision", "native");
  for (const auto& [k, v] : a.evaluate) eesim::sim::set_option(o, k, v);
  if (!alloc.empty()) {
    eesim::sim::set_option(o, "alloc", alloc);
    eesim::sim::set_option(o, "iterations", a.iterations);
  }
  return o;
}

Evaluation evaluate(const Model& m, const Architecture& arch, const Options& o) {
  eesim::hw::CostCache cache(arch);
  return eesim::sim::evaluate(m.w, m.profile, arch, cache, o.evaluate);
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Back to back, the preset's default in-flight limit (one input per core).
double stream_throughput(const Model& m, const Evaluation& e, const Architecture& arch,
                         int64_t inputs) {
  eesim::sim::StreamOptions s;
  s.inputs = inputs;
  return eesim::sim::simulate_stream(m.w, e.graph, e.report, arch, s).throughput_per_s;
}

void quad_vs_single(const Model& m, const Architecture& quad, const Architecture& single,
                    const Args& a) {
  const Options o = options(a);
  const Evaluation q = evaluate(m, quad, o), s = evaluate(m, single, o);
  const double lq = q.report.expected_latency_cycles, ls = s.report.expected_latency_cycles;
  const double tq = stream_throughput(m, q, quad, a.inputs),
               ts = stream_throughput(m, s, single, a.inputs);
  std::printf(
      "  default (%s, fusion %s): E[L] quad %.0f / single %.0f cycles = %.2fx (bar <= 1.25)\n",
      q.allocation.method.c_str(), eesim::sim::fusion_text(o.evaluate).c_str(), lq, ls, lq / ls);
  std::printf(
      "  back-to-back stream of %lld: quad %.1f / single %.1f inputs/s = %.2fx (bar >= 0.9)\n",
      static_cast<long long>(a.inputs), tq, ts, tq / ts);
  std::printf("  quad busy %% of E[L]:");
  for (size_t c = 0; c < quad.cores.size(); ++c)
    std::printf(" %s %.1f%%", quad.cores[c].name.c_str(),
                100 * q.report.expected_core_busy_cycles[c] / lq);
  std::printf("; E[L] / E[lower bound] quad %.2f, single %.2f; idle while work waits %.1f%%\n",
              lq / q.report.expected_lower_bound_cycles, ls / s.report.expected_lower_bound_cycles,
              100 * q.report.expected_idle_while_waiting_cycles / lq);
}

void default_vs_search(const Model& m, const Architecture& quad, const Architecture& hetero,
                       const Args& a) {
  double edp[2][2];  // [default, search][quad, hetero]
  std::string names[2];
  const Architecture* chips[2] = {&quad, &hetero};
  for (int k = 0; k < 2; ++k) {
    const Options o = options(a, k == 0 ? "" : a.search);
    for (int c = 0; c < 2; ++c) {
      const auto t0 = std::chrono::steady_clock::now();
      const Evaluation e = evaluate(m, *chips[c], o);
      edp[k][c] = e.report.expected_edp_pj_cycles;
      names[k] = e.allocation.method;
      std::printf("  %-14s %-16s E[E*L] %.4g pJ*cycles (%.0f ms)\n", chips[c]->name.c_str(),
                  names[k].c_str(), edp[k][c], ms_since(t0));
    }
  }
  for (int c = 0; c < 2; ++c)
    std::printf("  %s: default / %s = %.2fx (bar <= 1.3)\n", chips[c]->name.c_str(),
                names[1].c_str(), edp[0][c] / edp[1][c]);
  const double vd = edp[0][1] / edp[0][0], vs = edp[1][1] / edp[1][0];
  std::printf(
      "  hetero / quad E[E*L]: %.2f under the default (%s wins), %.2f under %s (%s wins): %s\n", vd,
      vd < 1 ? "hetero" : "quad", vs, names[1].c_str(), vs < 1 ? "hetero" : "quad",
      (vd < 1) == (vs < 1) ? "same verdict" : "VERDICTS DIFFER");
}

// In 4-row bands and in 1-row bands (the finest, a channel split multiplying its nodes).
void fused_resnet_time(const Model& m, const Architecture& quad, const Args& a) {
  for (const char* rows : {"rows=4", "rows=1"}) {
    Options o = options(a);
    eesim::sim::set_option(o, "fusion", rows);
    std::vector<double> ms;
    size_t nodes = 0;
    std::string method;
    for (int i = 0; i < a.repeats; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      const Evaluation e = evaluate(m, quad, o);  // a fresh cost cache, as `eesim run` has
      ms.push_back(ms_since(t0));
      nodes = e.graph.num_cns();
      method = e.allocation.method;
    }
    std::sort(ms.begin(), ms.end());
    std::printf(
        "full evaluation of %s fused %s on quad (%zu nodes, %s): "
        "min %.1f ms, median %.1f ms over %d (bar <= 10 ms)\n",
        m.label.c_str(), rows, nodes, method.c_str(), ms.front(), ms[ms.size() / 2], a.repeats);
  }
}

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--alloc" || k == "--fusion" || k == "--policy" || k == "--seed")
      a.evaluate.emplace_back(k.substr(2), v);
    else if (k == "--search")
      a.search = v;
    else if (k == "--iterations")
      a.iterations = v;
    else if (k == "--inputs")
      a.inputs = std::stoll(v);
    else if (k == "--repeats")
      a.repeats = std::max(1, std::stoi(v));
    else if (k == "--models")
      a.models = v;
    else if (k == "--bench")
      a.bench = v;
    else if (k == "--arch")
      a.arch = v;
    else
      throw eesim::Error("bench_multicore: unknown option " + k);
  }
  if (argc % 2 == 0)
    throw eesim::Error(std::string("bench_multicore: ") + argv[argc - 1] + " needs a value");
  return a;
}

Model load(std::string label, std::string path, std::vector<std::pair<std::string, double>> exits) {
  Model m{std::move(label), std::move(path), std::move(exits), {}, {}};
  m.w = eesim::workloads::import_onnx(eesim::workloads::read_onnx_file(m.path));
  m.profile = eesim::workloads::make_exit_profile(
      m.w, {eesim::workloads::exit_rates_from_values(
               m.exits, eesim::workloads::RateKind::kUnconditional, "bench_multicore")});
  return m;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args a = parse(argc, argv);
    const auto quad = eesim::hw::load_architecture_file(a.arch + "/quad_edge_tpu.textproto");
    const auto single = eesim::hw::load_architecture_file(a.arch + "/single_edge_tpu.textproto");
    const auto hetero = eesim::hw::load_architecture_file(a.arch + "/hetero.textproto");
    std::vector<Model> models;
    models.push_back(load("EE-MobileNetV2 CIFAR-10", a.models + "/ee_mobilenetv2_cifar10.onnx",
                          {{"exit1", 0.25}, {"exit2", 0.2}, {"exit3", 0.15}}));
    models.push_back(load("ResNet-18 224", a.bench + "/resnet18.onnx", {}));
    models.push_back(load("GoogLeNet 256 aux exits", a.bench + "/googlenet.onnx",
                          {{"aux1", 0.25}, {"aux2", 0.2}}));
    for (const Model& m : models) {
      std::printf("%s (%s; exits", m.label.c_str(), m.path.c_str());
      for (const auto& [name, p] : m.exits) std::printf(" %s=%.2f", name.c_str(), p);
      std::printf("%s)\n", m.exits.empty() ? " none" : "");
      quad_vs_single(m, quad, single, a);
      default_vs_search(m, quad, hetero, a);
    }
    fused_resnet_time(models[1], quad, a);
  } catch (const eesim::Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
