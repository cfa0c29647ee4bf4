#pragma once
// Private to the Stream importer (stream_chip.cpp, stream_links.cpp, stream_build.cpp): the
// accelerator file as read so far, and the steps that fill it.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "hw_models/import/chip_import.h"
#include "hw_models/import/import_steps.h"
#include "hw_models/import/yaml_fields.h"
#include "hw_models/import/zigzag_core.h"
#include "hw_models/import/zigzag_mapping.h"

namespace eesim::hw::yaml {

struct CoreRef {
  int64_t id = 0;
  int line = 1;
  std::string path;  // "cores.2"
  CoreFile file;
};

struct Chip {
  std::vector<CoreRef> cores;  // by id, the off-chip core included
  int64_t offchip = -1;
  std::set<int64_t> simd;       // cores to import as simd
  std::vector<MeshLink> links;  // between on-chip cores
  double link_bits = 0;         // the one link width, bits per cycle
  int link_line = 1;
  double unit_energy = 0;                  // Stream's unit_energy_cost, taken as pJ per bit
  std::optional<MeshPlacement> placement;  // gen B: given by the file
  std::vector<std::string> notes;
  std::set<std::string> dropped;
};

// A core file named at `value` (relative to the accelerator file), or an error at `key`'s line
// (the value's when key is null) naming the missing file.
CoreFile read_core_at(const Fields& f, const YamlEntry* key, const YamlNode& value,
                      const std::string& path);
// `cores`: a map id -> file (gen A, C; ids 0..N-1, a gap is an error) or a list (gen B).
std::vector<CoreRef> read_cores(const Fields& top);
// A core id at `n`, or an error naming it when no core has it.
int64_t core_id(const YamlNode& n, const std::string& source, const std::string& path,
                const std::vector<CoreRef>& cores);
// Whether any of `ops` has MACs (Conv, Gemm, MatMul, ...; a mapping's "default" counts).
bool runs_macs(const std::vector<std::string>& ops);
// Gen A: one `bandwidth` for all, "a, b" strings; gen C: {type, cores, bandwidth} maps (links
// to the off-chip core are left out with a note).
void read_links_gen_a(const Fields& top, Chip& chip);
void read_links_gen_c(const Fields& top, Chip& chip);

// The chip: cores placed (the file's placement or place_on_mesh), DRAM port at (0, 0).
ImportedChip build_stream_chip(const Fields& top, Chip& chip, const MappingFile* mapping,
                               std::map<std::string, std::vector<std::string>> allowed);

}  // namespace eesim::hw::yaml
