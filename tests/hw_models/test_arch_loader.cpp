// The architecture loader: a valid file becomes the value types with the schema's defaults; every
// bad file becomes one eesim::Error naming file, line and key (never a crash).
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "common/error.h"
#include "hw_models/arch_loader.h"

using eesim::hw::Architecture;
using eesim::hw::load_architecture_file;
using eesim::hw::load_architecture_text;

namespace {

// One key per line so each error's line number is plain to see; edits below keep the numbering.
const std::string kChip = R"(name: "tiny"
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

std::vector<std::string> chip_lines() {
  std::vector<std::string> lines;
  std::istringstream in(kChip);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

std::string join(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// kChip with 1-based line `line` replaced by `content` (line count unchanged).
std::string with_line(int line, const std::string& content) {
  std::vector<std::string> lines = chip_lines();
  REQUIRE(line >= 1);
  REQUIRE(line <= static_cast<int>(lines.size()));
  lines[line - 1] = content;
  return join(lines);
}

// kChip with lines first..last (1-based, inclusive) left blank, so later lines keep their numbers.
std::string without_lines(int first, int last) {
  std::vector<std::string> lines = chip_lines();
  REQUIRE(last <= static_cast<int>(lines.size()));
  for (int l = first; l <= last; ++l) lines[l - 1].clear();
  return join(lines);
}

Architecture load(const std::string& text) {
  return load_architecture_text(text, "chip.textproto");
}

// The eesim::Error message `text` fails with, or "(loaded)" when it loads.
std::string error_of(const std::string& text) {
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

void check_cases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    CAPTURE(c.line);
    CAPTURE(c.content);
    CHECK_THROWS_WITH_AS(load(with_line(c.line, c.content)), doctest::Contains(c.expected.c_str()),
                         eesim::Error);
  }
}

}  // namespace

TEST_CASE("arch loader: a minimal chip loads with every field and the schema defaults") {
  const Architecture a = load(kChip);
  CHECK(a.name == "tiny");
  CHECK(a.source == "chip.textproto");
  CHECK(a.clock_mhz == 500);
  CHECK(a.ns(500) == 1000);
  CHECK(a.noc == eesim::hw::NocSpec{2, 2, 16, 2, 1, 0.8});
  REQUIRE(a.cores.size() == 3);
  REQUIRE(a.drams.size() == 1);

  const auto& c0 = a.cores[0];
  CHECK(c0.name == "sa0");
  CHECK(c0.x == 0);
  CHECK(c0.y == 0);
  CHECK(c0.static_power_mw == 10);
  CHECK(c0.kind() == "systolic");
  REQUIRE(std::holds_alternative<eesim::hw::SystolicSpec>(c0.params));
  const auto& sa = std::get<eesim::hw::SystolicSpec>(c0.params);
  CHECK(sa.rows == 8);
  CHECK(sa.cols == 8);
  CHECK(sa.dataflow == eesim::hw::Dataflow::kWs);
  CHECK(sa.ifmap_sram_bytes == 1024);
  CHECK(sa.filter_sram_bytes == 2048);
  CHECK(sa.ofmap_sram_bytes == 512);
  CHECK(sa.word_bytes == 1);
  CHECK(sa.depthwise_mapping == eesim::hw::DepthwiseMapping::kPerChannelGemm);
  CHECK(sa.vector_lanes == 0);
  CHECK(sa.mac_energy_pj == 0.23);
  CHECK(sa.sram_energy_pj_per_byte == 2.5);
  CHECK(sa.vector_op_energy_pj == 0.03);

  const auto& c1 = a.cores[1];
  CHECK(c1.name == "tpu");
  CHECK(c1.x == 1);
  CHECK(c1.y == 0);
  CHECK(c1.static_power_mw == 20);
  CHECK(c1.kind() == "edge_tpu");
  REQUIRE(std::holds_alternative<eesim::hw::EdgeTpuSpec>(c1.params));
  CHECK(std::get<eesim::hw::EdgeTpuSpec>(c1.params) ==
        eesim::hw::EdgeTpuSpec{2, 2, 4, 8, 4096, 1024, 1, 0.23, 12.5, 1.25, 0.03});
  CHECK(std::get<eesim::hw::EdgeTpuSpec>(c1.params).pes() == 4);

  const auto& c2 = a.cores[2];
  CHECK(c2.name == "vec");
  CHECK(c2.x == 0);
  CHECK(c2.y == 1);
  CHECK(c2.static_power_mw == 5);
  CHECK(c2.kind() == "simd");
  REQUIRE(std::holds_alternative<eesim::hw::SimdSpec>(c2.params));
  CHECK(std::get<eesim::hw::SimdSpec>(c2.params) == eesim::hw::SimdSpec{16, 8192, 1, 0.03, 2.5});

  CHECK(a.drams[0] == eesim::hw::DramSpec{"ddr", 1, 1, 8, 162.5});
}

TEST_CASE("arch loader: every field written in the file overrides its default") {
  const std::string text = R"(name: "full" clock_mhz: 800.5
noc { width: 3 height: 2 link_bytes_per_cycle: 32 router_cycles: 0 link_cycles: 3
      energy_pj_per_byte_hop: 0.25 }
core { name: "os" x: 0 y: 0 static_power_mw: 0
  systolic { rows: 4 cols: 5 dataflow: OS ifmap_sram_bytes: 11 filter_sram_bytes: 12
             ofmap_sram_bytes: 13 word_bytes: 2 depthwise_mapping: CHANNELS_ON_COLUMNS
             vector_lanes: 7 mac_energy_pj: 0.5 sram_energy_pj_per_byte: 3.5
             vector_op_energy_pj: 0.125 } }
core { name: "is" x: 1 y: 0 static_power_mw: 1
  systolic { rows: 1 cols: 1 dataflow: IS ifmap_sram_bytes: 1 filter_sram_bytes: 1
             ofmap_sram_bytes: 1 } }
core { name: "tpu" x: 2 y: 0 static_power_mw: 2
  edge_tpu { pes_x: 3 pes_y: 1 cores_per_pe: 2 lanes_per_core: 4 pe_memory_bytes: 5000000000
             core_memory_bytes: 6 word_bytes: 2 mac_energy_pj: 0.1
             pe_memory_energy_pj_per_byte: 20 core_memory_energy_pj_per_byte: 2
             vector_op_energy_pj: 0.05 } }
core { name: "vec" x: 0 y: 1 static_power_mw: 3
  simd { lanes: 64 memory_bytes: 65536 word_bytes: 4 op_energy_pj: 0.06
         memory_energy_pj_per_byte: 5 } }
dram { name: "d0" x: 0 y: 0 bandwidth_bytes_per_cycle: 12.5 energy_pj_per_byte: 100 }
dram { name: "d1" x: 2 y: 1 bandwidth_bytes_per_cycle: 6 energy_pj_per_byte: 0 }
)";
  using namespace eesim::hw;
  Architecture want;
  want.name = "full";
  want.source = "chip.textproto";
  want.clock_mhz = 800.5;
  want.noc = NocSpec{3, 2, 32, 0, 3, 0.25};
  want.cores = {
      CoreSpec{"os", 0, 0, 0,
               SystolicSpec{4, 5, Dataflow::kOs, 11, 12, 13, 2,
                            DepthwiseMapping::kChannelsOnColumns, 7, 0.5, 3.5, 0.125}},
      CoreSpec{"is", 1, 0, 1,
               SystolicSpec{1, 1, Dataflow::kIs, 1, 1, 1, 1, DepthwiseMapping::kPerChannelGemm, 0,
                            0.23, 2.5, 0.03}},
      CoreSpec{"tpu", 2, 0, 2, EdgeTpuSpec{3, 1, 2, 4, 5000000000, 6, 2, 0.1, 20, 2, 0.05}},
      CoreSpec{"vec", 0, 1, 3, SimdSpec{64, 65536, 4, 0.06, 5}}};
  want.drams = {DramSpec{"d0", 0, 0, 12.5, 100}, DramSpec{"d1", 2, 1, 6, 0}};
  CHECK(load(text) == want);
}

