// Names in messages (common/names_text.h): the suggestion a misspelt name gets.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/names_text.h"

using eesim::closest_name;
using eesim::edit_distance;

TEST_CASE("edit distance: a swap of two neighbours is one edit, as are insert, delete, change") {
  CHECK(edit_distance("serach", "search") == 1);
  CHECK(edit_distance("polcy", "policy") == 1);
  CHECK(edit_distance("policy", "policy") == 0);
  CHECK(edit_distance("", "run") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("closest name: within 1 + size/4 edits, the first of equals; else a unique prefix") {
  const std::vector<std::string> allocators = {"file", "heft", "partition", "pipeline", "search"};
  CHECK(closest_name("serach", allocators) == "search");
  CHECK(closest_name("partion", allocators) == "partition");
  CHECK(closest_name("greedy", allocators).empty());
  CHECK(closest_name("search", allocators).empty());  // the name itself is not a suggestion
  const std::vector<std::string> commands = {"inspect", "run", "stream", "sweep"};
  CHECK(closest_name("rn", commands) == "run");
  CHECK(closest_name("swep", commands) == "sweep");
  CHECK(closest_name("strem", commands) == "stream");
  CHECK(closest_name("x", commands).empty());
  const std::vector<std::string> options = {"iterations", "inputs", "in-flight"};
  CHECK(closest_name("iter", options) == "iterations");  // a prefix of one name only
  CHECK(closest_name("in", options).empty());            // too short to be a prefix
  CHECK(closest_name("in-", options) == "in-flight");
}
