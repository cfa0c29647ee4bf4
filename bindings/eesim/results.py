"""Reports: Report (Evaluator.evaluate, `eesim run`), StreamReport (`eesim stream`) and
SweepReport (`eesim sweep`).

Each holds its report message (sim/results/report.proto) as the C++ core made it and reads
fields from it when they are asked for: `report.expected.latency_cycles` costs two lookups, and
nothing is built for the layers, cores or links until they are touched. Attributes mirror the
report's JSON (`report.scenarios[0].quality.lower_bound_cycles`); `as_dict()` is the dict
`json.loads` gives for the CLI's `--json`, `to_json()` its text, `to_bytes()` its `--report`
protobuf binary. Frames (pandas, units in the column names) and a short repr are built on
request.
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


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else "..." + text[-(width - 3):]


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

    def __str__(self) -> str:
        return self.__repr__()

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

    Frames (pandas; units in column names): scenarios_frame(), layers_frame(), cores_frame(),
    links_frame(), or frames() for all four. print(report) gives a short summary.

    With `evaluate(..., trace=True)`: `trace` is a dict of numpy arrays, one per column
    (scenario, track, kind, name, start_cycles, end_cycles, layer, first_row, rows, macs,
    bytes, cancelled, first_channel, channels; kind "cn", "transfer", "dram" or "spill"), `tracks`
    lists the track names (cores, links, then DRAM ports), and `trace_frame()` gives a pandas
    DataFrame; `memory` holds each core's on-chip memory over time (scenario, core, cycle,
    live_bytes after each change, capacity_bytes), also as `memory_frame()`."""

    _KIND = "RunReport"

    def __init__(self, data: Any, trace: Optional[Dict[str, list]] = None,
                 tracks: Optional[List[str]] = None, memory: Optional[Dict[str, list]] = None):
        self._message = _message(self._KIND, data)
        self.trace = None if trace is None else _arrays(trace)
        self.tracks = tracks
        self.memory = None if memory is None else _arrays(memory)

    def __reduce__(self):
        return (Report, (self._message, self.trace, self.tracks, self.memory))

    def scenarios_frame(self):
        """One row per exit scenario (exits by depth, then the final output): exit,
        probability, latency_cycles, latency_ms, energy_pj (dynamic + NoC + static, each also a
        column), edp_pj_cycles (its energy times its latency), nodes, noc/dram/spilled bytes,
        lower_bound_cycles, latency_over_bound, idle_while_waiting_cycles."""
        rows = []
        for s in self._message.scenarios:
            q = s.quality
            rows.append({
                "exit": s.exit, "probability": s.probability, "latency_cycles": s.latency_cycles,
                "latency_ms": s.latency_ms, "energy_pj": s.energy_pj,
                "dynamic_energy_pj": s.dynamic_energy_pj, "noc_energy_pj": s.noc_energy_pj,
                "static_energy_pj": s.static_energy_pj,
                "edp_pj_cycles": s.energy_pj * s.latency_cycles, "nodes": s.nodes,
                "noc_bytes": s.noc_bytes, "dram_bytes": s.dram_bytes,
                "spilled_bytes": s.spilled_bytes, "lower_bound_cycles": q.lower_bound_cycles,
                "latency_over_bound": q.latency_over_bound,
                "idle_while_waiting_cycles": q.idle_while_waiting_cycles})
        import pandas as pd
        return pd.DataFrame(rows)

    def layers_frame(self):
        """One row per layer, the report's layer fields: name, core, compute_cycles, macs,
        weights_resident, split, cores, weight/input/output bits, weight_density, weight_bytes
        (one copy as stored), mac_passes, and its expected energy: energy_pj =
        compute_energy_pj + sram_energy_pj + dram_energy_pj + spill_energy_pj +
        noc_energy_pj."""
        return _frame(self._message.columns("layers"))

    def cores_frame(self):
        """One row per core: core, busy_cycles and busy_percent (expected, of E[L]),
        peak_memory_bytes, resident_weight_bytes, energy_pj = dynamic_energy_pj (its nodes and
        their spills) + static_energy_pj (its power over each scenario's latency)."""
        c = self._message.columns("cores")
        return _frame({"core": c["name"], "busy_cycles": c["busy_cycles"],
                       "busy_percent": [100 * u for u in c["utilization"]],
                       "peak_memory_bytes": c["peak_memory_bytes"],
                       "resident_weight_bytes": c["resident_weight_bytes"],
                       "energy_pj": c["energy_pj"], "dynamic_energy_pj": c["dynamic_energy_pj"],
                       "static_energy_pj": c["static_energy_pj"]})

    def links_frame(self):
        """One row per NoC link any scenario used: link ("(x,y)->(x,y)"), from_x, from_y,
        to_x, to_y, and expected busy_cycles, busy_percent (of E[L]), bytes and energy_pj (the
        links' sum is expected.noc_energy_pj)."""
        c = self._message.columns("links")
        el = self._message.expected.latency_cycles
        return _frame({
            "link": [f"({a[0]},{a[1]})->({b[0]},{b[1]})" for a, b in zip(c["from"], c["to"])],
            "from_x": [a[0] for a in c["from"]], "from_y": [a[1] for a in c["from"]],
            "to_x": [b[0] for b in c["to"]], "to_y": [b[1] for b in c["to"]],
            "busy_cycles": c["busy_cycles"],
            "busy_percent": [100 * b / el if el > 0 else 0.0 for b in c["busy_cycles"]],
            "bytes": c["bytes"], "energy_pj": c["energy_pj"]},
            ["link", "from_x", "from_y", "to_x", "to_y", "busy_cycles", "busy_percent", "bytes",
             "energy_pj"])

    def frames(self) -> Dict[str, Any]:
        """{"scenarios", "layers", "cores", "links"}: the four frames."""
        return {"scenarios": self.scenarios_frame(), "layers": self.layers_frame(),
                "cores": self.cores_frame(), "links": self.links_frame()}

    def trace_frame(self):
        """The trace as a pandas DataFrame (needs evaluate(..., trace=True))."""
        if self.trace is None:
            raise ValueError("no trace: evaluate with trace=True")
        import pandas as pd
        return pd.DataFrame(self.trace)

    def memory_frame(self):
        """On-chip memory over time as a pandas DataFrame (needs evaluate(..., trace=True)):
        scenario, core, cycle, live_bytes (after each change), capacity_bytes."""
        if self.memory is None:
            raise ValueError("no memory timeline: evaluate with trace=True")
        import pandas as pd
        return pd.DataFrame(self.memory)

    def __repr__(self) -> str:
        m = self._message
        e = m.expected
        lines = [
            f"Report: {m.model} on {m.arch} ({len(m.cores)} cores, {m.clock_mhz:g} MHz)",
            f"  policy {m.policy}, fusion {m.fusion}, allocation {m.allocation}, precision "
            f"{m.precision}, {m.nodes} nodes",
            f"  E[L] {e.latency_cycles:,.0f} cycles = {e.latency_ms:.4g} ms   E[E] "
            f"{e.energy_pj / 1e6:.4g} uJ   E[E*L] {e.edp:.4g} pJ*cycles (E[E]*E[L] "
            f"{e.edp_of_means:.4g})",
            f"  {'exit':<16} {'P':>7} {'latency cycles':>15} {'ms':>9} {'energy uJ':>10}"]
        for s in m.scenarios:
            lines.append(f"  {_clip(s.exit, 16):<16} {s.probability:>7.4f} "
                         f"{s.latency_cycles:>15,} {s.latency_ms:>9.4g} "
                         f"{s.energy_pj / 1e6:>10.4g}")
        extra = [f"{len(m.notes)} note(s): .notes" if len(m.notes) else "",
                 f"{len(m.quality.warnings)} warning(s): .quality.warnings"
                 if len(m.quality.warnings) else "",
                 "trace: .trace, trace_frame()" if self.trace is not None else ""]
        extra = [x for x in extra if x]
        if extra:
            lines.append("  " + "; ".join(extra))
        lines.append("  frames: scenarios_frame(), layers_frame(), cores_frame(), links_frame();"
                     " as_dict()")
        return "\n".join(lines)


