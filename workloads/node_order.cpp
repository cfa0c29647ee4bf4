// Kahn's algorithm over an ONNX graph's nodes (see node_order.h).
#include "workloads/node_order.h"

#include <queue>
#include <set>
#include <unordered_map>

#include "common/error.h"

namespace eesim::workloads {
namespace {

using NameSet = std::set<std::string>;

// Names a graph reads but does not define: an If's branches read the enclosing scope.
NameSet free_names(const OnnxGraph& g) {
  NameSet defined, used;
  for (const auto& [name, t] : g.initializers) defined.insert(name);
  for (const ValueDecl& d : g.inputs) defined.insert(d.name);
  for (const OnnxNode& n : g.nodes) {
    for (const std::string& o : n.outputs) defined.insert(o);
    for (const std::string& i : n.inputs)
      if (!i.empty()) used.insert(i);
    for (const auto& [key, a] : n.attributes)
      if (a.graph) {
        NameSet inner = free_names(*a.graph);
        used.insert(inner.begin(), inner.end());
      }
  }
  for (const ValueDecl& d : g.outputs) used.insert(d.name);
  NameSet out;
  for (const std::string& u : used)
    if (!defined.count(u)) out.insert(u);
  return out;
}

}  // namespace

std::vector<const OnnxNode*> topological_order(
    const OnnxGraph& g, const std::function<bool(const std::string&)>& defined_outside,
    const std::string& source) {
  const auto fail = [&](const std::string& msg) { throw Error(source + ": " + msg); };
  std::unordered_map<std::string, size_t> producer;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (const std::string& o : g.nodes[i].outputs)
      if (!o.empty() && !producer.emplace(o, i).second)
        fail("tensor '" + o + "' is produced by both node '" + g.nodes[producer[o]].name +
             "' and node '" + g.nodes[i].name + "'");
  std::vector<std::vector<size_t>> consumers(g.nodes.size());
  std::vector<int> pending(g.nodes.size(), 0);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const OnnxNode& n = g.nodes[i];
    NameSet needs(n.inputs.begin(), n.inputs.end());
    needs.erase("");
    for (const auto& [key, a] : n.attributes)
      if (a.graph) {
        NameSet f = free_names(*a.graph);
        needs.insert(f.begin(), f.end());
      }
    for (const std::string& name : needs) {
      if (auto it = producer.find(name); it != producer.end()) {
        if (it->second == i)
          fail("node '" + n.name + "' (" + n.op_type + ") reads its own output '" + name +
               "': a cycle");
        consumers[it->second].push_back(i);
        ++pending[i];
      } else if (!defined_outside(name)) {
        fail("node '" + n.name + "' (" + n.op_type + ") reads '" + name +
             "', which no node, initializer or graph input provides (dangling input)");
      }
    }
  }
  std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (pending[i] == 0) ready.push(i);
  std::vector<const OnnxNode*> order;
  while (!ready.empty()) {
    const size_t i = ready.top();
    ready.pop();
    order.push_back(&g.nodes[i]);
    for (size_t c : consumers[i])
      if (--pending[c] == 0) ready.push(c);
  }
  if (order.size() != g.nodes.size()) {
    std::string stuck;
    int shown = 0;
    for (size_t i = 0; i < g.nodes.size() && shown < 5; ++i)
      if (pending[i] > 0) stuck += (shown++ ? ", '" : "'") + g.nodes[i].name + "'";
    fail("the graph has a cycle; nodes that can never run: " + stuck);
  }
  return order;
}

}  // namespace eesim::workloads
