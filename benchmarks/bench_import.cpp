// Import benchmark: reads and imports an ONNX model repeatedly and prints min and median wall
// time of the protobuf parse and of our import (shape inference, folding, exits).
//   bench_import MODEL.onnx [REPEATS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "common/error.h"
#include "workloads/importer.h"
#include "workloads/onnx_reader.h"

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void report(const char* what, std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  std::printf("%-22s min %8.2f ms   median %8.2f ms\n", what, ms.front(), ms[ms.size() / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_import MODEL.onnx [REPEATS]\n");
    return 2;
  }
  const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 10;
  std::vector<double> read_ms, import_ms, total_ms;
  try {
    size_t layers = 0;
    for (int i = 0; i < repeats; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      const auto model = eesim::workloads::read_onnx_file(argv[1]);
      read_ms.push_back(ms_since(t0));
      const auto t1 = std::chrono::steady_clock::now();
      const auto w = eesim::workloads::import_onnx(model);
      import_ms.push_back(ms_since(t1));
      total_ms.push_back(ms_since(t0));
      layers = w.num_layers();
    }
    std::printf("%s: %zu layers, %d runs\n", argv[1], layers, repeats);
  } catch (const eesim::Error& e) {
    std::fprintf(stderr, "bench_import: %s\n", e.what());
    return 1;
  }
  report("read + protobuf parse", read_ms);
  report("import", import_ms);
  report("total", total_ms);
  return 0;
}
