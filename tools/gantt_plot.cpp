#include "tools/gantt_plot.h"

#include <spawn.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/file_io.h"

extern char** environ;

namespace eesim::tools {
namespace {

namespace fs = std::filesystem;

// plots.py next to the running executable. EESIM_PACKAGE_DIRS (meson, tools/meson.build) lists
// the eesim package's folder relative to the executable's, ':'-separated: the build tree's
// (build/tools/eesim beside build/bindings/eesim), `meson install`'s (bindir to the Python
// install dir) and pip's (a venv, --prefix or --user: bin/ beside lib/pythonX.Y/site-packages/;
// --target: bin/ beside the package). Relative paths only, so the binary holds no path into the
// build tree and works installed with that tree gone. "" when none has it.
std::string find_plots_py() {
  std::error_code ec;
  const fs::path exe_dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  if (ec) return "";
  std::stringstream dirs(EESIM_PACKAGE_DIRS);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const fs::path candidate = exe_dir / dir / "plots.py";
    if (fs::is_regular_file(candidate, ec)) return candidate.lexically_normal().string();
  }
  return "";
}

// Runs argv without a shell; true when it exits 0.
bool run(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int status = 0;
  return posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) == 0 &&
         waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

void plot_gantt(const std::string& csv_text, const std::string& out_path) {
  const std::string csv_path = out_path + ".trace.csv";
  write_file(csv_path, csv_text);
  // Not found beside the executable (a package installed elsewhere): whatever `import eesim`
  // finds, e.g. on PYTHONPATH.
  const std::string script = find_plots_py();
  std::vector<std::string> args = {"/usr/bin/python3"};
  if (script.empty())
    args.insert(args.end(), {"-m", "eesim.plots"});
  else
    args.push_back(script);
  args.insert(args.end(), {"--csv", csv_path, "--out", out_path});
  const bool ok = run(args);
  std::remove(csv_path.c_str());
  if (!ok)
    throw Error(out_path + ": plotting failed (needs /usr/bin/python3 with python3-matplotlib, " +
                (script.empty() ? std::string("and the eesim package's plots.py beside this "
                                              "eesim or importable as eesim.plots")
                                : "to run " + script) +
                ")");
}

}  // namespace eesim::tools
