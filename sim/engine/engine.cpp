// The SystemC shells: one module per core, each keeping a ready queue of plan nodes, running
// the highest-priority one for its cost, and on finishing sending each consumer its data over
// the NoC (booked on the link calendar). DRAM ports are booked the same way. A source module
// admits inputs as they arrive. One SC_METHOD, the chip's dispatcher, steps the source and then
// the cores in index order at every instant anything happens, until nothing more changes at
// that instant: requests for a link or a DRAM port at one instant are granted in that fixed
// order (a fixed-priority arbiter), never in the order SystemC's event queue happens to wake
// processes, which depends on unrelated future events (an input alone and the same input in a
// stream took different times). The shells only ask for delays and record what happened
// (STYLE.md rule 3).
#include "sim/engine/engine.h"

#include <algorithm>
#include <bit>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <systemc>
#include <tuple>
#include <unordered_map>

#include "common/checked_math.h"
#include "common/error.h"
#include "common/limits.h"
#include "hw_models/core_model.h"
#include "hw_models/dram.h"
#include "hw_models/noc.h"
#include "hw_models/on_chip_memory.h"
#include "sim/engine/kernel.h"
#include "sim/engine/link_calendar.h"
#include "sim/engine/stuck_report.h"

namespace eesim::sim {
namespace {

constexpr size_t kNoInput = SIZE_MAX;
// Idle-while-waiting is counted on chips of up to this many cores (one bit per core, RunsOn).
constexpr size_t kMaxCountedCores = 64;

// Tables of one plan, shared by every input that runs it.
struct PlanIndex {
  struct Send {
    size_t to = 0;           // consumer node
    int64_t bytes = 0;       // 0 for gates
    int64_t multicast = -1;  // PlanEdge::multicast
    // Sends of one multicast are contiguous: the first has span = their count, the others 0;
    // every other send has span 1.
    size_t span = 1;
  };
  // Per node, its sends: sends[first_send[i] .. first_send[i + 1]), in plan order with each
  // multicast's sends gathered (one flat table: a plan of a thousand nodes is indexed once per
  // scenario, without a vector per node).
  std::vector<Send> sends;
  std::vector<size_t> first_send;
  std::vector<int> pending;  // per node: inputs it waits for
  std::vector<int> readers;  // per node: data consumers of its band
  std::vector<char> is_end;
  // Per node: its place in the order PlanNode::priority gives (ties by node index), so that a
  // ready queue compares two integers rather than two priority vectors: Plan::rank, or ranked
  // here for a plan built by hand.
  std::vector<size_t> rank;
  // Per node: the other cores that could run it (bit c for core c; EngineOptions::runs_on), all
  // 0 when idle-while-waiting is not counted.
  std::vector<uint64_t> others;
  // `layer_cores` (EngineOptions::runs_on): null when idle-while-waiting is not counted.
  PlanIndex(const Plan& plan, const RunsOn* layer_cores) {
    const size_t n = plan.nodes.size();
    pending.assign(n, 0);
    readers.assign(n, 0);
    is_end.assign(n, 0);
    first_send.assign(n + 1, 0);
    bool multicasts = false;
    for (size_t i = 0; i < n; ++i)
      for (const PlanEdge& e : plan.nodes[i].inputs) {
        ++first_send[e.from + 1];
        multicasts = multicasts || e.multicast >= 0;
        ++pending[i];
        if (e.bytes > 0) ++readers[e.from];
      }
    for (size_t i = 0; i < n; ++i) first_send[i + 1] += first_send[i];
    sends.resize(first_send[n]);
    std::vector<size_t> next(first_send.begin(), first_send.end() - 1);
    for (size_t i = 0; i < n; ++i)  // consumers in plan order, as the node's edges are listed
      for (const PlanEdge& e : plan.nodes[i].inputs)
        sends[next[e.from]++] = {i, e.bytes, e.multicast};
    if (multicasts)
      for (size_t i = 0; i < n; ++i)
        gather_multicasts(&sends[first_send[i]], &sends[first_send[i + 1]]);
    for (size_t e : plan.end_nodes) is_end[e] = 1;
    if (plan.rank.size() == n) {
      rank = plan.rank;
    } else {
      std::vector<size_t> order(n);
      for (size_t i = 0; i < n; ++i) order[i] = i;
      std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return std::tie(plan.nodes[a].priority, a) < std::tie(plan.nodes[b].priority, b);
      });
      rank.resize(n);
      for (size_t r = 0; r < n; ++r) rank[order[r]] = r;
    }
    others.assign(n, 0);
    if (!layer_cores) return;
    for (size_t i = 0; i < n; ++i)
      others[i] = (*layer_cores)[plan.nodes[i].layer] & ~(uint64_t{1} << plan.nodes[i].core);
  }