TEST_CASE("arch loader: the dump prints every item on its own line, the same every time") {
  const Architecture a = load(kChip);
  std::ostringstream first, second;
  first << a;
  second << load(kChip);
  CHECK(first.str() == second.str());
  const std::string dump = first.str();
  CHECK(dump.find("architecture tiny (chip.textproto) clock_mhz=500\n") == 0);
  CHECK(dump.find("\n  noc 2x2 link_bytes_per_cycle=16 router_cycles=2 link_cycles=1 "
                  "energy_pj_per_byte_hop=0.8\n") != std::string::npos);
  CHECK(dump.find("\n  core sa0 (systolic) at (0,0) static_power_mw=10 rows=8 cols=8 dataflow=ws "
                  "ifmap_sram_bytes=1024 filter_sram_bytes=2048 ofmap_sram_bytes=512 word_bytes=1 "
                  "depthwise_mapping=per_channel_gemm vector_lanes=0 mac_energy_pj=0.23 "
                  "sram_energy_pj_per_byte=2.5 vector_op_energy_pj=0.03\n") != std::string::npos);
  CHECK(dump.find("\n  core tpu (edge_tpu) at (1,0) static_power_mw=20 pes_x=2 pes_y=2 "
                  "cores_per_pe=4 lanes_per_core=8 pe_memory_bytes=4096 core_memory_bytes=1024 "
                  "word_bytes=1 mac_energy_pj=0.23 pe_memory_energy_pj_per_byte=12.5 "
                  "core_memory_energy_pj_per_byte=1.25 vector_op_energy_pj=0.03\n") !=
        std::string::npos);
  CHECK(dump.find("\n  core vec (simd) at (0,1) static_power_mw=5 lanes=16 memory_bytes=8192 "
                  "word_bytes=1 op_energy_pj=0.03 memory_energy_pj_per_byte=2.5\n") !=
        std::string::npos);
  CHECK(dump.find("\n  dram ddr at (1,1) bandwidth_bytes_per_cycle=8 energy_pj_per_byte=162.5\n") !=
        std::string::npos);
  CHECK(std::count(dump.begin(), dump.end(), '\n') == 6);
}

