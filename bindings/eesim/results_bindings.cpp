// Reports for Python without a JSON round trip. The evaluator hands Python the report message
// (sim/results/report.proto) in a `_core.ReportMessage`; attribute access reads its fields in
// place through protobuf reflection (report.expected.latency_cycles is two lookups, no Python
// object built for the layers, cores or links until they are touched), and as_dict() builds the
// dict `eesim run --json` gives, from the same message. One class serves every report and every
// message inside one: the schema stays the only description of the reports (DESIGN.md section 6).
#include "bindings/eesim/results_bindings.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/message_differencer.h>
#include <pybind11/stl.h>

#include <cmath>
#include <string>
#include <utility>

#include "common/error.h"
#include "sim/results/report_writers.h"

namespace py = pybind11;

namespace eesim::bindings {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// A message inside a report, with the report that owns it (every view keeps it alive).
class MessageView {
 public:
  MessageView(std::shared_ptr<const Message> root, const Message* message)
      : root_(std::move(root)), message_(message) {}
  const Message& message() const { return *message_; }
  const std::shared_ptr<const Message>& root() const { return root_; }

 private:
  std::shared_ptr<const Message> root_;
  const Message* message_;
};

// How doubles come out: as Python floats (attributes), or as json.loads would read the
// report's JSON (as_dict): "%.17g" writes an integral double below 1e17 without a point, which
// reads back as an int, and a non-finite one as null.
enum class Doubles { kFloat, kAsJson };

py::object double_value(double x, Doubles doubles) {
  if (doubles == Doubles::kFloat) return py::float_(x);
  if (!std::isfinite(x)) return py::none();
  if (x == std::trunc(x) && std::abs(x) < 1e17) return py::int_(static_cast<int64_t>(x));
  return py::float_(x);
}

py::dict message_dict(const Message& m, Doubles doubles);

// Element `i` of a repeated field, or the singular field when i < 0. Messages become views
// (attributes) or dicts (when `owner` is null).
py::object field_value(const Message& m, const FieldDescriptor* f, int i, const MessageView* owner,
                       Doubles doubles) {
  const Reflection* r = m.GetReflection();
  const bool rep = i >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return py::int_(rep ? r->GetRepeatedInt32(m, f, i) : r->GetInt32(m, f));
    case FieldDescriptor::CPPTYPE_INT64:
      return py::int_(rep ? r->GetRepeatedInt64(m, f, i) : r->GetInt64(m, f));
    case FieldDescriptor::CPPTYPE_UINT32:
      return py::int_(rep ? r->GetRepeatedUInt32(m, f, i) : r->GetUInt32(m, f));
    case FieldDescriptor::CPPTYPE_UINT64:
      return py::int_(rep ? r->GetRepeatedUInt64(m, f, i) : r->GetUInt64(m, f));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return double_value(rep ? r->GetRepeatedDouble(m, f, i) : r->GetDouble(m, f), doubles);
    case FieldDescriptor::CPPTYPE_FLOAT:
      return double_value(rep ? r->GetRepeatedFloat(m, f, i) : r->GetFloat(m, f), doubles);
    case FieldDescriptor::CPPTYPE_BOOL:
      return py::bool_(rep ? r->GetRepeatedBool(m, f, i) : r->GetBool(m, f));
    case FieldDescriptor::CPPTYPE_STRING:
      return py::str(rep ? r->GetRepeatedString(m, f, i) : r->GetString(m, f));
    case FieldDescriptor::CPPTYPE_ENUM:
      return py::str((rep ? r->GetRepeatedEnum(m, f, i) : r->GetEnum(m, f))->name());
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Message& sub = rep ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f);
      if (owner == nullptr) return message_dict(sub, doubles);
      return py::cast(MessageView(owner->root(), &sub));
    }
  }
  return py::none();
}

// A field whole: a repeated one as a list.
py::object field(const Message& m, const FieldDescriptor* f, const MessageView* owner,
                 Doubles doubles) {
  if (!f->is_repeated()) return field_value(m, f, -1, owner, doubles);
  const int n = m.GetReflection()->FieldSize(m, f);
  py::list out(n);
  for (int i = 0; i < n; ++i) out[i] = field_value(m, f, i, owner, doubles);
  return out;
}

