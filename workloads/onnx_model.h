#pragma once
// Our own mirror of the parts of an ONNX ModelProto that eesim needs. Only onnx_reader.cpp sees
// the protobuf classes (STYLE.md rule 4); everything downstream works on these types.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace eesim::workloads {

// Values follow TensorProto.DataType so the reader can cast; names are ours.
enum class DataType : int {
  kUndefined = 0,
  kFloat = 1,
  kUint8 = 2,
  kInt8 = 3,
  kUint16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUint32 = 12,
  kUint64 = 13,
  kComplex64 = 14,
  kComplex128 = 15,
  kBfloat16 = 16,
};

int64_t element_bytes(DataType t);  // storage size of one element; 0 for strings/undefined
bool is_integral(DataType t);       // integer or bool: values live in TensorData::ints
std::string to_string(DataType t);

// Tensors up to this many elements keep their values: shape arithmetic, Clip bounds and Pad
// amounts are tiny, and larger tensors are weights whose values eesim never needs. The reader
// loads values and the op handlers fold constants up to this size.
constexpr int64_t kMaxValueElements = 1 << 16;

// A tensor's static description and, when small enough to matter for shape arithmetic, its
// value. Weights are needed only to measure their density (ReadOptions::weights): then every
// initializer and Constant tensor also keeps its stored elements in `payload`.
struct TensorData {
  DataType dtype = DataType::kUndefined;
  std::vector<int64_t> dims;
  bool has_value = false;
  std::vector<int64_t> ints;  // integral dtypes, row-major
  std::vector<double> reals;  // floating dtypes, row-major
  // Width the values were stored at when that is not dtype's: a DequantizeLinear's float output
  // holds int8 values (8). 0: the dtype's width. Views of the tensor keep it.
  int64_t quantized_bits = 0;
  // The stored elements, row-major, as little-endian bytes of `dtype` (raw_data as it is; the
  // typed fields and external data re-encoded or read to that form): dims x element_bytes(dtype)
  // bytes. Only initializers and Constant tensors of a model read with ReadOptions::weights
  // have one (shared: views and copies of the tensor keep pointing at the same bytes); null
  // otherwise, and when the file stores no values for the tensor.
  std::shared_ptr<const std::string> payload;
};

struct OnnxGraph;

struct Attribute {
  enum class Kind { kInt, kFloat, kString, kInts, kFloats, kStrings, kTensor, kGraph, kOther };
  Kind kind = Kind::kOther;
  int64_t i = 0;
  double f = 0;
  std::string s;
  std::vector<int64_t> ints;
  std::vector<double> floats;
  std::vector<std::string> strings;
  TensorData tensor;
  std::shared_ptr<const OnnxGraph> graph;
};

struct OnnxNode {
  std::string name;  // unique: the reader names unnamed nodes "<op_type>_<index>"
  std::string op_type;
  std::string domain;
  std::vector<std::string> inputs;  // "" marks an omitted optional input
  std::vector<std::string> outputs;
  std::map<std::string, Attribute> attributes;
};

// A declared graph input or output. dim_known[i] is false for a dimension given symbolically
// (dim_params[i] holds its name, "batch_size") or not at all.
struct ValueDecl {
  std::string name;
  DataType dtype = DataType::kUndefined;
  bool has_shape = false;
  std::vector<int64_t> dims;
  std::vector<std::string> dim_params;
  std::vector<bool> dim_known;
};

struct OnnxGraph {
  std::string name;
  std::vector<OnnxNode> nodes;
  std::vector<std::pair<std::string, TensorData>> initializers;
  std::vector<ValueDecl> inputs;
  std::vector<ValueDecl> outputs;
  // Shapes the file declares for intermediate tensors (onnx.shape_inference writes them). The
  // importer infers shapes itself; it reads these only for the dims of weights a
  // weight-stripped export lacks (stripped_weights.h).
  std::vector<ValueDecl> value_info;
};

struct OnnxModel {
  std::string source;  // file path or caller's label; prefixes every error message
  int64_t ir_version = 0;
  int64_t opset = 0;  // default ("" / "ai.onnx") domain
  std::string producer;
  OnnxGraph graph;
  std::map<std::string, std::string> metadata;  // metadata_props
  bool weights_read = false;  // read with ReadOptions::weights: tensors carry their payloads
};

}  // namespace eesim::workloads
