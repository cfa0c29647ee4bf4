// Architecture .textproto -> Architecture: parse (protobuf text format, recording where each key
// sits), validate (arch_validate.cpp), convert to our value types. With arch_validate.cpp, the
// only code that sees the classes generated from arch.proto (STYLE.md rule 4).
#include "hw_models/arch_loader.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/file_io.h"
#include "hw_models/arch_validate.h"
#include "hw_models/core_model.h"

namespace eesim::hw {
namespace {

namespace pb = google::protobuf;
using ParseInfoTree = pb::TextFormat::ParseInfoTree;

// Keeps the first error protobuf reports (the parser gives up there, and later errors would only
// be echoes of it). Throwing from inside the callback would unwind through protobuf, so the
// caller throws after Parse returns.
class FirstError : public pb::io::ErrorCollector {
 public:
  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    if (seen_) return;
    seen_ = true;
    line_ = line;
    column_ = column;
    message_ = message;
  }
  bool seen() const { return seen_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& message() const { return message_; }

 private:
  bool seen_ = false;
  int line_ = 0;
  int column_ = 0;
  std::string message_;
};

// For protobuf messages of the form HEAD"A"MIDDLE"B"...: returns A and B, or nullopt when the
// message is not of that form (protobuf's wording changed, or another error).
std::optional<std::pair<std::string, std::string>> quoted_pair(const std::string& message,
                                                               const std::string& head,
                                                               const std::string& middle) {
  if (message.rfind(head, 0) != 0) return std::nullopt;
  const size_t a_end = message.find(middle, head.size());
  if (a_end == std::string::npos) return std::nullopt;
  const size_t b_begin = a_end + middle.size();
  const size_t b_end = message.find('"', b_begin);
  if (b_end == std::string::npos) return std::nullopt;
  return std::pair{message.substr(head.size(), a_end - head.size()),
                   message.substr(b_begin, b_end - b_begin)};
}

// Turns protobuf's 'Message type "X" has no field named "Y".' into "unknown key 'Y' in X;
// expected one of: ..." with X's keys in schema order; nullopt for any other message.
std::optional<std::string> unknown_key_message(const std::string& message) {
  const auto type_key = quoted_pair(message, "Message type \"", "\" has no field named \"");
  if (!type_key) return std::nullopt;
  const auto& [type, key] = *type_key;
  const pb::Descriptor* d = pb::DescriptorPool::generated_pool()->FindMessageTypeByName(type);
  if (d == nullptr) return std::nullopt;
  std::string out = "unknown key '" + key + "' in " + type + "; expected one of: ";
  for (int i = 0; i < d->field_count(); ++i) out += (i ? ", " : "") + d->field(i)->name();
  return out;
}

// Whether `line` writes `key` [:] `value` (how an enum value is normally given).
bool writes_key_value(const std::string& line, const std::string& key, const std::string& value) {
  auto skip_blanks = [&line](size_t i) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    return i;
  };
  for (size_t at = line.find(key); at != std::string::npos; at = line.find(key, at + 1)) {
    size_t i = skip_blanks(at + key.size());
    if (i < line.size() && line[i] == ':') i = skip_blanks(i + 1);
    const size_t end = i + value.size();
    if (line.compare(i, value.size(), value) == 0 &&
        (end == line.size() ||
         !(std::isalnum(static_cast<unsigned char>(line[end])) || line[end] == '_')))
      return true;
  }
  return false;
}

// Turns 'Unknown enumeration value of "V" for field "F".' into "unknown value 'V' for key 'F' in
// M; expected one of: ..." and finds its line: protobuf reports the position of the token after
// V, which is usually on the next line, so look back for the line that writes "F: V".
std::optional<std::pair<int, std::string>> unknown_enum_message(const std::string& message,
                                                                const std::string& text,
                                                                int error_line) {
  const auto value_key = quoted_pair(message, "Unknown enumeration value of \"", "\" for field \"");
  if (!value_key) return std::nullopt;
  const auto& [value, key] = *value_key;
  const pb::FileDescriptor* file = schema::Architecture::descriptor()->file();
  const pb::FieldDescriptor* field = nullptr;
  for (int i = 0; i < file->message_type_count() && field == nullptr; ++i) {
    const pb::FieldDescriptor* f = file->message_type(i)->FindFieldByName(key);
    if (f != nullptr && f->enum_type() != nullptr) field = f;
  }
  if (field == nullptr) return std::nullopt;
  std::string out = "unknown value '" + value + "' for key '" + key + "' in " +
                    field->containing_type()->full_name() + "; expected one of: ";
  for (int i = 0; i < field->enum_type()->value_count(); ++i)
    out += (i ? ", " : "") + field->enum_type()->value(i)->name();
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; static_cast<int>(lines.size()) <= error_line && std::getline(in, l);)
    lines.push_back(l);
  for (int l = static_cast<int>(lines.size()) - 1; l >= 0; --l)
    if (writes_key_value(lines[l], key, value)) return std::pair{l, out};
  return std::pair{error_line, out};
}

