"""Stream mode as users run it: `eesim stream` on the bundled early-exit MobileNetV2 and
Evaluator.stream from Python, with the issue's bars checked on the real example."""

import csv
import json

import pytest

from conftest import QUAD, SANITIZED

eesim = pytest.importorskip("eesim")


def stream_json(run_eesim, tmp_path, model, *args):
    out = tmp_path / "stream.json"
    r = run_eesim("stream", model, "--arch", QUAD, "--fusion", "rows=4", "--json", out, *args)
    assert r.returncode == 0, r.stderr
    return r.stdout, json.loads(out.read_text())


def test_far_apart_arrivals_converge_to_the_analytical_expected_latency(run_eesim, tmp_path,
                                                                         ee_model_path):
    # 100 inputs/s on an 800 MHz chip: 8e6 cycles apart, far beyond any scenario's latency.
    # 4,000 inputs (1,000 under sanitizers, 4x slower: the fractions then hold to +-0.04).
    inputs = 1000 if SANITIZED else 4000
    stdout, s = stream_json(run_eesim, tmp_path, ee_model_path, "--inputs", str(inputs),
                            "--arrival", "fixed=100", "--seed", "3")
    el = s["analytical"]["expected_latency_cycles"]
    assert abs(s["latency"]["mean_cycles"] - el) / el < 0.01
    assert s["latency"]["mean_queue_cycles"] == 0
    assert s["stream"]["mean_interval_cycles"] == pytest.approx(8e6)
    # Each exit's inputs take exactly that scenario's latency when alone on the chip.
    for e in s["exits"]:
        assert e["mean_latency_cycles"] == pytest.approx(e["scenario_latency_cycles"])
        assert e["fraction"] == pytest.approx(e["probability"], abs=0.04 if SANITIZED else 0.02)
    assert "stream mean / E[L] = 0.99" in stdout or "stream mean / E[L] = 1.00" in stdout


def test_back_to_back_on_a_pipelined_mapping_beats_one_input_at_a_time(run_eesim, tmp_path,
                                                                       ee_model_path):
    _, s = stream_json(run_eesim, tmp_path, ee_model_path, "--inputs", "2000",
                       "--alloc", "pipeline")
    assert s["stream"]["max_in_flight"] == 4
    assert s["allocation"] == "pipeline"
    assert s["throughput_per_s"] > 1.5 * s["analytical"]["one_at_a_time_throughput_per_s"]
    lat = s["latency"]
    assert lat["min_cycles"] <= lat["p50_cycles"] <= lat["p95_cycles"] <= lat["p99_cycles"] <= lat["max_cycles"]
    assert all(0 <= c["utilization"] <= 1 for c in s["cores"])
    # Inputs that leave early never reach the last stages, which stay partly idle.
    assert min(c["utilization"] for c in s["cores"]) < 0.9


def test_stream_csv_and_trace(run_eesim, tmp_path, ee_model_path):
    per_input, trace, trace_csv = tmp_path / "in.csv", tmp_path / "t.json", tmp_path / "t.csv"
    r = run_eesim("stream", ee_model_path, "--arch", QUAD, "--inputs", "50", "--arrival",
                  "poisson=2000", "--csv", per_input, "--trace", trace, "--trace-csv", trace_csv,
                  "--trace-inputs", "5")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(per_input.open()))
    assert len(rows) == 50
    for row in rows:
        assert int(row["latency_cycles"]) == int(row["done_cycles"]) - int(row["arrival_cycles"])
        assert row["exit"] in {"exit1", "exit2", "exit3", "final"}
    events = json.loads(trace.read_text())["traceEvents"]
    inputs = {e["args"]["input"] for e in events if e.get("ph") == "X"}
    assert inputs == {0, 1, 2, 3, 4}
    t_rows = list(csv.DictReader(trace_csv.open()))
    assert len(t_rows) == sum(1 for e in events if e.get("ph") == "X")


@pytest.mark.parametrize("args, message", [
    (["--arrival", "poisson=-3"], "--arrival poisson=-3"),
    (["--arrival", "sometimes"], "expected back-to-back, fixed=RATE or poisson=RATE"),
    (["--inputs", "0"], "--inputs 0"),
    (["--in-flight", "x"], "--in-flight x"),
])
def test_bad_stream_options_are_usage_errors(run_eesim, ee_model_path, args, message):
    r = run_eesim("stream", ee_model_path, "--arch", QUAD, *args)
    assert r.returncode == 2
    assert message in r.stderr


def test_python_stream_matches_the_cli_and_is_seeded(run_eesim, tmp_path, ee_model_path):
    _, cli = stream_json(run_eesim, tmp_path, ee_model_path, "--inputs", "300", "--seed", "5")
    ev = eesim.Evaluator(QUAD, fusion="rows=4")
    py = ev.stream(ee_model_path, inputs=300, seed=5)
    assert py.as_dict() == cli
    assert len(py.inputs["latency_cycles"]) == 300
    assert py.inputs_frame()["exit"].nunique() == 4
    again = ev.stream(ee_model_path, inputs=300, seed=5)
    assert (again.inputs["done_cycles"] == py.inputs["done_cycles"]).all()
    other = ev.stream(ee_model_path, inputs=300, seed=6)
    assert list(other.inputs["exit"]) != list(py.inputs["exit"])
    with pytest.raises(eesim.Error, match=r"^arrival=soon: expected back-to-back, fixed=RATE or "
                                          r"poisson=RATE \(inputs per second > 0\)$"):
        ev.stream(ee_model_path, arrival="soon")
    with pytest.raises(eesim.Error, match=r"^arrival=poisson=0: expected back-to-back"):
        ev.stream(ee_model_path, arrival="poisson=0")


def test_stream_plots(tmp_path, ee_model_path):
    from eesim import plots
    ev = eesim.Evaluator(QUAD, fusion="rows=4", alloc="pipeline")
    s = ev.stream(ee_model_path, inputs=400, trace_inputs=6)
    fig = plots.stream_gantt(s)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()][:4] == [
        "core tpu0", "core tpu1", "core tpu2", "core tpu3"]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(labels) == 6 and labels[0].startswith("input 0: ")  # where each input leaves
    fig.savefig(tmp_path / "g.png")
    fig = plots.stream_latency(s)
    labels = [l.get_label() for l in fig.axes[0].get_lines()]
    assert {"p50", "p95", "p99", "analytical E[L]"} <= set(labels)
    fig.savefig(tmp_path / "l.png")
    assert (tmp_path / "l.png").read_bytes()[:4] == b"\x89PNG"
