// Architecture value types: lookup, equality, and a deterministic dump (one line per item, every
// field, doubles in shortest round-trip form so two dumps compare equal exactly when the values
// do). A core's kind parameters are printed from their schema, field by field, so a new kind
// prints without code here.
#include "hw_models/architecture.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/message_differencer.h>

#include <cctype>

#include "common/number_text.h"

namespace eesim::hw {
namespace {

namespace pb = google::protobuf;

std::string num(double v) { return shortest_text(v); }

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// " key=value" for every singular field of `m` in schema order, defaults included; enum values
// in lower case ("dataflow=ws"), nested messages as "key.inner=value", repeated fields as
// "key[i]=value".
void print_fields(std::ostream& os, const pb::Message& m, const std::string& prefix);

void print_value(std::ostream& os, const pb::Message& m, const pb::FieldDescriptor* f, int i,
                 const std::string& key) {
  const pb::Reflection* r = m.GetReflection();
  const bool rep = i >= 0;
  using F = pb::FieldDescriptor;
  if (f->cpp_type() == F::CPPTYPE_MESSAGE) {
    print_fields(os, rep ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f), key + ".");
    return;
  }
  os << " " << key << "=";
  switch (f->cpp_type()) {
    case F::CPPTYPE_INT32:
      os << (rep ? r->GetRepeatedInt32(m, f, i) : r->GetInt32(m, f));
      break;
    case F::CPPTYPE_INT64:
      os << (rep ? r->GetRepeatedInt64(m, f, i) : r->GetInt64(m, f));
      break;
    case F::CPPTYPE_UINT32:
      os << (rep ? r->GetRepeatedUInt32(m, f, i) : r->GetUInt32(m, f));
      break;
    case F::CPPTYPE_UINT64:
      os << (rep ? r->GetRepeatedUInt64(m, f, i) : r->GetUInt64(m, f));
      break;
    case F::CPPTYPE_DOUBLE:
      os << num(rep ? r->GetRepeatedDouble(m, f, i) : r->GetDouble(m, f));
      break;
    case F::CPPTYPE_FLOAT:
      os << num(rep ? r->GetRepeatedFloat(m, f, i) : r->GetFloat(m, f));
      break;
    case F::CPPTYPE_BOOL:
      os << ((rep ? r->GetRepeatedBool(m, f, i) : r->GetBool(m, f)) ? "true" : "false");
      break;
    case F::CPPTYPE_ENUM:
      os << lower((rep ? r->GetRepeatedEnum(m, f, i) : r->GetEnum(m, f))->name());
      break;
    case F::CPPTYPE_STRING:
      os << (rep ? r->GetRepeatedString(m, f, i) : r->GetString(m, f));
      break;
    case F::CPPTYPE_MESSAGE:
      break;  // handled above
  }
}

void print_fields(std::ostream& os, const pb::Message& m, const std::string& prefix) {
  const pb::Descriptor* d = m.GetDescriptor();
  for (int k = 0; k < d->field_count(); ++k) {
    const pb::FieldDescriptor* f = d->field(k);
    if (!f->is_repeated()) {
      print_value(os, m, f, -1, prefix + f->name());
      continue;
    }
    const int n = m.GetReflection()->FieldSize(m, f);
    for (int i = 0; i < n; ++i)
      print_value(os, m, f, i, prefix + f->name() + "[" + std::to_string(i) + "]");
  }
}

}  // namespace

bool same_hardware(const CoreSpec& a, const CoreSpec& b) {
  // Messages compared field by field, defaults = unset (a null one is all defaults).
  const auto same = [](const auto& m, const auto& n) {
    if (m == nullptr && n == nullptr) return true;
    if (m != nullptr && n != nullptr) return pb::util::MessageDifferencer::Equivalent(*m, *n);
    const pb::Message& given = m ? *m : *n;
    const std::unique_ptr<pb::Message> defaults(given.New());
    return pb::util::MessageDifferencer::Equivalent(given, *defaults);
  };
  return a.kind_name == b.kind_name && same(a.params, b.params) && same(a.precision, b.precision) &&
         same(a.sparsity, b.sparsity);
}

bool CoreSpec::operator==(const CoreSpec& o) const {
  return name == o.name && x == o.x && y == o.y && static_power_mw == o.static_power_mw &&
         op_types == o.op_types && same_hardware(*this, o);
}

std::optional<size_t> Architecture::find_core(const std::string& core_name) const {
  for (size_t i = 0; i < cores.size(); ++i)
    if (cores[i].name == core_name) return i;
  return std::nullopt;
}

std::ostream& operator<<(std::ostream& os, const CoreSpec& c) {
  os << "core " << c.name << " (" << c.kind() << ") at (" << c.x << "," << c.y
     << ") static_power_mw=" << num(c.static_power_mw);
  if (c.params != nullptr) print_fields(os, *c.params, "");
  if (c.precision != nullptr) print_fields(os, *c.precision, "precision.");
  if (c.sparsity != nullptr) print_fields(os, *c.sparsity, "sparsity.");
  for (const std::string& op : c.op_types) os << " op_type=" << op;
  return os;
}

std::ostream& operator<<(std::ostream& os, const Architecture& a) {
  os << "architecture " << a.name << " (" << a.source << ") clock_mhz=" << num(a.clock_mhz) << "\n";
  const NocSpec& n = a.noc;
  os << "  noc " << n.width << "x" << n.height
     << " link_bytes_per_cycle=" << num(n.link_bytes_per_cycle)
     << " router_cycles=" << n.router_cycles << " link_cycles=" << n.link_cycles
     << " energy_pj_per_byte_hop=" << num(n.energy_pj_per_byte_hop) << "\n";
  for (const NocLinkSpec& l : n.links)
    os << "  link " << l.a << " (" << l.ax << "," << l.ay << ") <-> " << l.b << " (" << l.bx << ","
       << l.by << ") bytes_per_cycle=" << num(l.bytes_per_cycle)
       << " energy_pj_per_byte=" << num(l.energy_pj_per_byte) << "\n";
  for (const NocBusSpec& b : n.buses) {
    os << "  bus";
    for (const std::string& m : b.members) os << " " << m;
    os << " bytes_per_cycle=" << num(b.bytes_per_cycle)
       << " energy_pj_per_byte=" << num(b.energy_pj_per_byte) << "\n";
  }
  for (const CoreSpec& c : a.cores) os << "  " << c << "\n";
  for (const DramSpec& d : a.drams)
    os << "  dram " << d.name << " at (" << d.x << "," << d.y
       << ") bandwidth_bytes_per_cycle=" << num(d.bandwidth_bytes_per_cycle)
       << " energy_pj_per_byte=" << num(d.energy_pj_per_byte) << "\n";
  return os;
}

}  // namespace eesim::hw
