// ONNX protobuf -> OnnxModel. The one file that includes the classes generated from Debian's
// onnx.proto (STYLE.md rule 4). It checks the container (is this a model at all, are tensors
// whole) and copies out only what eesim needs: structure, attributes, shapes, small values, and
// when asked (ReadOptions::weights) every initializer's stored elements. Without weights it
// parses the model's skeleton (onnx_skeleton.h): initializers arrive without raw_data, which
// stays in the caller's bytes (checked and, for small tensors, loaded from there).
#include "workloads/onnx_reader.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include "common/checked_math.h"
#include "common/error.h"
#include "common/file_io.h"
#include "eesim_onnx.pb.h"  // onnx.proto renamed to package eesim_onnx (workloads/meson.build)
#include "workloads/onnx_skeleton.h"
#include "workloads/op_registry.h"

namespace eesim::workloads {
namespace {

const char* const kOver2Gb =
    "protobuf's 2 GB message limit (2147483647 bytes); save the model with its weights as "
    "external data";

using CutRawData = std::vector<std::optional<std::string_view>>;

struct Reader {
  std::string source;
  ReadOptions options;
  std::set<std::string> node_names;  // whole model, subgraphs included: names must be unique
  int unnamed_count = 0;

  [[noreturn]] void fail(const std::string& msg) const { throw Error(source + ": " + msg); }

  static double half_to_double(uint32_t bits) {
    // IEEE 754 binary16 -> double (ONNX stores float16 bit patterns in int32_data).
    const int sign = (bits >> 15) & 1, exp = (bits >> 10) & 0x1f, frac = bits & 0x3ff;
    double v = exp == 0    ? std::ldexp(frac, -24)
               : exp == 31 ? (frac ? NAN : INFINITY)
                           : std::ldexp(frac + 1024, exp - 25);
    return sign ? -v : v;
  }

  template <typename T>
  static T load_le(std::string_view raw, size_t i) {
    T v;
    std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
    return v;
  }

  static void load_raw(std::string_view raw, TensorData& out, int64_t n) {
    if (is_integral(out.dtype))
      out.ints.reserve(n);
    else
      out.reals.reserve(n);
    switch (out.dtype) {
      case DataType::kFloat:
        for (int64_t i = 0; i < n; ++i) out.reals.push_back(load_le<float>(raw, i));
        break;
      case DataType::kDouble:
        for (int64_t i = 0; i < n; ++i) out.reals.push_back(load_le<double>(raw, i));
        break;
      case DataType::kFloat16:
        for (int64_t i = 0; i < n; ++i)
          out.reals.push_back(half_to_double(load_le<uint16_t>(raw, i)));
        break;
      case DataType::kInt64:
        for (int64_t i = 0; i < n; ++i) out.ints.push_back(load_le<int64_t>(raw, i));
        break;
      case DataType::kInt32:
        for (int64_t i = 0; i < n; ++i) out.ints.push_back(load_le<int32_t>(raw, i));
        break;
      case DataType::kInt16:
        for (int64_t i = 0; i < n; ++i) out.ints.push_back(load_le<int16_t>(raw, i));
        break;
      case DataType::kInt8:
        for (int64_t i = 0; i < n; ++i) out.ints.push_back(load_le<int8_t>(raw, i));
        break;
      case DataType::kUint8:
      case DataType::kBool:
        for (int64_t i = 0; i < n; ++i) out.ints.push_back(load_le<uint8_t>(raw, i));
        break;
      case DataType::kUint16:
        for (int64_t i = 0; i < n; ++i) out.ints.push_back(load_le<uint16_t>(raw, i));
        break;
      case DataType::kUint32:
        for (int64_t i = 0; i < n; ++i) out.ints.push_back(load_le<uint32_t>(raw, i));
        break;
      default:
        return;  // other types never take part in shape arithmetic
    }
    out.has_value = true;
  }

