"""Plots render with the right rows and labels; PNG/SVG files are written and non-empty."""


import pytest

eesim = pytest.importorskip("eesim", reason="build the bindings and set PYTHONPATH=build/bindings")
pytest.importorskip("matplotlib")
from eesim import plots  # noqa: E402

from conftest import EXAMPLES, QUAD  # noqa: E402


@pytest.fixture(scope="module")
def model(ee_model_path):
    return eesim.load_model(ee_model_path)


@pytest.fixture(scope="module")
def report(model):
    return eesim.Evaluator(QUAD, fusion="rows=4").evaluate(model, trace=True)


def test_gantt_has_a_panel_per_scenario_rows_per_track_and_the_exit_marked(report, tmp_path):
    fig = plots.gantt(report)
    axes = fig.get_axes()
    assert [a.get_title(loc="left") for a in axes] == [f"scenario {s.exit}" for s in report.scenarios]
    for ax, s in zip(axes, report.scenarios):
        assert [t.get_text() for t in ax.get_yticklabels()] == report.tracks
        assert report.tracks[:4] == ["core tpu0", "core tpu1", "core tpu2", "core tpu3"]
        exit_lines = [l for l in ax.get_lines() if l.get_xdata()[0] == s.latency_cycles]
        assert exit_lines, "the exit is marked at the scenario's latency"
        assert any(t.get_text() == f" exit {s.exit}" for t in ax.texts)
    one = plots.gantt(report, "exit2")
    assert len(one.get_axes()) == 1
    out = tmp_path / "g.png"
    fig.savefig(out)
    assert out.stat().st_size > 10_000


def test_energy_breakdown_stacks_three_parts_per_scenario(report, tmp_path):
    fig = plots.energy_breakdown(report)
    ax = fig.get_axes()[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [s.exit for s in report.scenarios]
    assert len(ax.patches) == 3 * len(report.scenarios)
    assert ax.get_ylabel() == "energy (uJ)"
    heights = [p.get_height() for p in ax.patches]
    total_final = sum(heights[i * len(report.scenarios) + 3] for i in range(3))
    assert total_final == pytest.approx(report.scenarios[3].energy_pj / 1e6)
    out = tmp_path / "e.svg"
    fig.savefig(out)
    assert out.read_text().startswith("<?xml")


def test_edp_against_exit_probability_and_branch_point(model):
    ev = eesim.Evaluator(QUAD)
    fig = plots.edp_vs_exit_probability(ev, model, "exit1", [0.0, 0.3, 0.6], {"exit2": 0, "exit3": 0})
    ax = fig.get_axes()[0]
    assert ax.get_xlabel() == "P(exit at exit1)"
    edp = ax.get_lines()[0].get_ydata()
    assert list(edp) == sorted(edp, reverse=True)  # leaving earlier more often lowers EDP
    points = [("exit1", ev.evaluate(model, {"exit1": 0.5, "exit2": 0, "exit3": 0})),
              ("exit3", ev.evaluate(model, {"exit1": 0, "exit2": 0, "exit3": 0.5}))]
    bp = plots.edp_vs_branch_point(points).get_axes()[0]
    assert [t.get_text() for t in bp.get_xticklabels()] == ["exit1", "exit3"]


def test_cli_plot_writes_a_png(run_eesim, tmp_path):
    out = tmp_path / "run.png"
    r = run_eesim("run", EXAMPLES / "ee_mobilenetv2_cifar10.onnx", "--arch", QUAD, "--plot", out)
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000
    assert not (tmp_path / "run.png.trace.csv").exists()
