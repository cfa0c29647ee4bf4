// Issue 19's bar on the layers themselves: ResNet-18's 21 layers with MACs (224 x 224, 8-bit, as
// ZigZag's ONNX front end reads them) costed on the zigzag_edge_tpu_like and zigzag_tpu_like
// presets, each layer's inputs read from DRAM and outputs written back as ZigZag does, summed
// as ZigZag sums them, land within 15% of the totals ZigZag's own tests expect
// (tests/main/test_origin/test_{edge_tpu,tpu}_like.py). The exact sums are pinned too, so a
// change to the model shows here.
#include <doctest/doctest.h>

#include "hw_models/arch_loader.h"
#include "hw_models/core_model.h"
#include "hw_models/tile.h"

namespace {

using namespace eesim::hw;

struct Conv {
  int64_t k, c, kernel, stride, out;  // square kernels and outputs
};

// torchvision's ResNet-18 at 224: conv1, then per stage its convs and downsample.
std::vector<Conv> resnet18_convs() {
  std::vector<Conv> v = {{64, 3, 7, 2, 112}};
  for (int i = 0; i < 4; ++i) v.push_back({64, 64, 3, 1, 56});
  for (int64_t k : {128, 256, 512}) {
    const int64_t out = 28 * 128 / k;  // 28, 14, 7
    v.push_back({k, k / 2, 3, 2, out});
    for (int i = 0; i < 3; ++i) v.push_back({k, k, 3, 1, out});
    v.push_back({k, k / 2, 1, 2, out});
  }
  return v;
}

TileShape tile_of(const Conv& c) {
  TileShape t;
  t.cls = TileClass::kGemm;
  t.filters = c.k, t.window = c.c * c.kernel * c.kernel, t.out_pixels = c.out * c.out;
  t.out_cols = c.out, t.kernel_h = t.kernel_w = c.kernel, t.stride_h = t.stride_w = c.stride;
  t.weight_bits = t.input_bits = t.output_bits = 8;
  return t;
}

struct Totals {
  double energy_pj = 0;
  int64_t cycles = 0, macs = 0;
};

Totals resnet18_on(const std::string& preset) {
  const Architecture arch =
      load_architecture_file(std::string(EESIM_SOURCE_ROOT) + "/examples/arch/" + preset);
  const CoreSpec& core = arch.cores.at(0);
  std::vector<TileShape> tiles;
  for (const Conv& c : resnet18_convs()) tiles.push_back(tile_of(c));
  TileShape fc;  // 512 -> 1000
  fc.cls = TileClass::kGemm;
  fc.filters = 1000, fc.window = 512, fc.out_pixels = 1;
  fc.weight_bits = fc.input_bits = fc.output_bits = 8;
  tiles.push_back(fc);
  Totals t;
  for (const TileShape& tile : tiles) {
    const Cost c = core_model(core).cost(core, tile);
    REQUIRE(c.supported);
    t.energy_pj += c.energy.total();
    t.cycles += c.compute_cycles;
    t.macs += c.macs;
  }
  return t;
}

TEST_CASE("zigzag presets: ResNet-18 within 15% of ZigZag's own test values") {
  REQUIRE(resnet18_convs().size() == 20);
  const Totals edge = resnet18_on("zigzag_edge_tpu_like.textproto");
  CHECK(edge.macs == 1814073344);  // torchvision's count (tests/python/test_torch_macs.py)
  CHECK(edge.energy_pj / 1902637139.15 == doctest::Approx(1.0).epsilon(0.15));
  CHECK(static_cast<double>(edge.cycles) / 3333310 == doctest::Approx(1.0).epsilon(0.15));
  const Totals tpu = resnet18_on("zigzag_tpu_like.textproto");
  CHECK(tpu.energy_pj / 1871436380.66 == doctest::Approx(1.0).epsilon(0.15));
  CHECK(static_cast<double>(tpu.cycles) / 4158539 == doctest::Approx(1.0).epsilon(0.15));
  // eesim's own figures, pinned: edge -8.0% energy, -7.1% cycles; tpu -4.2%, -6.9%.
  CHECK(edge.energy_pj == doctest::Approx(1749852814.36));
  CHECK(edge.cycles == 3096096);
  CHECK(tpu.energy_pj == doctest::Approx(1793661764.11));
  CHECK(tpu.cycles == 3871865);
}

}  // namespace
