// The architecture loader on files that parse but break a rule of arch.proto: a missing key, a
// value outside the bounds its field declares, a core off the mesh, a name used twice. Each
// becomes one eesim::Error naming file, line and key path.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "arch.pb.h"
#include "common/error.h"
#include "tests/hw_models/arch_fixture.h"

using namespace eesim::hw::testing;
using eesim::hw::Architecture;

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
        "edge_tpu, simd, spatial_array");
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

TEST_CASE("arch schema: every number a file can give declares its bounds in arch.proto") {
  // The loader checks what the schema declares and nothing else, so a field without bounds
  // would take any value. Mesh coordinates are the exception: their range is the mesh's size,
  // a cross-field rule (tests above).
  namespace pb = google::protobuf;
  std::vector<const pb::Descriptor*> todo = {eesim::hw::schema::Architecture::descriptor()};
  int checked = 0;
  while (!todo.empty()) {
    const pb::Descriptor* d = todo.back();
    todo.pop_back();
    for (int i = 0; i < d->field_count(); ++i) {
      const pb::FieldDescriptor* f = d->field(i);
      CAPTURE(f->full_name());
      if (f->message_type() != nullptr) {
        todo.push_back(f->message_type());
        continue;
      }
      const bool number = f->cpp_type() == pb::FieldDescriptor::CPPTYPE_INT32 ||
                          f->cpp_type() == pb::FieldDescriptor::CPPTYPE_INT64 ||
                          f->cpp_type() == pb::FieldDescriptor::CPPTYPE_DOUBLE;
      if (!number || f->name() == "x" || f->name() == "y") continue;
      const pb::FieldOptions& o = f->options();
      CHECK((o.HasExtension(eesim::hw::schema::gt) || o.HasExtension(eesim::hw::schema::ge)));
      CHECK(o.HasExtension(eesim::hw::schema::le));
      ++checked;
    }
  }
  // clock; 6 noc, 2 per noc link, 2 per noc bus; static power; 2 precision, 1 sparsity;
  // 10 systolic, 11 edge_tpu, 5 simd; 14 spatial_array (5 of its own, a dim's size, 6 per
  // level, and the unroll factor reached both from a dim and from an op_unroll); 2 dram
  CHECK(checked == 57);
}
