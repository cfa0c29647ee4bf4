#pragma once
// The allocator registry: `eesim run --alloc NAME` and `Evaluator(alloc=NAME)` pick an allocator
// by name. A new allocator is one file holding its class and one registration line: for a
// built-in, its entry function in allocator.cpp's list; elsewhere (a test, a program linking
// its own), a static initializer:
//   const bool kRegistered = register_allocator("mine", "", [](const std::string&) {
//     return std::make_shared<const Mine>(); });
// Unknown names are errors that list the registered ones.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hw_models/architecture.h"
#include "hw_models/cost_cache.h"
#include "mapping/allocation.h"
#include "mapping/cn_graph.h"
#include "mapping/search.h"

namespace eesim::mapping {

// Everything an allocator may look at. `fitness` is the caller's objective for a candidate
// (lower is better; the simulator, passed down because mapping/ comes before sim/).
struct AllocationProblem {
  const workloads::Workload& workload;
  const CnGraph& graph;
  const hw::Architecture& arch;
  hw::CostCache& cache;
  const std::function<double(const Allocation&)>& fitness;
  const SearchOptions& search;         // seed, iterations and progress, for allocators that search
  const CoreConstraints& constraints;  // op types kept to some cores; every allocator obeys
  const Waits& waits;  // what each layer waits for beyond its inputs (the exit policy's gates)
};

struct Allocated {
  Allocation allocation;
  std::optional<SearchResult> search;  // when a search chose the allocation
};

// Puts every layer of a workload on a core.
class Allocator {
 public:
  virtual ~Allocator() = default;
  // One core per layer of p.workload, each able to run its layer; the same problem (and seed)
  // gives the same allocation. Throws eesim::Error when no such allocation exists or the input
  // does not fit the workload; eesim::Interrupted when p.search.progress stops it.
  virtual Allocated allocate(const AllocationProblem& p) const = 0;
  // True when the result depends on p.fitness (and so on the exit probabilities): the sweep
  // then allocates once per probability, and the search options take effect.
  virtual bool uses_objective() const { return false; }
  // True when the allocation names the layers of one given model (a mapping file): it cannot
  // place layers a study adds, such as the sweep's mounted heads.
  virtual bool fixed_layers() const { return false; }
  // The file it reads, or empty (so the CLI refuses an output that would overwrite it).
  virtual std::string source_file() const { return ""; }
};

// Builds an allocator from the text after `NAME=` (empty when there is none).
using AllocatorFactory = std::function<std::shared_ptr<const Allocator>(const std::string& arg)>;

struct AllocatorEntry {
  std::string name;      // "heft"
  std::string argument;  // what follows `name=` ("PATH"), or empty: it takes none
  AllocatorFactory make;
};

// Adds an allocator; returns true so a file can register from a static initializer. Throws
// std::logic_error when the name is taken (a programming error). Not synchronised: register
// before any thread looks allocators up (static initializers do).
bool register_allocator(const std::string& name, const std::string& argument,
                        AllocatorFactory make);
// The entry named `name`, or nullptr.
const AllocatorEntry* find_allocator(const std::string& name);
// How to name each registered allocator, sorted: "file=PATH, heft, partition, pipeline or search".
std::string allocator_choices();
// The registered allocators' names, sorted ("file", "heft", ...), for suggestions.
std::vector<std::string> allocator_names();

// `NAME` or `NAME=ARG` -> an allocator. Throws eesim::Error for an unknown name (listing the
// choices), an argument the allocator does not take or lacks, or what its factory throws.
std::shared_ptr<const Allocator> make_allocator(const std::string& text);

// A fixed allocation given in memory (tests, callers that computed one): `fixed_layers`.
std::shared_ptr<const Allocator> given_allocator(Allocation allocation);

}  // namespace eesim::mapping
