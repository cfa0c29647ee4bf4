// The rules of arch.proto that protobuf's text parser does not enforce. Required keys and every
// field's bounds are read from the schema (its [default]s, oneofs and bound options), so a new
// field or core kind adds no code here; placement on the mesh and unique names are the
// cross-field rules written out below. Each failure names file, line and key path.
#include "hw_models/arch_validate.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/names_text.h"
#include "common/number_text.h"
#include "hw_models/core_model.h"
#include "hw_models/noc.h"

namespace eesim::hw {
namespace {

namespace pb = google::protobuf;
using ParseInfoTree = pb::TextFormat::ParseInfoTree;

// Shortest round-trip text of a value for messages ("0.5", "nan", "-inf", "12").
template <typename T>
std::string show(T v) {
  return shortest_text(v);
}

// One message block in the file: how messages name it, and where its keys are. Keys the file
// does not write (defaults) and blocks protobuf recorded no location for report the enclosing
// block's line, so every message still points into the file.
struct Scope {
  const std::string* source;
  std::string label;   // "core[1] (name 'sa0')"; empty at the root
  std::string prefix;  // key-path prefix inside the label: "systolic.", "noc."
  const pb::Message* msg;
  const ParseInfoTree* tree;  // nullptr when protobuf recorded none
  int line;                   // 1-based line of the block's key; 1 for the root

