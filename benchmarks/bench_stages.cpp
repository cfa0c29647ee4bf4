// Per-stage benchmark: import, cost, mapping, simulation and the full evaluation `eesim run`
// does after import, each repeated in one process; prints min and median wall time per stage,
// resident memory before and after, and with --json one JSON line as well.
//   bench_stages MODEL.onnx ARCH.textproto [ROWS_PER_CN] [REPEATS] [--json]
// Stages (each timed on its own; fusion is `rows=ROWS_PER_CN`, allocation the default
// `partition`, policy wait):
//   import      read_onnx_file + import_onnx + the exit profile from the model's metadata
//   cost        every CN's tile (as allocation asks for it) on every core, fresh CostCache
//   mapping     build_cn_graph + allocate_partition + apply_splits with a fresh CostCache, so it
//               includes the cost lookups the mapper makes
//   simulation  sim::simulate of every exit scenario, given graph, allocation and a warm cache
//   full        sim::evaluate from the imported Workload with a fresh CostCache
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/error.h"
#include "hw_models/arch_loader.h"
#include "hw_models/cost_cache.h"
#include "mapping/allocation.h"
#include "mapping/partition.h"
#include "mapping/split.h"
#include "sim/studies/evaluate.h"
#include "sim/studies/simulate.h"
#include "workloads/importer.h"
#include "workloads/onnx_reader.h"

namespace {

namespace hw = eesim::hw;
namespace mapping = eesim::mapping;
namespace sim = eesim::sim;
namespace workloads = eesim::workloads;

// kB from /proc/self/status: "VmRSS" now, "VmHWM" the peak so far.
long status_kb(const char* key) {
  std::ifstream f("/proc/self/status");
  const std::string prefix = std::string(key) + ":";
  for (std::string line; std::getline(f, line);)
    if (line.rfind(prefix, 0) == 0) return std::stol(line.substr(prefix.size()));
  return 0;
}

struct Stage {
  const char* name;
  const char* what;
  std::vector<double> ms;  // sorted
  double min() const { return ms.front(); }
  double median() const {
    const size_t n = ms.size();
    return n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
  }
};

// Runs `f` `repeats` times and returns the sorted wall times in milliseconds.
template <class F>
std::vector<double> time_runs(int repeats, F&& f) {
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms;
}

struct Args {
  std::string model, arch;
  int rows = 1, repeats = 20;
  bool json = false;
};

bool parse_args(int argc, char** argv, Args& a) {
  std::vector<std::string> pos;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0)
      a.json = true;
    else
      pos.push_back(argv[i]);
  }
  if (pos.size() < 2 || pos.size() > 4) return false;
  a.model = pos[0];
  a.arch = pos[1];
  if (pos.size() > 2) a.rows = std::max(1, std::atoi(pos[2].c_str()));
  if (pos.size() > 3) a.repeats = std::max(1, std::atoi(pos[3].c_str()));
  return true;
}

struct Facts {
  size_t layers = 0, nodes = 0, scenarios = 0, lookups = 0;
  size_t distinct_keys = 0;    // (core, tile shape) pairs the cost cache computed
  size_t distinct_shapes = 0;  // tile shapes, whatever the core
  double expected_latency_cycles = 0;
  long rss_before_kb = 0, rss_after_kb = 0, peak_kb = 0;
};

void print_table(const Args& a, const std::string& arch_name, const Facts& f,
                 const std::vector<Stage>& stages) {
  std::printf(
      "%s on %s: %zu layers, %zu nodes (%d-row bands), %zu exit scenario(s), E[L] %.0f cycles\n",
      a.model.c_str(), arch_name.c_str(), f.layers, f.nodes, a.rows, f.scenarios,
      f.expected_latency_cycles);
  std::printf(
      "cost: %zu lookups (CNs x cores), %zu distinct (core, shape) keys, %zu distinct shapes\n",
      f.lookups, f.distinct_keys, f.distinct_shapes);
  std::printf("%-11s %10s %10s   %s (%d runs)\n", "stage", "min ms", "median ms", "what",
              a.repeats);
  for (const auto& s : stages)
    std::printf("%-11s %10.3f %10.3f   %s\n", s.name, s.min(), s.median(), s.what);
  std::printf("resident memory: %ld kB before, %ld kB after, peak %ld kB\n", f.rss_before_kb,
              f.rss_after_kb, f.peak_kb);
}

