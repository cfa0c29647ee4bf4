#include "tools/plotting.h"

#include <spawn.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>

#include "common/error.h"
#include "common/file_io.h"
#include "common/json_writer.h"

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

}  // namespace

void run_plots(const std::vector<std::string>& args, const std::string& out_path) {
  // Not found beside the executable (a package installed elsewhere): whatever `import eesim`
  // finds, e.g. on PYTHONPATH.
  const std::string script = find_plots_py();
  std::vector<std::string> words{"/usr/bin/python3"};
  if (script.empty())
    words.insert(words.end(), {"-m", "eesim.plots"});
  else
    words.push_back(script);
  words.insert(words.end(), args.begin(), args.end());
  words.insert(words.end(), {"--out", out_path});
  std::vector<char*> argv;
  for (std::string& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int status = 0;
  const bool ok = posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) == 0 &&
                  waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (!ok)
    throw Error(out_path + ": plotting failed (needs /usr/bin/python3 with python3-matplotlib, " +
                (script.empty() ? std::string("and the eesim package's plots.py beside this "
                                              "eesim or importable as eesim.plots")
                                : "to run " + script) +
                ")");
}

namespace {

// Files written for plots.py beside the plot, removed however it ends.
struct Scratch {
  std::vector<std::string> paths;
  std::string add(const std::string& path, const std::string& text) {
    write_file(path, text);
    paths.push_back(path);
    return path;
  }
  ~Scratch() {
    for (const std::string& p : paths) std::remove(p.c_str());
  }
};

}  // namespace

void plot_run(const std::string& csv_text, const std::string& report_json,
              const std::vector<std::string>& tracks, const std::string& out_path) {
  Scratch s;
  const std::string csv = s.add(out_path + ".trace.csv", csv_text);
  const std::string report = s.add(out_path + ".report.json", report_json);
  JsonWriter order;
  order.array(tracks);
  const std::string order_path = s.add(out_path + ".tracks.json", order.str());
  run_plots({"--csv", csv, "--report", report, "--tracks", order_path}, out_path);
}

std::string json_list(const std::vector<std::string>& jsons) {
  std::string list = "[";
  for (size_t i = 0; i < jsons.size(); ++i) list += (i ? ",\n" : "") + jsons[i];
  return list + "]\n";
}

void plot_compare(const std::vector<std::string>& report_jsons, const std::string& out_path) {
  Scratch s;
  run_plots({"--compare", s.add(out_path + ".reports.json", json_list(report_jsons))}, out_path);
}

}  // namespace eesim::tools
