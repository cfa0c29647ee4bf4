// The mapping file (allocation.h): `LAYER = CORE`, `LAYER = CORE CORE ... by rows|channels`,
// `op TYPE = CORE CORE ...`, `* = CORE`, `#` comments.
#include <optional>
#include <set>
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

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

constexpr const char* kForms =
    "expected 'LAYER = CORE', 'LAYER = CORE CORE ... by rows|channels', 'op TYPE = CORE ...' "
    "or '* = CORE'";

// What a line's right-hand side may hold: one core ('*'), a list of cores (an op line), or one
// core or several cut `by rows|channels` (a layer's line).
enum class Rhs { kOneCore, kCoreList, kPin };

LayerSplit parse_cores(const std::string& rhs, Rhs form, const std::string& at,
                       const hw::Architecture& arch) {
  std::vector<std::string> names = words(rhs);
  LayerSplit out;
  if (names.size() >= 2 && names[names.size() - 2] == "by") {
    const std::string kind = names.back();
    if (form != Rhs::kPin) throw Error(at + "only a layer's line may split it ('by " + kind + "')");
    if (kind != "rows" && kind != "channels")
      throw Error(at + "expected 'by rows' or 'by channels', got 'by " + kind + "'");
    out.kind = kind == "rows" ? SplitKind::kRows : SplitKind::kChannels;
    names.resize(names.size() - 2);
  }
  if (names.empty()) throw Error(at + kForms);
  for (const std::string& name : names) {
    const auto c = arch.find_core(name);
    if (!c) throw Error(at + "no core named '" + name + "' in " + arch.source);
    out.cores.push_back(*c);
  }
  if (names.size() > 1 && form == Rhs::kOneCore) throw Error(at + "'*' takes one core");
  if (names.size() > 1 && form == Rhs::kPin && out.kind == SplitKind::kNone)
    throw Error(at + "several cores need 'by rows' or 'by channels' after them");
  if (form == Rhs::kPin && out.kind != SplitKind::kNone && names.size() < 2)
    throw Error(at + "a split needs at least two cores");
  if (std::set<size_t>(out.cores.begin(), out.cores.end()).size() != out.cores.size())
    throw Error(at + "a core is named twice");
  return out;
}

}  // namespace

MappingSpec parse_mapping(const std::string& text, const std::string& source,
                          const workloads::Workload& w, const hw::Architecture& arch) {
  MappingSpec out;
  out.source = source;
  out.pins.resize(w.num_layers());
  out.line_of.assign(w.num_layers(), 0);
  std::optional<size_t> fallback;
  int fallback_line = 0;
  std::istringstream in(text);
  std::string raw;
  for (int line = 1; std::getline(in, raw); ++line) {
    const std::string s = trim(raw.substr(0, raw.find('#')));
    if (s.empty()) continue;
    const std::string at = source + ":" + std::to_string(line) + ": ";
    const size_t eq = s.find('=');
    if (eq == std::string::npos) throw Error(at + kForms + ", got '" + s + "'");
    const std::string lhs = trim(s.substr(0, eq));
    const std::string rhs = s.substr(eq + 1);
    const std::vector<std::string> left = words(lhs);
    if (left.size() == 2 && left[0] == "op") {
      const LayerSplit cores = parse_cores(rhs, Rhs::kCoreList, at, arch);
      if (out.constraints.cores_of_op.count(left[1]))
        throw Error(at + "op type '" + left[1] + "' given twice");
      out.constraints.cores_of_op[left[1]] = cores.cores;
      out.op_line[left[1]] = line;
      continue;
    }
    if (left.size() != 1) throw Error(at + kForms + ", got '" + s + "'");
    if (lhs == "*") {
      fallback = parse_cores(rhs, Rhs::kOneCore, at, arch).cores[0];
      fallback_line = line;
      continue;
    }
    const auto v = w.find_layer(lhs);
    if (!v) throw Error(at + "no layer named '" + lhs + "' in " + w.name);
    if (out.pins[*v]) throw Error(at + "layer '" + lhs + "' mapped twice");
    out.pins[*v] = parse_cores(rhs, Rhs::kPin, at, arch);
    out.line_of[*v] = line;
  }
  if (fallback)
    for (workloads::LayerId v = 0; v < w.num_layers(); ++v)
      if (!out.pins[v]) {
        out.pins[v] = LayerSplit{SplitKind::kNone, {*fallback}};
        out.line_of[v] = fallback_line;
      }
  // Each pinned part's core must run its layer (the cost model's verdict on the whole layer)
  // and keep to the file's op lines.
  for (workloads::LayerId v = 0; v < w.num_layers(); ++v) {
    if (!out.pins[v]) continue;
    const std::string at =
        source + ":" + std::to_string(out.line_of[v]) + ": layer '" + w.layer(v).name + "' ";
    for (size_t c : out.pins[v]->cores) {
      const auto& core = arch.cores[c];
      if (!out.constraints.allows(w.layer(v), c))
        throw Error(at + "is on core '" + core.name + "', but line " +
                    std::to_string(out.op_line.at(w.layer(v).op)) + " keeps " + w.layer(v).op +
                    " off it");
      hw::Cost cost;
      try {
        cost = hw::tile_cost(arch, c, hw::layer_tile(w.layer(v)));
      } catch (const Error& e) {  // a cost beyond the limits: the line and layer that asked
        throw Error(at + "on core '" + core.name + "': " + e.what());
      }
      if (!cost.supported)
        throw Error(at + "cannot run on core '" + core.name + "': " + cost.reason);
    }
  }
  return out;
}

bool MappingSpec::complete() const {
  for (const auto& pin : pins)
    if (!pin) return false;
  return true;
}

Allocation MappingSpec::allocation(const workloads::Workload& w) const {
  Allocation out{std::vector<size_t>(w.num_layers(), 0), "file " + source, {}};
  out.splits.resize(w.num_layers());
  for (workloads::LayerId v = 0; v < w.num_layers(); ++v) {
    if (!pins[v])
      throw Error(source + ": layer '" + w.layer(v).name + "' has no core (add it or '* = CORE')");
    out.core_of_layer[v] = pins[v]->cores[0];
    if (pins[v]->kind != SplitKind::kNone) out.splits[v] = *pins[v];
  }
  if (!out.is_split()) out.splits.clear();
  return out;
}

Allocation parse_allocation(const std::string& text, const std::string& source,
                            const workloads::Workload& w, const hw::Architecture& arch) {
  return parse_mapping(text, source, w, arch).allocation(w);
}

Allocation load_allocation_file(const std::string& path, const workloads::Workload& w,
                                const hw::Architecture& arch) {
  return parse_allocation(read_text_file(path, "a mapping file of 'LAYER = CORE' lines"), path, w,
                          arch);
}

}  // namespace eesim::mapping