class StreamReport(_MessageReport):
    """A stream of inputs through the chip (`Evaluator.stream`); attributes mirror
    `eesim stream --json` (throughput_per_s, latency.p99_cycles, exits, cores, analytical,
    energy, quality, ...).

    `inputs` is a dict of numpy arrays, one entry per input (exit, arrival_cycles,
    admitted_cycles, done_cycles, latency_cycles, energy_pj); `inputs_frame()` gives it as a
    pandas DataFrame, `exits_frame()` and `cores_frame()` the per-exit and per-core rows. With
    trace_inputs=N, `trace` holds the first N inputs' timeline (the Report.trace columns plus
    `input`) and `tracks` the track names. print(stream) gives a short summary."""

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

    def exits_frame(self):
        """One row per exit: exit, probability, inputs (that left there), fraction,
        mean_latency_cycles, scenario_latency_cycles (alone on the chip)."""
        return _frame(self._message.columns("exits"))

    def cores_frame(self):
        """One row per core: core, busy_cycles and busy_percent (of the makespan),
        peak_memory_bytes."""
        c = self._message.columns("cores")
        return _frame({"core": c["name"], "busy_cycles": c["busy_cycles"],
                       "busy_percent": [100 * u for u in c["utilization"]],
                       "peak_memory_bytes": c["peak_memory_bytes"]})

    def __repr__(self) -> str:
        m = self._message
        st, lat, en = m.stream, m.latency, m.energy
        flight = f"at most {st.max_in_flight} in flight" if st.max_in_flight else "no in-flight limit"
        rate = f" at {st.rate_per_s:g}/s" if st.rate_per_s else ""
        lines = [
            f"StreamReport: {m.model} on {m.arch}: {st.inputs:,} inputs, {st.arrival}{rate}, "
            f"seed {st.seed}, {flight}",
            f"  throughput {m.throughput_per_s:,.1f} inputs/s (bound "
            f"{m.quality.throughput_bound_per_s:,.1f}/s; one at a time "
            f"{m.analytical.one_at_a_time_throughput_per_s:,.1f}/s); makespan "
            f"{m.makespan_cycles:,} cycles = {m.makespan_ms:.4g} ms",
            f"  latency cycles: mean {lat.mean_cycles:,.0f}, p50 {lat.p50_cycles:,}, p95 "
            f"{lat.p95_cycles:,}, p99 {lat.p99_cycles:,} ({lat.p99_ms:.4g} ms), max "
            f"{lat.max_cycles:,}",
            f"  energy per input {en.per_input_pj / 1e6:.4g} uJ; all inputs: dynamic "
            f"{en.dynamic_pj / 1e9:.4g} mJ, static {en.static_pj / 1e9:.4g} mJ",
            f"  {'exit':<16} {'P':>7} {'inputs':>8} {'fraction':>9} {'mean latency cycles':>20}"]
        for x in m.exits:
            lines.append(f"  {_clip(x.exit, 16):<16} {x.probability:>7.4f} {x.inputs:>8,} "
                         f"{x.fraction:>9.4f} {x.mean_latency_cycles:>20,.0f}")
        lines.append("  frames: inputs_frame(), exits_frame(), cores_frame(); as_dict()")
        return "\n".join(lines)


