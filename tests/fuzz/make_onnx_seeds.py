#!/usr/bin/python3
"""Writes the ONNX seed corpus of the fuzz_onnx harness (tests/fuzz/corpus/onnx/).

Small real models, a few KB each (2-16 channels), that import cleanly and together reach every
op handler in workloads/ops_*.cpp, If-based exits, exit rates in metadata_props (the
eesim.exit.NAME / eesim.exit_rates convention of workloads/exit_profile.h), the tensor
encodings onnx_reader.cpp decodes (raw_data, typed fields, float16, external data) and three
opsets (9, 13, 18: Slice/Pad/Split/Reduce* moved attributes to inputs). One model is a PyTorch
export, with the exporter's own Shape -> Gather -> Concat -> Reshape arithmetic; two are
quantized (onnxruntime's QDQ and QOperator layouts).

Usage: /usr/bin/python3 tests/fuzz/make_onnx_seeds.py [OUT_DIR]
(default: tests/fuzz/corpus/onnx next to this script). Deterministic: fixed seeds throughout.
"""

import os
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

RNG = np.random.default_rng(0)
FLOAT = TensorProto.FLOAT


def weight(name, *dims):
    return numpy_helper.from_array(RNG.standard_normal(dims).astype(np.float32), name)


def ints(name, values, dtype=np.int64):
    return numpy_helper.from_array(np.array(values, dtype=dtype), name)


def scalar(name, value, dtype=np.float32):
    return numpy_helper.from_array(np.array(value, dtype=dtype), name)


def node(op, inputs, outputs, name=None, **attrs):
    return helper.make_node(op, inputs, outputs, name=name or outputs[0], **attrs)


def value(name, dims, elem=FLOAT):
    return helper.make_tensor_value_info(name, elem, dims)


def classifier(prefix, x, channels, classes=10):
    """GlobalAveragePool -> Flatten -> Gemm: the usual exit head; returns nodes, weights."""
    nodes = [node("GlobalAveragePool", [x], [prefix + "_gap"]),
             node("Flatten", [prefix + "_gap"], [prefix + "_flat"], axis=1),
             node("Gemm", [prefix + "_flat", prefix + "_w", prefix + "_b"], [prefix], transB=1)]
    return nodes, [weight(prefix + "_w", classes, channels), weight(prefix + "_b", classes)]


def model(graph, opset, rates=None, kind="unconditional"):
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="eesim-fuzz-seeds")
    m.ir_version = 8 if opset >= 13 else 4
    if rates:
        props = {"eesim.exit." + k: v for k, v in rates.items()}
        props["eesim.exit_rates"] = kind
        helper.set_model_props(m, props)
    if opset <= onnx.defs.onnx_opset_version():  # Debian 12's onnx 1.12 checks up to 17
        onnx.checker.check_model(m)
    return m


