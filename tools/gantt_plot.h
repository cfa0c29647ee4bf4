#pragma once
// `eesim run --plot`: the Gantt chart drawn by the Python package's plots.py (matplotlib).
#include <string>

namespace eesim::tools {

// Writes the Gantt chart of the trace CSV `csv_text` to `out_path` (PNG or SVG by its suffix)
// with /usr/bin/python3 and eesim's plots.py, found next to this executable in the build tree or
// in an installed layout. Throws eesim::Error if plotting fails (no python, no matplotlib).
void plot_gantt(const std::string& csv_text, const std::string& out_path);

}  // namespace eesim::tools
