"""Keeping op types to some cores and pinning or splitting layers (issue 15), as a user gives
them: `--allow OP=CORE,...` on the CLI, `allow={...}` in Python, and `op` / `by rows|channels`
lines in a mapping file that leaves the other layers to the default mapper."""

import json

import eesim

from conftest import QUAD, REPO_ROOT

HETERO = REPO_ROOT / "examples" / "arch" / "hetero.textproto"
EXITS = ["--exit", "exit1=0.25", "--exit", "exit2=0.2", "--exit", "exit3=0.15"]
PROBS = {"exit1": 0.25, "exit2": 0.2, "exit3": 0.15}


def run_json(run_eesim, tmp_path, model, arch, *opts):
    out = tmp_path / "r.json"
    r = run_eesim("run", model, "--arch", arch, *EXITS, *opts, "--json", out)
    assert r.returncode == 0, r.stderr
    return json.loads(out.read_text())


def op_of(run_eesim, model_path):
    r = run_eesim("inspect", model_path, "--json")
    assert r.returncode == 0, r.stderr
    return {layer["name"]: layer["op"] for layer in json.loads(r.stdout)["layers"]}


def test_allow_keeps_convolutions_off_the_simd_core_in_the_cli_and_python(
        run_eesim, tmp_path, ee_model_path):
    ops = op_of(run_eesim, ee_model_path)
    free = run_json(run_eesim, tmp_path, ee_model_path, HETERO)
    kept = run_json(run_eesim, tmp_path, ee_model_path, HETERO, "--allow", "Conv=sa_os,sa_ws",
                    "--allow", "Gemm=simd")
    convs = [layer for layer in kept["layers"] if ops[layer["name"]] == "Conv"]
    assert convs and all(set(layer["cores"]) <= {"sa_os", "sa_ws"} for layer in convs)
    assert any(set(layer["cores"]) & {"tpu0", "tpu1"}
               for layer in free["layers"] if ops[layer["name"]] == "Conv")
    # Two slower arrays for every convolution: later than the free mapping.
    assert kept["expected"]["latency_cycles"] > free["expected"]["latency_cycles"]
    py = eesim.Evaluator(HETERO, allow={"Conv": ["sa_os", "sa_ws"], "Gemm": ["simd"]})
    report = py.evaluate(str(ee_model_path), PROBS)
    assert report.expected.latency_cycles == kept["expected"]["latency_cycles"]


def test_a_bad_allow_names_the_op_or_the_core(run_eesim, ee_model_path):
    r = run_eesim("run", ee_model_path, "--arch", QUAD, "--allow", "conv=tpu0")
    assert r.returncode != 0
    assert "--allow conv=tpu0: 'conv' is not an ONNX op type eesim imports" in r.stderr
    r = run_eesim("run", ee_model_path, "--arch", QUAD, "--allow", "Conv=simd")
    assert r.returncode != 0
    assert "option allow: Conv may run on core 'simd', but" in r.stderr
    assert "quad_edge_tpu.textproto has no core of that name" in r.stderr


def test_a_mapping_file_pins_and_splits_some_layers_and_leaves_the_rest(
        run_eesim, tmp_path, ee_model_path):
    names = list(op_of(run_eesim, ee_model_path))
    stem, clip = names[0], names[1]
    mapping = tmp_path / "m.map"
    mapping.write_text(f"# convolutions on the TPUs\nop Conv = tpu0 tpu1\n"
                       f"{stem} = tpu1 tpu0 by channels\n{clip} = simd\n")
    rep = run_json(run_eesim, tmp_path, ee_model_path, HETERO, "--alloc", mapping)
    assert rep["allocation"] == f"file {mapping}, the rest by partition"
    first, second = rep["layers"][0], rep["layers"][1]
    assert first["split"] == "channels" and first["cores"] == ["tpu1", "tpu0"]
    assert second["split"] == "none" and second["cores"] == ["simd"]
    ops = op_of(run_eesim, ee_model_path)
    assert all(set(layer["cores"]) <= {"tpu0", "tpu1"}
               for layer in rep["layers"] if ops[layer["name"]] == "Conv")
    # A line the options contradict names the file and line.
    r = run_eesim("run", ee_model_path, "--arch", HETERO, "--alloc", mapping,
                  "--allow", "Conv=sa_os")
    assert r.returncode != 0
    assert f"{mapping}:2: op type 'Conv' may run on no core" in r.stderr
    # A split the layer cannot take names the line and the reason.
    bad = tmp_path / "bad.map"
    bad.write_text(f"{names[-1]} = tpu0 tpu1 by rows\n")
    r = run_eesim("run", ee_model_path, "--arch", HETERO, "--alloc", bad)
    assert r.returncode != 0
    assert f"{bad}:1: layer '{names[-1]}' cannot be split by rows" in r.stderr


def test_a_cores_op_types_in_the_architecture_keep_other_ops_off_it(
        run_eesim, tmp_path, ee_model_path):
    """arch.proto's Core.op_type (Stream's operator_types): the chip says what a core can run."""
    ops = op_of(run_eesim, ee_model_path)
    text = QUAD.read_text().replace('name: "tpu0"  x: 0 y: 0',
                                    'name: "tpu0"  x: 0 y: 0 op_type: ["Conv"]')
    assert 'op_type: ["Conv"]' in text
    arch = tmp_path / "conv_only_tpu0.textproto"
    arch.write_text(text)
    r = run_json(run_eesim, tmp_path, ee_model_path, arch, "--fusion", "rows=4")
    on_tpu0 = [layer for layer in r["layers"] if "tpu0" in layer["cores"]]
    assert on_tpu0 and all(ops[layer["name"]] == "Conv" for layer in on_tpu0)
    # Every core restricted to an op the model lacks: the error names the layer and the reason.
    for name in ("tpu1", "tpu2", "tpu3"):
        text = text.replace(f'name: "{name}"  x:', f'op_type: "Softmax" name: "{name}"  x:')
    arch.write_text(text)
    bad = run_eesim("run", ee_model_path, "--arch", arch)
    assert bad.returncode == 1
    assert "(Clip)" in bad.stderr, bad.stderr
    assert "core 'tpu0': runs only op_type Conv (the architecture's)" in bad.stderr, bad.stderr
