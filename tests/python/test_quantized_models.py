"""Quantized (QDQ, a real PyTorch export) and fp16 models through `eesim inspect`, `eesim run`
and Python: same layers and MACs as the float twin, per-layer bits, weights at stored width.
The models and their hand counts are in quant_models.py."""

import json

import pytest

from conftest import QUAD

onnx = pytest.importorskip("onnx")
np = pytest.importorskip("numpy")
import quant_models as qm  # noqa: E402  (needs onnx)


def save(model, path):
    onnx.save(model, str(path))
    return path


def inspect(run_eesim, path):
    r = run_eesim("inspect", path, "--json")
    assert r.returncode == 0, r.stderr
    return {l["name"]: l for l in json.loads(r.stdout)["layers"]}, json.loads(r.stdout)


def bits(layer):
    return layer["weight_bits"], layer["input_bits"], layer["output_bits"]


def test_qdq_in_onnxruntime_layout_imports_as_its_float_twin_at_8_bits(run_eesim, tmp_path):
    q, qj = inspect(run_eesim, save(qm.ort_qdq_model(), tmp_path / "qdq.onnx"))
    f, fj = inspect(run_eesim, save(qm.float_model(), tmp_path / "float.onnx"))
    assert list(q) == list(f) == ["conv", "pool", "fc"]  # no Q/DQ layers
    for name in q:
        assert q[name]["macs"] == f[name]["macs"]
        assert q[name]["vector_ops"] == f[name]["vector_ops"]
        assert q[name]["output_shape"] == f[name]["output_shape"]
        assert q[name]["weight_params"] == f[name]["weight_params"]
    assert q["conv"]["macs"] == qm.CONV_MACS and q["fc"]["macs"] == qm.FC_MACS
    assert q["pool"]["vector_ops"] == qm.POOL_OPS
    assert bits(q["conv"]) == (8, 8, 8)
    assert bits(q["pool"]) == (0, 8, 8)
    assert bits(q["fc"]) == (8, 8, 8)
    assert bits(f["conv"]) == (32, 32, 32)
    # int8 weights 1 byte, int32 biases 4: conv 108 + 16, fc 640 + 40; fp32: 4 per parameter.
    assert (q["conv"]["weight_bytes"], q["fc"]["weight_bytes"]) == (124, 680)
    assert (f["conv"]["weight_bytes"], f["fc"]["weight_bytes"]) == (448, 2600)
    assert qj["total_weight_bytes"] == 804 and fj["total_macs"] == qj["total_macs"] == 7552


def test_inspect_table_has_a_bits_column(run_eesim, tmp_path):
    r = run_eesim("inspect", save(qm.ort_qdq_model(), tmp_path / "qdq.onnx"))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[2].rstrip().endswith("bits W/I/O")
    assert lines[3].split()[-1] == "8/8/8" and lines[4].split()[-1] == "-/8/8"
    assert "total: 7,552 MACs, 804 weight bytes" in r.stdout


def test_run_json_lists_each_layers_bits(run_eesim, tmp_path):
    out = tmp_path / "run.json"
    r = run_eesim("run", save(qm.ort_qdq_model(), tmp_path / "qdq.onnx"), "--arch", QUAD,
                  "--json", out)
    assert r.returncode == 0, r.stderr
    layers = {l["name"]: l for l in json.loads(out.read_text())["layers"]}
    assert bits(layers["conv"]) == (8, 8, 8)
    assert bits(layers["pool"]) == (0, 8, 8)
    assert layers["fc"]["macs"] == qm.FC_MACS


def test_fp16_model_is_16_bits_with_two_bytes_per_weight(run_eesim, tmp_path):
    h, _ = inspect(run_eesim, save(qm.float_model(np.float16), tmp_path / "fp16.onnx"))
    assert bits(h["conv"]) == (16, 16, 16) and bits(h["fc"]) == (16, 16, 16)
    assert bits(h["pool"]) == (0, 16, 16)
    assert (h["conv"]["weight_bytes"], h["fc"]["weight_bytes"]) == (2 * 112, 2 * 650)
    assert h["conv"]["macs"] == qm.CONV_MACS


def test_python_model_and_report_carry_bits():
    eesim = pytest.importorskip("eesim", reason="build the bindings and set PYTHONPATH")
    model = eesim.load_model(qm.ort_qdq_model())
    rows = {l["name"]: l for l in model.layers}
    assert bits(rows["conv"]) == (8, 8, 8) and rows["conv"]["weight_bytes"] == 124
    assert model.total_weight_bytes == 804
    report = eesim.Evaluator(str(QUAD)).evaluate(model)
    assert [bits(l.__dict__) for l in report.layers] == [(8, 8, 8), (0, 8, 8), (8, 8, 8)]
    pd = pytest.importorskip("pandas")
    frame = report.layers_frame()
    assert isinstance(frame, pd.DataFrame) and list(frame["weight_bits"]) == [8, 0, 8]
