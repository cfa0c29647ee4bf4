// NoC kind "links": exactly the point-to-point links and buses the architecture lists, each with
// its own width and energy (Stream's per-link accelerator files; arch.proto NocLink, NocBus).
//
// Routing: fewest hops, a bus being one hop between any two of its members. Ties are broken by a
// breadth-first search from the source that explores a node's links in file order, then its buses
// in file order (a bus's members in file order); the route is the path in that search's tree, so
// routes from one source share their prefixes (a multicast's routes form a tree).
// Figures of a transfer of B bytes over a route of h hops (wormhole switching, Dally & Towles,
// "Principles and Practices of Interconnection Networks", 2004, ch. 13: the head pays every hop,
// the body serialises once, at the narrowest channel, which paces the whole worm):
//   pipeline = h * (router_cycles + link_cycles); hold = ceil(B / min over the route of
//   bytes_per_cycle); energy = B * sum over the route of energy_pj_per_byte.
// neighbour_transfer_cycles (HEFT's mean communication estimate) is one hop over the widest link
// or bus of the chip: router_cycles + link_cycles + ceil(B / its bytes_per_cycle).
// A bus is one shared resource: its Link is (bus_node(b), bus_node(b)) for every pair of members.
#include <algorithm>
#include <limits>
#include <map>
#include <string>

#include "common/checked_math.h"
#include "common/error.h"
#include "hw_models/noc.h"

namespace eesim::hw {
namespace {

class LinksNoc : public Noc {
 public:
  explicit LinksNoc(const NocSpec& spec) : spec_(spec) {
    // Directed edges: each link both ways, then each bus between every ordered pair of members.
    for (const NocLinkSpec& l : spec.links) {
      const Node a{l.ax, l.ay}, b{l.bx, l.by};
      add_edge(a, b, {a, b}, l.bytes_per_cycle, l.energy_pj_per_byte);
      add_edge(b, a, {b, a}, l.bytes_per_cycle, l.energy_pj_per_byte);
    }
    for (size_t i = 0; i < spec.buses.size(); ++i) {
      const NocBusSpec& b = spec.buses[i];
      const Link shared{bus_node(i), bus_node(i)};
      for (const auto& [fx, fy] : b.nodes)
        for (const auto& [tx, ty] : b.nodes)
          if (Node{fx, fy} != Node{tx, ty})
            add_edge({fx, fy}, {tx, ty}, shared, b.bytes_per_cycle, b.energy_pj_per_byte);
    }
    for (const Edge& e : edges_) widest_ = std::max(widest_, e.bytes_per_cycle);
    // A breadth-first tree from every node: parent_[source][node] is the edge reaching node.
    parent_.assign(nodes_.size(), std::vector<int>(nodes_.size(), -1));
    for (size_t s = 0; s < nodes_.size(); ++s) {
      std::vector<bool> seen(nodes_.size(), false);
      std::vector<size_t> queue{s};
      seen[s] = true;
      for (size_t k = 0; k < queue.size(); ++k)
        for (int e : out_[queue[k]]) {
          const size_t to = edges_[static_cast<size_t>(e)].to;
          if (!seen[to]) seen[to] = true, parent_[s][to] = e, queue.push_back(to);
        }
    }
  }

  std::vector<Link> route(Node from, Node to) const override {
    std::vector<Link> out;
    for (int e : edges_on(from, to)) out.push_back(edges_[static_cast<size_t>(e)].link);
    return out;
  }

  int64_t pipeline_cycles(Node from, Node to) const override {
    return checked_mul(static_cast<int64_t>(edges_on(from, to).size()),
                       spec_.router_cycles + spec_.link_cycles, "NoC pipeline");
  }

  int64_t hold_cycles(Node from, Node to, int64_t bytes) const override {
    const std::vector<int> edges = edges_on(from, to);
    if (edges.empty() || bytes == 0) return 0;
    double narrowest = std::numeric_limits<double>::infinity();
    for (int e : edges)
      narrowest = std::min(narrowest, edges_[static_cast<size_t>(e)].bytes_per_cycle);
    return serialisation_cycles(bytes, narrowest);
  }

  double energy_pj(Node from, Node to, int64_t bytes) const override {
    double pj_per_byte = 0;
    for (int e : edges_on(from, to)) pj_per_byte += edges_[static_cast<size_t>(e)].pj_per_byte;
    return static_cast<double>(bytes) * pj_per_byte;
  }

  int64_t neighbour_transfer_cycles(int64_t bytes) const override {
    if (bytes == 0) return 0;
    const int64_t hop = spec_.router_cycles + spec_.link_cycles;
    if (widest_ <= 0) return hop;  // no link at all: nothing ever crosses the NoC
    return checked_add(hop, serialisation_cycles(bytes, widest_), "NoC transfer");
  }

  // The branch's own links, priced one by one (a bus's Link names no member node).
  double branch_energy_pj(Node from, Node to, const std::vector<Link>& branch,
                          int64_t bytes) const override {
    double pj_per_byte = 0;
    for (int e : edges_on(from, to))
      if (std::find(branch.begin(), branch.end(), edges_[static_cast<size_t>(e)].link) !=
          branch.end())
        pj_per_byte += edges_[static_cast<size_t>(e)].pj_per_byte;
    return static_cast<double>(bytes) * pj_per_byte;
  }

 private:
  struct Edge {
    size_t from = 0, to = 0;  // node indices
    Link link;                // the resource it holds
    double bytes_per_cycle = 0, pj_per_byte = 0;
  };

  size_t index(Node n) {
    const auto [it, fresh] = index_.emplace(n, nodes_.size());
    if (fresh) nodes_.push_back(n), out_.emplace_back();
    return it->second;
  }
  void add_edge(Node from, Node to, Link link, double bytes_per_cycle, double pj_per_byte) {
    const size_t f = index(from), t = index(to);
    out_[f].push_back(static_cast<int>(edges_.size()));
    edges_.push_back({f, t, link, bytes_per_cycle, pj_per_byte});
  }

  // The edges of the route from `from` to `to`, in order; empty when from == to. A node no link
  // or bus reaches has no route (the loader refuses such a chip): eesim::Error.
  std::vector<int> edges_on(Node from, Node to) const {
    std::vector<int> out;
    if (from == to) return out;
    const auto f = index_.find(from), t = index_.find(to);
    if (f == index_.end() || t == index_.end() || parent_[f->second][t->second] < 0)
      throw Error("NoC 'links': no route from (" + std::to_string(from.x) + "," +
                  std::to_string(from.y) + ") to (" + std::to_string(to.x) + "," +
                  std::to_string(to.y) + ")");
    for (size_t at = t->second; at != f->second;) {
      const int e = parent_[f->second][at];
      out.push_back(e);
      at = edges_[static_cast<size_t>(e)].from;
    }
    std::reverse(out.begin(), out.end());
    return out;
  }

  static int64_t serialisation_cycles(int64_t bytes, double bytes_per_cycle) {
    if (bytes == 0) return 0;
    return checked_ceil_cycles(static_cast<double>(bytes) / bytes_per_cycle, "NoC transfer");
  }

  NocSpec spec_;
  std::map<Node, size_t> index_;
  std::vector<Node> nodes_;
  std::vector<std::vector<int>> out_;  // per node: its outgoing edges, in exploration order
  std::vector<Edge> edges_;
  std::vector<std::vector<int>> parent_;  // [source][node]: the edge the search reached node by
  double widest_ = 0;
};

}  // namespace

std::unique_ptr<Noc> make_links_noc(const NocSpec& spec) {
  return std::make_unique<LinksNoc>(spec);
}

}  // namespace eesim::hw
