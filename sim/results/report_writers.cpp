#include "sim/results/report_writers.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/text_format.h>

#include "common/error.h"
#include "common/file_io.h"
#include "common/json_writer.h"

namespace eesim::sim {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

void write_message(JsonWriter& j, const Message& m);

// Element `i` of a repeated field, or the singular field when i < 0.
void write_value(JsonWriter& j, const Message& m, const FieldDescriptor* f, int i) {
  const Reflection* r = m.GetReflection();
  const bool rep = i >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      j.value(static_cast<int64_t>(rep ? r->GetRepeatedInt32(m, f, i) : r->GetInt32(m, f)));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      j.value(static_cast<int64_t>(rep ? r->GetRepeatedInt64(m, f, i) : r->GetInt64(m, f)));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      j.value(static_cast<uint64_t>(rep ? r->GetRepeatedUInt32(m, f, i) : r->GetUInt32(m, f)));
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      j.value(static_cast<uint64_t>(rep ? r->GetRepeatedUInt64(m, f, i) : r->GetUInt64(m, f)));
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      j.value(rep ? r->GetRepeatedDouble(m, f, i) : r->GetDouble(m, f));
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      j.value(static_cast<double>(rep ? r->GetRepeatedFloat(m, f, i) : r->GetFloat(m, f)));
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      j.value(rep ? r->GetRepeatedBool(m, f, i) : r->GetBool(m, f));
      break;
    case FieldDescriptor::CPPTYPE_STRING:
      j.value(rep ? r->GetRepeatedString(m, f, i) : r->GetString(m, f));
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      j.value((rep ? r->GetRepeatedEnum(m, f, i) : r->GetEnum(m, f))->name());
      break;
    case FieldDescriptor::CPPTYPE_MESSAGE:
      write_message(j, rep ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f));
      break;
  }
}

void write_message(JsonWriter& j, const Message& m) {
  const auto* d = m.GetDescriptor();
  j.begin_object();
  for (int k = 0; k < d->field_count(); ++k) {
    const FieldDescriptor* f = d->field(k);
    j.key(f->name());
    if (!f->is_repeated()) {
      write_value(j, m, f, -1);
      continue;
    }
    j.begin_array();
    const int n = m.GetReflection()->FieldSize(m, f);
    for (int i = 0; i < n; ++i) write_value(j, m, f, i);
    j.end_array();
  }
  j.end_object();
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

std::string report_json(const Message& m) {
  JsonWriter j;
  write_message(j, m);
  return j.str() + "\n";
}

void write_report_message(const Message& m, const std::string& path) {
  std::string bytes;
  const bool text = ends_with(path, ".txtpb") || ends_with(path, ".textproto");
  if (text ? !google::protobuf::TextFormat::PrintToString(m, &bytes) : !m.SerializeToString(&bytes))
    throw Error(path + ": could not encode the " + m.GetDescriptor()->name());
  write_file(path, bytes);
}

}  // namespace eesim::sim
