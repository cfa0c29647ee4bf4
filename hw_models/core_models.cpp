// The registry of core kinds: one line per kind. The name is the field name of the kind in
// arch.proto's Core.kind oneof.
#include <utility>

#include "common/error.h"
#include "hw_models/core_model.h"

namespace eesim::hw {

const CoreModel& systolic_model();  // systolic_model.cpp
const CoreModel& edge_tpu_model();  // edge_tpu_model.cpp
const CoreModel& simd_model();      // simd_model.cpp

namespace {

using Factory = const CoreModel& (*)();
constexpr std::pair<const char*, Factory> kRegistry[] = {
    {"systolic", &systolic_model},
    {"edge_tpu", &edge_tpu_model},
    {"simd", &simd_model},
};

}  // namespace

const CoreModel& core_model(const std::string& kind) {
  for (const auto& [name, factory] : kRegistry)
    if (kind == name) return factory();
  throw Error("no cost model registered for core kind '" + kind + "'");
}

const CoreModel& core_model(const CoreSpec& core) { return core_model(core.kind()); }

std::vector<std::string> core_model_kinds() {
  std::vector<std::string> kinds;
  for (const auto& entry : kRegistry) kinds.emplace_back(entry.first);
  return kinds;
}

}  // namespace eesim::hw
