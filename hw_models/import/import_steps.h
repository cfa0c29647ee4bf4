#pragma once
// Private to hw_models/import/: the two importers behind import_chip_yaml, and the pieces they
// share (the chip's fixed figures, the mesh placement of a Stream link list, the final text).
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "arch.pb.h"
#include "hw_models/import/chip_import.h"
#include "hw_models/import/yaml_tree.h"

namespace eesim::hw::yaml {

// ZigZag and Stream count cycles only; an eesim architecture needs a clock. 1 GHz makes a
// cycle a nanosecond; every figure the files give is per cycle, so the clock changes no count.
inline constexpr double kImportClockMhz = 1000;

ImportedChip import_zigzag(const YamlNode& root, const std::string& path,
                           const std::string& mapping_path);
ImportedChip import_stream(const YamlNode& root, const std::string& path,
                           const std::string& mapping_path);

// The architecture as protobuf text, with `notes` plus one note listing `dropped` keys.
ImportedChip finish(const schema::Architecture& a, const std::string& source,
                    std::vector<std::string> notes, const std::set<std::string>& dropped);

// A link of a Stream file between two cores, where it was written; or a bus (`bus` lists its
// cores, a and b are its first two).
struct MeshLink {
  int64_t a = 0, b = 0;
  int line = 1;
  std::string path;        // "core_connectivity[3]"
  std::string text;        // "3, 0"
  double bits = 0;         // bandwidth, bits per cycle
  double unit_energy = 0;  // Stream's unit_energy_cost, taken as pJ per bit
  std::vector<int64_t> bus = {};
};
struct MeshPlacement {
  int width = 1, height = 1;
  std::map<int64_t, std::pair<int, int>> at;  // core id -> (x, y)
};
// Places `ids` on a width x height mesh whose links are exactly `links` (each pair once, either
// order, repeats ignored), first core at (0, 0); nullopt when the graph is something else (the
// importer then writes a NoC of kind "links").
std::optional<MeshPlacement> place_on_mesh(const std::vector<int64_t>& ids,
                                           const std::vector<MeshLink>& links);

}  // namespace eesim::hw::yaml
