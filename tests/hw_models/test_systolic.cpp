// Systolic timing and SRAM counts against SCALE-Sim v2: its own golden reports, and layers of
// ResNet-18 and MobileNetV2 computed by hand from SCALE-Sim's per-fold demand matrices.
#include <doctest/doctest.h>

#include "hw_models/core_model.h"
#include "hw_models/systolic_gemm.h"
#include "tests/hw_models/core_text.h"

namespace {

using eesim::hw::Dataflow;
using eesim::hw::systolic_gemm;

// SCALE-Sim reports the index of the last cycle: one less than the count.
int64_t scalesim_reported(int64_t cycles) { return cycles - 1; }

}  // namespace

// scale-sim-v2 test/general/golden_trace_user_{os,ws,is}: GEMM M=256, N=128, K=256 on 32x32
// (topologies/GEMM_mnk/test_mnk_input.csv), Total Cycles - Stall Cycles and SRAM counts from
// COMPUTE_REPORT.csv and DETAILED_ACCESS_REPORT.csv.
TEST_CASE("systolic: SCALE-Sim v2 golden GEMM 256x128x256 on 32x32, all three dataflows") {
  const auto os = systolic_gemm(32, 32, Dataflow::kOs, 256, 128, 256);
  CHECK(scalesim_reported(os.cycles) == 52447 - 42272);
  CHECK(os.ifmap_reads == 262144);
  CHECK(os.filter_reads == 262144);
  CHECK(os.ofmap_writes == 34816);
  const auto ws = systolic_gemm(32, 32, Dataflow::kWs, 256, 128, 256);
  CHECK(scalesim_reported(ws.cycles) == 52447 - 41248);
  CHECK(ws.ifmap_reads == 262144);
  CHECK(ws.filter_reads == 32768);
  CHECK(ws.ofmap_writes == 262144);
  const auto is = systolic_gemm(32, 32, Dataflow::kIs, 256, 128, 256);
  CHECK(scalesim_reported(is.cycles) == 19984 - 5777);
  CHECK(is.ifmap_reads == 65536);
  CHECK(is.filter_reads == 262144);
  CHECK(is.ofmap_writes == 262144);
}

// ResNet-18 conv1 at 224x224: 7x7x3 -> 64, stride 2, 112x112 out. Npix 12544, Win 147, K 64.
TEST_CASE("systolic os: ResNet-18 conv1 on 16x16, 32x32 and 128x128") {
  const auto a = systolic_gemm(16, 16, Dataflow::kOs, 12544, 64, 147);
  CHECK(a.folds() == 784 * 4);
  CHECK(a.cycles == 3136 * 177);  // 555072: (147 + 16 + 16 - 2) per fold
  CHECK(a.ifmap_reads == 7375872);
  CHECK(a.filter_reads == 7375872);
  CHECK(a.ofmap_writes == 802816 + 3136 * 32);
  const auto b = systolic_gemm(32, 32, Dataflow::kOs, 12544, 64, 147);
  CHECK(b.cycles == 163856);  // 392 * 2 folds * 209
  CHECK(b.ifmap_reads == 3687936);
  CHECK(b.filter_reads == 3687936);
  CHECK(b.ofmap_writes == 852992);
  const auto c = systolic_gemm(128, 128, Dataflow::kOs, 12544, 64, 147);
  CHECK(c.cycles == 39298);  // 98 folds * 401
  CHECK(c.ifmap_reads == 1843968);
  CHECK(c.filter_reads == 921984);
  CHECK(c.ofmap_writes == 827904);
}

TEST_CASE("systolic ws/is: ResNet-18 conv1 on 32x32 takes 126380 (ws) and 309680 (is) cycles") {
  const auto ws = systolic_gemm(32, 32, Dataflow::kWs, 12544, 64, 147);
  CHECK(ws.folds() == 10);     // (147 -> 5) x (64 -> 2)
  CHECK(ws.cycles == 126380);  // 10 * (64 + 32 + 12544 - 2)
  CHECK(ws.ifmap_reads == 3687936);
  CHECK(ws.filter_reads == 9408);
  CHECK(ws.ofmap_writes == 4014080);
  const auto is = systolic_gemm(32, 32, Dataflow::kIs, 12544, 64, 147);
  CHECK(is.folds() == 1960);   // (147 -> 5) x (12544 -> 392)
  CHECK(is.cycles == 309680);  // 1960 * (64 + 32 + 64 - 2)
  CHECK(is.ifmap_reads == 1843968);
  CHECK(is.filter_reads == 3687936);
  CHECK(is.ofmap_writes == 4014080);
}