  void load_typed(const eesim_onnx::TensorProto& t, TensorData& out, int64_t n,
                  const std::string& what) const {
    auto check = [&](int64_t have) {
      if (have != n)
        fail(what + ": holds " + std::to_string(have) + " values, its dims say " +
             std::to_string(n));
    };
    switch (out.dtype) {
      case DataType::kFloat:
        check(t.float_data_size());
        out.reals.assign(t.float_data().begin(), t.float_data().end());
        break;
      case DataType::kDouble:
        check(t.double_data_size());
        out.reals.assign(t.double_data().begin(), t.double_data().end());
        break;
      case DataType::kFloat16:
        check(t.int32_data_size());
        for (int32_t b : t.int32_data())
          out.reals.push_back(half_to_double(static_cast<uint32_t>(b)));
        break;
      case DataType::kInt64:
        check(t.int64_data_size());
        out.ints.assign(t.int64_data().begin(), t.int64_data().end());
        break;
      case DataType::kInt32:
      case DataType::kInt16:
      case DataType::kInt8:
      case DataType::kUint16:
      case DataType::kUint8:
      case DataType::kBool:
        check(t.int32_data_size());
        out.ints.assign(t.int32_data().begin(), t.int32_data().end());
        break;
      case DataType::kUint32:
      case DataType::kUint64:
        check(t.uint64_data_size());
        for (uint64_t v : t.uint64_data()) out.ints.push_back(static_cast<int64_t>(v));
        break;
      default:
        return;
    }
    out.has_value = true;
  }

  // Types ONNX added after Debian's onnx.proto (1.13 onward: TensorProto.DataType 17-23).
  static const char* newer_type_name(int type) {
    static const char* names[] = {"float8e4m3fn", "float8e4m3fnuz", "float8e5m2", "float8e5m2fnuz",
                                  "uint4",        "int4",           "float4e2m1"};
    return type >= 17 && type <= 23 ? names[type - 17] : nullptr;
  }

  // `cut_raw_data`: the raw_data the skeleton cut from the tensor (onnx_skeleton.h). `values`
  // false: raw_data is checked but its values are not loaded, however small the tensor.
  TensorData tensor(const eesim_onnx::TensorProto& t, const std::string& what,
                    std::optional<std::string_view> cut_raw_data = std::nullopt,
                    bool values = true) const {
    TensorData out;
    out.dtype = static_cast<DataType>(t.data_type());
    if (const char* newer = newer_type_name(t.data_type()))
      fail(what + ": data type " + newer + " (" + std::to_string(t.data_type()) +
           ") is not supported; eesim reads quantized tensors of 8 bits and wider");
    if (t.data_type() <= 0 || t.data_type() > static_cast<int>(DataType::kBfloat16))
      fail(what + ": unknown data type " + std::to_string(t.data_type()));
    for (int64_t d : t.dims()) {
      if (d < 0) fail(what + ": negative dimension " + std::to_string(d));
      out.dims.push_back(d);
    }
    const int64_t n = checked_product(out.dims, source + ": " + what + ": element count");
    if (t.data_location() == eesim_onnx::TensorProto::EXTERNAL) {
      if (options.weights) out.payload = external_payload(t, out.dtype, n, what);
      return out;  // otherwise dims are all we need
    }
    if (t.has_raw_data() || cut_raw_data) {
      assert(!cut_raw_data || !options.weights);  // the skeleton is read without weights
      const std::string_view raw = cut_raw_data ? *cut_raw_data : std::string_view(t.raw_data());
      const int64_t want =
          checked_mul(n, element_bytes(out.dtype), source + ": " + what + ": bytes");
      if (static_cast<int64_t>(raw.size()) != want)
        fail(what + ": raw_data holds " + std::to_string(raw.size()) +
             " bytes, its dims and type need " + std::to_string(want) + " (truncated file?)");
      if (n <= kMaxValueElements && values) load_raw(raw, out, n);
      if (options.weights && want > 0)
        out.payload = std::make_shared<const std::string>(t.raw_data());
    } else {
      if (n <= kMaxValueElements) load_typed(t, out, n, what);
      if (options.weights) out.payload = typed_payload(t, out.dtype, n, what);
    }
    return out;
  }

