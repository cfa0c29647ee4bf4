// NoC kind "links": a ring of 4 cores with one slow link plus a bus, loaded from a file (names
// resolved to nodes), its routes, tie-breaking and figures computed by hand; nearest DRAM; and
// each validation error with its file, line and key.
#include <doctest/doctest.h>

#include <string>

#include "common/error.h"
#include "hw_models/arch_loader.h"
#include "hw_models/noc.h"

namespace {

using namespace eesim::hw;

// Ring c0 (0,0) - c1 (1,0) - c2 (1,1) - c3 (0,1) - c0; c2-c3 is the slow link (4 B/cycle). A bus
// (8 B/cycle, 0.25 pJ/B) joins c1, c3 and DRAM port d at (2,0); port e shares c0's node.
// 2 + 1 cycles per hop.
const char* const kRing = R"(name: "ring" clock_mhz: 1000
noc {
  width: 3 height: 2 kind: "links" router_cycles: 2 link_cycles: 1 energy_pj_per_byte_hop: 0.5
  link { a: "c0" b: "c1" bytes_per_cycle: 16 energy_pj_per_byte: 1 }
  link { a: "c1" b: "c2" bytes_per_cycle: 16 }
  link { a: "c2" b: "c3" bytes_per_cycle: 4 energy_pj_per_byte: 2 }
  link { a: "c3" b: "c0" bytes_per_cycle: 16 energy_pj_per_byte: 1 }
  bus { member: "c1" member: "c3" member: "d" bytes_per_cycle: 8 energy_pj_per_byte: 0.25 }
}
core { name: "c0" x: 0 y: 0 static_power_mw: 0 simd { lanes: 4 memory_bytes: 64 } }
core { name: "c1" x: 1 y: 0 static_power_mw: 0 simd { lanes: 4 memory_bytes: 64 } }
core { name: "c2" x: 1 y: 1 static_power_mw: 0 simd { lanes: 4 memory_bytes: 64 } }
core { name: "c3" x: 0 y: 1 static_power_mw: 0 simd { lanes: 4 memory_bytes: 64 } }
dram { name: "d" x: 2 y: 0 bandwidth_bytes_per_cycle: 8 }
dram { name: "e" x: 0 y: 0 bandwidth_bytes_per_cycle: 8 }
)";

const Node c0{0, 0}, c1{1, 0}, c2{1, 1}, c3{0, 1}, d{2, 0};
const Link bus0{bus_node(0), bus_node(0)};

