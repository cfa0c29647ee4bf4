#pragma once
// sim::Report (with the names it indexes: the workload's layers, the chip's cores) -> the
// eesim.report.RunReport message, once; every writer then takes the message alone
// (report_writers.h). What `eesim run --json|--report` writes and Python's Report is built from.
#include <cstdint>
#include <string>
#include <vector>

#include "hw_models/architecture.h"
#include "report.pb.h"
#include "sim/studies/evaluate.h"
#include "sim/studies/simulate.h"

namespace eesim::sim {

// What the report names besides the numbers in sim::Report.
struct ReportContext {
  std::string model, policy, fusion, allocation;
  int64_t nodes = 0;               // computation nodes in the CN graph
  std::string precision = "full";  // the precision mode (workloads::PrecisionMode)
};

// The context of evaluation `e` of `w` under `o`: what `eesim run`, `eesim compare` and Python's
// Evaluator open a run report with.
ReportContext run_context(const workloads::Workload& w, const EvaluateOptions& o,
                          const Evaluation& e);

// The fields every study's message opens with (the JSON's first keys): RunReport and
// StreamReport share their names, so one function fills both.
template <typename Message>
void set_context(Message& p, const ReportContext& c, const hw::Architecture& arch) {
  p.set_model(c.model);
  p.set_arch(arch.name);
  p.set_arch_file(arch.source);
  p.set_clock_mhz(arch.clock_mhz);
  p.set_policy(c.policy);
  p.set_fusion(c.fusion);
  p.set_allocation(c.allocation);
  p.set_nodes(c.nodes);
}

// One line per scenario whose cores sat idle while work waited for more than
// kIdleWhileWaitingWarnFraction of its latency (mapping_quality.h); the text report prints
// them after "warning: ", the message keeps them in quality.warnings.
std::vector<std::string> idle_warnings(const Report& r);

// What a reader should know about how the run was priced: layers whose operands are wider than
// their core's MAC datapath (they run in passes: an fp32 export on an int8 chip).
std::vector<std::string> precision_notes(const Report& r);

report::RunReport run_message(const Report& r, const ReportContext& c, const workloads::Workload& w,
                              const hw::Architecture& arch);

}  // namespace eesim::sim
