#pragma once
// The CLI's plots: the package's plots.py (matplotlib), run as `/usr/bin/python3 plots.py ARGS`
// without a shell, on files the command has written (nothing is simulated there).
#include <string>
#include <vector>

namespace eesim::tools {

// Runs plots.py with `args` to draw `out_path`; throws eesim::Error naming `out_path` when
// Python, matplotlib or the script fails.
void run_plots(const std::vector<std::string>& args, const std::string& out_path);

// `eesim run --plot`: the Gantt chart of every scenario from the trace CSV, the report JSON
// (title, clock, latencies) and the tracks in order (Python's Report.tracks order), written
// beside `out_path` and removed after.
void plot_run(const std::string& csv_text, const std::string& report_json,
              const std::vector<std::string>& tracks, const std::string& out_path);

// JSON texts as one JSON list, a text per line.
std::string json_list(const std::vector<std::string>& jsons);

// `eesim compare --plot`: the chips' expected figures side by side, from their report JSONs.
void plot_compare(const std::vector<std::string>& report_jsons, const std::string& out_path);

}  // namespace eesim::tools
