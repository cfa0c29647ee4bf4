#pragma once
// A core built the way a user builds one: its kind block written as architecture text, loaded
// through the loader (so tests never see the protobuf classes, and the schema's defaults apply).
#include <string>

#include "hw_models/arch_loader.h"

namespace eesim::hw::testing {

// The core of a one-core 1x1 chip whose kind block is `kind_block`, e.g.
// "simd { lanes: 64 memory_bytes: 4096 }".
inline CoreSpec core_of(const std::string& kind_block, const std::string& name = "core") {
  const std::string text =
      "name: \"test\" clock_mhz: 1000\n"
      "noc { width: 1 height: 1 link_bytes_per_cycle: 1 }\n"
      "core { name: \"" +
      name + "\" x: 0 y: 0 static_power_mw: 0\n" + kind_block +
      " }\n"
      "dram { name: \"dram\" x: 0 y: 0 bandwidth_bytes_per_cycle: 1 }\n";
  return load_architecture_text(text, "core_of").cores.at(0);
}

}  // namespace eesim::hw::testing
