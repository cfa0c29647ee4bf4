"""`eesim sweep`: the exit mounting-point sweep, as a user runs it on the bundled EE-MobileNetV2
(its own three exits are stripped, so it serves as the backbone)."""

import csv
import json

import pytest

from conftest import QUAD  # noqa: E402

COLUMNS = [
    "point", "branch_layer", "depth", "channels", "height", "width", "head_macs", "p",
    "exit_latency_cycles", "final_latency_cycles", "exit_energy_pj", "final_energy_pj",
    "expected_latency_cycles", "expected_energy_pj", "expected_edp_pj_cycles",
    "edp_of_means_pj_cycles", "baseline_edp_pj_cycles",
]


@pytest.fixture(scope="module")
def sweep_csv(run_eesim, ee_model_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "sweep.csv"
    r = run_eesim("sweep", ee_model_path, "--arch", QUAD, "--p", "0.1,0.5,0.9", "--csv", out,
                  timeout=600)
    assert r.returncode == 0, r.stderr
    with out.open(newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS
        rows = list(reader)
    return r.stdout, rows


def test_one_row_per_point_and_probability(sweep_csv):
    stdout, rows = sweep_csv
    points = sorted({int(r["point"]) for r in rows})
    assert len(points) > 10 and points == list(range(len(points)))
    assert len(rows) == len(points) * 3
    assert sorted({float(r["p"]) for r in rows}) == [0.1, 0.5, 0.9]
    assert "baseline (no exit)" in stdout and "best at p=0.5" in stdout
    # The model's own exit heads are gone: no branch layer belongs to one.
    assert not any("exit" in r["branch_layer"] for r in rows)


def test_expectations_combine_the_scenarios_and_vary_across_points(sweep_csv):
    _, rows = sweep_csv
    for r in rows:
        p = float(r["p"])
        lx, lf = float(r["exit_latency_cycles"]), float(r["final_latency_cycles"])
        ex, ef = float(r["exit_energy_pj"]), float(r["final_energy_pj"])
        assert float(r["expected_latency_cycles"]) == pytest.approx(p * lx + (1 - p) * lf)
        assert float(r["expected_edp_pj_cycles"]) == pytest.approx(p * ex * lx + (1 - p) * ef * lf)
        assert lx < lf
    at_half = [float(r["expected_edp_pj_cycles"]) for r in rows if float(r["p"]) == 0.5]
    assert max(at_half) > 1.5 * min(at_half)  # where the exit sits matters
    # Deeper branch points leave later: exit latency grows with depth along the backbone.
    by_depth = sorted({(int(r["depth"]), int(r["exit_latency_cycles"])) for r in rows})
    assert by_depth[0][1] < by_depth[-1][1]
    # A more likely exit lowers the expected EDP at every point (exits here are cheaper).
    for point in {r["point"] for r in rows}:
        edp = [float(r["expected_edp_pj_cycles"]) for r in rows if r["point"] == point]
        assert edp == sorted(edp, reverse=True)


def test_json_and_chosen_points(run_eesim, ee_model_path, tmp_path):
    first = "/stem/stem.0/Conv"
    out = tmp_path / "sweep.json"
    r = run_eesim("sweep", ee_model_path, "--arch", QUAD, "--json", out, "--head",
                  "conv1x1:32,relu,gap,fc:10", "--p", "0.3", "--points", first)
    assert r.returncode == 0, r.stderr
    assert "baseline (no exit)" in r.stdout
    rep = json.loads(out.read_text())
    assert rep["head"] == "conv1x1:32,relu,gap,fc:10" and rep["probabilities"] == [0.3]
    assert [pt["branch_layer"] for pt in rep["points"]] == [first]
    pt = rep["points"][0]
    assert pt["shape"] == [1, 32, 32, 32]
    # conv1x1 32->32 on 32x32 and fc 32->10, by hand.
    assert pt["head_macs"] == 32 * 32 * 32 * 32 + 32 * 10
    o = pt["outcomes"][0]
    assert o["expected_edp_pj_cycles"] == pytest.approx(
        0.3 * o["exit_energy_pj"] * o["exit_latency_cycles"]
        + 0.7 * o["final_energy_pj"] * o["final_latency_cycles"])
    assert rep["baseline"]["edp_pj_cycles"] > 0


def test_a_mounted_head_is_the_models_own_exit_head(run_eesim, ee_model_path, tmp_path):
    # exit1 of the example is conv1x1 24->128 (BN folded), ReLU6, GAP, Linear(128->10) on the
    # [1,24,32,32] output of /stages.1/stages.1.1/Add at depth 16 (see `eesim inspect`).
    out = tmp_path / "sweep.json"
    r = run_eesim("sweep", ee_model_path, "--arch", QUAD, "--json", out, "--p", "0.25",
                  "--head", "conv1x1:128,relu,gap,fc:10", "--points", "/stages.1/stages.1.1/Add")
    assert r.returncode == 0, r.stderr
    pt = json.loads(out.read_text())["points"][0]
    assert pt["depth"] == 16 and pt["shape"] == [1, 24, 32, 32]
    assert pt["head_macs"] == 128 * 24 * 32 * 32 + 128 * 10
    assert pt["head_weight_bytes"] == 4 * ((128 * 24 + 128) + (128 * 10 + 10))


def test_bad_input_names_the_culprit(run_eesim, ee_model_path):
    r = run_eesim("sweep", ee_model_path, "--arch", QUAD, "--head", "gap,conv3x3")
    assert r.returncode == 1 and "conv3x3" in r.stderr and "convKxK:C" in r.stderr
    r = run_eesim("sweep", ee_model_path, "--arch", QUAD, "--p", "0.5,2")
    assert r.returncode == 1 and "probability 2" in r.stderr
    r = run_eesim("sweep", ee_model_path, "--arch", QUAD, "--points", "nope")
    assert r.returncode == 1 and "'nope'" in r.stderr
    r = run_eesim("sweep", ee_model_path, "--arch", QUAD, "--policy", "maybe")
    assert r.returncode == 2
    assert r.stderr == "eesim: --policy maybe: expected wait or speculate\ntry 'eesim sweep --help'\n"
    r = run_eesim("sweep", ee_model_path)
    assert r.returncode == 2 and "--arch" in r.stderr
    r = run_eesim("sweep", ee_model_path, "--arch", QUAD, "--alloc", "mapping.txt")
    assert r.returncode == 1 and r.stderr == "eesim: error: mapping.txt: cannot open (No such " \
        "file or directory), expected a mapping file of 'LAYER = CORE' lines\n"
    r = run_eesim("sweep", ee_model_path, "--arch", QUAD, "--alloc", "sarch")
    assert r.returncode == 2 and r.stderr == "eesim: --alloc sarch: unknown allocator 'sarch'; " \
        "did you mean 'search'?\ntry 'eesim sweep --help'\n"
