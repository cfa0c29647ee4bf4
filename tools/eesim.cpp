// The `eesim` command line: subcommand dispatch and the one place errors become exit codes.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/names_text.h"
#include "tools/cli_args.h"
#include "tools/compare_command.h"
#include "tools/eval_setup.h"
#include "tools/import_command.h"
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
    "  import CHIP.yaml     a ZigZag core or Stream accelerator YAML as an eesim .textproto\n"
    "examples:\n"
    "  eesim inspect ee_mobilenetv2_cifar10.onnx\n"
    "  eesim run ee_mobilenetv2_cifar10.onnx \\\n"
    "      --arch examples/arch/quad_edge_tpu.textproto \\\n"
    "      --exit exit1=0.3 --exit exit2=0.2 --fusion rows=4\n"
    "  eesim compare ee_mobilenetv2_cifar10.onnx --arch examples/arch/quad_edge_tpu.textproto \\\n"
    "      --arch examples/arch/single_edge_tpu.textproto --plot chips.png\n";

const std::vector<std::string> kCommands = {"inspect", "run",     "stream",
                                            "sweep",   "compare", "import"};

// A usage error: the message, a hint line if any, and where the help is; three lines at most,
// so the message does not scroll away under the help text.
int usage_error(const std::string& what, const std::string& hint, const std::string& help) {
  std::cerr << "eesim: " << what << "\n";
  if (!hint.empty()) std::cerr << hint << "\n";
  std::cerr << "try '" << help << "'\n";
  return 2;
}

int dispatch(const std::string& command, const std::vector<std::string>& args) {
  if (command == "inspect") return eesim::tools::inspect_command(args, std::cout);
  if (command == "run") return eesim::tools::run_command(args, std::cout);
  if (command == "sweep") return eesim::tools::sweep_command(args, std::cout);
  if (command == "compare") return eesim::tools::compare_command(args, std::cout);
  if (command == "import") return eesim::tools::import_command(args, std::cout);
  return eesim::tools::stream_command(args, std::cout);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty())
    return usage_error("no command given", "commands: " + eesim::join_names(kCommands),
                       "eesim --help");
  if (args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage << eesim::tools::kChipPresetsUsage
              << "run 'eesim COMMAND --help' for its options\n";
    return 0;
  }
  if (args[0] == "--version") {
    std::cout << "eesim " EESIM_VERSION "\n";
    return 0;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (command.rfind('-', 0) == 0) {  // "--verison"
    const std::string near = eesim::closest_name(command, {"--help", "--version"});
    return usage_error(
        "unknown option " + command + (near.empty() ? "" : "; did you mean " + near + "?"), "",
        "eesim --help");
  }
  if (std::find(kCommands.begin(), kCommands.end(), command) == kCommands.end()) {
    const std::string near = eesim::closest_name(command, kCommands);
    return usage_error("unknown command '" + command + "'" +
                           (near.empty() ? "" : "; did you mean '" + near + "'?"),
                       near.empty() ? "commands: " + eesim::join_names(kCommands) : "",
                       "eesim --help");
  }
  try {
    const int status = dispatch(command, args);
    // The report on stdout is an output like --json: a full disk or a closed pipe is an error.
    if (!std::cout.flush()) throw eesim::Error("stdout: write failed");
    return status;
  } catch (const eesim::Interrupted& e) {
    std::cerr << "eesim: interrupted: " << e.what() << "; no output written\n";
    return 130;  // the shell's code for a run stopped by SIGINT
  } catch (const eesim::tools::UsageError& e) {
    return usage_error(e.what(), e.hint, "eesim " + command + " --help");
  } catch (const eesim::Error& e) {
    std::cerr << "eesim: error: " << e.what() << "\n";
    return 1;
  } catch (const std::bad_alloc&) {
    std::cerr << "eesim: error: out of memory\n";
    return 1;
  }
}
