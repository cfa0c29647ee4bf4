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
  char gen = 'A';              // the file's generation (README.md): 'A', 'B' or 'C'
  std::vector<CoreRef> cores;  // by id, the off-chip core included
  int64_t offchip = -1;
  std::set<int64_t> simd;       // cores to import as simd
  std::vector<MeshLink> links;  // links and buses, in file order (gen C: the off-chip core's too)
  double link_bits = 0;         // gen A, B: the one link width, bits per cycle
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
// Gen A: one `bandwidth` for all, "a, b" strings ("a, b, c": a bus); gen C: {type, cores,
// bandwidth[, unit_energy_cost]} maps, type link or bus, the off-chip core's included.
void read_links_gen_a(const Fields& top, Chip& chip);
void read_links_gen_c(const Fields& top, Chip& chip);

// The chip: an XY mesh (the file's placement or place_on_mesh; DRAM port at (0, 0)) when the
// links are one mesh's of one width, without buses or links to the off-chip core; otherwise a
// NoC of kind "links" with every link and bus (stream_links_noc.cpp).
ImportedChip build_stream_chip(const Fields& top, Chip& chip, const MappingFile* mapping,
                               std::map<std::string, std::vector<std::string>> allowed);

// Kind "links" (stream_links_noc.cpp): on-chip cores on row 0 in id order; the off-chip core's
// node (chip.offchip's entry) is (n, 0) when `dram_linked`, else the first core's.
MeshPlacement links_placement(const Chip& chip, const std::vector<int64_t>& on_chip,
                              bool dram_linked);
// Fills `noc` as kind "links" with every link and bus of chip.links (gen A: plus a link from every
// core to the DRAM port at `dram_bytes_per_cycle`) and adds the notes saying so.
void write_links_noc(Chip& chip, const std::vector<int64_t>& on_chip, double dram_bytes_per_cycle,
                     const std::string& source, schema::Noc& noc);

}  // namespace eesim::hw::yaml
