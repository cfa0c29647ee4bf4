"""`eesim inspect MODEL --arch ARCH`: per-layer costs, estimates and roofline, as a user runs it.

Also the Edge-TPU-V1-like preset against Coral's published figures: 4 TOPS int8 peak, and the
latency ranking SqueezeNet (2.1 ms) < MobileNet V2 (2.6 ms) << ResNet-50 at 299x299 (49 ms)
from coral.ai/docs/edgetpu/benchmarks (USB Accelerator).
"""

import json
import os
from pathlib import Path

import pytest
from conftest import SANITIZED

REPO_ROOT = Path(__file__).resolve().parents[2]
ARCH_DIR = REPO_ROOT / "examples" / "arch"
PRESETS = sorted(p.name for p in ARCH_DIR.glob("*.textproto"))
EXAMPLES = Path(os.environ.get("EESIM_EXAMPLES") or REPO_ROOT / "build" / "examples" / "models")


def inspect_json(run_eesim, model, arch, *extra):
    r = run_eesim("inspect", model, "--arch", ARCH_DIR / arch, "--json", *extra)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def ee_mobilenet():
    path = EXAMPLES / "ee_mobilenetv2_cifar10.onnx"
    if not path.exists():
        pytest.skip(f"{path} not built")
    return path


def test_eight_presets_are_bundled():
    assert PRESETS == ["edge_tpu_v1.textproto", "hetero.textproto", "quad_edge_tpu.textproto",
                       "single_edge_tpu.textproto", "stream_tpu_like_quad_core.textproto",
                       "systolic_32x32.textproto", "zigzag_edge_tpu_like.textproto",
                       "zigzag_tpu_like.textproto"]


@pytest.mark.parametrize("arch", PRESETS)
def test_every_layer_has_a_cost_on_every_core_kind(run_eesim, ee_mobilenet, arch):
    rep = inspect_json(run_eesim, ee_mobilenet, arch)
    kinds = {c["kind"] for c in rep["arch"]["cores"]}
    assert set(rep["estimates"]) == kinds
    for layer in rep["layers"]:
        assert set(layer["costs"]) == kinds
        for kind, c in layer["costs"].items():
            if not c["supported"]:
                continue
            assert 0 <= c["utilization"] <= 1
            assert c["latency_cycles"] == max(c["compute_cycles"], c["dram_cycles"])
            b = c["energy_breakdown_pj"]
            assert c["energy_pj"] == pytest.approx(b["compute"] + b["sram"] + b["dram"] + b["static"])
            assert c["dram_bytes"] == c["dram_read_bytes"] + c["dram_write_bytes"]
            if layer["macs"] > 0:
                assert c["compute_cycles"] > 0
    for kind, est in rep["estimates"].items():
        total = sum(l["costs"][kind]["latency_cycles"] for l in rep["layers"]
                    if l["costs"][kind]["supported"])
        assert est["latency_cycles"] == total + est["io_cycles"]
    roof = rep["roofline"]
    assert roof["lower_bound_cycles"] == max(roof["compute_cycles"], roof["dram_cycles"])
    assert roof["total_macs"] == rep["total_macs"]
    # No single-core layer-by-layer run beats the whole chip's lower bound.
    assert all(e["latency_cycles"] >= roof["lower_bound_cycles"] for e in rep["estimates"].values())


def test_systolic_array_shows_depthwise_and_fc_underuse(run_eesim, ee_mobilenet):
    rep = inspect_json(run_eesim, ee_mobilenet, "systolic_32x32.textproto")
    layers = {l["name"]: l for l in rep["layers"]}
    depthwise = [l for l in rep["layers"] if l["op"] == "Conv"
                 and l["weight_params"] <= 9 * l["output_shape"][1] + l["output_shape"][1]]
    assert depthwise, "the example has depthwise convolutions"
    for l in depthwise:  # one GEMM per channel: one column of 32 busy
        assert l["costs"]["systolic"]["utilization"] < 0.01, l["name"]
    fc = layers["/classifier/Gemm"]["costs"]["systolic"]
    assert fc["utilization"] < 0.05  # batch 1: one row of the array


