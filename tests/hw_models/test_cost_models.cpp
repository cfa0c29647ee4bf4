// Edge TPU, SIMD (and its DRAM spill), DRAM and tile rules, each with a hand-computed case.
#include <doctest/doctest.h>

#include "common/error.h"
#include "hw_models/arch_loader.h"
#include "hw_models/core_model.h"
#include "hw_models/cost_cache.h"
#include "hw_models/dram.h"
#include "hw_models/tile.h"
#include "tests/hw_models/core_text.h"

namespace {

using namespace eesim::hw;

// The Edge-TPU-V1-like preset's core: 4x4 PEs x 4 cores x 40 lanes.
CoreSpec v1_core() {
  return testing::core_of(
      "edge_tpu { pes_x: 4 pes_y: 4 cores_per_pe: 4 lanes_per_core: 40 pe_memory_bytes: 65536 "
      "core_memory_bytes: 114688 mac_energy_pj: 0.23 pe_memory_energy_pj_per_byte: 12.5 "
      "core_memory_energy_pj_per_byte: 1.25 }",
      "tpu");
}

// Valid but absurd: a 1-lane SIMD core with a 1-byte memory, an Edge TPU of 2^90 lanes, a 1x1
// systolic array, and a DRAM port of 1e-12 bytes per cycle.
const char* kAbsurd = R"(
name: "absurd" clock_mhz: 1000
noc { width: 3 height: 1 link_bytes_per_cycle: 4 }
core { name: "v0" x: 0 y: 0 static_power_mw: 1 simd { lanes: 1 memory_bytes: 1 } }
core { name: "t0" x: 1 y: 0 static_power_mw: 1 edge_tpu { pes_x: 1048576 pes_y: 1048576
  cores_per_pe: 1048576 lanes_per_core: 1048576 pe_memory_bytes: 1 core_memory_bytes: 1 } }
core { name: "sa" x: 2 y: 0 static_power_mw: 1 systolic { rows: 1 cols: 1 dataflow: OS
  ifmap_sram_bytes: 1 filter_sram_bytes: 1 ofmap_sram_bytes: 1 word_bytes: 4 } }
dram { name: "slow" x: 0 y: 0 bandwidth_bytes_per_cycle: 1e-12 }
)";

TileShape gemm(int64_t groups, int64_t npix, int64_t filters, int64_t window) {
  TileShape t;
  t.cls = TileClass::kGemm;
  t.groups = groups, t.out_pixels = npix, t.filters = filters, t.window = window;
  t.depthwise = groups > 1 && filters == 1;
  return t;
}

}  // namespace

TEST_CASE("edge_tpu: V1-like preset peaks at 2560 MACs/cycle = 4.096 TOPS at 800 MHz") {
  const CoreSpec core = v1_core();
  const auto& m = core_model(core);
  CHECK(m.kind() == "edge_tpu");
  CHECK(m.peak_macs_per_cycle(core) == 2560);
  CHECK(2.0 * 2560 * 800e6 == doctest::Approx(4.096e12));
  CHECK(m.weight_capacity_bytes(core) == 64 * 114688);  // 7 MiB of parameter cache
}

TEST_CASE("edge_tpu: 3x3 conv 64 filters on 56x56 spreads pixels over all 64 cores (80%)") {
  // Lane chunks ceil(64/40) = 2. A: ceil(2/16) * ceil(3136/4) * 576 = 451584;
  // B: 2 * ceil(3136/64) * 576 = 56448 (faster).
  const CoreSpec core = v1_core();
  TileShape t = gemm(1, 3136, 64, 576);
  t.in_elems = 64 * 58 * 58, t.out_elems = 64 * 3136, t.weight_elems = 64 * 576;
  t.weights_resident = true;
  const Cost c = core_model(core).cost(core, t);
  CHECK(c.compute_cycles == 56448);
  CHECK(c.utilization() == doctest::Approx(0.8));
  CHECK(c.ifmap.reads == 2 * 3136 * 576);  // one broadcast read per lane chunk
  CHECK(c.filter.reads == c.macs);         // one weight read per MAC
  CHECK(c.dram_bytes() == 0);              // resident weights, activations fit 1 MiB
  CHECK(c.energy.compute == doctest::Approx(0.23 * 64 * 3136 * 576));
}

TEST_CASE("edge_tpu: depthwise keeps one lane of 40 busy (2.5% utilisation)") {
  // 32 channels, 112x112, 3x3: 32 chunks. A: ceil(32/16) * 3136 * 9; B: 32 * 196 * 9. Both 56448.
  const CoreSpec core = v1_core();
  const Cost c = core_model(core).cost(core, gemm(32, 12544, 1, 9));
  CHECK(c.compute_cycles == 56448);
  CHECK(c.utilization() == doctest::Approx(1.0 / 40));
}

