"""Reports as Python reads them (bindings/eesim/results.py): attributes equal to the JSON field
by field, frames equal to the JSON's figures, per-layer energy that sums to the network's, a
short repr, and reports that cross processes (pickle, as_dict)."""

import json
import math
import pickle

import pytest

from conftest import QUAD

eesim = pytest.importorskip("eesim", reason="build the bindings and set PYTHONPATH")
pd = pytest.importorskip("pandas")

EXITS = {"exit1": 0.3, "exit2": 0.2}


@pytest.fixture(scope="module")
def report(ee_model_path):
    return eesim.Evaluator(QUAD, fusion="rows=4").evaluate(ee_model_path, EXITS)


@pytest.fixture(scope="module")
def cli(run_eesim, ee_model_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "r.json"
    r = run_eesim("run", ee_model_path, "--arch", QUAD, "--fusion", "rows=4", "--exit",
                  "exit1=0.3", "--exit", "exit2=0.2", "--json", out)
    assert r.returncode == 0, r.stderr
    return out.read_text()


def relative(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def walk(obj, data, path="report"):
    """Checks attribute access on `obj` gives `data` (the JSON) at every path; returns how many
    scalars it compared."""
    if isinstance(data, dict):
        return sum(walk(getattr(obj, k), v, f"{path}.{k}") for k, v in data.items())
    if isinstance(data, list):
        assert len(obj) == len(data), path
        return sum(walk(o, d, f"{path}[{i}]") for i, (o, d) in enumerate(zip(obj, data)))
    if data is None:  # JSON's null: a non-finite double
        assert not math.isfinite(obj), path
    else:
        assert obj == data and type(obj) in (type(data), float), path
    return 1


def test_every_attribute_path_of_the_json_reads_the_same_value(report, cli):
    data = json.loads(cli)
    assert report.as_dict() == data
    assert report.to_json() == cli  # byte for byte what `eesim run --json` writes
    assert walk(report, data) > 1000
    # Attribute access is typed: doubles are floats even where the JSON wrote "5".
    assert isinstance(report.cores[0].busy_cycles, float)
    assert isinstance(report.scenarios[0].latency_cycles, int)
    # vars() and __dict__ give a message's fields, as SimpleNamespace reports did.
    assert vars(report.layers[0]) == report.layers[0].__dict__
    assert list(vars(report.layers[0])) == list(data["layers"][0])
    with pytest.raises(AttributeError, match="no field or attribute 'latency'"):
        report.expected.latency  # noqa: B018


def test_scenarios_frame_is_the_scenarios_with_units(report):
    data = report.as_dict()
    f = report.scenarios_frame()
    assert list(f["exit"]) == ["exit1", "exit2", "exit3", "final"]
    for key in ("probability", "latency_cycles", "latency_ms", "energy_pj", "dynamic_energy_pj",
                "noc_energy_pj", "static_energy_pj", "nodes", "noc_bytes", "dram_bytes",
                "spilled_bytes"):
        assert list(f[key]) == [s[key] for s in data["scenarios"]], key
    for key in ("lower_bound_cycles", "latency_over_bound", "idle_while_waiting_cycles"):
        assert list(f[key]) == [s["quality"][key] for s in data["scenarios"]], key
    assert list(f["edp_pj_cycles"]) == [s["energy_pj"] * s["latency_cycles"]
                                        for s in data["scenarios"]]
    # E[L], E[E] and E[E*L] from the rows.
    e = data["expected"]
    assert relative((f.probability * f.latency_cycles).sum(), e["latency_cycles"]) < 1e-12
    assert relative((f.probability * f.energy_pj).sum(), e["energy_pj"]) < 1e-12
    assert relative((f.probability * f.edp_pj_cycles).sum(), e["edp"]) < 1e-12
    assert relative((f.probability * f.latency_ms).sum(), e["latency_ms"]) < 1e-12


def test_layers_frame_has_every_layer_field_and_its_energy(report):
    data = report.as_dict()
    f = report.layers_frame()
    assert list(f.columns) == list(data["layers"][0])
    assert len(f) == len(data["layers"])
    for key in f.columns:
        assert list(f[key]) == [layer[key] for layer in data["layers"]], key
    parts = ["compute_energy_pj", "sram_energy_pj", "dram_energy_pj", "spill_energy_pj",
             "noc_energy_pj"]
    assert all(relative(a, b) < 1e-12 for a, b in zip(f[parts].sum(axis=1), f.energy_pj))
    assert (f.compute_energy_pj > 0).all()
    assert f.noc_energy_pj.sum() > 0  # the quad chip moves bands between cores


def test_layer_energy_sums_to_the_networks_dynamic_energy(report):
    e = report.expected
    layers = report.layers_frame()
    cores, links = report.cores_frame(), report.links_frame()
    # Expected dynamic + NoC energy, and each scenario's, is the layers' sum (1e-9 relative).
    assert relative(layers.energy_pj.sum(), e.dynamic_energy_pj + e.noc_energy_pj) < 1e-9
    assert relative(layers.noc_energy_pj.sum(), e.noc_energy_pj) < 1e-9
    assert relative(e.dynamic_energy_pj + e.noc_energy_pj + e.static_energy_pj, e.energy_pj) < 1e-12
    s = report.scenarios_frame()
    assert relative((s.probability * s.dynamic_energy_pj).sum(), e.dynamic_energy_pj) < 1e-12
    # The cores carry the dynamic and static energy, the links the NoC's: together E[E].
    assert relative(cores.dynamic_energy_pj.sum(), e.dynamic_energy_pj) < 1e-9
    assert relative(cores.static_energy_pj.sum(), e.static_energy_pj) < 1e-9
    assert relative(links.energy_pj.sum(), e.noc_energy_pj) < 1e-9
    assert relative(cores.energy_pj.sum() + links.energy_pj.sum(), e.energy_pj) < 1e-9


def test_cores_and_links_frames_are_the_json_figures(report):
    data = report.as_dict()
    c = report.cores_frame()
    assert list(c["core"]) == ["tpu0", "tpu1", "tpu2", "tpu3"]
    for key in ("busy_cycles", "peak_memory_bytes", "resident_weight_bytes", "energy_pj",
                "dynamic_energy_pj", "static_energy_pj"):
        assert list(c[key]) == [x[key] for x in data["cores"]], key
    assert list(c.busy_percent) == [100 * x["utilization"] for x in data["cores"]]
    links = report.links_frame()
    assert len(links) == len(data["links"]) > 0
    for i, x in enumerate(data["links"]):
        row = links.iloc[i]
        assert [row.from_x, row.from_y, row.to_x, row.to_y] == x["from"] + x["to"]
        assert row.link == f"({x['from'][0]},{x['from'][1]})->({x['to'][0]},{x['to'][1]})"
        assert (row.busy_cycles, row.bytes, row.energy_pj) == (x["busy_cycles"], x["bytes"],
                                                              x["energy_pj"])
        assert row.busy_percent == pytest.approx(
            100 * x["busy_cycles"] / data["expected"]["latency_cycles"])
    assert set(report.frames()) == {"scenarios", "layers", "cores", "links"}


# Two 64-lane SIMD cores one hop apart (NoC 0.8 pJ per byte and hop, DRAM 162.5 pJ per byte).
TWO_SIMD = """
name: "two_simd" clock_mhz: 1000
noc { width: 2 height: 1 link_bytes_per_cycle: 4 router_cycles: 1 link_cycles: 1 }
core { name: "v0" x: 0 y: 0 static_power_mw: 1 simd { lanes: 64 memory_bytes: 1000000 } }
core { name: "v1" x: 1 y: 0 static_power_mw: 2 simd { lanes: 64 memory_bytes: 1000000 } }
dram { name: "d" x: 0 y: 0 bandwidth_bytes_per_cycle: 1000 }
"""


def test_per_layer_energy_of_a_two_layer_chain_by_hand(tmp_path):
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["a"], name="relu"),
         helper.make_node("Sigmoid", ["a"], ["y"], name="sig")], "chain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 16, 64])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, 16, 64])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    mapping = tmp_path / "chain.map"
    mapping.write_text("relu = v0\nsig = v1\n")
    r = eesim.Evaluator(arch_text=TWO_SIMD, precision="native").evaluate(
        model.SerializeToString(), alloc=str(mapping))
    relu, sig = r.layers
    # Each: 1024 element operations at 0.03 pJ, 1024 words read and 1024 written at 2.5 pJ;
    # relu reads the graph input from DRAM (1024 B) and sends its band one hop (1024 B).
    assert relu.compute_energy_pj == pytest.approx(1024 * 0.03)
    assert relu.sram_energy_pj == pytest.approx(2048 * 2.5)
    assert relu.dram_energy_pj == pytest.approx(1024 * 162.5)
    assert relu.noc_energy_pj == pytest.approx(1024 * 0.8)
    assert (sig.compute_energy_pj, sig.sram_energy_pj) == pytest.approx((1024 * 0.03, 2048 * 2.5))
    assert sig.dram_energy_pj == sig.noc_energy_pj == sig.spill_energy_pj == 0
    assert relu.energy_pj + sig.energy_pj == pytest.approx(
        r.expected.dynamic_energy_pj + r.expected.noc_energy_pj, rel=1e-12)
    # 290 cycles at 1 GHz: static 1 mW and 2 mW over 290 ns.
    assert r.scenarios[0].latency_cycles == 290
    assert [c.static_energy_pj for c in r.cores] == pytest.approx([290, 580])
    assert [c.dynamic_energy_pj for c in r.cores] == pytest.approx(
        [relu.energy_pj - relu.noc_energy_pj, sig.energy_pj])
    assert r.links[0].energy_pj == pytest.approx(1024 * 0.8) and r.links[0].bytes == 1024


