// The registry of core kinds, and the built-in kinds' registration lines: one per kind. A kind's
// name is the field name of its message in arch.proto's Core.kind.
#include <algorithm>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/names_text.h"
#include "hw_models/core_model.h"

namespace eesim::hw {
namespace {

struct Entry {
  std::string kind;  // model->kind(), kept so a lookup makes no virtual call or copy
  const CoreModel* model;
};

// Function-local so that registrations from any file may run before this file's statics.
std::vector<Entry>& registry() {
  static std::vector<Entry> entries;
  return entries;
}

}  // namespace

bool register_core_model(const CoreModel& model) {
  [[maybe_unused]] const bool fresh =
      std::none_of(registry().begin(), registry().end(),
                   [&model](const Entry& e) { return e.kind == model.kind(); });
  assert(fresh && "a core kind is registered twice");
  registry().push_back(Entry{model.kind(), &model});
  return true;
}

const CoreModel& core_model(const std::string& kind) {
  for (const Entry& e : registry())
    if (e.kind == kind) return *e.model;
  throw Error("no cost model registered for core kind '" + kind +
              "'; registered: " + join_names(core_model_kinds()));
}

const CoreModel& core_model(const CoreSpec& core) {
  return core.model != nullptr ? *core.model : core_model(core.kind());
}

std::vector<std::string> core_model_kinds() {
  std::vector<std::string> kinds;
  for (const Entry& e : registry()) kinds.push_back(e.kind);
  std::sort(kinds.begin(), kinds.end());  // registrations in other files run in no fixed order
  return kinds;
}

EESIM_REGISTER_CORE_KIND(systolic_model);       // systolic_model.cpp
EESIM_REGISTER_CORE_KIND(edge_tpu_model);       // edge_tpu_model.cpp
EESIM_REGISTER_CORE_KIND(simd_model);           // simd_model.cpp
EESIM_REGISTER_CORE_KIND(spatial_array_model);  // spatial_array_model.cpp

}  // namespace eesim::hw
