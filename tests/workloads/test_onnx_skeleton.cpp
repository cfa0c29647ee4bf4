// The skeleton read (workloads/onnx_skeleton.h): without weights, initializers reach protobuf
// without their raw_data, and the model read is the one the full parse gives.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/error.h"
#include "tests/workloads/onnx_builder.h"
#include "workloads/onnx_skeleton.h"

using eesim::testing::OnnxBuilder;
using eesim::workloads::onnx_skeleton;
using eesim::workloads::read_onnx_bytes;

namespace {

// x [1,300] -> Gemm with a 300x300 weight (90,000 elements: over kMaxValueElements, so cut)
// and a [300] bias (kept), then Reshape by a constant shape (kept: its values are needed).
OnnxBuilder big_fc() {
  OnnxBuilder b;
  b.input("x", {1, 300}).weight("fc_w", {300, 300}).weight("fc_b", {300}).ints("shape", {1, -1});
  b.output("y");
  eesim::testing::set_int(b.node("Gemm", {"x", "fc_w", "fc_b"}, {"h"}, "fc"), "transB", 1);
  b.node("Reshape", {"h", "shape"}, {"y"}, "flat");
  return b;
}

std::string varint(uint64_t v) {
  std::string out;
  for (; v >= 0x80; v >>= 7) out.push_back(static_cast<char>((v & 0x7f) | 0x80));
  out.push_back(static_cast<char>(v));
  return out;
}

std::string field(int number, const std::string& value) {  // a LEN field
  return varint(static_cast<uint64_t>(number) << 3 | 2) + varint(value.size()) + value;
}

}  // namespace

TEST_CASE("onnx skeleton: hand-encoded model: initializers lose raw_data, all else is kept") {
  // ModelProto { ir_version: 7 (field 1, varint); graph (7) { initializer (5) { dims (1): 70000,
  // raw_data (9): "abcd" }, initializer { dims: [2] packed, int32_data: [1, 2] packed },
  // name (2): "g" } }.
  const std::string big = std::string("\x08", 1) + varint(70000) + field(9, "abcd");
  const std::string typed = field(1, varint(2)) + field(5, "\x01\x02");
  const std::string model =
      std::string("\x08\x07", 2) + field(7, field(5, big) + field(5, typed) + field(2, "g"));
  const auto s = onnx_skeleton(model);
  REQUIRE(s);
  // 70000 = 0x11170: varint f0 a2 04. Graph: 2a 04 [08 f0 a2 04], then the rest as it was.
  const std::string cut_big = std::string("\x08\xf0\xa2\x04", 4);
  CHECK(s->bytes ==
        std::string("\x08\x07", 2) + field(7, field(5, cut_big) + field(5, typed) + field(2, "g")));
  CHECK(s->bytes.size() == model.size() - 6);  // raw_data's tag, length and 4 bytes
  REQUIRE(s->raw_data.size() == 2);
  CHECK(s->raw_data[0] == "abcd");
  CHECK(s->raw_data[0]->data() == model.data() + model.find("abcd"));  // a view, not a copy
  CHECK_FALSE(s->raw_data[1]);
}

TEST_CASE("onnx skeleton: of raw_data seen twice the last is carried (protobuf keeps the last)") {
  const std::string t = std::string("\x08", 1) + varint(70000) + field(9, "ab") + field(9, "xyz");
  const std::string model = field(7, field(5, t));  // the views point into it
  const auto s = onnx_skeleton(model);
  REQUIRE(s);
  REQUIRE(s->raw_data.size() == 1);
  CHECK(s->raw_data[0] == "xyz");
  CHECK(s->bytes == field(7, field(5, std::string("\x08", 1) + varint(70000))));
}

TEST_CASE("onnx skeleton: malformed wire format is refused; groups are walked and kept") {
  CHECK_FALSE(onnx_skeleton(std::string("\x08", 1)));  // varint value missing
  CHECK_FALSE(
      onnx_skeleton(std::string("\x3a\x05"
                                "ab",
                                4)));                      // LEN 5 with 2 bytes
  CHECK_FALSE(onnx_skeleton(std::string("\x00\x01", 2)));  // field number 0
  CHECK_FALSE(onnx_skeleton(std::string("\x0e\x01", 2)));  // wire type 6
  CHECK_FALSE(onnx_skeleton(std::string("\x08") + std::string(10, '\xff') + "\x01"));
  CHECK_FALSE(onnx_skeleton(std::string("\x0b\x10\x01\x14", 4)));  // group 1 ended as 2
  CHECK_FALSE(onnx_skeleton(std::string("\x0c", 1)));              // an end with no start
  // A truncated graph: its initializer's length runs past the graph's end.
  CHECK_FALSE(onnx_skeleton(field(7, std::string("\x2a\x09\x08\x01", 4))));
  const std::string group("\x0b\x10\x01\x0c", 4);  // field 1 group { field 2: 1 }
  const auto s = onnx_skeleton(group);
  REQUIRE(s);
  CHECK(s->bytes == group);
}

