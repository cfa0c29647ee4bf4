"""The Python package as a NAS loop and a user would call it (PYTHONPATH=build/bindings)."""

import os

import pytest

eesim = pytest.importorskip("eesim", reason="build the bindings (tools/build) and set PYTHONPATH=build/bindings")

from conftest import EXAMPLES, QUAD, REPO_ROOT, SANITIZED  # noqa: E402

# The example scripts run a study each (10-13 s under ASan, mostly python, matplotlib and torch):
# the release suite runs every one; under sanitizers they add little the other tests do not.
release_only = pytest.mark.skipif(SANITIZED, reason="example study; the release suite runs it")


@pytest.fixture(scope="module")
def model_path(ee_model_path):
    return ee_model_path


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
    ev = eesim.Evaluator(QUAD, fusion="rows=4")
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
    with pytest.raises(eesim.Error, match=r"^policy=maybe: expected wait or speculate$"):
        eesim.Evaluator(QUAD, policy="maybe")


def test_simulate_one_shot(model_path):
    r = eesim.simulate(model_path, QUAD, {"exit2": 0.2}, policy="speculate")
    assert r.scenarios[1].exit == "exit2" and r.scenarios[1].probability == pytest.approx(0.2)
    assert r.arch == "quad_edge_tpu"


def test_evaluate_many_over_processes_equals_one_by_one(model_path):
    ev = eesim.Evaluator(QUAD, fusion="rows=4")
    candidates = [(model_path, {"exit1": i / 10}) for i in range(6)]
    pooled = ev.evaluate_many(candidates, processes=2)
    local = ev.evaluate_many(candidates, processes=1)
    assert [r.as_dict() for r in pooled] == [r.as_dict() for r in local]
    assert [r.scenarios[0].probability for r in pooled] == pytest.approx([i / 10 for i in range(6)])
    text_ev = eesim.Evaluator(None, arch_text=QUAD.read_text())
    assert text_ev.evaluate_many([(model_path.read_bytes(), {})], processes=2)[0].arch == "quad_edge_tpu"


def _run_example(name, *args, timeout=120):
    import subprocess
    import sys
    env = dict(os.environ)
    env["EESIM_EXAMPLES"] = str(EXAMPLES)
    env["MPLBACKEND"] = "Agg"
    return subprocess.run([sys.executable, str(REPO_ROOT / "examples" / "python" / name), *map(str, args)],
                          capture_output=True, text=True, timeout=timeout, env=env)


@release_only
def test_dask_example_spreads_candidates_over_a_local_cluster(model_path):
    pytest.importorskip("distributed")
    # At its defaults (64 candidates over every exit subset; it once failed there).
    r = _run_example("dask_nas.py", "--model", model_path)
    assert r.returncode == 0, r.stderr
    assert "64 candidates on 2 workers" in r.stdout and "best expected EDP" in r.stdout


def test_nas_example_writes_the_front(model_path, tmp_path):
    pytest.importorskip("matplotlib")
    out = tmp_path / "front.png"
    r = _run_example("nas_exit_thresholds.py", "--model", model_path, "--out", out)
    assert r.returncode == 0, r.stderr
    assert "48 candidates; front of" in r.stdout
    assert out.stat().st_size > 10_000
    r = _run_example("timing_plots.py", "--model", model_path, "--out-dir", tmp_path / "plots")
    assert r.returncode == 0, r.stderr
    assert all((tmp_path / "plots" / f).stat().st_size > 1000 for f in ("gantt.png", "memory.png", "energy.png", "edp_vs_p.svg", "composed.png"))


@release_only
def test_compression_study_example_orders_the_configurations(model_path, tmp_path):
    pytest.importorskip("matplotlib")
    pytest.importorskip("torch")  # it exports the backbone alone
    out, table = tmp_path / "study.png", tmp_path / "study.csv"
    r = _run_example("compression_study.py", "--model", model_path, "--out", out, "--csv", table)
    assert r.returncode == 0, r.stderr
    assert out.stat().st_size > 10_000
    import csv
    rows = {row["configuration"]: row for row in csv.DictReader(table.open())}
    assert len(rows) == 9
    f = lambda name, key: float(rows[name][key])  # noqa: E731
    # The chip stores every weight in a bitmask format (one mask bit per weight): fp32 costs
    # 33 bits per weight, int8 9, fp32 pruned to 50% 16 + 1. Activations: int8 a quarter of
    # fp32. Exits cut the expected latency; combining helps.
    assert f("int8", "weights") == pytest.approx(f("fp32 dense", "weights") * 9 / 33, rel=0.001)
    assert f("pruned 50%", "weights") == pytest.approx(f("fp32 dense", "weights") * 17 / 33,
                                                       rel=0.001)
    assert f("int8", "activations") == pytest.approx(f("fp32 dense", "activations") / 4,
                                                     rel=0.05)
    assert f("early exits", "latency") < f("fp32 dense", "latency")
    assert f("exits + int8", "edp") < f("int8", "edp") < f("fp32 dense", "edp")
    assert f("all: exits, int8/int4, pruned", "edp") == min(f(n, "edp") for n in rows)


def test_new_probabilities_for_the_same_model_equal_a_fresh_evaluation(ee_model_path):
    # An evaluator reuses its last mapping and scenario runs when only the exit probabilities
    # change (neither depends on them): the report must be the one a fresh evaluator gives,
    # to the last bit, with the trace too; and a different model or option is evaluated anew.
    model = eesim.load_model(ee_model_path)
    ev = eesim.Evaluator(QUAD, fusion="rows=4")
    first = ev.evaluate(model, {"exit1": 0.1, "exit2": 0.05})
    for probs in ({"exit1": 0.4, "exit2": 0.2, "exit3": 0.1}, {"exit3": 1.0}, {}):
        again = ev.evaluate(model, probs, trace=True)
        fresh = eesim.Evaluator(QUAD, fusion="rows=4").evaluate(model, probs, trace=True)
        assert again.as_dict() == fresh.as_dict()
        assert again.trace.keys() == fresh.trace.keys()
        for column in fresh.trace:
            assert list(again.trace[column]) == list(fresh.trace[column]), column
    assert again.expected.latency_cycles != first.expected.latency_cycles
    # Another import of the same file is another model; another option another mapping.
    other = ev.evaluate(eesim.load_model(ee_model_path), {"exit1": 0.1, "exit2": 0.05})
    assert other.as_dict() == first.as_dict()
    heft = ev.evaluate(model, {"exit1": 0.1, "exit2": 0.05}, alloc="heft")
    assert heft.allocation == "heft"
    assert heft.expected.latency_cycles > 2 * first.expected.latency_cycles
