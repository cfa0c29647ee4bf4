// Structure-aware mutations of ONNX models through protobuf reflection (onnx_mutator.h).
#include "tests/fuzz/onnx_mutator.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "onnx_fuzz.pb.h"  // onnx.proto with reflection, package onnx_fuzz (meson.build)
#include "workloads/op_registry.h"

// libFuzzer's byte-level mutator, linked into every harness.
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace eesim::fuzz {
namespace {

namespace pb = google::protobuf;

// One place a mutation can act: a singular field (index -1), an element of a repeated field, or
// the end of a repeated field (index == size: add an element there).
struct Site {
  pb::Message* msg;
  const pb::FieldDescriptor* field;
  int index;
};

// Repeated scalar fields (weights in float_data, say) offer this many element sites at most, so
// a big tensor does not swamp the structure around it.
constexpr int kMaxElementSites = 8;

// What a string field holds, so a new value comes from the right pool: rewiring a node input to
// another tensor reaches a handler with new shapes; rewiring it to an op name only dangles.
enum class Pool { kTensor, kOp, kAttribute, kOther };

Pool pool_of(const pb::FieldDescriptor* f) {
  const std::string& type = f->containing_type()->name();
  const std::string& name = f->name();
  if ((type == "NodeProto" && (name == "input" || name == "output")) ||
      ((type == "TensorProto" || type == "ValueInfoProto") && name == "name"))
    return Pool::kTensor;
  if (type == "NodeProto" && name == "op_type") return Pool::kOp;
  if (type == "AttributeProto" && name == "name") return Pool::kAttribute;
  return Pool::kOther;
}

class Mutator {
 public:
  explicit Mutator(unsigned int seed) : rng_(seed) {}

  void mutate(pb::Message& root) {
    sites_.clear();
    donors_.clear();
    pools_.clear();
    pools_[Pool::kOp] = workloads::default_ops().names();
    pools_[Pool::kOp].push_back("If");
    pools_[Pool::kAttribute] = {
        "kernel_shape", "strides",     "pads",  "dilations", "group",      "auto_pad",
        "ceil_mode",    "axis",        "axes",  "keepdims",  "perm",       "split",
        "starts",       "ends",        "steps", "transA",    "transB",     "allowzero",
        "then_branch",  "else_branch", "value", "value_int", "value_ints", "value_float",
        "to",           "min",         "max",   "start",     "end",        "num_outputs"};
    pools_[Pool::kOther] = {"",        "SAME_UPPER",       "SAME_LOWER",  "VALID",         "NOTSET",
                            "ai.onnx", "eesim.exit_rates", "conditional", "unconditional", "0.5",
                            "2"};
    root_ = &root;
    collect(root);
    if (sites_.empty()) return;
    const Site& s = sites_[pick(sites_.size())];
    if (s.field->is_repeated())
      mutate_repeated(s);
    else
      mutate_singular(s);
  }

  // Resizes every raw_data to what its tensor's dims and type need (when that is small), so a
  // changed dim or type reaches the op handlers instead of the reader's size check.
  void fix_raw_data(pb::Message& msg) {
    const pb::Descriptor* d = msg.GetDescriptor();
    const pb::Reflection* r = msg.GetReflection();
    if (d->name() == "TensorProto") {
      const pb::FieldDescriptor* raw = d->FindFieldByName("raw_data");
      const pb::FieldDescriptor* dims = d->FindFieldByName("dims");
      const pb::FieldDescriptor* type = d->FindFieldByName("data_type");
      if (r->HasField(msg, raw)) {
        int64_t bytes = element_bytes(r->GetInt32(msg, type));
        for (int i = 0; i < r->FieldSize(msg, dims) && bytes <= kMaxRawBytes; ++i) {
          const int64_t dim = r->GetRepeatedInt64(msg, dims, i);
          bytes = dim < 0 || dim > kMaxRawBytes ? kMaxRawBytes + 1 : bytes * dim;
        }
        if (bytes <= kMaxRawBytes) {
          std::string data = r->GetString(msg, raw);
          data.resize(static_cast<size_t>(bytes), '\x01');
          r->SetString(&msg, raw, data);
        }
      }
    }
    std::vector<const pb::FieldDescriptor*> fields;
    r->ListFields(msg, &fields);
    for (const pb::FieldDescriptor* f : fields) {
      if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) continue;
      if (!f->is_repeated())
        fix_raw_data(*r->MutableMessage(&msg, f));
      else
        for (int i = 0; i < r->FieldSize(msg, f); ++i)
          fix_raw_data(*r->MutableRepeatedMessage(&msg, f, i));
    }
  }

 private:
  static constexpr int64_t kMaxRawBytes = 1 << 16;

  // TensorProto.DataType -> bytes per element (onnx.proto); 0 for strings and unknown types.
  static int64_t element_bytes(int32_t type) {
    static const int64_t bytes[] = {0, 4, 1, 1, 2, 2, 4, 8, 0, 1, 2, 8, 4, 8, 8, 16, 2};
    return type >= 0 && type < static_cast<int32_t>(std::size(bytes)) ? bytes[type] : 0;
  }

  size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool one_in(size_t n) { return pick(n) == 0; }

  void collect(pb::Message& msg) {
    const pb::Descriptor* d = msg.GetDescriptor();
    const pb::Reflection* r = msg.GetReflection();
    for (int i = 0; i < d->field_count(); ++i) {
      const pb::FieldDescriptor* f = d->field(i);
      if (f->name() == "doc_string") continue;
      const bool is_msg = f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE;
      if (!f->is_repeated()) {
        if (is_msg && !r->HasField(msg, f)) continue;
        sites_.push_back({&msg, f, -1});
        if (is_msg)
          collect_message(*r->MutableMessage(&msg, f));
        else if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING && r->HasField(msg, f))
          pools_[pool_of(f)].push_back(r->GetString(msg, f));
        continue;
      }
      const int n = r->FieldSize(msg, f);
      sites_.push_back({&msg, f, n});
      if (is_msg) {
        for (int k = 0; k < n; ++k) {
          sites_.push_back({&msg, f, k});
          collect_message(*r->MutableRepeatedMessage(&msg, f, k));
        }
      } else {
        for (int k = 0; k < std::min(n, kMaxElementSites); ++k)
          sites_.push_back({&msg, f, n <= kMaxElementSites ? k : static_cast<int>(pick(n))});
        if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING)
          for (int k = 0; k < n; ++k) pools_[pool_of(f)].push_back(r->GetRepeatedString(msg, f, k));
      }
    }
  }
  void collect_message(pb::Message& m) {
    donors_[m.GetDescriptor()].push_back(&m);
    collect(m);
  }

  int64_t new_int(int64_t v) {
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
    const int64_t edge[] = {0,
                            1,
                            -1,
                            2,
                            3,
                            4,
                            7,
                            8,
                            16,
                            255,
                            256,
                            int64_t{1} << 16,
                            (int64_t{1} << 31) - 1,
                            int64_t{1} << 31,
                            int64_t{1} << 32,
                            int64_t{1} << 40,
                            int64_t{1} << 62,
                            kMax,
                            kMin,
                            kMin + 1};
    switch (pick(6)) {
      case 0:
        return v == kMax ? v : v + 1;
      case 1:
        return v == kMin ? v : v - 1;
      case 2:
        return v == kMin ? v : -v;
      case 3:
        return static_cast<int64_t>(rng_()) - static_cast<int64_t>(rng_());
      default:
        return edge[pick(std::size(edge))];
    }
  }
  double new_real(double v) {
    const double edge[] = {0.0,       -0.0, 1.0,   -1.0,  0.5,    2.0,   NAN,   INFINITY,
                           -INFINITY, 1e30, -1e30, 1e-30, 9.3e18, 1e300, 2 * v, -v};
    return edge[pick(std::size(edge))];
  }
  std::string new_string(const pb::FieldDescriptor* f, const std::string& old) {
    switch (pick(8)) {
      case 0:
        return "";
      case 1: {  // a few bytes changed, shortened or lengthened: raw_data, truncated names
        std::string s = old;
        if (one_in(2) && !s.empty())
          s.resize(pick(s.size() + 1));
        else
          s.append(pick(9), static_cast<char>(rng_()));
        if (!s.empty()) s[pick(s.size())] = static_cast<char>(rng_());
        return s;
      }
      default: {  // rewires a tensor, swaps an op type or an attribute
        const std::vector<std::string>& pool = pools_[pool_of(f)];
        return pool.empty() ? old : pool[pick(pool.size())];
      }
    }
  }

  void set_scalar(const Site& s) {
    pb::Message& m = *s.msg;
    const pb::Reflection* r = m.GetReflection();
    const pb::FieldDescriptor* f = s.field;
    const bool rep = f->is_repeated();
    const int i = s.index;
    switch (f->cpp_type()) {
      case pb::FieldDescriptor::CPPTYPE_INT32: {
        const int32_t old = rep ? r->GetRepeatedInt32(m, f, i) : r->GetInt32(m, f);
        // A tensor's or a value's element type: mostly a valid one (onnx.proto: 1..16).
        const bool type = f->name() == "data_type" || f->name() == "elem_type";
        const auto v = type && !one_in(8) ? static_cast<int32_t>(pick(17))
                                          : static_cast<int32_t>(new_int(old));
        rep ? r->SetRepeatedInt32(&m, f, i, v) : r->SetInt32(&m, f, v);
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_INT64: {
        const int64_t v = new_int(rep ? r->GetRepeatedInt64(m, f, i) : r->GetInt64(m, f));
        rep ? r->SetRepeatedInt64(&m, f, i, v) : r->SetInt64(&m, f, v);
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_UINT32: {
        const auto v = static_cast<uint32_t>(
            new_int(rep ? r->GetRepeatedUInt32(m, f, i) : r->GetUInt32(m, f)));
        rep ? r->SetRepeatedUInt32(&m, f, i, v) : r->SetUInt32(&m, f, v);
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_UINT64: {
        const auto v = static_cast<uint64_t>(new_int(
            static_cast<int64_t>(rep ? r->GetRepeatedUInt64(m, f, i) : r->GetUInt64(m, f))));
        rep ? r->SetRepeatedUInt64(&m, f, i, v) : r->SetUInt64(&m, f, v);
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_FLOAT: {
        const auto v =
            static_cast<float>(new_real(rep ? r->GetRepeatedFloat(m, f, i) : r->GetFloat(m, f)));
        rep ? r->SetRepeatedFloat(&m, f, i, v) : r->SetFloat(&m, f, v);
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_DOUBLE: {
        const double v = new_real(rep ? r->GetRepeatedDouble(m, f, i) : r->GetDouble(m, f));
        rep ? r->SetRepeatedDouble(&m, f, i, v) : r->SetDouble(&m, f, v);
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_BOOL:
        rep ? r->SetRepeatedBool(&m, f, i, !r->GetRepeatedBool(m, f, i))
            : r->SetBool(&m, f, !r->GetBool(m, f));
        break;
      case pb::FieldDescriptor::CPPTYPE_ENUM: {
        const pb::EnumValueDescriptor* v =
            f->enum_type()->value(static_cast<int>(pick(f->enum_type()->value_count())));
        rep ? r->SetRepeatedEnum(&m, f, i, v) : r->SetEnum(&m, f, v);
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_STRING: {
        const std::string v =
            new_string(f, rep ? r->GetRepeatedString(m, f, i) : r->GetString(m, f));
        rep ? r->SetRepeatedString(&m, f, i, v) : r->SetString(&m, f, v);
        break;
      }
      case pb::FieldDescriptor::CPPTYPE_MESSAGE:
        break;
    }
  }

  // Appends an element: a copy of a message of the same type from anywhere in the model (a
  // node, an attribute, a tensor, a whole graph), or a fresh scalar.
  void add_element(const Site& s) {
    pb::Message& m = *s.msg;
    const pb::Reflection* r = m.GetReflection();
    const pb::FieldDescriptor* f = s.field;
    if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      switch (f->cpp_type()) {
        case pb::FieldDescriptor::CPPTYPE_INT32:
          r->AddInt32(&m, f, 0);
          break;
        case pb::FieldDescriptor::CPPTYPE_INT64:
          r->AddInt64(&m, f, 0);
          break;
        case pb::FieldDescriptor::CPPTYPE_UINT32:
          r->AddUInt32(&m, f, 0);
          break;
        case pb::FieldDescriptor::CPPTYPE_UINT64:
          r->AddUInt64(&m, f, 0);
          break;
        case pb::FieldDescriptor::CPPTYPE_FLOAT:
          r->AddFloat(&m, f, 0);
          break;
        case pb::FieldDescriptor::CPPTYPE_DOUBLE:
          r->AddDouble(&m, f, 0);
          break;
        case pb::FieldDescriptor::CPPTYPE_BOOL:
          r->AddBool(&m, f, false);
          break;
        case pb::FieldDescriptor::CPPTYPE_ENUM:
          r->AddEnum(&m, f, f->enum_type()->value(0));
          break;
        case pb::FieldDescriptor::CPPTYPE_STRING:
          r->AddString(&m, f, "");
          break;
        default:
          return;
      }
      set_scalar({&m, f, r->FieldSize(m, f) - 1});
      return;
    }
    const auto& donors = donors_[f->message_type()];
    // Copy first: the donor may contain the field being appended to.
    std::unique_ptr<pb::Message> copy;
    if (!donors.empty()) {
      const pb::Message& donor = *donors[pick(donors.size())];
      copy.reset(donor.New());
      copy->CopyFrom(donor);
    }
    pb::Message* added = r->AddMessage(&m, f);
    if (copy) added->CopyFrom(*copy);
    freshen(*added);
  }

  // A copied node or initializer under its old output names only trips the duplicate-name check:
  // give the copy new ones (its consumers still read the original, so the copy runs the same
  // handler on the same inputs, or on the ones a later mutation rewires it to).
  void freshen(pb::Message& copy) {
    const pb::Descriptor* d = copy.GetDescriptor();
    const pb::Reflection* r = copy.GetReflection();
    const std::string suffix = "~" + std::to_string(rng_() % 1000);
    if (d->name() == "NodeProto") {
      const pb::FieldDescriptor* out = d->FindFieldByName("output");
      for (int i = 0; i < r->FieldSize(copy, out); ++i)
        r->SetRepeatedString(&copy, out, i, r->GetRepeatedString(copy, out, i) + suffix);
    } else if (d->name() == "TensorProto") {
      const pb::FieldDescriptor* name = d->FindFieldByName("name");
      r->SetString(&copy, name, r->GetString(copy, name) + suffix);
    }
  }

  void mutate_repeated(const Site& s) {
    pb::Message& m = *s.msg;
    const pb::Reflection* r = m.GetReflection();
    const int n = r->FieldSize(m, s.field);
    if (s.index >= n) return add_element(s);
    switch (pick(4)) {
      case 0:  // drop it (an input, a dim, a node, an attribute)
        for (int k = s.index; k + 1 < n; ++k) r->SwapElements(&m, s.field, k, k + 1);
        r->RemoveLast(&m, s.field);
        break;
      case 1:  // move it elsewhere in the list (input order, dim order)
        r->SwapElements(&m, s.field, s.index, static_cast<int>(pick(n)));
        break;
      default:
        if (s.field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE)
          add_element({&m, s.field, n});
        else
          set_scalar(s);
    }
  }

  void mutate_singular(const Site& s) {
    if (s.field->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
      if (s.msg != root_ && one_in(4))
        s.msg->GetReflection()->ClearField(s.msg, s.field);  // a type, a shape
      return;
    }
    if (one_in(8))
      s.msg->GetReflection()->ClearField(s.msg, s.field);
    else
      set_scalar(s);
  }

  std::minstd_rand rng_;
  const pb::Message* root_ = nullptr;
  std::vector<Site> sites_;
  std::map<const pb::Descriptor*, std::vector<const pb::Message*>> donors_;
  std::map<Pool, std::vector<std::string>> pools_;
};

}  // namespace

size_t mutate_onnx(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  onnx_fuzz::ModelProto model;
  if (!model.ParseFromArray(data, static_cast<int>(size))) return 0;
  Mutator mutator(seed);
  const int count = 1 + static_cast<int>(seed % 3);
  for (int i = 0; i < count; ++i) mutator.mutate(model);
  if (seed % 4 != 0) mutator.fix_raw_data(model);
  const std::string out = model.SerializeAsString();
  if (out.empty() || out.size() > max_size) return 0;
  std::memcpy(data, out.data(), out.size());
  return out.size();
}

bool parses_as_onnx(const uint8_t* data, size_t size) {
  onnx_fuzz::ModelProto model;
  return model.ParseFromArray(data, static_cast<int>(size));
}

size_t mutate_for_libfuzzer(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  if (seed % 8 != 0)
    for (unsigned int attempt = 0; attempt < 3; ++attempt)  // a result too big: try again
      if (const size_t n = mutate_onnx(data, size, max_size, seed / 8 + attempt)) return n;
  const std::string before(reinterpret_cast<const char*>(data), size);
  const size_t n = LLVMFuzzerMutate(data, size, max_size);
  if (seed % 32 < 8 || parses_as_onnx(data, n) || !parses_as_onnx(before)) return n;
  std::memcpy(data, before.data(), before.size());
  return before.size();
}

}  // namespace eesim::fuzz