  // A typed field's values re-encoded as raw_data would hold them (TensorProto's comments: int8,
  // uint8, int16, uint16, bool, float16 and bfloat16 in int32_data; uint32 and uint64 in
  // uint64_data). Null for types without a numeric payload, and when the field is empty (a
  // tensor whose values were stripped); a length other than the dims' is an error.
  std::shared_ptr<const std::string> typed_payload(const eesim_onnx::TensorProto& t, DataType dtype,
                                                   int64_t n, const std::string& what) const {
    auto bytes = std::make_shared<std::string>();
    auto encode = [&](const auto& field, auto as) {
      if (field.size() != 0 && field.size() != n)
        fail(what + ": holds " + std::to_string(field.size()) + " values, its dims say " +
             std::to_string(n));
      bytes->reserve(static_cast<size_t>(field.size()) * sizeof(as));
      for (auto v : field) {
        const auto e = static_cast<decltype(as)>(v);
        bytes->append(reinterpret_cast<const char*>(&e), sizeof e);
      }
    };
    switch (dtype) {
      case DataType::kFloat:
        encode(t.float_data(), float{});
        break;
      case DataType::kDouble:
        encode(t.double_data(), double{});
        break;
      case DataType::kFloat16:
      case DataType::kBfloat16:
      case DataType::kUint16:
        encode(t.int32_data(), uint16_t{});
        break;
      case DataType::kInt16:
        encode(t.int32_data(), int16_t{});
        break;
      case DataType::kInt8:
        encode(t.int32_data(), int8_t{});
        break;
      case DataType::kUint8:
      case DataType::kBool:
        encode(t.int32_data(), uint8_t{});
        break;
      case DataType::kInt32:
        encode(t.int32_data(), int32_t{});
        break;
      case DataType::kInt64:
        encode(t.int64_data(), int64_t{});
        break;
      case DataType::kUint32:
        encode(t.uint64_data(), uint32_t{});
        break;
      case DataType::kUint64:
        encode(t.uint64_data(), uint64_t{});
        break;
      default:
        return nullptr;  // strings, complex numbers: no density to measure
    }
    if (bytes->empty()) return nullptr;
    return bytes;
  }

  // data_location EXTERNAL: `location` (relative to the model's directory), `offset` and
  // `length` in bytes (onnx.proto's TensorProto.external_data; length absent: the rest of the
  // file). The range must hold exactly dims x element size bytes.
  std::shared_ptr<const std::string> external_payload(const eesim_onnx::TensorProto& t,
                                                      DataType dtype, int64_t n,
                                                      const std::string& what) const {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto& e : t.external_data()) {
      if (e.key() == "location") location = e.value();
      if (e.key() != "offset" && e.key() != "length") continue;
      int64_t v = -1;
      const char* end = e.value().data() + e.value().size();
      if (std::from_chars(e.value().data(), end, v).ptr != end || v < 0)
        fail(what + ": external data " + e.key() + " '" + e.value() + "' is not a byte count");
      (e.key() == "offset" ? offset : length) = v;
    }
    if (location.empty()) fail(what + ": external data without a location");
    const int64_t want = checked_mul(n, element_bytes(dtype), source + ": " + what + ": bytes");
    if (element_bytes(dtype) == 0) return nullptr;
    if (length >= 0 && length != want)
      fail(what + ": external data length is " + std::to_string(length) +
           " bytes, its dims and type need " + std::to_string(want));
    namespace fs = std::filesystem;
    if (options.base_dir.empty())
      fail(what + ": external data in '" + location +
           "' cannot be found without the model's directory (load the model from its file)");
    if (fs::path(location).is_absolute() || location.find('\0') != std::string::npos)
      fail(what + ": external data location '" + location +
           "' must be a path relative to the model's directory");
    const std::string path = (fs::path(options.base_dir) / location).string();
    const std::string file = "external data file '" + path + "'";
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
      fail(what + ": " + file + (fs::exists(path, ec) ? " is not a regular file" : " is missing"));
    const auto size = static_cast<int64_t>(fs::file_size(path, ec));
    if (ec) fail(what + ": cannot read " + file + ": " + ec.message());
    if (offset > size || size - offset < want || (length < 0 && size - offset != want))
      fail(what + ": " + file + " holds " + std::to_string(size) + " bytes; the tensor needs " +
           std::to_string(want) + " from offset " + std::to_string(offset) +
           (length < 0 ? " to the end" : "") + " (truncated file?)");
    auto bytes = std::make_shared<std::string>(static_cast<size_t>(want), '\0');
    std::ifstream in(path, std::ios::binary);
    if (in) in.seekg(offset);
    if (!in || !in.read(bytes->data(), want)) fail(what + ": cannot read " + file);
    return bytes;
  }

