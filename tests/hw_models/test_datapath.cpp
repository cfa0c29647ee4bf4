// Operand widths and weight density on a core (hw_models/datapath.h): packing, Bit Fusion's
// fused narrow operands, passes for wide ones, refusal, Sparseloop's gating, skipping and
// compressed formats, and the "memory only" mode; each with a hand-computed case, on the
// datapath and through the cost models that use it.
#include <doctest/doctest.h>

#include "hw_models/core_model.h"
#include "hw_models/datapath.h"
#include "hw_models/tile.h"
#include "tests/hw_models/core_text.h"

namespace {

using namespace eesim::hw;

// One PE, one core, 4 lanes: a GEMM's window is time on a lane, so cycles read off directly.
const char* kTinyTpu =
    "edge_tpu { pes_x: 1 pes_y: 1 cores_per_pe: 1 lanes_per_core: 4 pe_memory_bytes: 1000000 "
    "core_memory_bytes: 1000000 mac_energy_pj: 1 pe_memory_energy_pj_per_byte: 0 "
    "core_memory_energy_pj_per_byte: 0 }";

CoreSpec tpu(const std::string& blocks = "") { return testing::core_of(blocks + " " + kTinyTpu); }

// 2 pixels x 4 filters x window 10 = 80 MACs; 40 weights; 20 inputs; 8 outputs.
TileShape gemm(int64_t weight_bits, int64_t input_bits, int64_t output_bits = 8) {
  TileShape t;
  t.cls = TileClass::kGemm;
  t.out_pixels = 2, t.filters = 4, t.window = 10;
  t.weight_elems = 40, t.in_elems = 20, t.out_elems = 8;
  t.weight_bits = weight_bits, t.input_bits = input_bits, t.output_bits = output_bits;
  return t;
}

}  // namespace

TEST_CASE("datapath: operands are packed: 3 x 4 bits = 2 bytes, 10 x 4 bits = 5; bits 0 = word") {
  CHECK(operand_bytes(3, 4, 1) == 2);
  CHECK(operand_bytes(10, 4, 1) == 5);
  CHECK(operand_bytes(10, 32, 1) == 40);
  CHECK(operand_bytes(10, 0, 2) == 20);  // not stated: the core's word
}

TEST_CASE("datapath: 4-bit weights take half the bytes of 8-bit ones, in storage and in DRAM") {
  const CoreSpec core = tpu();
  const Datapath d8 = datapath(core, 1, gemm(8, 8)), d4 = datapath(core, 1, gemm(4, 8));
  CHECK(d8.weight_bytes == 40);
  CHECK(d4.weight_bytes == 20);
  CHECK(weight_storage_bytes(core, 1, gemm(4, 8)) == 20);
  // Not resident: the weights stream from DRAM; activations fit the PE memory.
  CHECK(core_model(core).cost(core, gemm(8, 8)).dram_read_bytes == 40);
  CHECK(core_model(core).cost(core, gemm(4, 8)).dram_read_bytes == 20);
}

TEST_CASE("datapath: a PAD datapath runs int4 at the int8 rate and MAC energy") {
  const CoreSpec core = tpu();
  const Cost c8 = core_model(core).cost(core, gemm(8, 8)),
             c4 = core_model(core).cost(core, gemm(4, 4));
  // One chunk of 4 lanes, 2 pixels on one core, window 10: 2 x 10 = 20 cycles; 80 MACs x 1 pJ.
  CHECK(c8.compute_cycles == 20);
  CHECK(c4.compute_cycles == 20);
  CHECK(c4.energy.compute == doctest::Approx(80));
}

TEST_CASE("datapath: Bit Fusion fuses 4-bit operands 2x each way and 2-bit ones 4x") {
  const CoreSpec core = tpu("precision { narrower: FUSE }");
  CHECK(datapath(core, 1, gemm(4, 8)).fused == 2);
  CHECK(datapath(core, 1, gemm(4, 4)).fused == 4);
  CHECK(datapath(core, 1, gemm(2, 2)).fused == 16);  // 16 2x2-bit MACs per 8x8-bit unit
  CHECK(datapath(core, 1, gemm(3, 8)).fused == 2);   // 3 bits run as a 4-bit brick pair
  // 4/4 bits: the window of 10 runs in ceil(10/4) = 3 cycles per pixel: 2 x 3 = 6 cycles;
  // each MAC uses a quarter of the unit: 80 x 1 pJ / 4 = 20 pJ.
  const Cost c = core_model(core).cost(core, gemm(4, 4));
  CHECK(c.compute_cycles == 6);
  CHECK(c.macs == 80);
  CHECK(c.energy.compute == doctest::Approx(20));
}

TEST_CASE("datapath: wider operands take one pass per pair of slices: 16/8 = 2, fp32 = 16") {
  const CoreSpec core = tpu();
  CHECK(datapath(core, 1, gemm(16, 8)).passes == 2);
  CHECK(datapath(core, 1, gemm(32, 32)).passes == 16);
  const Cost c = core_model(core).cost(core, gemm(32, 32, 32));
  CHECK(c.compute_cycles == 2 * 10 * 16);
  CHECK(c.energy.compute == doctest::Approx(80 * 16));
  CHECK(c.dram_read_bytes == 160);  // 40 fp32 weights
  // A 16-bit native datapath runs 16-bit operands in one pass.
  const CoreSpec wide = tpu("precision { native_bits: 16 }");
  CHECK(datapath(wide, 1, gemm(16, 16)).passes == 1);
}