void parse(const std::string& text, const std::string& source, schema::Architecture& out,
           ParseInfoTree& tree) {
  FirstError errors;
  pb::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  if (parser.ParseFromString(text, &out)) return;
  if (!errors.seen()) throw Error(source + ":1: cannot parse as an architecture textproto");
  // Protobuf counts from 0 and uses -1 for "no position" (e.g. input over 2 GB).
  const int line = std::max(errors.line(), 0);
  const auto at = [&source](int l) { return source + ":" + std::to_string(l + 1) + ":"; };
  if (auto unknown = unknown_key_message(errors.message())) throw Error(at(line) + " " + *unknown);
  if (auto value = unknown_enum_message(errors.message(), text, line))
    throw Error(at(value->first) + " " + value->second);
  const int column = std::max(errors.column(), 0) + 1;
  throw Error(at(line) + std::to_string(column) + ": " + errors.message());
}

// Conversion: the input is already validated.

// A core's kind is the field holding its kind message (Core.kind or an extension); the message
// becomes the spec's parameters as it is (a copy the spec shares and never changes), so no kind
// needs conversion code here.
CoreSpec to_spec(const schema::Core& c) {
  const pb::FieldDescriptor* kind = core_kind_field(c);
  const pb::Message& given = c.GetReflection()->GetMessage(c, kind);
  std::shared_ptr<pb::Message> params(given.New());
  params->CopyFrom(given);
  CoreSpec spec{c.name(),
                c.x(),
                c.y(),
                c.static_power_mw(),
                kind->name(),
                std::move(params),
                &core_model(kind->name())};
  if (c.has_precision()) spec.precision = std::make_shared<schema::Precision>(c.precision());
  spec.op_types.assign(c.op_type().begin(), c.op_type().end());
  if (c.has_sparsity()) spec.sparsity = std::make_shared<schema::Sparsity>(c.sparsity());
  return spec;
}

Architecture convert(const schema::Architecture& a, const std::string& source) {
  Architecture out;
  out.name = a.name();
  out.source = source;
  out.clock_mhz = a.clock_mhz();
  const schema::Noc& n = a.noc();
  out.noc = NocSpec{n.width(),         n.height(),      n.link_bytes_per_cycle(),
                    n.router_cycles(), n.link_cycles(), n.energy_pj_per_byte_hop(),
                    n.kind()};
  // Links and buses name cores and ports; the NoC sees their nodes.
  std::map<std::string, std::pair<int64_t, int64_t>> node_of;
  for (const schema::Core& c : a.core()) node_of[c.name()] = {c.x(), c.y()};
  for (const schema::Dram& d : a.dram()) node_of[d.name()] = {d.x(), d.y()};
  const auto pj = [&n](bool given, double v) { return given ? v : n.energy_pj_per_byte_hop(); };
  for (const schema::NocLink& l : n.link()) {
    const auto [ax, ay] = node_of.at(l.a());
    const auto [bx, by] = node_of.at(l.b());
    out.noc.links.push_back({l.a(), l.b(), ax, ay, bx, by, l.bytes_per_cycle(),
                             pj(l.has_energy_pj_per_byte(), l.energy_pj_per_byte())});
  }
  for (const schema::NocBus& b : n.bus()) {
    NocBusSpec bus{{b.member().begin(), b.member().end()},
                   {},
                   b.bytes_per_cycle(),
                   pj(b.has_energy_pj_per_byte(), b.energy_pj_per_byte())};
    for (const std::string& m : bus.members) bus.nodes.push_back(node_of.at(m));
    out.noc.buses.push_back(std::move(bus));
  }
  for (const schema::Core& c : a.core()) out.cores.push_back(to_spec(c));
  for (const schema::Dram& d : a.dram())
    out.drams.push_back(
        DramSpec{d.name(), d.x(), d.y(), d.bandwidth_bytes_per_cycle(), d.energy_pj_per_byte()});
  return out;
}

}  // namespace

Architecture load_architecture_text(const std::string& text, const std::string& source) {
  schema::Architecture proto;
  ParseInfoTree tree;  // where each key sits, for validation messages
  parse(text, source, proto, tree);
  validate_architecture(proto, tree, source);
  return convert(proto, source);
}

Architecture load_architecture_file(const std::string& path) {
  return load_architecture_text(read_text_file(path, "an architecture .textproto file"), path);
}

}  // namespace eesim::hw
