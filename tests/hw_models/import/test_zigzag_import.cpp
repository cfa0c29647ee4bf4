// ZigZag core files of each generation, with and without a mapping file, imported into the
// spatial_array schema: exact sizes, widths, energies, served dims, operands, unrolls, offchip.
#include "tests/hw_models/import/import_fixture.h"

namespace eesim::hw {
namespace {

using namespace import_test;
using SA = schema::SpatialArray;

TEST_CASE("zigzag import gen 1: levels keep bits, the dram level is offchip and the dram port") {
  const ImportedChip chip = import_data("zz_gen1.yaml");
  const schema::Architecture a = parsed(chip);
  CHECK(a.name() == "tiny_gen1");
  CHECK(a.clock_mhz() == 1000);
  CHECK(a.noc().width() == 1);
  CHECK(a.noc().height() == 1);
  REQUIRE(a.core_size() == 1);
  REQUIRE(a.dram_size() == 1);
  CHECK(a.dram(0).bandwidth_bytes_per_cycle() == 8);               // 64 bits/cycle / 8
  CHECK(a.dram(0).energy_pj_per_byte() == doctest::Approx(87.5));  // 700 pJ per 64 bits
  const SA& sa = a.core(0).spatial_array();
  CHECK(sa.mac_energy_pj() == doctest::Approx(0.04));  // multiplier_energy
  REQUIRE(sa.dim_size() == 2);
  CHECK(sa.dim(0).name() == "D1");
  CHECK(sa.dim(0).size() == 4);
  CHECK(sa.dim(1).size() == 2);
  CHECK(sa.dim(0).unroll_size() == 0);  // no mapping, no dataflows: idle, with a note
  CHECK(has_note(chip, "every array dimension idles"));
  REQUIRE(sa.level_size() == 4);
  const SA::MemoryLevel& rf_w = sa.level(0);
  CHECK(rf_w.name() == "rf_w");
  CHECK(rf_w.size_bits() == 8);
  REQUIRE(rf_w.operand_size() == 1);
  CHECK(rf_w.operand(0) == SA::WEIGHTS);  // I2 under ZigZag's default links
  REQUIRE(rf_w.served_dim_size() == 1);
  CHECK(rf_w.served_dim(0) == "D2");
  CHECK(rf_w.read_energy_pj() == doctest::Approx(0.01));
  CHECK(rf_w.write_energy_pj() == doctest::Approx(0.02));
  CHECK_FALSE(rf_w.shared_port());
  CHECK(rf_w.min_access_bits() == 0);
  const SA::MemoryLevel& sram = sa.level(2);
  CHECK(sram.size_bits() == 262144);
  CHECK(sram.read_bits_per_cycle() == 512);
  CHECK(sram.write_bits_per_cycle() == 512);
  CHECK(sram.min_access_bits() == 64);
  REQUIRE(sram.operand_size() == 3);
  CHECK(sram.operand(0) == SA::INPUTS);
  CHECK(sram.operand(1) == SA::WEIGHTS);
  CHECK(sram.operand(2) == SA::OUTPUTS);
  CHECK_FALSE(sram.offchip());
  const SA::MemoryLevel& dram = sa.level(3);
  CHECK(dram.size_bits() == 10000000000);
  CHECK(dram.offchip());
  CHECK(dram.shared_port());  // one rw port
  CHECK(dram.read_energy_pj() == 700);
  CHECK(dram.write_energy_pj() == 750);
  CHECK(sa.layer_io() == SA::TOP_LEVEL);
  CHECK(has_note(chip, "rf_o: 4 ports (2 read, 2 write, 0 read_write)"));
  CHECK(has_note(chip, "memories.*.auto_cost_extraction"));
  CHECK(has_note(chip, "memories.*.area"));
  CHECK(has_note(chip, "operational_array.input_precision"));
  CHECK(chip.allowed_cores.empty());
}

TEST_CASE(
    "zigzag import: a mapping's default unrolls the dims, Gemm becomes op_unroll, links swap "
    "I1/I2") {
  const ImportedChip chip = import_data("zz_gen1.yaml", "zz_mapping.yaml");
  const schema::Architecture a = parsed(chip);
  const SA& sa = a.core(0).spatial_array();
  REQUIRE(sa.dim(0).unroll_size() == 1);
  CHECK(sa.dim(0).unroll(0).loop() == SA::K);
  CHECK(sa.dim(0).unroll(0).factor() == 4);
  REQUIRE(sa.dim(1).unroll_size() == 1);
  CHECK(sa.dim(1).unroll(0).loop() == SA::C);
  CHECK(sa.dim(1).unroll(0).factor() == 2);
  REQUIRE(sa.op_unroll_size() == 1);
  const SA::OpUnroll& gemm = sa.op_unroll(0);
  CHECK(gemm.op() == "Gemm");
  REQUIRE(gemm.dim_size() == 2);
  CHECK(gemm.dim(0).name() == "D1");
  REQUIRE(gemm.dim(0).unroll_size() == 2);
  CHECK(gemm.dim(0).unroll(1).loop() == SA::B);
  CHECK(gemm.dim(0).unroll(1).factor() == 2);
  CHECK(gemm.dim(1).unroll(0).factor() == 1);
  // W: I1, I: I2: the I2 register now holds inputs, the sram's I1 weights.
  CHECK(sa.level(0).operand(0) == SA::INPUTS);
  CHECK(sa.level(2).operand(0) == SA::WEIGHTS);
  CHECK(sa.level(2).operand(1) == SA::INPUTS);
  CHECK(has_note(chip, "[*].temporal_ordering"));
}

TEST_CASE("zigzag import gen 3: named ports give widths, minimum access and a dram by mem_type") {
  const ImportedChip chip = import_data("zz_gen3.yaml");
  const schema::Architecture a = parsed(chip);
  const SA& sa = a.core(0).spatial_array();
  CHECK(sa.mac_energy_pj() == doctest::Approx(0.5));  // unit_energy
  REQUIRE(sa.level_size() == 3);
  CHECK(sa.level(0).served_dim_size() == 0);
  CHECK(sa.level(0).read_bits_per_cycle() == 8);
  const SA::MemoryLevel& sram = sa.level(1);
  CHECK(sram.read_bits_per_cycle() == 1024);
  CHECK(sram.write_bits_per_cycle() == 512);
  CHECK(sram.min_access_bits() == 64);
  CHECK_FALSE(sram.shared_port());
  const SA::MemoryLevel& dram = sa.level(2);
  CHECK(dram.name() == "big_dram");
  CHECK(dram.offchip());
  CHECK(dram.shared_port());
  CHECK(dram.min_access_bits() == 0);  // bandwidth_min == bandwidth_max: the full width
  CHECK(a.dram(0).bandwidth_bytes_per_cycle() == 16);             // 128 bits
  CHECK(a.dram(0).energy_pj_per_byte() == doctest::Approx(100));  // 1600 pJ / 16 bytes
  CHECK(a.noc().link_bytes_per_cycle() == 16);
}

TEST_CASE("zigzag import gen 2: a core's own dataflows unroll its dims; no dram level is refused") {
  // stream_core.yaml has dataflows and no off-chip level: fine inside a Stream chip, not alone.
  const std::string msg = import_error(kData + "stream_core.yaml");
  CHECK(msg.rfind(kData + "stream_core.yaml:", 0) == 0);
  CHECK(msg.find("memories.sram") != std::string::npos);
  CHECK(msg.find("not off chip") != std::string::npos);
}

TEST_CASE("zigzag import: the imported text passes eesim's loader and costs a layer") {
  const ImportedChip chip = import_data("zz_gen3.yaml");
  const Architecture arch = load_imported(chip);
  REQUIRE(arch.cores.size() == 1);
  CHECK(arch.cores[0].kind() == "spatial_array");
  CHECK(arch.source.find("zz_gen3.yaml (imported)") != std::string::npos);
}

}  // namespace
}  // namespace eesim::hw
