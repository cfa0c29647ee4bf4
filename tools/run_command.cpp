// `eesim run`: the main job. Model + exit profile + chip -> CN graph -> allocation -> one
// simulation per exit scenario -> expected latency, energy and EDP.
#include "tools/run_command.h"

#include <spawn.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "hw_models/arch_loader.h"
#include "mapping/allocation.h"
#include "sim/evaluate.h"
#include "sim/report_json.h"
#include "sim/report_proto.h"
#include "sim/trace.h"
#include "tools/cli_args.h"
#include "tools/eval_args.h"
#include "tools/model_args.h"

extern char** environ;

namespace eesim::tools {
namespace {

struct Setup {
  mapping::FusionOptions fusion;
  sim::ExitPolicy policy = sim::ExitPolicy::kWait;
  std::string fusion_text, alloc_text;
};

void print_summary(const LoadedModel& m, const hw::Architecture& arch, const mapping::CnGraph& g,
                   const mapping::Allocation& alloc, const sim::Report& r, const Setup& s,
                   std::ostream& out) {
  char buf[160];
  out << m.workload.name << " on " << arch.name << " (" << arch.source << "): policy "
      << (s.policy == sim::ExitPolicy::kWait ? "wait" : "speculate") << ", fusion "
      << s.fusion_text << " (" << g.num_cns() << " nodes), allocation " << alloc.method << "\n";
  std::snprintf(buf, sizeof buf, "%-16s %9s %16s %12s %12s\n", "scenario", "P", "latency cycles",
                "latency ms", "energy uJ");
  out << buf;
  for (const auto& sc : r.scenarios) {
    std::snprintf(buf, sizeof buf, "%-16s %9.4f %16lld %12.4f %12.3f\n", sc.exit.c_str(),
                  sc.probability, static_cast<long long>(sc.run.latency_cycles),
                  arch.ns(static_cast<double>(sc.run.latency_cycles)) / 1e6, sc.run.energy_pj() / 1e6);
    out << buf;
  }
  std::snprintf(buf, sizeof buf, "expected: latency %.0f cycles (%.4f ms), energy %.3f uJ\n",
                r.expected_latency_cycles, arch.ns(r.expected_latency_cycles) / 1e6,
                r.expected_energy_pj / 1e6);
  out << buf;
  std::snprintf(buf, sizeof buf, "expected EDP E[E*L] %.6g pJ*cycles; E[E]*E[L] %.6g pJ*cycles\n",
                r.expected_edp_pj_cycles, r.edp_of_means_pj_cycles);
  out << buf;
  for (size_t c = 0; c < arch.cores.size(); ++c) {
    std::snprintf(buf, sizeof buf, "core %-10s busy %12.0f cycles expected (%5.1f%%), peak memory %lld B\n",
                  arch.cores[c].name.c_str(), r.expected_core_busy_cycles[c],
                  r.expected_latency_cycles > 0 ? 100 * r.expected_core_busy_cycles[c] / r.expected_latency_cycles : 0.0,
                  static_cast<long long>(r.core_peak_memory_bytes[c]));
    out << buf;
  }
  out << "roofline lower bound (whole network): " << r.roofline.lower_bound_cycles() << " cycles ("
      << r.roofline.bound() << "-bound)\n";
}

// A stacks file: one fused stack per line, layer names separated by spaces or commas, '#'
// comments. Unknown layer names are errors naming the file and line.
std::vector<std::vector<std::string>> read_stacks(const std::string& path, const workloads::Workload& w) {
  std::ifstream f(path);
  if (!f) throw Error(path + ": cannot open stacks file");
  std::vector<std::vector<std::string>> stacks;
  std::string line;
  for (int n = 1; std::getline(f, line); ++n) {
    line = line.substr(0, line.find('#'));
    for (char& c : line) c = c == ',' ? ' ' : c;
    std::istringstream in(line);
    std::vector<std::string> stack;
    for (std::string name; in >> name;) {
      if (!w.find_layer(name)) throw Error(path + ":" + std::to_string(n) + ": no layer named '" + name + "'");
      stack.push_back(name);
    }
    if (!stack.empty()) stacks.push_back(std::move(stack));
  }
  if (stacks.empty()) throw Error(path + ": no stacks (one stack per line: layer names)");
  return stacks;
}

int64_t parse_count(const CliArgs& a, const std::string& key, int64_t fallback) {
  const std::string text = a.last(key);
  if (text.empty()) return fallback;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (*end != '\0' || v < 0) throw UsageError("--" + key + " " + text + ": expected a count >= 0");
  return v;
}

// `--plot OUT.png|svg`: the Gantt chart of every scenario, drawn by the package's plots.py
// (matplotlib) from the trace CSV. Runs /usr/bin/python3 without a shell.
void plot(const std::string& csv_text, const std::string& out_path) {
  const std::string csv_path = out_path + ".trace.csv";
  {
    std::ofstream f(csv_path);
    if (!(f << csv_text)) throw Error(csv_path + ": cannot write the trace for --plot");
  }
  const char* argv[] = {"/usr/bin/python3", EESIM_PLOTS_PY, "--csv", csv_path.c_str(), "--out",
                        out_path.c_str(), nullptr};
  pid_t pid = 0;
  int status = 0;
  const bool ok = posix_spawn(&pid, argv[0], nullptr, nullptr, const_cast<char**>(argv), environ) == 0 &&
                  waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  std::remove(csv_path.c_str());
  if (!ok)
    throw Error(out_path + ": plotting failed (needs /usr/bin/python3 with python3-matplotlib, and " +
                EESIM_PLOTS_PY + ")");
}

std::ofstream open_out(const std::string& path) {
  std::ofstream f(path);
  if (!f) throw Error(path + ": cannot open for writing");
  return f;
}

}  // namespace

std::string run_usage() {
  return std::string(
             "usage: eesim run MODEL.onnx --arch CHIP.textproto [options]\n"
             "  Maps the network onto the chip, simulates one scenario per exit (and the final\n"
             "  output) and prints expected latency, energy and EDP.\n"
             "options:\n"
             "  --policy wait|speculate  work past an exit waits for its decision (default) or\n"
             "                           runs on and is cancelled when the exit fires\n"
             "  --fusion off|auto|rows=N layer by layer (default), stacks that fit the smallest\n"
             "                           core's memory, or every stack in bands of N rows\n"
             "  --stacks FILE            fuse these stacks only: one per line, layer names\n"
             "                           (band height from --fusion rows=N, default 1)\n"
             "  --alloc heft|search|FILE HEFT list scheduling (default); a seeded local search\n"
             "                           from HEFT that simulates every candidate; or a mapping\n"
             "                           file of 'LAYER = CORE' lines ('* = CORE' for the rest)\n"
             "  --objective NAME         search goal: latency, energy, edp (E[E]*E[L]) or\n"
             "                           expected_edp (E[E*L], default)\n"
             "  --seed N, --iterations N search seed (default 1) and moves tried (default 200)\n"
             "  --json OUT.json          also write the report as JSON\n"
             "  --trace OUT.json         write the timeline as Chrome trace-event JSON (Perfetto)\n"
             "  --csv OUT.csv            write the same timeline as CSV rows\n"
             "  --plot OUT.png|OUT.svg   a Gantt chart of every scenario (needs matplotlib)\n"
             "  --report OUT.binpb       the report as an eesim.report.Report protobuf message\n"
             "                           (sim/report.proto); text format for .txtpb/.textproto\n") +
         kModelOptionsUsage;
}

int run_command(const std::vector<std::string>& args, std::ostream& out) {
  std::set<std::string> values = kModelValueOptions;
  values.insert({"arch", "policy", "fusion", "alloc", "json", "trace", "csv", "objective", "seed",
                 "iterations", "report", "stacks", "plot"});
  const CliArgs a = parse_cli(args, {"conditional", "help"}, values);
  if (a.flag("help")) {
    out << run_usage();
    return 0;
  }
  if (a.positional.size() != 1) throw UsageError("run takes one MODEL.onnx");
  if (a.last("arch").empty()) throw UsageError("run needs --arch CHIP.textproto");
  const LoadedModel m = load_model(a);
  const hw::Architecture arch = hw::load_architecture_file(a.last("arch"));
  Setup s;
  const std::string policy = a.last("policy", "wait");
  s.policy = parse_policy(policy);
  s.fusion_text = a.last("fusion", "off");
  s.fusion = parse_fusion(s.fusion_text, arch);
  if (!a.last("stacks").empty()) {
    s.fusion.stacks = read_stacks(a.last("stacks"), m.workload);
    s.fusion_text = "stacks " + a.last("stacks") + " (" + std::to_string(s.fusion.rows_per_cn) + "-row bands)";
  }
  sim::EvaluateOptions o;
  o.policy = s.policy;
  o.fusion = s.fusion;
  const std::string alloc_arg = a.last("alloc", "heft");
  if (alloc_arg == "search") {
    o.alloc = sim::EvaluateOptions::Alloc::kSearch;
    o.objective = a.last("objective", "expected_edp");
    o.search.seed = static_cast<uint64_t>(parse_count(a, "seed", 1));
    o.search.iterations = parse_count(a, "iterations", 200);
    try {
      sim::objective_value(o.objective, {});
    } catch (const Error&) {  // a bad name is a usage error, before any work
      throw UsageError("--objective " + o.objective + ": expected latency, energy, edp or expected_edp");
    }
  } else if (alloc_arg != "heft") {
    o.alloc = sim::EvaluateOptions::Alloc::kGiven;
    o.given = mapping::load_allocation_file(alloc_arg, m.workload, arch);
  }
  hw::CostCache cache(arch);
  const sim::Evaluation e = [&] {
    try {
      return sim::evaluate(m.workload, m.profile, arch, cache, o);
    } catch (const Error& err) {  // a stack the file named cannot be fused
      if (a.last("stacks").empty() || std::string(err.what()).rfind("fusion stack", 0) != 0) throw;
      throw Error(a.last("stacks") + ": " + err.what());
    }
  }();
  const mapping::CnGraph& g = e.graph;
  const mapping::Allocation& alloc = e.allocation;
  const sim::Report& r = e.report;
  if (e.search) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "search: %lld simulations, %s %.6g (heft) -> %.6g, %lld improvements\n",
                  static_cast<long long>(e.search->evaluations), o.objective.c_str(),
                  e.search->start_fitness, e.search->best_fitness,
                  static_cast<long long>(e.search->improvements));
    out << buf;
  }
  print_summary(m, arch, g, alloc, r, s, out);
  const sim::ReportContext context{m.workload.name, policy, s.fusion_text, alloc.method,
                                   static_cast<int64_t>(g.num_cns())};
  if (!a.last("json").empty()) open_out(a.last("json")) << sim::report_json(r, context, m.workload, arch);
  if (!a.last("trace").empty()) open_out(a.last("trace")) << sim::chrome_trace_json(m.workload, g, arch, r);
  if (!a.last("csv").empty()) open_out(a.last("csv")) << sim::trace_csv(m.workload, g, arch, r);
  if (!a.last("plot").empty()) plot(sim::trace_csv(m.workload, g, arch, r), a.last("plot"));
  if (!a.last("report").empty())
    sim::write_report_proto(r, context, m.workload, arch, a.last("report"));
  return 0;
}

}  // namespace eesim::tools
