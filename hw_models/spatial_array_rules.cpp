// A SpatialArray's cross-field rules (spatial_array_rules.h), checked when a file is loaded.
#include "hw_models/spatial_array_rules.h"

#include <algorithm>
#include <set>
#include <string>

#include "arch.pb.h"

namespace eesim::hw {
namespace {

using Spec = schema::SpatialArray;
using Problem = CoreModel::ParamProblem;

std::string item(const std::string& key, int i) { return key + "[" + std::to_string(i) + "]"; }

const char* operand_name(int o) {
  return o == Spec::WEIGHTS ? "WEIGHTS" : o == Spec::INPUTS ? "INPUTS" : "OUTPUTS";
}

// The unrolls of one array dimension: their product must fit its size.
std::optional<Problem> check_unrolls(const google::protobuf::RepeatedPtrField<Spec::Unroll>& u,
                                     int64_t size, const std::string& key) {
  int64_t product = 1;
  std::set<int> loops;
  for (int j = 0; j < u.size(); ++j) {
    if (!loops.insert(u.Get(j).loop()).second)
      return Problem{item(key, j) + ".loop",
                     "loop " + Spec::LoopDim_Name(u.Get(j).loop()) + " is unrolled twice here"};
    product *= u.Get(j).factor();
    if (product > size)
      return Problem{item(key, j) + ".factor", "the unrolls of this dimension multiply to " +
                                                   std::to_string(product) +
                                                   ", more than its size " + std::to_string(size)};
  }
  return std::nullopt;
}

}  // namespace

std::optional<Problem> spatial_array_problem(const Spec& s) {
  if (s.dim_size() == 0) return Problem{"dim", "at least one array dimension is required"};
  std::set<std::string> dims;
  for (int i = 0; i < s.dim_size(); ++i) {
    const auto& d = s.dim(i);
    if (!dims.insert(d.name()).second)
      return Problem{item("dim", i) + ".name", "duplicate dimension name '" + d.name() + "'"};
    if (auto p = check_unrolls(d.unroll(), d.size(), item("dim", i) + ".unroll")) return p;
  }
  for (int i = 0; i < s.op_unroll_size(); ++i) {
    const auto& ou = s.op_unroll(i);
    for (int j = 0; j < ou.dim_size(); ++j) {
      const std::string key = item("op_unroll", i) + "." + item("dim", j);
      const auto it = std::find_if(s.dim().begin(), s.dim().end(),
                                   [&](const auto& d) { return d.name() == ou.dim(j).name(); });
      if (it == s.dim().end())
        return Problem{key + ".name", "no array dimension named '" + ou.dim(j).name() + "'"};
      if (auto p = check_unrolls(ou.dim(j).unroll(), it->size(), key + ".unroll")) return p;
    }
  }
  if (s.level_size() == 0) return Problem{"level", "at least one memory level is required"};
  std::set<std::string> names;
  bool stored[3] = {false, false, false};
  for (int i = 0; i < s.level_size(); ++i) {
    const auto& l = s.level(i);
    const std::string key = item("level", i);
    if (!names.insert(l.name()).second)
      return Problem{key + ".name", "duplicate level name '" + l.name() + "'"};
    if (l.operand_size() == 0)
      return Problem{key + ".operand", "a level stores at least one operand"};
    std::set<int> ops;
    for (int j = 0; j < l.operand_size(); ++j) {
      if (!ops.insert(l.operand(j)).second)
        return Problem{item(key + ".operand", j),
                       std::string(operand_name(l.operand(j))) + " is listed twice"};
      stored[l.operand(j)] = true;
    }
    for (int j = 0; j < l.served_dim_size(); ++j)
      if (dims.count(l.served_dim(j)) == 0)
        return Problem{item(key + ".served_dim", j),
                       "no array dimension named '" + l.served_dim(j) + "'"};
    if (l.min_access_bits() > std::min(l.read_bits_per_cycle(), l.write_bits_per_cycle()))
      return Problem{key + ".min_access_bits",
                     "the narrowest access is wider than the read or write width"};
    if (l.offchip() && i + 1 != s.level_size())
      return Problem{key + ".offchip", "only the top (last) level can be off chip"};
  }
  for (int o = 0; o < 3; ++o)
    if (!stored[o])
      return Problem{"level", std::string("no level stores ") + operand_name(o) +
                                  ": every operand needs at least one level"};
  return std::nullopt;
}

}  // namespace eesim::hw
