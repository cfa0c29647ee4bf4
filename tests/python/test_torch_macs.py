"""Checks `eesim inspect --json` against MAC counts PyTorch computes itself.

The ONNX files and the reference counts both come from tools/torch_reference.py
(random weights, opset 13, 64x64 input).  64 is the smallest size at which
googlenet's auxiliary heads export, and it keeps the whole module fast.
"""

import json
import random
from collections import Counter

import pytest
from conftest import SANITIZED

HW = 64
# Under sanitizers two models keep the importer's C++ paths checked; the other three cost ~45 s
# of CPU exporting torchvision models in python, which the release suite covers.
MODELS = (["resnet18", "mobilenet_v2"] if SANITIZED else
          ["resnet18", "mobilenet_v2", "shufflenet_v2_x1_0", "efficientnet_b0", "googlenet"])
SINGLE_EXIT = [m for m in MODELS if m != "googlenet"]
MAC_OPS = ("Conv", "Gemm", "MatMul")


@pytest.fixture(scope="session")
def exports(tmp_path_factory):
    """model name -> (onnx path, reference dict); each model exported at most once."""
    pytest.importorskip("torch")
    pytest.importorskip("torchvision")
    pytest.importorskip("onnx")
    import torch_reference

    out = tmp_path_factory.mktemp("torch_exports")
    cache = {}

    def get(model):
        if model not in cache:
            onnx_path, macs_path = torch_reference.export(model, HW, out)
            cache[model] = (onnx_path, json.loads(macs_path.read_text()))
        return cache[model]

    return get


@pytest.fixture(scope="session")
def inspected(run_eesim, exports):
    """model name -> (eesim's JSON, reference dict)."""
    cache = {}

    def get(model):
        if model not in cache:
            onnx_path, ref = exports(model)
            r = run_eesim("inspect", onnx_path, "--json")
            assert r.returncode == 0, (
                f"eesim inspect {onnx_path.name} --json exited {r.returncode}:\n{r.stderr}"
            )
            try:
                info = json.loads(r.stdout)
            except json.JSONDecodeError as exc:
                pytest.fail(f"eesim stdout is not JSON ({exc}):\n{r.stdout[:2000]}")
            cache[model] = (info, ref)
        return cache[model]

    return get


def _multiset_diff(got, want, limit=20):
    extra = sorted((Counter(got) - Counter(want)).elements())
    missing = sorted((Counter(want) - Counter(got)).elements())
    return f"eesim only: {extra[:limit]}\ntorch only: {missing[:limit]}"


def _named_pairs(info, ref):
    """(reference layer, eesim layer or None) for layers whose ONNX node name is known."""
    by_name = {l["name"]: l for l in info["layers"]}
    return [(l, by_name.get(l["onnx_node"])) for l in ref["layers"] if l["onnx_node"]]


@pytest.mark.parametrize("model", MODELS)
def test_total_macs(model, inspected):
    info, ref = inspected(model)
    assert info["total_macs"] == ref["total_macs"], (
        f"{model}: eesim {info['total_macs']} vs torch {ref['total_macs']} "
        f"(diff {info['total_macs'] - ref['total_macs']:+d})"
    )


@pytest.mark.parametrize("model", MODELS)
def test_per_layer_macs_multiset(model, inspected):
    # Independent of naming: the same MAC figures must appear, whatever the
    # importer calls the layers.
    info, ref = inspected(model)
    got = sorted(l["macs"] for l in info["layers"] if l["op"] in MAC_OPS and l["macs"] != 0)
    want = sorted(l["macs"] for l in ref["layers"])
    assert got == want, f"{model}: {len(got)} eesim vs {len(want)} torch layers\n" + _multiset_diff(
        got, want
    )


@pytest.mark.parametrize("model", MODELS)
def test_named_layers_match_modules(model, inspected):
    info, ref = inspected(model)
    pairs = _named_pairs(info, ref)
    # Guards against the check passing vacuously if the reference stops
    # predicting node names (e.g. after a torch upgrade changes the scheme).
    assert len(pairs) == len(ref["layers"]), "reference could not name every module's node"
    missing = [r["onnx_node"] for r, e in pairs if e is None]
    assert not missing, f"{model}: ONNX nodes absent from eesim's layers: {missing[:10]}"
    wrong = [(r["onnx_node"], e["macs"], r["macs"]) for r, e in pairs if e["macs"] != r["macs"]]
    assert not wrong, f"{model}: (node, eesim macs, torch macs): {wrong[:10]}"