  const pb::FieldDescriptor* field(const char* key) const {
    const pb::FieldDescriptor* f = msg->GetDescriptor()->FindFieldByName(key);
    assert(f != nullptr && "a key this file names is missing from arch.proto");
    return f;
  }
  // Line of field `f` (element `index` of a repeated one; -1 for a singular one).
  int line_at(const pb::FieldDescriptor* f, int index) const {
    if (tree == nullptr) return line;
    const int l = tree->GetLocation(f, f->is_repeated() ? index : -1).line;
    return l >= 0 ? l + 1 : line;
  }
  std::string key_path(const std::string& key) const {
    return label.empty() ? prefix + key : label + " " + prefix + key;
  }
  std::string block_path() const {
    std::string p = prefix.empty() ? "" : prefix.substr(0, prefix.size() - 1);
    return label.empty() || p.empty() ? label + p : label + " " + p;
  }
  std::string at(int l) const { return *source + ":" + std::to_string(l) + ": "; }
  [[noreturn]] void fail_key(const pb::FieldDescriptor* f, int index,
                             const std::string& what) const {
    throw Error(at(line_at(f, index)) + key_path(f->name()) + ": " + what);
  }
  [[noreturn]] void fail_key(const char* key, const std::string& what) const {
    fail_key(field(key), 0, what);
  }
  [[noreturn]] void fail_block(const std::string& what) const {
    const std::string p = block_path();
    throw Error(at(line) + (p.empty() ? "" : p + ": ") + what);
  }
  // The block of message field `f` (element `index` of a repeated one; -1 for a singular one).
  Scope child(const pb::FieldDescriptor* f, int index, const pb::Message& m,
              std::string child_label, std::string child_prefix) const {
    const int i = f->is_repeated() ? index : -1;
    return Scope{source,
                 std::move(child_label),
                 std::move(child_prefix),
                 &m,
                 tree ? tree->GetTreeForNested(f, i) : nullptr,
                 line_at(f, i)};
  }
};

// The message-valued extensions set in `m`: the core kinds declared outside arch.proto (Core's
// extension range is for kinds only; anything else there is ignored).
std::vector<const pb::FieldDescriptor*> set_extensions(const pb::Message& m) {
  std::vector<const pb::FieldDescriptor*> set;
  m.GetReflection()->ListFields(m, &set);
  std::erase_if(set, [](const pb::FieldDescriptor* f) {
    return !f->is_extension() || f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE;
  });
  return set;
}

// arch.proto's rule, read from the schema itself so a new field is covered without code here:
// a singular field without [default] is required, and a oneof needs exactly one member set
// (protobuf's parser already rejects two).
void require_keys(const Scope& s) {
  const pb::Descriptor* d = s.msg->GetDescriptor();
  const pb::Reflection* r = s.msg->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const pb::FieldDescriptor* f = d->field(i);
    if (f->is_repeated() || f->has_default_value() || f->containing_oneof() != nullptr ||
        f->options().GetExtension(schema::may_omit))
      continue;
    if (!r->HasField(*s.msg, f)) s.fail_block("missing required key '" + f->name() + "'");
  }
  // A set extension (arch.proto: Core's extension range) stands in for the message's oneof.
  if (!set_extensions(*s.msg).empty()) return;
  for (int i = 0; i < d->oneof_decl_count(); ++i) {
    const pb::OneofDescriptor* o = d->oneof_decl(i);
    if (r->HasOneof(*s.msg, o)) continue;
    std::string names;
    for (int j = 0; j < o->field_count(); ++j) names += (j ? ", " : "") + o->field(j)->name();
    std::string type = d->name();
    for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    s.fail_block("missing " + type + " " + o->name() + ": give one of " + names);
  }
}

// The options arch.proto declares on a field (its bounds), read from the descriptor.
struct Bounds {
  std::optional<double> gt, ge, le;
  std::string ge_note;
  bool non_empty = false;
};

Bounds bounds_of(const pb::FieldDescriptor* f) {
  const pb::FieldOptions& o = f->options();
  Bounds b;
  if (o.HasExtension(schema::gt)) b.gt = o.GetExtension(schema::gt);
  if (o.HasExtension(schema::ge)) b.ge = o.GetExtension(schema::ge);
  if (o.HasExtension(schema::le)) b.le = o.GetExtension(schema::le);
  b.ge_note = o.GetExtension(schema::ge_note);
  b.non_empty = o.GetExtension(schema::non_empty);
  return b;
}

// A number against its field's bounds; every double must also be finite.
template <typename T>
void check_number(const Scope& s, const pb::FieldDescriptor* f, int index, T v, const Bounds& b) {
  const auto fail = [&](const std::string& what) {
    s.fail_key(f, index, what + ", got " + show(v));
  };
  if constexpr (std::is_floating_point_v<T>)
    if (!std::isfinite(v)) fail("must be a finite number");
  const double d = static_cast<double>(v);
  if (b.gt && !(d > *b.gt)) fail("must be > " + show(*b.gt));
  if (b.ge && !(d >= *b.ge))
    fail("must be >= " + show(*b.ge) + (b.ge_note.empty() ? "" : " (" + b.ge_note + ")"));
  if (b.le && d > *b.le) fail("must be <= " + show(*b.le) + " (beyond any edge chip)");
}

// One value of scalar field `f` (element `index` of a repeated one, -1 for a singular one; a
// singular field the file leaves out is checked at its default).
void check_scalar(const Scope& s, const pb::FieldDescriptor* f, int index) {
  const pb::Message& m = *s.msg;
  const pb::Reflection* r = m.GetReflection();
  const bool rep = index >= 0;
  const Bounds b = bounds_of(f);
  using F = pb::FieldDescriptor;
  switch (f->cpp_type()) {
    case F::CPPTYPE_INT32:
      return check_number(s, f, index, rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f),
                          b);
    case F::CPPTYPE_INT64:
      return check_number(s, f, index, rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f),
                          b);
    case F::CPPTYPE_UINT32:
      return check_number(s, f, index, rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f),
                          b);
    case F::CPPTYPE_UINT64:
      return check_number(s, f, index, rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f),
                          b);
    case F::CPPTYPE_DOUBLE:
      return check_number(s, f, index, rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f),
                          b);
    case F::CPPTYPE_FLOAT:
      return check_number(s, f, index, rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f),
                          b);
    case F::CPPTYPE_STRING:
      if (b.non_empty && (rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f)).empty())
        s.fail_key(f, index, "must not be empty");
      return;
    default:
      return;  // enums (the parser checked the name) and bools have no bounds
  }
}

std::string item_label(const std::string& kind, int i, const pb::Message& m) {
  std::string label = kind + "[" + std::to_string(i) + "]";
  const pb::FieldDescriptor* name = m.GetDescriptor()->FindFieldByName("name");
  if (name == nullptr || name->cpp_type() != pb::FieldDescriptor::CPPTYPE_STRING) return label;
  const std::string n = m.GetReflection()->GetString(m, name);
  return n.empty() ? label : label + " (name '" + n + "')";
}