TEST_CASE("arch loader: enum names and core lookup") {
  CHECK(eesim::hw::to_string(eesim::hw::Dataflow::kOs) == "os");
  CHECK(eesim::hw::to_string(eesim::hw::Dataflow::kWs) == "ws");
  CHECK(eesim::hw::to_string(eesim::hw::Dataflow::kIs) == "is");
  CHECK(eesim::hw::to_string(eesim::hw::DepthwiseMapping::kPerChannelGemm) == "per_channel_gemm");
  CHECK(eesim::hw::to_string(eesim::hw::DepthwiseMapping::kChannelsOnColumns) ==
        "channels_on_columns");
  const Architecture a = load(kChip);
  CHECK(a.find_core("tpu") == std::optional<size_t>(1));
  CHECK(a.find_core("ddr") == std::nullopt);  // a DRAM port is not a core
  CHECK(a.find_core("nope") == std::nullopt);
}

TEST_CASE("arch loader: an unknown key names file, line and key and lists the expected keys") {
  CHECK(error_of(with_line(14, "    rowz: 8")) ==
        "chip.textproto:14: unknown key 'rowz' in eesim.hw.schema.Systolic; expected one of: rows, "
        "cols, dataflow, ifmap_sram_bytes, filter_sram_bytes, ofmap_sram_bytes, word_bytes, "
        "depthwise_mapping, vector_lanes, mac_energy_pj, sram_energy_pj_per_byte, "
        "vector_op_energy_pj");
  CHECK(error_of(with_line(2, "clock_ghz: 0.5")) ==
        "chip.textproto:2: unknown key 'clock_ghz' in eesim.hw.schema.Architecture; expected one "
        "of: name, clock_mhz, noc, core, dram");
  CHECK_THROWS_WITH_AS(load(with_line(41, "  vector {")),
                       doctest::Contains("chip.textproto:41: unknown key 'vector' in "
                                         "eesim.hw.schema.Core; expected one of: name, x, y, "
                                         "static_power_mw, systolic, edge_tpu, simd"),
                       eesim::Error);
}

