#pragma once
// The chips the scenario, sweep, engine and report tests share: two SIMD cores one hop apart,
// links of 4 B/cycle, one DRAM port at (0,0).
namespace eesim::testing {

// 16 lanes; DRAM 8 B/cycle.

inline const char* const kTwoSimd16 = R"(
name: "two_simd" clock_mhz: 1000
noc { width: 2 height: 1 link_bytes_per_cycle: 4 }
core { name: "v0" x: 0 y: 0 static_power_mw: 1 simd { lanes: 16 memory_bytes: 1000000 } }
core { name: "v1" x: 1 y: 0 static_power_mw: 2 simd { lanes: 16 memory_bytes: 1000000 } }
dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 8 }
)";

// 64 lanes (1024 element operations take 16 cycles); 1 + 1 cycles per hop; a fast DRAM (1000
// B/cycle, its traffic hidden under compute); v0 1 mW and v1 2 mW static.
inline const char* const kTwoSimd64 = R"(
name: "two_simd" clock_mhz: 1000
noc { width: 2 height: 1 link_bytes_per_cycle: 4 router_cycles: 1 link_cycles: 1 }
core { name: "v0" x: 0 y: 0 static_power_mw: 1 simd { lanes: 64 memory_bytes: 1000000 } }
core { name: "v1" x: 1 y: 0 static_power_mw: 2 simd { lanes: 64 memory_bytes: 1000000 } }
dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 1000 }
)";

}  // namespace eesim::testing
