#include "sim/studies/objective.h"

#include <stdexcept>
#include <vector>

#include "common/error.h"

namespace eesim::sim {
namespace {

// In registration order (so the choices read as the table does); a handful of entries.
std::vector<Objective>& registry() {
  static std::vector<Objective> r = {
      // E[L]: expected latency over the exit scenarios.
      {"latency", [](const Report& r) { return r.expected_latency_cycles; }},
      // E[E]: expected energy.
      {"energy", [](const Report& r) { return r.expected_energy_pj; }},
      // E[E]*E[L]: the product of the means (not a per-inference EDP).
      {"edp", [](const Report& r) { return r.edp_of_means_pj_cycles; }},
      // E[E*L]: per-inference EDP averaged over inputs (DESIGN.md section 5).
      {"expected_edp", [](const Report& r) { return r.expected_edp_pj_cycles; }},
  };
  return r;
}

}  // namespace

bool register_objective(const std::string& name, ObjectiveFn value) {
  for (const Objective& o : registry())
    if (o.name == name) throw std::logic_error("objective '" + name + "' registered twice");
  registry().push_back({name, value});
  return true;
}

const Objective& find_objective(const std::string& name) {
  for (const Objective& o : registry())
    if (o.name == name) return o;
  throw Error("objective '" + name + "': expected " + objective_choices());
}

std::string objective_choices() {
  const auto& r = registry();
  std::string out;
  for (size_t i = 0; i < r.size(); ++i)
    out += (i == 0 ? "" : i + 1 == r.size() ? " or " : ", ") + r[i].name;
  return out;
}

}  // namespace eesim::sim