def conv_two_exits():
    """Conv net, outputs listed final-first: exit1 after the stem, exit2 after a stride-2 conv
    (1x1 conv, ReduceMean, MatMul + Add head); BatchNormalization folded into the stem conv."""
    e1, w1 = classifier("exit1", "r1", 4)
    nodes = [node("Conv", ["x", "c1_w"], ["c1"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             node("BatchNormalization", ["c1", "bn_s", "bn_b", "bn_m", "bn_v"], ["bn"]),
             node("Relu", ["bn"], ["r1"]), *e1,
             node("Conv", ["r1", "c2_w", "c2_b"], ["c2"], strides=[2, 2], pads=[1, 1, 1, 1]),
             node("Relu", ["c2"], ["r2"]),
             node("Conv", ["r2", "e2_w"], ["e2_c"], kernel_shape=[1, 1]),
             node("ReduceMean", ["e2_c"], ["e2_m"], axes=[2, 3], keepdims=0),
             node("MatMul", ["e2_m", "e2_fc"], ["e2_mm"]),
             node("Add", ["e2_mm", "e2_bias"], ["exit2"]),
             node("MaxPool", ["r2"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
             node("Conv", ["p", "c3_w"], ["c3"], kernel_shape=[1, 1]),
             node("Relu", ["c3"], ["r3"]),
             node("GlobalAveragePool", ["r3"], ["g"]),
             node("Flatten", ["g"], ["f"]),
             node("Gemm", ["f", "fc_w", "fc_b"], ["final"], transB=1)]
    inits = [weight("c1_w", 4, 3, 3, 3), *[weight("bn_" + k, 4) for k in "sbm"],
             numpy_helper.from_array(np.ones(4, np.float32), "bn_v"), *w1,
             weight("c2_w", 8, 4, 3, 3), weight("c2_b", 8), weight("e2_w", 4, 8, 1, 1),
             weight("e2_fc", 4, 10), weight("c3_w", 8, 8, 1, 1), weight("e2_bias", 10), weight("fc_w", 10, 8),
             weight("fc_b", 10)]
    g = helper.make_graph(nodes, "conv_two_exits", [value("x", [1, 3, 8, 8])],
                          [value("final", [1, 10]), value("exit2", [1, 10]),
                           value("exit1", [1, 10])], inits)
    return model(g, 13, {"exit1": "0.2", "exit2": "0.3"})


def confidence(prefix, logits):
    """Softmax -> ReduceMax -> Greater(threshold): an exit's decision, a scalar bool."""
    return [node("Softmax", [logits], [prefix + "_sm"], axis=1),
            node("ReduceMax", [prefix + "_sm"], [prefix + "_max"], keepdims=0),
            node("Greater", [prefix + "_max", "threshold"], [prefix + "_take"])]


def if_exits():
    """Two If-based exits, the second nested in the first's else branch, conditional rates."""
    e1, w1 = classifier("logits1", "r1", 4)
    e2, w2 = classifier("logits2", "r2", 8)
    fin, wf = classifier("logits3", "r3", 16)
    then2 = helper.make_graph([node("Identity", ["logits2"], ["exit2"])], "then2", [],
                              [value("exit2", [1, 10])])
    else2 = helper.make_graph(
        [node("Conv", ["r2", "c3_w"], ["c3"], kernel_shape=[3, 3], strides=[2, 2],
              auto_pad="SAME_UPPER"), node("Relu", ["c3"], ["r3"]), *fin,
         node("Identity", ["logits3"], ["final"])], "else2", [], [value("final", [1, 10])])
    then1 = helper.make_graph([node("Identity", ["logits1"], ["exit1"])], "then1", [],
                              [value("exit1", [1, 10])])
    else1 = helper.make_graph(
        [node("Conv", ["r1", "c2_w"], ["c2"], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
              strides=[2, 2]), node("Relu", ["c2"], ["r2"]), *e2, *confidence("d2", "logits2"),
         node("If", ["d2_take"], ["inner"], then_branch=then2, else_branch=else2)],
        "else1", [], [value("inner", [1, 10])])
    nodes = [node("Conv", ["x", "c1_w"], ["c1"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             node("Relu", ["c1"], ["r1"]), *e1, *confidence("d1", "logits1"),
             node("If", ["d1_take"], ["output"], then_branch=then1, else_branch=else1)]
    inits = [weight("c1_w", 4, 3, 3, 3), weight("c2_w", 8, 4, 3, 3),
             weight("c3_w", 16, 8, 3, 3), scalar("threshold", 0.9), *w1, *w2, *wf]
    g = helper.make_graph(nodes, "if_exits", [value("x", [1, 3, 8, 8])],
                          [value("output", [1, 10])], inits)
    return model(g, 13, {"exit1": "0.4", "exit2": "0.5"}, "conditional")


def mlp_gemm_matmul():
    """Fully connected net: Gemm with alpha/beta/transA, batched MatMul, 1-D MatMul, Softmax
    and LogSoftmax heads; one exit."""
    nodes = [node("Gemm", ["x", "w1", "b1"], ["h1"], alpha=0.5, beta=2.0),
             node("Relu", ["h1"], ["a1"]),
             node("Gemm", ["a1", "we"], ["le"], transB=1),
             node("Softmax", ["le"], ["exit1"], axis=1),
             node("Reshape", ["a1", "shape3"], ["a3"]),
             node("MatMul", ["a3", "w2"], ["h2"]),
             node("Add", ["h2", "b2"], ["h2b"]),
             node("Sigmoid", ["h2b"], ["s2"]),
             node("Mul", ["h2b", "s2"], ["silu"]),
             node("Flatten", ["silu"], ["f"], axis=1),
             node("MatMul", ["f", "v"], ["dot"]),
             node("Unsqueeze", ["dot"], ["dot2"], axes=[1]),
             node("Gemm", ["wt", "dot2"], ["h3"], transA=1),
             node("Transpose", ["h3"], ["h3t"], perm=[1, 0]),
             node("LogSoftmax", ["h3t"], ["final"], axis=-1)]
    inits = [weight("w1", 16, 32), weight("b1", 32), weight("we", 4, 32),
             ints("shape3", [1, 4, 8]), weight("w2", 8, 8), weight("b2", 8),
             weight("v", 32), weight("wt", 1, 6)]
    g = helper.make_graph(nodes, "mlp", [value("x", [1, 16])],
                          [value("exit1", [1, 4]), value("final", [1, 6])], inits)
    return model(g, 11, {"exit1": "0.35"})


def shape_arith():
    """Exporter shape arithmetic folded at import (Shape, Gather, Unsqueeze, Concat, Reshape),
    window ops with ceil_mode/auto_pad/dilations, Concat of branches, Pad, Split, Slice with
    negative steps, Squeeze/Unsqueeze with axes inputs; one exit on the concatenated features."""
    nodes = [node("Conv", ["x", "cw"], ["c"], kernel_shape=[3, 3], dilations=[2, 2],
                  pads=[2, 2, 2, 2]),
             node("Relu", ["c"], ["r"]),
             node("MaxPool", ["r"], ["mp"], kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1),
             node("AveragePool", ["r"], ["ap"], kernel_shape=[2, 2], strides=[2, 2],
                  auto_pad="SAME_LOWER"),
             node("Concat", ["mp", "ap"], ["cat"], axis=1),
             node("Pad", ["cat", "pads"], ["padded"], mode="constant"),
             node("Split", ["padded", "split"], ["s0", "s1"], axis=1),
             node("Add", ["s0", "s1"], ["sum"]),
             node("Slice", ["sum", "starts", "ends", "axes", "steps"], ["sl"]),
             node("Shape", ["sl"], ["shp"]),
             node("Gather", ["shp", "zero"], ["batch"], axis=0),
             node("Unsqueeze", ["batch", "axis0"], ["batch1"]),
             node("Concat", ["batch1", "minus1"], ["newshape"], axis=0),
             node("Reshape", ["sl", "newshape"], ["flat"]),
             node("Gemm", ["flat", "fw"], ["final"], transB=1),
             node("GlobalMaxPool", ["cat"], ["gmp"]),
             node("Squeeze", ["gmp", "axes23"], ["sq"]),
             node("Gemm", ["sq", "ew"], ["exit1"], transB=1)]
    inits = [weight("cw", 4, 2, 3, 3), ints("pads", [0, 0, 1, 1, 0, 0, 0, 0]),
             ints("split", [4, 4]), ints("starts", [-1, 0]), ints("ends", [-100, 100]),
             ints("axes", [2, 3]), ints("steps", [-2, 1]), ints("zero", 0),
             ints("axis0", [0]), ints("minus1", [-1]), weight("fw", 5, 60),
             ints("axes23", [2, 3]), weight("ew", 3, 8)]
    g = helper.make_graph(nodes, "shape_arith", [value("x", [1, 2, 7, 7])],
                          [value("final", [1, 5]), value("exit1", [1, 3])], inits)
    return model(g, 13, {"exit1": "0.1"})


def constants_opset18():
    """Opset 18: Constant, ConstantOfShape, Range, Cast, Where, Expand, Tile, Clip with inputs,
    ReduceMean with an axes input, Split with num_outputs, ArgMax, comparisons, Dropout,
    HardSwish, PRelu, Div, Pow, Sqrt, depthwise conv."""
    nodes = [node("Constant", [], ["k"], value=helper.make_tensor("kv", TensorProto.INT64, [2],
                                                                      [1, 2])),
             node("Constant", [], ["lo"], value_float=0.0),
             node("Constant", [], ["hi"], value_float=6.0),
             node("Range", ["r_start", "r_limit", "r_delta"], ["rng"]),
             node("Cast", ["rng"], ["rng_f"], to=FLOAT),
             node("ConstantOfShape", ["k"], ["ones"],
                  value=helper.make_tensor("one", FLOAT, [1], [1.0])),
             node("Conv", ["x", "dw"], ["d"], group=4, kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             node("Clip", ["d", "lo", "hi"], ["relu6"]),
             node("HardSwish", ["relu6"], ["hs"]),
             node("PRelu", ["hs", "slope"], ["pr"]),
             node("Split", ["pr"], ["p0", "p1"], axis=1, num_outputs=2),
             node("Tile", ["p0", "reps"], ["t"]),
             node("ReduceMean", ["p1", "axis1"], ["p1_mean"], keepdims=1),
             node("Expand", ["p1_mean", "shape4"], ["ex"]),
             node("Sub", ["t", "ex"], ["diff"]),
             node("Pow", ["diff", "two"], ["sq"]),
             node("Sqrt", ["sq"], ["absd"]),
             node("Div", ["absd", "rng_f"], ["scaled"]),
             node("ReduceMean", ["scaled", "axes"], ["gm"], keepdims=1),
             node("Dropout", ["gm"], ["dr"]),
             node("Flatten", ["dr"], ["fl"]),
             node("Gemm", ["fl", "fw"], ["final"], transB=1),
             node("ArgMax", ["final"], ["cls"], axis=1, keepdims=0),
             node("Equal", ["cls", "zero64"], ["is0"]),
             node("Not", ["is0"], ["not0"]),
             node("ReduceMax", ["p1", "axes"], ["pm"], keepdims=0),
             node("Greater", ["pm", "half"], ["conf"]),
             node("Where", ["conf", "pm", "half"], ["exit1"])]
    inits = [scalar("r_start", 1, np.int64), scalar("r_limit", 7, np.int64),
             scalar("r_delta", 2, np.int64), weight("dw", 4, 1, 3, 3), weight("slope", 4, 1, 1),
             ints("reps", [1, 2, 1, 1]), ints("shape4", [1, 4, 6, 3]), ints("axis1", [1]), scalar("two", 2.0),
             ints("axes", [2, 3]), weight("fw", 10, 4), scalar("zero64", 0, np.int64),
             scalar("half", 0.5)]
    g = helper.make_graph(nodes, "constants18", [value("x", [1, 4, 6, 3])],
                          [value("final", [1, 10]), value("exit1", [1, 2])], inits)
    return model(g, 18, {"exit1": "0.25"})


def dtypes_opset9():
    """Opset 9 attribute forms (Slice, Pad, Squeeze/Unsqueeze axes) and the tensor encodings:
    float16 in int32_data, typed int32/int64/double fields, uint8/int8/bool raw_data, a weight
    stored as external data; a symbolic batch dimension; a BatchNormalization left standing."""
    f16 = helper.make_tensor("f16", TensorProto.FLOAT16, [2],
                             np.array([1.5, -2.0], np.float16).view(np.uint16).tolist())
    i32 = helper.make_tensor("i32", TensorProto.INT32, [3], [2, 3, 4])
    dbl = helper.make_tensor("dbl", TensorProto.DOUBLE, [2], [0.25, 4.0])
    u8 = numpy_helper.from_array(np.array([1, 2, 3], np.uint8), "u8")
    i8 = numpy_helper.from_array(np.array([-1, 0, 1], np.int8), "i8")
    b = numpy_helper.from_array(np.array([True, False]), "bools")
    ext = TensorProto(name="ext_w", data_type=FLOAT, dims=[2, 4])
    ext.data_location = TensorProto.EXTERNAL
    for k, v in (("location", "weights.bin"), ("offset", "0"), ("length", "32")):
        entry = ext.external_data.add()
        entry.key, entry.value = k, v
    nodes = [node("Relu", ["x"], ["r"]),
             node("BatchNormalization", ["r", "bn_s", "bn_b", "bn_m", "bn_v"], ["bn"]),
             node("Slice", ["bn"], ["sl"], starts=[0, 1], ends=[2, 5], axes=[1, 2]),
             node("Pad", ["sl"], ["pd"], pads=[0, 0, 1, 0, 0, 0, 0, 0], mode="reflect"),
             node("Squeeze", ["pd"], ["sq"], axes=[3]),
             node("Unsqueeze", ["sq"], ["us"], axes=[3]),
             node("ReduceSum", ["us"], ["rs"], axes=[2, 3], keepdims=0),
             node("Cast", ["i32"], ["i32_f"], to=FLOAT),
             node("Cast", ["f16"], ["f16_f"], to=TensorProto.DOUBLE),
             node("Mul", ["dbl", "f16_f"], ["prod"]),
             node("Cast", ["u8"], ["u8_64"], to=TensorProto.INT64),
             node("Cast", ["i8"], ["i8_64"], to=TensorProto.INT64),
             node("Add", ["u8_64", "i8_64"], ["idx_sum"]),
             node("Gemm", ["rs", "ext_w"], ["g"]),
             node("Relu", ["g"], ["final"]),
             node("Tanh", ["rs"], ["exit1"])]
    inits = [*[weight("bn_" + k, 2) for k in "sbm"],
             numpy_helper.from_array(np.ones(2, np.float32), "bn_v"),
             f16, i32, dbl, u8, i8, b, ext]
    x = helper.make_tensor_value_info("x", FLOAT, ["N", 2, 6, 1])
    g = helper.make_graph(nodes, "dtypes9", [x], [value("final", [1, 4]), value("exit1", [1, 2])],
                          inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 9)],
                          producer_name="eesim-fuzz-seeds")
    m.ir_version = 4
    helper.set_model_props(m, {"eesim.exit.exit1": "0.5"})
    return m  # external data: the checker would look for weights.bin


def torch_two_exits():
    """A PyTorch export (opset 13, dynamic batch): the exporter's own node names, Constant
    nodes and Shape/Gather/Concat/Reshape for x.view(x.size(0), -1)."""
    import torch
    from torch import nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU())
            self.exit1 = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 10))
            self.body = nn.Sequential(nn.Conv2d(4, 8, 3, stride=2, padding=1), nn.ReLU6(),
                                      nn.MaxPool2d(2))
            self.exit2 = nn.Linear(8 * 2 * 2, 10)
            self.fc = nn.Linear(8, 10)

        def forward(self, x):
            x = self.stem(x)
            e1 = self.exit1(x)
            x = self.body(x)
            e2 = self.exit2(x.view(x.size(0), -1))
            return self.fc(x.mean(dim=(2, 3))), e2, e1

    torch.manual_seed(0)
    net = Net().eval()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "net.onnx")
        torch.onnx.export(net, (torch.randn(1, 3, 8, 8),), path, opset_version=13,
                          input_names=["input"], output_names=["final", "exit2", "exit1"],
                          dynamic_axes={"input": {0: "batch"}})
        m = onnx.load(path)
    helper.set_model_props(m, {"eesim.exit.exit1": "0.3", "eesim.exit.exit2": "0.3",
                               "eesim.exit_rates": "unconditional"})
    return m


def q_params(prefix, count=0, dtype=np.uint8):
    """A quantizer's scale and zero point: scalars, or [count] per channel."""
    shape = (count,) if count else ()
    return [numpy_helper.from_array(np.full(shape, 0.02, np.float32), prefix + "_scale"),
            numpy_helper.from_array(np.zeros(shape, dtype), prefix + "_zp")]


def qdq(x, nodes, inits):
    """QuantizeLinear -> DequantizeLinear on activation x (uint8, per tensor)."""
    inits += q_params(x)
    nodes += [node("QuantizeLinear", [x, x + "_scale", x + "_zp"], [x + "_q"]),
              node("DequantizeLinear", [x + "_q", x + "_scale", x + "_zp"], [x + "_dq"])]
    return x + "_dq"


def dq_weight(name, dims, nodes, inits, channels=0, dtype=np.int8):
    """An integer initializer feeding DequantizeLinear (per channel along axis 0 if asked)."""
    inits.append(numpy_helper.from_array(np.zeros(dims, dtype), name + "_q"))
    inits += q_params(name, channels, dtype)
    nodes.append(node("DequantizeLinear", [name + "_q", name + "_scale", name + "_zp"],
                      [name + "_dq"], **({"axis": 0} if channels else {})))
    return name + "_dq"


def qdq_exit():
    """onnxruntime's QDQ layout (quantize_static): int8 per-channel conv weights, int32 biases,
    uint8 activations in Q -> DQ pairs; an exit after the first conv and the final output."""
    nodes, inits = [], []
    x = qdq("input", nodes, inits)
    nodes.append(node("Conv", [x, dq_weight("w1", (8, 3, 3, 3), nodes, inits, 8),
                               dq_weight("b1", (8,), nodes, inits, 8, np.int32)], ["c1"],
                      pads=[1, 1, 1, 1]))
    c1 = qdq("c1", nodes, inits)
    nodes.append(node("GlobalAveragePool", [c1], ["g1"]))
    nodes.append(node("Flatten", [qdq("g1", nodes, inits)], ["f1"]))
    nodes.append(node("Gemm", ["f1", dq_weight("e1", (10, 8), nodes, inits)], ["exit1"], transB=1))
    nodes.append(node("Conv", [c1, dq_weight("w2", (16, 8, 3, 3), nodes, inits, 16)], ["c2"],
                      strides=[2, 2], pads=[1, 1, 1, 1]))
    nodes.append(node("GlobalAveragePool", [qdq("c2", nodes, inits)], ["g2"]))
    nodes.append(node("Flatten", [qdq("g2", nodes, inits)], ["f2"]))
    nodes.append(node("Gemm", ["f2", dq_weight("fc", (10, 16), nodes, inits)], ["final"],
                      transB=1))
    graph = helper.make_graph(nodes, "qdq_exit", [value("input", [1, 3, 8, 8])],
                              [value("final", [1, 10]), value("exit1", [1, 10])], inits)
    return model(graph, 13, {"exit1": "0.4"})


def qoperator_ops():
    """onnxruntime's QOperator layout: every QLinear*/Integer op eesim reads, com.microsoft
    ones included; an int32 MatMulInteger exit and a QGemm final output."""
    inits = q_params("s") + q_params("sw", 0, np.int8) + [numpy_helper.from_array(np.zeros(d, t), n) for n, d, t in (
        ("w", (4, 3, 3, 3), np.int8), ("b", (4,), np.int32), ("wc", (4, 4, 1, 1), np.int8),
        ("m", (8, 10), np.int8), ("e", (4, 10), np.uint8), ("fc", (10, 8), np.int8))]
    s, sw = ["s_scale", "s_zp"], ["sw_scale", "sw_zp"]

    def ms(op, inputs, out, **attrs):
        return helper.make_node(op, inputs, [out], name=out, domain="com.microsoft", **attrs)

    nodes = [node("QuantizeLinear", ["input"] + s, ["xq"]),
             node("QLinearConv", ["xq"] + s + ["w"] + sw + s + ["b"], ["c"], pads=[1, 1, 1, 1]),
             ms("QLinearLeakyRelu", ["c"] + s + s, "r", alpha=0.1),
             ms("QLinearAveragePool", ["r"] + s + s, "p", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             ms("QLinearSigmoid", ["r"] + s + s, "sg"),
             ms("QLinearAdd", ["p"] + s + ["sg"] + s + s, "a"),
             ms("QLinearMul", ["a"] + s + ["r"] + s + s, "mu"),
             node("ConvInteger", ["mu", "wc", "s_zp"], ["ci"]),
             node("Cast", ["ci"], ["cf"], to=FLOAT),
             node("QuantizeLinear", ["cf"] + s, ["cq"]),
             ms("QLinearConcat", s + ["cq"] + s + ["r"] + s, "cat", axis=1),
             ms("QLinearGlobalAveragePool", ["cat"] + s + s, "g"),
             node("Flatten", ["g"], ["f"]),
             node("QLinearMatMul", ["f"] + s + ["m"] + sw + s, ["mm"]),
             ms("QGemm", ["f"] + s + ["fc"] + sw + ["b8"] + s, "qg", transB=1),
             node("DequantizeLinear", ["qg"] + s, ["final"]),
             node("GlobalAveragePool", ["r"], ["gr"]),
             node("Flatten", ["gr"], ["fr"]),
             node("MatMulInteger", ["fr", "e"], ["exit1"])]
    inits.append(numpy_helper.from_array(np.zeros((8,), np.int32), "b8"))
    graph = helper.make_graph(nodes, "qoperator_ops", [value("input", [1, 3, 8, 8])],
                              [value("final", [1, 10]), value("exit1", [1, 10], TensorProto.INT32),
                               value("mm", [1, 10], TensorProto.UINT8)], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13),
                                                helper.make_opsetid("com.microsoft", 1)],
                          producer_name="eesim-fuzz-seeds")
    m.ir_version = 8
    return m


SEEDS = [conv_two_exits, if_exits, mlp_gemm_matmul, shape_arith, constants_opset18,
         dtypes_opset9, torch_two_exits, qdq_exit, qoperator_ops]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus", "onnx")
    os.makedirs(out, exist_ok=True)
    for make in SEEDS:
        path = os.path.join(out, make.__name__ + ".onnx")
        data = make().SerializeToString()
        assert len(data) < 64 * 1024, (path, len(data))
        with open(path, "wb") as f:
            f.write(data)
        print(f"{path}: {len(data)} bytes")


if __name__ == "__main__":
    main()