TEST_CASE("arch loader: a syntax error keeps protobuf's text after file, line and column") {
  const std::string msg = error_of(with_line(14, "    rows 8"));
  CHECK(msg.rfind("chip.textproto:14:10: ", 0) == 0);
  CHECK(msg.find("Expected \":\"") != std::string::npos);
  CHECK(error_of(with_line(14, "    rows: 1.5")).rfind("chip.textproto:14:", 0) == 0);
  CHECK(error_of(with_line(14, "    rows: 99999999999")).rfind("chip.textproto:14:", 0) == 0);
}

TEST_CASE("arch loader: an unknown enum value names its own line, the key and the values") {
  // Protobuf reports the token after the value (line 17); the message must point at line 16.
  CHECK(error_of(with_line(16, "    dataflow: ws")) ==
        "chip.textproto:16: unknown value 'ws' for key 'dataflow' in eesim.hw.schema.Systolic; "
        "expected one of: OS, WS, IS");
  CHECK_THROWS_WITH_AS(
      load(with_line(19, "    ofmap_sram_bytes: 512 depthwise_mapping: PER_CHANNEL")),
      doctest::Contains("chip.textproto:19: unknown value 'PER_CHANNEL' for key 'depthwise_mapping'"
                        " in eesim.hw.schema.Systolic; expected one of: PER_CHANNEL_GEMM, "
                        "CHANNELS_ON_COLUMNS"),
      eesim::Error);
}

TEST_CASE("arch loader: a singular key given twice is reported at the second one") {
  const std::string rows = error_of(with_line(14, "    rows: 8 rows: 4"));
  CHECK(rows.rfind("chip.textproto:14:", 0) == 0);
  CHECK(rows.find("\"rows\" is specified multiple times") != std::string::npos);
  const std::string noc = error_of(with_line(7, "} noc { width: 1 }"));
  CHECK(noc.rfind("chip.textproto:7:", 0) == 0);
  CHECK(noc.find("\"noc\" is specified multiple times") != std::string::npos);
}

TEST_CASE("arch loader: two core kinds in one core are rejected") {
  const std::string msg = error_of(with_line(13, "  simd { lanes: 1 memory_bytes: 1 } systolic {"));
  CHECK(msg.rfind("chip.textproto:13:", 0) == 0);
  CHECK(msg.find("\"systolic\"") != std::string::npos);
  CHECK(msg.find("oneof \"kind\"") != std::string::npos);
}

TEST_CASE("arch loader: each missing required key is named at the line of its block") {
  const std::vector<Case> cases = {
      {1, "", "chip.textproto:1: missing required key 'name'"},
      {2, "", "chip.textproto:1: missing required key 'clock_mhz'"},
      {4, "", "chip.textproto:3: noc: missing required key 'width'"},
      {5, "", "chip.textproto:3: noc: missing required key 'height'"},
      {6, "", "chip.textproto:3: noc: missing required key 'link_bytes_per_cycle'"},
      {9, "", "chip.textproto:8: core[0]: missing required key 'name'"},
      {10, "", "chip.textproto:8: core[0] (name 'sa0'): missing required key 'x'"},
      {11, "", "chip.textproto:8: core[0] (name 'sa0'): missing required key 'y'"},
      {12, "", "chip.textproto:8: core[0] (name 'sa0'): missing required key 'static_power_mw'"},
      {14, "", "chip.textproto:13: core[0] (name 'sa0') systolic: missing required key 'rows'"},
      {15, "", "chip.textproto:13: core[0] (name 'sa0') systolic: missing required key 'cols'"},
      {16, "", "chip.textproto:13: core[0] (name 'sa0') systolic: missing required key 'dataflow'"},
      {17, "",
       "chip.textproto:13: core[0] (name 'sa0') systolic: missing required key 'ifmap_sram_bytes'"},
      {18, "",
       "chip.textproto:13: core[0] (name 'sa0') systolic: missing required key "
       "'filter_sram_bytes'"},
      {19, "",
       "chip.textproto:13: core[0] (name 'sa0') systolic: missing required key 'ofmap_sram_bytes'"},
      {26, "", "chip.textproto:22: core[1] (name 'tpu'): missing required key 'static_power_mw'"},
      {28, "", "chip.textproto:27: core[1] (name 'tpu') edge_tpu: missing required key 'pes_x'"},
      {29, "", "chip.textproto:27: core[1] (name 'tpu') edge_tpu: missing required key 'pes_y'"},
      {30, "",
       "chip.textproto:27: core[1] (name 'tpu') edge_tpu: missing required key 'cores_per_pe'"},
      {31, "",
       "chip.textproto:27: core[1] (name 'tpu') edge_tpu: missing required key 'lanes_per_core'"},
      {32, "",
       "chip.textproto:27: core[1] (name 'tpu') edge_tpu: missing required key 'pe_memory_bytes'"},
      {33, "",
       "chip.textproto:27: core[1] (name 'tpu') edge_tpu: missing required key "
       "'core_memory_bytes'"},
      {42, "", "chip.textproto:41: core[2] (name 'vec') simd: missing required key 'lanes'"},
      {43, "", "chip.textproto:41: core[2] (name 'vec') simd: missing required key 'memory_bytes'"},
      {47, "", "chip.textproto:46: dram[0]: missing required key 'name'"},
      {48, "", "chip.textproto:46: dram[0] (name 'ddr'): missing required key 'x'"},
      {49, "", "chip.textproto:46: dram[0] (name 'ddr'): missing required key 'y'"},
      {50, "",
       "chip.textproto:46: dram[0] (name 'ddr'): missing required key 'bandwidth_bytes_per_cycle'"},
  };
  check_cases(cases);
  CHECK_THROWS_WITH_AS(load(without_lines(3, 7)),
                       doctest::Contains("chip.textproto:1: missing required key 'noc'"),
                       eesim::Error);
  CHECK_THROWS_WITH_AS(load(""), doctest::Contains("chip.textproto:1: missing required key 'name'"),
                       eesim::Error);
}

