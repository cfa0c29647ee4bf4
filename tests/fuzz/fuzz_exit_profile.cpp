// libFuzzer harness for the exit-profile parsers: the text of an --exits file
// (parse_exit_text), the same lines as --exit NAME=P arguments (parse_exit_args), the rates
// checked against a two-exit workload (make_exit_profile), and each line as a sweep --head
// (parse_head, the other user string about exits). A clean eesim::Error is the right answer to
// bad text; a crash, sanitizer report, leak, timeout, other exception or an Error not naming
// its source is a finding (tests/fuzz/README.md).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "tests/fuzz/fuzz_report.h"
#include "workloads/exit_mount.h"
#include "workloads/exit_profile.h"

namespace {

namespace wl = eesim::workloads;

// A workload with exits "e1", "e2" and final output "final", the names the seed files use.
const wl::Workload& two_exits() {
  static const wl::Workload w = [] {
    wl::Workload out;
    out.name = "fuzz.onnx";
    out.final_output = "final";
    for (const char* name : {"e1", "e2"}) out.exits.push_back(wl::Exit{.name = name});
    return out;
  }();
  return w;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Runs f; an eesim::Error must name `source` first.
template <typename F>
void expect_clean(std::string_view source, F&& f) {
  try {
    f();
  } catch (const eesim::Error& e) {
    eesim::fuzz::rejected(e, source);  // bad input, reported as it should be
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  expect_clean("fuzz.txt", [&] {
    const wl::ExitRates file = wl::parse_exit_text(text, "fuzz.txt");
    const wl::ExitProfile p = wl::make_exit_profile(two_exits(), {file});
    for (size_t i = 0; i < p.p.size(); ++i) (void)p.conditional(i);
  });
  const std::vector<std::string> lines = lines_of(text);
  for (wl::RateKind kind : {wl::RateKind::kUnconditional, wl::RateKind::kConditional})
    expect_clean("--exit", [&] {
      (void)wl::make_exit_profile(two_exits(), {wl::parse_exit_args(lines, kind)});
    });
  for (const std::string& line : lines) expect_clean("head '", [&] { (void)wl::parse_head(line); });
  return 0;
}
