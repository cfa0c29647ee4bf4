"""load_model(torch.nn.Module, example_input=...): exported in memory, exits named by output."""
import pickle
import subprocess
import sys

import pytest

import eesim
from conftest import QUAD

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402


class TinyEE(nn.Module):
    """conv 3->8 (3x3, pad 1) -> relu -> [exit: gap -> fc 8->10] -> conv 8->16 (3x3, pad 1)
    -> relu -> gap -> fc 16->10. On 1x3x16x16: conv1 16*16*8*27 = 55,296 MACs, conv2
    16*16*16*72 = 294,912, exit fc 80, final fc 160."""

    def __init__(self, exit_first=False):
        super().__init__()
        self.exit_first = exit_first
        self.conv1, self.conv2 = nn.Conv2d(3, 8, 3, padding=1), nn.Conv2d(8, 16, 3, padding=1)
        self.exit_fc, self.fc = nn.Linear(8, 10), nn.Linear(16, 10)

    def forward(self, x):
        x = torch.relu(self.conv1(x))
        early = self.exit_fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))
        x = torch.relu(self.conv2(x))
        final = self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))
        return (final, early) if self.exit_first else (early, final)


MACS = 55_296 + 294_912 + 80 + 160


def test_a_module_with_an_exit_loads_with_exits_named_in_return_order():
    m = eesim.load_model(TinyEE(), example_input=torch.randn(1, 3, 16, 16))
    assert m.name == "<torch TinyEE>"
    assert m.exits == ["exit1"] and m.final_output == "final"
    assert m.total_macs == MACS
    r = eesim.Evaluator(QUAD).evaluate(m, {"exit1": 0.3})
    assert [s.exit for s in r.scenarios] == ["exit1", "final"]
    assert r.scenarios[0].latency_cycles < r.scenarios[1].latency_cycles
    # Pickled (the exported bytes travel), it is the same model.
    assert pickle.loads(pickle.dumps(m)).layers == m.layers


def test_output_names_name_exits_and_the_deepest_output_is_final():
    m = eesim.load_model(TinyEE(exit_first=True), example_input=(torch.randn(1, 3, 16, 16),),
                         output_names=["late", "early"])
    assert m.exits == ["early"] and m.final_output == "late"
    # Default names follow the return order; the depth still decides which one is final.
    m = eesim.load_model(TinyEE(exit_first=True), example_input=torch.randn(1, 3, 16, 16))
    assert m.exits == ["final"] and m.final_output == "exit1"


def test_a_module_equals_its_export_to_a_file(tmp_path):
    torch.manual_seed(0)
    net, x = TinyEE(), torch.randn(1, 3, 16, 16)
    path = tmp_path / "tiny.onnx"
    torch.onnx.export(net, (x,), str(path), input_names=["input"],
                      output_names=["exit1", "final"], opset_version=13)
    ours = eesim.load_model(net, example_input=x, export_options={"opset_version": 13})
    theirs = eesim.load_model(path)
    assert ours.layers == theirs.layers and ours.exits == theirs.exits
    ev = eesim.Evaluator(QUAD)
    a, b = ev.evaluate(ours, {"exit1": 0.5}).as_dict(), ev.evaluate(theirs, {"exit1": 0.5}).as_dict()
    assert a["expected"] == b["expected"] and a["scenarios"] == b["scenarios"]
    assert net.training  # the export ran in eval mode and put the module back


def test_a_module_needs_an_example_input():
    with pytest.raises(TypeError, match="example_input"):
        eesim.load_model(TinyEE())
    with pytest.raises(TypeError, match="torch.nn.Module"):
        eesim.load_model(object())


def test_torch_is_not_imported_unless_a_module_is_given(ee_model_path):
    code = ("import sys, eesim; m = eesim.load_model(sys.argv[1]); "
            "eesim.Evaluator(sys.argv[2]).evaluate(m); "
            "assert 'torch' not in sys.modules, 'torch imported'")
    r = subprocess.run([sys.executable, "-c", code, str(ee_model_path), str(QUAD)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