TEST_CASE("arch loader: a core without a kind names the kinds to choose from") {
  CHECK(error_of(without_lines(41, 44)) ==
        "chip.textproto:36: core[2] (name 'vec'): missing core kind: give one of systolic, "
        "edge_tpu, simd");
}

TEST_CASE("arch loader: a chip needs at least one core and one DRAM port") {
  CHECK_THROWS_WITH_AS(load(without_lines(8, 45)),
                       doctest::Contains("chip.textproto:1: at least one core"), eesim::Error);
  CHECK_THROWS_WITH_AS(load(without_lines(46, 51)),
                       doctest::Contains("chip.textproto:1: at least one dram port: "),
                       eesim::Error);
}

TEST_CASE("arch loader: a size that is not > 0 names file, line and key") {
  const std::string sa = "core[0] (name 'sa0') systolic.", tpu = "core[1] (name 'tpu') edge_tpu.";
  const std::string vec = "core[2] (name 'vec') simd.";
  check_cases({
      {2, "clock_mhz: 0", "chip.textproto:2: clock_mhz: must be > 0, got 0"},
      {2, "clock_mhz: -500", "chip.textproto:2: clock_mhz: must be > 0, got -500"},
      {4, "  width: 0", "chip.textproto:4: noc.width: must be > 0, got 0"},
      {5, "  height: -1", "chip.textproto:5: noc.height: must be > 0, got -1"},
      {6, "  link_bytes_per_cycle: 0", "chip.textproto:6: noc.link_bytes_per_cycle: must be > 0"},
      {14, "    rows: 0", "chip.textproto:14: " + sa + "rows: must be > 0, got 0"},
      {15, "    cols: -3", "chip.textproto:15: " + sa + "cols: must be > 0, got -3"},
      {17, "    ifmap_sram_bytes: 0", "chip.textproto:17: " + sa + "ifmap_sram_bytes: must be > 0"},
      {18, "    filter_sram_bytes: 0",
       "chip.textproto:18: " + sa + "filter_sram_bytes: must be > 0"},
      {19, "    ofmap_sram_bytes: 0", "chip.textproto:19: " + sa + "ofmap_sram_bytes: must be > 0"},
      {19, "    ofmap_sram_bytes: 512 word_bytes: 0",
       "chip.textproto:19: " + sa + "word_bytes: must be > 0, got 0"},
      {28, "    pes_x: 0", "chip.textproto:28: " + tpu + "pes_x: must be > 0"},
      {29, "    pes_y: 0", "chip.textproto:29: " + tpu + "pes_y: must be > 0"},
      {30, "    cores_per_pe: 0", "chip.textproto:30: " + tpu + "cores_per_pe: must be > 0"},
      {31, "    lanes_per_core: 0", "chip.textproto:31: " + tpu + "lanes_per_core: must be > 0"},
      {32, "    pe_memory_bytes: 0", "chip.textproto:32: " + tpu + "pe_memory_bytes: must be > 0"},
      {33, "    core_memory_bytes: -1",
       "chip.textproto:33: " + tpu + "core_memory_bytes: must be > 0, got -1"},
      {33, "    core_memory_bytes: 1024 word_bytes: 0",
       "chip.textproto:33: " + tpu + "word_bytes: must be > 0"},
      {42, "    lanes: 0", "chip.textproto:42: " + vec + "lanes: must be > 0"},
      {43, "    memory_bytes: 0", "chip.textproto:43: " + vec + "memory_bytes: must be > 0"},
      {43, "    memory_bytes: 8192 word_bytes: 0",
       "chip.textproto:43: " + vec + "word_bytes: must"},
      {50, "  bandwidth_bytes_per_cycle: 0",
       "chip.textproto:50: dram[0] (name 'ddr') bandwidth_bytes_per_cycle: must be > 0, got 0"},
  });
}