  static ValueDecl value_decl(const eesim_onnx::ValueInfoProto& v) {
    ValueDecl d;
    d.name = v.name();
    if (!v.has_type() || !v.type().has_tensor_type()) return d;
    const auto& tt = v.type().tensor_type();
    d.dtype = static_cast<DataType>(tt.elem_type());
    if (!tt.has_shape()) return d;
    d.has_shape = true;
    for (const auto& dim : tt.shape().dim()) {
      d.dims.push_back(dim.has_dim_value() ? dim.dim_value() : 0);
      d.dim_known.push_back(dim.has_dim_value());
      d.dim_params.push_back(dim.has_dim_param() ? dim.dim_param() : "");
    }
    return d;
  }

  Attribute attribute(const eesim_onnx::AttributeProto& a, const std::string& what) {
    Attribute out;
    using K = Attribute::Kind;
    using A = eesim_onnx::AttributeProto;
    auto type = a.type();
    if (type == A::UNDEFINED) {  // IR < 2 files left `type` unset: infer it from the field set
      type = a.has_i()          ? A::INT
             : a.has_f()        ? A::FLOAT
             : a.has_s()        ? A::STRING
             : a.has_t()        ? A::TENSOR
             : a.has_g()        ? A::GRAPH
             : a.ints_size()    ? A::INTS
             : a.floats_size()  ? A::FLOATS
             : a.strings_size() ? A::STRINGS
                                : A::UNDEFINED;
    }
    switch (type) {
      case A::INT:
        out.kind = K::kInt;
        out.i = a.i();
        break;
      case A::FLOAT:
        out.kind = K::kFloat;
        out.f = a.f();
        break;
      case A::STRING:
        out.kind = K::kString;
        out.s = a.s();
        break;
      case A::INTS:
        out.kind = K::kInts;
        out.ints.assign(a.ints().begin(), a.ints().end());
        break;
      case A::FLOATS:
        out.kind = K::kFloats;
        out.floats.assign(a.floats().begin(), a.floats().end());
        break;
      case A::STRINGS:
        out.kind = K::kStrings;
        out.strings.assign(a.strings().begin(), a.strings().end());
        break;
      case A::TENSOR:
        out.kind = K::kTensor;
        out.tensor = tensor(a.t(), what);
        break;
      case A::GRAPH:
        out.kind = K::kGraph;
        out.graph = std::make_shared<OnnxGraph>(graph(a.g()));
        break;
      default:
        out.kind = K::kOther;
        break;
    }
    return out;
  }

  std::string unique_name(const eesim_onnx::NodeProto& n) {
    std::string name =
        n.name().empty() ? n.op_type() + "_" + std::to_string(unnamed_count++) : n.name();
    if (node_names.count(name)) {
      int k = 2;
      while (node_names.count(name + "#" + std::to_string(k))) ++k;
      name += "#" + std::to_string(k);
    }
    node_names.insert(name);
    return name;
  }

