#pragma once
// The interface every core kind implements: a pure cost function (no SystemC, no files, no
// globals; STYLE.md rule 3). A new kind is one file implementing this plus one line in
// core_models.cpp.
#include <string>
#include <vector>

#include "hw_models/architecture.h"
#include "hw_models/cost.h"
#include "hw_models/tile.h"

namespace eesim::hw {

class CoreModel {
 public:
  virtual ~CoreModel() = default;
  // The name the architecture file uses for this kind ("systolic"); unique.
  virtual std::string kind() const = 0;
  // Peak multiply-accumulates per cycle of this core; > 0 for every valid spec.
  virtual int64_t peak_macs_per_cycle(const CoreSpec& core) const = 0;
  // Bytes of parameters the core can keep on chip across inferences (0: none).
  virtual int64_t weight_capacity_bytes(const CoreSpec& core) const = 0;
  // All on-chip memory of the core, bytes (buffers, PE and core memories).
  virtual int64_t on_chip_bytes(const CoreSpec& core) const = 0;
  // Bytes per operand word on this core.
  virtual int64_t word_bytes(const CoreSpec& core) const = 0;
  // Cost of running `tile` on `core`. Deterministic; depends only on its arguments. A tile the
  // core cannot run returns unsupported(reason). `core.params` holds this kind's spec.
  virtual Cost cost(const CoreSpec& core, const TileShape& tile) const = 0;
};

// The model registered for a core's kind. Every kind in arch.proto's Core.kind has one.
const CoreModel& core_model(const CoreSpec& core);
const CoreModel& core_model(const std::string& kind);  // throws Error for an unknown kind
std::vector<std::string> core_model_kinds();

}  // namespace eesim::hw