// Every field, in declaration order; with Doubles::kAsJson, what json.loads(report_json(m))
// gives.
py::dict message_dict(const Message& m, Doubles doubles) {
  py::dict d;
  const Descriptor* desc = m.GetDescriptor();
  for (int k = 0; k < desc->field_count(); ++k) {
    const FieldDescriptor* f = desc->field(k);
    d[py::str(f->name())] = field(m, f, nullptr, doubles);
  }
  return d;
}

// The repeated message field `name` as columns: each field of its message type -> a list of
// its values, one per element (doubles as floats; nested messages as dicts). A frame's input.
py::dict columns(const MessageView& v, const std::string& name) {
  const Message& m = v.message();
  const FieldDescriptor* f = m.GetDescriptor()->FindFieldByName(name);
  if (f == nullptr || !f->is_repeated() || f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE)
    throw py::key_error("'" + m.GetDescriptor()->name() + "' has no list of messages '" + name +
                        "'");
  const Reflection* r = m.GetReflection();
  const int n = r->FieldSize(m, f);
  const Descriptor* row = f->message_type();
  py::dict out;
  for (int k = 0; k < row->field_count(); ++k) {
    const FieldDescriptor* c = row->field(k);
    py::list values(n);
    for (int i = 0; i < n; ++i)
      values[i] = field(r->GetRepeatedMessage(m, f, i), c, nullptr, Doubles::kFloat);
    out[py::str(c->name())] = std::move(values);
  }
  return out;
}