TEST_CASE("edge_tpu: weights not resident stream from DRAM; activations past PE memory spill") {
  const CoreSpec core = v1_core();
  TileShape t = gemm(1, 49, 512, 4608);
  t.weight_elems = 512 * 4608, t.in_elems = 512 * 81, t.out_elems = 512 * 49;
  const Cost streamed = core_model(core).cost(core, t);
  CHECK(streamed.dram_read_bytes == 512 * 4608);
  CHECK(streamed.dram_write_bytes == 0);
  t.weights_resident = true;
  t.in_elems = 600000, t.out_elems = 600000;  // 1.2 MB > 16 x 64 KiB
  const Cost spilled = core_model(core).cost(core, t);
  CHECK(spilled.dram_read_bytes == 600000);
  CHECK(spilled.dram_write_bytes == 600000);
}

TEST_CASE("simd: 1000 eltwise ops on 64 lanes take 16 cycles; a GEMM runs one MAC per lane") {
  const CoreSpec core = testing::core_of(
      "simd { lanes: 64 memory_bytes: 4096 op_energy_pj: 0.03 memory_energy_pj_per_byte: 2.5 }");
  TileShape t;
  t.cls = TileClass::kVector;
  t.vector_ops = 1000, t.in_elems = 2000, t.out_elems = 1000;
  const Cost c = core_model(core).cost(core, t);
  CHECK(c.compute_cycles == 16);
  CHECK(c.energy.compute == doctest::Approx(30.0));
  CHECK(c.energy.sram == doctest::Approx(3000 * 2.5));
  CHECK(c.dram_bytes() == 0);
  const Cost g = core_model(core).cost(core, gemm(1, 10, 64, 10));
  CHECK(g.compute_cycles == 100);
}

TEST_CASE("systolic: an ifmap larger than its buffer streams once per column fold (os)") {
  const CoreSpec core = testing::core_of(
      "systolic { rows: 32 cols: 32 dataflow: OS ifmap_sram_bytes: 1000 "
      "filter_sram_bytes: 1048576 ofmap_sram_bytes: 1048576 vector_lanes: 0 }");
  TileShape t = gemm(1, 256, 128, 256);  // 4 column folds
  t.in_elems = 65536, t.weight_elems = 32768, t.out_elems = 32768;
  const Cost c = core_model(core).cost(core, t);
  CHECK(c.dram_read_bytes == 4 * 65536 + 32768);  // ifmap x 4 folds + weights once
  CHECK(c.dram_write_bytes == 0);
  TileShape v;
  v.cls = TileClass::kVector;
  v.vector_ops = 10;
  CHECK_FALSE(core_model(core).cost(core, v).supported);
}

TEST_CASE("dram: 1001 B at 0.5 B/cycle take 2002 cycles; 8 B at 162.5 pJ/B cost 1300 pJ") {
  DramSpec dram;
  dram.bandwidth_bytes_per_cycle = 0.5, dram.energy_pj_per_byte = 162.5;
  CHECK(dram_cycles(dram, 1001) == 2002);
  CHECK(dram_energy_pj(dram, 8) == doctest::Approx(1300.0));  // Horowitz: 1.3 nJ per 64 bits
}

TEST_CASE("tile: rows [2,4) of a 3x3 stride-1 pad-1 conv on 8x8 read input rows 1..4") {
  eesim::workloads::Layer l;
  l.name = "conv", l.op = "Conv", l.kind = eesim::workloads::LayerKind::kConv;
  l.inputs = {{"x", {1, 16, 8, 8}}};
  l.outputs = {{"y", {1, 32, 8, 8}}};
  l.window = eesim::workloads::Window{{3, 3}, {1, 1}, {1, 1}, {1, 1}, {1, 1}, 1};
  l.macs = 32 * 64 * 144;
  l.weight_params = 32 * 144;
  const TileShape whole = layer_tile(l);
  CHECK(whole.macs() == l.macs);
  const TileShape band = row_band_tile(l, 2, 2);
  CHECK(band.out_pixels == 16);
  CHECK(band.filters == 32);
  CHECK(band.window == 144);
  CHECK(band.in_elems == 16 * 8 * 4);
  CHECK(band.out_elems == 32 * 8 * 2);
  CHECK(row_band_tile(l, 0, 1).in_elems == 16 * 8 * 2);  // the top row's halo is padding
  CHECK_THROWS(row_band_tile(l, 7, 2));
}

// A DRAM port 'd' at (0, 0): 1 byte/cycle, 100 pJ/byte.
DramSpec dram_port_d() {
  DramSpec dram;
  dram.name = "d", dram.bandwidth_bytes_per_cycle = 1, dram.energy_pj_per_byte = 100;
  return dram;
}

