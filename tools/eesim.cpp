// The `eesim` command line: subcommand dispatch and the one place errors become exit codes.
#include <iostream>
#include <string>
#include <vector>

#include "common/error.h"
#include "tools/cli_args.h"
#include "tools/compare_command.h"
#include "tools/inspect_command.h"
#include "tools/model_args.h"
#include "tools/run_command.h"
#include "tools/stream_command.h"
#include "tools/sweep_command.h"

namespace {

const char* const kUsage =
    "usage: eesim COMMAND [options]\n"
    "commands:\n"
    "  inspect MODEL.onnx   layers, shapes, MACs, weights and exits of an early-exit network\n"
    "  run MODEL.onnx --arch CHIP.textproto\n"
    "                       map, simulate every exit scenario, expected latency/energy/EDP\n"
    "  stream MODEL.onnx --arch CHIP.textproto\n"
    "                       a stream of inputs with sampled exits: throughput, latency\n"
    "                       percentiles, per-core utilisation\n"
    "  sweep BACKBONE.onnx --arch CHIP.textproto\n"
    "                       one exit head at each branch point: expected EDP per point and p\n"
    "  compare MODEL.onnx --arch A.textproto --arch B.textproto ...\n"
    "                       the same network on several chips, side by side\n"
    "run 'eesim COMMAND --help' for its options\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "--version") {
    std::cout << "eesim 0.1.0\n";
    return 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  try {
    int status = 2;
    if (command == "inspect")
      status = eesim::tools::inspect_command(args, std::cout);
    else if (command == "run")
      status = eesim::tools::run_command(args, std::cout);
    else if (command == "sweep")
      status = eesim::tools::sweep_command(args, std::cout);
    else if (command == "stream")
      status = eesim::tools::stream_command(args, std::cout);
    else if (command == "compare")
      status = eesim::tools::compare_command(args, std::cout);
    else
      std::cerr << "eesim: unknown command '" << command << "'\n" << kUsage;
    // The report on stdout is an output like --json: a full disk or a closed pipe is an error.
    if (!std::cout.flush()) throw eesim::Error("stdout: write failed");
    return status;
  } catch (const eesim::Interrupted& e) {
    std::cerr << "eesim: interrupted: " << e.what() << "; no output written\n";
    return 130;  // the shell's code for a run stopped by SIGINT
  } catch (const eesim::tools::UsageError& e) {
    std::cerr << "eesim " << command << ": " << e.what() << "\n"
              << (command == "inspect"   ? eesim::tools::inspect_usage()
                  : command == "run"     ? eesim::tools::run_usage()
                  : command == "sweep"   ? eesim::tools::sweep_usage()
                  : command == "stream"  ? eesim::tools::stream_usage()
                  : command == "compare" ? eesim::tools::compare_usage()
                                         : std::string(kUsage));
    return 2;
  } catch (const eesim::Error& e) {
    std::cerr << "eesim: error: " << e.what() << "\n";
    return 1;
  } catch (const std::bad_alloc&) {
    std::cerr << "eesim: error: out of memory\n";
    return 1;
  }
}