// Every rule a message's schema declares, through its nested blocks: required keys, and the
// bounds of every field. An element of a repeated block starts a new label ("core[1] (name
// 'sa0')"); a singular block extends the key path ("systolic.rows").
void check_block(const Scope& s) {
  require_keys(s);
  const pb::Descriptor* d = s.msg->GetDescriptor();
  const pb::Reflection* r = s.msg->GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  for (int i = 0; i < d->field_count(); ++i) fields.push_back(d->field(i));
  for (const pb::FieldDescriptor* f : set_extensions(*s.msg)) fields.push_back(f);
  for (const pb::FieldDescriptor* f : fields) {
    const bool message = f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE;
    if (!f->is_repeated()) {
      // A may_omit scalar left out has no value to check (its default is not one).
      if (!message && f->options().GetExtension(schema::may_omit) && !r->HasField(*s.msg, f))
        continue;
      if (!message)
        check_scalar(s, f, -1);
      else if (r->HasField(*s.msg, f))
        check_block(s.child(f, -1, r->GetMessage(*s.msg, f), s.label, s.prefix + f->name() + "."));
      continue;
    }
    for (int j = 0; j < r->FieldSize(*s.msg, f); ++j) {
      if (!message) {
        check_scalar(s, f, j);
        continue;
      }
      const pb::Message& m = r->GetRepeatedMessage(*s.msg, f, j);
      const std::string parent = s.label.empty() ? s.prefix : s.label + " " + s.prefix;
      check_block(s.child(f, j, m, item_label(parent + f->name(), j, m), ""));
    }
  }
}

// The schema's Core.kind and the registry of cost models (core_models.cpp) must agree: a kind
// the file may name but nothing models is refused here, listing the kinds that are modelled.
void check_kind(const Scope& s, const schema::Core& c) {
  const std::vector<const pb::FieldDescriptor*> extensions = set_extensions(c);
  const pb::FieldDescriptor* kind = core_kind_field(c);
  if (extensions.size() + (c.kind_case() != schema::Core::KIND_NOT_SET) > 1)
    s.fail_key(extensions.back(), -1,
               "a core has one kind, and this one is also given " +
                   (kind == extensions.back() ? extensions.front() : kind)->name());
  const std::vector<std::string> kinds = core_model_kinds();
  if (std::find(kinds.begin(), kinds.end(), kind->name()) != kinds.end()) {
    const pb::Reflection* r = c.GetReflection();
    if (const auto problem = core_model(kind->name()).check_params(r->GetMessage(c, kind)))
      throw Error(s.at(s.line_at(kind, -1)) + s.key_path(kind->name() + "." + problem->key) + ": " +
                  problem->what);
    return;
  }
  s.fail_key(kind, -1,
             "no cost model registered for core kind '" + kind->name() +
                 "'; registered: " + join_names(kinds));
}

// The NoC kind must be registered (hw_models/noc.h), or the file names the choices. Only kind
// "links" lists links and buses, and only it does without link_bytes_per_cycle (each of its links
// and buses gives a width).
void check_noc_kind(const Scope& s, const schema::Noc& n) {
  const std::vector<std::string> kinds = noc_kinds();
  if (std::find(kinds.begin(), kinds.end(), n.kind()) == kinds.end())
    s.fail_key("kind",
               "unknown NoC kind '" + n.kind() + "' (registered: " + join_names(kinds) + ")");
  const bool links = n.kind() == "links";
  if (!links && n.link_size() > 0)
    s.fail_key(
        s.field("link"), 0,
        "links are listed only under kind \"links\" (this noc's kind is '" + n.kind() + "')");
  if (!links && n.bus_size() > 0)
    s.fail_key(
        s.field("bus"), 0,
        "buses are listed only under kind \"links\" (this noc's kind is '" + n.kind() + "')");
  if (!links && !n.has_link_bytes_per_cycle())
    s.fail_block("missing required key 'link_bytes_per_cycle'");
  if (links && n.has_link_bytes_per_cycle())
    s.fail_key("link_bytes_per_cycle",
               "not used by kind \"links\": each link and bus gives its own bytes_per_cycle");
}

