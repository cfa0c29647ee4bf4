"""Models as research repositories ship them, made with torch's exporter: weight-stripped
(`export_params=False`, or initializers removed with onnx) and BatchNormalization exported in
training mode. Each must cost what the plain eval-mode export costs (`eesim inspect --json`
layer MACs and weights, `eesim run --json` latency and energy), with a warning that says which
weights' dims were inferred.
"""

import io
import json

import pytest

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")
nn = torch.nn

from conftest import QUAD  # noqa: E402


class EarlyExitNet(nn.Module):
    """Conv/BN/ReLU, an exit head after it (GAP -> Linear), an inverted-residual-like block
    (1x1, depthwise 3x3 stride 2, 1x1, each with BN) and a final classifier behind Dropout;
    16x16 input. Its fresh BatchNorms fold into equal zero biases of the 1x1 and depthwise
    convs, which PyTorch stores once and reads twice through an Identity node (as it does in
    torchvision's ResNet-18)."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 16, 3, padding=1)
        self.b1 = nn.BatchNorm2d(16)
        self.ex = nn.Conv2d(16, 16, 1, bias=False)
        self.b0 = nn.BatchNorm2d(16)
        self.dw = nn.Conv2d(16, 16, 3, stride=2, padding=1, groups=16, bias=False)
        self.b2 = nn.BatchNorm2d(16)
        self.pw = nn.Conv2d(16, 32, 1, bias=False)
        self.b3 = nn.BatchNorm2d(32)
        self.exit1 = nn.Linear(16, 10)
        self.drop = nn.Dropout(0.2)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = torch.relu(self.b1(self.c1(x)))
        e = self.exit1(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))
        x = torch.relu(self.b0(self.ex(x)))
        x = torch.relu(self.b2(self.dw(x)))
        x = torch.relu(self.b3(self.pw(x)))
        x = torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)
        return self.fc(self.drop(x)), e


def export(module, path, hw=16, opset=13, **kwargs):
    torch.manual_seed(0)
    buf = io.BytesIO()
    torch.onnx.export(module.eval(), torch.randn(1, 3, hw, hw), buf, input_names=["x"],
                      output_names=["y", "exit1"][: 2 if isinstance(module, EarlyExitNet) else 1],
                      opset_version=opset, **kwargs)
    path.write_bytes(buf.getvalue())
    return path


def strip_initializers(src, dst, shape_inference=True):
    """The initializers removed, as a repository does to save space; value_info first written
    by onnx's shape inference (torch 1.13 writes none) unless `shape_inference` is False."""
    model = onnx.load(str(src))
    if shape_inference:
        model = onnx.shape_inference.infer_shapes(model)
    del model.graph.initializer[:]
    onnx.save(model, str(dst))
    return dst


@pytest.fixture(scope="module")
def net_files(tmp_path_factory):
    out = tmp_path_factory.mktemp("stripped")
    net = EarlyExitNet()
    files = {"eval": export(net, out / "eval.onnx")}
    files["no_params"] = export(net, out / "no_params.onnx", export_params=False)
    files["stripped"] = strip_initializers(files["eval"], out / "stripped.onnx")
    files["bare"] = strip_initializers(files["eval"], out / "bare.onnx", shape_inference=False)
    train = torch.onnx.TrainingMode.TRAINING
    files["train13"] = export(net, out / "train13.onnx", training=train)
    files["train15"] = export(net, out / "train15.onnx", opset=15, training=train)
    files["eval15"] = export(net, out / "eval15.onnx", opset=15)
    return files


def inspect(run_eesim, path):
    r = run_eesim("inspect", path, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def layer_costs(info):
    """What must not change between exports of one network: per layer op, MACs, vector ops and
    weights, in order; names may differ (PyTorch numbers its folded constants)."""
    keys = ("op", "macs", "weight_params", "weight_bytes", "output_shape")
    return [tuple(str(l.get(k)) for k in keys) for l in info["layers"]]


def run_costs(run_eesim, path):
    """`eesim run --json`'s report on the quad preset, but for the model's name and notes."""
    out = path.with_suffix(".report.json")
    r = run_eesim("run", path, "--arch", QUAD, "--json", out)
    assert r.returncode == 0, r.stderr
    report = json.loads(out.read_text())
    return {k: v for k, v in report.items() if k not in ("model", "notes")}


def test_export_params_false_costs_like_the_export_with_weights(run_eesim, net_files):
    want, got = inspect(run_eesim, net_files["eval"]), inspect(run_eesim, net_files["no_params"])
    assert [t["name"] for t in got["inputs"]] == ["x"]
    assert layer_costs(got) == layer_costs(want)
    assert got["total_macs"] == want["total_macs"]
    assert any("export_params=False" in w for w in got["warnings"]), got["warnings"]
    assert run_costs(run_eesim, net_files["no_params"]) == run_costs(run_eesim, net_files["eval"])


def test_removed_initializers_infer_dims_from_attributes_and_value_info(run_eesim, net_files):
    want, got = inspect(run_eesim, net_files["eval"]), inspect(run_eesim, net_files["stripped"])
    assert layer_costs(got) == layer_costs(want)
    inferred = [w for w in got["warnings"] if "is not in the file" in w]
    # one note per weight read: every initializer of the eval export, and the zero bias it
    # shares through an Identity node
    graph = onnx.load(str(net_files["eval"])).graph
    identities = [n for n in graph.node if n.op_type == "Identity"]
    assert len(identities) == 1
    assert len(inferred) == len(graph.initializer) + 1
    dw = next(w for w in inferred if "/dw/Conv" in w)
    assert "dims [16,1,3,3]" in dw and "group 16" in dw and "value_info" in dw, dw
    assert run_costs(run_eesim, net_files["stripped"]) == run_costs(run_eesim, net_files["eval"])


def test_removed_initializers_without_shapes_name_the_node_and_tensor(run_eesim, net_files):
    r = run_eesim("inspect", net_files["bare"])
    assert r.returncode != 0
    assert "node '/c1/Conv' (Conv): weight 'onnx::Conv_" in r.stderr, r.stderr
    assert "filter count cannot be inferred" in r.stderr
    assert "onnx.shape_inference.infer_shapes" in r.stderr


@pytest.mark.parametrize("train, eval_", [("train13", "eval"), ("train15", "eval15")])
def test_training_mode_batchnorm_folds_like_eval_mode(run_eesim, net_files, train, eval_):
    model = onnx.load(str(net_files[train]))
    bns = [n for n in model.graph.node if n.op_type == "BatchNormalization"]
    assert len(bns) == 4 and all(len(n.output) > 1 for n in bns)  # the training-mode form
    assert any(n.op_type == "Dropout" for n in model.graph.node)
    want, got = inspect(run_eesim, net_files[eval_]), inspect(run_eesim, net_files[train])
    assert layer_costs(got) == layer_costs(want)
    assert sum(len(l["folded"]) for l in got["layers"]) == 4
    assert run_costs(run_eesim, net_files[train]) == run_costs(run_eesim, net_files[eval_])
