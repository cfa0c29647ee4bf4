// Weight density measured from the file's weights (ImportOptions::measure_density): hand-counted
// non-zero elements in each payload form (raw_data, typed fields, fp16, external data) and in
// the quantized layouts (zero = the zero point, per tensor and per channel), traced through the
// chains exporters write; what cannot be traced is reported, never claimed dense.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "tests/workloads/quant_nets.h"
#include "workloads/weight_density.h"

using eesim::testing::float_net;
using eesim::testing::layer;
using eesim::testing::OnnxBuilder;
using eesim::testing::qdq_net;
using eesim::testing::qoperator_net;
using eesim::testing::set_ints;
using eesim::testing::typed_tensor;
using eesim::workloads::DensitySource;
using eesim::workloads::ImportOptions;
using eesim::workloads::ReadOptions;
using eesim::workloads::Workload;

namespace {

namespace fs = std::filesystem;
namespace wl = eesim::workloads;
using Tensor = eesim_onnx::TensorProto;

template <typename T>
std::string bytes_of(const std::vector<T>& values) {
  std::string out(values.size() * sizeof(T), '\0');
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

Tensor& initializer(OnnxBuilder& b, const std::string& name) {
  for (auto& t : *b.graph().mutable_initializer())
    if (t.name() == name) return t;
  throw std::runtime_error("no initializer " + name);
}

ReadOptions with_weights() {
  ReadOptions r;
  r.weights = true;
  return r;
}

Workload measure(const OnnxBuilder& b) {
  ImportOptions o;
  o.measure_density = true;
  return wl::import_onnx(wl::read_onnx_bytes(b.bytes(), "test.onnx", with_weights()), o);
}

// conv w [4,3,3,3] = 108 floats: 27 of them (every 4th) 1.5, the rest +0 or -0.
std::vector<float> conv_quarter() {
  std::vector<float> w(108, 0.0f);
  for (size_t i = 0; i < w.size(); ++i) w[i] = i % 4 == 0 ? 1.5f : (i % 4 == 1 ? -0.0f : 0.0f);
  return w;
}

// Per output channel c of [4,3,3,3] with zero point c: elements 0..8 hold c+1 (non-zero), the
// rest c (zero), except channel 1's elements 9..17, which hold 0: not its zero point, so
// non-zero. 4 x 9 + 9 = 45 of 108.
std::vector<int8_t> conv_per_channel() {
  std::vector<int8_t> w(108);
  for (int c = 0; c < 4; ++c)
    for (int k = 0; k < 27; ++k)
      w[c * 27 + k] = static_cast<int8_t>(k < 9 ? c + 1 : (c == 1 && k < 18 ? 0 : c));
  return w;
}

void set_zero_points(OnnxBuilder& b, const std::string& name, const std::vector<int8_t>& zp) {
  initializer(b, name).set_raw_data(bytes_of(zp));
}

// A Constant node 'cq' holding an int8 [256, 10] tensor with 256 non-zero values (9), as
// PyTorch's quantized export writes weights.
void constant_int8_weight(OnnxBuilder& b) {
  auto& c = b.node("Constant", {}, {"cq"}, "const");
  auto* a = c.add_attribute();
  a->set_name("value");
  a->set_type(eesim_onnx::AttributeProto::TENSOR);
  a->mutable_t()->set_data_type(Tensor::INT8);
  for (int64_t d : {256, 10}) a->mutable_t()->add_dims(d);
  std::vector<int8_t> q(2560, 0);
  for (size_t i = 0; i < 256; ++i) q[i] = 9;
  a->mutable_t()->set_raw_data(bytes_of(q));
}

}  // namespace

TEST_CASE("density: not asked for, weights are not read and every density is 1 (assumed)") {
  OnnxBuilder b = float_net();
  initializer(b, "w").set_raw_data(bytes_of(conv_quarter()));
  const wl::OnnxModel m = wl::read_onnx_bytes(b.bytes(), "test.onnx");
  CHECK_FALSE(m.weights_read);
  for (const auto& [name, t] : m.graph.initializers) CHECK(t.payload == nullptr);
  const Workload w = wl::import_onnx(m);
  CHECK(layer(w, "conv").weight_density == 1.0);
  CHECK(layer(w, "conv").density_source == DensitySource::kAssumed);
  CHECK(w.warnings.empty());
  ImportOptions o;
  o.measure_density = true;  // without the weights: a clear error, not a silent 1
  CHECK_THROWS_WITH_AS(wl::import_onnx(m, o), doctest::Contains("read without its weights"),
                       eesim::Error);
}

TEST_CASE("density fp32: raw_data 27 of 108 non-zero (-0 is zero) and float_data 256 of 2560") {
  OnnxBuilder b = float_net();
  initializer(b, "w").set_raw_data(bytes_of(conv_quarter()));
  Tensor& fc = initializer(b, "fc_w");
  fc.clear_raw_data();
  for (int i = 0; i < 2560; ++i) fc.add_float_data(i % 10 == 0 ? -2.0f : 0.0f);
  const Workload w = measure(b);
  CHECK(layer(w, "conv").weight_density == doctest::Approx(0.25));
  CHECK(layer(w, "conv").density_source == DensitySource::kMeasured);
  CHECK(layer(w, "fc").weight_density == doctest::Approx(0.1));
  CHECK(layer(w, "relu").density_source == DensitySource::kAssumed);  // no weights
  CHECK(w.warnings.empty());
}

TEST_CASE("density fp16: raw bits 54 of 108 (0x8000 is -0) and int32_data bits 256 of 2560") {
  OnnxBuilder b = float_net(Tensor::FLOAT16, 2);
  std::vector<uint16_t> w(108, 0x8000);
  for (size_t i = 0; i < 54; ++i) w[i * 2] = 0x3c00;  // 1.0
  initializer(b, "w").set_raw_data(bytes_of(w));
  Tensor& fc = initializer(b, "fc_w");
  fc.clear_raw_data();
  for (int i = 0; i < 2560; ++i) fc.add_int32_data(i < 256 ? 0x0001 : 0);  // smallest subnormal
  const Workload w2 = measure(b);
  CHECK(layer(w2, "conv").weight_density == doctest::Approx(0.5));
  CHECK(layer(w2, "fc").weight_density == doctest::Approx(0.1));
}

TEST_CASE(
    "density int8 QDQ: per-channel zero points 45 of 108, per-tensor zero point 3: 512 of "
    "2560") {
  OnnxBuilder b = qdq_net();
  initializer(b, "w_q").set_raw_data(bytes_of(conv_per_channel()));
  set_zero_points(b, "w_zp", {0, 1, 2, 3});
  std::vector<int8_t> fc(2560, 3);
  for (size_t i = 0; i < 512; ++i) fc[i * 5] = 0;  // 0 is not the zero point 3: non-zero
  initializer(b, "fc_w_q").set_raw_data(bytes_of(fc));
  set_zero_points(b, "fc_w_zp", {3});
  const Workload w = measure(b);
  CHECK(layer(w, "conv").weight_density == doctest::Approx(45.0 / 108));
  CHECK(layer(w, "fc").weight_density == doctest::Approx(0.2));
  CHECK(w.warnings.empty());
}

TEST_CASE("density QOperator: QLinearConv's w against its per-channel w_zero_point, QGemm's B") {
  OnnxBuilder b = qoperator_net();
  initializer(b, "w_q").set_raw_data(bytes_of(conv_per_channel()));
  set_zero_points(b, "w_zp", {0, 1, 2, 3});
  std::vector<int8_t> fc(2560, -7);
  for (size_t i = 0; i < 1280; ++i) fc[i] = 1;
  initializer(b, "fc_w_q").set_raw_data(bytes_of(fc));
  set_zero_points(b, "fc_w_zp", {-7});
  const Workload w = measure(b);
  CHECK(layer(w, "conv").weight_density == doctest::Approx(45.0 / 108));
  CHECK(layer(w, "fc").weight_density == doctest::Approx(0.5));
}

TEST_CASE("density ConvInteger: int8 w typed in int32_data, no zero point: zero is 0") {
  OnnxBuilder b(13);
  eesim::testing::typed_input(b, "xq", Tensor::UINT8, {1, 3, 8, 8});
  b.output("y");
  Tensor* w = b.graph().add_initializer();
  w->set_name("w");
  w->set_data_type(Tensor::INT8);
  for (int64_t d : {4, 3, 3, 3}) w->add_dims(d);
  for (int i = 0; i < 108; ++i) w->add_int32_data(i < 81 ? -1 : 0);
  b.node("ConvInteger", {"xq", "w"}, {"y"}, "conv");
  const Workload wl2 = measure(b);
  CHECK(layer(wl2, "conv").weight_density == doctest::Approx(0.75));
}

TEST_CASE(
    "density QDQ of a float weight: zero where QuantizeLinear rounds or saturates to the "
    "zero point") {
  OnnxBuilder b(13);
  b.input("x", {1, 3, 8, 8}).output("y");
  // conv w [4,3,3,3], scales per channel [0.1,0.1,0.1,1], int8 zero points 0, each channel's 27
  // weights cycling 0.04, 0.06, -0.2(c+1): at scale 0.1 they round to 0, 1, -2(c+1) (18 of 27
  // non-zero); at scale 1 (channel 3) to 0, 0, -1 (9 of 27). 63 of 108. PyTorch 1.13's Cast
  // between QuantizeLinear and DequantizeLinear is traced through.
  std::vector<float> w(108);
  for (int c = 0; c < 4; ++c)
    for (int k = 0; k < 27; ++k)
      w[c * 27 + k] = k % 3 == 0 ? 0.04f : (k % 3 == 1 ? 0.06f : -0.2f * static_cast<float>(c + 1));
  typed_tensor(b, "w", Tensor::FLOAT, {4, 3, 3, 3}, 4);
  initializer(b, "w").set_raw_data(bytes_of(w));
  eesim::testing::quant_params(b, "w", 4, Tensor::INT8, 1);
  initializer(b, "w_scale").set_raw_data(bytes_of(std::vector<float>{0.1f, 0.1f, 0.1f, 1.0f}));
  eesim::testing::set_int(b.node("QuantizeLinear", {"w", "w_scale", "w_zp"}, {"wq"}, "q"), "axis",
                          0);
  eesim::testing::set_int(b.node("Cast", {"wq"}, {"wc"}, "cast"), "to", Tensor::INT8);
  eesim::testing::set_int(b.node("DequantizeLinear", {"wc", "w_scale", "w_zp"}, {"wd"}, "dq"),
                          "axis", 0);
  b.node("Conv", {"x", "wd"}, {"c"}, "conv");
  // fc [10,144] per tensor, scale 1, uint8 zero point 0: the first 360 weights cycle 2 (stays
  // 2), -3 (saturates to 0), 0.4, 0.4 (round to 0); the rest are 0.4: 90 of 1,440 non-zero.
  b.node("Flatten", {"c"}, {"f"}, "flatten");
  std::vector<float> fc(360);
  for (size_t i = 0; i < fc.size(); ++i) fc[i] = i % 4 == 0 ? 2.0f : (i % 4 == 1 ? -3.0f : 0.4f);
  typed_tensor(b, "fc_w", Tensor::FLOAT, {10, 144}, 4);
  fc.resize(1440, 0.4f);
  initializer(b, "fc_w").set_raw_data(bytes_of(fc));
  eesim::testing::quant_params(b, "fc", 0, Tensor::UINT8, 1);
  initializer(b, "fc_scale").set_raw_data(bytes_of(std::vector<float>{1.0f}));
  b.node("QuantizeLinear", {"fc_w", "fc_scale", "fc_zp"}, {"fcq"}, "fc_q");
  b.node("DequantizeLinear", {"fcq", "fc_scale", "fc_zp"}, {"fcd"}, "fc_dq");
  eesim::testing::set_int(b.node("Gemm", {"f", "fcd"}, {"y"}, "fc"), "transB", 1);
  const Workload m = measure(b);
  CHECK(layer(m, "conv").weight_density == doctest::Approx(63.0 / 108));
  CHECK(layer(m, "fc").weight_density == doctest::Approx(90.0 / 1440));
  CHECK(m.warnings.empty());
}

TEST_CASE("density through a Transpose of the initializer, a Constant node and a folded Mul") {
  OnnxBuilder b(13);
  b.input("x0", {1, 256}).output("y").output("y2");
  b.node("Relu", {"x0"}, {"x"}, "relu");  // the layer both outputs share
  std::vector<float> wt(2560, 0.0f);      // [256,10], transposed to fc's [10,256]: 640 non-zero
  for (size_t i = 0; i < 640; ++i) wt[i * 4] = 0.5f;
  typed_tensor(b, "wt", Tensor::FLOAT, {256, 10}, 4);
  initializer(b, "wt").set_raw_data(bytes_of(wt));
  set_ints(b.node("Transpose", {"wt"}, {"w"}, "t"), "perm", {1, 0});
  eesim::testing::set_int(b.node("Gemm", {"x", "w"}, {"y"}, "fc"), "transB", 1);
  // A Constant node's int8 tensor (PyTorch's quantized export) through DequantizeLinear.
  constant_int8_weight(b);
  b.scalar("s", 0.1f);
  b.node("DequantizeLinear", {"cq", "s"}, {"cw"}, "dq");
  // Weight arithmetic the import folds (2,560 values): counted on the folded value.
  b.scalar("two", 2.0f);
  b.node("Mul", {"cw", "two"}, {"cw2"}, "scale");
  b.node("MatMul", {"x", "cw2"}, {"y2"}, "fc2");
  const Workload w = measure(b);
  CHECK(layer(w, "fc").weight_density == doctest::Approx(0.25));
  // The DequantizeLinear output holds no values, so the Mul on it is not folded: not traced.
  CHECK(layer(w, "fc2").density_source == DensitySource::kUnmeasured);
  CHECK(layer(w, "fc2").weight_density == 1.0);
  REQUIRE(w.warnings.size() == 1);
  CHECK(w.warnings[0].find("layer 'fc2': weight density not measured") == 0);
  CHECK(w.warnings[0].find("computed by Mul 'scale'") != std::string::npos);
}

TEST_CASE("density: a DequantizeLinear of a Constant int8 tensor, and small folded arithmetic") {
  OnnxBuilder b(13);
  b.input("x0", {1, 256}).output("y").output("y2");
  b.node("Relu", {"x0"}, {"x"}, "relu");  // the layer both outputs share
  constant_int8_weight(b);
  b.scalar("s", 0.1f);
  b.node("DequantizeLinear", {"cq", "s"}, {"cw"}, "dq");
  b.node("MatMul", {"x", "cw"}, {"y"}, "fc");
  std::vector<float> f(2560, 0.0f);
  for (size_t i = 0; i < 128; ++i) f[i] = 1.0f;
  typed_tensor(b, "f", Tensor::FLOAT, {256, 10}, 4);
  initializer(b, "f").set_raw_data(bytes_of(f));
  b.scalar("two", 2.0f);
  b.node("Mul", {"f", "two"}, {"f2"}, "scale");  // folded: 2,560 values known at import
  b.node("MatMul", {"x", "f2"}, {"y2"}, "fc2");
  const Workload w = measure(b);
  CHECK(layer(w, "fc").weight_density == doctest::Approx(0.1));
  CHECK(layer(w, "fc2").weight_density == doctest::Approx(0.05));
  CHECK(layer(w, "fc2").density_source == DensitySource::kMeasured);
}

TEST_CASE("density: per-channel zero points behind a Transpose are reported, not guessed") {
  OnnxBuilder b(13);
  b.input("x", {1, 4}).output("y");
  typed_tensor(b, "q", Tensor::INT8, {4, 4}, 1);  // transposed before its per-channel DQ
  b.graph().mutable_initializer()->rbegin()->set_raw_data(
      bytes_of(std::vector<int8_t>{1, 1, 1, 1, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0}));
  set_ints(b.node("Transpose", {"q"}, {"qt"}, "t"), "perm", {1, 0});
  eesim::testing::quant_params(b, "w", 4, Tensor::INT8, 1);
  set_zero_points(b, "w_zp", {0, 1, 0, 1});
  eesim::testing::set_int(b.node("DequantizeLinear", {"qt", "w_scale", "w_zp"}, {"w"}, "dq"),
                          "axis", 1);
  b.node("MatMul", {"x", "w"}, {"y"}, "fc");
  const Workload w = measure(b);
  CHECK(layer(w, "fc").density_source == DensitySource::kUnmeasured);
  REQUIRE(w.warnings.size() == 1);
  CHECK(w.warnings[0].find("per-channel zero points of 'q' apply after a Transpose") !=
        std::string::npos);
}

TEST_CASE("density: a large weight the import cannot fold (Mul of 76,800 values) is unmeasured") {
  OnnxBuilder b(13);
  b.input("x", {1, 256}).output("y");
  b.weight("big", {256, 300});
  b.scalar("two", 2.0f);
  b.node("Mul", {"big", "two"}, {"big2"}, "scale");
  b.node("MatMul", {"x", "big2"}, {"y"}, "fc");
  const Workload w = measure(b);
  CHECK(layer(w, "fc").weight_density == 1.0);
  CHECK(layer(w, "fc").density_source == DensitySource::kUnmeasured);
  REQUIRE(w.warnings.size() == 1);
}

TEST_CASE("density: external data at an offset, relative to the model's directory") {
  const fs::path dir = fs::temp_directory_path() / "eesim_test_density_external";
  fs::create_directories(dir);
  OnnxBuilder b = float_net();
  std::vector<float> fc(2560, 0.0f);
  for (size_t i = 0; i < 768; ++i) fc[i] = 3.0f;
  Tensor& t = initializer(b, "fc_w");
  t.clear_raw_data();
  t.set_data_location(Tensor::EXTERNAL);
  auto entry = [&](const std::string& k, const std::string& v) {
    auto* e = t.add_external_data();
    e->set_key(k);
    e->set_value(v);
  };
  entry("location", "weights.bin");
  entry("offset", "16");
  entry("length", "10240");
  {
    std::ofstream f(dir / "weights.bin", std::ios::binary);
    f << std::string(16, 'x') << bytes_of(fc);
  }
  {
    std::ofstream f(dir / "model.onnx", std::ios::binary);
    f << b.bytes();
  }
  ImportOptions o;
  o.measure_density = true;
  const Workload w = wl::load_workload((dir / "model.onnx").string(), o);
  CHECK(layer(w, "fc").weight_density == doctest::Approx(0.3));
  // Without --measure-density the external file is never opened.
  fs::remove(dir / "weights.bin");
  CHECK(layer(wl::load_workload((dir / "model.onnx").string()), "fc").weight_density == 1.0);
  CHECK_THROWS_WITH_AS(wl::load_workload((dir / "model.onnx").string(), o),
                       doctest::Contains("initializer 'fc_w': external data file '"), eesim::Error);
  CHECK_THROWS_WITH_AS(wl::load_workload((dir / "model.onnx").string(), o),
                       doctest::Contains("weights.bin' is missing"), eesim::Error);
  {
    std::ofstream f(dir / "weights.bin", std::ios::binary);
    f << std::string(16, 'x') << bytes_of(fc).substr(0, 5000);  // truncated
  }
  CHECK_THROWS_WITH_AS(wl::load_workload((dir / "model.onnx").string(), o),
                       doctest::Contains("holds 5016 bytes; the tensor needs 10240 from offset 16"),
                       eesim::Error);
  // From bytes there is no directory to find it in.
  CHECK_THROWS_WITH_AS(wl::read_onnx_bytes(b.bytes(), "mem.onnx", with_weights()),
                       doctest::Contains("mem.onnx: initializer 'fc_w': external data in "
                                         "'weights.bin' cannot be found without the model's "
                                         "directory"),
                       eesim::Error);
  fs::remove_all(dir);
}

TEST_CASE("density errors: truncated raw_data and a short typed field name file and tensor") {
  OnnxBuilder b = float_net();
  initializer(b, "fc_w").set_raw_data(std::string(1000, '\0'));
  CHECK_THROWS_WITH_AS(
      measure(b),
      doctest::Contains("test.onnx: initializer 'fc_w': raw_data holds 1000 bytes, its dims and "
                        "type need 10240"),
      eesim::Error);
  // 70,000 elements: above the size whose values the skeleton read keeps, so only a read with
  // the weights checks the count.
  OnnxBuilder big(13);
  big.input("x", {1, 7}).output("y");
  Tensor* t = big.graph().add_initializer();
  t->set_name("w");
  t->set_data_type(Tensor::FLOAT);
  t->add_dims(7);
  t->add_dims(10000);
  for (int i = 0; i < 100; ++i) t->add_float_data(1.0f);
  big.node("MatMul", {"x", "w"}, {"y"}, "fc");
  CHECK_NOTHROW(big.import());
  CHECK_THROWS_WITH_AS(
      measure(big),
      doctest::Contains("test.onnx: initializer 'w': holds 100 values, its dims say 70000"),
      eesim::Error);
}

TEST_CASE("count_nonzero: bit patterns for floats, zero points per channel for integers") {
  wl::TensorData t;
  t.dtype = wl::DataType::kDouble;
  t.dims = {4};
  t.payload =
      std::make_shared<const std::string>(bytes_of(std::vector<double>{0.0, -0.0, 1e-300, NAN}));
  CHECK(*wl::count_nonzero(t, {}) == 2);
  t.dtype = wl::DataType::kUint8;
  t.dims = {2, 3};
  t.payload =
      std::make_shared<const std::string>(bytes_of(std::vector<uint8_t>{128, 128, 0, 5, 5, 5}));
  CHECK(*wl::count_nonzero(t, {{128}, 0}) == 4);
  CHECK(*wl::count_nonzero(t, {{128, 5}, 0}) == 1);       // per row
  CHECK(*wl::count_nonzero(t, {{128, 128, 0}, 1}) == 3);  // per column
  CHECK(*wl::count_nonzero(t, {{5, 5, 5}, -1}) == 3);     // all equal: per tensor
  CHECK_FALSE(wl::count_nonzero(t, {{1, 2, 3, 4}, 1}));   // does not fit the dims
}
