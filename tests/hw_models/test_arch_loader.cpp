// The architecture loader on valid files: the value types with the schema's defaults, a dump
// that prints every field, and files read from disk.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "hw_models/core_model.h"
#include "tests/hw_models/arch_fixture.h"

using namespace eesim::hw::testing;
using eesim::hw::Architecture;
using eesim::hw::load_architecture_file;

namespace {

std::string dump(const eesim::hw::CoreSpec& c) {
  std::ostringstream os;
  os << c;
  return os.str();
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

  // Each core's kind and parameters, defaults filled in, as the dump prints them field by field.
  CHECK(a.cores[0].kind() == "systolic");
  CHECK(dump(a.cores[0]) ==
        "core sa0 (systolic) at (0,0) static_power_mw=10 rows=8 cols=8 dataflow=ws "
        "ifmap_sram_bytes=1024 filter_sram_bytes=2048 ofmap_sram_bytes=512 word_bytes=1 "
        "depthwise_mapping=per_channel_gemm vector_lanes=0 mac_energy_pj=0.23 "
        "sram_energy_pj_per_byte=2.5 vector_op_energy_pj=0.03");
  CHECK(a.cores[1].kind() == "edge_tpu");
  CHECK(dump(a.cores[1]) ==
        "core tpu (edge_tpu) at (1,0) static_power_mw=20 pes_x=2 pes_y=2 cores_per_pe=4 "
        "lanes_per_core=8 pe_memory_bytes=4096 core_memory_bytes=1024 word_bytes=1 "
        "mac_energy_pj=0.23 pe_memory_energy_pj_per_byte=12.5 core_memory_energy_pj_per_byte=1.25 "
        "vector_op_energy_pj=0.03");
  CHECK(a.cores[2].kind() == "simd");
  CHECK(dump(a.cores[2]) ==
        "core vec (simd) at (0,1) static_power_mw=5 lanes=16 memory_bytes=8192 word_bytes=1 "
        "op_energy_pj=0.03 memory_energy_pj_per_byte=2.5");
  // What the models read from those parameters.
  CHECK(eesim::hw::core_model(a.cores[0]).peak_macs_per_cycle(a.cores[0]) == 64);
  CHECK(eesim::hw::core_model(a.cores[1]).peak_macs_per_cycle(a.cores[1]) == 2 * 2 * 4 * 8);
  CHECK(eesim::hw::core_model(a.cores[1]).weight_capacity_bytes(a.cores[1]) == 16 * 1024);
  CHECK(eesim::hw::core_model(a.cores[2]).on_chip_bytes(a.cores[2]) == 8192);

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
  std::ostringstream got;
  got << load(text);
  CHECK(got.str() ==
        "architecture full (chip.textproto) clock_mhz=800.5\n"
        "  noc 3x2 link_bytes_per_cycle=32 router_cycles=0 link_cycles=3 "
        "energy_pj_per_byte_hop=0.25\n"
        "  core os (systolic) at (0,0) static_power_mw=0 rows=4 cols=5 dataflow=os "
        "ifmap_sram_bytes=11 filter_sram_bytes=12 ofmap_sram_bytes=13 word_bytes=2 "
        "depthwise_mapping=channels_on_columns vector_lanes=7 mac_energy_pj=0.5 "
        "sram_energy_pj_per_byte=3.5 vector_op_energy_pj=0.125\n"
        "  core is (systolic) at (1,0) static_power_mw=1 rows=1 cols=1 dataflow=is "
        "ifmap_sram_bytes=1 filter_sram_bytes=1 ofmap_sram_bytes=1 word_bytes=1 "
        "depthwise_mapping=per_channel_gemm vector_lanes=0 mac_energy_pj=0.23 "
        "sram_energy_pj_per_byte=2.5 vector_op_energy_pj=0.03\n"
        "  core tpu (edge_tpu) at (2,0) static_power_mw=2 pes_x=3 pes_y=1 cores_per_pe=2 "
        "lanes_per_core=4 pe_memory_bytes=5000000000 core_memory_bytes=6 word_bytes=2 "
        "mac_energy_pj=0.1 pe_memory_energy_pj_per_byte=20 core_memory_energy_pj_per_byte=2 "
        "vector_op_energy_pj=0.05\n"
        "  core vec (simd) at (0,1) static_power_mw=3 lanes=64 memory_bytes=65536 word_bytes=4 "
        "op_energy_pj=0.06 memory_energy_pj_per_byte=5\n"
        "  dram d0 at (0,0) bandwidth_bytes_per_cycle=12.5 energy_pj_per_byte=100\n"
        "  dram d1 at (2,1) bandwidth_bytes_per_cycle=6 energy_pj_per_byte=0\n");
}

TEST_CASE("arch loader: two loads of one file are equal; a changed parameter is not") {
  const Architecture a = load(kChip);
  CHECK(a == load(kChip));
  CHECK(a.cores[0] == load(kChip).cores[0]);
  const Architecture b = load(with_line(15, "    cols: 16"));
  CHECK_FALSE(a == b);
  CHECK_FALSE(a.cores[0] == b.cores[0]);
  CHECK(a.cores[1] == b.cores[1]);
  CHECK_FALSE(a.cores[0] == a.cores[2]);  // different kinds
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

TEST_CASE("arch loader: core lookup by name") {
  const Architecture a = load(kChip);
  CHECK(a.find_core("tpu") == std::optional<size_t>(1));
  CHECK(a.find_core("ddr") == std::nullopt);  // a DRAM port is not a core
  CHECK(a.find_core("nope") == std::nullopt);
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