 private:
  // Moves each multicast's later sends (same key, same bytes) next to its first, which keeps its
  // place in plan order.
  static void gather_multicasts(Send* begin, Send* end) {
    if (std::none_of(begin, end, [](const Send& e) { return e.multicast >= 0; })) return;
    const size_t count = static_cast<size_t>(end - begin);
    std::vector<Send> out;
    out.reserve(count);
    std::vector<char> taken(count, 0);
    for (size_t i = 0; i < count; ++i) {
      if (taken[i]) continue;
      const size_t first = out.size();
      out.push_back(begin[i]);
      if (begin[i].multicast < 0) continue;
      for (size_t j = i + 1; j < count; ++j)
        if (!taken[j] && begin[j].multicast == begin[i].multicast &&
            begin[j].bytes == begin[i].bytes) {
          taken[j] = 1;
          out.push_back(begin[j]);
          out.back().span = 0;
        }
      out[first].span = out.size() - first;
    }
    std::copy(out.begin(), out.end(), begin);
  }
};

// An admitted input that has not finished.
struct Instance {
  Instance(const Plan& p, const PlanIndex& x, size_t cores, bool rec)
      : plan(p),
        index(x),
        pending(x.pending),
        readers_left(x.readers),
        remote_in_bytes(p.nodes.size(), 0),
        held(cores, 0),
        done(p.nodes.size(), 0),
        ends_left(static_cast<int>(p.end_nodes.size())),
        record(rec) {
    if (record) timing.assign(p.nodes.size(), {}), charges.assign(p.nodes.size(), {});
  }
  const Plan& plan;
  const PlanIndex& index;
  std::vector<int> pending;              // inputs not yet arrived
  std::vector<int> readers_left;         // consumers of a node's band yet to finish
  std::vector<int64_t> remote_in_bytes;  // bytes a node received from other cores
  std::vector<int64_t> held;             // per core, bytes this input holds there
  std::vector<char> done;                // per node: finished
  std::vector<NodeTiming> timing;        // when recorded
  std::vector<NodeCharge> charges;       // when recorded
  int ends_left = 0;
  bool record = false;
};

class CoreShell;
class Source;

// State shared by the shells of one run.
struct Run {
  Run(const std::vector<StreamInput>& in, const hw::Architecture& a, const EngineOptions& o)
      : inputs(in), arch(a), options(o), noc(hw::make_noc(a.noc)) {
    for (size_t c = 0; c < a.cores.size(); ++c) {
      port.push_back(hw::nearest_dram(a, c));
      port_resource.push_back(
          calendar.id(LinkCalendar::dram_port(static_cast<int64_t>(port.back()))));
      memory.emplace_back(hw::core_model(a.cores[c]).on_chip_bytes(a.cores[c]),
                          a.drams[port.back()]);
    }
  }
  const std::vector<StreamInput>& inputs;
  const hw::Architecture& arch;
  const EngineOptions& options;
  const std::unique_ptr<hw::Noc> noc;
  LinkCalendar calendar;
  std::vector<size_t> port;              // per core, its nearest DRAM port
  std::vector<size_t> port_resource;     // per core, that port's calendar id
  std::vector<hw::OnChipMemory> memory;  // per core: what is held on chip, what spilled
  std::unordered_map<const Plan*, std::unique_ptr<PlanIndex>> indices;
  std::vector<std::unique_ptr<Instance>> live_inputs;  // per input, while in flight
  size_t next_input = 0;
  int64_t in_flight = 0;
  size_t finished = 0;
  std::vector<std::unique_ptr<CoreShell>> cores;
  std::unique_ptr<Source> source;
  StreamRun out;

  // One cycle is one nanosecond of SystemC time, converted in integers (SystemC's ticks are
  // picoseconds by default: 2^53 cycles is 9e18 ticks, inside its 64-bit time).
  const sc_dt::uint64 ticks = sc_core::sc_time(1, sc_core::SC_NS).value();
  int64_t now() const { return static_cast<int64_t>(sc_core::sc_time_stamp().value() / ticks); }

  // The watchdog: every process activation is counted against a budget no finite run can
  // exceed, and every delay against kMaxCycles; past either, the run stops and reports which
  // nodes were stuck instead of hanging or wrapping time.
  int64_t activations = 0;
  int64_t activation_budget = 0;
  std::string fault;         // why the watchdog stopped the run, empty if it did not
  bool interrupted = false;  // the progress callback asked to stop

