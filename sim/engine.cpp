// The SystemC shells: one module per core, each an SC_METHOD that keeps a ready queue of plan
// nodes, runs the highest-priority one for its cost, and on finishing sends each consumer its
// data over the mesh (booked on the link calendar). DRAM ports are booked the same way. The
// shells only ask for delays and record what happened (STYLE.md rule 3).
#include "sim/engine.h"

#include <systemc>

#include <algorithm>
#include <cmath>
#include <memory>
#include <queue>
#include <set>

#include "hw_models/core_model.h"
#include "hw_models/noc.h"
#include "sim/kernel.h"
#include "sim/link_calendar.h"

namespace eesim::sim {
namespace {

int64_t now_cycles() {
  return static_cast<int64_t>(std::llround(sc_core::sc_time_stamp() / sc_core::sc_time(1, sc_core::SC_NS)));
}
sc_core::sc_time cycles(int64_t n) { return sc_core::sc_time(static_cast<double>(n), sc_core::SC_NS); }

class CoreShell;

// State shared by the shells of one run.
struct Run {
  Run(const Plan& p, const hw::Architecture& a) : plan(p), arch(a) {}
  const Plan& plan;
  const hw::Architecture& arch;
  struct Send {
    size_t to = 0;      // consumer node
    int64_t bytes = 0;  // 0 for gates
  };
  std::vector<std::vector<Send>> consumers;      // per node
  std::vector<int> pending;                      // inputs not yet arrived
  std::vector<int> readers_left;                 // consumers of a node's band yet to finish
  std::vector<int64_t> remote_in_bytes;          // bytes a node received from other cores
  std::vector<int64_t> live;                     // per core, bytes held now
  std::vector<int64_t> capacity;                 // per core, on-chip bytes
  std::vector<int64_t> spilled;                  // per core, bytes now in DRAM instead
  std::vector<char> is_end;
  int ends_left = 0;
  bool done = false;
  LinkCalendar calendar;
  std::vector<std::unique_ptr<CoreShell>> cores;
  ScenarioRun out;

  void finish(size_t node, int64_t now);
  void hold(size_t core, int64_t delta, int64_t now) {
    if (delta == 0) return;
    const int64_t over = live[core] + delta - capacity[core];
    if (delta > 0 && over > 0) {  // spill what does not fit: out to DRAM now, back in later
      const int64_t spill = std::min(over, delta);
      const size_t port = hw::nearest_dram(arch, core);
      calendar.reserve({LinkCalendar::dram_port(static_cast<int64_t>(port))}, now,
                       hw::dram_cycles(arch.drams[port], 2 * spill));
      out.spilled_bytes += spill;
      out.dram_bytes += 2 * spill;
      out.dynamic_energy_pj += hw::dram_energy_pj(arch.drams[port], 2 * spill);
      spilled[core] += spill;
      delta -= spill;
    } else if (delta < 0 && spilled[core] > 0) {  // freed bytes let spilled ones back in
      const int64_t back = std::min(spilled[core], -delta);
      spilled[core] -= back;
      delta += back;
    }
    live[core] += delta;
    out.core_peak_memory_bytes[core] = std::max(out.core_peak_memory_bytes[core], live[core]);
    out.memory.push_back({now, core, live[core]});
  }
  void release_inputs(size_t node, int64_t now) {
    const size_t core = plan.nodes[node].core;
    for (const PlanEdge& in : plan.nodes[node].inputs)
      if (in.bytes > 0 && --readers_left[in.from] == 0)
        hold(plan.nodes[in.from].core, -plan.nodes[in.from].out_bytes, now);
    hold(core, -remote_in_bytes[node], now);
  }
};

class CoreShell : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(CoreShell);
  CoreShell(sc_core::sc_module_name name, Run& run, size_t core)
      : sc_module(name), run_(run), core_(core) {
    SC_METHOD(step);
  }
  // Node `node`'s input arrives at cycle `at` (>= now).
  void deliver(size_t node, int64_t at) {
    arrivals_.push({at, node});
    arrival_event_.notify(cycles(at - now_cycles()));
  }
  void make_ready(size_t node) { ready_.insert({run_.plan.nodes[node].priority, node}); }

 private:
  void step() {
    if (run_.done) return;
    const int64_t now = now_cycles();
    for (bool changed = true; changed && !run_.done;) {
      changed = false;
      while (!arrivals_.empty() && arrivals_.top().first <= now) {
        const size_t n = arrivals_.top().second;
        arrivals_.pop();
        if (--run_.pending[n] == 0) make_ready(n);
      }
      if (busy_ && now >= run_end_) {
        busy_ = false;
        run_.finish(running_, now);
        changed = true;
      }
      if (!busy_ && !ready_.empty() && !run_.done) start(now), changed = true;
    }
    if (run_.done) return;
    if (busy_) next_trigger(cycles(run_end_ - now), arrival_event_.default_event());
    else next_trigger(arrival_event_.default_event());
  }

