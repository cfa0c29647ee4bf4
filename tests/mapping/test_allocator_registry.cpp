// The allocator registry: names to allocators, arguments, unknown names listing the choices,
// and the built-ins giving what their functions give.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

#include "common/error.h"
#include "hw_models/arch_loader.h"
#include "mapping/allocator.h"
#include "mapping/pipeline.h"
#include "tests/sim/two_simd.h"
#include "tests/workloads/exit_nets.h"

namespace mp = eesim::mapping;

namespace {

struct Problem {
  eesim::workloads::Workload w = eesim::testing::chain_net();
  eesim::hw::Architecture arch =
      eesim::hw::load_architecture_text(eesim::testing::kTwoSimd16, "two_simd");
  eesim::hw::CostCache cache{arch};
  mp::CnGraph g = mp::build_cn_graph(w, {});
  std::function<double(const mp::Allocation&)> fitness = [](const mp::Allocation& a) {
    double on_v0 = 0;  // fewer layers on v0 is better: the search moves them all to v1
    for (size_t c : a.core_of_layer) on_v0 += c == 0;
    return on_v0;
  };
  mp::SearchOptions search;
  mp::CoreConstraints constraints;
  mp::Waits waits;
  mp::Allocated run(const std::string& name) {
    return mp::make_allocator(name)->allocate(
        {w, g, arch, cache, fitness, search, constraints, waits});
  }
};

}  // namespace

TEST_CASE("allocator registry: the built-ins are registered, sorted, with their arguments") {
  for (const char* name : {"heft", "pipeline", "search", "file"})
    CHECK(mp::find_allocator(name) != nullptr);
  CHECK(mp::find_allocator("file")->argument == "PATH");
  CHECK(mp::find_allocator("heft")->argument.empty());
  CHECK(mp::find_allocator("serach") == nullptr);
  // Sorted by name, whatever else a test binary registered in between.
  const std::string c = mp::allocator_choices();
  CHECK(c.rfind("file=PATH, heft, ", 0) == 0);
  CHECK(c.size() >= std::string(" or search").size());
  CHECK(c.substr(c.size() - std::string(" or search").size()) == " or search");
}

TEST_CASE("allocator registry: unknown names and wrong arguments are errors naming the choices") {
  CHECK_THROWS_WITH_AS(mp::make_allocator("serach"),
                       ("allocator 'serach': unknown; expected " + mp::allocator_choices()).c_str(),
                       eesim::Error);
  CHECK_THROWS_WITH_AS(mp::make_allocator("heft=1"), "allocator 'heft' takes no argument",
                       eesim::Error);
  CHECK_THROWS_WITH_AS(mp::make_allocator("file"), "allocator 'file': expected file=PATH",
                       eesim::Error);
  CHECK_THROWS_WITH_AS(mp::make_allocator("file="), "allocator 'file': expected file=PATH",
                       eesim::Error);
  CHECK_THROWS_AS(mp::register_allocator("heft", "", {}), std::logic_error);
}

TEST_CASE("allocator registry: heft and pipeline give what their functions give") {
  Problem p;
  CHECK(p.run("heft").allocation == mp::allocate_heft(p.w, p.g, p.arch, p.cache));
  CHECK(p.run("pipeline").allocation == mp::allocate_pipeline(p.w, p.g, p.arch, p.cache));
  CHECK_FALSE(p.run("heft").search.has_value());
  CHECK_FALSE(mp::make_allocator("heft")->uses_objective());
  CHECK(mp::make_allocator("search")->uses_objective());
}

TEST_CASE("allocator registry: search minimises the caller's fitness from heft's allocation") {
  Problem p;
  p.search.iterations = 200;
  p.search.seed = 3;
  const mp::Allocated a = p.run("search");
  REQUIRE(a.search.has_value());
  CHECK(a.allocation == a.search->best);
  CHECK(a.allocation.method == "search (seed 3)");
  // 7 layers, every one runnable on either core: the best has none on v0.
  CHECK(a.search->best_fitness == 0);
  CHECK(a.allocation.core_of_layer == std::vector<size_t>(7, 1));
}

TEST_CASE("allocator registry: file=PATH reads the file once and maps by its lines") {
  const std::string path = "test_allocator_registry.map";
  std::ofstream(path) << "# all but conv1 on v1\nconv1 = v0\n* = v1\n";
  Problem p;
  const auto alloc = mp::make_allocator("file=" + path);
  std::remove(path.c_str());  // read already, when the option was given
  CHECK(alloc->fixed_layers());
  CHECK(alloc->source_file() == path);
  const mp::Allocated a =
      alloc->allocate({p.w, p.g, p.arch, p.cache, p.fitness, p.search, p.constraints, p.waits});
  CHECK(a.allocation.core_of_layer == std::vector<size_t>{0, 1, 1, 1, 1, 1, 1});
  CHECK(a.allocation.method == "file " + path);
  CHECK_THROWS_WITH_AS(mp::make_allocator("file=" + path),
                       doctest::Contains("expected a mapping file of 'LAYER = CORE' lines"),
                       eesim::Error);
}

TEST_CASE("allocator registry: a given allocation is returned as it is, for its layers only") {
  Problem p;
  const mp::Allocation given{{1, 0, 1, 0, 1, 0, 1}, "given"};
  const auto alloc = mp::given_allocator(given);
  CHECK(alloc->fixed_layers());
  CHECK(alloc->allocate({p.w, p.g, p.arch, p.cache, p.fitness, p.search, p.constraints, p.waits})
            .allocation == given);
}