  // The dispatcher's wake-ups: `wake_at` a later cycle, or `dirty` for another pass at this
  // instant (something changed that a shell stepped earlier in the pass may act on). Every
  // wake_at comes from inside the dispatcher's pass, so the cycles wait in a heap and one
  // sc_event is notified for the earliest when the pass ends: one kernel activation per distinct
  // cycle, where an sc_event_queue notified per cycle took two and a std::set node each.
  sc_core::sc_event wake;
  std::priority_queue<int64_t, std::vector<int64_t>, std::greater<>> wake_times;
  bool dirty = false;
  void wake_at(int64_t now, int64_t at) {
    if (at <= now)
      dirty = true;
    else
      wake_times.push(at);
  }

  bool recording() const { return finished < options.record_inputs; }
  // False once the run is stopped: the process then returns without a new trigger, so every
  // process goes quiet and sc_start returns once the notifications already queued are spent.
  bool activate() {
    if (!fault.empty()) return false;
    if (++activations <= activation_budget) return true;
    stop("no progress after " + std::to_string(activation_budget) +
         " process activations (more than any finite run of these inputs needs)");
    return false;
  }
  void stop(const std::string& why) {
    if (fault.empty()) fault = why;
  }
  // A delay of `n` cycles from `now`, refused past kMaxCycles of simulated time.
  sc_core::sc_time delay(int64_t now, int64_t n) {
    if (n < 0 || n > kMaxCycles - now) {
      stop(n < 0 ? "a negative delay (" + std::to_string(n) + ") at cycle " + std::to_string(now)
                 : "simulated time would pass 2^53 cycles at cycle " + std::to_string(now) + " (+" +
                       std::to_string(n) + ")");
      return sc_core::SC_ZERO_TIME;
    }
    return sc_core::sc_time::from_value(static_cast<sc_dt::uint64>(n) * ticks);
  }
  // Idle while work waits (EngineOptions::runs_on). Per core: whether it runs a node, and
  // ready nodes of other cores it could run: `waiting_any` nodes any other core could run
  // (less `waiting_any_on[c]`, those queued on c itself) plus `waiting_some[c]` that only some
  // cores could. Every change first books the time since the last one, with the state then
  // (every change at one instant books nothing more): O(1) per change for nodes any core can
  // run, the cores only when time moves.
  bool counting_idle = false;
  uint64_t chip_cores = 0;  // every core's bit
  std::vector<int> running, waiting_any_on, waiting_some;
  int waiting_any = 0;
  int64_t since = 0;
  void idle_advance(int64_t now) {
    if (now == since) return;
    for (size_t c = 0; c < running.size(); ++c)
      if (running[c] == 0 && waiting_any - waiting_any_on[c] + waiting_some[c] > 0) {
        out.idle_while_waiting_cycles += now - since;
        break;
      }
    since = now;
  }
  // Node `node` of a plan (`index`) starts (+1) or stops (-1) waiting on its core.
  void waiting(const PlanIndex& index, const PlanNode& n, size_t node, int delta, int64_t now) {
    uint64_t others = index.others[node];
    if (others == 0) return;
    idle_advance(now);
    if (others == (chip_cores & ~(uint64_t{1} << n.core))) {
      waiting_any += delta;
      waiting_any_on[n.core] += delta;
      return;
    }
    for (; others != 0; others &= others - 1)
      waiting_some[static_cast<size_t>(std::countr_zero(others))] += delta;
  }
  void runs(size_t core, int delta, int64_t now) {
    if (!counting_idle) return;
    idle_advance(now);
    running[core] += delta;
  }
  Instance* instance(size_t k) { return live_inputs[k].get(); }
  void admit(size_t k, int64_t now);
  void finish(size_t k, size_t node, int64_t now);
  void complete(size_t k, int64_t now);
  void send(size_t k, size_t node, const PlanIndex::Send* sends, size_t count, int64_t now);
  // A core-to-core path: its route (hw::Noc::route), the route's calendar resources and its
  // pipeline latency, looked up once per pair of cores.
  struct Path {
    bool known = false;
    std::vector<hw::Link> route;
    std::vector<size_t> resources;  // calendar ids
    int64_t pipeline_cycles = 0;
  };
  std::vector<Path> paths;  // [from * cores + to]
  const Path& path(size_t from_core, size_t to_core);
  // A multicast's tree: the calendar ids of its links, and per send the links its branch adds
  // (empty for a destination on the source's core), looked up once per source core and sequence
  // of destination cores.
  struct Tree {
    std::vector<size_t> resources;
    std::vector<std::vector<hw::Link>> branches;
  };
  std::map<std::vector<size_t>, Tree> trees;  // key: source core, then each send's core
  std::vector<size_t> tree_key;               // scratch for lookups
  const Tree& tree(size_t from_core, const std::vector<PlanNode>& nodes,
                   const PlanIndex::Send* sends, size_t count);
  // `node` (of input k) is charged what spills.
  void hold(size_t k, size_t core, int64_t delta, int64_t now, size_t node = SIZE_MAX);
  void release_inputs(size_t k, size_t node, int64_t now);
};

