"""Small models in the layouts quantizers and fp16 converters write, built with onnx.helper.

The network: x [1,3,8,8] -> conv 3x3 (3->4, pad 1) -> maxpool 2x2 -> flatten -> fc (64->10).
Counts by hand: conv 4*8*8 outputs x 27 = 6,912 MACs, 108 weights + 4 biases; maxpool
[1,4,4,4] = 64 outputs x 4 = 256 ops; fc 64*10 = 640 MACs, 640 weights + 10 biases.
"""

import numpy as np
from onnx import TensorProto, helper, mapping, numpy_helper

CONV_W, CONV_B, FC_W, FC_B = (4, 3, 3, 3), (4,), (10, 64), (10,)
CONV_MACS, FC_MACS, POOL_OPS = 6912, 640, 256


def _init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def float_model(dtype=np.float32):
    """The float twin; dtype float16 gives what a float16 converter (keep_io_types=False) writes:
    every initializer, input and output in half precision."""
    elem = mapping.NP_TYPE_TO_TENSOR_TYPE[np.dtype(dtype)]
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], "conv", pads=[1, 1, 1, 1]),
        helper.make_node("MaxPool", ["c"], ["p"], "pool", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["p"], ["f"], "flatten"),
        helper.make_node("Gemm", ["f", "fc_w", "fc_b"], ["y"], "fc", transB=1),
    ]
    inits = [_init(n, np.zeros(s, dtype)) for n, s in
             (("w", CONV_W), ("b", CONV_B), ("fc_w", FC_W), ("fc_b", FC_B))]
    graph = helper.make_graph(nodes, "float", [helper.make_tensor_value_info("x", elem, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("y", elem, [1, 10])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def ort_qdq_model():
    """onnxruntime's QDQ layout, as quantize_static(..., quant_format=QuantFormat.QDQ,
    per_channel=True, activation_type=QUInt8, weight_type=QInt8) writes it:
    - each quantized activation gets QuantizeLinear -> DequantizeLinear, scale a float scalar,
      zero point a uint8 scalar (the graph input too; the output ends in a DequantizeLinear);
    - each weight is an int8 initializer "<name>_quantized" feeding DequantizeLinear, per
      channel along axis 0 (Conv) with [C] scales and int8 zero points of 0; a Gemm's weight
      per tensor here (per_channel applies the same way along its axis 0 with transB=1);
    - each bias is an int32 initializer "<name>_quantized" feeding DequantizeLinear with scale
      x_scale * w_scale and int32 zero points of 0;
    - MaxPool and Flatten ("direct 8-bit" ops) sit between a DequantizeLinear and a
      QuantizeLinear sharing their input's scale.
    """
    nodes, inits = [], []

    def qdq(name, out=None):  # activation name -> dequantized name
        out = out or name + "_DequantizeLinear_Output"
        inits.extend([_init(name + "_scale", np.float32(0.02)),
                      _init(name + "_zero_point", np.uint8(128))])
        nodes.append(helper.make_node("QuantizeLinear", [name, name + "_scale", name + "_zero_point"],
                                      [name + "_QuantizeLinear_Output"], name + "_QuantizeLinear"))
        nodes.append(helper.make_node("DequantizeLinear", [name + "_QuantizeLinear_Output",
                                                          name + "_scale", name + "_zero_point"],
                                      [out], name + "_DequantizeLinear"))
        return out

    def dq_weight(name, shape, dtype, channels):
        inits.append(_init(name + "_quantized", np.zeros(shape, dtype)))
        scale_shape = (channels,) if channels else ()
        inits.append(_init(name + "_scale", np.full(scale_shape, 0.01, np.float32)))
        inits.append(_init(name + "_zero_point", np.zeros(scale_shape, dtype)))
        attrs = {"axis": 0} if channels else {}
        nodes.append(helper.make_node("DequantizeLinear", [name + "_quantized", name + "_scale",
                                                          name + "_zero_point"],
                                      [name + "_DequantizeLinear_Output"], name + "_DequantizeLinear",
                                      **attrs))
        return name + "_DequantizeLinear_Output"

    x = qdq("x")
    nodes.append(helper.make_node("Conv", [x, dq_weight("w", CONV_W, np.int8, 4),
                                           dq_weight("b", CONV_B, np.int32, 4)], ["c"], "conv",
                                  pads=[1, 1, 1, 1]))
    nodes.append(helper.make_node("MaxPool", [qdq("c")], ["p"], "pool", kernel_shape=[2, 2],
                                  strides=[2, 2]))
    nodes.append(helper.make_node("Flatten", [qdq("p")], ["f"], "flatten"))
    nodes.append(helper.make_node("Gemm", [qdq("f"), dq_weight("fc_w", FC_W, np.int8, 0),
                                           dq_weight("fc_b", FC_B, np.int32, 0)], ["y_float"], "fc",
                                  transB=1))
    qdq("y_float", "y")
    graph = helper.make_graph(nodes, "qdq",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])],
                              inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def qoperator_model():
    """onnxruntime's QOperator layout (quantize_static(..., quant_format=QuantFormat.QOperator)):
    the float input quantized once, QLinearConv with an int8 per-channel weight initializer and
    an int32 bias, MaxPool and Flatten on uint8 data, QLinearMatMul for the classifier (the
    quantizer's Gemm without a bias), and one DequantizeLinear at the output."""
    inits = [
        _init("x_scale", np.float32(0.02)), _init("x_zp", np.uint8(128)),
        _init("w_q", np.zeros(CONV_W, np.int8)), _init("w_scale", np.full(4, 0.01, np.float32)),
        _init("w_zp", np.zeros(4, np.int8)), _init("b_q", np.zeros(CONV_B, np.int32)),
        _init("c_scale", np.float32(0.05)), _init("c_zp", np.uint8(128)),
        _init("fc_wq", np.zeros((FC_W[1], FC_W[0]), np.int8)), _init("fc_scale", np.float32(0.01)),
        _init("fc_zp", np.int8(0)), _init("y_scale", np.float32(0.1)), _init("y_zp", np.uint8(128)),
    ]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "x_scale", "x_zp"], ["xq"], "x_quant"),
        helper.make_node("QLinearConv", ["xq", "x_scale", "x_zp", "w_q", "w_scale", "w_zp",
                                         "c_scale", "c_zp", "b_q"], ["cq"], "conv",
                         pads=[1, 1, 1, 1]),
        helper.make_node("MaxPool", ["cq"], ["pq"], "pool", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Flatten", ["pq"], ["fq"], "flatten"),
        helper.make_node("QLinearMatMul", ["fq", "c_scale", "c_zp", "fc_wq", "fc_scale", "fc_zp",
                                           "y_scale", "y_zp"], ["yq"], "fc"),
        helper.make_node("DequantizeLinear", ["yq", "y_scale", "y_zp"], ["y"], "y_dequant"),
    ]
    graph = helper.make_graph(
        nodes, "qoperator", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 10])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