TEST_CASE(
    "onnx skeleton: a big initializer reads as in the full parse: dims and names, no payload") {
  const OnnxBuilder b = big_fc();
  const std::string bytes = b.bytes();
  const auto s = onnx_skeleton(bytes);
  REQUIRE(s);
  REQUIRE(s->raw_data.size() == 3);
  CHECK(s->raw_data[0]->size() == 360000);
  CHECK(s->raw_data[1]->size() == 1200);
  CHECK_FALSE(s->raw_data[2]);                     // int64_data, not raw_data
  CHECK(bytes.size() - s->bytes.size() > 361200);  // both payloads and their headers
  eesim::workloads::ReadOptions weights;
  weights.weights = true;
  const auto skeleton = read_onnx_bytes(bytes, "test.onnx");
  const auto full = read_onnx_bytes(bytes, "test.onnx", weights);
  REQUIRE(skeleton.graph.initializers.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    const auto& [name, t] = skeleton.graph.initializers[i];
    CHECK(name == full.graph.initializers[i].first);
    CHECK(t.dims == full.graph.initializers[i].second.dims);
    CHECK(t.dtype == full.graph.initializers[i].second.dtype);
    CHECK(t.payload == nullptr);
  }
  // Values: the shape's, as in the full parse; none of the Gemm's weight and bias (only weight
  // inputs read them), though the full parse loads the bias's (300 elements).
  CHECK(skeleton.graph.initializers[2].second.ints == std::vector<int64_t>{1, -1});
  CHECK(full.graph.initializers[2].second.ints == std::vector<int64_t>{1, -1});
  CHECK_FALSE(skeleton.graph.initializers[1].second.has_value);
  CHECK(full.graph.initializers[1].second.reals.size() == 300);
  CHECK(full.graph.initializers[0].second.payload->size() == 360000);
  CHECK(import_onnx(skeleton) == import_onnx(full));
  CHECK(import_onnx(skeleton).layer(0).macs == 90000);
}

TEST_CASE("onnx skeleton: a cut raw_data shorter than its dims need still gives the length error") {
  OnnxBuilder b = big_fc();
  b.graph().mutable_initializer(0)->mutable_raw_data()->resize(1000);
  CHECK_THROWS_WITH_AS(read_onnx_bytes(b.bytes(), "test.onnx"),
                       "test.onnx: initializer 'fc_w': raw_data holds 1000 bytes, its dims and "
                       "type need 360000 (truncated file?)",
                       eesim::Error);
}

TEST_CASE("onnx skeleton: a file cut inside a big raw_data is not a valid ONNX protobuf") {
  const std::string bytes = big_fc().bytes();
  for (const size_t keep : {size_t{200}, bytes.size() / 2, bytes.size() - 1})
    CHECK_THROWS_WITH_AS(read_onnx_bytes(bytes.substr(0, keep), "test.onnx"),
                         ("test.onnx: not a valid ONNX protobuf (truncated or corrupt file, " +
                          std::to_string(keep) + " bytes)")
                             .c_str(),
                         eesim::Error);
}

TEST_CASE("onnx skeleton: read_onnx_file maps the file and names it in errors") {
  namespace fs = std::filesystem;
  const fs::path path = fs::temp_directory_path() / "eesim_test_skeleton.onnx";
  OnnxBuilder b = big_fc();
  { std::ofstream(path, std::ios::binary) << b.bytes(); }
  CHECK(import_onnx(eesim::workloads::read_onnx_file(path.string())) ==
        import_onnx(read_onnx_bytes(b.bytes(), path.string())));
  b.graph().mutable_initializer(0)->mutable_raw_data()->resize(8);
  { std::ofstream(path, std::ios::binary) << b.bytes(); }
  CHECK_THROWS_WITH_AS(eesim::workloads::read_onnx_file(path.string()),
                       (path.string() + ": initializer 'fc_w': raw_data holds 8 bytes, its dims "
                                        "and type need 360000 (truncated file?)")
                           .c_str(),
                       eesim::Error);
  fs::remove(path);
}

TEST_CASE("onnx read: small initializers keep their values unless only weight inputs read them") {
  // x [1,8] -> Gemm(w [4,8], b [4], transB) -> h [1,4] -> Add(h, b): b is read by the Add too.
  OnnxBuilder b;
  b.input("x", {1, 8}).weight("w", {4, 8}).weight("b", {4}).output("y");
  eesim::testing::set_int(b.node("Gemm", {"x", "w", "b"}, {"h"}, "fc"), "transB", 1);
  b.node("Add", {"h", "b"}, {"y"}, "add");
  const auto m = read_onnx_bytes(b.bytes(), "test.onnx");
  CHECK_FALSE(m.graph.initializers[0].second.has_value);
  CHECK(m.graph.initializers[1].second.reals == std::vector<double>(4, 0.0));
  const auto w = import_onnx(m);
  CHECK(w.layer(0).macs == 32);
  CHECK(w.layer(0).weight_params == 36);
}