// A node of an input, ordered for a core's ready queue: earliest input first, then the plan's
// priority (fused stacks band by band), then node index (both in PlanIndex::rank).
struct ReadyKey {
  size_t input = 0;
  size_t rank = 0;
  size_t node = 0;
  bool operator<(const ReadyKey& o) const {
    return input != o.input ? input < o.input : rank < o.rank;
  }
};

class CoreShell : public sc_core::sc_module {
 public:
  CoreShell(sc_core::sc_module_name name, Run& run, size_t core)
      : sc_module(name), run_(run), core_(core) {}
  // Node `node` of input `k` gets one of its inputs at cycle `at` (>= now).
  void deliver(size_t k, size_t node, int64_t at) {
    arrivals_.push({at, k, node});
    run_.wake_at(run_.now(), at);
  }
  void make_ready(size_t k, size_t node, int64_t now) {
    const Instance& in = *run_.instance(k);
    run_.waiting(in.index, in.plan.nodes[node], node, 1, now);
    ready_.push_back({k, in.index.rank[node], node});
    std::push_heap(ready_.begin(), ready_.end(), later);
    run_.dirty = true;
  }
  // Input `k` has finished: its running node is cancelled (energy pro rata) and its queued
  // nodes dropped.
  void cancel(size_t k, int64_t now) {
    const Instance& in = *run_.instance(k);
    const auto theirs = [k](const ReadyKey& r) { return r.input == k; };
    for (const ReadyKey& r : ready_)
      if (theirs(r)) run_.waiting(in.index, in.plan.nodes[r.node], r.node, -1, now);
    const auto kept = std::remove_if(ready_.begin(), ready_.end(), theirs);
    if (kept != ready_.end()) {
      ready_.erase(kept, ready_.end());
      std::make_heap(ready_.begin(), ready_.end(), later);
    }
    if (!busy_ || running_.input != k) return;
    run_.runs(core_, -1, now);
    const PlanNode& n = run_.instance(k)->plan.nodes[running_.node];
    const double full = static_cast<double>(std::max<int64_t>(n.compute_cycles, 1));
    const double share = std::min(1.0, static_cast<double>(now - run_start_) / full);
    run_.out.inputs[k].dynamic_energy_pj += n.energy.total() * share;
    if (in.record) run_.instance(k)->charges[running_.node].share = share;
    run_.out.core_busy_cycles[core_] -= run_end_ - now;
    busy_ = false;
    run_.dirty = true;
  }

  // What happens on this core at `now`: inputs arrive, the running node ends, the next starts.
  void step(int64_t now) {
    for (bool changed = true; changed;) {
      changed = false;
      while (!arrivals_.empty() && arrivals_.top().at <= now) {
        const Arrival a = arrivals_.top();
        arrivals_.pop();
        Instance* in = run_.instance(a.input);
        if (in && --in->pending[a.node] == 0) make_ready(a.input, a.node, now);
      }
      if (busy_ && now >= run_end_) {
        busy_ = false;
        run_.runs(core_, -1, now);
        run_.finish(running_.input, running_.node, now);
        changed = true;
      }
      if (!busy_ && !ready_.empty()) start(now), changed = true;
    }
  }

