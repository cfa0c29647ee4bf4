// The spatial_array kind: its temporal-mapping model on a 2-level hierarchy over a 1-D array and
// on a 4-D array (every figure computed by hand below), the adapter from a tile, and the file
// rules a SpatialArray block must keep.
#include <doctest/doctest.h>

#include "common/error.h"
#include "hw_models/core_model.h"
#include "hw_models/temporal_mapping.h"
#include "hw_models/tile.h"
#include "tests/hw_models/core_text.h"

namespace {

using namespace eesim::hw;
using namespace eesim::hw::spatial;

Level level(const char* name, int64_t size_bits, std::array<bool, kNumOperands> stores,
            std::vector<bool> serves, int64_t bw, double r_pj, double w_pj, int64_t min = 0) {
  Level l;
  l.name = name, l.size_bits = size_bits, l.stores = stores, l.serves = std::move(serves);
  l.read_bits_per_cycle = l.write_bits_per_cycle = bw, l.min_access_bits = min;
  l.read_energy_pj = r_pj, l.write_energy_pj = w_pj;
  return l;
}

// D1 = 4 unrolls K. reg: one weight per PE (8 b), acc: one output per PE (8 b), buf: everything,
// spans D1, 64 b wide with 8-b accesses, 80 pJ per 64-b read (10 pJ/B) and 96 per write (12).
// MAC 1 pJ; all data and partial sums 8 bits. Layer K 4, C 2, OX 3: 24 MACs, 6 cycles.
TEST_CASE("temporal mapping: a 1-D array over a register and a buffer, by hand") {
  Hierarchy h;
  h.dims = {{"D1", 4, {{kK, 4}}}};
  h.levels = {level("reg", 8, {true, false, false}, {false}, 8, 0.1, 0.1),
              level("acc", 8, {false, false, true}, {false}, 8, 0.2, 0.2),
              level("buf", 1 << 20, {true, true, true}, {true}, 64, 80, 96, 8)};
  h.mac_energy_pj = 1;
  LayerLoops l;
  l.size[kK] = 4, l.size[kC] = 2, l.size[kOX] = 3;
  l.psum_bits = 8;
  REQUIRE(l.macs() == 24);

  // Order A, C innermost: acc accumulates over C (one output per PE fits), reg holds nothing
  // longer than a cycle (the next C needs another weight).
  //   W: reg 24 writes + 24 reads (0.1 pJ) = 4.8; buf 24 weights = 3 reads of 64 b = 240.
  //   I: buf, one 8-b value a cycle broadcast over K: 6 x 1/8 read = 60.
  //   O: acc 24 writes + 12 read-backs + 12 sent up (0.2 pJ) = 9.6; buf 12 x 8 b = 1.5 writes
  //      = 144. MACs 24. Total 482.4 pJ.
  //   Cycles: 6 + onload (4 weights = 32 b over the 64-b port: 1) + offload (4 outputs: 1) = 8.
  // Order B, OX innermost, keeps each weight in reg for 3 cycles but sends partial sums to buf
  // and back (588.0 pJ, also 8 cycles): the tie on cycles goes to the lower energy, A.
  const MappingCost m = best_mapping(l, h);
  REQUIRE(m.feasible);
  CHECK(m.ideal_cycles == 6);
  CHECK(m.cycles == 8);
  CHECK(m.energy_pj() == doctest::Approx(482.4));
  CHECK(m.mac_energy_pj == doctest::Approx(24));
  REQUIRE(m.order.size() == 2);
  CHECK(m.order[0] == std::pair<Dim, int64_t>{kC, 2});
  CHECK(m.order[1] == std::pair<Dim, int64_t>{kOX, 3});
  CHECK(m.traffic[0][kW].reads == doctest::Approx(24));
  CHECK(m.traffic[0][kW].writes == doctest::Approx(24));
  CHECK(m.traffic[1][kO].writes == doctest::Approx(24));
  CHECK(m.traffic[1][kO].reads == doctest::Approx(24));  // 12 read-backs + 12 sent up
  CHECK(m.traffic[2][kW].reads == doctest::Approx(3));
  CHECK(m.traffic[2][kI].reads == doctest::Approx(0.75));
  CHECK(m.traffic[2][kO].writes == doctest::Approx(1.5));
  CHECK(m.traffic[2][kO].reads == doctest::Approx(0));  // no partial sum comes back down
  CHECK(m.utilization == doctest::Approx(24.0 / (4 * 8)));

  // Minimising energy picks the same order here.
  h.minimize_energy = true;
  CHECK(best_mapping(l, h).energy_pj() == doctest::Approx(482.4));
}

// ZigZag's edge_tpu_like core (8 x 8 x 4 x 4 unrolling K, C, OX, OY; its levels and energies as
// in issue 19's presets) on a layer that fills the array exactly once: K 8, C 8, OX 4, OY 4.
Hierarchy edge_tpu_like() {
  Hierarchy h;
  h.dims = {
      {"D1", 8, {{kK, 8}}}, {"D2", 8, {{kC, 8}}}, {"D3", 4, {{kOX, 4}}}, {"D4", 4, {{kOY, 4}}}};
  const std::vector<bool> all(4, true);
  h.levels = {level("rf_1B", 8, {true, false, false}, {false, false, true, true}, 8, 0.01, 0.01),
              level("rf_2B", 16, {false, false, true}, {false, true, false, false}, 16, 0.02, 0.02),
              level("sram_32KB", 262144, {true, false, false}, all, 512, 22.9, 52.01, 64),
              level("sram_2MB", 16777216, {false, true, true}, all, 2048, 416.16, 378.4, 64),
              level("dram", 10000000000, {true, true, true}, all, 64, 700, 750)};
  h.levels[4].shared_port = h.levels[4].offchip = true;
  h.mac_energy_pj = 0.04;
  return h;
}

TEST_CASE("temporal mapping: the 4-D edge_tpu_like array on one full pass, by hand") {
  LayerLoops l;
  l.size[kK] = 8, l.size[kC] = 8, l.size[kOX] = 4, l.size[kOY] = 4;
  const MappingCost m = best_mapping(l, edge_tpu_like());
  REQUIRE(m.feasible);
  // 1,024 MACs x 0.04 = 40.96 pJ.
  // W: 64 weights (K x C), each broadcast over the 16 PEs of OX x OY: rf_1B 64 writes + 64 reads
  //    (1.28); sram_32KB one 512-b write from DRAM (52.01) and one 512-b read (22.9).
  // I: 128 values (C x OY x OX), broadcast over K: sram_2MB writes 1,024 b from DRAM = half of a
  //    2,048-b write (189.2) and reads them once for the array (208.08).
  // O: 128 outputs (K x OY x OX) reduced over C by D2's adder tree into rf_2B: 128 writes + 128
  //    reads up (5.12); sram_2MB half a write (189.2) and half a read on to DRAM (208.08).
  // DRAM, 64 b: I 16 + W 8 reads x 700, O 16 writes x 750 = 28,800.
  CHECK(m.mac_energy_pj == doctest::Approx(40.96));
  CHECK(m.memory_energy_pj ==
        doctest::Approx(1.28 + 52.01 + 22.9 + 189.2 + 208.08 + 5.12 + 189.2 + 208.08));
  CHECK(m.offchip_energy_pj == doctest::Approx(28800));
  CHECK(m.energy_pj() == doctest::Approx(29716.83));
  CHECK(m.offchip_read_bits == doctest::Approx(1024 + 512));
  CHECK(m.offchip_write_bits == doctest::Approx(1024));
  // Cycles: 1 + onload max(I: 1,024 b over the 64-b DRAM port = 16; W: 8 + 1 into rf_1B = 9)
  // + offload (rf_2B -> sram_2MB 1, then 16 to DRAM) = 34.
  CHECK(m.ideal_cycles == 1);
  CHECK(m.cycles == 34);

  // ON_CHIP: activations start and end in sram_2MB (level 3); weights still come from DRAM.
  // Gone: I's DRAM reads (11,200) and sram_2MB write (189.2), O's sram_2MB read (208.08) and
  // DRAM writes (12,000). Cycles 1 + onload 9 (weights) + offload 1 (rf_2B -> sram_2MB) = 11.
  const MappingCost on_chip = best_mapping(l, edge_tpu_like(), {-1, 3, 3});
  REQUIRE(on_chip.feasible);
  CHECK(on_chip.energy_pj() == doctest::Approx(29716.83 - 11200 - 189.2 - 208.08 - 12000));
  CHECK(on_chip.offchip_read_bits == doctest::Approx(512));
  CHECK(on_chip.offchip_write_bits == doctest::Approx(0));
  CHECK(on_chip.cycles == 11);
}

TEST_CASE("temporal mapping: sliding windows fetch each input once, by hand") {
  // A 1-D convolution with one filter and one channel: OX 4, FX 3, stride 1 (12 MACs), on one
  // PE under a single buffer 64 b wide with 8-b accesses, 8 pJ per access (1 pJ per 8-b value),
  // MAC 1 pJ. The loops (OX 2, OX 2, FX 3) all slide the window: the 4 + 3 - 1 = 6 inputs are
  // read once, not once per MAC (12).
  //   MACs 12; weights 3 reads (OX innermost keeps each weight for 4 cycles); inputs 6;
  //   outputs 12 writes + 8 read-backs (every MAC after an output's first). Total 41 pJ.
  //   Cycles 12: every operand lives in the one level, so nothing loads or drains, and the
  //   port needs 1.75 + 1.375 access cycles beyond its first transfers.
  Hierarchy h;
  h.dims = {{"D1", 1, {}}};
  h.levels = {level("buf", 1 << 20, {true, true, true}, {true}, 64, 8, 8, 8)};
  h.mac_energy_pj = 1;
  LayerLoops l;
  l.size[kOX] = 4, l.size[kFX] = 3;
  l.psum_bits = 8;
  const MappingCost m = best_mapping(l, h);
  REQUIRE(m.feasible);
  CHECK(m.cycles == 12);
  CHECK(m.traffic[0][kI].reads == doctest::Approx(6.0 / 8));
  CHECK(m.traffic[0][kW].reads == doctest::Approx(3.0 / 8));
  CHECK(m.traffic[0][kO].writes == doctest::Approx(12.0 / 8));
  CHECK(m.traffic[0][kO].reads == doctest::Approx(8.0 / 8));
  CHECK(m.energy_pj() == doctest::Approx(41));
  CHECK(m.order.front().first == kOX);
}

TEST_CASE("temporal mapping: a layer the array only partly covers runs at its utilisation") {
  // tpu_like's conv1 shape in small: C = 3 on a dimension of 8 unrolling C, K = 8 on 8.
  Hierarchy h = edge_tpu_like();
  LayerLoops l;
  l.size[kK] = 8, l.size[kC] = 3, l.size[kOX] = 8, l.size[kOY] = 8;
  const MappingCost m = best_mapping(l, h);
  REQUIRE(m.feasible);
  // Temporal loops: OX 8 / 4 = 2, OY 2: 4 cycles of 1,024 PEs for 1,536 MACs.
  CHECK(m.ideal_cycles == 4);
  CHECK(m.mac_energy_pj == doctest::Approx(1536 * 0.04));
}

TEST_CASE("spatial_array: a file's block, a conv tile through the adapter, and its DRAM") {
  const CoreSpec core = testing::core_of(R"(spatial_array {
    dim { name: "D1" size: 4 unroll { loop: K factor: 4 } }
    mac_energy_pj: 1
    level { name: "reg" size_bits: 8 operand: WEIGHTS read_bits_per_cycle: 8
            write_bits_per_cycle: 8 read_energy_pj: 0.1 write_energy_pj: 0.1 }
    level { name: "acc" size_bits: 8 operand: OUTPUTS read_bits_per_cycle: 8
            write_bits_per_cycle: 8 read_energy_pj: 0.2 write_energy_pj: 0.2 }
    level { name: "buf" size_bits: 1048576 operand: [WEIGHTS, INPUTS, OUTPUTS] served_dim: "D1"
            read_bits_per_cycle: 64 write_bits_per_cycle: 64 min_access_bits: 8
            read_energy_pj: 80 write_energy_pj: 96 }
    psum_bits: 8 })");
  CHECK(core.kind() == "spatial_array");
  const CoreModel& model = core_model(core);
  CHECK(model.peak_macs_per_cycle(core) == 4);
  CHECK(model.on_chip_bytes(core) == 4 + 4 + 131072);  // reg and acc per PE, buf once
  CHECK(model.weight_capacity_bytes(core) == 4 + 131072);
  // The first case's layer as a 1-D convolution tile: K 4, C 2, 3 output columns, kernel 1.
  TileShape t;
  t.cls = TileClass::kGemm;
  t.filters = 4, t.window = 2, t.out_pixels = 3, t.out_cols = 3;
  t.weight_elems = 8, t.in_elems = 6, t.out_elems = 12;
  const Cost c = model.cost(core, t);
  REQUIRE(c.supported);
  CHECK(c.compute_cycles == 8);
  CHECK(c.macs == 24);
  CHECK(c.energy.total() == doctest::Approx(482.4));
  // No level is off chip: the chip's DRAM port brings the weights and, under TOP_LEVEL, the
  // inputs, and takes the outputs, once each, priced by the dram block (not here).
  CHECK(c.dram_read_bytes == 8 + 6);
  CHECK(c.dram_write_bytes == 12);
  CHECK_FALSE(c.prices_own_dram);
  TileShape resident = t;
  resident.weights_resident = true;
  CHECK(model.cost(core, resident).dram_read_bytes == 6);
  CHECK(c.filter.reads == 24 + 3);
  CHECK(model.cost(core, TileShape{}).reason.find("vector_lanes") != std::string::npos);
}