// ResNet-18 layer4 3x3 conv 512 -> 512 at 7x7: Npix 49, Win 4608, K 512.
TEST_CASE("systolic: ResNet-18 layer4 conv takes 19448 cycles (os, 128x128), 875520 (ws, 16x16)") {
  const auto os = systolic_gemm(128, 128, Dataflow::kOs, 49, 512, 4608);
  CHECK(os.cycles == 4 * 4862);
  const auto ws = systolic_gemm(16, 16, Dataflow::kWs, 49, 512, 4608);
  CHECK(ws.folds() == 288 * 32);
  CHECK(ws.cycles == 9216 * 95);
  CHECK(ws.filter_reads == 4608 * 512);
  CHECK(ws.ofmap_writes == 288 * 49 * 512);
}

// The batch-1 fully connected layer 512 -> 1000: one row of the array works (about 3%).
TEST_CASE("systolic: ResNet-18 fc on 32x32 os takes 18368 cycles at 2.7% utilisation") {
  const auto os = systolic_gemm(32, 32, Dataflow::kOs, 1, 1000, 512);
  CHECK(os.folds() == 32);
  CHECK(os.cycles == 18368);  // 32 * (512 + 62)
  CHECK(os.ifmap_reads == 16384);
  CHECK(os.filter_reads == 512000);
  CHECK(os.ofmap_writes == 1000 + 32 * 64);
  CHECK(512000.0 / (1024.0 * os.cycles) == doctest::Approx(0.0272).epsilon(0.01));
  const auto ws = systolic_gemm(128, 128, Dataflow::kWs, 1, 1000, 512);
  CHECK(ws.cycles == 32 * 383);  // 4 x 8 folds of (256 + 128 + 1 - 2)
}

TEST_CASE("systolic is: MobileNetV2 1x1 expansion 16 -> 96 at 112x112 on 16x16 takes 111328") {
  const auto is = systolic_gemm(16, 16, Dataflow::kIs, 12544, 96, 16);
  CHECK(is.folds() == 784);
  CHECK(is.cycles == 111328);  // 784 * (32 + 16 + 96 - 2)
  CHECK(is.ifmap_reads == 16 * 12544);
  CHECK(is.filter_reads == 784 * 96 * 16);
  CHECK(is.ofmap_writes == 96 * 12544);
}

// MobileNetV2's first depthwise conv: 3x3 on 32 channels at 112x112. SCALE-Sim runs 32 GEMMs of
// 12544 x 1 x 9; one column of 32 works: under 1% utilisation.
TEST_CASE("systolic os: MobileNetV2 depthwise as per-channel GEMMs takes 890624 cycles (<1%)") {
  const std::string array =
      "rows: 32 cols: 32 dataflow: OS ifmap_sram_bytes: 1048576 filter_sram_bytes: 1048576 "
      "ofmap_sram_bytes: 1048576";
  const eesim::hw::CoreSpec core = eesim::hw::testing::core_of("systolic { " + array + " }");
  eesim::hw::TileShape t;
  t.cls = eesim::hw::TileClass::kGemm;
  t.groups = 32, t.out_pixels = 12544, t.filters = 1, t.window = 9, t.depthwise = true;
  const auto& model = eesim::hw::core_model("systolic");
  const auto c = model.cost(core, t);
  CHECK(c.compute_cycles == 32 * 392 * 71);
  CHECK(c.ifmap.reads == 32 * 112896);
  CHECK(c.filter.reads == 32 * 3528);
  CHECK(c.ofmap.writes == 32 * (12544 + 392 * 64));
  CHECK(c.utilization() == doctest::Approx(0.00396).epsilon(0.01));
  // The channels-on-columns option runs one 12544 x 32 x 9 GEMM: 32x fewer cycles, but every
  // column reads its own input stream.
  const eesim::hw::CoreSpec on_columns = eesim::hw::testing::core_of(
      "systolic { " + array + " depthwise_mapping: CHANNELS_ON_COLUMNS }");
  const auto d = model.cost(on_columns, t);
  CHECK(d.compute_cycles == 392 * 71);
  CHECK(d.ifmap.reads == 9 * 12544 * 32);
  CHECK(d.macs == c.macs);
}
