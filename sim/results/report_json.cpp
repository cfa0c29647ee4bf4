#include "sim/results/report_json.h"

#include "common/json_writer.h"

namespace eesim::sim {
namespace {

void write_scenarios(JsonWriter& j, const Report& r) {
  j.key("scenarios").begin_array();
  for (const auto& sc : r.scenarios) {
    j.begin_object().key("exit").value(sc.exit).key("probability").value(sc.probability);
    j.key("latency_cycles").value(sc.run.latency_cycles).key("energy_pj").value(sc.run.energy_pj());
    j.key("dynamic_energy_pj").value(sc.run.dynamic_energy_pj);
    j.key("noc_energy_pj").value(sc.run.noc_energy_pj);
    j.key("static_energy_pj").value(sc.run.static_energy_pj);
    j.key("nodes").value(static_cast<int64_t>(sc.plan.nodes.size()));
    j.key("noc_bytes").value(sc.run.noc_bytes).key("dram_bytes").value(sc.run.dram_bytes);
    j.key("spilled_bytes").value(sc.run.spilled_bytes).end_object();
  }
  j.end_array();
}

void write_cores_and_links(JsonWriter& j, const Report& r, const hw::Architecture& arch) {
  j.key("cores").begin_array();
  for (size_t c = 0; c < arch.cores.size(); ++c) {
    const double busy = r.expected_core_busy_cycles[c];
    j.begin_object().key("name").value(arch.cores[c].name).key("busy_cycles").value(busy);
    j.key("utilization")
        .value(r.expected_latency_cycles > 0 ? busy / r.expected_latency_cycles : 0.0);
    j.key("peak_memory_bytes").value(r.core_peak_memory_bytes[c]).end_object();
  }
  j.end_array().key("links").begin_array();
  for (const auto& l : r.links)
    j.begin_object()
        .key("from")
        .array(std::vector<int64_t>{l.link.from.x, l.link.from.y})
        .key("to")
        .array(std::vector<int64_t>{l.link.to.x, l.link.to.y})
        .key("busy_cycles")
        .value(l.expected_busy_cycles)
        .end_object();
  j.end_array();
}

}  // namespace

std::string report_json(const Report& r, const ReportContext& c, const workloads::Workload& w,
                        const hw::Architecture& arch) {
  JsonWriter j;
  j.begin_object().key("model").value(c.model).key("arch").value(arch.name);
  j.key("arch_file").value(arch.source).key("clock_mhz").value(arch.clock_mhz);
  j.key("policy")
      .value(c.policy)
      .key("fusion")
      .value(c.fusion)
      .key("allocation")
      .value(c.allocation);
  j.key("nodes").value(c.nodes);
  j.key("expected").begin_object().key("latency_cycles").value(r.expected_latency_cycles);
  j.key("latency_ms").value(arch.ns(r.expected_latency_cycles) / 1e6);
  j.key("energy_pj").value(r.expected_energy_pj).key("edp").value(r.expected_edp_pj_cycles);
  j.key("edp_of_means").value(r.edp_of_means_pj_cycles).key("edp_unit").value("pJ*cycles");
  j.end_object();
  write_scenarios(j, r);
  write_cores_and_links(j, r, arch);
  j.key("layers").begin_array();
  for (workloads::LayerId v = 0; v < r.layers.size(); ++v) {
    const auto& l = r.layers[v];
    j.begin_object().key("name").value(w.layer(v).name).key("core").value(arch.cores[l.core].name);
    j.key("compute_cycles").value(l.compute_cycles).key("macs").value(l.macs);
    j.key("weights_resident").value(l.weights_resident).end_object();
  }
  j.end_array().key("lower_bound_cycles").value(r.roofline.lower_bound_cycles()).end_object();
  return j.str() + "\n";
}

}  // namespace eesim::sim
