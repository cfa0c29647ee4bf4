#include "mapping/fusion.h"

#include <algorithm>
#include <set>

#include "common/checked_math.h"
#include "common/error.h"
#include "hw_models/core_model.h"
#include "hw_models/datapath.h"

namespace eesim::mapping {
namespace {

using workloads::LayerId;
using workloads::Workload;

std::vector<std::vector<LayerId>> user_stacks(const Workload& w, const FusionOptions& o) {
  std::vector<std::vector<LayerId>> stacks;
  std::set<LayerId> used;
  for (size_t i = 0; i < o.stacks.size(); ++i) {
    if (o.stacks[i].empty()) throw StackError(i, "empty");
    std::vector<LayerId> ids;
    for (const std::string& name : o.stacks[i]) {
      const auto id = w.find_layer(name);
      if (!id) throw StackError(i, "no layer named '" + name + "'");
      if (!row_splittable(w, *id))
        throw StackError(i, "layer '" + name + "' cannot be cut into rows (its output is not " +
                                "[N,C,H,W] with H > 1, or an input has another height without a "
                                "window)");
      if (!used.insert(*id).second) throw StackError(i, "layer '" + name + "' is in two stacks");
      ids.push_back(*id);
    }
    std::sort(ids.begin(), ids.end());
    stacks.push_back(std::move(ids));
  }
  std::sort(stacks.begin(), stacks.end());
  return stacks;
}

// Maximal runs of consecutive (in topological order) row-splittable layers.
std::vector<std::vector<LayerId>> runs(const Workload& w) {
  std::vector<std::vector<LayerId>> out;
  std::vector<LayerId> run;
  for (LayerId v = 0; v < w.num_layers(); ++v) {
    if (row_splittable(w, v)) {
      run.push_back(v);
    } else if (!run.empty()) {
      out.push_back(std::move(run));
      run.clear();
    }
  }
  if (!run.empty()) out.push_back(std::move(run));
  return out;
}

// Bytes a fused layer keeps on chip: its weights and one band of input and output.
int64_t resident_bytes(const Workload& w, LayerId v, const FusionOptions& o) {
  const auto& l = w.layer(v);
  const auto band = hw::row_band_tile(l, 0, std::min(o.rows_per_cn, hw::output_rows(l)));
  constexpr std::string_view kWhat = "fused layer bytes";
  // Each operand at its width, packed (hw_models/datapath.h); bits 0: the chip's widest word.
  return checked_add(
      checked_add(hw::operand_bytes(l.weight_params, l.weight_bits, o.word_bytes),
                  hw::operand_bytes(band.in_elems, l.input_bits, o.word_bytes), kWhat),
      hw::operand_bytes(band.out_elems, l.output_bits, o.word_bytes), kWhat);
}

// Cuts each run where adding the next layer would overflow the budget; a layer that alone
// overflows it is not fused.
std::vector<std::vector<LayerId>> budgeted(const Workload& w, const FusionOptions& o) {
  std::vector<std::vector<LayerId>> out;
  for (const auto& run : runs(w)) {
    std::vector<LayerId> stack;
    int64_t bytes = 0;
    for (LayerId v : run) {
      const int64_t b = resident_bytes(w, v, o);
      if (!stack.empty() && b > o.memory_budget_bytes - bytes) {  // bytes <= budget: no overflow
        out.push_back(std::move(stack));
        stack.clear();
        bytes = 0;
      }
      if (b > o.memory_budget_bytes) continue;
      stack.push_back(v);
      bytes += b;
    }
    if (!stack.empty()) out.push_back(std::move(stack));
  }
  return out;
}

}  // namespace

FusionOptions auto_fusion(const hw::Architecture& arch) {
  FusionOptions f;
  f.mode = FusionOptions::Mode::kAuto;
  f.memory_budget_bytes = INT64_MAX;
  for (const auto& c : arch.cores) {
    const auto& m = hw::core_model(c);
    f.memory_budget_bytes = std::min(f.memory_budget_bytes, m.on_chip_bytes(c));
    f.word_bytes = std::max(f.word_bytes, m.word_bytes(c));
  }
  return f;
}

std::vector<std::vector<LayerId>> choose_stacks(const Workload& w, const FusionOptions& o) {
  if (o.rows_per_cn < 1)
    throw Error("fusion: rows per node must be >= 1, got " + std::to_string(o.rows_per_cn));
  if (!o.stacks.empty()) return user_stacks(w, o);
  switch (o.mode) {
    case FusionOptions::Mode::kOff:
      return {};
    case FusionOptions::Mode::kRows:
      return runs(w);
    case FusionOptions::Mode::kAuto:
      if (o.memory_budget_bytes <= 0) throw Error("fusion auto: memory budget must be > 0 bytes");
      return budgeted(w, o);
  }
  return {};
}

}  // namespace eesim::mapping
