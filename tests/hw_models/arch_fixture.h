#pragma once
// The architecture-loader tests' shared chip: one key per line so each error's line number is
// plain to see, and helpers that edit it line by line (keeping the numbering) and load it.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "hw_models/arch_loader.h"

namespace eesim::hw::testing {

// One key per line so each error's line number is plain to see; edits below keep the numbering.
inline const std::string kChip = R"(name: "tiny"
clock_mhz: 500
noc {
  width: 2
  height: 2
  link_bytes_per_cycle: 16
}
core {
  name: "sa0"
  x: 0
  y: 0
  static_power_mw: 10
  systolic {
    rows: 8
    cols: 8
    dataflow: WS
    ifmap_sram_bytes: 1024
    filter_sram_bytes: 2048
    ofmap_sram_bytes: 512
  }
}
core {
  name: "tpu"
  x: 1
  y: 0
  static_power_mw: 20
  edge_tpu {
    pes_x: 2
    pes_y: 2
    cores_per_pe: 4
    lanes_per_core: 8
    pe_memory_bytes: 4096
    core_memory_bytes: 1024
  }
}
core {
  name: "vec"
  x: 0
  y: 1
  static_power_mw: 5
  simd {
    lanes: 16
    memory_bytes: 8192
  }
}
dram {
  name: "ddr"
  x: 1
  y: 1
  bandwidth_bytes_per_cycle: 8
}
)";

inline std::vector<std::string> chip_lines() {
  std::vector<std::string> lines;
  std::istringstream in(kChip);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

inline std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// kChip with 1-based line `line` replaced by `content` (line count unchanged).
inline std::string with_line(int line, const std::string& content) {
  std::vector<std::string> lines = chip_lines();
  REQUIRE(line >= 1);
  REQUIRE(line <= static_cast<int>(lines.size()));
  lines[line - 1] = content;
  return join(lines);
}

// kChip with lines first..last (1-based, inclusive) left blank, so later lines keep their numbers.
inline std::string without_lines(int first, int last) {
  std::vector<std::string> lines = chip_lines();
  REQUIRE(last <= static_cast<int>(lines.size()));
  for (int l = first; l <= last; ++l) lines[l - 1].clear();
  return join(lines);
}

inline Architecture load(const std::string& text) {
  return load_architecture_text(text, "chip.textproto");
}

// The eesim::Error message `text` fails with, or "(loaded)" when it loads.
inline std::string error_of(const std::string& text) {
  try {
    load(text);
  } catch (const eesim::Error& e) {
    return e.what();
  }
  return "(loaded)";
}

struct Case {
  int line;              // line of kChip to edit (blank, for the missing-key table)
  std::string content;   // its new content
  std::string expected;  // the message contains this: source, line, key path and what is wrong
};

inline void check_cases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    CAPTURE(c.line);
    CAPTURE(c.content);
    CHECK_THROWS_WITH_AS(load(with_line(c.line, c.content)), doctest::Contains(c.expected.c_str()),
                         eesim::Error);
  }
}

}  // namespace eesim::hw::testing
