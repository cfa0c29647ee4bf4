#include "tools/inspect_costs.h"

#include <cstdio>
#include <iomanip>
#include <set>

#include "hw_models/core_model.h"
#include "hw_models/cost_cache.h"

namespace eesim::tools {
namespace {

using hw::CoreEstimate;
using hw::LayerEstimate;

double ms(const hw::Architecture& a, int64_t cycles) {
  return a.ns(static_cast<double>(cycles)) / 1e6;
}

void write_sram(JsonWriter& j, const char* name, const hw::SramAccess& s) {
  j.key(name).begin_object().key("reads").value(s.reads).key("writes").value(s.writes).end_object();
}

void write_energy(JsonWriter& j, const hw::EnergyPj& e, double static_pj) {
  j.key("energy_breakdown_pj").begin_object();
  j.key("compute").value(e.compute).key("sram").value(e.sram).key("dram").value(e.dram);
  j.key("static").value(static_pj).end_object();
}

void write_layer_estimate(JsonWriter& j, const hw::Architecture& arch, const CoreEstimate& k,
                          const LayerEstimate& e) {
  const hw::CoreSpec& core = arch.cores[k.core_index];
  j.key(core.kind()).begin_object().key("core").value(core.name);
  j.key("supported").value(e.cost.supported);
  if (!e.cost.supported) {
    j.key("reason").value(e.cost.reason).end_object();
    return;
  }
  j.key("compute_cycles")
      .value(e.cost.compute_cycles)
      .key("utilization")
      .value(e.cost.utilization());
  j.key("sram").begin_object();
  write_sram(j, "ifmap", e.cost.ifmap);
  write_sram(j, "filter", e.cost.filter);
  write_sram(j, "ofmap", e.cost.ofmap);
  j.end_object();
  j.key("weights_resident").value(e.tile.weights_resident);
  j.key("dram_bytes")
      .value(e.cost.dram_bytes())
      .key("dram_read_bytes")
      .value(e.cost.dram_read_bytes);
  j.key("dram_write_bytes").value(e.cost.dram_write_bytes).key("dram_cycles").value(e.dram_cycles);
  j.key("latency_cycles").value(e.latency_cycles).key("energy_pj").value(e.energy_pj());
  write_energy(j, e.cost.energy, e.static_energy_pj);
  j.end_object();
}

}  // namespace

ArchCosts analyze_on_arch(const workloads::Workload& w, const hw::Architecture& arch) {
  ArchCosts out;
  out.arch = &arch;
  hw::CostCache cache(arch);
  std::set<std::string> seen;
  for (size_t i = 0; i < arch.cores.size(); ++i)
    if (seen.insert(arch.cores[i].kind()).second)
      out.kinds.push_back(hw::layer_by_layer(w, arch, i, cache));
  out.roofline = hw::roofline(w, arch);
  return out;
}

void write_layer_costs_json(JsonWriter& j, const ArchCosts& costs, workloads::LayerId v) {
  j.key("costs").begin_object();
  for (const auto& k : costs.kinds) write_layer_estimate(j, *costs.arch, k, k.layers.at(v));
  j.end_object();
}

void write_arch_json(JsonWriter& j, const ArchCosts& costs) {
  const hw::Architecture& a = *costs.arch;
  j.key("arch").begin_object().key("name").value(a.name).key("source").value(a.source);
  j.key("clock_mhz").value(a.clock_mhz).key("cores").begin_array();
  for (const auto& c : a.cores) {
    const auto& m = hw::core_model(c);
    j.begin_object().key("name").value(c.name).key("kind").value(c.kind());
    j.key("x").value(c.x).key("y").value(c.y);
    j.key("peak_macs_per_cycle").value(m.peak_macs_per_cycle(c));
    j.key("weight_capacity_bytes").value(m.weight_capacity_bytes(c));
    j.key("static_power_mw").value(c.static_power_mw).end_object();
  }
  j.end_array().key("drams").begin_array();
  for (const auto& d : a.drams)
    j.begin_object()
        .key("name")
        .value(d.name)
        .key("x")
        .value(d.x)
        .key("y")
        .value(d.y)
        .key("bandwidth_bytes_per_cycle")
        .value(d.bandwidth_bytes_per_cycle)
        .end_object();
  j.end_array().end_object();
  j.key("estimates").begin_object();
  for (const auto& k : costs.kinds) {
    j.key(a.cores[k.core_index].kind())
        .begin_object()
        .key("core")
        .value(a.cores[k.core_index].name);
    j.key("complete").value(k.unsupported.empty()).key("unsupported_layers").array(k.unsupported);
    j.key("latency_cycles")
        .value(k.latency_cycles)
        .key("latency_ms")
        .value(ms(a, k.latency_cycles));
    j.key("energy_pj").value(k.energy_pj);
    write_energy(j, k.dynamic_pj, k.static_pj);
    j.key("resident_weight_bytes").value(k.resident_weight_bytes);
    j.key("streamed_weight_bytes").value(k.streamed_weight_bytes);
    j.key("io_bytes").value(k.io_bytes).key("io_cycles").value(k.io_cycles).end_object();
  }
  j.end_object();
  const hw::Roofline& r = costs.roofline;
  j.key("roofline").begin_object().key("total_macs").value(r.total_macs);
  j.key("peak_macs_per_cycle")
      .value(r.peak_macs_per_cycle)
      .key("compute_cycles")
      .value(r.compute_cycles);
  j.key("dram_bytes").value(r.dram_bytes).key("dram_bytes_per_cycle").value(r.dram_bytes_per_cycle);
  j.key("dram_cycles").value(r.dram_cycles).key("lower_bound_cycles").value(r.lower_bound_cycles());
  j.key("lower_bound_ms").value(ms(a, r.lower_bound_cycles())).key("bound").value(r.bound());
  j.end_object();
}

void print_costs_table(const workloads::Workload& w, const ArchCosts& costs, std::ostream& out) {
  const hw::Architecture& a = *costs.arch;
  out << "\ncosts on " << a.name << " (" << a.source << "), " << a.clock_mhz
      << " MHz; per layer: compute cycles / utilisation / DRAM bytes / energy uJ\n";
  out << std::left << std::setw(5) << "#" << std::setw(34) << "layer";
  for (const auto& k : costs.kinds)
    out << std::setw(42)
        << (a.cores[k.core_index].kind() + " (" + a.cores[k.core_index].name + ")");
  out << "\n";
  char buf[96];
  for (workloads::LayerId v = 0; v < w.num_layers(); ++v) {
    std::string name = w.layer(v).name;
    if (name.size() > 32) name = "..." + name.substr(name.size() - 29);
    out << std::left << std::setw(5) << v << std::setw(34) << name;
    for (const auto& k : costs.kinds) {
      const LayerEstimate& e = k.layers[v];
      if (!e.cost.supported)
        std::snprintf(buf, sizeof buf, "%-42s", "unsupported");
      else
        std::snprintf(buf, sizeof buf, "%12lld %6.1f%% %11lld %9.3f  ",
                      static_cast<long long>(e.cost.compute_cycles), 100 * e.cost.utilization(),
                      static_cast<long long>(e.cost.dram_bytes()), e.energy_pj() / 1e6);
      out << buf;
    }
    out << "\n";
  }
  for (const auto& k : costs.kinds) {
    const auto& c = a.cores[k.core_index];
    std::snprintf(buf, sizeof buf, "%.3f ms, %.3f mJ", ms(a, k.latency_cycles), k.energy_pj / 1e9);
    out << "layer by layer on " << c.name << " (" << c.kind() << "): " << buf << "; weights "
        << k.resident_weight_bytes << " B on chip, " << k.streamed_weight_bytes
        << " B streamed per inference";
    if (!k.unsupported.empty()) out << "; " << k.unsupported.size() << " layer(s) unsupported";
    out << "\n";
  }
  const hw::Roofline& r = costs.roofline;
  std::snprintf(buf, sizeof buf, "%.4f ms", ms(a, r.lower_bound_cycles()));
  out << "roofline lower bound on the whole chip: " << r.lower_bound_cycles() << " cycles (" << buf
      << ", " << r.bound() << "-bound: " << r.compute_cycles << " compute, " << r.dram_cycles
      << " DRAM)\n";
}

}  // namespace eesim::tools
