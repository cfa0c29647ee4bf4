"""Reports: Report (Evaluator.evaluate, `eesim run`), StreamReport (`eesim stream`) and
SweepReport (`eesim sweep`).

Each holds its report message (sim/results/report.proto) as the C++ core made it and reads
fields from it when they are asked for: `report.expected.latency_cycles` costs two lookups, and
nothing is built for the layers, cores or links until they are touched. Attributes mirror the
report's JSON (`report.scenarios[0].quality.lower_bound_cycles`); `as_dict()` is the dict
`json.loads` gives for the CLI's `--json`, `to_json()` its text, `to_bytes()` its `--report`
protobuf binary.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ._core import ReportMessage

__all__ = ["Report", "StreamReport", "SweepReport"]


def _message(kind: str, data: Any) -> ReportMessage:
    """The report's message: as the core made it, or from a dict of its JSON (a report that
    crossed a process as `as_dict()`)."""
    if isinstance(data, ReportMessage):
        return data
    if isinstance(data, dict):
        return ReportMessage.from_dict(kind, data)
    raise TypeError(f"{kind}: expected a report message or its dict, got {type(data).__name__}")


def _arrays(columns: Optional[Dict[str, list]]) -> Optional[Dict[str, Any]]:
    if columns is None:
        return None
    import numpy as np
    return {k: np.asarray(v) for k, v in columns.items()}


def _frame(columns: Dict[str, list], order: Optional[List[str]] = None):
    import pandas as pd
    return pd.DataFrame(columns, columns=order)


class _MessageReport:
    """A report message with its fields as attributes (read once, then kept on the instance)."""

    _KIND = ""

    def __getattr__(self, name: str) -> Any:
        # Only names not on the instance or class get here: the message's fields.
        if name.startswith("__") or name == "_message":
            raise AttributeError(name)
        value = getattr(self._message, name)
        self.__dict__[name] = value
        return value

    def __dir__(self) -> List[str]:
        return sorted(set(super().__dir__()) | set(self._message.fields))

    def __eq__(self, other: Any) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._message == other._message

    __hash__ = None  # type: ignore[assignment]

    def as_dict(self) -> Dict[str, Any]:
        """The report as `json.loads` reads the CLI's `--json` (a new dict each call)."""
        return self._message.as_dict()

    def to_json(self) -> str:
        """The report's JSON, byte for byte what the CLI's `--json` writes."""
        return self._message.to_json()

    def to_bytes(self) -> bytes:
        """The report message in protobuf binary (the CLI's `--report OUT.binpb`)."""
        return self._message.to_bytes()


class Report(_MessageReport):
    """A simulation report (`Evaluator.evaluate`, `simulate`). Attributes mirror
    `eesim run --json`: model, arch, policy, allocation, expected (latency_cycles, latency_ms,
    energy_pj, edp, edp_of_means, dynamic/noc/static_energy_pj), scenarios[i] (exit,
    probability, latency_cycles, latency_ms, energy_pj and its parts, noc/dram/spilled bytes,
    quality), cores[i] (busy_cycles, utilization, peak_memory_bytes, resident_weight_bytes,
    energy_pj), links[i] (from, to, busy_cycles, bytes, energy_pj), layers[i] (core,
    compute_cycles, macs, split, bits, weight_bytes, mac_passes, energy_pj and its parts),
    lower_bound_cycles, quality, precision, weight_bytes, notes. Each layer's energy is its
    expected dynamic energy: its nodes (a cancelled one pro rata), the spills on its cores when
    its bands arrived and its output's NoC transfers; the layers' sum is
    expected.dynamic_energy_pj + expected.noc_energy_pj. `notes` says when operands ran wider
    than a core's datapath.

    layers_frame() gives the layers as a pandas DataFrame.

    With `evaluate(..., trace=True)`: `trace` is a dict of numpy arrays, one per column
    (scenario, track, kind, name, start_cycles, end_cycles, layer, first_row, rows, macs,
    bytes, cancelled, first_channel, channels), `tracks` lists the track names (cores, then
    links), and `trace_frame()` gives a pandas DataFrame."""

    _KIND = "RunReport"

    def __init__(self, data: Any, trace: Optional[Dict[str, list]] = None,
                 tracks: Optional[List[str]] = None):
        self._message = _message(self._KIND, data)
        self.trace = None if trace is None else _arrays(trace)
        self.tracks = tracks

    def __reduce__(self):
        return (Report, (self._message, self.trace, self.tracks))

    def layers_frame(self):
        """One row per layer, the report's layer fields: name, core, compute_cycles, macs,
        weights_resident, split, cores, weight/input/output bits, weight_density, weight_bytes
        (one copy as stored), mac_passes, and its expected energy: energy_pj =
        compute_energy_pj + sram_energy_pj + dram_energy_pj + spill_energy_pj +
        noc_energy_pj."""
        return _frame(self._message.columns("layers"))

    def trace_frame(self):
        """The trace as a pandas DataFrame (needs evaluate(..., trace=True))."""
        if self.trace is None:
            raise ValueError("no trace: evaluate with trace=True")
        import pandas as pd
        return pd.DataFrame(self.trace)

class StreamReport(_MessageReport):
    """A stream of inputs through the chip (`Evaluator.stream`); attributes mirror
    `eesim stream --json` (throughput_per_s, latency.p99_cycles, exits, cores, analytical,
    energy, quality, ...).

    `inputs` is a dict of numpy arrays, one entry per input (exit, arrival_cycles,
    admitted_cycles, done_cycles, latency_cycles, energy_pj); `inputs_frame()` gives it as a
    pandas DataFrame. With trace_inputs=N, `trace` holds the first N inputs' timeline (the
    Report.trace columns plus `input`) and `tracks` the track names."""

    _KIND = "StreamReport"

    def __init__(self, data: Any, inputs: Dict[str, list],
                 trace: Optional[Dict[str, list]] = None, tracks: Optional[List[str]] = None):
        self._message = _message(self._KIND, data)
        self.inputs = _arrays(inputs)
        self.trace = _arrays(trace)
        self.tracks = tracks

    def __reduce__(self):
        return (StreamReport, (self._message, self.inputs, self.trace, self.tracks))

    def inputs_frame(self):
        """The per-input columns as a pandas DataFrame."""
        import pandas as pd
        return pd.DataFrame(self.inputs)

class SweepReport(_MessageReport):
    """An exit mounting-point sweep (`Evaluator.sweep`); attributes mirror `eesim sweep
    --json` (head, probabilities, baseline, points[i].branch_layer / shape /
    outcomes[j].expected_edp_pj_cycles ...). `rows()` flattens it to one dict per (point, p),
    the columns of `eesim sweep --csv`; `frame()` gives those rows as a pandas DataFrame."""

    _KIND = "SweepReport"

    def __init__(self, data: Any):
        self._message = _message(self._KIND, data)

    def __reduce__(self):
        return (SweepReport, (self._message,))

    def rows(self) -> List[Dict[str, Any]]:
        data = self._message.as_dict()
        out = []
        for pt in data["points"]:
            _, c, h, w = pt["shape"]
            for o in pt["outcomes"]:
                out.append({"point": pt["point"], "branch_layer": pt["branch_layer"],
                            "depth": pt["depth"], "channels": c, "height": h, "width": w,
                            "head_macs": pt["head_macs"], **o,
                            "baseline_edp_pj_cycles": data["baseline"]["edp_pj_cycles"]})
        return out

    def frame(self):
        import pandas as pd
        return pd.DataFrame(self.rows())
