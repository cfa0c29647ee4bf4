// The manual mapping file: `LAYER = CORE` lines, `* = CORE` for the rest, `#` comments.
#include <optional>
#include <sstream>

#include "common/error.h"
#include "common/file_io.h"
#include "hw_models/cost_cache.h"
#include "mapping/allocation.h"

namespace eesim::mapping {
namespace {

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  return s.substr(a, s.find_last_not_of(" \t\r") - a + 1);
}

struct Entry {
  std::string layer;
  size_t core = 0;
  int line = 0;
};

}  // namespace

Allocation parse_allocation(const std::string& text, const std::string& source,
                            const workloads::Workload& w, const hw::Architecture& arch) {
  std::istringstream in(text);
  std::string raw;
  std::vector<Entry> entries;
  std::optional<Entry> fallback;
  for (int line = 1; std::getline(in, raw); ++line) {
    const std::string s = trim(raw.substr(0, raw.find('#')));
    if (s.empty()) continue;
    const std::string at = source + ":" + std::to_string(line) + ": ";
    const size_t eq = s.find('=');
    if (eq == std::string::npos) throw Error(at + "expected 'LAYER = CORE', got '" + s + "'");
    Entry e{trim(s.substr(0, eq)), 0, line};
    const std::string core = trim(s.substr(eq + 1));
    const auto c = arch.find_core(core);
    if (!c) throw Error(at + "no core named '" + core + "' in " + arch.source);
    e.core = *c;
    if (e.layer == "*") {
      fallback = e;
    } else {
      if (!w.find_layer(e.layer)) throw Error(at + "no layer named '" + e.layer + "' in " + w.name);
      entries.push_back(e);
    }
  }
  Allocation out{std::vector<size_t>(w.num_layers(), SIZE_MAX), "file " + source};
  std::vector<int> line_of(w.num_layers(), fallback ? fallback->line : 0);
  for (const Entry& e : entries) {
    const auto v = *w.find_layer(e.layer);
    if (out.core_of_layer[v] != SIZE_MAX)
      throw Error(source + ":" + std::to_string(e.line) + ": layer '" + e.layer + "' mapped twice");
    out.core_of_layer[v] = e.core;
    line_of[v] = e.line;
  }
  for (workloads::LayerId v = 0; v < w.num_layers(); ++v) {
    if (out.core_of_layer[v] == SIZE_MAX) {
      if (!fallback)
        throw Error(source + ": layer '" + w.layer(v).name +
                    "' has no core (add it or '* = CORE')");
      out.core_of_layer[v] = fallback->core;
    }
    const auto& core = arch.cores[out.core_of_layer[v]];
    const std::string at =
        source + ":" + std::to_string(line_of[v]) + ": layer '" + w.layer(v).name + "' ";
    hw::Cost cost;
    try {
      cost = hw::tile_cost(arch, out.core_of_layer[v], hw::layer_tile(w.layer(v)));
    } catch (const Error& e) {  // a cost beyond the limits: the line and layer that asked
      throw Error(at + "on core '" + core.name + "': " + e.what());
    }
    if (!cost.supported) throw Error(at + "cannot run on core '" + core.name + "': " + cost.reason);
  }
  return out;
}

Allocation load_allocation_file(const std::string& path, const workloads::Workload& w,
                                const hw::Architecture& arch) {
  return parse_allocation(read_text_file(path, "a mapping file of 'LAYER = CORE' lines"), path, w,
                          arch);
}

}  // namespace eesim::mapping
