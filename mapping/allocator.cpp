#include "mapping/allocator.h"

#include <map>
#include <stdexcept>

#include "common/error.h"

namespace eesim::mapping {

// The built-in allocators, one line each: a new one is its alloc_<name>.cpp and a line here
// (a static initializer in that file would be dropped by the linker from the static library).
AllocatorEntry heft_allocator();       // alloc_heft.cpp
AllocatorEntry pipeline_allocator();   // alloc_pipeline.cpp
AllocatorEntry search_allocator();     // alloc_search.cpp
AllocatorEntry file_allocator();       // alloc_file.cpp
AllocatorEntry partition_allocator();  // alloc_partition.cpp
namespace {

// Function-local, so registrations from other files' static initializers (tests, programs
// that link their own allocators) find it built, with the built-ins in it.
std::map<std::string, AllocatorEntry>& registry() {
  static std::map<std::string, AllocatorEntry> r = [] {
    std::map<std::string, AllocatorEntry> m;
    for (const auto entry : {heft_allocator, pipeline_allocator, search_allocator, file_allocator,
                             partition_allocator}) {
      AllocatorEntry e = entry();
      m.emplace(e.name, std::move(e));
    }
    return m;
  }();
  return r;
}

class Given : public Allocator {
 public:
  explicit Given(Allocation a) : a_(std::move(a)) {}
  Allocated allocate(const AllocationProblem&) const override { return {a_, std::nullopt}; }
  bool fixed_layers() const override { return true; }

 private:
  Allocation a_;
};

}  // namespace

bool register_allocator(const std::string& name, const std::string& argument,
                        AllocatorFactory make) {
  if (!registry().emplace(name, AllocatorEntry{name, argument, std::move(make)}).second)
    throw std::logic_error("allocator '" + name + "' registered twice");
  return true;
}

const AllocatorEntry* find_allocator(const std::string& name) {
  const auto it = registry().find(name);
  return it == registry().end() ? nullptr : &it->second;
}

std::vector<std::string> allocator_names() {
  std::vector<std::string> names;
  for (const auto& [name, e] : registry()) names.push_back(name);
  return names;
}

std::string allocator_choices() {
  std::vector<std::string> names;
  for (const auto& [name, e] : registry())
    names.push_back(e.argument.empty() ? name : name + "=" + e.argument);
  std::string out;
  for (size_t i = 0; i < names.size(); ++i)
    out += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  return out;
}

std::shared_ptr<const Allocator> make_allocator(const std::string& text) {
  const size_t eq = text.find('=');
  const std::string name = text.substr(0, eq);
  const AllocatorEntry* e = find_allocator(name);
  if (!e) throw Error("allocator '" + name + "': unknown; expected " + allocator_choices());
  const std::string arg = eq == std::string::npos ? "" : text.substr(eq + 1);
  if (e->argument.empty() && eq != std::string::npos)
    throw Error("allocator '" + name + "' takes no argument");
  if (!e->argument.empty() && arg.empty())
    throw Error("allocator '" + name + "': expected " + name + "=" + e->argument);
  return e->make(arg);
}

std::shared_ptr<const Allocator> given_allocator(Allocation allocation) {
  return std::make_shared<Given>(std::move(allocation));
}

}  // namespace eesim::mapping
