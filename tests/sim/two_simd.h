#pragma once
// The chip the scenario and sweep tests share: two 16-lane SIMD cores one hop apart, links of
// 4 B/cycle, one DRAM port of 8 B/cycle at (0,0).
namespace eesim::testing {

inline const char* const kTwoSimd16 = R"(
name: "two_simd" clock_mhz: 1000
noc { width: 2 height: 1 link_bytes_per_cycle: 4 }
core { name: "v0" x: 0 y: 0 static_power_mw: 1 simd { lanes: 16 memory_bytes: 1000000 } }
core { name: "v1" x: 1 y: 0 static_power_mw: 2 simd { lanes: 16 memory_bytes: 1000000 } }
dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 8 }
)";

}  // namespace eesim::testing
