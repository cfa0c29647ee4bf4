// libFuzzer harness for the evaluation path: ONNX bytes -> read_onnx_bytes -> import_onnx, then
// what `eesim run` and `eesim stream` do with the workload on a fixed small chip: an exit
// profile, fusion, allocation, every exit scenario simulated, the reports written, and a short
// stream of inputs. The cost models, mapping and engine see hostile graphs, not only the parser.
// A clean eesim::Error naming the model (or the chip and a layer it cannot take) is the right
// answer; a crash, sanitizer report, leak, timeout, other exception, an Error naming neither, a
// plan the engine cannot finish (rejected) or a report with a figure no chip can produce
// (check_report) is a finding (tests/fuzz/README.md). EESIM_FUZZ_VERBOSE=1 also prints the
// options each input drew.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "common/error.h"
#include "common/limits.h"
#include "hw_models/arch_loader.h"
#include "hw_models/cost_cache.h"
#include "hw_models/tile.h"
#include "mapping/cn_graph.h"
#include "mapping/fusion.h"
#include "sim/results/report_writers.h"
#include "sim/results/run_report.h"
#include "sim/results/stream_report.h"
#include "sim/results/trace.h"
#include "sim/studies/evaluate.h"
#include "sim/studies/stream.h"
#include "tests/fuzz/fuzz_report.h"
#include "tests/fuzz/onnx_mutator.h"
#include "workloads/exit_profile.h"
#include "workloads/importer.h"
#include "workloads/onnx_reader.h"

namespace {

namespace hw = eesim::hw;
namespace mp = eesim::mapping;
namespace sim = eesim::sim;
namespace wl = eesim::workloads;

constexpr std::string_view kModelSource = "fuzz.onnx";
constexpr std::string_view kChipSource = "fuzz_chip.textproto";

// Every core kind and systolic dataflow on a 3x2 mesh, with small memories so that seeds
// already spill, stream weights and keep some resident. "sa_ws" has no vector unit (it cannot
// run eltwise layers: HEFT, pipeline and search must route around it) and 2-byte words (edge
// bytes change with the producer's core). Two DRAM ports: cores use the nearest.
//
//   y=0:  sa_os   tpu    dram0
//   y=1:  sa_ws   sa_is  simd + dram1
constexpr char kChip[] = R"(
  name: "fuzz_chip"
  clock_mhz: 500
  noc { width: 3 height: 2 link_bytes_per_cycle: 16 router_cycles: 1 link_cycles: 1 }
  core {
    name: "sa_os" x: 0 y: 0 static_power_mw: 40
    systolic { rows: 8 cols: 8 dataflow: OS ifmap_sram_bytes: 4096 filter_sram_bytes: 4096
               ofmap_sram_bytes: 4096 vector_lanes: 8 }
  }
  core {
    name: "tpu" x: 1 y: 0 static_power_mw: 60
    edge_tpu { pes_x: 2 pes_y: 1 cores_per_pe: 2 lanes_per_core: 8 pe_memory_bytes: 16384
               core_memory_bytes: 2048 }
  }
  core {
    name: "sa_ws" x: 0 y: 1 static_power_mw: 30
    systolic { rows: 4 cols: 8 dataflow: WS ifmap_sram_bytes: 2048 filter_sram_bytes: 2048
               ofmap_sram_bytes: 2048 word_bytes: 2 depthwise_mapping: CHANNELS_ON_COLUMNS }
  }
  core {
    name: "sa_is" x: 1 y: 1 static_power_mw: 30
    systolic { rows: 8 cols: 4 dataflow: IS ifmap_sram_bytes: 2048 filter_sram_bytes: 2048
               ofmap_sram_bytes: 2048 vector_lanes: 4 }
  }
  core { name: "simd" x: 2 y: 1 static_power_mw: 10 simd { lanes: 16 memory_bytes: 8192 } }
  dram { name: "dram0" x: 2 y: 0 bandwidth_bytes_per_cycle: 4 }
  dram { name: "dram1" x: 2 y: 1 bandwidth_bytes_per_cycle: 2 }
)";

const hw::Architecture& chip() {
  static const hw::Architecture arch = hw::load_architecture_text(kChip, std::string(kChipSource));
  return arch;
}