TEST_CASE("datapath: a REFUSE core cannot run wider operands, and says why") {
  const CoreSpec core = tpu("precision { wider: REFUSE }");
  const Cost c = core_model(core).cost(core, gemm(16, 8));
  CHECK_FALSE(c.supported);
  CHECK(c.reason.find("at most 8 bits") != std::string::npos);
  CHECK(c.reason.find("16-bit weights") != std::string::npos);
  CHECK(core_model(core).cost(core, gemm(8, 8)).supported);
}

TEST_CASE("datapath: memory-only precision keeps the arithmetic native, traffic follows bits") {
  const CoreSpec core = tpu("precision { narrower: FUSE }");
  TileShape t = gemm(32, 32, 32);
  t.bits_scale_compute = false;
  const Cost c = core_model(core).cost(core, t);
  CHECK(c.compute_cycles == 20);
  CHECK(c.energy.compute == doctest::Approx(80));
  CHECK(c.dram_read_bytes == 160);
  t = gemm(4, 4);
  t.bits_scale_compute = false;
  CHECK(core_model(core).cost(core, t).compute_cycles == 20);
}

TEST_CASE("datapath: gating zero weights scales MAC energy by density; skipping, cycles too") {
  TileShape t = gemm(8, 8);
  t.weight_density = 0.25;
  const CoreSpec dense = tpu(), gate = tpu("sparsity { zero_weights: GATE }"),
                 skip = tpu("sparsity { zero_weights: SKIP }");
  const Cost cd = core_model(dense).cost(dense, t), cg = core_model(gate).cost(gate, t),
             cs = core_model(skip).cost(skip, t);
  CHECK(cd.compute_cycles == 20);
  CHECK(cd.energy.compute == doctest::Approx(80));
  CHECK(cg.compute_cycles == 20);
  CHECK(cg.energy.compute == doctest::Approx(20));
  // Window 10 at density 0.25: ceil(2.5) = 3 cycles per pixel, 6 in all.
  CHECK(cs.compute_cycles == 6);
  CHECK(cs.energy.compute == doctest::Approx(20));
  CHECK(cs.macs == 80);  // useful MACs are the layer's: utilisation shows the skipping
}

TEST_CASE("datapath: compressed weights: bitmask, run-length and coordinates at density 0.1") {
  TileShape t;
  t.cls = TileClass::kGemm;
  t.out_pixels = 1, t.filters = 10, t.window = 10, t.weight_elems = 100, t.weight_bits = 8;
  t.weight_density = 0.1;  // 10 non-zero
  // Bitmask: 10 x 8 + 100 bits = 180 bits = 23 bytes; RLE, CP with 4-bit metadata: 10 x 12 =
  // 120 bits = 15 bytes; uncompressed: 100 bytes.
  CHECK(weight_storage_bytes(tpu(), 1, t) == 100);
  CHECK(weight_storage_bytes(tpu("sparsity { weight_format: BITMASK }"), 1, t) == 23);
  CHECK(weight_storage_bytes(tpu("sparsity { weight_format: RUN_LENGTH }"), 1, t) == 15);
  const CoreSpec cp = tpu("sparsity { weight_format: COORDINATE metadata_bits: 8 }");
  CHECK(weight_storage_bytes(cp, 1, t) == 20);  // 10 x (8 + 8) bits
  CHECK(datapath(cp, 1, t).weight_bits_stored == doctest::Approx(1.6));
  CHECK(core_model(cp).cost(cp, t).dram_read_bytes == 20);
}

TEST_CASE("datapath: systolic OS 4x4: window 8 is 14 cycles; fused 4/4 bits 8; 16/8 bits 22") {
  const std::string array =
      " systolic { rows: 4 cols: 4 dataflow: OS ifmap_sram_bytes: 4096 filter_sram_bytes: 4096 "
      "ofmap_sram_bytes: 4096 }";
  const CoreSpec plain = testing::core_of(array),
                 fuse = testing::core_of("precision { narrower: FUSE }" + array);
  TileShape t;
  t.cls = TileClass::kGemm;
  t.out_pixels = 4, t.filters = 4, t.window = 8;
  t.in_elems = 32, t.weight_elems = 32, t.out_elems = 16;
  // SCALE-Sim OS, one fold: T + rows + cols - 2 = 8 + 6 = 14.
  CHECK(core_model(plain).cost(plain, t).compute_cycles == 14);
  t.weight_bits = t.input_bits = 4;  // T = ceil(8 / 4) = 2: 2 + 6
  CHECK(core_model(fuse).cost(fuse, t).compute_cycles == 8);
  CHECK(core_model(plain).cost(plain, t).compute_cycles == 14);
  t.weight_bits = 16, t.input_bits = 8;  // two passes: T = 16: 16 + 6
  CHECK(core_model(plain).cost(plain, t).compute_cycles == 22);
}

TEST_CASE("datapath: SIMD lanes run vector ops at any width; MACs follow the datapath") {
  const CoreSpec core = testing::core_of("simd { lanes: 4 memory_bytes: 100000 }");
  TileShape v;
  v.cls = TileClass::kVector;
  v.vector_ops = 40, v.in_elems = 40, v.out_elems = 40, v.input_bits = v.output_bits = 32;
  const Cost c = core_model(core).cost(core, v);
  CHECK(c.compute_cycles == 10);
  CHECK(core_model(core).cost(core, gemm(16, 8)).compute_cycles == 40);  // 80 MACs x 2 / 4
}
