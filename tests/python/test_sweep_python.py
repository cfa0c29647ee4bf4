"""Evaluator.sweep and its plot as a Python user calls them, checked against `eesim sweep`."""

import csv
import json
import subprocess
import sys

import pytest

from conftest import QUAD, REPO_ROOT

eesim = pytest.importorskip("eesim")


def test_python_sweep_equals_the_cli(run_eesim, tmp_path, ee_model_path):
    out = tmp_path / "s.json"
    head = "conv1x1:64,relu,gap,fc:10"
    r = run_eesim("sweep", ee_model_path, "--arch", QUAD, "--fusion", "rows=4", "--head", head,
                  "--p", "0.2,0.6", "--json", out)
    assert r.returncode == 0, r.stderr
    ev = eesim.Evaluator(QUAD, fusion="rows=4")
    s = ev.sweep(ee_model_path, head=head, probabilities=[0.2, 0.6])
    assert s.as_dict() == json.loads(out.read_text())
    rows = s.rows()
    assert len(rows) == 2 * len(s.points)
    assert {"branch_layer", "channels", "p", "expected_edp_pj_cycles"} <= set(rows[0])
    frame = s.frame()
    # The finding the sweep exists to show: expected EDP varies across mounting points.
    at = frame[frame.p == 0.6].expected_edp_pj_cycles
    assert at.max() > 1.5 * at.min()
    with pytest.raises(eesim.Error, match="no layer named 'nope'"):
        ev.sweep(ee_model_path, points=["nope"])
    with pytest.raises(eesim.Error, match="conv3x3"):
        ev.sweep(ee_model_path, head="gap,conv3x3")


def test_mounting_point_plot_and_example(tmp_path, ee_model_path):
    from eesim import plots
    ev = eesim.Evaluator(QUAD)
    s = ev.sweep(ee_model_path, probabilities=[0.3, 0.7],
                 points=["/stem/stem.0/Conv", "/stages.1/stages.1.1/Add"])
    fig = plots.edp_vs_mounting_point(s)
    top = fig.axes[0]
    assert [l.get_label() for l in top.get_lines()] == ["P(exit) = 0.3", "P(exit) = 0.7", "no exit"]
    assert len(top.get_lines()[0].get_xdata()) == 2
    fig.savefig(tmp_path / "m.png")
    script = REPO_ROOT / "examples/python/mounting_sweep.py"
    r = subprocess.run([sys.executable, script, ee_model_path, "--p", "0.5", "--out-dir", tmp_path],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "best" in r.stdout
    rows = list(csv.DictReader((tmp_path / "mounting_sweep.csv").open()))
    assert len(rows) == 48 and (tmp_path / "mounting_sweep.png").stat().st_size > 10000
