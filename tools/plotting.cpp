#include "tools/plotting.h"

#include <spawn.h>
#include <sys/wait.h>

#include <cstdio>

#include "common/error.h"
#include "common/file_io.h"

extern char** environ;

namespace eesim::tools {

void run_plots(const std::vector<std::string>& args, const std::string& out_path) {
  std::vector<std::string> words{"/usr/bin/python3", EESIM_PLOTS_PY};
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
    throw Error(out_path +
                ": plotting failed (needs /usr/bin/python3 with python3-matplotlib, and " +
                EESIM_PLOTS_PY + ")");
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
              const std::string& out_path) {
  Scratch s;
  const std::string csv = s.add(out_path + ".trace.csv", csv_text);
  const std::string report = s.add(out_path + ".report.json", report_json);
  run_plots({"--csv", csv, "--report", report}, out_path);
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
