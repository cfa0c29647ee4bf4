#pragma once
// The rules across a SpatialArray's fields that arch.proto's field options cannot state: names
// that refer to each other, unrolls that fit their dimension, every operand stored somewhere.
#include <optional>

#include "hw_models/core_model.h"

namespace eesim::hw {
namespace schema {
class SpatialArray;
}  // namespace schema

// The first rule `s` breaks, as a key path inside its block and what was expected.
std::optional<CoreModel::ParamProblem> spatial_array_problem(const schema::SpatialArray& s);

}  // namespace eesim::hw