// The type's attribute lookup (tp_getattro): a field of the message first, then the class's
// attributes (methods, properties). A field is found without the failed generic lookup and the
// AttributeError a __getattr__ fallback would cost (a third of a NAS loop's access time).
PyObject* get_attribute(PyObject* self, PyObject* name) {
  try {
    Py_ssize_t size = 0;
    const char* text = PyUnicode_AsUTF8AndSize(name, &size);
    if (text == nullptr) return nullptr;
    // Fields never start with '_'; dunders are looked up before an unpickled view holds its
    // message (__setstate__), so they skip the message.
    if (size > 0 && text[0] == '_') return PyObject_GenericGetAttr(self, name);
    const auto* v = py::handle(self).cast<const MessageView*>();
    if (v == nullptr) return PyObject_GenericGetAttr(self, name);
    const FieldDescriptor* f =
        v->message().GetDescriptor()->FindFieldByName(std::string(text, static_cast<size_t>(size)));
    if (f != nullptr) return field(v->message(), f, v, Doubles::kFloat).release().ptr();
    PyObject* found = PyObject_GenericGetAttr(self, name);
    if (found == nullptr && PyErr_ExceptionMatches(PyExc_AttributeError)) {
      PyErr_Clear();
      PyErr_Format(PyExc_AttributeError, "'%s' report has no field or attribute '%U'",
                   v->message().GetDescriptor()->name().c_str(), name);
    }
    return found;
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
  return nullptr;
}

// --- dict -> message (the inverse of message_dict: a report that crossed a process as a dict)

void set_message(Message& m, const py::handle& data, const std::string& path);

std::string where(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

double to_double(const py::handle& x, const std::string& path) {
  if (x.is_none()) return std::nan("");  // JSON's null: a non-finite double
  if (!py::isinstance<py::int_>(x) && !py::isinstance<py::float_>(x))
    throw Error(path + ": expected a number, got " + std::string(py::repr(x)));
  return x.cast<double>();
}

template <typename T>
T to_int(const py::handle& x, const std::string& path) {
  if (!py::isinstance<py::int_>(x) || py::isinstance<py::bool_>(x))
    throw Error(path + ": expected an integer, got " + std::string(py::repr(x)));
  return x.cast<T>();
}

void add_or_set(Message& m, const FieldDescriptor* f, const py::handle& x,
                const std::string& path) {
  const Reflection* r = m.GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: {
      const auto v = to_int<int32_t>(x, path);
      rep ? r->AddInt32(&m, f, v) : r->SetInt32(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      const auto v = to_int<int64_t>(x, path);
      rep ? r->AddInt64(&m, f, v) : r->SetInt64(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      const auto v = to_int<uint32_t>(x, path);
      rep ? r->AddUInt32(&m, f, v) : r->SetUInt32(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      const auto v = to_int<uint64_t>(x, path);
      rep ? r->AddUInt64(&m, f, v) : r->SetUInt64(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      const double v = to_double(x, path);
      rep ? r->AddDouble(&m, f, v) : r->SetDouble(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_FLOAT: {
      const auto v = static_cast<float>(to_double(x, path));
      rep ? r->AddFloat(&m, f, v) : r->SetFloat(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      if (!py::isinstance<py::bool_>(x)) throw Error(path + ": expected a bool");
      const bool v = x.cast<bool>();
      rep ? r->AddBool(&m, f, v) : r->SetBool(&m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      if (!py::isinstance<py::str>(x)) throw Error(path + ": expected a str");
      auto v = x.cast<std::string>();
      rep ? r->AddString(&m, f, std::move(v)) : r->SetString(&m, f, std::move(v));
      break;
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* e = f->enum_type()->FindValueByName(x.cast<std::string>());
      if (e == nullptr) throw Error(path + ": no such value");
      rep ? r->AddEnum(&m, f, e) : r->SetEnum(&m, f, e);
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      set_message(rep ? *r->AddMessage(&m, f) : *r->MutableMessage(&m, f), x, path);
      break;
  }
}

void set_message(Message& m, const py::handle& data, const std::string& path) {
  if (!py::isinstance<py::dict>(data))
    throw Error((path.empty() ? "report" : path) + ": expected a dict");
  for (const auto& [key, value] : py::reinterpret_borrow<py::dict>(data)) {
    const auto name = py::str(key).cast<std::string>();
    const FieldDescriptor* f = m.GetDescriptor()->FindFieldByName(name);
    if (f == nullptr)
      throw Error(where(path, name) + ": no such field in " + m.GetDescriptor()->name());
    if (!f->is_repeated()) {
      add_or_set(m, f, value, where(path, name));
      continue;
    }
    if (!py::isinstance<py::list>(value) && !py::isinstance<py::tuple>(value))
      throw Error(where(path, name) + ": expected a list");
    int i = 0;
    for (const py::handle x : value)
      add_or_set(m, f, x, where(path, name) + "[" + std::to_string(i++) + "]");
  }
}

// An empty message of the report type `name` ("RunReport", or "eesim.report.RunReport").
std::shared_ptr<Message> new_message(std::string name) {
  if (name.find('.') == std::string::npos) name = "eesim.report." + name;
  const Descriptor* d =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(name);
  if (d == nullptr) throw Error("no report message type '" + name + "'");
  return std::shared_ptr<Message>(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(d)->New());
}

// --- repr

std::string short_repr(const MessageView& v);

// One field for a repr: scalars as Python shows them, a nested message in full, a list of
// messages by its length.
std::string field_repr(const MessageView& v, const FieldDescriptor* f) {
  if (f->is_repeated()) {
    const int n = v.message().GetReflection()->FieldSize(v.message(), f);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE || n > 8)
      return "[" + std::to_string(n) + " " +
             (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? f->message_type()->name()
                                                                : std::string("values")) +
             "]";
  } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    const Message& sub = v.message().GetReflection()->GetMessage(v.message(), f);
    return short_repr(MessageView(v.root(), &sub));
  }
  return py::repr(field(v.message(), f, &v, Doubles::kFloat)).cast<std::string>();
}

std::string short_repr(const MessageView& v) {
  const Descriptor* d = v.message().GetDescriptor();
  std::string out = d->name() + "(";
  for (int k = 0; k < d->field_count(); ++k) {
    if (k > 0) out += ", ";
    out += d->field(k)->name() + "=" + field_repr(v, d->field(k));
  }
  return out + ")";
}

}  // namespace

py::object report_object(std::shared_ptr<const Message> message) {
  const Message* m = message.get();
  return py::cast(MessageView(std::move(message), m));
}

void bind_results(py::module_& m) {
  py::class_<MessageView> cls(m, "ReportMessage",
                              "A report (sim/results/report.proto) or a message inside one: its "
                              "fields are attributes, as_dict() is the report's JSON as a dict.");
  // vars(x) and x.__dict__, which the SimpleNamespace reports had, give the fields as a dict. A
  // type's __dict__ cannot be assigned as an attribute, so the property goes into the type's
  // dict directly (a data descriptor there answers the instances' lookups).
  const py::object fields_dict =
      py::module_::import("builtins").attr("property")(py::cpp_function([](const MessageView& v) {
        return message_dict(v.message(), Doubles::kFloat);
      }));
  auto* type = reinterpret_cast<PyTypeObject*>(cls.ptr());
  if (PyDict_SetItemString(type->tp_dict, "__dict__", fields_dict.ptr()) != 0)
    throw py::error_already_set();
  type->tp_getattro = &get_attribute;
  PyType_Modified(type);
  cls.def("__dir__",
          [](const py::object& self) {
            py::list names = py::module_::import("builtins").attr("object").attr("__dir__")(self);
            const Descriptor* d = self.cast<const MessageView&>().message().GetDescriptor();
            for (int k = 0; k < d->field_count(); ++k) names.append(py::str(d->field(k)->name()));
            return names;
          })
      .def_property_readonly("fields",
                             [](const MessageView& v) {
                               const Descriptor* d = v.message().GetDescriptor();
                               py::tuple names(d->field_count());
                               for (int k = 0; k < d->field_count(); ++k)
                                 names[k] = py::str(d->field(k)->name());
                               return names;
                             })
      .def_property_readonly(
          "type_name", [](const MessageView& v) { return v.message().GetDescriptor()->name(); })
      .def("as_dict",
           [](const MessageView& v) { return message_dict(v.message(), Doubles::kAsJson); })
      .def("columns", &columns, py::arg("name"))
      .def("to_json", [](const MessageView& v) { return sim::report_json(v.message()); })
      .def("to_bytes",
           [](const MessageView& v) { return py::bytes(v.message().SerializeAsString()); })
      .def_static(
          "from_bytes",
          [](const std::string& type, const py::bytes& data) {
            std::shared_ptr<Message> out = new_message(type);
            if (!out->ParseFromString(std::string(data)))
              throw Error("could not parse a " + out->GetDescriptor()->name());
            return MessageView(out, out.get());
          },
          py::arg("type"), py::arg("data"))
      .def_static(
          "from_dict",
          [](const std::string& type, const py::dict& data) {
            std::shared_ptr<Message> out = new_message(type);
            set_message(*out, data, "");
            return MessageView(out, out.get());
          },
          py::arg("type"), py::arg("data"))
      .def("__eq__",
           [](const MessageView& a, const py::object& other) -> py::object {
             if (!py::isinstance<MessageView>(other))
               return py::reinterpret_borrow<py::object>(Py_NotImplemented);
             const Message& b = other.cast<const MessageView&>().message();
             return py::bool_(a.message().GetDescriptor() == b.GetDescriptor() &&
                              google::protobuf::util::MessageDifferencer::Equals(a.message(), b));
           })
      .def("__repr__", &short_repr)
      .def(py::pickle(
          [](const MessageView& v) {
            return py::make_tuple(v.message().GetDescriptor()->full_name(),
                                  py::bytes(v.message().SerializeAsString()));
          },
          [](const py::tuple& state) {
            std::shared_ptr<Message> out = new_message(state[0].cast<std::string>());
            if (!out->ParseFromString(state[1].cast<std::string>()))
              throw Error("could not parse a " + out->GetDescriptor()->name());
            return MessageView(out, out.get());
          }));
}

}  // namespace eesim::bindings
