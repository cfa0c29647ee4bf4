#pragma once
// The interface every core kind implements: a pure cost function (no SystemC, no files, no
// globals; STYLE.md rule 3), and the registry of kinds. A new kind is its parameter message in
// arch.proto's Core.kind, one file implementing CoreModel, and one EESIM_REGISTER_CORE_KIND line
// in core_models.cpp (hw_models/README.md).
#include <cassert>
#include <optional>
#include <string>
#include <vector>

#include "hw_models/architecture.h"
#include "hw_models/cost.h"
#include "hw_models/tile.h"

namespace eesim::hw {

class CoreModel {
 public:
  virtual ~CoreModel() = default;
  // The name the architecture file uses for this kind ("systolic"): the field name of its
  // message in arch.proto's Core.kind; unique.
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
  // core cannot run returns unsupported(reason). `core.params` holds this kind's message.
  virtual Cost cost(const CoreSpec& core, const TileShape& tile) const = 0;
  // The kind's own rules across its parameters, beyond what arch.proto's field options say (a
  // served dimension that exists, an unroll that fits its dimension): the first broken one, as
  // a key path inside the kind's block ("level[2].served_dim") and what was expected; empty
  // when the parameters hold. The loader reports it with the file and line.
  struct ParamProblem {
    std::string key;
    std::string what;
  };
  virtual std::optional<ParamProblem> check_params(const google::protobuf::Message&) const {
    return std::nullopt;
  }
};

// The parameters of `core` as its kind's message type `Params` (the class protoc generates from
// arch.proto), for the kind's own model: a core handed to a model is always of its kind.
template <typename Params>
const Params& params_of(const CoreSpec& core) {
  assert(core.params != nullptr);
  const Params& params = static_cast<const Params&>(*core.params);
  // A descriptor compare, not a dynamic_cast: this runs on every cost and word-size lookup.
  assert(params.GetDescriptor() == Params::descriptor());
  return params;
}

// The model registered for a core's kind. Throws eesim::Error naming the kind and listing the
// registered ones when there is none.
const CoreModel& core_model(const CoreSpec& core);
const CoreModel& core_model(const std::string& kind);
// Registered kinds, in alphabetical order.
std::vector<std::string> core_model_kinds();
// Adds `model` under model.kind() (a kind registered twice is a programming error); returns
// true so that a registration can initialise a static (EESIM_REGISTER_CORE_KIND).
bool register_core_model(const CoreModel& model);

}  // namespace eesim::hw

// Registers the model returned by `factory` (a function `const CoreModel& factory()` defined in
// the kind's file) before main runs. Write it at namespace scope in eesim::hw.
#define EESIM_REGISTER_CORE_KIND(factory)                   \
  const ::eesim::hw::CoreModel& factory();                  \
  [[maybe_unused]] static const bool factory##_registered = \
      ::eesim::hw::register_core_model(factory())
