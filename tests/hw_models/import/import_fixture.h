#pragma once
// Helpers for the YAML importer's tests: the fixtures under data/, the imported text parsed back
// into the schema, and scratch copies with one edit for the bad-file cases.
#include <doctest/doctest.h>
#include <google/protobuf/text_format.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "arch.pb.h"
#include "common/error.h"
#include "hw_models/import/chip_import.h"

namespace eesim::hw::import_test {

inline const std::string kData = std::string(EESIM_SOURCE_ROOT) + "/tests/hw_models/import/data/";

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The imported chip parsed back into the schema (the text must parse).
inline schema::Architecture parsed(const ImportedChip& chip) {
  schema::Architecture a;
  REQUIRE(google::protobuf::TextFormat::ParseFromString(chip.textproto, &a));
  return a;
}
inline ImportedChip import_data(const std::string& file, const std::string& mapping = "") {
  return import_chip_yaml(kData + file, mapping.empty() ? "" : kData + mapping);
}

inline bool has_note(const ImportedChip& chip, const std::string& part) {
  for (const std::string& n : chip.notes)
    if (n.find(part) != std::string::npos) return true;
  return false;
}

// A scratch copy of data/ in which a test rewrites one file (each test its own directory).
class Scratch {
 public:
  explicit Scratch(const std::string& name)
      : dir_(std::filesystem::temp_directory_path() / ("eesim_import_" + name)) {
    std::filesystem::remove_all(dir_);
    std::filesystem::copy(kData, dir_);
  }
  ~Scratch() { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& file) const { return (dir_ / file).string(); }
  // Writes `file` as data/'s copy with the first `from` replaced by `to` (each edit starts from
  // the original, so edits never pile up); returns the file's path.
  std::string edit(const std::string& file, const std::string& from, const std::string& to) {
    return edits(file, {{from, to}});
  }
  std::string edits(const std::string& file,
                    const std::vector<std::pair<std::string, std::string>>& changes) {
    std::string text = slurp(kData + file);
    for (const auto& [from, to] : changes) {
      const size_t at = text.find(from);
      REQUIRE(at != std::string::npos);
      text.replace(at, from.size(), to);
    }
    std::ofstream(path(file)) << text;
    return path(file);
  }
  // 1-based line of the first `needle` in `file`.
  int line_of(const std::string& file, const std::string& needle) const {
    const std::string text = slurp(path(file));
    const size_t at = text.find(needle);
    REQUIRE(at != std::string::npos);
    return 1 +
           static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
  }

 private:
  std::filesystem::path dir_;
};

// The message of the error importing `path` throws ("" when none).
inline std::string import_error(const std::string& path, const std::string& mapping = "") {
  try {
    import_chip_yaml(path, mapping);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

// The message starts "FILE:LINE: " and names `key`.
inline void check_error(const std::string& message, const std::string& file, int line,
                        const std::string& key) {
  INFO(message);
  CHECK(message.rfind(file + ":" + std::to_string(line) + ": ", 0) == 0);
  CHECK(message.find(key) != std::string::npos);
}

}  // namespace eesim::hw::import_test