 private:
  void start(int64_t now) {
    std::pop_heap(ready_.begin(), ready_.end(), later);
    running_ = ready_.back();
    ready_.pop_back();
    Instance& in = *run_.instance(running_.input);
    const PlanNode& n = in.plan.nodes[running_.node];
    run_.waiting(in.index, n, running_.node, -1, now);
    run_.runs(core_, 1, now);
    int64_t end = now + n.compute_cycles;
    if (n.dram_bytes > 0) {  // its DRAM traffic overlaps compute but shares the port
      const size_t port = run_.port[core_];
      const int64_t hold = hw::dram_cycles(run_.arch.drams[port], n.dram_bytes);
      const size_t resource = run_.port_resource[core_];
      const int64_t at = run_.calendar.reserve({&resource, 1}, now, hold);
      end = std::max(end, at + hold);
      run_.out.dram_bytes += n.dram_bytes;
      if (in.record)
        run_.out.inputs[running_.input].dram.push_back(
            {running_.node, port, at, hold, n.dram_bytes, false});
    }
    busy_ = true;
    run_start_ = now;
    run_end_ = end;
    run_.wake_at(now, end);
    if (in.record) in.timing[running_.node].start = now;
    run_.out.core_busy_cycles[core_] += end - now;
  }

  Run& run_;
  size_t core_;
  struct Arrival {
    int64_t at;
    size_t input, node;
    bool operator>(const Arrival& o) const {
      return std::tie(at, input, node) > std::tie(o.at, o.input, o.node);
    }
  };
  std::priority_queue<Arrival, std::vector<Arrival>, std::greater<>> arrivals_;
  // The ready queue: a binary heap whose front is the least key (keys of one run are distinct).
  static bool later(const ReadyKey& a, const ReadyKey& b) { return b < a; }
  std::vector<ReadyKey> ready_;
  bool busy_ = false;
  ReadyKey running_;
  int64_t run_start_ = 0, run_end_ = 0;
};

// Admits inputs in order once they have arrived and a slot is free (EngineOptions).
class Source : public sc_core::sc_module {
 public:
  Source(sc_core::sc_module_name name, Run& run) : sc_module(name), run_(run) {}
  void step(int64_t now) {
    const int64_t limit = run_.options.max_in_flight;
    while (run_.next_input < run_.inputs.size() &&
           run_.inputs[run_.next_input].arrival_cycles <= now &&
           (limit <= 0 || run_.in_flight < limit))
      run_.admit(run_.next_input++, now);
    if (run_.next_input < run_.inputs.size() && (limit <= 0 || run_.in_flight < limit) &&
        run_.inputs[run_.next_input].arrival_cycles != asked_) {  // once per arrival
      asked_ = run_.inputs[run_.next_input].arrival_cycles;
      run_.wake_at(now, asked_);
    }
  }

 private:
  Run& run_;
  int64_t asked_ = -1;  // the arrival a wake-up was last asked for
};

// The one process: at each instant something happens, the source and then every core in index
// order, pass after pass until a pass changes nothing (see the top of this file).
class Dispatcher : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Dispatcher);
  Dispatcher(sc_core::sc_module_name name, Run& run) : sc_module(name), run_(run) {
    SC_METHOD(step);
  }

 private:
  void step() {
    const int64_t now = run_.now();
    run_.calendar.forget_before(now);
    do {
      if (!run_.activate()) return;  // stopped: no trigger, sc_start returns
      run_.dirty = false;
      run_.source->step(now);
      for (auto& core : run_.cores) core->step(now);
    } while (run_.dirty);
    auto& times = run_.wake_times;
    while (!times.empty() && times.top() <= now) times.pop();
    if (times.empty()) return;  // nothing left to happen: no trigger, sc_start returns
    run_.wake.notify(run_.delay(now, times.top() - now));
    next_trigger(run_.wake);
  }
  Run& run_;
};

void Run::admit(size_t k, int64_t now) {
  const Plan& plan = *inputs[k].plan;
  auto& index = indices[&plan];
  if (!index) index = std::make_unique<PlanIndex>(plan, counting_idle ? options.runs_on : nullptr);
  live_inputs[k] =
      std::make_unique<Instance>(plan, *index, arch.cores.size(), k < options.record_inputs);
  ++in_flight;
  out.inputs[k].arrival_cycles = inputs[k].arrival_cycles;
  out.inputs[k].admitted_cycles = now;
  for (size_t i = 0; i < plan.nodes.size(); ++i)
    if (index->pending[i] == 0) cores[plan.nodes[i].core]->make_ready(k, i, now);
  if (plan.end_nodes.empty()) complete(k, now);
}