TEST_CASE("arch loader: a negative latency, lane count, power or energy names file, line and key") {
  const std::string sa = "core[0] (name 'sa0') systolic.", tpu = "core[1] (name 'tpu') edge_tpu.";
  const std::string vec = "core[2] (name 'vec') simd.";
  check_cases({
      {4, "  width: 2 router_cycles: -1",
       "chip.textproto:4: noc.router_cycles: must be >= 0, got -1"},
      {4, "  width: 2 link_cycles: -2", "chip.textproto:4: noc.link_cycles: must be >= 0, got -2"},
      {4, "  width: 2 energy_pj_per_byte_hop: -0.5",
       "chip.textproto:4: noc.energy_pj_per_byte_hop: must be >= 0, got -0.5"},
      {12, "  static_power_mw: -1",
       "chip.textproto:12: core[0] (name 'sa0') static_power_mw: must be >= 0, got -1"},
      {19, "    ofmap_sram_bytes: 512 vector_lanes: -1",
       "chip.textproto:19: " + sa + "vector_lanes: must be >= 0"},
      {19, "    ofmap_sram_bytes: 512 mac_energy_pj: -1",
       "chip.textproto:19: " + sa + "mac_energy_pj: must be >= 0"},
      {19, "    ofmap_sram_bytes: 512 sram_energy_pj_per_byte: -1",
       "chip.textproto:19: " + sa + "sram_energy_pj_per_byte: must be >= 0"},
      {19, "    ofmap_sram_bytes: 512 vector_op_energy_pj: -1",
       "chip.textproto:19: " + sa + "vector_op_energy_pj: must be >= 0"},
      {33, "    core_memory_bytes: 1024 mac_energy_pj: -1",
       "chip.textproto:33: " + tpu + "mac_energy_pj: must be >= 0"},
      {33, "    core_memory_bytes: 1024 pe_memory_energy_pj_per_byte: -1",
       "chip.textproto:33: " + tpu + "pe_memory_energy_pj_per_byte: must be >= 0"},
      {33, "    core_memory_bytes: 1024 core_memory_energy_pj_per_byte: -1",
       "chip.textproto:33: " + tpu + "core_memory_energy_pj_per_byte: must be >= 0"},
      {33, "    core_memory_bytes: 1024 vector_op_energy_pj: -1",
       "chip.textproto:33: " + tpu + "vector_op_energy_pj: must be >= 0"},
      {43, "    memory_bytes: 8192 op_energy_pj: -1",
       "chip.textproto:43: " + vec + "op_energy_pj: must be >= 0"},
      {43, "    memory_bytes: 8192 memory_energy_pj_per_byte: -1",
       "chip.textproto:43: " + vec + "memory_energy_pj_per_byte: must be >= 0"},
      {50, "  bandwidth_bytes_per_cycle: 8 energy_pj_per_byte: -1",
       "chip.textproto:50: dram[0] (name 'ddr') energy_pj_per_byte: must be >= 0, got -1"},
  });
}

