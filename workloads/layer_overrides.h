#pragma once
// Per-layer precision and weight-density overrides: rules that set Layer::weight_bits,
// input_bits, output_bits and weight_density without re-exporting the model (the early-exit NAS
// study's (backbone, exit) bit-width pairs, a pruned layer's density), applied to a Workload
// before mapping as a value-to-value step. Parsed here from text; the studies' options
// (sim/studies/options.h: precision, bits, bits-file, density) hold the result.
//
// A rule is SELECTOR=VALUE. Selectors:
//   backbone      every layer the final output depends on (Workload::backbone)
//   exits         every exit head's layers (Workload::exits[i].head)
//   exit:NAME     the head of the exit whose output is NAME
//   NAME          the layer named NAME
//   PATTERN       a glob over layer names: * any run of characters ('/' too), ? one character,
//                 [abc] [a-z] [!abc] one of a set (so [b]ackbone is a layer named "backbone")
// Bits values (1 <= N <= 64): N (every operand), wN (weights), aN (activations: input and
// output), iN (input), oN (output), or letters run together: w4a8, w8i8o4. Density values: a
// number in [0, 1], the fraction of the weights that are non-zero.
// Rules apply in order, so a later rule wins where it overlaps an earlier one. A rule that
// selects no layer is an error naming it (a typo must not silently do nothing).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workloads/precision.h"
#include "workloads/workload.h"

namespace eesim::workloads {

struct LayerOverride {
  std::string selector;
  // The fields the rule sets; the others keep their values.
  std::optional<int64_t> weight_bits, input_bits, output_bits;
  std::optional<double> weight_density;
  // How errors name the rule: "bits rule 'layer3.*=w4'", "bits.txt:3".
  std::string origin;
  bool operator==(const LayerOverride&) const = default;
};

// The run's whole precision setting: the mode, then the rules in order.
struct PrecisionSpec {
  PrecisionMode mode = PrecisionMode::kFull;
  std::vector<LayerOverride> rules;
  // True when apply_precision returns its workload unchanged (no copy needed).
  bool trivial() const { return mode == PrecisionMode::kFull && rules.empty(); }
  bool operator==(const PrecisionSpec&) const = default;
};

// "SELECTOR=BITS" (split at the last '='; spaces around either side ignored) as a rule named
// `origin`. Throws eesim::Error "ORIGIN: ..." saying what was expected.
LayerOverride parse_bits_rule(const std::string& text, const std::string& origin);
// "SELECTOR=DENSITY" the same way.
LayerOverride parse_density_rule(const std::string& text, const std::string& origin);
// Comma-separated rules, each named "bits rule 'TEXT'" / "density rule 'TEXT'".
std::vector<LayerOverride> parse_bits_rules(const std::string& text);
std::vector<LayerOverride> parse_density_rules(const std::string& text);
// A bits file's text: one rule per line, '#' comments, blank lines skipped; rule n named
// "PATH:LINE". Throws eesim::Error "PATH:LINE: ..." for a bad line, "PATH: no rules" for none.
std::vector<LayerOverride> parse_bits_file(const std::string& text, const std::string& path);

// fnmatch(3) without flags over the whole of `name`: *, ?, [set], [!set], [a-z].
bool glob_match(std::string_view pattern, std::string_view name);

// The layers `selector` names in `w`, ascending. Throws eesim::Error for exit:NAME when `w` has
// no exit NAME (listing its exits); an unknown name or pattern gives an empty list.
std::vector<LayerId> select_layers(const Workload& w, const std::string& selector);

// `w` with each rule applied in order. Throws eesim::Error "ORIGIN: ..." for a rule that selects
// no layer, except a rule for exits dropped in memory (exit:NAME of one in w.dropped_exits;
// exits when all were dropped), which is skipped.
Workload apply_overrides(Workload w, const std::vector<LayerOverride>& rules);
// with_precision_mode, then the rules (an override is the user's last word, so under kNative
// the layers it names take its widths and the rest the core's word).
Workload apply_precision(Workload w, const PrecisionSpec& spec);

// `spec` without the rules that select exit heads by region (exits, exit:NAME): for a network
// whose exits were stripped (the exit-mounting sweep's baseline).
PrecisionSpec without_exit_rules(PrecisionSpec spec);

}  // namespace eesim::workloads
