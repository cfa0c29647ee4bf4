// libFuzzer harness for the ONNX front end: bytes -> read_onnx_bytes -> import_onnx, then what
// the CLI does next with the workload. A clean eesim::Error is the right answer to bad bytes;
// a crash, sanitizer report, leak, timeout, other exception or an Error not naming its source
// is a finding (tests/fuzz/README.md).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "common/error.h"
#include "tests/fuzz/fuzz_report.h"
#include "tests/fuzz/onnx_mutator.h"
#include "workloads/exit_mount.h"
#include "workloads/exit_profile.h"
#include "workloads/importer.h"
#include "workloads/onnx_reader.h"

namespace {

namespace wl = eesim::workloads;

// Mount points tried per input: each mount copies the workload, so all of them would make a
// big graph quadratic in the harness rather than in the code under test.
constexpr size_t kMaxMounts = 8;

// `eesim run` and `eesim inspect` (tools/model_args.cpp load_model): the exit rates in the
// model's metadata_props, checked against the exits the importer found.
void exit_profile(const wl::OnnxModel& model, const wl::Workload& w) {
  const wl::ExitProfile p =
      wl::make_exit_profile(w, {wl::exit_rates_from_metadata(model.metadata, model.source)});
  for (size_t i = 0; i < p.p.size(); ++i) (void)p.conditional(i);
}

// `eesim sweep` before it simulates (sim/sweep.cpp sweep_exit_mounts): strip the model's exits,
// list the mount points, mount the default head at them.
void mount_sweep(const wl::Workload& w) {
  const wl::Workload backbone = wl::strip_exits(w);
  const wl::HeadTemplate head = wl::parse_head(wl::kDefaultHead);
  const std::vector<wl::LayerId> points = wl::mount_points(backbone);
  for (size_t i = 0; i < points.size() && i < kMaxMounts; ++i)
    (void)wl::mount_exit(backbone, points[i], head, "fuzz_exit");
}

}  // namespace

// Mostly structure-aware mutations (onnx_mutator.h).
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  return eesim::fuzz::mutate_for_libfuzzer(data, size, max_size, seed);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    const wl::OnnxModel model = wl::read_onnx_bytes(bytes, "fuzz.onnx");
    const wl::Workload w = wl::import_onnx(model);
    std::ostringstream dump;  // `eesim inspect`: totals and every layer printed
    dump << w;
    (void)w.total_weight_bytes();
    exit_profile(model, w);
    mount_sweep(w);
    // `--measure-density`: the same bytes read with their weights (no model directory: external
    // data is an error, so the fuzzer never opens a file) and every layer's weights counted.
    wl::ReadOptions read;
    read.weights = true;
    wl::ImportOptions density;
    density.measure_density = true;
    const wl::Workload d = wl::import_onnx(wl::read_onnx_bytes(bytes, "fuzz.onnx", read), density);
    dump << d;
  } catch (const eesim::Error& e) {
    eesim::fuzz::rejected(e, "fuzz.onnx");  // bad input, reported as it should be
  }
  return 0;
}
