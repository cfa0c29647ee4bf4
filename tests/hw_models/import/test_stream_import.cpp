// Stream accelerator files of generations A, B and C imported onto eesim's XY mesh (placement,
// link width) or, when their links are no mesh's, a NoC of kind "links" (every link and bus); DRAM
// port from the off-chip core, simd cores, and op-type restrictions.
#include "hw_models/noc.h"
#include "tests/hw_models/import/import_fixture.h"

namespace eesim::hw {
namespace {

using namespace import_test;
using SA = schema::SpatialArray;

const schema::Core* core_named(const schema::Architecture& a, const std::string& name) {
  for (const schema::Core& c : a.core())
    if (c.name() == name) return &c;
  return nullptr;
}

TEST_CASE("stream import gen A: a 4-core ring is a 2x2 mesh; the off-chip core is the dram port") {
  const ImportedChip chip = import_data("stream_gen_a.yaml");
  const schema::Architecture a = parsed(chip);
  CHECK(a.name() == "quad_a");
  CHECK(a.noc().width() == 2);
  CHECK(a.noc().height() == 2);
  CHECK(a.noc().link_bytes_per_cycle() == 4);  // 32 bits/cycle
  CHECK(a.noc().energy_pj_per_byte_hop() == 0);
  REQUIRE(a.core_size() == 4);
  // Ring 0-1-2-3: 0 (0,0), 1 (1,0), 2 (1,1), 3 (0,1).
  CHECK(a.core(0).name() == "sa_0");
  CHECK((a.core(1).x() == 1 && a.core(1).y() == 0));
  CHECK((a.core(2).x() == 1 && a.core(2).y() == 1));
  CHECK((a.core(3).x() == 0 && a.core(3).y() == 1));
  REQUIRE(a.dram_size() == 1);
  CHECK(a.dram(0).bandwidth_bytes_per_cycle() == 8);
  CHECK(a.dram(0).energy_pj_per_byte() == doctest::Approx(125));  // 1000 pJ per 64 bits
  const SA& sa = a.core(0).spatial_array();
  CHECK(sa.dim(0).unroll(0).loop() == SA::K);  // the core's dataflows
  CHECK(sa.dim(0).unroll(0).factor() == 4);
  CHECK(sa.dim(1).unroll(0).loop() == SA::C);
  CHECK(sa.layer_io() == SA::ON_CHIP);  // no off-chip level inside the core
  CHECK_FALSE(sa.level(1).offchip());
  CHECK(sa.level(1).min_access_bits() == 64);
  CHECK(chip.allowed_cores.empty());
}

TEST_CASE("stream import gen A + mapping: core_allocation per op type; an Add-only core is simd") {
  const ImportedChip chip = import_data("stream_gen_a.yaml", "stream_mapping.yaml");
  const schema::Architecture a = parsed(chip);
  REQUIRE(chip.allowed_cores.size() == 2);
  CHECK(chip.allowed_cores.at("Conv") == std::vector<std::string>{"sa_0", "sa_1", "sa_2"});
  CHECK(chip.allowed_cores.at("Add") == std::vector<std::string>{"sa_3"});
  REQUIRE(core_named(a, "sa_3") != nullptr);
  CHECK(core_named(a, "sa_3")->has_simd());
  CHECK(core_named(a, "sa_3")->simd().lanes() == 16);
  CHECK(has_note(chip, "[*].inter_core_tiling"));
  CHECK(has_note(chip, "default core_allocation is not applied"));
}

TEST_CASE("stream import gen B: 2d_mesh rows x cols, the pooling core on an extra row as simd") {
  const ImportedChip chip = import_data("stream_gen_b.yaml");
  const schema::Architecture a = parsed(chip);
  CHECK(a.noc().width() == 2);
  CHECK(a.noc().height() == 3);
  CHECK(a.noc().link_bytes_per_cycle() == 8);    // 64 bits/cycle
  CHECK(a.noc().energy_pj_per_byte_hop() == 4);  // 0.5 pJ/bit x 8
  REQUIRE(a.core_size() == 5);
  CHECK((a.core(3).x() == 1 && a.core(3).y() == 1));
  const schema::Core* pool = core_named(a, "pool_4");
  REQUIRE(pool != nullptr);
  CHECK((pool->x() == 0 && pool->y() == 2));
  CHECK(pool->simd().lanes() == 72);             // 3 x 3 x 8
  CHECK(pool->simd().memory_bytes() == 131072);  // 1,048,576 bits
  CHECK(pool->simd().op_energy_pj() == doctest::Approx(0.1));
  CHECK(pool->simd().memory_energy_pj_per_byte() == doctest::Approx(60.0 / 72));  // 576-bit reads
  CHECK(has_note(chip, "extra mesh row"));
}

TEST_CASE(
    "stream import gen C: a ring and a bus to the off-chip core -> kind links; operator_types") {
  const ImportedChip chip = import_data("stream_gen_c.yaml");
  const schema::Architecture a = parsed(chip);
  CHECK(a.noc().kind() == "links");
  CHECK(a.noc().width() == 5);  // 4 cores on row 0, the dram port after them
  CHECK(a.noc().height() == 1);
  REQUIRE(a.noc().link_size() == 4);
  CHECK(a.noc().link(3).a() == "pool_3");
  CHECK(a.noc().link(3).b() == "mac_0");
  CHECK(a.noc().link(3).bytes_per_cycle() == 4);  // 32 bits/cycle
  REQUIRE(a.noc().bus_size() == 1);
  CHECK(a.noc().bus(0).member_size() == 5);
  CHECK(a.noc().bus(0).member(4) == "dram");
  CHECK(a.noc().bus(0).bytes_per_cycle() == 16);  // 128 bits/cycle
  CHECK((a.dram(0).x() == 4 && a.dram(0).y() == 0));
  REQUIRE(a.core_size() == 4);
  CHECK(a.core(0).spatial_array().dim(0).size() == 16);
  CHECK(a.core(0).spatial_array().level(0).shared_port());
  CHECK(core_named(a, "pool_3")->has_simd());
  // operator_types stay with their cores (Core.op_type), not as --allow options.
  const auto ops = [&a](const char* name) {
    const auto& t = core_named(a, name)->op_type();
    return std::vector<std::string>(t.begin(), t.end());
  };
  CHECK(ops("mac_0") == std::vector<std::string>{"Conv", "Gemm"});
  CHECK(ops("mac_2") == std::vector<std::string>{"Conv", "Gemm"});
  CHECK(ops("pool_3") == std::vector<std::string>{"MaxPool", "AveragePool"});
  CHECK(chip.allowed_cores.empty());
  const Architecture loaded = load_imported(chip);
  CHECK(loaded.cores.at(3).op_types == std::vector<std::string>{"MaxPool", "AveragePool"});
  CHECK(has_note(chip, "noc kind \"links\" with every link and bus"));
  CHECK(has_note(chip, "dram block at node (4, 0), on the links and buses naming it"));
}

TEST_CASE("stream import gen C: unequal link widths and a bus -> kind links, figures by hand") {
  const ImportedChip chip = import_data("stream_gen_c_links.yaml");
  const schema::Architecture a = parsed(chip);
  const schema::Noc& noc = a.noc();
  CHECK(noc.kind() == "links");
  CHECK_FALSE(noc.has_link_bytes_per_cycle());
  CHECK(noc.router_cycles() == 0);
  CHECK(noc.link_cycles() == 0);
  CHECK(noc.energy_pj_per_byte_hop() == 1);  // 0.125 pJ/bit x 8
  CHECK((noc.width() == 4 && noc.height() == 1));
  REQUIRE(noc.link_size() == 3);
  CHECK((noc.link(0).a() == "mac_0" && noc.link(0).b() == "mac_1"));
  CHECK(noc.link(0).bytes_per_cycle() == 8);     // 64 bits/cycle
  CHECK(noc.link(0).energy_pj_per_byte() == 1);  // 0.125 x 8
  CHECK((noc.link(1).a() == "mac_1" && noc.link(1).b() == "mac_2"));
  CHECK(noc.link(1).bytes_per_cycle() == 2);     // 16 bits/cycle
  CHECK(noc.link(1).energy_pj_per_byte() == 4);  // its own 0.5 pJ/bit x 8
  CHECK(noc.link(2).bytes_per_cycle() == 8);
  REQUIRE(noc.bus_size() == 1);
  CHECK(std::vector<std::string>(noc.bus(0).member().begin(), noc.bus(0).member().end()) ==
        std::vector<std::string>{"mac_0", "mac_1", "mac_2", "dram"});
  CHECK(noc.bus(0).bytes_per_cycle() == 16);  // 128 bits/cycle
  CHECK(noc.bus(0).energy_pj_per_byte() == 1);
  for (int i = 0; i < 3; ++i) CHECK((a.core(i).x() == i && a.core(i).y() == 0));
  CHECK((a.dram(0).x() == 3 && a.dram(0).y() == 0));
  // Loaded and routed: mac_1 -> mac_2 takes the slow link (1 hop): 100 B hold ceil(100 / 2) = 50,
  // 400 pJ; mac_0 -> dram takes the bus: ceil(100 / 16) = 7, 100 pJ.
  const Architecture loaded = load_imported(chip);
  const auto n = make_noc(loaded.noc);
  CHECK(n->route({1, 0}, {2, 0}).size() == 1);
  CHECK(n->hold_cycles({1, 0}, {2, 0}, 100) == 50);
  CHECK(n->energy_pj({1, 0}, {2, 0}, 100) == doctest::Approx(400));
  CHECK(n->hold_cycles({0, 0}, {3, 0}, 100) == 7);
  CHECK(n->energy_pj({0, 0}, {3, 0}, 100) == doctest::Approx(100));
  CHECK(n->pipeline_cycles({0, 0}, {3, 0}) == 0);
}

TEST_CASE(
    "stream import gen A: a link graph that is no mesh -> kind links, a link per core to dram") {
  Scratch s("gen_a_links");
  const std::string f = s.edit("stream_gen_a.yaml", "  - 3, 0", "  - 3, 0\n  - 0, 2");
  const ImportedChip chip = import_chip_yaml(f, "");
  const schema::Architecture a = parsed(chip);
  CHECK(a.noc().kind() == "links");
  REQUIRE(a.noc().link_size() == 5 + 4);  // the file's 5, then one per core to the dram port
  CHECK(a.noc().link(4).bytes_per_cycle() == 4);  // 32 bits/cycle
  CHECK((a.noc().link(5).a() == "sa_0" && a.noc().link(5).b() == "dram"));
  CHECK(a.noc().link(5).bytes_per_cycle() == 8);  // the off-chip memory's 64 bits/cycle
  CHECK((a.dram(0).x() == 4 && a.dram(0).y() == 0));
  CHECK(has_note(chip, "a link from every core to the dram port, 8 bytes/cycle"));
  load_imported(chip);  // valid
}

}  // namespace
}  // namespace eesim::hw