TEST_CASE("spatial_array: a block that breaks a rule names the key") {
  const auto error_of = [](const std::string& block) {
    try {
      testing::core_of("spatial_array { mac_energy_pj: 1 " + block + " }");
    } catch (const eesim::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string buf =
      "level { name: \"buf\" size_bits: 64 operand: [WEIGHTS, INPUTS, OUTPUTS] "
      "read_bits_per_cycle: 8 write_bits_per_cycle: 8 read_energy_pj: 1 write_energy_pj: 1 ";
  CHECK(error_of("dim { name: \"D1\" size: 4 unroll { loop: K factor: 8 } } " + buf + "}") ==
        "core_of:4: core[0] (name 'core') spatial_array.dim[0].unroll[0].factor: the unrolls of "
        "this dimension multiply to 8, more than its size 4");
  CHECK(error_of("dim { name: \"D1\" size: 4 } " + buf + "served_dim: \"D2\" }") ==
        "core_of:4: core[0] (name 'core') spatial_array.level[0].served_dim[0]: no array "
        "dimension named 'D2'");
  CHECK(error_of("dim { name: \"D1\" size: 4 } level { name: \"w\" size_bits: 64 operand: "
                 "WEIGHTS read_bits_per_cycle: 8 write_bits_per_cycle: 8 read_energy_pj: 1 "
                 "write_energy_pj: 1 }") ==
        "core_of:4: core[0] (name 'core') spatial_array.level: no level stores INPUTS: every "
        "operand needs at least one level");
  CHECK(error_of("dim { name: \"D1\" size: 4 } " + buf + "offchip: true } " +
                 "level { name: \"top\" size_bits: 64 operand: OUTPUTS read_bits_per_cycle: 8 "
                 "write_bits_per_cycle: 8 read_energy_pj: 1 write_energy_pj: 1 }") ==
        "core_of:4: core[0] (name 'core') spatial_array.level[0].offchip: only the top (last) "
        "level can be off chip");
}

}  // namespace
