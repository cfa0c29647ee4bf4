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

// The links and buses of a "links" NoC (noc_links_rules.cpp): endpoints and members that name
// a core or DRAM port, no link to itself or twice between one pair, buses of >= 2 distinct
// members on distinct nodes, and every core with a path to every DRAM port and every other core.
// Called by validate_architecture once names and nodes are checked.
void validate_noc_links(const schema::Architecture& arch,
                        const google::protobuf::TextFormat::ParseInfoTree& locations,
                        const std::string& source);

void validate_architecture(const schema::Architecture& arch,
                           const google::protobuf::TextFormat::ParseInfoTree& locations,
                           const std::string& source);

}  // namespace eesim::hw
