#pragma once
// The objective registry: what `alloc=search` minimises, by name (`objective=energy`). A name is
// resolved once, when the option is given, to a function the search calls per candidate. A new
// objective is one line in objective.cpp's table, or register_objective from a static
// initializer elsewhere. Unknown names are errors that list the registered ones.
#include <string>

#include "sim/studies/simulate.h"

namespace eesim::sim {

// A figure of a report to minimise (lower is better).
using ObjectiveFn = double (*)(const Report&);

struct Objective {
  std::string name;  // "expected_edp"
  ObjectiveFn value = nullptr;
};

// Adds an objective; returns true (for a static initializer). Throws std::logic_error when
// the name is taken. Not synchronised: register before any thread looks objectives up.
bool register_objective(const std::string& name, ObjectiveFn value);
// The objective named `name`. Throws eesim::Error listing the choices for another name.
const Objective& find_objective(const std::string& name);
// The registered names in registration order: "latency, energy, edp or expected_edp".
std::string objective_choices();

}  // namespace eesim::sim
