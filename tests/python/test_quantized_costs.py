"""Costs follow precision (issue 16's bar): on every bundled preset, the int8 network costs less
energy than its fp32 twin, in both quantized layouts (onnxruntime's QDQ and QOperator, built
with onnx.helper in the layouts quant_models.py documents) and as PyTorch exports it; fp16
lies between them; weights count at their stored width."""

from pathlib import Path

import pytest

from conftest import REPO_ROOT

onnx = pytest.importorskip("onnx")
import eesim  # noqa: E402
import quant_models as qm  # noqa: E402

PRESETS = sorted((REPO_ROOT / "examples" / "arch").glob("*.textproto"))


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    import numpy as np

    out = tmp_path_factory.mktemp("quant")
    made = {"fp32": qm.float_model(), "fp16": qm.float_model(np.float16),
            "qdq": qm.ort_qdq_model(), "qoperator": qm.qoperator_model()}
    paths = {}
    for name, m in made.items():
        paths[name] = Path(out / f"{name}.onnx")
        onnx.save(m, str(paths[name]))
    return {name: eesim.load_model(str(p)) for name, p in paths.items()}


def test_presets_are_all_here():
    assert {p.stem for p in PRESETS} >= {"edge_tpu_v1", "hetero", "quad_edge_tpu",
                                         "single_edge_tpu", "systolic_32x32"}


@pytest.mark.parametrize("arch", PRESETS, ids=lambda p: p.stem)
def test_int8_costs_less_energy_than_fp32_on_every_preset(models, arch):
    ev = eesim.Evaluator(str(arch))
    r = {name: ev.evaluate(m) for name, m in models.items()}
    e = {name: rep.expected.energy_pj for name, rep in r.items()}
    assert e["qdq"] < e["fp16"] < e["fp32"], e
    assert e["qoperator"] < e["fp16"], e
    # Weights as the cores store them: 108 + 640 MACs' weights plus biases. fp32 4 bytes each;
    # int8 weights 1 byte with int32 biases (QDQ: 4 bytes each; QOperator's QLinearMatMul has none).
    assert r["fp32"].weight_bytes == 4 * (112 + 650)
    assert r["fp16"].weight_bytes == 2 * (112 + 650)
    conv = {name: next(l for l in rep.layers if l.name == "conv") for name, rep in r.items()}
    assert conv["qdq"].weight_bits == conv["qoperator"].weight_bits == 8
    assert conv["fp32"].mac_passes > 1 or conv["fp32"].weight_bytes == 448


def test_torch_int8_export_costs_less_than_its_float_export(tmp_path):
    pytest.importorskip("torch")
    import test_torch_quantized as tq

    q = eesim.load_model(str(tq.export(True, tmp_path / "int8.onnx")))
    f = eesim.load_model(str(tq.export(False, tmp_path / "float.onnx")))
    for arch in PRESETS:
        ev = eesim.Evaluator(str(arch))
        assert ev.evaluate(q).expected.energy_pj < ev.evaluate(f).expected.energy_pj, arch.stem


def test_memory_only_mode_keeps_mac_energy_and_scales_traffic(models):
    ev = eesim.Evaluator(str(REPO_ROOT / "examples/arch/single_edge_tpu.textproto"),
                         precision="memory")
    fp32, int8 = ev.evaluate(models["fp32"]), ev.evaluate(models["qdq"])
    conv32 = next(l for l in fp32.layers if l.name == "conv")
    conv8 = next(l for l in int8.layers if l.name == "conv")
    assert conv32.mac_passes == conv8.mac_passes == 1
    assert conv32.compute_cycles == conv8.compute_cycles
    assert fp32.weight_bytes > 3 * int8.weight_bytes