TEST_CASE("cost cache: a repeated tile shape is computed once and equals tile_cost") {
  Architecture arch;
  arch.clock_mhz = 800;
  arch.noc.link_bytes_per_cycle = 32;
  arch.cores.push_back(v1_core());
  arch.drams.push_back(dram_port_d());
  CostCache cache(arch);
  TileShape t = gemm(1, 49, 512, 4608);
  t.weight_elems = 1000;
  const Cost first = cache.get(0, t);
  const Cost second = cache.get(0, t);
  CHECK(first == second);
  CHECK(first == tile_cost(arch, 0, t));
  CHECK(first.energy.dram == doctest::Approx(1000 * 100.0));
  CHECK(cache.size() == 1);
  CHECK(cache.hits() == 1);
  CHECK(cache.misses() == 1);
}

TEST_CASE("cost cache: cores of one kind share the model's figure; DRAM energy is per core") {
  // Two equal cores one and three hops from the DRAM port (x 1 and 3; DRAM at x 0).
  Architecture arch;
  arch.clock_mhz = 800;
  arch.noc.width = 4;
  arch.noc.link_bytes_per_cycle = 32;
  arch.noc.energy_pj_per_byte_hop = 2;
  for (int x : {1, 3}) {
    CoreSpec c = v1_core();
    c.name = "c" + std::to_string(x), c.x = x;
    arch.cores.push_back(c);
  }
  arch.drams.push_back(dram_port_d());
  CostCache cache(arch);
  TileShape t = gemm(1, 49, 512, 4608);
  t.weight_elems = 1000;
  const Cost near = cache.get(0, t), far = cache.get(1, t);
  CHECK(cache.size() == 2);
  CHECK(cache.model_evaluations() == 1);  // one kind of core: one model evaluation
  CHECK(near.compute_cycles == far.compute_cycles);
  // 1000 weight bytes: 100 pJ/B at the port, 2 pJ/B per hop over 1 and 3 hops.
  CHECK(near.energy.dram == doctest::Approx(1000 * (100.0 + 2 * 1)));
  CHECK(far.energy.dram == doctest::Approx(1000 * (100.0 + 2 * 3)));
  CHECK(near == tile_cost(arch, 0, t));
  CHECK(far == tile_cost(arch, 1, t));
}

TEST_CASE("limits: a tile's compute time beyond 2^53 cycles is an error naming the core") {
  const Architecture arch = load_architecture_text(kAbsurd, "absurd.textproto");
  TileShape t = gemm(1, int64_t{1} << 40, 1 << 10, 1 << 10);  // 2^60 MACs on one lane
  t.weights_resident = true;
  CHECK_THROWS_WITH_AS(tile_cost(arch, 0, t),
                       "absurd.textproto: core 'v0' (simd): a tile's compute time, "
                       "1152921504606846976 cycles, is beyond the 2^53 cycles eesim simulates "
                       "(an absurd layer or chip)",
                       eesim::Error);
}

TEST_CASE("limits: a tile's DRAM traffic beyond 2^53 cycles at its port is an error") {
  // 10000 weight bytes at 1e-12 bytes/cycle: 1e16 cycles > 2^53 (about 9.007e15).
  const Architecture arch = load_architecture_text(kAbsurd, "absurd.textproto");
  TileShape t;
  t.cls = TileClass::kVector;
  t.vector_ops = 1;
  t.weight_elems = 10000;
  CHECK_THROWS_WITH_AS(tile_cost(arch, 0, t),
                       "absurd.textproto: core 'v0' (simd): a tile's DRAM time, 10000 bytes at "
                       "dram 'slow' of 1e-12 bytes/cycle, is beyond the 2^53 cycles eesim "
                       "simulates (an absurd layer or chip)",
                       eesim::Error);
}

TEST_CASE("limits: a count that overflows 64 bits is an error naming the core, never a wrap") {
  const Architecture arch = load_architecture_text(kAbsurd, "absurd.textproto");
  // 2^40 x 2^20 x 2^10 = 2^70 MACs.
  CHECK_THROWS_WITH_AS(tile_cost(arch, 0, gemm(1, int64_t{1} << 40, 1 << 20, 1 << 10)),
                       "absurd.textproto: core 'v0' (simd): tile MACs: value overflows 64-bit "
                       "integer",
                       eesim::Error);
  // 2^20 x 2^20 PEs x 2^20 cores x 2^20 lanes, each at its ceiling (arch_validate): the Edge
  // TPU's lane count, 2^80, itself does not fit.
  TileShape v;
  v.cls = TileClass::kVector;
  v.vector_ops = 1;
  CHECK_THROWS_WITH_AS(tile_cost(arch, 1, v),
                       "absurd.textproto: core 't0' (edge_tpu): edge_tpu counts: value overflows "
                       "64-bit integer",
                       eesim::Error);
  // 2^40 input elements x 4 bytes re-read once per each of 2^30 column folds: 2^72 bytes.
  TileShape g = gemm(1, 1, 1 << 30, 1);
  g.in_elems = int64_t{1} << 40;
  CHECK_THROWS_WITH_AS(tile_cost(arch, 2, g),
                       "absurd.textproto: core 'sa' (systolic): systolic tile counts: value "
                       "overflows 64-bit integer",
                       eesim::Error);
}

