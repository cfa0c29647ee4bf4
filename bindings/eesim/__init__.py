"""eesim: expected latency, energy and EDP of early-exit networks on multi-core edge chips.

    import eesim
    arch = eesim.load_arch("examples/arch/quad_edge_tpu.textproto")
    model = eesim.load_model("ee_mobilenetv2_cifar10.onnx")
    report = eesim.Evaluator(arch, fusion="rows", rows=4).evaluate(model, {"exit1": 0.3})
    print(report.expected.latency_ms, report.scenarios[0].exit)

Errors in models, architectures or exit probabilities raise eesim.Error (a ValueError) with
the same message the command line prints.
"""

from __future__ import annotations

import os
from types import SimpleNamespace
from typing import Any, Dict, Mapping, Optional, Sequence, Union

from ._core import Architecture, Error, Model
from ._core import Evaluator as _CoreEvaluator
from . import _core

__all__ = ["Architecture", "Error", "Evaluator", "Model", "Report", "load_arch", "load_model",
           "simulate"]


def _namespace(value: Any) -> Any:
    if isinstance(value, dict):
        return SimpleNamespace(**{k: _namespace(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_namespace(v) for v in value]
    return value


class Report(SimpleNamespace):
    """A simulation report; attributes mirror `eesim run --json` (expected, scenarios, cores,
    layers, lower_bound_cycles, ...). `as_dict()` gives the plain dictionary.

    With `evaluate(..., trace=True)`: `trace` is a dict of numpy arrays, one per column
    (scenario, track, kind, name, start_cycles, end_cycles, layer, first_row, rows, macs,
    bytes, cancelled), `tracks` lists the track names (cores, then links), and
    `trace_frame()` gives a pandas DataFrame when pandas is installed."""

    def __init__(self, data: Dict[str, Any]):
        trace = data.pop("trace", None)
        super().__init__(**{k: _namespace(v) for k, v in data.items()})
        self._data = data
        self.trace = None
        if trace is not None:
            import numpy as np
            self.trace = {k: np.asarray(v) for k, v in trace.items()}

    def as_dict(self) -> Dict[str, Any]:
        return self._data

    def trace_frame(self):
        """The trace as a pandas DataFrame (needs pandas and evaluate(..., trace=True))."""
        if self.trace is None:
            raise ValueError("no trace: evaluate with trace=True")
        import pandas as pd
        return pd.DataFrame(self.trace)


def load_model(model: Union[str, os.PathLike, bytes, Any], *,
               inputs: Optional[Mapping[str, Sequence[int]]] = None,
               final: str = "") -> Model:
    """An early-exit network from a path, the bytes of an ONNX file, or an onnx.ModelProto."""
    shapes = {k: list(v) for k, v in (inputs or {}).items()}
    if isinstance(model, (str, os.PathLike)):
        return _core.load_model_file(os.fspath(model), shapes, final)
    if isinstance(model, (bytes, bytearray)):
        return _core.load_model_bytes(bytes(model), "<bytes>", shapes, final)
    if hasattr(model, "SerializeToString"):  # onnx.ModelProto, without importing onnx here
        return _core.load_model_bytes(model.SerializeToString(), "<onnx.ModelProto>", shapes, final)
    raise TypeError(f"load_model: expected a path, bytes or onnx.ModelProto, got {type(model).__name__}")


def load_arch(arch: Union[str, os.PathLike], *, text: bool = False) -> Architecture:
    """An architecture from a .textproto path, or from its text when text=True."""
    if text:
        return _core.load_arch_text(str(arch), "<text>")
    return _core.load_arch_file(os.fspath(arch))


class Evaluator:
    """Keeps an architecture and its cost cache warm across evaluations (a NAS loop's state).

    policy: "wait" or "speculate"; fusion: "off", "rows" (bands of `rows` output rows) or
    "auto". `evaluate` releases the GIL while it simulates."""

    def __init__(self, arch: Union[Architecture, str, os.PathLike], *, policy: str = "wait",
                 fusion: str = "off", rows: int = 1):
        if not isinstance(arch, Architecture):
            arch = load_arch(arch)
        self._core = _CoreEvaluator(arch, policy, fusion, rows)

    @property
    def arch(self) -> Architecture:
        return self._core.arch

    def evaluate(self, model: Union[Model, str, os.PathLike, bytes, Any],
                 exits: Optional[Mapping[str, float]] = None, *,
                 conditional: bool = False, trace: bool = False) -> Report:
        """Costs of one candidate: exits maps exit names to P(leave there) (or to
        P(leave | reached) with conditional=True); names not given keep the model's metadata.
        trace=True adds the timeline (Report.trace) for plots."""
        if not isinstance(model, Model):
            model = load_model(model)
        return Report(self._core.evaluate(model, dict(exits or {}), conditional, trace))


def simulate(model: Union[Model, str, os.PathLike, bytes, Any],
             arch: Union[Architecture, str, os.PathLike],
             exits: Optional[Mapping[str, float]] = None, *, policy: str = "wait",
             fusion: str = "off", rows: int = 1, trace: bool = True) -> Report:
    """One evaluation without keeping anything (with its trace, for plots)."""
    return Evaluator(arch, policy=policy, fusion=fusion, rows=rows).evaluate(model, exits, trace=trace)