def test_repr_is_a_short_summary(report):
    text = repr(report)
    assert str(report) == text
    lines = text.splitlines()
    assert len(lines) <= 15 and len(text) < 1500
    assert "on quad_edge_tpu" in lines[0] and "ee_mobilenetv2_cifar10" in lines[0]
    assert "policy wait, fusion rows=4, allocation partition" in lines[1]
    e = report.expected
    assert f"{e.latency_cycles:,.0f} cycles" in text and f"{e.latency_ms:.4g} ms" in text
    assert f"{e.energy_pj / 1e6:.4g} uJ" in text and f"{e.edp:.4g} pJ*cycles" in text
    for s in report.scenarios:
        assert any(line.split()[:2] == [s.exit, f"{s.probability:.4f}"] for line in lines), s.exit
    assert "frames:" in lines[-1]
    # A message inside the report shows its fields.
    assert repr(report.expected).startswith("Expected(latency_cycles=")


def test_stream_and_sweep_reports_read_their_messages(ee_model_path, run_eesim, tmp_path):
    ev = eesim.Evaluator(QUAD)
    s = ev.stream(ee_model_path, inputs=50, seed=3)
    lines = repr(s).splitlines()
    assert len(lines) <= 15 and lines[0].startswith("StreamReport:") and "50 inputs" in lines[0]
    assert f"{s.throughput_per_s:,.1f} inputs/s" in lines[1]
    assert [row.exit for row in s.exits] == list(s.exits_frame()["exit"])
    assert list(s.exits_frame()["inputs"]) == [x["inputs"] for x in s.as_dict()["exits"]]
    assert list(s.cores_frame()["core"]) == ["tpu0", "tpu1", "tpu2", "tpu3"]
    assert eesim.StreamReport(s.as_dict(), {}) == s
    w = ev.sweep(ee_model_path, probabilities=[0.3, 0.7],
                 points=["/stem/stem.0/Conv", "/stages.1/stages.1.1/Add"])
    lines = repr(w).splitlines()
    assert len(lines) <= 15 and "2 points x 2 probabilities" in lines[0]
    best = min(w.points, key=lambda pt: pt.outcomes[0].expected_edp_pj_cycles)
    assert lines[3].split()[:2] == ["0.3", str(best.point)]
    out = tmp_path / "w.json"
    assert run_eesim("sweep", ee_model_path, "--arch", QUAD, "--p", "0.3,0.7", "--points",
                     "/stem/stem.0/Conv,/stages.1/stages.1.1/Add", "--json",
                     out).returncode == 0
    assert w.to_json() == out.read_text()


def test_reports_cross_processes(report):
    again = pickle.loads(pickle.dumps(report))
    assert again == report and again.as_dict() == report.as_dict()
    assert eesim.Report(report.as_dict()) == report  # evaluate_many sends the dict
    assert eesim.Report(report.as_dict()).to_bytes() == report.to_bytes()
    with pytest.raises(eesim.Error, match=r"expected\.latency: no such field in Expected"):
        eesim.Report({"expected": {"latency": 1}})
    with pytest.raises(TypeError, match="expected a report message or its dict"):
        eesim.Report("{}")