class SweepReport(_MessageReport):
    """An exit mounting-point sweep (`Evaluator.sweep`); attributes mirror `eesim sweep
    --json` (head, probabilities, baseline, points[i].branch_layer / shape /
    outcomes[j].expected_edp_pj_cycles ...). `rows()` flattens it to one dict per (point, p),
    the columns of `eesim sweep --csv`; `frame()` gives those rows as a pandas DataFrame.
    print(sweep) gives the best point per probability."""

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

    def __repr__(self) -> str:
        m = self._message
        b = m.baseline
        points = m.points
        lines = [f"SweepReport: head {m.head} on {m.model} / {m.arch} (policy {m.policy}, fusion "
                 f"{m.fusion}): {len(points)} points x {len(m.probabilities)} probabilities",
                 f"  no exit: {b.latency_cycles:,} cycles, {b.energy_pj / 1e6:.4g} uJ, EDP "
                 f"{b.edp_pj_cycles:.4g} pJ*cycles"]
        if points:
            lines.append(f"  {'p':>6}  {'best point':<44} {'E[E*L] pJ*cycles':>17} "
                         f"{'/ no exit':>9}")
            for j, p in enumerate(m.probabilities):
                best = min(points, key=lambda pt: pt.outcomes[j].expected_edp_pj_cycles)
                edp = best.outcomes[j].expected_edp_pj_cycles
                ratio = edp / b.edp_pj_cycles if b.edp_pj_cycles else 0.0
                where = f"{best.point} {_clip(best.branch_layer, 40)}"
                lines.append(f"  {p:>6.3g}  {where:<44} {edp:>17.4g} {ratio:>9.3f}")
        lines.append("  frame(): one row per (point, p); as_dict()")
        return "\n".join(lines)
