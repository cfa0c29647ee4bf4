"""`eesim run`: the main job, as a user runs it on the bundled early-exit MobileNetV2."""

import json

import pytest

from conftest import QUAD, REPO_ROOT  # noqa: E402


@pytest.fixture(scope="module")
def model(ee_model_path):
    return ee_model_path


def run_json(run_eesim, tmp_path, model, *args):
    out = tmp_path / f"report{len(list(tmp_path.iterdir()))}.json"
    r = run_eesim("run", model, "--arch", QUAD, "--json", out, *args)
    assert r.returncode == 0, r.stderr
    return r.stdout, json.loads(out.read_text()), out.read_bytes()


def test_report_has_expectations_scenarios_cores_and_layers(run_eesim, model, tmp_path):
    stdout, rep, _ = run_json(run_eesim, tmp_path, model, "--fusion", "rows=4")
    assert "expected: latency" in stdout and "E[E]*E[L]" in stdout
    names = [s["exit"] for s in rep["scenarios"]]
    assert names == ["exit1", "exit2", "exit3", "final"]
    p = [s["probability"] for s in rep["scenarios"]]
    assert p == pytest.approx([0.25, 0.2, 0.15, 0.4])  # the model's metadata
    exp = rep["expected"]
    assert exp["latency_cycles"] == pytest.approx(sum(s["probability"] * s["latency_cycles"] for s in rep["scenarios"]))
    assert exp["energy_pj"] == pytest.approx(sum(s["probability"] * s["energy_pj"] for s in rep["scenarios"]))
    assert exp["edp"] == pytest.approx(sum(s["probability"] * s["energy_pj"] * s["latency_cycles"] for s in rep["scenarios"]))
    assert exp["edp_of_means"] == pytest.approx(exp["energy_pj"] * exp["latency_cycles"])
    assert [c["name"] for c in rep["cores"]] == ["tpu0", "tpu1", "tpu2", "tpu3"]
    assert all(0 <= c["utilization"] <= 1 for c in rep["cores"])
    assert all(c["peak_memory_bytes"] > 0 for c in rep["cores"] if c["busy_cycles"] > 0)
    assert rep["links"] and all(l["busy_cycles"] > 0 for l in rep["links"])
    assert len(rep["layers"]) == 111 and all(l["core"].startswith("tpu") for l in rep["layers"])
    lat = [s["latency_cycles"] for s in rep["scenarios"]]
    assert lat == sorted(lat)  # under wait an earlier exit is never slower
    assert lat[-1] >= rep["lower_bound_cycles"]


def test_all_exits_at_zero_is_the_final_scenario(run_eesim, model, tmp_path):
    args = [a for e in ("exit1", "exit2", "exit3") for a in ("--exit", f"{e}=0")]
    _, rep, _ = run_json(run_eesim, tmp_path, model, *args)
    final = rep["scenarios"][-1]
    assert final["probability"] == 1
    assert rep["expected"]["latency_cycles"] == final["latency_cycles"]


def test_same_inputs_give_byte_identical_reports(run_eesim, model, tmp_path):
    for policy in ("wait", "speculate"):
        a = run_json(run_eesim, tmp_path, model, "--policy", policy, "--fusion", "rows=2")[2]
        b = run_json(run_eesim, tmp_path, model, "--policy", policy, "--fusion", "rows=2")[2]
        assert a == b


def test_bad_options_are_usage_errors(run_eesim, model):
    for args in (["--fusion", "rows=0"], ["--policy", "maybe"], []):
        r = run_eesim("run", model, *(["--arch", QUAD] if args else []), *args)
        assert r.returncode == 2, args
        assert r.stderr.endswith("try 'eesim run --help'\n") and len(r.stderr.splitlines()) <= 3


def test_mapping_file_puts_every_layer_on_one_core(run_eesim, model, tmp_path):
    mapping = tmp_path / "map.txt"
    mapping.write_text("# all on one core\n* = tpu2\n")
    _, rep, _ = run_json(run_eesim, tmp_path, model, "--alloc", mapping)
    assert {l["core"] for l in rep["layers"]} == {"tpu2"}
    assert rep["allocation"] == f"file {mapping}"
    bad = tmp_path / "bad.txt"
    bad.write_text("* = tpu9\n")
    r = run_eesim("run", model, "--arch", QUAD, "--alloc", bad)
    assert r.returncode == 1 and "bad.txt:1: no core named 'tpu9'" in r.stderr