  // Records each tensor `g` and its subgraphs read (node inputs, graph outputs) in `weights`
  // when the reader takes it as an op's weight input (WeightInputs, op_registry.h: Conv's W and
  // B, Gemm's B and C, MatMul's B, BatchNormalization's statistics), else in `other`.
  static void collect_readers(const eesim_onnx::GraphProto& g, std::set<std::string>& weights,
                              std::set<std::string>& other) {
    for (const auto& n : g.node()) {
      const WeightInputs* w = default_ops().weights(n.op_type(), n.domain());
      for (int i = 0; i < n.input_size(); ++i) {
        const bool weight = w && std::count(w->inputs.begin(), w->inputs.end(), i);
        (weight ? weights : other).insert(n.input(i));
      }
      for (const auto& a : n.attribute()) {
        if (a.has_g()) collect_readers(a.g(), weights, other);
        for (const auto& sub : a.graphs()) collect_readers(sub, weights, other);
      }
    }
    for (const auto& o : g.output()) other.insert(o.name());
  }

  // `cut_raw_data`: the skeleton's entry per initializer (main graph only; empty otherwise).
  // `main`: without weights, initializers only ops' weight inputs read keep no values: no
  // handler reads them (a 64x64x3x3 kernel is small enough to load, and ResNet-18 has 1.6 MB
  // of such values: a fifth of a whole `eesim run`, as every fresh page costs a fault).
  OnnxGraph graph(const eesim_onnx::GraphProto& g, const CutRawData& cut_raw_data = {},
                  bool main = false) {
    OnnxGraph out;
    out.name = g.name();
    std::set<std::string> weights, other;
    if (main && !options.weights) collect_readers(g, weights, other);
    const auto initializers = static_cast<size_t>(g.initializer_size());
    assert(cut_raw_data.empty() || cut_raw_data.size() == initializers);
    for (size_t i = 0; i < initializers; ++i) {
      const auto& t = g.initializer(static_cast<int>(i));
      const bool values = !weights.count(t.name()) || other.count(t.name());
      out.initializers.emplace_back(
          t.name(), tensor(t, "initializer '" + t.name() + "'",
                           cut_raw_data.empty() ? std::nullopt : cut_raw_data[i], values));
    }
    for (const auto& v : g.input()) out.inputs.push_back(value_decl(v));
    for (const auto& v : g.output()) out.outputs.push_back(value_decl(v));
    for (const auto& v : g.value_info()) out.value_info.push_back(value_decl(v));
    out.nodes.reserve(g.node_size());
    for (const auto& n : g.node()) {
      OnnxNode node;
      node.name = unique_name(n);
      node.op_type = n.op_type();
      node.domain = n.domain();
      node.inputs.assign(n.input().begin(), n.input().end());
      node.outputs.assign(n.output().begin(), n.output().end());
      const std::string what = "node '" + node.name + "' (" + node.op_type + ")";
      for (const auto& a : n.attribute())
        node.attributes.emplace(a.name(), attribute(a, what + " attribute '" + a.name() + "'"));
      out.nodes.push_back(std::move(node));
    }
    return out;
  }

  OnnxModel model(const eesim_onnx::ModelProto& m, const CutRawData& cut_raw_data) {
    OnnxModel out;
    out.source = source;
    if (!m.has_ir_version() || m.ir_version() <= 0)
      fail("not an ONNX model: no ir_version (a different protobuf message?)");
    if (!m.has_graph()) fail("not an ONNX model: no graph");
    out.ir_version = m.ir_version();
    out.producer = m.producer_name();
    for (const auto& op : m.opset_import())
      if (op.domain().empty() || op.domain() == "ai.onnx") out.opset = op.version();
    if (out.opset == 0) fail("no opset_import for the default ONNX domain");
    for (const auto& p : m.metadata_props()) out.metadata[p.key()] = p.value();
    out.graph = graph(m.graph(), cut_raw_data, true);
    if (out.graph.outputs.empty()) fail("graph '" + out.graph.name + "' has no outputs");
    return out;
  }
};

}  // namespace

