// ONNX files protobuf cannot parse are refused by size before they are read (issue 7).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/error.h"
#include "workloads/onnx_reader.h"

namespace fs = std::filesystem;

TEST_CASE("onnx file: a file over protobuf's 2 GB limit is refused by size, not read or parsed") {
  const fs::path path = fs::temp_directory_path() / "eesim_test_over_2gb.onnx";
  { std::ofstream(path, std::ios::binary) << 'x'; }
  fs::resize_file(path, uintmax_t{1} << 31);  // sparse: 2,147,483,648 bytes, no disk used
  CHECK_THROWS_WITH_AS(
      eesim::workloads::read_onnx_file(path.string()),
      (path.string() + ": 2147483648 bytes is over protobuf's 2 GB message "
                       "limit (2147483647 bytes); save the model with its weights as external "
                       "data")
          .c_str(),
      eesim::Error);
  fs::remove(path);
}

TEST_CASE("onnx file: a directory, a missing file and an empty file are named and refused") {
  const fs::path dir = fs::temp_directory_path();
  CHECK_THROWS_WITH_AS(eesim::workloads::read_onnx_file(dir.string()),
                       (dir.string() + ": a directory, not a regular file; expected an ONNX "
                                       "model")
                           .c_str(),
                       eesim::Error);
  const fs::path missing = dir / "eesim_test_no_such_model.onnx";
  CHECK_THROWS_WITH_AS(eesim::workloads::read_onnx_file(missing.string()),
                       (missing.string() + ": cannot open (No such file or directory), "
                                           "expected an ONNX model")
                           .c_str(),
                       eesim::Error);
  const fs::path empty = dir / "eesim_test_empty.onnx";
  { std::ofstream out(empty, std::ios::binary); }
  CHECK_THROWS_WITH_AS(eesim::workloads::read_onnx_file(empty.string()),
                       (empty.string() + ": empty file, expected an ONNX model").c_str(),
                       eesim::Error);
  fs::remove(empty);
}
