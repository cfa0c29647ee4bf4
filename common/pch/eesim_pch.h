// Precompiled for each library and the Python module (meson: cpp_pch). Boost.Graph's
// adjacency_list, which workloads/workload.h includes and so nearly every file, and protobuf's
// message.h were most of a file's compile time: with this header the workloads and mapping
// libraries build in 38 s instead of 63 (2 cores, -O1), in each of CI's three builds.
// External headers only, so no stage sees a later one (STYLE.md rule 1); files still include
// what they use.
#include <google/protobuf/message.h>

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>
