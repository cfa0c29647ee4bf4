"""Pruned PyTorch networks through torch.onnx.export: unstructured pruning shows up as measured
weight density (eesim.load_model(..., measure_density=True), `inspect --measure-density`);
structured (channel) pruning, once the channels are physically removed, as a smaller network
with fewer MACs through its shapes alone.

The network: x [1,3,16,16] -> conv1 3x3 (3->16, pad 1) -> relu -> conv2 3x3 (16->32, pad 1)
-> relu -> global average pool -> flatten -> fc (32->10). MACs by hand: conv1 16*16*16 outputs
x 27 = 110,592; conv2 32*16*16 x 144 = 1,179,648; fc 320."""

import json

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnx")
prune = pytest.importorskip("torch.nn.utils.prune")
eesim = pytest.importorskip("eesim")

HW = 16


class Net(torch.nn.Module):
    def __init__(self, c1=16, c2=32):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, c1, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(c1, c2, 3, padding=1)
        self.fc = torch.nn.Linear(c2, 10)

    def forward(self, x):
        x = torch.relu(self.conv2(torch.relu(self.conv1(x))))
        return self.fc(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(x, 1), 1))


def conv_macs(c_in, c_out):
    return HW * HW * c_out * c_in * 9


def export(model, path):
    torch.onnx.export(model.eval(), torch.randn(1, 3, HW, HW), str(path), opset_version=13,
                      input_names=["x"], output_names=["y"])
    return path


def by_op(layers, op):
    return [layer for layer in layers if layer["op"] == op]


def test_unstructured_pruning_90_percent_is_measured_as_density_0_1(run_eesim, tmp_path):
    torch.manual_seed(0)
    model = Net()
    prune.l1_unstructured(model.conv2, "weight", amount=0.9)
    prune.remove(model.conv2, "weight")  # permanent: the zeros are in the weight itself
    weight = model.conv2.weight.detach()
    expected = int(torch.count_nonzero(weight)) / weight.numel()
    assert expected == pytest.approx(0.1, abs=1 / weight.numel())  # 461 of 4,608 kept
    path = export(model, tmp_path / "pruned.onnx")

    m = eesim.load_model(path, measure_density=True)
    convs = by_op(m.layers, "Conv")
    assert [c["weight_params"] for c in convs] == [16 * 27 + 16, 32 * 144 + 32]
    assert convs[1]["weight_density"] == pytest.approx(expected, abs=1e-12)
    assert convs[1]["weight_density_source"] == "measured"
    assert convs[0]["weight_density"] == 1.0  # random, unpruned: every weight non-zero
    assert convs[0]["weight_density_source"] == "measured"
    assert m.warnings == []

    # Not asked for: weights are not read, densities are assumed 1.
    plain = by_op(eesim.load_model(path).layers, "Conv")
    assert [c["weight_density"] for c in plain] == [1.0, 1.0]
    assert {c["weight_density_source"] for c in plain} == {"assumed"}

    # The command line agrees, and shows the column only when asked.
    r = run_eesim("inspect", path, "--json", "--measure-density")
    assert r.returncode == 0, r.stderr
    cli = by_op(json.loads(r.stdout)["layers"], "Conv")
    assert cli[1]["weight_density"] == pytest.approx(expected, abs=1e-12)
    table = run_eesim("inspect", path, "--measure-density")
    assert table.returncode == 0, table.stderr
    assert "density" in table.stdout and f"{expected:.3f}" in table.stdout
    assert "density" not in run_eesim("inspect", path).stdout


def shrink(model, keep):
    """The network with conv1's output channels `keep` only: conv1 loses filters, conv2 the
    matching input channels (what channel pruning means once the zeros are removed)."""
    small = Net(c1=len(keep))
    with torch.no_grad():
        small.conv1.weight.copy_(model.conv1.weight[keep])
        small.conv1.bias.copy_(model.conv1.bias[keep])
        small.conv2.weight.copy_(model.conv2.weight[:, keep])
        small.conv2.bias.copy_(model.conv2.bias)
        small.fc.load_state_dict(model.fc.state_dict())
    return small


def test_structured_channel_pruning_shows_up_through_shapes(run_eesim, tmp_path):
    torch.manual_seed(1)
    model = Net()
    prune.ln_structured(model.conv1, "weight", amount=0.5, n=2, dim=0)  # 8 of 16 filters
    prune.remove(model.conv1, "weight")
    keep = [i for i in range(16) if model.conv1.weight[i].abs().sum() > 0]
    assert len(keep) == 8

    # Masked but not removed: the same shapes, and half of conv1's weights are zero.
    masked = eesim.load_model(export(model, tmp_path / "masked.onnx"), measure_density=True)
    convs = by_op(masked.layers, "Conv")
    assert [c["macs"] for c in convs] == [conv_macs(3, 16), conv_macs(16, 32)]
    assert convs[0]["weight_density"] == pytest.approx(0.5)

    # Physically removed: the same function on a smaller network.
    small = shrink(model, keep).eval()
    x = torch.randn(2, 3, HW, HW)
    with torch.no_grad():
        model.conv1.bias[[i for i in range(16) if i not in keep]] = 0  # a pruned filter's bias
        assert torch.allclose(model(x), small(x), atol=1e-5)
    r = run_eesim("inspect", export(small, tmp_path / "small.onnx"), "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    convs = by_op(info["layers"], "Conv")
    assert [c["macs"] for c in convs] == [conv_macs(3, 8), conv_macs(8, 32)]
    assert [c["weight_params"] for c in convs] == [8 * 27 + 8, 32 * 72 + 32]
    full = json.loads(run_eesim("inspect", tmp_path / "masked.onnx", "--json").stdout)
    saved = conv_macs(3, 8) + conv_macs(8, 32)
    assert full["total_macs"] - info["total_macs"] == saved
