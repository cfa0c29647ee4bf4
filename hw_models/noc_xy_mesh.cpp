// The 2-D mesh with dimension-order (XY) routing and wormhole switching, NoC kind "xy_mesh":
// a transfer of B bytes over h hops takes h * (router_cycles + link_cycles) cycles of pipeline
// plus ceil(B / link_bytes_per_cycle) of serialisation, paid once, and costs
// B * h * energy_pj_per_byte_hop (Dally & Towles, "Principles and Practices of Interconnection
// Networks", 2004, ch. 8 dimension-order routing and ch. 13 wormhole flow control).
#include <cstdlib>

#include "common/checked_math.h"
#include "hw_models/noc.h"

namespace eesim::hw {
namespace {

class XyMesh : public Noc {
 public:
  explicit XyMesh(const NocSpec& spec) : spec_(spec) {}

  // First along x, then along y.
  std::vector<Link> route(Node from, Node to) const override {
    std::vector<Link> out;
    Node at = from;
    while (at.x != to.x) {
      const Node next{at.x + (to.x > at.x ? 1 : -1), at.y};
      out.push_back({at, next});
      at = next;
    }
    while (at.y != to.y) {
      const Node next{at.x, at.y + (to.y > at.y ? 1 : -1)};
      out.push_back({at, next});
      at = next;
    }
    return out;
  }

  int64_t pipeline_cycles(Node from, Node to) const override {
    return checked_mul(hops(from, to), spec_.router_cycles + spec_.link_cycles, "NoC pipeline");
  }

  int64_t hold_cycles(Node from, Node to, int64_t bytes) const override {
    if (hops(from, to) == 0) return 0;
    return serialisation_cycles(bytes);
  }

  double energy_pj(Node from, Node to, int64_t bytes) const override {
    return static_cast<double>(bytes) * static_cast<double>(hops(from, to)) *
           spec_.energy_pj_per_byte_hop;
  }

  int64_t neighbour_transfer_cycles(int64_t bytes) const override {
    if (bytes == 0) return 0;
    return checked_add(spec_.router_cycles + spec_.link_cycles, serialisation_cycles(bytes),
                       "NoC transfer");
  }

 private:
  static int64_t hops(Node a, Node b) { return std::llabs(a.x - b.x) + std::llabs(a.y - b.y); }
  int64_t serialisation_cycles(int64_t bytes) const {
    if (bytes == 0) return 0;
    return checked_ceil_cycles(static_cast<double>(bytes) / spec_.link_bytes_per_cycle,
                               "NoC transfer");
  }

  NocSpec spec_;
};

}  // namespace

std::unique_ptr<Noc> make_xy_mesh(const NocSpec& spec) { return std::make_unique<XyMesh>(spec); }

}  // namespace eesim::hw
