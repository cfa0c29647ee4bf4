// Bad ZigZag/Stream files: each error starts "FILE:LINE: " with the line of the culprit key and
// names its key path.
#include "tests/hw_models/import/import_fixture.h"

namespace eesim::hw {
namespace {

using namespace import_test;

TEST_CASE("import errors: YAML syntax, unknown key, missing required keys") {
  Scratch s("syntax");
  std::string f = s.edit("zz_gen1.yaml", "  sizes: [4, 2]", "  sizes: [4, 2]\n  bad: [1, 2");
  std::string msg = import_error(f);
  CHECK(msg.find("YAML syntax error") != std::string::npos);
  CHECK(msg.rfind(f + ":", 0) == 0);
  f = s.edit("zz_gen1.yaml", "    r_bw: 8", "    r_bww: 8");
  msg = import_error(f);
  check_error(msg, f, s.line_of("zz_gen1.yaml", "r_bww"), "memories.rf_w.r_bww");
  CHECK(msg.find("did you mean 'r_bw'") != std::string::npos);
  f = s.edit("zz_gen1.yaml", "    size: 8\n", "");
  check_error(import_error(f), f, s.line_of("zz_gen1.yaml", "rf_w:"), "memories.rf_w.size");
  Scratch t("served");
  f = t.edit("zz_gen1.yaml", "    served_dimensions: [D1]\n", "");
  check_error(import_error(f), f, t.line_of("zz_gen1.yaml", "rf_o:"),
              "memories.rf_o.served_dimensions");
  f = t.edit("stream_gen_a.yaml", "bandwidth: 32\n", "");
  check_error(import_error(f), f, t.line_of("stream_gen_a.yaml", "name:"), "bandwidth");
}

TEST_CASE("import errors: operands, missing and unserved operands, served dimensions") {
  Scratch s("operands");
  std::string f = s.edit("zz_gen1.yaml", "operands: [I2]", "operands: [I3]");
  check_error(import_error(f), f, s.line_of("zz_gen1.yaml", "[I3]"), "memories.rf_w.operands[0]");
  f = kData + "bad_missing_operand.yaml";
  std::string msg = import_error(f);
  check_error(msg, f, 7, "memories");
  CHECK(msg.find("missing operand I1") != std::string::npos);
  f = s.edits("zz_gen3.yaml", {{"          - I2, tl\n", ""}, {"          - I2, fh\n", ""}});
  msg = import_error(f);
  check_error(msg, f, s.line_of("zz_gen3.yaml", "    ports:"), "memories.rf_w.ports");
  CHECK(msg.find("unserved operand I2") != std::string::npos);
  f = s.edit("zz_gen1.yaml", "served_dimensions: [D2]", "served_dimensions: [D5]");
  msg = import_error(f);
  check_error(msg, f, s.line_of("zz_gen1.yaml", "[D5]"), "memories.rf_w.served_dimensions");
  CHECK(msg.find("'D5' is not an array dimension") != std::string::npos);
}

TEST_CASE("import errors: port directions, bandwidth_min > bandwidth_max, dims vs sizes, unrolls") {
  Scratch s("ports");
  std::string f = s.edit("zz_gen1.yaml", "tl: r_port_1", "tl: w_port_1");
  std::string msg = import_error(f);
  check_error(msg, f, s.line_of("zz_gen1.yaml", "tl: w_port_1"), "memories.rf_w.ports[0].tl");
  CHECK(msg.find("read direction 'tl' of I2 on write port 'w_port_1'") != std::string::npos);
  f = s.edit("zz_gen3.yaml", "bandwidth_min: 64", "bandwidth_min: 2048");
  msg = import_error(f);
  check_error(msg, f, s.line_of("zz_gen3.yaml", "2048"), "memories.sram.ports[0].bandwidth_min");
  CHECK(msg.find("2048 > bandwidth_max 1024") != std::string::npos);
  Scratch t("sizes");
  f = t.edit("zz_gen1.yaml", "sizes: [4, 2]", "sizes: [4, 2, 2]");
  check_error(import_error(f), f, t.line_of("zz_gen1.yaml", "sizes:"), "operational_array.sizes");
  const std::string m = t.edit("zz_mapping.yaml", "- K, 4", "- K, 8");
  msg = import_error(t.path("zz_gen3.yaml"), m);  // fits the 8-wide gen 3 array
  CHECK(msg.empty());
  msg = import_error(kData + "zz_gen1.yaml", m);
  check_error(msg, m, t.line_of("zz_mapping.yaml", "K, 8"), "D1");
  CHECK(msg.find("unroll K 8 is larger than array dimension D1 (size 4)") != std::string::npos);
}

TEST_CASE("import errors: Stream core ids, links, core files, a link to itself, a 3-core link") {
  Scratch s("stream");
  std::string f = s.edit("stream_gen_a.yaml", "  3: stream_core.yaml", "  4: stream_core.yaml");
  check_error(import_error(f), f, s.line_of("stream_gen_a.yaml", "  4:"), "cores.4");
  f = s.edit("stream_gen_a.yaml", "  - 3, 0", "  - 3, 9");
  std::string msg = import_error(f);
  check_error(msg, f, s.line_of("stream_gen_a.yaml", "3, 9"), "core_connectivity[3]");
  CHECK(msg.find("unknown core id 9") != std::string::npos);
  f = s.edit("stream_gen_a.yaml", "  - 3, 0", "  - 3, 0\n  - 0, 0");
  msg = import_error(f);
  check_error(msg, f, s.line_of("stream_gen_a.yaml", "0, 0"), "core_connectivity[4]");
  CHECK(msg.find("a core linked to itself") != std::string::npos);
  f = s.edit("stream_gen_a.yaml", "offchip_core: stream_offchip.yaml", "offchip_core: nope.yaml");
  msg = import_error(f);
  check_error(msg, f, s.line_of("stream_gen_a.yaml", "nope.yaml"), "offchip_core");
  CHECK(msg.find("missing core file 'nope.yaml'") != std::string::npos);
  f = s.edit("stream_gen_c.yaml", "    cores: [0, 1]\n", "    cores: [0, 1, 2]\n");
  msg = import_error(f);
  check_error(msg, f, s.line_of("stream_gen_c.yaml", "    cores: [0, 1, 2]"),
              "core_connectivity[0].cores");
  CHECK(msg.find("link '0, 1, 2' joins 3 cores; a link joins 2, a bus at least 2") !=
        std::string::npos);
}

TEST_CASE("import errors: auto_cost_extraction true asks for CACTI") {
  Scratch s("cacti");
  const std::string f =
      s.edit("zz_gen1.yaml", "auto_cost_extraction: False", "auto_cost_extraction: True");
  check_error(import_error(f), f, s.line_of("zz_gen1.yaml", "auto_cost_extraction"),
              "memories.rf_w.auto_cost_extraction");
}

}  // namespace
}  // namespace eesim::hw
