"""The Python package as a NAS loop and a user would call it (PYTHONPATH=build/bindings)."""

import os
from pathlib import Path

import pytest

eesim = pytest.importorskip("eesim", reason="build the bindings (tools/build) and set PYTHONPATH=build/bindings")

REPO_ROOT = Path(__file__).resolve().parents[2]
QUAD = REPO_ROOT / "examples" / "arch" / "quad_edge_tpu.textproto"
EXAMPLES = Path(os.environ.get("EESIM_EXAMPLES") or REPO_ROOT / "build" / "examples" / "models")


@pytest.fixture(scope="module")
def model_path():
    path = EXAMPLES / "ee_mobilenetv2_cifar10.onnx"
    if not path.exists():
        pytest.skip(f"{path} not built")
    return path


def test_models_load_from_path_bytes_and_modelproto(model_path):
    onnx = pytest.importorskip("onnx")  # importing onnx first must not clash with eesim's copy
    a = eesim.load_model(model_path)
    b = eesim.load_model(model_path.read_bytes())
    c = eesim.load_model(onnx.load(str(model_path)))
    assert a.exits == b.exits == c.exits == ["exit1", "exit2", "exit3"]
    assert a.total_macs == b.total_macs == c.total_macs == 93354880
    assert c.name == "<onnx.ModelProto>"
    with pytest.raises(TypeError):
        eesim.load_model(42)


def test_evaluator_matches_the_cli_report(model_path, run_eesim, tmp_path):
    import json
    out = tmp_path / "r.json"
    assert run_eesim("run", model_path, "--arch", QUAD, "--fusion", "rows=4", "--exit", "exit1=0.5",
                     "--json", out).returncode == 0
    cli = json.loads(out.read_text())
    ev = eesim.Evaluator(QUAD, fusion="rows", rows=4)
    r = ev.evaluate(model_path, {"exit1": 0.5})
    assert r.expected.latency_cycles == pytest.approx(cli["expected"]["latency_cycles"])
    assert r.expected.edp == pytest.approx(cli["expected"]["edp"])
    assert [s.latency_cycles for s in r.scenarios] == [s["latency_cycles"] for s in cli["scenarios"]]
    assert [c.peak_memory_bytes for c in r.cores] == [c["peak_memory_bytes"] for c in cli["cores"]]
    assert r.as_dict()["lower_bound_cycles"] == cli["lower_bound_cycles"]
    # Repeated evaluations are deterministic and reuse the cost cache.
    again = ev.evaluate(model_path, {"exit1": 0.5})
    assert again.as_dict() == r.as_dict()


def test_exit_probabilities_move_the_expectation(model_path):
    ev = eesim.Evaluator(QUAD)
    m = eesim.load_model(model_path)
    none = ev.evaluate(m, {"exit1": 0, "exit2": 0, "exit3": 0})
    early = ev.evaluate(m, {"exit1": 0.9, "exit2": 0, "exit3": 0})
    assert none.expected.latency_cycles == none.scenarios[-1].latency_cycles
    assert early.expected.latency_cycles < none.expected.latency_cycles
    half = ev.evaluate(m, {"exit1": 0.5}, conditional=True)
    assert half.scenarios[0].probability == pytest.approx(0.5)


def test_errors_carry_the_cli_messages(model_path, tmp_path):
    with pytest.raises(eesim.Error, match=r"<text>:1: missing required key 'clock_mhz'"):
        eesim.load_arch('name: "x"', text=True)
    with pytest.raises(eesim.Error, match="exit1"):
        eesim.Evaluator(QUAD).evaluate(model_path, {"exit1": 1.5})
    with pytest.raises(eesim.Error, match="nope"):
        eesim.Evaluator(QUAD).evaluate(model_path, {"nope": 0.1})
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(model_path.read_bytes()[:1000])
    with pytest.raises(eesim.Error, match="bad.onnx"):
        eesim.load_model(bad)
    with pytest.raises(eesim.Error, match="policy 'maybe'"):
        eesim.Evaluator(QUAD, policy="maybe")


def test_simulate_one_shot(model_path):
    r = eesim.simulate(model_path, QUAD, {"exit2": 0.2}, policy="speculate")
    assert r.scenarios[1].exit == "exit2" and r.scenarios[1].probability == pytest.approx(0.2)
    assert r.arch == "quad_edge_tpu"
