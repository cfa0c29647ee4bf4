// `alloc=file=PATH`: a mapping file of `LAYER = CORE` lines (allocation_file.cpp). The file is
// read when the option is given, so a missing file is reported before any work; its lines are
// checked against the model and chip when allocating.
#include "common/file_io.h"
#include "mapping/allocator.h"

namespace eesim::mapping {
namespace {

class MappingFile : public Allocator {
 public:
  explicit MappingFile(std::string path)
      : path_(std::move(path)),
        text_(read_text_file(path_, "a mapping file of 'LAYER = CORE' lines")) {}
  Allocated allocate(const AllocationProblem& p) const override {
    return {parse_allocation(text_, path_, p.workload, p.arch), std::nullopt};
  }
  bool fixed_layers() const override { return true; }
  std::string source_file() const override { return path_; }

 private:
  std::string path_, text_;
};

}  // namespace

AllocatorEntry file_allocator() {
  return {"file", "PATH",
          [](const std::string& path) { return std::make_shared<const MappingFile>(path); }};
}
}  // namespace eesim::mapping
