// libFuzzer harness for the architecture loader: text -> load_architecture_text (protobuf text
// format, then validation, then conversion). A clean eesim::Error is the right answer to a bad
// file; a crash, sanitizer report, leak, timeout, other exception or an Error not naming its
// source is a finding (tests/fuzz/README.md).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "common/error.h"
#include "hw_models/arch_loader.h"
#include "tests/fuzz/fuzz_report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const eesim::hw::Architecture arch = eesim::hw::load_architecture_text(text, "fuzz.textproto");
    std::ostringstream dump;  // `eesim inspect --arch` prints the loaded chip
    dump << arch;
    for (const eesim::hw::CoreSpec& c : arch.cores) (void)arch.find_core(c.name);
  } catch (const eesim::Error& e) {
    eesim::fuzz::rejected(e, "fuzz.textproto:");  // bad input, reported as it should be
  }
  return 0;
}
