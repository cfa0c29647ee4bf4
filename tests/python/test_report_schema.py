"""One schema (sim/results/report.proto) for every report: the JSON, the protobuf text and binary
reports carry the same figures, field by field, and Python's reports equal the CLI's."""

import json
import math
import shutil
import subprocess
import sys

import pytest

from conftest import QUAD, REPO_ROOT

PROTO = REPO_ROOT / "sim" / "results" / "report.proto"


@pytest.fixture(scope="module")
def report_pb2(tmp_path_factory):
    """The schema's Python classes, generated here with protoc (what a NAS loop in Python does)."""
    pytest.importorskip("google.protobuf")
    protoc = shutil.which("protoc")
    if protoc is None:
        pytest.skip("protoc not installed")
    out = tmp_path_factory.mktemp("report_pb2")
    subprocess.run([protoc, f"--proto_path={PROTO.parent}", f"--python_out={out}", str(PROTO)],
                   check=True)
    sys.path.insert(0, str(out))
    try:
        import report_pb2 as module
    finally:
        sys.path.remove(str(out))
    return module


def compare(message, data, path=""):
    """Walks every field of `message` in declaration order and checks `data` (the JSON object)
    holds exactly those keys, in that order, with equal values (doubles bit for bit). Returns
    the paths of the scalars it compared."""
    from google.protobuf.descriptor import FieldDescriptor as F
    fields = message.DESCRIPTOR.fields
    assert list(data) == [f.name for f in fields], path or "<report>"
    seen = []

    def scalar(f, value, expected, where):
        if f.type == F.TYPE_MESSAGE:
            seen.extend(compare(value, expected, where))
            return
        if f.type in (F.TYPE_DOUBLE, F.TYPE_FLOAT):
            assert isinstance(expected, (int, float)) or expected is None, where
            if expected is None:  # JSON has no NaN or infinity
                assert not math.isfinite(value), where
            else:
                assert value == expected, where
        else:
            assert type(value) is type(expected) and value == expected, where
        seen.append(where)

    for f in fields:
        value, expected = getattr(message, f.name), data[f.name]
        where = f"{path}.{f.name}" if path else f.name
        if f.label == F.LABEL_REPEATED:
            assert isinstance(expected, list) and len(value) == len(expected), where
            for i, (v, e) in enumerate(zip(value, expected)):
                scalar(f, v, e, f"{where}[{i}]")
        else:
            scalar(f, value, expected, where)
    return seen


@pytest.mark.parametrize("opts", [[], ["--fusion", "rows=4", "--policy", "speculate"]])
def test_run_json_and_protobuf_reports_carry_the_same_figures(report_pb2, run_eesim, tmp_path,
                                                              ee_model_path, opts):
    out = {ext: tmp_path / f"r.{ext}" for ext in ("json", "binpb", "txtpb")}
    r = run_eesim("run", ee_model_path, "--arch", QUAD, *opts, "--json", out["json"], "--report",
                  out["binpb"])
    assert r.returncode == 0, r.stderr
    assert run_eesim("run", ee_model_path, "--arch", QUAD, *opts, "--report",
                     out["txtpb"]).returncode == 0
    binary = report_pb2.RunReport.FromString(out["binpb"].read_bytes())
    from google.protobuf import text_format
    text = text_format.Parse(out["txtpb"].read_text(), report_pb2.RunReport())
    assert text == binary
    data = json.loads(out["json"].read_text())
    seen = compare(binary, data)
    # The fields the old schema lacked or named apart from the JSON are there and equal.
    for path in ("arch", "arch_file", "clock_mhz", "expected.edp", "expected.edp_of_means",
                 "scenarios[0].dynamic_energy_pj", "scenarios[3].spilled_bytes",
                 "links[0].from[1]", "layers[0].weights_resident"):
        assert path in seen
    assert binary.arch == "quad_edge_tpu" and binary.arch_file == str(QUAD)
    # 4 cores of 8 figures, 4 scenarios of 12 and 3 + 4 (busy per core) of quality; every
    # layer has 6, the names of the cores running its parts, 3 precisions in bits, its weight
    # density, stored weight bytes and MAC passes, and its energy with 5 parts.
    assert len([p for p in seen if p.startswith("cores[")]) == 32
    assert len([p for p in seen if p.startswith("scenarios[")]) == 4 * (12 + 3 + 4)
    assert len([p for p in seen if p.startswith("layers[")]) == sum(
        6 + len(layer.cores) + 3 + 3 + 6 for layer in binary.layers)
    for path in ("expected.dynamic_energy_pj", "scenarios[0].latency_ms", "cores[0].energy_pj",
                 "links[0].energy_pj", "layers[0].noc_energy_pj"):
        assert path in seen
    # The default mapper splits the stem convolution over the four cores.
    assert data["layers"][0]["split"] in ("rows", "channels")
    assert data["layers"][0]["cores"] == ["tpu0", "tpu1", "tpu2", "tpu3"]


def test_stream_json_and_protobuf_reports_carry_the_same_figures(report_pb2, run_eesim, tmp_path,
                                                                 ee_model_path):
    from google.protobuf import json_format
    out, binpb = tmp_path / "s.json", tmp_path / "s.binpb"
    r = run_eesim("stream", ee_model_path, "--arch", QUAD, "--inputs", "40", "--arrival",
                  "poisson=5000", "--json", out, "--report", binpb)
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    message = report_pb2.StreamReport.FromString(binpb.read_bytes())
    seen = compare(message, data)
    assert json_format.ParseDict(data, report_pb2.StreamReport()) == message
    assert message.stream.arrival == "poisson" and message.stream.inputs == 40
    assert sum(e.inputs for e in message.exits) == 40
    assert {"energy.per_input_pj", "latency.p99_ms", "stream.seed", "spilled_bytes"} <= set(seen)


def test_sweep_json_and_protobuf_reports_carry_the_same_figures(report_pb2, run_eesim, tmp_path,
                                                                ee_model_path):
    from google.protobuf import json_format, text_format
    out, txtpb = tmp_path / "w.json", tmp_path / "w.txtpb"
    r = run_eesim("sweep", ee_model_path, "--arch", QUAD, "--p", "0.3,0.7", "--points",
                  "/stem/stem.0/Conv", "--json", out, "--report", txtpb)
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text())
    message = text_format.Parse(txtpb.read_text(), report_pb2.SweepReport())
    seen = compare(message, data)
    assert json_format.ParseDict(data, report_pb2.SweepReport()) == message
    assert list(message.probabilities) == [0.3, 0.7]
    assert len(message.points) == 1 and len(message.points[0].outcomes) == 2
    assert "points[0].outcomes[1].edp_of_means_pj_cycles" in seen


@pytest.mark.parametrize("cli_opts,py_opts", [
    ([], {}),
    (["--fusion", "rows=4", "--policy", "speculate"],
     {"fusion": "rows", "rows": 4, "policy": "speculate"}),
    (["--alloc", "pipeline", "--fusion", "auto"], {"alloc": "pipeline", "fusion": "auto"}),
])
def test_python_report_equals_the_cli_json(run_eesim, tmp_path, ee_model_path, cli_opts,
                                           py_opts):
    eesim = pytest.importorskip("eesim")
    out = tmp_path / "r.json"
    r = run_eesim("run", ee_model_path, "--arch", QUAD, *cli_opts, "--exit", "exit2=0.3",
                  "--json", out)
    assert r.returncode == 0, r.stderr
    report = eesim.Evaluator(QUAD, **py_opts).evaluate(str(ee_model_path), {"exit2": 0.3})
    assert report.as_dict() == json.loads(out.read_text())
