// Link and DRAM-port contention: windows held for the serialisation time, earliest common gap.
#include <doctest/doctest.h>

#include "sim/engine/link_calendar.h"

using eesim::sim::LinkCalendar;

namespace {

// The resources of the XY mesh's route from a to b.
std::vector<LinkCalendar::Resource> xy(eesim::hw::Node a, eesim::hw::Node b) {
  return eesim::sim::route_resources(eesim::hw::make_noc(eesim::hw::NocSpec{})->route(a, b));
}

}  // namespace

TEST_CASE("link calendar: two transfers sharing a link; the second waits one serialisation") {
  // 100 bytes over 32 B/cycle links: ceil(100/32) = 4 cycles of serialisation.
  LinkCalendar cal;
  const auto route = xy({0, 0}, {2, 0});  // (0,0)->(1,0)->(2,0)
  CHECK(cal.reserve(route, 10, 4) == 10);
  CHECK(cal.reserve(route, 10, 4) == 14);  // delayed by exactly the first's 4 cycles
  // (1,0)->(1,1) shares no link with the route above: no delay.
  CHECK(cal.reserve(xy({1, 0}, {1, 1}), 10, 4) == 10);
  // (1,0)->(2,1) goes (1,0)->(2,0) first: busy [10,18), so it starts at 18.
  CHECK(cal.reserve(xy({1, 0}, {2, 1}), 11, 4) == 18);
  CHECK(cal.busy_cycles(LinkCalendar::link({{0, 0}, {1, 0}})) == 8);
  CHECK(cal.busy_cycles(LinkCalendar::link({{1, 0}, {2, 0}})) == 12);
}

TEST_CASE("link calendar: a transfer fits an earlier gap when it is long enough") {
  LinkCalendar cal;
  const auto port = std::vector{LinkCalendar::dram_port(0)};
  CHECK(cal.reserve(port, 0, 5) == 0);    // [0,5)
  CHECK(cal.reserve(port, 20, 5) == 20);  // [20,25)
  CHECK(cal.reserve(port, 3, 10) == 5);   // [5,15) fits before 20
  CHECK(cal.reserve(port, 3, 10) == 25);  // [15,20) is too short
  CHECK(cal.reserve(port, 0, 0) == 0);    // nothing to move: no booking
  CHECK(cal.busy_cycles(port[0]) == 30);
  CHECK(cal.reserve({LinkCalendar::dram_port(1)}, 0, 5) == 0);  // another port is free
}

TEST_CASE("link calendar: windows the clock has passed are forgotten, and still counted busy") {
  LinkCalendar cal;
  const auto port = std::vector{LinkCalendar::dram_port(0)};
  CHECK(cal.reserve(port, 0, 5) == 0);     // [0,5)
  CHECK(cal.reserve(port, 20, 5) == 20);   // [20,25)
  cal.forget_before(10);                   // [0,5) ended: no later request starts before 10
  CHECK(cal.reserve(port, 10, 5) == 10);   // [10,15) fits before 20
  CHECK(cal.reserve(port, 12, 10) == 25);  // waits for [10,15), then [15,25) meets [20,25)
  CHECK(cal.busy_cycles(port[0]) == 25);   // 5 + 5 + 5 + 10, the forgotten window included
  // Forgetting many windows keeps the search right (the dead prefix is compacted).
  for (int64_t t = 100; t < 1000; t += 10) CHECK(cal.reserve(port, t, 5) == t);
  cal.forget_before(990);
  CHECK(cal.reserve(port, 990, 20) == 995);  // [990,995) is still booked
  CHECK(cal.busy_cycles(port[0]) == 25 + 90 * 5 + 20);
}
