// Precompiled for every unit test file (tests/meson.build: cpp_pch): doctest, the standard
// headers and the project headers most tests include. Parsing them was most of a test file's
// compile time (about 3 of 4-5 s each at -O0, 55 files, twice in CI). Test files still include
// what they use; this only makes it cheaper.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.h"
#include "hw_models/arch_loader.h"
#include "mapping/allocation.h"
#include "sim/studies/evaluate.h"
#include "sim/studies/simulate.h"
#include "tests/workloads/exit_nets.h"
#include "tests/workloads/onnx_builder.h"
