"""Issue 19: the spatial_array kind under eesim's multi-core mapper. On Stream's
tpu_like_quad_core preset (four 32x32 arrays, activations on chip, a pooling and a SIMD core),
4-row bands of the CIFAR EE-MobileNetV2 are mapped and split across the arrays as on any kind:
more nodes than layers, layers split over several arrays, every MAC accounted for, and fused
bands faster than whole layers on the same chip."""

import json

import pytest

from conftest import REPO_ROOT

ARCH = REPO_ROOT / "examples" / "arch" / "stream_tpu_like_quad_core.textproto"


def run_json(run_eesim, model, tmp_path, fusion):
    out = tmp_path / f"{fusion}.json"
    r = run_eesim("run", model, "--arch", ARCH, "--bits", "*=8", "--fusion", fusion,
                  "--json", out)
    assert r.returncode == 0, r.stderr
    return json.loads(out.read_text())


def test_bands_and_splits_run_on_spatial_arrays(run_eesim, ee_model_path, tmp_path):
    whole = run_json(run_eesim, ee_model_path, tmp_path, "off")
    fused = run_json(run_eesim, ee_model_path, tmp_path, "rows=4")
    arrays = {f"tpu{i}" for i in range(4)}
    mac_layers = [l for l in fused["layers"] if l["macs"] > 0]
    on_arrays = [l for l in mac_layers if set(l["cores"]) <= arrays]
    assert len(on_arrays) > len(mac_layers) / 2
    # The rest are depthwise convs, one input and one output channel per group: on a K x C array
    # they use 1 PE of 1,024, and the 72-lane pooling core runs them faster.
    r = run_eesim("inspect", ee_model_path, "--arch", ARCH, "--bits", "*=8", "--json")
    assert r.returncode == 0, r.stderr
    util = {l["name"]: l["costs"]["spatial_array"].get("utilization")
            for l in json.loads(r.stdout)["layers"]}
    for l in mac_layers:
        if l not in on_arrays:
            assert util[l["name"]] <= 1 / 1024 + 1e-12, l["name"]
    assert any(len(l["cores"]) > 1 for l in mac_layers), "no layer was split over arrays"
    assert fused["nodes"] > len(fused["layers"])
    assert sum(l["macs"] for l in fused["layers"]) == sum(l["macs"] for l in whole["layers"])
    # Vector layers go to the pooling and SIMD cores: Stream's arrays have no vector lanes.
    assert all(set(l["cores"]) <= {"pooling", "simd"} for l in fused["layers"] if l["macs"] == 0)
    assert fused["expected"]["latency_cycles"] < whole["expected"]["latency_cycles"]