void Run::hold(size_t k, size_t core, int64_t delta, int64_t now, size_t node) {
  if (delta == 0) return;
  if (k != kNoInput) live_inputs[k]->held[core] += delta;
  const hw::SpillOutcome s = memory[core].hold(delta);
  if (s.spilled_bytes > 0) {  // its DRAM traffic occupies the port; the input pays its energy
    const int64_t at = calendar.reserve({&port_resource[core], 1}, now, s.dram_port_cycles);
    out.spilled_bytes += s.spilled_bytes;
    out.dram_bytes += s.dram_bytes;
    if (k != kNoInput) out.inputs[k].dynamic_energy_pj += s.dram_energy_pj;
    if (k != kNoInput && node != SIZE_MAX && live_inputs[k]->record) {
      live_inputs[k]->charges[node].spill_pj += s.dram_energy_pj;
      out.inputs[k].dram.push_back({node, port[core], at, s.dram_port_cycles, s.dram_bytes, true});
    }
  }
  const int64_t live = memory[core].live_bytes();
  out.core_peak_memory_bytes[core] = std::max(out.core_peak_memory_bytes[core], live);
  if (recording()) out.memory.push_back({now, core, live});
}

void Run::release_inputs(size_t k, size_t node, int64_t now) {
  Instance& in = *live_inputs[k];
  for (const PlanEdge& e : in.plan.nodes[node].inputs)
    if (e.bytes > 0 && --in.readers_left[e.from] == 0)
      hold(k, in.plan.nodes[e.from].core, -in.plan.nodes[e.from].out_bytes, now);
  hold(k, in.plan.nodes[node].core, -in.remote_in_bytes[node], now);
}

// A band to its consumers on other cores: one send to one consumer (a unicast), or to the parts
// of a channel split at once (a multicast, PlanIndex::Send::span > 1) down the tree the NoC's
// routes to its destinations make (the union of the routes, each link once). The links are held
// together for one serialisation time (wormhole: the flits are copied where the routes part, as
// in a tree-based multicast router, e.g. Jerger, Peh and Lipasti, "Virtual Circuit Tree
// Multicasting", ISCA 2008); each destination receives the data after its own route's pipeline
// latency and its core buffers its copy. Energy is paid once per link of the tree: a
// destination pays for its branch, the links its route adds past where it leaves the tree (routes
// from one source share a prefix: dimension order, or the "links" NoC's tree of fewest hops),
// hw::Noc::branch_energy_pj — a unicast's whole route. Consumers on the producer's own
// core get the band at once.
const Run::Path& Run::path(size_t from_core, size_t to_core) {
  const size_t cores = arch.cores.size();
  if (paths.empty()) paths.resize(cores * cores);
  Path& p = paths[from_core * cores + to_core];
  if (!p.known) {
    const hw::Node from{arch.cores[from_core].x, arch.cores[from_core].y};
    const hw::Node to{arch.cores[to_core].x, arch.cores[to_core].y};
    p.route = noc->route(from, to);
    p.resources = calendar.ids(route_resources(p.route));
    p.pipeline_cycles = noc->pipeline_cycles(from, to);
    p.known = true;
  }
  return p;
}

const Run::Tree& Run::tree(size_t from_core, const std::vector<PlanNode>& nodes,
                           const PlanIndex::Send* sends, size_t count) {
  tree_key.assign(1, from_core);
  for (size_t i = 0; i < count; ++i) tree_key.push_back(nodes[sends[i].to].core);
  const auto found = trees.find(tree_key);
  if (found != trees.end()) return found->second;
  Tree t;
  t.branches.resize(count);
  std::vector<hw::Link> links;
  for (size_t i = 0; i < count; ++i) {
    const size_t to_core = tree_key[i + 1];
    if (to_core == from_core) continue;
    for (const hw::Link& l : path(from_core, to_core).route)
      if (std::find(links.begin(), links.end(), l) == links.end()) {
        links.push_back(l);
        t.branches[i].push_back(l);
      }
  }
  t.resources = calendar.ids(route_resources(links));
  return trees.emplace(tree_key, std::move(t)).first->second;
}

