#pragma once
// .textproto architecture file -> validated Architecture (schema: hw_models/arch.proto). Parse,
// validate and convert are separate steps inside; callers only ever see the value types.
#include <string>

#include "hw_models/architecture.h"

namespace eesim::hw {

// Reads and loads an architecture file. Throws eesim::Error naming the path when the file cannot
// be read, and otherwise as load_architecture_text does with `path` as the source.
Architecture load_architecture_file(const std::string& path);

// Loads an architecture from protobuf text; `source` names it in messages and becomes
// Architecture::source. Every problem (syntax, unknown or repeated key, missing required key,
// value out of range, placement off the mesh or on an occupied node, duplicate or empty name)
// throws eesim::Error whose message starts "SOURCE:LINE: " (1-based) and names the key path,
// e.g. "chip.textproto:12: core[1] (name 'sa0') systolic.rows: must be > 0, got 0".
// Fields the file leaves out take the schema's defaults.
Architecture load_architecture_text(const std::string& text, const std::string& source);

}  // namespace eesim::hw