@pytest.mark.parametrize("model", MODELS)
def test_named_layer_output_shapes(model, inspected):
    info, ref = inspected(model)
    wrong = [
        (r["onnx_node"], e["output_shape"], r["output_shape"])
        for r, e in _named_pairs(info, ref)
        if e is not None and list(e["output_shape"]) != r["output_shape"]
    ]
    assert not wrong, f"{model}: (node, eesim shape, torch shape): {wrong[:10]}"


def test_resnet18_last_gemm_shape(inspected):
    info, _ = inspected("resnet18")
    gemms = [l for l in info["layers"] if l["op"] == "Gemm"]
    assert gemms, "no Gemm layer in resnet18"
    assert list(gemms[-1]["output_shape"]) == [1, 1000]


def test_resnet18_input(inspected):
    info, _ = inspected("resnet18")
    assert [list(i["shape"]) for i in info["inputs"]] == [[1, 3, HW, HW]]


@pytest.mark.parametrize("model", SINGLE_EXIT)
def test_single_exit_models(model, inspected):
    info, _ = inspected(model)
    assert info["exits"] == []
    assert info["final_output"] == "logits"


@pytest.mark.skipif(SANITIZED, reason="exporting googlenet in python (13 s under ASan); the "
                    "release suite runs it")
def test_googlenet_exits(inspected):
    info, ref = inspected("googlenet")
    assert ref["outputs"] == ["logits", "aux1", "aux2"]  # reference self-check
    exits = info["exits"]
    assert [e["name"] for e in exits] == ["aux1", "aux2"], exits
    assert info["final_output"] == "logits"
    layer_names = {l["name"] for l in info["layers"]}
    for e in exits:
        assert e["branch_point"] in layer_names, e
    # aux1 forks after inception4a, aux2 after inception4d; the exporter's
    # scoped node names make that visible in the branch-point name.
    assert "inception4a" in exits[0]["branch_point"], exits[0]
    assert "inception4d" in exits[1]["branch_point"], exits[1]
    assert exits[0]["depth"] < exits[1]["depth"], exits


def test_reference_googlenet_output_names(exports):
    # Does not need eesim: the output called aux1 must come from the head
    # module aux1 (forking at inception4a), despite torchvision's swapped
    # GoogLeNetOutputs field order.
    import onnx

    onnx_path, _ = exports("googlenet")
    graph = onnx.load(str(onnx_path)).graph
    producer = {out: n.name for n in graph.node for out in n.output}
    assert {o.name: producer[o.name] for o in graph.output} == {
        "logits": "/fc/Gemm",
        "aux1": "/aux1/fc2/Gemm",
        "aux2": "/aux2/fc2/Gemm",
    }


def _random_bytes(path, request):
    rng = random.Random(20240611)
    path.write_bytes(bytes(rng.getrandbits(8) for _ in range(4096)))


def _truncated_resnet18(path, request):
    onnx_path, _ = request.getfixturevalue("exports")("resnet18")
    with open(onnx_path, "rb") as f:
        path.write_bytes(f.read(1000))


def _tensor_proto(path, request):
    np = pytest.importorskip("numpy")
    numpy_helper = pytest.importorskip("onnx.numpy_helper")
    # Unnamed on purpose: TensorProto's dims/data_type/raw_data fields then
    # decode as a well-formed ModelProto (ir_version 4, unknown fields, no
    # graph), so only a semantic check can reject it.  A name (field 8)
    # would clash with opset_import and fail at the protobuf level instead.
    tensor = numpy_helper.from_array(np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    path.write_bytes(tensor.SerializeToString())


def _empty(path, request):
    path.write_bytes(b"")


BAD_FILES = {
    "random_bytes.onnx": _random_bytes,
    "resnet18_first1000.onnx": _truncated_resnet18,
    "tensor_proto.onnx": _tensor_proto,
    "empty.onnx": _empty,
}


@pytest.mark.parametrize("file_name", list(BAD_FILES))
def test_rejects_malformed_file(file_name, run_eesim, tmp_path, request):
    path = tmp_path / file_name
    BAD_FILES[file_name](path, request)
    r = run_eesim("inspect", path, "--json")
    assert r.returncode >= 0, f"eesim died from signal {-r.returncode}:\n{r.stderr}"
    assert r.returncode != 0, f"eesim accepted {file_name}; stdout:\n{r.stdout[:1000]}"
    assert file_name in r.stderr, f"stderr does not name the file:\n{r.stderr}"
    assert r.stdout == "", f"stdout not empty:\n{r.stdout[:1000]}"


def test_rejects_missing_file(run_eesim, tmp_path):
    path = tmp_path / "no_such_model.onnx"
    r = run_eesim("inspect", path, "--json")
    assert r.returncode > 0, (r.returncode, r.stderr)
    assert path.name in r.stderr
    assert r.stdout == ""