def test_table_output_lists_costs_estimates_and_roofline(run_eesim, ee_mobilenet):
    r = run_eesim("inspect", ee_mobilenet, "--arch", ARCH_DIR / "hetero.textproto")
    assert r.returncode == 0, r.stderr
    assert "costs on hetero" in r.stdout
    for core in ("tpu0 (edge_tpu)", "sa_os (systolic)", "simd (simd)"):
        assert f"layer by layer on {core}" in r.stdout
    assert "roofline lower bound on the whole chip" in r.stdout


def test_bad_architecture_file_names_file_line_and_key(run_eesim, ee_mobilenet, tmp_path):
    bad = tmp_path / "bad.textproto"
    text = (ARCH_DIR / "systolic_32x32.textproto").read_text().replace("rows: 32", "rows: 0")
    bad.write_text(text)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "rows: 0" in l)
    r = run_eesim("inspect", ee_mobilenet, "--arch", bad)
    assert r.returncode == 1
    assert f"bad.textproto:{line}:" in r.stderr
    assert "rows" in r.stderr
    r = run_eesim("inspect", ee_mobilenet, "--arch", tmp_path / "missing.textproto")
    assert r.returncode == 1 and "missing.textproto" in r.stderr


@pytest.fixture(scope="module")
def coral_models(tmp_path_factory):
    if SANITIZED:  # 47 s of the sanitized suite's ~200, exporting torchvision models in python
        pytest.skip("sanitized suite: the release suite checks these estimates, and "
                    "test_torch_macs imports torchvision models under the sanitizers")
    pytest.importorskip("torch")
    pytest.importorskip("torchvision")
    import torch_reference

    out = tmp_path_factory.mktemp("coral")
    return {
        "squeezenet": torch_reference.export("squeezenet1_1", 224, out, with_macs=False)[0],
        "mobilenet_v2": torch_reference.export("mobilenet_v2", 224, out, with_macs=False)[0],
        "resnet50": torch_reference.export("resnet50", 299, out, with_macs=False)[0],
    }


def test_edge_tpu_v1_peak_is_4_tops(run_eesim, ee_mobilenet):
    rep = inspect_json(run_eesim, ee_mobilenet, "edge_tpu_v1.textproto")
    (core,) = rep["arch"]["cores"]
    tops = 2 * core["peak_macs_per_cycle"] * rep["arch"]["clock_mhz"] * 1e6 / 1e12
    assert tops == pytest.approx(4.0, rel=0.05)


def test_edge_tpu_v1_latency_ranking_follows_coral(run_eesim, coral_models):
    # Coral runs int8 models: the float exports priced as their int8 deployment (every layer
    # 8-bit). As exported (fp32), weights take 4x the bytes and MACs run in 16 passes.
    est = {name: inspect_json(run_eesim, path, "edge_tpu_v1.textproto", "--bits", "*=8")
           ["estimates"]["edge_tpu"] for name, path in coral_models.items()}
    fp32 = inspect_json(run_eesim, coral_models["squeezenet"], "edge_tpu_v1.textproto")
    assert fp32["estimates"]["edge_tpu"]["latency_ms"] > 4 * est["squeezenet"]["latency_ms"]
    ms = {name: e["latency_ms"] for name, e in est.items()}
    assert ms["squeezenet"] < ms["mobilenet_v2"] < ms["resnet50"], ms
    # ResNet-50's 25 MB of int8 weights overflow the 7 MiB parameter cache and stream over USB
    # every inference: an order of magnitude slower, as on Coral (49 ms vs 2.6 ms).
    assert ms["resnet50"] > 10 * ms["mobilenet_v2"]
    assert est["resnet50"]["streamed_weight_bytes"] > 15e6
    assert est["mobilenet_v2"]["streamed_weight_bytes"] == 0
    assert est["squeezenet"]["streamed_weight_bytes"] == 0
    assert 30 < ms["resnet50"] < 80
