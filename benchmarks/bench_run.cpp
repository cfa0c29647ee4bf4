// End-to-end benchmark: what `eesim run` does after import (`sim::evaluate`: CN graph, the
// allocator with its splits, every exit scenario simulated, fresh cost cache), repeated in one
// process; prints median and min wall time and resident memory before and after.
//   bench_run MODEL.onnx ARCH.textproto [ROWS_PER_CN] [REPEATS] [KEY=VALUE]...
// KEY=VALUE are evaluation options as `eesim run` takes them (`alloc=heft`, `policy=speculate`).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "hw_models/arch_loader.h"
#include "sim/studies/evaluate.h"
#include "sim/studies/options.h"
#include "workloads/importer.h"
#include "workloads/onnx_reader.h"

namespace {

long rss_kb() {
  std::ifstream f("/proc/self/status");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: bench_run MODEL.onnx ARCH.textproto [ROWS_PER_CN] [REPEATS] "
                 "[KEY=VALUE]...\n");
    return 2;
  }
  const int rows = argc > 3 ? std::max(1, std::atoi(argv[3])) : 1;
  const int repeats = argc > 4 ? std::max(1, std::atoi(argv[4])) : 20;
  try {
    const auto model = eesim::workloads::read_onnx_file(argv[1]);
    const auto w = eesim::workloads::import_onnx(model);
    const auto profile = eesim::workloads::make_exit_profile(
        w, {eesim::workloads::exit_rates_from_metadata(model.metadata, model.source)});
    const auto arch = eesim::hw::load_architecture_file(argv[2]);
    eesim::sim::Options options;
    eesim::sim::set_option(options, "fusion", "rows=" + std::to_string(rows));
    for (int i = 5; i < argc; ++i) {
      const std::string kv = argv[i];
      const auto eq = kv.find('=');
      if (eq == std::string::npos) throw eesim::Error(kv + ": expected KEY=VALUE");
      eesim::sim::set_option(options, kv.substr(0, eq), kv.substr(eq + 1));
    }
    std::vector<double> ms;
    size_t nodes = 0;
    double latency = 0;
    std::string method;
    const long rss0 = rss_kb();
    for (int i = 0; i < repeats; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      eesim::hw::CostCache cache(arch);
      const auto e = eesim::sim::evaluate(w, profile, arch, cache, options.evaluate);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      nodes = e.graph.num_cns();
      latency = e.report.expected_latency_cycles;
      method = e.allocation.method;
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%s on %s: %zu nodes (%d-row bands, %s), %zu scenarios, E[L] %.0f cycles\n",
                argv[1], arch.name.c_str(), nodes, rows, method.c_str(), w.exits.size() + 1,
                latency);
    std::printf("full evaluation (sim::evaluate): median %.2f ms, min %.2f ms over %d runs\n",
                ms[ms.size() / 2], ms.front(), repeats);
    std::printf("resident memory: %ld kB before, %ld kB after %d runs\n", rss0, rss_kb(), repeats);
  } catch (const eesim::Error& e) {
    std::fprintf(stderr, "bench_run: %s\n", e.what());
    return 1;
  }
  return 0;
}
