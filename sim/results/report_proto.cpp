#include "sim/results/report_proto.h"

#include <google/protobuf/text_format.h>

#include "common/error.h"
#include "common/file_io.h"
#include "report.pb.h"

namespace eesim::sim {
namespace {

eesim::report::Report to_proto(const Report& r, const ReportContext& c,
                               const workloads::Workload& w, const hw::Architecture& arch) {
  eesim::report::Report p;
  p.set_model(c.model);
  p.set_arch(arch.source);
  p.set_policy(c.policy);
  p.set_fusion(c.fusion);
  p.set_allocation(c.allocation);
  p.set_nodes(c.nodes);
  auto* e = p.mutable_expected();
  e->set_latency_cycles(r.expected_latency_cycles);
  e->set_energy_pj(r.expected_energy_pj);
  e->set_edp_pj_cycles(r.expected_edp_pj_cycles);
  e->set_edp_of_means_pj_cycles(r.edp_of_means_pj_cycles);
  for (const auto& s : r.scenarios) {
    auto* q = p.add_scenarios();
    q->set_exit(s.exit);
    q->set_probability(s.probability);
    q->set_latency_cycles(s.run.latency_cycles);
    q->set_energy_pj(s.run.energy_pj());
    q->set_nodes(static_cast<int64_t>(s.plan.nodes.size()));
    q->set_noc_bytes(s.run.noc_bytes);
    q->set_dram_bytes(s.run.dram_bytes);
  }
  for (size_t i = 0; i < arch.cores.size(); ++i) {
    auto* q = p.add_cores();
    q->set_name(arch.cores[i].name);
    q->set_busy_cycles(r.expected_core_busy_cycles[i]);
    q->set_utilization(r.expected_latency_cycles > 0
                           ? r.expected_core_busy_cycles[i] / r.expected_latency_cycles
                           : 0);
    q->set_peak_memory_bytes(r.core_peak_memory_bytes[i]);
  }
  for (const auto& l : r.links) {
    auto* q = p.add_links();
    q->set_from_x(l.link.from.x);
    q->set_from_y(l.link.from.y);
    q->set_to_x(l.link.to.x);
    q->set_to_y(l.link.to.y);
    q->set_busy_cycles(l.expected_busy_cycles);
  }
  for (workloads::LayerId v = 0; v < r.layers.size(); ++v) {
    auto* q = p.add_layers();
    q->set_name(w.layer(v).name);
    q->set_core(arch.cores[r.layers[v].core].name);
    q->set_compute_cycles(r.layers[v].compute_cycles);
    q->set_macs(r.layers[v].macs);
    q->set_weights_resident(r.layers[v].weights_resident);
  }
  p.set_lower_bound_cycles(r.roofline.lower_bound_cycles());
  return p;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

void write_report_proto(const Report& r, const ReportContext& c, const workloads::Workload& w,
                        const hw::Architecture& arch, const std::string& path) {
  const auto p = to_proto(r, c, w, arch);
  std::string bytes;
  const bool text = ends_with(path, ".txtpb") || ends_with(path, ".textproto");
  if (text ? !google::protobuf::TextFormat::PrintToString(p, &bytes) : !p.SerializeToString(&bytes))
    throw Error(path + ": could not encode the report");
  write_file(path, bytes);
}

}  // namespace eesim::sim