void Run::send(size_t k, size_t node, const PlanIndex::Send* sends, size_t count, int64_t now) {
  Instance& in = *live_inputs[k];
  const size_t from_core = in.plan.nodes[node].core;
  const hw::Node from{arch.cores[from_core].x, arch.cores[from_core].y};
  if (count == 1) {  // a unicast: its route is its tree (the common case, without the sets)
    const PlanIndex::Send& e = sends[0];
    const size_t to_core = in.plan.nodes[e.to].core;
    int64_t at = now;
    if (to_core != from_core) {
      const Path& p = path(from_core, to_core);
      const hw::Node to{arch.cores[to_core].x, arch.cores[to_core].y};
      const int64_t link_hold = noc->hold_cycles(from, to, e.bytes);
      const int64_t start = calendar.reserve(p.resources, now, link_hold);
      at = start + p.pipeline_cycles + link_hold;
      out.noc_bytes += e.bytes;
      in.remote_in_bytes[e.to] += e.bytes;
      hold(k, to_core, e.bytes, now, e.to);
      const double energy = p.route.empty() ? 0.0 : noc->energy_pj(from, to, e.bytes);
      out.inputs[k].noc_energy_pj += energy;
      if (in.record) in.charges[node].noc_pj += energy;
      if (e.bytes > 0 && in.record)
        out.inputs[k].transfers.push_back(
            {node, e.to, start, at, e.bytes, p.route, link_hold, energy});
    }
    cores[to_core]->deliver(k, e.to, at);
    return;
  }
  const Tree& t = tree(from_core, in.plan.nodes, sends, count);
  const auto& branches = t.branches;
  int64_t link_hold = 0;
  for (size_t i = 0; i < count; ++i) {
    const size_t to_core = in.plan.nodes[sends[i].to].core;
    if (to_core == from_core) continue;
    const hw::Node to{arch.cores[to_core].x, arch.cores[to_core].y};
    link_hold = std::max(link_hold, noc->hold_cycles(from, to, sends[i].bytes));
  }
  const int64_t start = calendar.reserve(t.resources, now, link_hold);
  for (size_t i = 0; i < count; ++i) {
    const PlanIndex::Send& e = sends[i];
    const size_t to_core = in.plan.nodes[e.to].core;
    int64_t at = now;
    if (to_core != from_core) {
      const hw::Node to{arch.cores[to_core].x, arch.cores[to_core].y};
      at = start + path(from_core, to_core).pipeline_cycles + link_hold;
      out.noc_bytes += e.bytes;             // bytes delivered to other cores
      in.remote_in_bytes[e.to] += e.bytes;  // buffered on the consumer's core from the send
      hold(k, to_core, e.bytes, now, e.to);
      double energy = 0;
      if (!branches[i].empty()) energy = noc->branch_energy_pj(from, to, branches[i], e.bytes);
      out.inputs[k].noc_energy_pj += energy;
      if (in.record) in.charges[node].noc_pj += energy;
      if (e.bytes > 0 && in.record)
        out.inputs[k].transfers.push_back(
            {node, e.to, start, at, e.bytes, branches[i], link_hold, energy});
    }
    cores[to_core]->deliver(k, e.to, at);
  }
}

void Run::finish(size_t k, size_t node, int64_t now) {
  Instance& in = *live_inputs[k];
  const PlanNode& n = in.plan.nodes[node];
  if (in.record) in.timing[node].end = now;
  in.done[node] = 1;
  release_inputs(k, node, now);
  if (in.readers_left[node] > 0) hold(k, n.core, n.out_bytes, now, node);
  out.inputs[k].dynamic_energy_pj += n.energy.total();
  if (in.record) in.charges[node].share = 1;
  const PlanIndex& x = in.index;
  for (size_t i = x.first_send[node]; i < x.first_send[node + 1]; i += x.sends[i].span)
    send(k, node, &x.sends[i], x.sends[i].span, now);
  if (in.index.is_end[node] && --in.ends_left == 0) complete(k, now);
}

void Run::complete(size_t k, int64_t now) {
  Instance& in = *live_inputs[k];
  out.inputs[k].done_cycles = now;
  out.end_cycles = std::max(out.end_cycles, now);
  ++finished;
  if (!options.progress.step("inputs", static_cast<int64_t>(finished),
                             static_cast<int64_t>(inputs.size()))) {
    interrupted = true;
    stop("interrupted");
  }
  for (auto& core : cores) core->cancel(k, now);
  for (size_t c = 0; c < in.held.size(); ++c)
    if (in.held[c] != 0) hold(kNoInput, c, -in.held[c], now);
  if (in.record) {
    out.inputs[k].nodes = std::move(in.timing);
    out.inputs[k].charges = std::move(in.charges);
  }
  live_inputs[k].reset();
  --in_flight;
  dirty = true;  // a slot is free: the source may admit the next input
}

// Activations (dispatcher passes) a finite run needs at most: one per instant something was
// scheduled for (a node's input arriving, a node's end, an input's arrival) and one more per
// pass that changed something (each change an arrival taken, a node started or ended, an input
// admitted, a node cancelled). Four per node and edge, plus slack, bounds that.
int64_t activation_budget(const std::vector<StreamInput>& inputs) {
  int64_t budget = 1024;
  std::unordered_map<const Plan*, int64_t> per_plan;
  for (const StreamInput& in : inputs) {
    int64_t& n = per_plan[in.plan];
    if (n == 0) {
      n = 8;
      for (const PlanNode& node : in.plan->nodes)
        n += 4 * (1 + static_cast<int64_t>(node.inputs.size()));
    }
    budget = checked_add(budget, n, "watchdog activation budget");
  }
  return budget;
}