@pytest.mark.parametrize("policy", ["wait", "speculate"])
def test_trace_is_valid_and_every_node_appears_once_per_scenario(run_eesim, model, tmp_path, policy):
    trace, csv = tmp_path / "t.json", tmp_path / "t.csv"
    _, rep, _ = run_json(run_eesim, tmp_path, model, "--fusion", "rows=4", "--policy", policy,
                         "--trace", trace, "--csv", csv)
    events = json.loads(trace.read_text())["traceEvents"]
    cns = [e for e in events if e.get("cat") == "cn"]
    exits = [e for e in events if e["ph"] == "i"]
    assert [e["name"] for e in exits] == ["exit exit1", "exit exit2", "exit exit3", "exit final"]
    for pid, sc in enumerate(rep["scenarios"]):
        mine = [e for e in cns if e["pid"] == pid]
        keys = [(e["name"], e["args"]["rows"], e["args"]["channels"]) for e in mine]
        assert len(keys) == len(set(keys)), "a node appears twice"
        if policy == "wait":  # speculate drops queued work, so fewer may start
            assert len(mine) == sc["nodes"]
        by_track = {}
        for e in mine:
            by_track.setdefault(e["tid"], []).append((e["args"]["start_cycles"], e["args"]["end_cycles"]))
        for spans in by_track.values():  # a core runs one node at a time
            spans.sort()
            assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
        assert max(e["args"]["end_cycles"] for e in mine) == sc["latency_cycles"]
    counters = [e for e in events if e["ph"] == "C"]
    assert counters and all(e["args"]["bytes"] >= 0 for e in counters)
    rows = csv.read_text().splitlines()
    assert rows[0].startswith("scenario,track,kind,name,start_cycles")
    assert len(rows) - 1 == sum(1 for e in events if e["ph"] == "X")


def test_search_never_loses_to_heft_and_repeats_with_its_seed(run_eesim, model, tmp_path):
    hetero = REPO_ROOT / "examples" / "arch" / "hetero.textproto"

    def run(*args):
        out = tmp_path / f"s{len(list(tmp_path.iterdir()))}.json"
        r = run_eesim("run", model, "--arch", hetero, "--fusion", "rows=4", "--json", out, *args)
        assert r.returncode == 0, r.stderr
        return r.stdout, json.loads(out.read_text()), out.read_bytes()

    _, heft, _ = run()
    out1, found, raw1 = run("--alloc", "search", "--objective", "latency", "--seed", "3", "--iterations", "60")
    assert found["allocation"] == "search (seed 3)"
    assert found["expected"]["latency_cycles"] <= heft["expected"]["latency_cycles"]
    assert "search: " in out1 and "(partition) ->" in out1
    _, _, raw2 = run("--alloc", "search", "--objective", "latency", "--seed", "3", "--iterations", "60")
    assert raw1 == raw2
    r = run_eesim("run", model, "--arch", hetero, "--alloc", "search", "--objective", "speed")
    assert r.returncode == 2 and "--objective speed" in r.stderr


def test_report_protobuf_text_and_binary_agree_with_json(run_eesim, model, tmp_path):
    import shutil
    import subprocess

    protoc = shutil.which("protoc")
    if protoc is None:
        pytest.skip("protoc not installed")
    txt, binpb = tmp_path / "r.txtpb", tmp_path / "r.binpb"
    _, rep, _ = run_json(run_eesim, tmp_path, model, "--report", txt)
    assert run_eesim("run", model, "--arch", QUAD, "--report", binpb).returncode == 0
    decoded = subprocess.run(
        [protoc, f"--proto_path={REPO_ROOT / 'sim' / 'results'}", "--decode=eesim.report.RunReport",
         "report.proto"],
        input=binpb.read_bytes(), capture_output=True, check=True).stdout.decode()
    assert decoded == txt.read_text()
    assert f"lower_bound_cycles: {rep['lower_bound_cycles']}" in decoded
    assert decoded.count("scenarios {") == 4 and decoded.count("layers {") == 111
    for s in rep["scenarios"]:
        assert f"latency_cycles: {s['latency_cycles']}\n" in decoded


def test_user_stacks_fuse_only_the_named_layers(run_eesim, model, tmp_path):
    stacks = tmp_path / "stacks.txt"
    stacks.write_text("# the stem\n/stem/stem.0/Conv, /stem/stem.2/Clip\n")
    _, rep, _ = run_json(run_eesim, tmp_path, model, "--stacks", stacks, "--fusion", "rows=8",
                         "--alloc", "heft")
    assert rep["nodes"] == 109 + 2 * 4  # two 32-row layers in 8-row bands, the rest whole
    bad = tmp_path / "bad.txt"
    bad.write_text("/stem/stem.0/Conv nope\n")
    r = run_eesim("run", model, "--arch", QUAD, "--stacks", bad)
    assert r.returncode == 1 and "bad.txt:1: no layer named 'nope'" in r.stderr
