#pragma once
// Exit editing in memory: a loaded workload with some of its exits dropped, only some kept, or a
// head mounted at a named layer, without re-exporting the model. Pure functions on Workload
// values, like exit_mount.h (whose mount_exit does the mounting).
//
// Contract: dropping exits gives the Workload the importer gives for the same model exported
// without them (same layers, ids, order, edges, exits and their depths), except that
// Workload::dropped_exits lists the dropped names, so rates that name them (the model's
// metadata, a NAS loop's exit dictionary) are ignored instead of being errors
// (workloads/exit_profile.h), and so are precision rules that select their heads
// (workloads/layer_overrides.h). `pruned` keeps what the import pruned (a dropped head is not
// listed there: nothing was pruned from the file). One case differs from a re-export: a
// BatchNormalization that could not fold into its Conv because an exit head also read the Conv's
// output stays a separate layer (the importer folds only a tensor with one reader).
#include <string>
#include <vector>

#include "workloads/exit_mount.h"
#include "workloads/workload.h"

namespace eesim::workloads {

// `w` without the exits named in `names` (in any order; one already dropped is no error): the
// layers only they needed are removed, ids re-compacted in their order, the other exits keep
// their order. Throws eesim::Error naming a name that is not an exit of `w` (listing them), or
// the final output.
Workload drop_exits(const Workload& w, const std::vector<std::string>& names);

// `w` with only the exits named (in any order; none: the backbone alone); the others dropped as
// by drop_exits. Throws eesim::Error for a name that is not an exit of `w` (naming it, and saying
// when it was dropped before).
Workload keep_exits(const Workload& w, const std::vector<std::string>& names);

// mount_exit at the layer named `layer`, the exit named `exit_name` (no longer a dropped exit, if
// it was one). Throws eesim::Error for an unknown layer, and as mount_exit does.
Workload mount_exit_at(const Workload& w, const std::string& layer, const HeadTemplate& head,
                       const std::string& exit_name);

}  // namespace eesim::workloads
