"""Exits edited in memory (Model.without_exits / with_only_exits / with_exit_at, the CLI's
--drop-exits / --keep-exits / --mount-exit): reports equal, byte for byte, those of the model
re-exported by PyTorch without the exits; rates naming a dropped exit are ignored."""
import json
import os
import pickle
import shutil
import subprocess

import pytest

import eesim
from conftest import QUAD

onnx = pytest.importorskip("onnx")

@pytest.fixture(scope="module")
def models(tmp_path_factory, ee_model_path):
    """full/model.onnx (the built example, exits 1-3) and kept13/model.onnx: the same exported
    by PyTorch without exit2 (ee_mobilenetv2_cifar10.py --exits exit1,exit3, built beside it),
    in directories of their own so the CLI, run in each, names both "model.onnx"."""
    reexported = ee_model_path.parent / "ee_mobilenetv2_cifar10_exits13.onnx"
    if not reexported.exists():
        pytest.skip(f"{reexported} not built")
    root = tmp_path_factory.mktemp("exits")
    for name, source in (("full", ee_model_path), ("kept13", reexported)):
        (root / name).mkdir()
        shutil.copy(source, root / name / "model.onnx")
    return root


def run_in(eesim_bin, cwd, *args):
    r = subprocess.run([str(eesim_bin), *map(str, args)], cwd=cwd, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("edit", [["--drop-exits", "exit2"], ["--keep-exits", "exit1,exit3"],
                                  ["--keep-exits=exit3", "--keep-exits", "exit1"]])
def test_cli_run_json_after_dropping_an_exit_equals_the_reexported_model(eesim_bin, models,
                                                                         edit):
    common = ["run", "model.onnx", "--arch", QUAD, "--fusion", "rows=4", "--json", "r.json"]
    text = run_in(eesim_bin, models / "full", *common, *edit)
    reexported = run_in(eesim_bin, models / "kept13", *common)
    assert text == reexported
    ours = (models / "full" / "r.json").read_bytes()
    assert ours == (models / "kept13" / "r.json").read_bytes()
    report = json.loads(ours)
    assert [s["exit"] for s in report["scenarios"]] == ["exit1", "exit3", "final"]
    # The metadata still names exit2 (0.2): ignored, so 0.25 + 0.15 leave and 0.6 go on.
    assert [s["probability"] for s in report["scenarios"]] == pytest.approx([0.25, 0.15, 0.6])


def test_cli_inspect_lists_the_same_layers_and_exits_and_the_dropped_one(eesim_bin, models):
    ours = json.loads(run_in(eesim_bin, models / "full", "inspect", "model.onnx", "--json",
                             "--drop-exits", "exit2"))
    theirs = json.loads(run_in(eesim_bin, models / "kept13", "inspect", "model.onnx", "--json"))
    assert ours["layers"] == theirs["layers"] and ours["exits"] == theirs["exits"]
    assert ours["dropped_exits"] == ["exit2"] and theirs["dropped_exits"] == []
    table = run_in(eesim_bin, models / "full", "inspect", "model.onnx", "--drop-exits", "exit2")
    assert "note: exit(s) dropped in memory: exit2" in table


def test_cli_edit_errors(run_eesim, ee_model_path):
    r = run_eesim("run", ee_model_path, "--arch", QUAD, "--drop-exits", "exit9")
    assert r.returncode == 1
    assert "cannot drop exit 'exit9': no such exit (exits of " in r.stderr
    r = run_eesim("inspect", ee_model_path, "--mount-exit", "x")
    assert r.returncode == 2 and "expected NAME=LAYER or NAME=LAYER@HEAD" in r.stderr
    r = run_eesim("inspect", ee_model_path, "--mount-exit", "x=nope")
    assert r.returncode == 1 and "cannot mount exit 'x': no layer named 'nope'" in r.stderr
    r = run_eesim("inspect", ee_model_path, "--drop-exits", "exit2", "--exit", "exit9=0.1")
    assert r.returncode == 1 and "dropped: exit2" in r.stderr


def test_python_reports_after_exit_editing_equal_the_reexported_models(models):
    full = eesim.load_model((models / "full" / "model.onnx").read_bytes())
    kept13 = eesim.load_model((models / "kept13" / "model.onnx").read_bytes())
    for policy in ("wait", "speculate"):
        ev = eesim.Evaluator(QUAD, fusion="rows=4", policy=policy)
        want = json.dumps(ev.evaluate(kept13, {"exit3": 0.3}).as_dict())
        for edited in (full.without_exits(["exit2"]), full.with_only_exits(["exit3", "exit1"])):
            # A fresh evaluator each time: nothing is reused between the two.
            got = eesim.Evaluator(QUAD, fusion="rows=4", policy=policy).evaluate(
                edited, {"exit3": 0.3})
            assert json.dumps(got.as_dict()) == want
    assert full.exits == ["exit1", "exit2", "exit3"]  # the original is unchanged


def test_dropping_every_exit_equals_the_graph_with_exit_outputs_removed(ee_model_path):
    m = onnx.load(str(ee_model_path))
    for name in ("exit1", "exit2", "exit3"):
        m.graph.output.remove(next(o for o in m.graph.output if o.name == name))
    kept = [p for p in m.metadata_props if not p.key.startswith("eesim.exit.")]
    del m.metadata_props[:]
    m.metadata_props.extend(kept)
    ev = eesim.Evaluator(QUAD, fusion="rows=4")
    backbone = eesim.load_model(ee_model_path.read_bytes()).with_only_exits([])
    assert backbone.exits == [] and backbone.dropped_exits == ["exit1", "exit2", "exit3"]
    want = ev.evaluate(eesim.load_model(m.SerializeToString(), ), None).as_dict()
    assert json.dumps(ev.evaluate(backbone).as_dict()) == json.dumps(want)


def test_rates_naming_a_dropped_exit_are_ignored_and_unknown_ones_still_fail(ee_model_path):
    ev = eesim.Evaluator(QUAD, fusion="rows=4")
    m = eesim.load_model(ee_model_path).without_exits(["exit2"])
    assert m.exits == ["exit1", "exit3"] and m.dropped_exits == ["exit2"]
    assert "dropped [exit2]" in repr(m)
    plain = ev.evaluate(m, {"exit1": 0.3}).as_dict()
    assert ev.evaluate(m, {"exit1": 0.3, "exit2": 0.5}).as_dict() == plain
    q = ev.evaluate(m, {"exit1": 0.5, "exit2": 0.5, "exit3": 0.5}, conditional=True)
    assert [s.probability for s in q.scenarios] == pytest.approx([0.5, 0.25, 0.25])
    with pytest.raises(eesim.Error, match=r"unknown exit 'exit9' \(exits of .*: exit1, exit3; "
                                          r"dropped: exit2\)"):
        ev.evaluate(m, {"exit9": 0.1})
    with pytest.raises(eesim.Error, match="cannot keep exit 'exit2': that exit was dropped"):
        m.with_only_exits(["exit2"])
    with pytest.raises(eesim.Error, match="cannot drop exit 'final': it is the final output"):
        m.without_exits(["final"])
    # A precision rule for the dropped head is skipped, so one rule set serves every variant.
    assert ev.evaluate(m, bits={"exit:exit2": 4}).as_dict() == ev.evaluate(m).as_dict()


def test_a_head_mounted_in_memory_costs_what_the_sweep_prices(ee_model_path):
    layer = "/stages.2/stages.2.2/Add"
    ev = eesim.Evaluator(QUAD, fusion="rows=4")
    backbone = eesim.load_model(ee_model_path).with_only_exits([])
    mounted = backbone.with_exit_at(layer, head="conv1x1:64,relu,gap,fc:10")
    assert mounted.exits == ["mounted_exit"] and mounted.dropped_exits == ["exit1", "exit2",
                                                                           "exit3"]
    named = backbone.with_exit_at(layer, name="early")
    assert named.exits == ["early"]
    assert named.num_layers == backbone.num_layers + 2  # gap, fc
    r = ev.evaluate(mounted, {"mounted_exit": 0.4})
    point = ev.sweep(ee_model_path, head="conv1x1:64,relu,gap,fc:10", probabilities=[0.4],
                     points=[layer]).points[0]
    assert point.branch_layer == layer
    assert r.scenarios[0].latency_cycles == point.exit_latency_cycles
    assert r.scenarios[1].latency_cycles == point.final_latency_cycles
    assert r.scenarios[0].energy_pj == pytest.approx(point.exit_energy_pj, rel=1e-12)
    assert r.expected.edp == pytest.approx(point.outcomes[0].expected_edp_pj_cycles, rel=1e-12)
    with pytest.raises(eesim.Error, match="is the final layer|not on the backbone|4-D"):
        backbone.with_exit_at("/classifier/Gemm")


def test_edited_models_pickle_with_their_edits(ee_model_path, tmp_path):
    path = tmp_path / "m.onnx"
    shutil.copy(ee_model_path, path)
    m = eesim.load_model(path).without_exits(["exit1"]).with_exit_at(
        "/stem/stem.0/Conv", name="exit0")
    back = pickle.loads(pickle.dumps(m))
    assert back.exits == m.exits == ["exit0", "exit2", "exit3"]
    assert back.dropped_exits == ["exit1"] and back.name == str(path)
    ev = eesim.Evaluator(QUAD, fusion="rows=4")
    assert ev.evaluate(back, {"exit0": 0.1}).as_dict() == ev.evaluate(m, {"exit0": 0.1}).as_dict()
    other = eesim.load_model(path)
    os.utime(path, ns=(0, 0))  # the file changed since it was loaded
    with pytest.raises(eesim.Error, match="changed since the model was loaded"):
        pickle.dumps(other)
