// The architecture loader on files protobuf's text parser refuses: each becomes one eesim::Error
// naming file, line (and column, where protobuf gives one) and key, never a crash.
#include <doctest/doctest.h>

#include <cctype>
#include <string>
#include <vector>

#include "common/error.h"
#include "tests/hw_models/arch_fixture.h"

using namespace eesim::hw::testing;
using eesim::hw::Architecture;

TEST_CASE("arch loader: an unknown key names file, line and key and lists the expected keys") {
  CHECK(error_of(with_line(14, "    rowz: 8")) ==
        "chip.textproto:14: unknown key 'rowz' in eesim.hw.schema.Systolic; expected one of: rows, "
        "cols, dataflow, ifmap_sram_bytes, filter_sram_bytes, ofmap_sram_bytes, word_bytes, "
        "depthwise_mapping, vector_lanes, mac_energy_pj, sram_energy_pj_per_byte, "
        "vector_op_energy_pj");
  CHECK(error_of(with_line(2, "clock_ghz: 0.5")) ==
        "chip.textproto:2: unknown key 'clock_ghz' in eesim.hw.schema.Architecture; expected one "
        "of: name, clock_mhz, noc, core, dram");
  CHECK_THROWS_WITH_AS(
      load(with_line(41, "  vector {")),
      doctest::Contains("chip.textproto:41: unknown key 'vector' in "
                        "eesim.hw.schema.Core; expected one of: name, x, y, "
                        "static_power_mw, precision, sparsity, op_type, systolic, edge_tpu, simd, "
                        "spatial_array"),
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
