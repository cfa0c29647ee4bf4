"""The bundled early-exit examples through `eesim inspect`, as a user runs them.

The example .onnx files are exported at build time into EESIM_EXAMPLES (the build dir); MAC
totals are checked against PyTorch forward hooks on the same modules that were exported.
"""
import importlib.util
import json
import os
from pathlib import Path

import pytest

from conftest import REPO_ROOT

torch = pytest.importorskip("torch")
import torch_reference  # noqa: E402  (tools/ is on sys.path via conftest)

EXAMPLES = Path(os.environ.get("EESIM_EXAMPLES") or REPO_ROOT / "build" / "examples" / "models")


def example(name):
    path = EXAMPLES / f"{name}.onnx"
    if not path.exists():
        pytest.skip(f"{path} not built (ninja -C build)")
    return path


def inspect(run_eesim, path, *extra):
    r = run_eesim("inspect", path, "--json", *extra)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def load_script(name):
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "examples" / "models" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_ee_mobilenetv2_three_exits_in_depth_order_with_metadata_probabilities(run_eesim):
    j = inspect(run_eesim, example("ee_mobilenetv2_cifar10"))
    assert [e["name"] for e in j["exits"]] == ["exit1", "exit2", "exit3"]
    assert [e["probability"] for e in j["exits"]] == pytest.approx([0.25, 0.2, 0.15])
    assert j["final_output"] == "final"
    assert j["final_probability"] == pytest.approx(0.4)
    depths = [e["depth"] for e in j["exits"]]
    assert depths == sorted(depths) and len(set(depths)) == 3
    assert j["inputs"] == [{"name": "input", "shape": [1, 3, 32, 32]}]
    # CIFAR adaptation: stride 1 in the stem and the 24-channel stage, so the last map is 4x4.
    last_conv = [l for l in j["layers"] if l["name"] == "/last_conv/last_conv.0/Conv"][0]
    assert last_conv["output_shape"] == [1, 1280, 4, 4]
    assert last_conv["input_shapes"] == [[1, 320, 4, 4]]


def test_ee_mobilenetv2_macs_equal_pytorch_hooks(run_eesim):
    mod = load_script("ee_mobilenetv2_cifar10")
    torch.manual_seed(0)
    model = mod.EEMobileNetV2().eval()
    hooks = torch_reference.count_macs(model, torch.randn(1, 3, 32, 32))
    j = inspect(run_eesim, example("ee_mobilenetv2_cifar10"))
    assert j["total_macs"] == sum(h["macs"] for h in hooks)
    ours = sorted(l["macs"] for l in j["layers"] if l["op"] in ("Conv", "Gemm", "MatMul"))
    assert ours == sorted(h["macs"] for h in hooks)


def test_branchy_resnet_orders_exits_by_depth_not_output_order(run_eesim):
    j = inspect(run_eesim, example("branchy_resnet"))
    assert j["final_output"] == "final"
    assert [e["name"] for e in j["exits"]] == ["exit1", "exit2"]
    assert j["exits"][0]["depth"] < j["exits"][1]["depth"]
    assert all(not e["conditional"] for e in j["exits"])


def test_if_form_has_the_same_exits_branch_points_and_macs_as_multi_output(run_eesim):
    multi = inspect(run_eesim, example("branchy_resnet"))
    gated = inspect(run_eesim, example("branchy_resnet_if"))
    assert gated["final_output"] == "output"
    assert [e["name"] for e in gated["exits"]] == ["exit1", "exit2"]
    assert all(e["conditional"] for e in gated["exits"])
    assert [e["branch_point"] for e in gated["exits"]] == [e["branch_point"] for e in multi["exits"]]
    assert gated["total_macs"] == multi["total_macs"]
    # The confidence test (Softmax -> ReduceMax -> Greater) is part of each exit head.
    for e, m in zip(gated["exits"], multi["exits"]):
        extra = [n for n in e["head_layers"] if n not in m["head_layers"]]
        ops = sorted(l["op"] for l in gated["layers"] if l["name"] in extra)
        assert ops == ["Greater", "ReduceMax", "Softmax"]


def test_cli_exit_options_override_metadata_and_convert_conditional_rates(run_eesim, tmp_path):
    path = example("ee_mobilenetv2_cifar10")
    j = inspect(run_eesim, path, "--exit", "exit2=0.5")
    assert [e["probability"] for e in j["exits"]] == [0.0, 0.5, 0.0]
    assert j["exit_profile_source"] == "--exit"
    j = inspect(run_eesim, path, "--conditional", "--exit", "exit1=0.5", "--exit", "exit2=0.5", "--exit", "exit3=0.5")
    assert [e["probability"] for e in j["exits"]] == pytest.approx([0.5, 0.25, 0.125])
    assert j["final_probability"] == pytest.approx(0.125)
    f = tmp_path / "profile.txt"
    f.write_text("# measured on CIFAR-10 validation\nrates = conditional\nexit1 = 0.2\nexit3 = 1\n")
    j = inspect(run_eesim, path, "--exits", f)
    assert [e["probability"] for e in j["exits"]] == pytest.approx([0.2, 0.0, 0.8])
    assert j["final_probability"] == pytest.approx(0.0)


@pytest.mark.parametrize("args, message", [
    (["--exit", "exit9=0.1"], "unknown exit 'exit9'"),
    (["--exit", "exit1=1.2"], "probability 1.2 is outside [0,1]"),
    (["--exit", "exit1=0.6", "--exit", "exit2=0.6"], "sum to 1.2, above 1"),
    (["--exit", "final=0.1"], "'final' is the final output"),
    (["--input", "input=1x4x32x32"], "input has 4 channels but weight"),
])
def test_cli_bad_exit_profiles_and_shapes_fail_clearly(run_eesim, args, message):
    r = run_eesim("inspect", example("ee_mobilenetv2_cifar10"), *args)
    assert r.returncode == 1
    assert message in r.stderr
    assert r.stdout == ""


def test_cli_table_lists_exits_with_branch_points(run_eesim):
    r = run_eesim("inspect", example("branchy_resnet"))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert any(l.startswith("total: ") and "MACs" in l for l in lines)
    exit_rows = [l for l in lines if l.startswith("exit1 ") or l.startswith("exit2 ")]
    assert len(exit_rows) == 2 and exit_rows[0].startswith("exit1")


def test_cli_usage_errors_exit_2(run_eesim):
    assert run_eesim("inspect").returncode == 2
    r = run_eesim("inspect", "x.onnx", "--bogus")
    assert r.returncode == 2 and "unknown option --bogus" in r.stderr
    assert run_eesim("frobnicate").returncode == 2
