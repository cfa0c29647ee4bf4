// The cross-field rules of a "links" NoC (arch.proto NocLink, NocBus): what names the links and
// buses use, and that the network they make joins every core to every DRAM port and every other
// core. Each failure names file, line and key path ("noc.link[1] b", "noc.bus[0] member[2]").
#include <google/protobuf/descriptor.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/names_text.h"
#include "hw_models/arch_validate.h"

namespace eesim::hw {
namespace {

namespace pb = google::protobuf;
using ParseInfoTree = pb::TextFormat::ParseInfoTree;
using NodeXy = std::pair<int64_t, int64_t>;

// Where the noc's keys are: 1-based lines of a link or bus block, or of one key inside it (the
// block's line when protobuf recorded none).
struct NocLines {
  const ParseInfoTree* noc = nullptr;
  int noc_line = 1;

  static int line_of(const ParseInfoTree* t, const pb::FieldDescriptor* f, int index, int dflt) {
    if (t == nullptr) return dflt;
    const int l = t->GetLocation(f, index).line;
    return l >= 0 ? l + 1 : dflt;
  }
  int block(const char* list, int i) const { return line_of(noc, field(list), i, noc_line); }
  int key(const char* list, int i, const char* key, int index = -1) const {
    const ParseInfoTree* t = noc ? noc->GetTreeForNested(field(list), i) : nullptr;
    const pb::Descriptor* d = field(list)->message_type();
    return line_of(t, d->FindFieldByName(key), index, block(list, i));
  }
  static const pb::FieldDescriptor* field(const char* name) {
    return schema::Noc::descriptor()->FindFieldByName(name);
  }
};

}  // namespace

void validate_noc_links(const schema::Architecture& a, const ParseInfoTree& tree,
                        const std::string& source) {
  const schema::Noc& n = a.noc();
  if (n.kind() != "links") return;
  const pb::FieldDescriptor* noc_field = schema::Architecture::descriptor()->FindFieldByName("noc");
  NocLines lines{tree.GetTreeForNested(noc_field, -1), NocLines::line_of(&tree, noc_field, -1, 1)};
  const auto fail = [&source](int line, const std::string& key, const std::string& what) {
    throw Error(source + ":" + std::to_string(line) + ": " + key + ": " + what);
  };
  std::map<std::string, NodeXy> node_of;
  for (const schema::Core& c : a.core()) node_of[c.name()] = {c.x(), c.y()};
  for (const schema::Dram& d : a.dram()) node_of[d.name()] = {d.x(), d.y()};
  const auto resolve = [&](const std::string& name, int line, const std::string& key) {
    const auto it = node_of.find(name);
    if (it == node_of.end()) {
      std::vector<std::string> names;
      for (const auto& entry : node_of) names.push_back(entry.first);
      fail(line, key,
           "unknown core or DRAM port '" + name + "' (names: " + join_names(names) + ")");
    }
    return it->second;
  };
  const auto show = [](NodeXy p) {
    std::string out = "(";
    out += std::to_string(p.first);
    out += ',';
    out += std::to_string(p.second);
    out += ')';
    return out;
  };

  // Undirected adjacency between nodes, for reachability.
  std::map<NodeXy, std::set<NodeXy>> adj;
  std::map<std::pair<NodeXy, NodeXy>, int> pair_line;  // a linked pair -> its link's line
  for (int i = 0; i < n.link_size(); ++i) {
    const schema::NocLink& l = n.link(i);
    const std::string label = "noc.link[" + std::to_string(i) + "]";
    const NodeXy pa = resolve(l.a(), lines.key("link", i, "a"), label + " a");
    const NodeXy pb = resolve(l.b(), lines.key("link", i, "b"), label + " b");
    if (l.a() == l.b() || pa == pb)
      fail(lines.key("link", i, "b"), label + " b",
           "a link to itself ('" + l.a() + "' and '" + l.b() + "' are both at node " + show(pa) +
               ")");
    const auto key = pa < pb ? std::pair{pa, pb} : std::pair{pb, pa};
    const auto [it, fresh] = pair_line.emplace(key, lines.block("link", i));
    if (!fresh)
      fail(lines.block("link", i), label,
           "'" + l.a() + "' and '" + l.b() + "' are already joined by the link at line " +
               std::to_string(it->second) + "; one link per pair");
    adj[pa].insert(pb);
    adj[pb].insert(pa);
  }
  for (int i = 0; i < n.bus_size(); ++i) {
    const schema::NocBus& b = n.bus(i);
    const std::string label = "noc.bus[" + std::to_string(i) + "]";
    if (b.member_size() < 2)
      fail(lines.block("bus", i), label + " member",
           "a bus joins at least 2 members, got " + std::to_string(b.member_size()));
    std::map<NodeXy, std::string> on;
    for (int j = 0; j < b.member_size(); ++j) {
      const std::string key = label + " member[" + std::to_string(j) + "]";
      const int line = lines.key("bus", i, "member", j);
      const NodeXy p = resolve(b.member(j), line, key);
      const auto [it, fresh] = on.emplace(p, b.member(j));
      if (!fresh)
        fail(line, key,
             it->second == b.member(j)
                 ? "'" + b.member(j) + "' is listed twice"
                 : "'" + b.member(j) + "' and '" + it->second + "' share node " + show(p) +
                       ": a bus joins distinct nodes");
    }
    for (const auto& [p, name] : on)
      for (const auto& [q, other] : on)
        if (p != q) adj[p].insert(q);
  }

  // Every core reaches every DRAM port, then every other core (a shared node is a path).
  const auto reach = [&adj](NodeXy from) {
    std::set<NodeXy> seen{from};
    std::vector<NodeXy> todo{from};
    while (!todo.empty()) {
      const NodeXy at = todo.back();
      todo.pop_back();
      for (const NodeXy& next : adj[at])
        if (seen.insert(next).second) todo.push_back(next);
    }
    return seen;
  };
  const int where = lines.noc_line;
  for (const schema::Core& c : a.core()) {
    const std::set<NodeXy> seen = reach({c.x(), c.y()});
    for (const schema::Dram& d : a.dram())
      if (!seen.count({d.x(), d.y()}))
        fail(where, "noc",
             "core '" + c.name() + "' has no path to DRAM port '" + d.name() +
                 "' over the links and buses listed");
    for (const schema::Core& o : a.core())
      if (!seen.count({o.x(), o.y()}))
        fail(where, "noc",
             "core '" + c.name() + "' has no path to core '" + o.name() +
                 "' over the links and buses listed");
  }
}

}  // namespace eesim::hw