// Computation nodes at most that fused layers are cut into (about; layers that stay whole come
// on top). Bands are an option the harness picks, like --fusion rows=N: taller bands for a taller
// network keep every execution at a few milliseconds, whatever the model's heights.
constexpr int64_t kBandBudget = 256;

// Options drawn from the input's bytes, so that a reproducer replays the same evaluation.
class Choices {
 public:
  explicit Choices(std::string_view bytes) {
    for (unsigned char c : bytes) state_ = (state_ ^ c) * 0x100000001b3u;  // FNV-1a
  }
  // A number in [0, n); splitmix64 steps.
  uint64_t pick(uint64_t n) {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return (z ^ (z >> 31)) % n;
  }
  // What was drawn, printed under EESIM_FUZZ_VERBOSE=1: a reproducer shows the options it ran.
  void note(const std::string& what) {
    if (eesim::fuzz::verbose()) notes_ += (notes_.empty() ? "" : ", ") + what;
  }
  void print(const char* stage) {
    if (eesim::fuzz::verbose())
      std::fprintf(stderr, "fuzz_evaluate %s: %s\n", stage, notes_.c_str());
    notes_.clear();
  }

 private:
  uint64_t state_ = 0xcbf29ce484222325u;
  std::string notes_;
};

// None (every input reaches the final output), the model's own metadata_props, or rates the
// harness draws: unconditional ones summing to at most 1, or conditional ones (0 and 1 included,
// so later exits can be unreachable).
wl::ExitProfile exit_profile(const wl::OnnxModel& model, const wl::Workload& w, Choices& c) {
  switch (c.pick(4)) {
    case 0:
      c.note("no exit rates");
      return wl::make_exit_profile(w, {});
    case 1:
      c.note("exit rates from metadata_props");
      return wl::make_exit_profile(w, {wl::exit_rates_from_metadata(model.metadata, model.source)});
    default:
      break;
  }
  wl::ExitRates rates;
  rates.source = "--exit";
  const bool conditional = c.pick(2) == 0;
  rates.kind = conditional ? wl::RateKind::kConditional : wl::RateKind::kUnconditional;
  const double n = static_cast<double>(w.exits.size());
  for (const wl::Exit& e : w.exits) {
    const double q = static_cast<double>(c.pick(5)) / 4;  // 0, 0.25, ..., 1
    rates.rates.emplace_back(e.name, conditional ? q : q / n);
    rates.where.push_back("--exit " + e.name);
    c.note(std::string(conditional ? "conditional" : "unconditional") + " --exit " + e.name + "=" +
           std::to_string(rates.rates.back().second));
  }
  return wl::make_exit_profile(w, {rates});
}

// Band height for `rows` fusion: the choice, raised until the fused layers make at most about
// kBandBudget nodes.
int64_t band_rows(const wl::Workload& w, int64_t chosen) {
  int64_t rows = 0;
  for (wl::LayerId v = 0; v < w.num_layers(); ++v)
    if (mp::row_splittable(w, v)) rows += hw::output_rows(w.layer(v));  // each <= 2^31
  return std::max(chosen, (rows + kBandBudget - 1) / kBandBudget);
}