// The unfinished inputs as the watchdog's report reads them (sim/stuck_report.h).
std::vector<StuckInput> stuck_inputs(Run& run) {
  std::vector<StuckInput> out;
  for (size_t k = 0; k < run.inputs.size() && out.size() < kStuckInputsShown; ++k) {
    const Instance* in = run.instance(k);
    if (!in && k < run.next_input) continue;  // finished
    StuckInput s{k, run.inputs[k].arrival_cycles};
    if (in) s.plan = &in->plan, s.done = &in->done, s.pending = &in->pending;
    out.push_back(s);
  }
  return out;
}

}  // namespace

StreamRun run_inputs(const std::vector<StreamInput>& inputs,
                     const std::vector<int64_t>& resident_weight_bytes,
                     const hw::Architecture& arch, const EngineOptions& options) {
  FreshKernel kernel;
  Run run(inputs, arch, options);
  const size_t cores = arch.cores.size();
  run.live_inputs.resize(inputs.size());
  run.out.inputs.resize(inputs.size());
  run.out.core_busy_cycles.assign(cores, 0);
  run.out.core_peak_memory_bytes.assign(cores, 0);
  run.running.assign(cores, 0);
  run.waiting_any_on.assign(cores, 0);
  run.waiting_some.assign(cores, 0);
  run.counting_idle =
      options.runs_on != nullptr && !options.runs_on->empty() && cores <= kMaxCountedCores;
  run.chip_cores = cores >= 64 ? ~uint64_t{0} : (uint64_t{1} << cores) - 1;
  for (size_t c = 0; c < cores; ++c) run.hold(kNoInput, c, resident_weight_bytes.at(c), 0);
  for (size_t c = 0; c < cores; ++c)
    run.cores.push_back(std::make_unique<CoreShell>(("core_" + std::to_string(c)).c_str(), run, c));
  run.source = std::make_unique<Source>("source", run);
  auto dispatcher = std::make_unique<Dispatcher>("dispatcher", run);
  run.activation_budget =
      options.max_activations > 0 ? options.max_activations : activation_budget(inputs);
  sc_core::sc_start();
  if (run.interrupted)
    throw Interrupted("stream stopped after " + std::to_string(run.finished) + " of " +
                      std::to_string(inputs.size()) + " inputs");
  if (!run.fault.empty() || run.finished < inputs.size())
    throw Error(stuck_report(run.fault, inputs.size(), run.finished, stuck_inputs(run), arch,
                             options.describe_node));
  StreamRun result = std::move(run.out);
  dispatcher.reset();  // modules go before their kernel
  run.cores.clear();
  run.source.reset();
  return result;
}

ScenarioRun run_plan(const Plan& plan, const hw::Architecture& arch, const NodeNamer& describe_node,
                     const RunsOn* runs_on) {
  EngineOptions options;
  options.record_inputs = 1;
  options.describe_node = describe_node;
  options.runs_on = runs_on;
  StreamRun s = run_inputs({{&plan, 0}}, plan.resident_weight_bytes, arch, options);
  InputRun& in = s.inputs.at(0);
  ScenarioRun r;
  r.latency_cycles = in.done_cycles;
  r.dynamic_energy_pj = in.dynamic_energy_pj;
  r.noc_energy_pj = in.noc_energy_pj;
  for (const auto& c : arch.cores)
    r.static_energy_pj += c.static_power_mw * arch.ns(static_cast<double>(r.latency_cycles));
  r.core_busy_cycles = std::move(s.core_busy_cycles);
  r.noc_bytes = s.noc_bytes;
  r.dram_bytes = s.dram_bytes;
  r.nodes = std::move(in.nodes);
  r.charges = std::move(in.charges);
  r.transfers = std::move(in.transfers);
  r.dram = std::move(in.dram);
  r.memory = std::move(s.memory);
  r.core_peak_memory_bytes = std::move(s.core_peak_memory_bytes);
  r.spilled_bytes = s.spilled_bytes;
  r.idle_while_waiting_cycles = s.idle_while_waiting_cycles;
  return r;
}

}  // namespace eesim::sim
