#pragma once
// Any report message of sim/results/report.proto (RunReport, StreamReport, SweepReport) out as
// JSON, protobuf text format or binary. The writers know the schema only through reflection, so
// a field added to report.proto appears in every format without touching this file.
#include <google/protobuf/message.h>

#include <string>

#include "report.pb.h"

namespace eesim::sim {

// The message as compact JSON plus a newline: every field in declaration order, named as in the
// schema, written whether or not it holds its default (proto3 scalars have no presence, and a
// report always states every figure); integers exact, doubles as "%.17g" (non-finite: null),
// repeated fields as arrays, messages as objects. The bytes `--json` wrote before the schema.
std::string report_json(const google::protobuf::Message& m);

// Protobuf text format when `path` ends in .txtpb or .textproto, binary otherwise. Throws
// eesim::Error naming the path when it cannot be encoded or written.
void write_report_message(const google::protobuf::Message& m, const std::string& path);

}  // namespace eesim::sim