int64_t element_bytes(DataType t) {
  switch (t) {
    case DataType::kBool:
    case DataType::kInt8:
    case DataType::kUint8:
      return 1;
    case DataType::kInt16:
    case DataType::kUint16:
    case DataType::kFloat16:
    case DataType::kBfloat16:
      return 2;
    case DataType::kFloat:
    case DataType::kInt32:
    case DataType::kUint32:
      return 4;
    case DataType::kDouble:
    case DataType::kInt64:
    case DataType::kUint64:
    case DataType::kComplex64:
      return 8;
    case DataType::kComplex128:
      return 16;
    default:
      return 0;
  }
}

bool is_integral(DataType t) {
  switch (t) {
    case DataType::kBool:
    case DataType::kInt8:
    case DataType::kUint8:
    case DataType::kInt16:
    case DataType::kUint16:
    case DataType::kInt32:
    case DataType::kUint32:
    case DataType::kInt64:
    case DataType::kUint64:
      return true;
    default:
      return false;
  }
}

std::string to_string(DataType t) {
  static const char* names[] = {"undefined",  "float32", "uint8",  "int8",   "uint16",
                                "int16",      "int32",   "int64",  "string", "bool",
                                "float16",    "float64", "uint32", "uint64", "complex64",
                                "complex128", "bfloat16"};
  const int i = static_cast<int>(t);
  return i >= 0 && i <= 16 ? names[i] : "type" + std::to_string(i);
}

OnnxModel read_onnx_bytes(std::string_view bytes, const std::string& source,
                          const ReadOptions& options) {
  if (bytes.size() > static_cast<size_t>(INT32_MAX))
    throw Error(source + ": " + std::to_string(bytes.size()) + " bytes is over " + kOver2Gb);
  // Without weights, protobuf parses the skeleton; when the walk finds the bytes malformed,
  // the whole of them, so that protobuf alone decides what is a valid model.
  std::optional<OnnxSkeleton> skeleton;
  if (!options.weights) skeleton = onnx_skeleton(bytes);
  eesim_onnx::ModelProto proto;
  const bool parsed = skeleton ? proto.ParseFromString(skeleton->bytes)
                               : proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  if (!parsed)
    throw Error(source + ": not a valid ONNX protobuf (truncated or corrupt file, " +
                std::to_string(bytes.size()) + " bytes)");
  Reader reader{source, options, {}, 0};
  OnnxModel model = reader.model(proto, skeleton ? skeleton->raw_data : CutRawData{});
  model.weights_read = options.weights;
  return model;
}

OnnxModel read_onnx_file(const std::string& path, const ReadOptions& options) {
  // Refused by size before it is read: protobuf's messages are limited to 2 GB (INT32_MAX
  // bytes), and a 3 GB file would otherwise be read into memory only to be rejected. Without
  // weights the file is mapped, not read: only the skeleton's pages are touched. With them
  // protobuf reads every byte in order, which a read does best.
  MappedFile mapped;
  std::string read;
  if (options.weights)
    read = read_file(path, "an ONNX model", INT32_MAX, kOver2Gb);
  else
    mapped = map_file(path, "an ONNX model", INT32_MAX, kOver2Gb);
  const std::string_view bytes = options.weights ? std::string_view(read) : mapped.view();
  if (bytes.empty()) throw Error(path + ": empty file, expected an ONNX model");
  ReadOptions o = options;
  if (o.base_dir.empty()) {
    o.base_dir = std::filesystem::path(path).parent_path().string();
    if (o.base_dir.empty()) o.base_dir = ".";
  }
  return read_onnx_bytes(bytes, path, o);
}

}  // namespace eesim::workloads
