// Issue 19's presets from YAML: our own YAML files holding ZigZag's edge_tpu_like and tpu_like
// facts (gen-1 core files and mapping files, tests/hw_models/import/data/), imported, give
// exactly the cores and DRAM of examples/arch/zigzag_{edge_tpu,tpu}_like.textproto: the
// presets are what the importer makes of those facts, field by field (defaults written out
// equal to defaults left out).
#include <doctest/doctest.h>
#include <google/protobuf/util/message_differencer.h>

#include "arch.pb.h"
#include "hw_models/arch_loader.h"
#include "hw_models/import/chip_import.h"

namespace {

using namespace eesim::hw;

const std::string kData = std::string(EESIM_SOURCE_ROOT) + "/tests/hw_models/import/data/";
const std::string kArch = std::string(EESIM_SOURCE_ROOT) + "/examples/arch/";

void check_same_core(const std::string& facts, const std::string& mapping,
                     const std::string& preset) {
  const Architecture imported = load_imported(import_chip_yaml(kData + facts, kData + mapping));
  const Architecture bundled = load_architecture_file(kArch + preset);
  REQUIRE(imported.cores.size() == 1);
  REQUIRE(bundled.cores.size() == 1);
  CHECK(imported.cores[0].kind() == "spatial_array");
  std::string diff;
  google::protobuf::util::MessageDifferencer d;
  d.set_message_field_comparison(google::protobuf::util::MessageDifferencer::EQUIVALENT);
  d.ReportDifferencesToString(&diff);
  // The operands a level stores are a set: the files list them in their own orders.
  d.TreatAsSet(schema::SpatialArray::MemoryLevel::descriptor()->FindFieldByName("operand"));
  CHECK_MESSAGE(d.Compare(*bundled.cores[0].params, *imported.cores[0].params), diff);
  REQUIRE(imported.drams.size() == 1);
  CHECK(imported.drams[0].bandwidth_bytes_per_cycle == bundled.drams[0].bandwidth_bytes_per_cycle);
  CHECK(imported.drams[0].energy_pj_per_byte == bundled.drams[0].energy_pj_per_byte);
  CHECK(imported.clock_mhz == bundled.clock_mhz);
}

TEST_CASE("zigzag presets: importing ZigZag's facts as YAML gives the bundled cores") {
  check_same_core("edge_tpu_like_facts.yaml", "edge_tpu_like_mapping.yaml",
                  "zigzag_edge_tpu_like.textproto");
  check_same_core("tpu_like_facts.yaml", "tpu_like_mapping.yaml", "zigzag_tpu_like.textproto");
}

}  // namespace
