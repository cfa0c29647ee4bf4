// Walks the protobuf wire format of a ModelProto down to its initializers' raw_data and copies
// out everything else (onnx_skeleton.h). Wire rules from the encoding guide,
// https://protobuf.dev/programming-guides/encoding/:
//   - a field is a tag then a value; the tag is the varint (field_number << 3) | wire_type, with
//     field numbers from 1;
//   - varints hold 7 bits per byte, least significant group first, the top bit set on every
//     byte but the last: at most 10 bytes for 64 bits;
//   - wire types: 0 VARINT, 1 I64 (8 bytes), 2 LEN (a varint length, then that many bytes:
//     strings, bytes, embedded messages, packed repeated scalars), 3 SGROUP and 4 EGROUP
//     (deprecated groups: the fields between a start and the end with the same number), 5 I32
//     (4 bytes);
//   - a non-repeated field seen twice: the last scalar wins; embedded messages are merged, and
//     their repeated fields concatenate, in wire order.
// Field numbers from onnx.proto: ModelProto.graph = 7, GraphProto.initializer = 5,
// TensorProto.raw_data = 9.
#include "workloads/onnx_skeleton.h"

namespace eesim::workloads {
namespace {

constexpr uint32_t kModelGraph = 7, kGraphInitializer = 5, kTensorRawData = 9;
constexpr int kVarint = 0, kI64 = 1, kLen = 2, kStartGroup = 3, kEndGroup = 4, kI32 = 5;
// Groups nested deeper than protobuf's default recursion limit would fail its parse anyway.
constexpr int kMaxGroupDepth = 100;

// One field as it lies in the buffer: `whole` from its tag to its end, `value` its LEN bytes.
struct Field {
  uint32_t number = 0;
  int wire_type = 0;
  std::string_view whole;
  std::string_view value;
  uint64_t varint = 0;
};

// A cursor over one message's bytes. Every read is checked against the end: a false return
// means malformed input, and nothing past `end_` was read.
class Wire {
 public:
  explicit Wire(std::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}
  bool done() const { return p_ == end_; }

  bool varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return false;
      const auto byte = static_cast<uint8_t>(*p_++);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return true;
    }
    return false;  // an 11th byte: no 64-bit varint is that long
  }

  bool next(Field& f) { return next(f, 0); }

 private:
  bool skip(uint64_t bytes) {
    if (bytes > static_cast<uint64_t>(end_ - p_)) return false;
    p_ += bytes;
    return true;
  }

  bool next(Field& f, int depth) {
    const char* start = p_;
    uint64_t tag = 0;
    if (!varint(tag) || tag > UINT32_MAX || (tag >> 3) == 0) return false;
    f.number = static_cast<uint32_t>(tag >> 3);
    f.wire_type = static_cast<int>(tag & 7);
    f.value = {};
    switch (f.wire_type) {
      case kVarint:
        if (!varint(f.varint)) return false;
        break;
      case kI64:
        if (!skip(8)) return false;
        break;
      case kI32:
        if (!skip(4)) return false;
        break;
      case kLen: {
        uint64_t length = 0;
        if (!varint(length) || length > static_cast<uint64_t>(end_ - p_)) return false;
        f.value = std::string_view(p_, static_cast<size_t>(length));
        p_ += length;
        break;
      }
      case kStartGroup: {  // fields up to the end group of the same number
        if (depth >= kMaxGroupDepth) return false;
        Field inner;
        while (true) {
          if (!next(inner, depth + 1)) return false;
          if (inner.wire_type == kEndGroup) {
            if (inner.number != f.number) return false;
            break;
          }
        }
        break;
      }
      case kEndGroup:  // ends the enclosing group: only next() inside a start group accepts it
        if (depth == 0) return false;
        break;
      default:  // 6 and 7 are not wire types
        return false;
    }
    f.whole = std::string_view(start, static_cast<size_t>(p_ - start));
    return true;
  }

  const char* p_;
  const char* end_;
};

size_t varint_bytes(uint64_t v) {
  size_t n = 1;
  for (; v >= 0x80; v >>= 7) ++n;
  return n;
}

void append_varint(std::string& out, uint64_t v) {
  for (; v >= 0x80; v >>= 7) out.push_back(static_cast<char>((v & 0x7f) | 0x80));
  out.push_back(static_cast<char>(v));
}

// The tag and length of a LEN field of number `number` holding `length` bytes.
void append_len_header(std::string& out, uint32_t number, size_t length) {
  append_varint(out, (uint64_t{number} << 3) | kLen);
  append_varint(out, length);
}

size_t len_field_bytes(uint32_t number, size_t length) {
  return varint_bytes((uint64_t{number} << 3) | kLen) + varint_bytes(length) + length;
}

bool is_raw_data(const Field& f) { return f.number == kTensorRawData && f.wire_type == kLen; }

// What becomes of one initializer: its raw_data (the last raw_data field's, the one protobuf
// would keep) cut, or none to cut; its size in the skeleton.
struct TensorPlan {
  std::string_view bytes;
  std::optional<std::string_view> raw_data;
  size_t kept_bytes = 0;
};

// False when the tensor is malformed.
bool plan_tensor(std::string_view bytes, TensorPlan& plan) {
  plan = {bytes, std::nullopt, bytes.size()};
  Wire w(bytes);
  for (Field f; !w.done();) {
    if (!w.next(f)) return false;
    if (!is_raw_data(f)) continue;
    plan.raw_data = f.value;
    plan.kept_bytes -= f.whole.size();
  }
  return true;
}

// Appends the planned tensor as an initializer field; plan_tensor checked its fields.
void write_tensor(const TensorPlan& plan, std::string& out) {
  append_len_header(out, kGraphInitializer, plan.kept_bytes);
  Wire w(plan.bytes);
  for (Field f; !w.done() && w.next(f);)
    if (!is_raw_data(f)) out.append(f.whole);
}

// Appends the graph as the model's field 7, its initializers planned first so that every kept
// byte is copied once, straight to its place.
bool graph(std::string_view bytes, OnnxSkeleton& s) {
  std::vector<TensorPlan> plans;
  size_t kept = 0;
  Wire w(bytes);
  for (Field f; !w.done();) {
    if (!w.next(f)) return false;
    if (f.number == kGraphInitializer && f.wire_type == kLen) {
      if (!plan_tensor(f.value, plans.emplace_back())) return false;
      kept += len_field_bytes(kGraphInitializer, plans.back().kept_bytes);
    } else {
      kept += f.whole.size();
    }
  }
  s.bytes.reserve(s.bytes.size() + len_field_bytes(kModelGraph, kept));
  append_len_header(s.bytes, kModelGraph, kept);
  size_t next = 0;
  Wire again(bytes);
  for (Field f; !again.done() && again.next(f);) {
    if (f.number == kGraphInitializer && f.wire_type == kLen)
      write_tensor(plans[next++], s.bytes);
    else
      s.bytes.append(f.whole);
  }
  for (const TensorPlan& p : plans) s.raw_data.push_back(p.raw_data);
  return true;
}

}  // namespace

std::optional<OnnxSkeleton> onnx_skeleton(std::string_view model) {
  OnnxSkeleton s;
  Wire w(model);
  for (Field f; !w.done();) {
    if (!w.next(f)) return std::nullopt;
    if (f.number == kModelGraph && f.wire_type == kLen) {
      if (!graph(f.value, s)) return std::nullopt;
    } else {
      s.bytes.append(f.whole);
    }
  }
  return s;
}

}  // namespace eesim::workloads
