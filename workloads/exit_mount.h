#pragma once
// Exit mounting: where an exit head can fork off a backbone, and the workload with one head
// mounted there. Pure functions on Workload values; the "EDP across mounting points" sweep
// (sim/sweep.h) builds on them.
#include <cstdint>
#include <string>
#include <vector>

#include "workloads/workload.h"

namespace eesim::workloads {

// One op of an exit head, applied to the tensor the previous op produced.
struct HeadOp {
  enum class Kind {
    kConv,       // convKHxKW:C[/sS]: a KHxKW conv to C channels, pads KH/2, KW/2, with bias
    kDepthwise,  // dwKHxKW[/sS]: a depthwise KHxKW conv (group = channels), with bias
    kRelu,       // relu
    kGap,        // gap: GlobalAveragePool, [N,C,H,W] -> [N,C,1,1]
    kFc,         // fc:N: Flatten (a view) of a 4-D tensor, then Gemm to N outputs, with bias
  };
  Kind kind = Kind::kRelu;
  int64_t kernel_h = 1, kernel_w = 1;  // conv, dw
  int64_t stride = 1;                  // conv, dw: both spatial axes
  int64_t outputs = 0;                 // conv: output channels; fc: output features
  std::string token;                   // as written, for error messages
  bool operator==(const HeadOp&) const = default;
};

struct HeadTemplate {
  std::string text;  // as given, for reports
  std::vector<HeadOp> ops;
  bool operator==(const HeadTemplate&) const = default;
};

// The grammar parse_head accepts, for usage texts and error messages.
extern const char* const kHeadGrammar;
// A sensible default head: a linear classifier on pooled features (BranchyNet-style, 10 classes).
extern const char* const kDefaultHead;

// Parses comma-separated ops ("conv1x1:128,relu,gap,fc:10"); spaces around tokens are ignored.
// Throws eesim::Error naming the token and giving the grammar.
HeadTemplate parse_head(const std::string& text);

// Candidate branch points, in topological order: backbone layers with one 4-D output that every
// data path from the graph input to the final layer passes through (so an exit there sees all
// the information the backbone has so far), excluding the final layer.
std::vector<LayerId> mount_points(const Workload& w);

// The same network with every exit head removed (layers only exits depend on, and exit
// decisions with their control edges); exits empty, ids re-compacted in topological order.
Workload strip_exits(const Workload& w);

// True when no layer, tensor, exit or output of `w` is `name` or starts with "`name`/", so
// mount_exit may use it for the exit and its layers.
bool exit_name_free(const Workload& w, const std::string& name);

// "mounted_exit", or "mounted_exit_2", "_3", ...: the first such name exit_name_free in `w`.
std::string unused_exit_name(const Workload& w);

// `backbone` with `head` appended on `branch`'s output as a new exit named `exit_name` (its
// output tensor; head layers are "<exit_name>/conv0", "<exit_name>/relu0", ...). Layers carry
// what the importer records for the equivalent ONNX nodes. Throws eesim::Error when `branch` is
// not a backbone layer with one 4-D output, is the final layer, an op does not fit the tensor
// it gets (a conv after fc), or `exit_name` clashes with a layer or output name.
Workload mount_exit(const Workload& backbone, LayerId branch, const HeadTemplate& head,
                    const std::string& exit_name);

}  // namespace eesim::workloads