// One line; model and arch paths are printed as given (no quoting of '"' or '\').
void print_json(const Args& a, const std::string& arch_name, const Facts& f,
                const std::vector<Stage>& stages) {
  std::printf(
      "{\"model\":\"%s\",\"arch\":\"%s\",\"arch_file\":\"%s\",\"rows_per_cn\":%d,\"repeats\":%d,"
      "\"layers\":%zu,\"nodes\":%zu,\"scenarios\":%zu,\"lookups\":%zu,\"distinct_keys\":%zu,"
      "\"distinct_shapes\":%zu,"
      "\"expected_latency_cycles\":%.0f,\"rss_before_kb\":%ld,\"rss_after_kb\":%ld,"
      "\"peak_rss_kb\":%ld,\"stages\":{",
      a.model.c_str(), arch_name.c_str(), a.arch.c_str(), a.rows, a.repeats, f.layers, f.nodes,
      f.scenarios, f.lookups, f.distinct_keys, f.distinct_shapes, f.expected_latency_cycles,
      f.rss_before_kb, f.rss_after_kb, f.peak_kb);
  for (size_t i = 0; i < stages.size(); ++i)
    std::printf("%s\"%s\":{\"min_ms\":%.4f,\"median_ms\":%.4f}", i ? "," : "", stages[i].name,
                stages[i].min(), stages[i].median());
  std::printf("}}\n");
}

// Times every stage; fills in `f` except the resident memory.
std::vector<Stage> run_stages(const Args& a, const hw::Architecture& arch, Facts& f) {
  workloads::Workload w;
  workloads::ExitProfile profile;
  const auto import = [&] {
    const auto model = workloads::read_onnx_file(a.model);
    w = workloads::import_onnx(model);
    profile = workloads::make_exit_profile(
        w, {workloads::exit_rates_from_metadata(model.metadata, model.source)});
  };
  std::vector<Stage> stages;
  stages.push_back(
      {"import", "read_onnx_file + import_onnx + exit profile", time_runs(a.repeats, import)});

  mapping::FusionOptions fusion;
  fusion.mode = mapping::FusionOptions::Mode::kRows;
  fusion.rows_per_cn = a.rows;
  const auto g = mapping::build_cn_graph(w, fusion);
  const auto cost = [&] {
    hw::CostCache cache(arch);
    for (size_t c = 0; c < arch.cores.size(); ++c)
      for (mapping::CnId n = 0; n < g.num_cns(); ++n) cache.get(c, mapping::cn_tile(g.cn(n)));
    f.distinct_keys = cache.size();
  };
  stages.push_back(
      {"cost", "every CN tile on every core, fresh cache", time_runs(a.repeats, cost)});

  mapping::Allocation alloc;
  mapping::CnGraph mapped = g;
  const mapping::Waits waits = sim::exit_waits(w, sim::ExitPolicy::kWait);
  const auto map = [&] {
    const auto graph = mapping::build_cn_graph(w, fusion);
    hw::CostCache cache(arch);
    alloc = mapping::allocate_partition(w, graph, arch, cache, {}, waits);
    mapped = alloc.is_split() ? mapping::apply_splits(w, graph, alloc) : graph;
  };
  stages.push_back({"mapping", "build_cn_graph + allocate_partition + apply_splits, fresh cache",
                    time_runs(a.repeats, map)});

  hw::CostCache warm(arch);
  sim::Report report = sim::simulate(w, profile, mapped, alloc, arch, warm, sim::ExitPolicy::kWait);
  const auto simulate = [&] {
    report = sim::simulate(w, profile, mapped, alloc, arch, warm, sim::ExitPolicy::kWait);
  };
  stages.push_back({"simulation", "sim::simulate, all exit scenarios, warm cache",
                    time_runs(a.repeats, simulate)});

  sim::EvaluateOptions options;
  options.fusion = fusion;
  double full_latency = 0;
  const auto full = [&] {
    hw::CostCache cache(arch);
    full_latency = sim::evaluate(w, profile, arch, cache, options).report.expected_latency_cycles;
  };
  stages.push_back(
      {"full", "sim::evaluate from the Workload, fresh cache", time_runs(a.repeats, full)});
  if (full_latency != report.expected_latency_cycles)
    throw eesim::Error("sim::evaluate and the staged simulation disagree on E[L]");

  std::unordered_set<hw::TileShape, hw::TileShapeHash> shapes;
  for (mapping::CnId n = 0; n < mapped.num_cns(); ++n)
    shapes.insert(mapping::cn_tile(mapped.cn(n)));
  f.distinct_shapes = shapes.size();
  f.layers = w.num_layers();
  f.nodes = mapped.num_cns();
  f.lookups = g.num_cns() * arch.cores.size();
  f.scenarios = report.scenarios.size();
  f.expected_latency_cycles = report.expected_latency_cycles;
  return stages;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!parse_args(argc, argv, a)) {
    std::fprintf(
        stderr, "usage: bench_stages MODEL.onnx ARCH.textproto [ROWS_PER_CN] [REPEATS] [--json]\n");
    return 2;
  }
  try {
    const auto arch = hw::load_architecture_file(a.arch);
    Facts f;
    f.rss_before_kb = status_kb("VmRSS");
    const auto stages = run_stages(a, arch, f);
    f.rss_after_kb = status_kb("VmRSS");
    f.peak_kb = status_kb("VmHWM");
    print_table(a, arch.name, f, stages);
    if (a.json) print_json(a, arch.name, f, stages);
  } catch (const eesim::Error& e) {
    std::fprintf(stderr, "bench_stages: %s\n", e.what());
    return 1;
  }
  return 0;
}