sim::EvaluateOptions evaluate_options(const wl::Workload& w, Choices& c) {
  sim::EvaluateOptions o;
  o.policy = c.pick(2) == 0 ? sim::ExitPolicy::kWait : sim::ExitPolicy::kSpeculate;
  c.note(o.policy == sim::ExitPolicy::kWait ? "--policy wait" : "--policy speculate");
  switch (c.pick(3)) {  // --fusion off | rows=N | auto
    case 0:
      c.note("--fusion off");
      break;
    case 1:
      o.fusion.mode = mp::FusionOptions::Mode::kRows;
      o.fusion.rows_per_cn = band_rows(w, 1 + static_cast<int64_t>(c.pick(4)));
      c.note("--fusion rows=" + std::to_string(o.fusion.rows_per_cn));
      break;
    default:
      o.fusion = mp::auto_fusion(chip());
      o.fusion.rows_per_cn = band_rows(w, 1 + static_cast<int64_t>(c.pick(4)));
      c.note("--fusion auto with " + std::to_string(o.fusion.rows_per_cn) + "-row bands");
      break;
  }
  switch (c.pick(4)) {  // --alloc heft | pipeline | search | a mapping of every layer to a core
    case 0:
      o.allocator = mp::make_allocator("heft");
      c.note("--alloc heft");
      break;
    case 1:
      o.allocator = mp::make_allocator("pipeline");
      c.note("--alloc pipeline");
      break;
    case 2: {
      static const char* const kObjectives[] = {"latency", "energy", "edp", "expected_edp"};
      o.allocator = mp::make_allocator("search");
      o.objective = sim::find_objective(kObjectives[c.pick(4)]);
      o.search.seed = c.pick(1000);
      o.search.iterations = static_cast<int64_t>(c.pick(4));  // each move simulates again
      c.note("--alloc search --objective " + o.objective.name + " --seed " +
             std::to_string(o.search.seed) + " --iterations " +
             std::to_string(o.search.iterations));
      break;
    }
    default: {
      // Layers spread over the cores that run everything (the tpu and the simd core).
      mp::Allocation given;
      given.method = "given";
      const size_t tpu = *chip().find_core("tpu"), simd = *chip().find_core("simd");
      std::string mapping;
      for (wl::LayerId v = 0; v < w.num_layers(); ++v) {
        given.core_of_layer.push_back(c.pick(2) == 0 ? tpu : simd);
        mapping += given.core_of_layer.back() == tpu ? 't' : 's';
      }
      o.allocator = mp::given_allocator(std::move(given));
      c.note("a given mapping, layer by layer on tpu (t) or simd (s): " + mapping);
      break;
    }
  }
  return o;
}

// The oracle beyond crashes: on a valid chip, every figure of a report is a number a user can
// trust whatever the model (cycles in [0, 2^53], energies finite and >= 0, probabilities summing
// to 1). A wrapped, negative or NaN figure is a finding, so it aborts like a crash does.
void expect(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_evaluate: broken report: %s\n", what);
  std::abort();
}

bool cycles_ok(double cycles) {
  return cycles >= 0 && cycles <= static_cast<double>(eesim::kMaxCycles);
}
bool energy_ok(double pj) { return std::isfinite(pj) && pj >= 0; }

void check_report(const sim::Report& r) {
  double p = 0;
  for (const sim::ScenarioResult& s : r.scenarios) {
    expect(cycles_ok(static_cast<double>(s.run.latency_cycles)), "scenario latency cycles");
    expect(energy_ok(s.run.energy_pj()), "scenario energy");
    expect(s.probability >= 0 && s.probability <= 1, "scenario probability");
    p += s.probability;
  }
  expect(std::abs(p - 1) < 1e-6, "scenario probabilities do not sum to 1");
  expect(cycles_ok(r.expected_latency_cycles), "expected latency");
  expect(energy_ok(r.expected_energy_pj), "expected energy");
  expect(energy_ok(r.expected_edp_pj_cycles), "expected EDP");
  for (double busy : r.expected_core_busy_cycles) expect(cycles_ok(busy), "core busy cycles");
}

void check_stream(const sim::StreamReport& r) {
  for (int64_t l : r.latency_cycles) expect(cycles_ok(static_cast<double>(l)), "input latency");
  expect(energy_ok(r.energy_per_input_pj), "stream energy per input");
  expect(std::isfinite(r.throughput_per_s) && r.throughput_per_s > 0, "stream throughput");
}

// A timeline viewers draw flat: no event ends before it starts, and no two events on one track
// of one process overlap (a core runs one node at a time, a link carries one transfer at a
// time; sim/results/trace.h).
void check_trace(const sim::Trace& t) {
  std::vector<std::tuple<size_t, size_t, int64_t, int64_t>> spans;  // process, track, start, end
  for (const sim::TraceRow& row : t.rows) {
    expect(row.start >= 0 && row.start <= row.end, "trace event ends before it starts");
    spans.emplace_back(t.per_input ? 0 : row.scenario, row.track, row.start, row.end);
  }
  std::sort(spans.begin(), spans.end());
  for (size_t i = 1; i < spans.size(); ++i) {
    const auto& [process, track, start, end] = spans[i - 1];
    const auto& next = spans[i];
    expect(std::get<0>(next) != process || std::get<1>(next) != track || end <= std::get<2>(next),
           "two trace events overlap on one track");
  }
}

