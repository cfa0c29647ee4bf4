#pragma once
// The one exception type for bad user input (STYLE.md rule 8). The message always starts with
// the culprit's path: "file.onnx: node '/conv1/Conv' (Conv): ...", "arch.textproto:12: ...".
#include <stdexcept>
#include <string>

namespace eesim {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// A long run stopped because its caller asked it to (Ctrl-C, through common/progress.h). The
// message says what was completed: "stream stopped after 4512 of 100000 inputs".
class Interrupted : public Error {
 public:
  using Error::Error;
};

}  // namespace eesim
