#pragma once
// ZigZag / Stream hardware YAML -> an eesim architecture (issue 19): the .textproto text of a
// schema::Architecture, what the conversion assumed or dropped, and the op-type restrictions
// the files state. The public face of hw_models/import/.
#include <map>
#include <string>
#include <vector>

#include "hw_models/architecture.h"

namespace eesim::hw {

struct ImportedChip {
  std::string source;     // the chip file
  std::string textproto;  // the architecture, protobuf text format (hw_models/arch.proto)
  // Sentences: keys read and dropped (area, latency, ...), conversions (bits -> bytes) and
  // assumptions (clock, static power, placement on the mesh).
  std::vector<std::string> notes;
  // Op type -> the only cores that may run it (Stream's operator_types and core_allocation), in
  // the form sim::EvaluateOptions::allowed_cores and `eesim run --allow OP=CORE,...` take.
  std::map<std::string, std::vector<std::string>> allowed_cores;
};

// Reads `path`: a ZigZag core file (top-level `memories`) becomes one spatial_array core on a
// 1x1 mesh with one DRAM port; a Stream accelerator file (top-level `cores`) becomes its cores
// on an XY mesh. `mapping_path` (optional, "" for none): a ZigZag or Stream mapping file.
// Throws eesim::Error "FILE:LINE: KEY PATH: what" on any problem in any of the files. The
// result is not yet validated against eesim's own rules: load_imported does that.
ImportedChip import_chip_yaml(const std::string& path, const std::string& mapping_path = "");

// The imported text through load_architecture_text, every rule of arch.proto applied; errors
// name the textproto's lines with the YAML file's name and " (imported)".
Architecture load_imported(const ImportedChip& chip);

// Whether `path` names a YAML file (.yaml or .yml, any case).
bool is_yaml_path(const std::string& path);

// load_architecture_file for a .textproto, import_chip_yaml + load_imported for a YAML file.
Architecture load_architecture_any(const std::string& path);

}  // namespace eesim::hw