TEST_CASE("limits: architecture figures beyond any edge chip are refused when the file loads") {
  std::string text = kAbsurd;
  text.replace(text.find("pes_x: 1048576"), 14, "pes_x: 1048577");
  CHECK_THROWS_WITH_AS(load_architecture_text(text, "absurd.textproto"),
                       "absurd.textproto:5: core[1] (name 't0') edge_tpu.pes_x: must be <= "
                       "1048576 (beyond any edge chip), got 1048577",
                       eesim::Error);
  CHECK_THROWS_WITH_AS(load_architecture_text(R"(name: "slow" clock_mhz: 0.0001
noc { width: 1 height: 1 link_bytes_per_cycle: 4 }
core { name: "v0" x: 0 y: 0 simd { lanes: 1 memory_bytes: 1 op_energy_pj: 2e9 } }
dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 1 })",
                                              "slow.textproto"),
                       "slow.textproto:1: clock_mhz: must be >= 0.001 (1 kHz), got 1e-04",
                       eesim::Error);
  CHECK_THROWS_WITH_AS(load_architecture_text(R"(name: "hot" clock_mhz: 1
noc { width: 1 height: 1 link_bytes_per_cycle: 4 }
core { name: "v0" x: 0 y: 0 static_power_mw: 1 simd { lanes: 1 memory_bytes: 1 op_energy_pj: 2e9 } }
dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 1 })",
                                              "hot.textproto"),
                       "hot.textproto:3: core[0] (name 'v0') simd.op_energy_pj: must be <= 1e+09 "
                       "(beyond any edge chip), got 2e+09",
                       eesim::Error);
}

TEST_CASE("limits: a realistic conv tile keeps its exact cycles, bytes and energy") {
  // 32x32 OS array, 3x3 conv 64 filters on 56x56 (Npix 3136, Win 576): folds 98 x 2 = 196,
  // 196 * (576 + 32 + 32 - 2) = 125048 cycles. Ifmap (215296 B) and ofmap (200704 B) exceed
  // their 64 KiB buffers: 2 column folds of ifmap + weights once = 467456 B read, 200704 B
  // written. SRAM words: 2*576*3136 + 215296 + 98*576*64 + 36864 + (3136*64 + 196*64) =
  // 7690752, at 2.5 pJ/byte.
  const Architecture arch = load_architecture_text(R"(
name: "real" clock_mhz: 800
noc { width: 1 height: 1 link_bytes_per_cycle: 16 }
core { name: "sa" x: 0 y: 0 static_power_mw: 1 systolic { rows: 32 cols: 32 dataflow: OS
  ifmap_sram_bytes: 65536 filter_sram_bytes: 65536 ofmap_sram_bytes: 65536 } }
dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 16 energy_pj_per_byte: 100 }
)",
                                                   "real");
  TileShape t = gemm(1, 3136, 64, 576);
  t.in_elems = 64 * 58 * 58, t.weight_elems = 64 * 576, t.out_elems = 64 * 3136;
  const Cost c = tile_cost(arch, 0, t);
  CHECK(c.compute_cycles == 125048);
  CHECK(c.macs == 3136 * 64 * 576);
  CHECK(c.dram_read_bytes == 467456);
  CHECK(c.dram_write_bytes == 200704);
  CHECK(c.energy.sram == 7690752 * 2.5);
  CHECK(c.energy.dram == 668160 * 100.0);
  CHECK(dram_cycles(arch.drams[0], c.dram_bytes()) == 41760);
}

TEST_CASE("tile: a band's share of 2^62 + 1 vector ops is exact (no 64-bit product)") {
  // ceil((2^62 + 1) / 3) = 1537228672809129302 per 1-row band of a 3-row output.
  eesim::workloads::Layer l;
  l.name = "relu", l.op = "Relu", l.kind = eesim::workloads::LayerKind::kActivation;
  l.inputs = {{"x", {1, 1, 3, 1}}};
  l.outputs = {{"y", {1, 1, 3, 1}}};
  l.vector_ops = (int64_t{1} << 62) + 1;
  CHECK(row_band_tile(l, 1, 1).vector_ops == 1537228672809129302);
  CHECK(row_band_tile(l, 0, 2).vector_ops == 3074457345618258604);  // ceil(2 * (2^62+1) / 3)
  CHECK(layer_tile(l).vector_ops == l.vector_ops);
}
