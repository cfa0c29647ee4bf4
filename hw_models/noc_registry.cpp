// The registry of NoC kinds. Kinds built into the library are one line each in kBuiltIn (a
// self-registering file in a static library would be dropped by the linker unless something
// referenced it); tests and other programs add theirs with register_noc.
#include <map>
#include <mutex>
#include <utility>

#include "common/error.h"
#include "common/names_text.h"
#include "hw_models/noc.h"

namespace eesim::hw {

std::unique_ptr<Noc> make_xy_mesh(const NocSpec& spec);    // noc_xy_mesh.cpp
std::unique_ptr<Noc> make_links_noc(const NocSpec& spec);  // noc_links.cpp

namespace {

constexpr std::pair<const char*, NocFactory> kBuiltIn[] = {
    {"xy_mesh", &make_xy_mesh},
    {"links", &make_links_noc},
};

struct Registry {
  Registry() {
    for (const auto& [name, factory] : kBuiltIn) factories[name] = factory;
  }
  std::mutex mutex;
  std::map<std::string, NocFactory> factories;
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

bool register_noc(const std::string& kind, NocFactory factory) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  if (!r.factories.emplace(kind, factory).second)
    throw Error("NoC kind '" + kind + "' is registered twice");
  return true;
}

std::unique_ptr<Noc> make_noc(const NocSpec& spec) {
  Registry& r = registry();
  NocFactory factory = nullptr;
  {
    std::lock_guard lock(r.mutex);
    auto it = r.factories.find(spec.kind);
    if (it != r.factories.end()) factory = it->second;
  }
  if (!factory)
    throw Error("unknown NoC kind '" + spec.kind + "' (registered: " + join_names(noc_kinds()) +
                ")");
  return factory(spec);
}

std::vector<std::string> noc_kinds() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  std::vector<std::string> out;
  for (const auto& entry : r.factories) out.push_back(entry.first);
  return out;
}

}  // namespace eesim::hw