TEST_CASE("arch loader: zero is allowed where the schema says >= 0") {
  const Architecture a =
      load(with_line(4, "  width: 2 router_cycles: 0 link_cycles: 0 energy_pj_per_byte_hop: 0"));
  CHECK(a.noc.router_cycles == 0);
  CHECK(a.noc.link_cycles == 0);
  CHECK(a.noc.energy_pj_per_byte_hop == 0);
  CHECK(load(with_line(12, "  static_power_mw: 0")).cores[0].static_power_mw == 0);
}

TEST_CASE("arch loader: NaN and infinite numbers are rejected with file, line and key") {
  check_cases({
      {2, "clock_mhz: nan", "chip.textproto:2: clock_mhz: must be a finite number, got nan"},
      {2, "clock_mhz: inf", "chip.textproto:2: clock_mhz: must be a finite number, got inf"},
      {6, "  link_bytes_per_cycle: -inf",
       "chip.textproto:6: noc.link_bytes_per_cycle: must be a finite number, got -inf"},
      {12, "  static_power_mw: inf",
       "chip.textproto:12: core[0] (name 'sa0') static_power_mw: must be a finite number"},
      {19, "    ofmap_sram_bytes: 512 mac_energy_pj: nan",
       "chip.textproto:19: core[0] (name 'sa0') systolic.mac_energy_pj: must be a finite number"},
      {50, "  bandwidth_bytes_per_cycle: inf",
       "chip.textproto:50: dram[0] (name 'ddr') bandwidth_bytes_per_cycle: must be a finite"},
  });
}

TEST_CASE("arch loader: a core off the mesh names file, line and key") {
  check_cases({
      {38, "  x: 2", "chip.textproto:38: core[2] (name 'vec') x: node (2,1) is off the 2x2 mesh"},
      {39, "  y: 5", "chip.textproto:39: core[2] (name 'vec') y: node (0,5) is off the 2x2 mesh"},
      {10, "  x: -1", "chip.textproto:10: core[0] (name 'sa0') x: node (-1,0) is off the 2x2 mesh"},
      // The mesh is width x height: shrinking the height strands the core in row 1.
      {5, "  height: 1",
       "chip.textproto:39: core[2] (name 'vec') y: node (0,1) is off the 2x1 mesh"},
  });
}

TEST_CASE("arch loader: a DRAM port off the mesh names file, line and key") {
  check_cases({
      {49, "  y: 2", "chip.textproto:49: dram[0] (name 'ddr') y: node (1,2) is off the 2x2 mesh"},
      {48, "  x: -3", "chip.textproto:48: dram[0] (name 'ddr') x: node (-3,1) is off the 2x2 mesh"},
  });
}

TEST_CASE("arch loader: two cores on one mesh node are rejected") {
  std::vector<std::string> lines = chip_lines();
  lines[37] = "  x: 1";  // core vec moves from (0,1) to (1,0), where core tpu sits
  lines[38] = "  y: 0";
  CHECK(error_of(join(lines)) ==
        "chip.textproto:38: core[2] (name 'vec') x: node (1,0) already holds core[1] (name 'tpu') "
        "from line 22; one core per mesh node");
}

TEST_CASE("arch loader: a DRAM port may share a core's node, but not another port's") {
  std::vector<std::string> lines = chip_lines();
  lines[47] = "  x: 0";  // ddr moves onto core sa0's node
  lines[48] = "  y: 0";
  const Architecture shared = load(join(lines));
  CHECK(shared.drams[0].x == 0);
  CHECK(shared.drams[0].y == 0);

  const std::string two =
      kChip + "dram { name: \"ddr2\" x: 0 y: 1 bandwidth_bytes_per_cycle: 4 }\n";
  CHECK(load(two).drams.size() == 2);
  const std::string clash =
      kChip + "dram { name: \"ddr2\" x: 1 y: 1 bandwidth_bytes_per_cycle: 4 }\n";
  CHECK(error_of(clash) ==
        "chip.textproto:52: dram[1] (name 'ddr2') x: node (1,1) already holds dram[0] (name 'ddr') "
        "from line 46; one DRAM port per mesh node");
}

