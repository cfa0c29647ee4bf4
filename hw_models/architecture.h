#pragma once
// A validated, immutable chip description: what hw_models/arch_loader.cpp builds from a
// .textproto file (schema and units: hw_models/arch.proto). Plain value types (STYLE.md rule 2),
// except a core's kind parameters, which stay the schema's own (immutable) message so that no
// struct, loader or printer restates them.
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace eesim::hw {

class CoreModel;  // core_model.h

// One core: where it sits, its static power, and the parameters of its kind. `params` is the
// kind's message from arch.proto (Core.kind), validated by the loader and never changed after:
// the kind's parameters are declared once, in the schema, and only the kind's cost model reads
// them (core_model.h: params_of). Copies share the message.
struct CoreSpec {
  std::string name;
  int64_t x = 0;  // mesh column
  int64_t y = 0;  // mesh row
  double static_power_mw = 0;
  std::string kind_name;  // the registered kind: its field name in arch.proto's Core.kind
  std::shared_ptr<const google::protobuf::Message> params;
  // The registered model of `kind_name`, resolved once by the loader (core_model() looks it up
  // by name when this is null, e.g. for a spec built in code).
  const CoreModel* model = nullptr;
  // The core's Precision and Sparsity messages (arch.proto), as given; null: the schema's
  // defaults. Only hw_models/datapath.cpp reads them.
  std::shared_ptr<const google::protobuf::Message> precision = nullptr;
  std::shared_ptr<const google::protobuf::Message> sparsity = nullptr;
  // The ONNX op types this core may run (arch.proto Core.op_type); empty: any.
  std::vector<std::string> op_types = {};
  // The registered cost-model name of this core's kind ("systolic", "edge_tpu", "simd").
  const std::string& kind() const { return kind_name; }
  // Equal when every field is, parameters compared field by field.
  bool operator==(const CoreSpec& o) const;
};

// True when two cores cost every tile alike: the same kind, parameters, precision and sparsity
// (each compared field by field, a default written out equal to one left unset); name, place
// and static power may differ.
bool same_hardware(const CoreSpec& a, const CoreSpec& b);

// A point-to-point link of a "links" NoC (arch.proto NocLink), its ends resolved to their nodes.
struct NocLinkSpec {
  std::string a, b;  // the cores' or DRAM ports' names
  int64_t ax = 0, ay = 0, bx = 0, by = 0;
  double bytes_per_cycle = 0;
  double energy_pj_per_byte = 0;  // the noc's energy_pj_per_byte_hop when the file gives none
  bool operator==(const NocLinkSpec&) const = default;
};

// A bus of a "links" NoC (arch.proto NocBus): its members' names and nodes, in file order.
struct NocBusSpec {
  std::vector<std::string> members;
  std::vector<std::pair<int64_t, int64_t>> nodes;  // (x, y) of each member
  double bytes_per_cycle = 0;
  double energy_pj_per_byte = 0;  // the noc's energy_pj_per_byte_hop when the file gives none
  bool operator==(const NocBusSpec&) const = default;
};

struct NocSpec {
  int64_t width = 1;
  int64_t height = 1;
  double link_bytes_per_cycle = 0;  // 0 under "links"
  int64_t router_cycles = 0;
  int64_t link_cycles = 0;
  double energy_pj_per_byte_hop = 0;
  std::string kind = "xy_mesh";         // the registered NoC model (hw_models/noc.h)
  std::vector<NocLinkSpec> links = {};  // kind "links" only, in file order
  std::vector<NocBusSpec> buses = {};   // kind "links" only, in file order
  bool operator==(const NocSpec&) const = default;
};

struct DramSpec {
  std::string name;
  int64_t x = 0;
  int64_t y = 0;
  double bandwidth_bytes_per_cycle = 0;
  double energy_pj_per_byte = 0;
  bool operator==(const DramSpec&) const = default;
};

struct Architecture {
  std::string name;
  std::string source;  // file the description came from (for messages)
  double clock_mhz = 0;
  NocSpec noc;
  std::vector<CoreSpec> cores;
  std::vector<DramSpec> drams;

  // Index of the core with this name, or nullopt.
  std::optional<size_t> find_core(const std::string& name) const;
  // Wall time of `cycles` chip cycles, nanoseconds.
  double ns(double cycles) const { return cycles * 1000.0 / clock_mhz; }
  bool operator==(const Architecture&) const = default;
};

std::ostream& operator<<(std::ostream& os, const CoreSpec& c);
std::ostream& operator<<(std::ostream& os, const Architecture& a);

}  // namespace eesim::hw