// What `eesim run` writes: the JSON report and the timeline as Chrome trace JSON and CSV.
void write_reports(const wl::Workload& w, const sim::Evaluation& e, const sim::ReportContext& ctx) {
  (void)sim::report_json(sim::run_message(e.report, ctx, w, chip()));
  const sim::Trace t = sim::trace_rows(w, e.graph, chip(), e.report);
  check_trace(t);
  (void)sim::chrome_trace_json(t);
  (void)sim::trace_csv(t);
}

// `eesim stream` on a handful of inputs: back to back or at a fixed or Poisson rate, with the
// in-flight limit and the recorded inputs drawn too.
void stream(const wl::Workload& w, const sim::Evaluation& e, const sim::ReportContext& ctx,
            Choices& c) {
  sim::StreamOptions so;
  so.inputs = 1 + static_cast<int64_t>(c.pick(6));
  so.seed = c.pick(1000);
  so.max_in_flight = static_cast<int64_t>(c.pick(4)) - 1;  // -1 (default), 0 (none), 1, 2
  so.record_inputs = static_cast<int64_t>(c.pick(3));
  static const double kRates[] = {1e2, 1e5, 1e8};  // inputs/s: apart, overlapping, piled up
  switch (c.pick(3)) {
    case 0:
      break;
    case 1:
      so.arrival = {sim::ArrivalProcess::Kind::kFixed, kRates[c.pick(3)]};
      break;
    default:
      so.arrival = {sim::ArrivalProcess::Kind::kPoisson, kRates[c.pick(3)]};
      break;
  }
  c.note("--inputs " + std::to_string(so.inputs) + " --seed " + std::to_string(so.seed) +
         " --in-flight " + std::to_string(so.max_in_flight) + " --trace-inputs " +
         std::to_string(so.record_inputs) + " --arrival " +
         (so.arrival.kind == sim::ArrivalProcess::Kind::kBackToBack ? "back-to-back"
          : so.arrival.kind == sim::ArrivalProcess::Kind::kFixed
              ? "fixed=" + std::to_string(so.arrival.rate_per_s)
              : "poisson=" + std::to_string(so.arrival.rate_per_s)));
  c.print("stream");
  const sim::StreamReport r = sim::simulate_stream(w, e.graph, e.report, chip(), so);
  check_stream(r);
  (void)sim::report_json(sim::stream_message(r, ctx, chip()));
  (void)sim::stream_inputs_csv(r);
  const sim::Trace t = sim::stream_trace_rows(w, e.graph, chip(), r);
  check_trace(t);
  (void)sim::chrome_trace_json(t);
}

// A clean error must name the model, or the chip and the layer it cannot take (the chip is
// valid, so the layer is the culprit). The watchdog may stop a scenario past 2^53 cycles (an
// absurd network), but a plan that waits forever is the simulator's bug, whatever it names.
void rejected(const eesim::Error& e) {
  const std::string_view what = e.what();
  const auto fail = [&](const char* why) {
    std::fprintf(stderr, "fuzz_evaluate: %s: %s\n", why, e.what());
    std::abort();
  };
  if (what.find("no event is left") != what.npos || what.find("process activations") != what.npos)
    fail("a plan the engine could not finish");
  if (what.starts_with(kChipSource) && what.find("layer '") == what.npos)
    fail("an eesim::Error that names the chip but no layer");
  eesim::fuzz::rejected(e, {kModelSource, kChipSource});
}

}  // namespace

// Mostly structure-aware mutations (onnx_mutator.h).
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  return eesim::fuzz::mutate_for_libfuzzer(data, size, max_size, seed);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const hw::Architecture& arch = chip();  // loaded once, outside the try: it must be valid
  try {
    const wl::OnnxModel model = wl::read_onnx_bytes(bytes, std::string(kModelSource));
    const wl::Workload w = wl::import_onnx(model);
    Choices c(bytes);
    const wl::ExitProfile profile = exit_profile(model, w, c);
    const sim::EvaluateOptions options = evaluate_options(w, c);
    c.print("evaluate");
    hw::CostCache cache(arch);
    const sim::Evaluation e = sim::evaluate(w, profile, arch, cache, options);
    const sim::ReportContext ctx{w.name, "policy", "fusion", e.allocation.method,
                                 static_cast<int64_t>(e.graph.num_cns())};
    check_report(e.report);
    write_reports(w, e, ctx);
    stream(w, e, ctx, c);
  } catch (const eesim::Error& e) {
    rejected(e);
  }
  return 0;
}