TEST_CASE("arch loader: names are unique among cores and DRAM ports together") {
  CHECK(error_of(with_line(37, "  name: \"sa0\"")) ==
        "chip.textproto:37: core[2] (name 'sa0') name: duplicate name 'sa0' (also core[0] at line "
        "8)");
  CHECK(error_of(with_line(47, "  name: \"tpu\"")) ==
        "chip.textproto:47: dram[0] (name 'tpu') name: duplicate name 'tpu' (also core[1] at line "
        "22)");
}

TEST_CASE("arch loader: empty names are rejected") {
  check_cases({
      {1, "name: \"\"", "chip.textproto:1: name: must not be empty"},
      {9, "  name: \"\"", "chip.textproto:9: core[0] name: must not be empty"},
      {47, "  name: \"\"", "chip.textproto:47: dram[0] name: must not be empty"},
  });
}

TEST_CASE("arch loader: list syntax for repeated blocks still reports lines") {
  const std::string head = R"(name: "x"
clock_mhz: 1
noc { width: 2 height: 1 link_bytes_per_cycle: 1 }
dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 1 }
core: [
  { name: "a" x: 0 y: 0 static_power_mw: 1 simd { lanes: 1 memory_bytes: 1 } },
)";
  const Architecture a =
      load(head +
           "  { name: \"b\" x: 1 y: 0 static_power_mw: 1 simd { lanes: 2 memory_bytes: 1 } }\n]\n");
  REQUIRE(a.cores.size() == 2);
  CHECK(a.cores[1].name == "b");
  CHECK(error_of(head + "  { name: \"b\" x: 1 y: 0 static_power_mw: 1 simd { lanes: 0 "
                        "memory_bytes: 1 } }\n]\n") ==
        "chip.textproto:7: core[1] (name 'b') simd.lanes: must be > 0, got 0");
}

TEST_CASE("arch loader: every truncation of a valid file is an error, never a crash") {
  // Up to the dram block's closing brace every prefix lacks a closed dram block, so none loads.
  const size_t last_brace = kChip.rfind('}');
  for (size_t cut = 0; cut < last_brace; ++cut) {
    CAPTURE(cut);
    const std::string msg = error_of(kChip.substr(0, cut));
    CHECK(msg.rfind("chip.textproto:", 0) == 0);
    CHECK((msg.size() > 15 && std::isdigit(static_cast<unsigned char>(msg[15]))));
  }
  CHECK_NOTHROW(load(kChip.substr(0, last_brace + 1)));
}

TEST_CASE("arch loader: a file cut in the middle of a block names the line where it ends") {
  std::vector<std::string> lines = chip_lines();
  lines.resize(14);  // ends after "    rows: 8", inside core sa0's systolic block
  CHECK(error_of(join(lines)).rfind("chip.textproto:15:1: ", 0) == 0);
}

TEST_CASE("arch loader: load_architecture_file uses the path as the source") {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / "eesim_test_arch_loader.textproto";
  {
    std::ofstream out(path);
    out << with_line(14, "    rows: 0");
  }
  const std::string want = path.string() + ":14: core[0] (name 'sa0') systolic.rows: must be > 0";
  CHECK_THROWS_WITH_AS(load_architecture_file(path.string()), doctest::Contains(want.c_str()),
                       eesim::Error);
  {
    std::ofstream out(path);
    out << kChip;
  }
  const Architecture a = load_architecture_file(path.string());
  CHECK(a.source == path.string());
  CHECK(a.cores.size() == 3);
  std::filesystem::remove(path);
}

TEST_CASE("arch loader: a missing file or a directory names the path") {
  CHECK_THROWS_WITH_AS(load_architecture_file("/nonexistent/eesim/chip.textproto"),
                       doctest::Contains("/nonexistent/eesim/chip.textproto: cannot open"),
                       eesim::Error);
  const std::string dir = std::filesystem::temp_directory_path().string();
  CHECK_THROWS_WITH_AS(load_architecture_file(dir),
                       (dir + ": a directory, not a regular file; expected an architecture "
                              ".textproto file")
                           .c_str(),
                       eesim::Error);
}