std::string edited(const std::string& from, const std::string& to) {
  std::string s = kRing;
  const size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

std::string load_error(const std::string& text) {
  try {
    load_architecture_text(text, "ring.textproto");
  } catch (const eesim::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("noc links: the loader resolves names to nodes; a link without energy takes the hop's") {
  const Architecture a = load_architecture_text(kRing, "ring.textproto");
  CHECK(a.noc.kind == "links");
  CHECK(a.noc.link_bytes_per_cycle == 0);
  REQUIRE(a.noc.links.size() == 4);
  CHECK(a.noc.links[1].a == "c1");
  CHECK((a.noc.links[1].ax == 1 && a.noc.links[1].ay == 0));
  CHECK((a.noc.links[1].bx == 1 && a.noc.links[1].by == 1));
  CHECK(a.noc.links[1].energy_pj_per_byte == 0.5);  // noc.energy_pj_per_byte_hop
  CHECK(a.noc.links[2].bytes_per_cycle == 4);
  REQUIRE(a.noc.buses.size() == 1);
  CHECK(a.noc.buses[0].members == std::vector<std::string>{"c1", "c3", "d"});
  CHECK(a.noc.buses[0].nodes[2] == std::pair<int64_t, int64_t>{2, 0});
  CHECK(bus_of(bus0) == 0);
  CHECK(bus_of(Link{c0, c1}) == -1);
}

TEST_CASE("noc links: fewest hops, ties to the link declared first; a bus is one hop") {
  const Architecture a = load_architecture_text(kRing, "ring.textproto");
  const auto noc = make_noc(a.noc);
  // c0 -> c2: c0-c1-c2 and c0-c3-c2 are both 2 hops; c0-c1 is declared before c3-c0.
  CHECK(noc->route(c0, c2) == std::vector<Link>{{c0, c1}, {c1, c2}});
  // 100 B: ceil(100 / 16) = 7 hold, 2 x 3 = 6 pipeline, 100 x (1 + 0.5) = 150 pJ.
  CHECK(noc->hold_cycles(c0, c2, 100) == 7);
  CHECK(noc->pipeline_cycles(c0, c2) == 6);
  CHECK(noc->transfer_cycles(c0, c2, 100) == 13);
  CHECK(noc->energy_pj(c0, c2, 100) == doctest::Approx(150));
  // c2 -> c3: the slow link, one hop (the bus way c2-c1-bus-c3 is two): ceil(100 / 4) = 25,
  // 100 x 2 = 200 pJ.
  CHECK(noc->route(c2, c3) == std::vector<Link>{{c2, c3}});
  CHECK(noc->hold_cycles(c2, c3, 100) == 25);
  CHECK(noc->pipeline_cycles(c2, c3) == 3);
  CHECK(noc->energy_pj(c2, c3, 100) == doctest::Approx(200));
  // c3 -> c1 over the bus: ceil(100 / 8) = 13, 100 x 0.25 = 25 pJ. c1 -> c3 holds the same bus.
  CHECK(noc->route(c3, c1) == std::vector<Link>{bus0});
  CHECK(noc->route(c1, c3) == std::vector<Link>{bus0});
  CHECK(noc->hold_cycles(c3, c1, 100) == 13);
  CHECK(noc->energy_pj(c3, c1, 100) == doctest::Approx(25));
  // c2 -> d: c2-c1 then the bus; the bus (8 B/cycle) is the bottleneck: ceil(100 / 8) = 13,
  // 6 pipeline, 100 x (0.5 + 0.25) = 75 pJ.
  CHECK(noc->route(c2, d) == std::vector<Link>{{c2, c1}, bus0});
  CHECK(noc->hold_cycles(c2, d, 100) == 13);
  CHECK(noc->pipeline_cycles(c2, d) == 6);
  CHECK(noc->energy_pj(c2, d, 100) == doctest::Approx(75));
  // A multicast branch is priced link by link: the bus alone 25 pJ, c1-c0 alone 100 pJ.
  CHECK(noc->branch_energy_pj(c2, d, {bus0}, 100) == doctest::Approx(25));
  CHECK(noc->route(c2, c0) == std::vector<Link>{{c2, c1}, {c1, c0}});
  CHECK(noc->branch_energy_pj(c2, c0, {{c1, c0}}, 100) == doctest::Approx(100));
  CHECK(noc->branch_energy_pj(c2, c0, {}, 100) == 0);
  // HEFT's estimate: one hop on the widest link, 3 + ceil(100 / 16) = 10.
  CHECK(noc->neighbour_transfer_cycles(100) == 10);
  CHECK(noc->neighbour_transfer_cycles(0) == 0);
  // Same node (port e on c0's): nothing.
  CHECK(noc->route(c0, c0).empty());
  CHECK(noc->hold_cycles(c0, c0, 100) == 0);
  CHECK(noc->energy_pj(c0, c0, 100) == 0);
  CHECK(noc->hold_cycles(c0, c2, 0) == 0);
  CHECK_THROWS_AS(noc->route(c0, Node{2, 1}), eesim::Error);  // no link reaches (2,1)
}

TEST_CASE("noc links: nearest DRAM by hops; ties to the first listed") {
  const Architecture a = load_architecture_text(kRing, "ring.textproto");
  CHECK(nearest_dram(a, 0) == 1);  // c0: e on its own node, 0 hops
  CHECK(nearest_dram(a, 3) == 0);  // c3: d over the bus, 1 hop (e: 1 hop too, listed second)
  CHECK(nearest_dram(a, 2) == 0);  // c2: d 2 hops, e 2 hops: the first listed
}

TEST_CASE("noc links: each rule names file, line and key") {
  CHECK(load_error(edited("a: \"c1\" b: \"c2\"", "a: \"c1\" b: \"cx\"")) ==
        "ring.textproto:5: noc.link[1] b: unknown core or DRAM port 'cx' (names: c0, c1, c2, c3, "
        "d, e)");
  CHECK(load_error(edited("a: \"c1\" b: \"c2\"", "a: \"c1\" b: \"c1\"")) ==
        "ring.textproto:5: noc.link[1] b: a link to itself ('c1' and 'c1' are both at node (1,0))");
  CHECK(load_error(edited("a: \"c3\" b: \"c0\"", "a: \"e\" b: \"c0\"")) ==
        "ring.textproto:7: noc.link[3] b: a link to itself ('e' and 'c0' are both at node (0,0))");
  CHECK(load_error(edited("a: \"c3\" b: \"c0\"", "a: \"c1\" b: \"c0\"")) ==
        "ring.textproto:7: noc.link[3]: 'c1' and 'c0' are already joined by the link at line 4; "
        "one link per pair");
  CHECK(load_error(edited("member: \"c3\" member: \"d\" ", "")) ==
        "ring.textproto:8: noc.bus[0] member: a bus joins at least 2 members, got 1");
  CHECK(load_error(edited("member: \"d\"", "member: \"c1\"")) ==
        "ring.textproto:8: noc.bus[0] member[2]: 'c1' is listed twice");
  CHECK(load_error(edited("member: \"d\"", "member: \"zz\""))
            .rfind("ring.textproto:8: noc.bus[0] member[2]: unknown core or DRAM port 'zz'", 0) ==
        0);
  // d reached only by the bus: without it, no core reaches d.
  CHECK(load_error(edited("  bus { member: \"c1\" member: \"c3\" member: \"d\" bytes_per_cycle: 8 "
                          "energy_pj_per_byte: 0.25 }\n",
                          "")) ==
        "ring.textproto:2: noc: core 'c0' has no path to DRAM port 'd' over the links and buses "
        "listed");
  // Links and buses belong to kind "links"; link_bytes_per_cycle to every other kind.
  CHECK(
      load_error(edited("kind: \"links\"", "kind: \"xy_mesh\" link_bytes_per_cycle: 4")) ==
      "ring.textproto:4: noc.link: links are listed only under kind \"links\" (this noc's kind is "
      "'xy_mesh')");
  CHECK(load_error(edited("kind: \"links\"", "kind: \"links\" link_bytes_per_cycle: 4")) ==
        "ring.textproto:3: noc.link_bytes_per_cycle: not used by kind \"links\": each link and bus "
        "gives its own bytes_per_cycle");
  CHECK(
      load_error(edited("  link { a: \"c0\" b: \"c1\" bytes_per_cycle: 16 energy_pj_per_byte: 1 }",
                        "  link { a: \"c0\" b: \"c1\" energy_pj_per_byte: 1 }")) ==
      "ring.textproto:4: noc.link[0]: missing required key 'bytes_per_cycle'");
  CHECK(load_error(edited("bytes_per_cycle: 8", "bytes_per_cycle: 0")) ==
        "ring.textproto:8: noc.bus[0] bytes_per_cycle: must be > 0, got 0");
}