  void start(int64_t now) {
    running_ = ready_.begin()->second;
    ready_.erase(ready_.begin());
    const PlanNode& n = run_.plan.nodes[running_];
    int64_t end = now + n.compute_cycles;
    if (n.dram_bytes > 0) {  // its DRAM traffic overlaps compute but shares the port
      const size_t port = hw::nearest_dram(run_.arch, core_);
      const int64_t hold = hw::dram_cycles(run_.arch.drams[port], n.dram_bytes);
      end = std::max(end, run_.calendar.reserve({LinkCalendar::dram_port(static_cast<int64_t>(port))}, now, hold) + hold);
      run_.out.dram_bytes += n.dram_bytes;
    }
    busy_ = true;
    run_end_ = end;
    run_.out.nodes[running_].start = now;
    run_.out.core_busy_cycles[core_] += end - now;
  }

  Run& run_;
  size_t core_;
  using Arrival = std::pair<int64_t, size_t>;
  std::priority_queue<Arrival, std::vector<Arrival>, std::greater<>> arrivals_;
  sc_core::sc_event_queue arrival_event_;
  std::set<std::pair<std::vector<int64_t>, size_t>> ready_;
  bool busy_ = false;
  size_t running_ = 0;
  int64_t run_end_ = 0;

  friend struct Run;
};

void Run::finish(size_t node, int64_t now) {
  out.nodes[node].end = now;
  release_inputs(node, now);
  if (readers_left[node] > 0) hold(plan.nodes[node].core, plan.nodes[node].out_bytes, now);
  out.dynamic_energy_pj += plan.nodes[node].dynamic_energy_pj;
  const auto& from = arch.cores[plan.nodes[node].core];
  for (const Send& e : consumers[node]) {
    const size_t to_core = plan.nodes[e.to].core;
    int64_t at = now;
    if (to_core != plan.nodes[node].core) {
      const auto& to = arch.cores[to_core];
      const int64_t h = hw::hops({from.x, from.y}, {to.x, to.y});
      const int64_t ser = hw::transfer_cycles(arch.noc, h, e.bytes) - h * (arch.noc.router_cycles + arch.noc.link_cycles);
      const int64_t start = calendar.reserve(route_resources({from.x, from.y}, {to.x, to.y}), now, std::max<int64_t>(ser, 0));
      at = start + h * (arch.noc.router_cycles + arch.noc.link_cycles) + std::max<int64_t>(ser, 0);
      out.noc_bytes += e.bytes;
      remote_in_bytes[e.to] += e.bytes;  // buffered on the consumer's core from the send
      hold(to_core, e.bytes, now);
      if (e.bytes > 0)
        out.transfers.push_back({node, e.to, start, at, e.bytes, hw::xy_route({from.x, from.y}, {to.x, to.y})});
      out.noc_energy_pj += hw::transfer_energy_pj(arch.noc, h, e.bytes);
    }
    cores[to_core]->deliver(e.to, at);
  }
  if (is_end[node] && --ends_left == 0) {
    done = true;
    out.latency_cycles = now;
  }
}

}  // namespace

ScenarioRun run_plan(const Plan& plan, const hw::Architecture& arch) {
  FreshKernel kernel;
  Run run(plan, arch);
  const size_t n = plan.nodes.size();
  run.consumers.resize(n);
  run.pending.assign(n, 0);
  run.readers_left.assign(n, 0);
  run.remote_in_bytes.assign(n, 0);
  run.live.assign(arch.cores.size(), 0);
  run.spilled.assign(arch.cores.size(), 0);
  for (const auto& c : arch.cores) run.capacity.push_back(hw::core_model(c).on_chip_bytes(c));
  run.out.core_peak_memory_bytes.assign(arch.cores.size(), 0);
  for (size_t c = 0; c < arch.cores.size(); ++c) run.hold(c, plan.resident_weight_bytes[c], 0);
  run.is_end.assign(n, 0);
  for (size_t i = 0; i < n; ++i)
    for (const PlanEdge& e : plan.nodes[i].inputs) {
      run.consumers[e.from].push_back({i, e.bytes});
      ++run.pending[i];
      if (e.bytes > 0) ++run.readers_left[e.from];
    }
  for (size_t e : plan.end_nodes) run.is_end[e] = 1;
  run.ends_left = static_cast<int>(plan.end_nodes.size());
  run.out.nodes.assign(n, {});
  run.out.core_busy_cycles.assign(arch.cores.size(), 0);
  for (size_t c = 0; c < arch.cores.size(); ++c)
    run.cores.push_back(std::make_unique<CoreShell>(("core_" + std::to_string(c)).c_str(), run, c));
  for (size_t i = 0; i < n; ++i)
    if (run.pending[i] == 0) run.cores[plan.nodes[i].core]->make_ready(i);
  sc_core::sc_start();
  // Work still running when the exit fired is cancelled: its energy is charged pro rata.
  for (size_t i = 0; i < n; ++i) {
    const NodeTiming& t = run.out.nodes[i];
    if (t.start >= 0 && t.end < 0 && run.out.latency_cycles > t.start) {
      const auto& pn = plan.nodes[i];
      const double full = static_cast<double>(std::max<int64_t>(pn.compute_cycles, 1));
      run.out.dynamic_energy_pj += pn.dynamic_energy_pj *
          std::min(1.0, static_cast<double>(run.out.latency_cycles - t.start) / full);
    }
  }
  for (const auto& c : arch.cores)
    run.out.static_energy_pj += c.static_power_mw * arch.ns(static_cast<double>(run.out.latency_cycles));
  ScenarioRun result = std::move(run.out);
  run.cores.clear();  // modules go before their kernel
  return result;
}

}  // namespace eesim::sim
