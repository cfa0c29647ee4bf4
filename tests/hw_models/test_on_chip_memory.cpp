// The spill policy of a core's on-chip memory, by hand on a 100-byte memory whose DRAM port
// moves 10 B/cycle at 2 pJ/B.
#include <doctest/doctest.h>

#include "hw_models/on_chip_memory.h"

using eesim::hw::DramSpec;
using eesim::hw::OnChipMemory;
using eesim::hw::SpillOutcome;

namespace {

OnChipMemory memory() { return OnChipMemory(100, DramSpec{"d", 0, 0, 10, 2}); }

}  // namespace

TEST_CASE("on-chip memory: what fits spills nothing") {
  OnChipMemory m = memory();
  CHECK(m.hold(60) == SpillOutcome{});
  CHECK(m.hold(40) == SpillOutcome{});
  CHECK(m.live_bytes() == 100);
  CHECK(m.spilled_bytes() == 0);
}

TEST_CASE("on-chip memory: 60 + 70 B in 100 B spill 30 B: 60 B of DRAM, 6 port cycles, 120 pJ") {
  OnChipMemory m = memory();
  m.hold(60);
  CHECK(m.hold(70) == SpillOutcome{30, 60, 6, 120.0});
  CHECK(m.live_bytes() == 100);
  CHECK(m.spilled_bytes() == 30);
  // Freeing 50 B lets the 30 spilled back in first, at no further cost: 80 B on chip.
  CHECK(m.hold(-50) == SpillOutcome{});
  CHECK(m.live_bytes() == 80);
  CHECK(m.spilled_bytes() == 0);
  m.hold(-80);
  CHECK(m.live_bytes() == 0);
}

TEST_CASE("on-chip memory: one 250 B hold into an empty 100 B memory spills 150 B") {
  OnChipMemory m = memory();
  CHECK(m.hold(250) == SpillOutcome{150, 300, 30, 600.0});
  CHECK(m.live_bytes() == 100);
  // Freeing 20 B while 150 B are spilled: 20 come back, on-chip use stays at capacity.
  m.hold(-20);
  CHECK(m.live_bytes() == 100);
  CHECK(m.spilled_bytes() == 130);
}