// A core or DRAM port must sit on a node of the width x height mesh.
void check_on_mesh(const Scope& s, int x, int y, const schema::Noc& noc) {
  const std::string where = "node (" + std::to_string(x) + "," + std::to_string(y) +
                            ") is off the " + std::to_string(noc.width()) + "x" +
                            std::to_string(noc.height()) + " mesh";
  if (x < 0 || x >= noc.width())
    s.fail_key("x", where + " (x must be in [0," + std::to_string(noc.width()) + "))");
  if (y < 0 || y >= noc.height())
    s.fail_key("y", where + " (y must be in [0," + std::to_string(noc.height()) + "))");
}

// Names are one namespace over cores and DRAM ports; a node holds at most one core and at most
// one DRAM port (a core and a port may share it). The maps remember who claimed each first.
struct Claims {
  std::map<std::string, const Scope*> names;
  std::map<std::pair<int, int>, const Scope*> core_nodes, dram_nodes;

  static std::string who(const Scope& s) {
    return s.label.substr(0, s.label.find(' ')) + " at line " + std::to_string(s.line);
  }
  void claim(const Scope& s, const std::string& name, int x, int y, bool is_core) {
    auto [n, fresh_name] = names.emplace(name, &s);
    if (!fresh_name)
      s.fail_key("name", "duplicate name '" + name + "' (also " + who(*n->second) + ")");
    auto& nodes = is_core ? core_nodes : dram_nodes;
    auto [o, fresh_node] = nodes.emplace(std::pair{x, y}, &s);
    if (!fresh_node)
      s.fail_key("x", "node (" + std::to_string(x) + "," + std::to_string(y) + ") already holds " +
                          o->second->label + " from line " + std::to_string(o->second->line) +
                          (is_core ? "; one core per mesh node" : "; one DRAM port per mesh node"));
  }
};

}  // namespace

const pb::FieldDescriptor* core_kind_field(const schema::Core& c) {
  const pb::Reflection* r = c.GetReflection();
  if (c.kind_case() != schema::Core::KIND_NOT_SET)
    return r->GetOneofFieldDescriptor(c, c.GetDescriptor()->FindOneofByName("kind"));
  const std::vector<const pb::FieldDescriptor*> extensions = set_extensions(c);
  return extensions.empty() ? nullptr : extensions.front();
}

void validate_architecture(const schema::Architecture& a, const ParseInfoTree& tree,
                           const std::string& source) {
  const Scope root{&source, "", "", &a, &tree, 1};
  check_block(root);
  if (a.core_size() == 0)
    root.fail_block("at least one core is required (add a core { ... } block)");
  if (a.dram_size() == 0)
    root.fail_block(
        "at least one dram port: inputs, outputs and spilled data live in DRAM "
        "(add a dram { ... } block)");
  // The blocks of every core and port, labelled as check_block labels them.
  const auto items = [&root](const char* key, const auto& list) {
    std::vector<Scope> scopes;
    for (int i = 0; i < list.size(); ++i)
      scopes.push_back(
          root.child(root.field(key), i, list.Get(i), item_label(key, i, list.Get(i)), ""));
    return scopes;
  };
  const std::vector<Scope> cores = items("core", a.core()), drams = items("dram", a.dram());
  check_noc_kind(root.child(root.field("noc"), -1, a.noc(), "", "noc."), a.noc());
  for (int i = 0; i < a.core_size(); ++i) {
    check_kind(cores[i], a.core(i));
    check_on_mesh(cores[i], a.core(i).x(), a.core(i).y(), a.noc());
  }
  for (int i = 0; i < a.dram_size(); ++i)
    check_on_mesh(drams[i], a.dram(i).x(), a.dram(i).y(), a.noc());
  Claims claims;
  for (int i = 0; i < a.core_size(); ++i)
    claims.claim(cores[i], a.core(i).name(), a.core(i).x(), a.core(i).y(), true);
  for (int i = 0; i < a.dram_size(); ++i)
    claims.claim(drams[i], a.dram(i).name(), a.dram(i).x(), a.dram(i).y(), false);
  validate_noc_links(a, tree, source);
}

}  // namespace eesim::hw
