"""A real quantized model: PyTorch's eager-mode static quantization (qnnpack) exported by
torch.onnx (QDQ, with a Cast between each QuantizeLinear and DequantizeLinear and int8
weights as Constant nodes), next to the float export of the same network."""

import json

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")


class Net(torch.nn.Module):
    """conv 3x3 (3->4, pad 1) + relu -> flatten -> fc (256->10) on [1,3,8,8]: 6,912 and 2,560
    MACs, 108 + 4 and 2,560 + 10 parameters."""

    def __init__(self, quantized):
        super().__init__()
        q = torch.ao.quantization
        self.quant = q.QuantStub() if quantized else torch.nn.Identity()
        self.dequant = q.DeQuantStub() if quantized else torch.nn.Identity()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.relu = torch.nn.ReLU()
        self.fc = torch.nn.Linear(256, 10)

    def forward(self, x):
        x = self.relu(self.conv(self.quant(x)))
        return self.dequant(self.fc(torch.flatten(x, 1)))


def export(quantized, path):
    torch.manual_seed(0)
    model = Net(quantized).eval()
    if quantized:
        q = torch.ao.quantization
        torch.backends.quantized.engine = "qnnpack"
        model.qconfig = q.get_default_qconfig("qnnpack")
        model = q.prepare(q.fuse_modules(model, [["conv", "relu"]]))
        model(torch.randn(4, 3, 8, 8))  # calibration
        model = q.convert(model)
    try:
        torch.onnx.export(model, torch.randn(1, 3, 8, 8), str(path), opset_version=13,
                          input_names=["x"], output_names=["y"])
    except Exception as e:  # a torch build without quantized export
        pytest.skip(f"torch cannot export this quantized model here: {e}")
    return path


def layers(run_eesim, path):
    r = run_eesim("inspect", path, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)["layers"]


def test_torch_quantized_export_matches_the_float_export(run_eesim, tmp_path):
    q = layers(run_eesim, export(True, tmp_path / "int8.onnx"))
    f = layers(run_eesim, export(False, tmp_path / "float.onnx"))
    assert [l["op"] for l in q] == [l["op"] for l in f] == ["Conv", "Relu", "Gemm"]
    assert [l["macs"] for l in q] == [l["macs"] for l in f] == [6912, 0, 2560]
    assert [l["output_shape"] for l in q] == [l["output_shape"] for l in f]
    conv, relu, fc = q
    assert (conv["weight_bits"], conv["input_bits"]) == (8, 8)
    # PyTorch writes the fused conv+relu as Conv -> Relu -> QuantizeLinear: the float Conv
    # output feeds the Relu, and the Relu's output is the one quantized.
    assert (relu["input_bits"], relu["output_bits"]) == (32, 8)
    assert (fc["weight_bits"], fc["input_bits"], fc["output_bits"]) == (8, 8, 8)
    # int8 weights and int32 biases: 108 + 4 x 4 and 2,560 + 10 x 4 bytes (float: x 4).
    assert [l["weight_bytes"] for l in q] == [124, 0, 2600]
    assert [l["weight_bytes"] for l in f] == [448, 0, 10280]
