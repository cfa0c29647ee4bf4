#pragma once
// Private to the architecture loader: arch_loader.cpp (parse, convert) and arch_validate.cpp
// (rules) are the only files that see the classes generated from arch.proto (STYLE.md rule 4).
// Nothing else includes this header; everyone else calls hw_models/arch_loader.h.
#include <google/protobuf/text_format.h>

#include <string>

#include "arch.pb.h"

namespace eesim::hw {

// Checks a parsed architecture against the rules of arch.proto: required keys (every singular
// field without a [default]; exactly one core kind) and each field's declared bounds (its gt,
// ge, le and non_empty options; doubles finite), read from the schema for every block; then the
// cross-field rules: a registered cost model for each core's kind, at least one core and one
// DRAM port, every core and port on the mesh, at most one core and one port per node, names
// unique over cores and ports. Throws eesim::Error "SOURCE:LINE: KEY PATH: what" at the first
// violation; LINE comes from `locations` (filled by the text parser) or, for a key the file
// leaves out, is the line of its enclosing block (1 for the root).
// The field holding core `c`'s kind: the member set in Core.kind, or a set extension of Core (a
// kind declared outside arch.proto); nullptr when none is. After validation there is exactly one.
const google::protobuf::FieldDescriptor* core_kind_field(const schema::Core& c);

void validate_architecture(const schema::Architecture& arch,
                           const google::protobuf::TextFormat::ParseInfoTree& locations,
                           const std::string& source);

}  // namespace eesim::hw
