"""Timing plots with matplotlib (object API, no display needed): a Gantt chart per scenario,
the energy breakdown, expected EDP against exit probability or branch point, and for streams
a Gantt chart of overlapping inputs and the latency distribution.

Every function returns a matplotlib Figure; `fig.savefig("out.png")` (or .svg) writes it.
From the command line (what `eesim run --plot OUT.png` calls):

    /usr/bin/python3 plots.py --csv TRACE.csv --out OUT.png
"""

from __future__ import annotations

import csv
import sys
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch

__all__ = ["gantt", "gantt_from_columns", "energy_breakdown", "edp_vs_exit_probability",
           "edp_vs_branch_point", "edp_vs_mounting_point", "stream_gantt", "stream_latency"]


def _layer_colours(layers: Iterable[str]) -> Dict[str, Any]:
    from matplotlib import colormaps
    cmap = colormaps["tab20"]
    order = list(dict.fromkeys(layers))
    return {name: cmap(i % cmap.N) for i, name in enumerate(order)}


def _bars(axes: Sequence[Any], rows: Sequence[int], starts: Sequence[Any], ends: Sequence[Any],
          kinds: Sequence[str], colours: Sequence[Any]) -> None:
    """A bar per trace row on its axes (None: not drawn) and row: nodes ("cn") edged in black,
    transfers hatched. One collection of rectangles per (axes, kind), not an artist per bar: a
    fused network has thousands of nodes, and matplotlib draws one collection far faster than
    as many artists (the CIFAR EE-MobileNetV2 at 4-row bands: drawn and saved in 1.6 s, not 30)."""
    groups: Dict[Tuple[int, str], Tuple[Any, list, list]] = {}
    for ax, y, start, end, kind, colour in zip(axes, rows, starts, ends, kinds, colours):
        if ax is None:
            continue
        x0, x1 = int(start), max(int(end), int(start) + 1)
        _, verts, faces = groups.setdefault((id(ax), kind), (ax, [], []))
        verts.append([(x0, y - 0.4), (x0, y + 0.4), (x1, y + 0.4), (x1, y - 0.4)])
        faces.append(colour)
    for (_, kind), (ax, verts, faces) in groups.items():
        ax.add_collection(PolyCollection(
            verts, facecolors=faces, edgecolors="black" if kind == "cn" else "none",
            linewidths=0.2, hatch="//" if kind == "transfer" else None))
        ax.autoscale_view()


def gantt_from_columns(columns: Mapping[str, Sequence[Any]], tracks: Sequence[str],
                       exits: Mapping[str, int], clock_mhz: float = 0.0) -> Figure:
    """One Gantt panel per scenario: a row per track (cores, links, DRAM ports), a bar per node,
    transfer or DRAM port booking coloured by layer, and the exit marked where the scenario ends.

    columns: the trace columns (scenario, track, kind, layer, start_cycles, end_cycles, ...);
    exits: scenario name -> latency in cycles, in scenario order."""
    scenarios = list(exits)
    colours = _layer_colours(columns["layer"])
    fig = Figure(figsize=(11, 1.2 + 0.35 * len(tracks) * len(scenarios)))
    axes = fig.subplots(len(scenarios), 1, squeeze=False, sharex=True)[:, 0]
    row_of = {name: i for i, name in enumerate(tracks)}
    panel_of = {name: i for i, name in enumerate(scenarios)}
    panels = [axes[panel_of[s]] if s in panel_of else None for s in columns["scenario"]]
    _bars(panels, [row_of[t] for t in columns["track"]], columns["start_cycles"],
          columns["end_cycles"], columns["kind"], [colours[l] for l in columns["layer"]])
    for ax, scenario in zip(axes, scenarios):
        ax.axvline(exits[scenario], color="red", linestyle="--", linewidth=1.2)
        ax.text(exits[scenario], len(tracks) - 0.4, f" exit {scenario}", color="red", va="top",
                fontsize=8)
        ax.set_yticks(range(len(tracks)), labels=list(tracks), fontsize=8)
        ax.set_ylim(len(tracks) - 0.5, -0.5)
        ax.set_title(f"scenario {scenario}", fontsize=9, loc="left")
    unit = "cycles" if not clock_mhz else f"cycles ({clock_mhz:g} MHz)"
    axes[-1].set_xlabel(unit)
    handles = [Patch(color=c, label=l) for l, c in list(colours.items())[:20]]
    fig.legend(handles=handles, loc="upper right", fontsize=6, ncol=2, title="layers (first 20)")
    fig.tight_layout(rect=(0, 0, 0.8, 1))
    return fig


def gantt(report: Any, scenario: Optional[str] = None) -> Figure:
    """Gantt chart(s) of a Report evaluated with trace=True; one scenario or all of them."""
    if report.trace is None:
        raise ValueError("gantt needs a report evaluated with trace=True")
    exits = {s.exit: s.latency_cycles for s in report.scenarios
             if scenario is None or s.exit == scenario}
    if not exits:
        raise ValueError(f"no scenario named {scenario!r}")
    return gantt_from_columns(report.trace, report.tracks, exits, getattr(report, "clock_mhz", 0.0))


def energy_breakdown(report: Any) -> Figure:
    """Stacked bars per scenario: dynamic (compute, SRAM, DRAM), NoC and static energy, uJ."""
    names = [s.exit for s in report.scenarios]
    parts = [("dynamic", "dynamic_energy_pj"), ("NoC", "noc_energy_pj"),
             ("static", "static_energy_pj")]
    fig = Figure(figsize=(6, 4))
    ax = fig.subplots()
    bottom = [0.0] * len(names)
    for label, key in parts:
        values = [getattr(s, key) / 1e6 for s in report.scenarios]
        ax.bar(names, values, bottom=bottom, label=label)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.axhline(report.expected.energy_pj / 1e6, color="black", linestyle="--", label="E[E]")
    ax.set_ylabel("energy (uJ)")
    ax.set_xlabel("scenario (exit taken)")
    ax.legend()
    fig.tight_layout()
    return fig


def edp_vs_exit_probability(evaluator: Any, model: Any, exit_name: str,
                            probabilities: Sequence[float],
                            others: Optional[Mapping[str, float]] = None) -> Figure:
    """Expected EDP E[E*L] (and E[E]*E[L]) as P(leave at `exit_name`) varies."""
    edp, edp_means = [], []
    for p in probabilities:
        r = evaluator.evaluate(model, {**(others or {}), exit_name: p})
        edp.append(r.expected.edp)
        edp_means.append(r.expected.edp_of_means)
    fig = Figure(figsize=(6, 4))
    ax = fig.subplots()
    ax.plot(list(probabilities), edp, marker="o", label="expected EDP E[E*L]")
    ax.plot(list(probabilities), edp_means, linestyle="--", label="E[E]*E[L]")
    ax.set_xlabel(f"P(exit at {exit_name})")
    ax.set_ylabel("EDP (pJ x cycles)")
    ax.legend()
    fig.tight_layout()
    return fig


def edp_vs_branch_point(points: Sequence[Tuple[str, Any]]) -> Figure:
    """Expected EDP per candidate branch point: points are (label, Report) pairs."""
    fig = Figure(figsize=(6, 4))
    ax = fig.subplots()
    labels = [label for label, _ in points]
    ax.plot(labels, [r.expected.edp for _, r in points], marker="o", label="expected EDP E[E*L]")
    ax.plot(labels, [r.expected.edp_of_means for _, r in points], linestyle="--", label="E[E]*E[L]")
    ax.set_xlabel("branch point")
    ax.set_ylabel("EDP (pJ x cycles)")
    ax.legend()
    fig.tight_layout()
    return fig


def edp_vs_mounting_point(sweep: Any) -> Figure:
    """An exit mounting-point sweep (Evaluator.sweep): expected EDP E[E*L] relative to the
    backbone without exits, per branch point (in depth order) and exit probability; below it,
    the branch tensor's size and the head's MACs, which set what an exit there costs."""
    import numpy as np
    points = sorted(sweep.points, key=lambda pt: (pt.depth, pt.point))
    x = np.arange(len(points))
    base = sweep.baseline.edp_pj_cycles
    fig = Figure(figsize=(max(8, 0.28 * len(points) + 3), 7))
    top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    for j, p in enumerate(sweep.probabilities):
        top.plot(x, [pt.outcomes[j].expected_edp_pj_cycles / base for pt in points], marker="o",
                 markersize=3, label=f"P(exit) = {p:g}")
    top.axhline(1.0, color="black", linestyle="--", linewidth=1, label="no exit")
    top.set_ylabel("expected EDP / no-exit EDP")
    top.set_title(f"exit head {sweep.head} on {sweep.arch} ({sweep.policy})", fontsize=9)
    top.legend(fontsize=8)
    elems = [int(np.prod(pt.shape[1:])) for pt in points]
    bottom.bar(x - 0.2, elems, width=0.4, label="branch tensor elements (C*H*W)")
    bottom.bar(x + 0.2, [pt.head_macs for pt in points], width=0.4, label="head MACs")
    bottom.set_yscale("log")
    bottom.legend(fontsize=8)
    labels = [f"{'/'.join(pt.branch_layer.strip('/').split('/')[-3:-1]) or pt.branch_layer}"
              f" {'x'.join(str(d) for d in pt.shape[1:])}" for pt in points]
    bottom.set_xticks(x, labels=labels, rotation=90, fontsize=6)
    bottom.set_xlabel("branch point (depth order) and its output C x H x W")
    fig.tight_layout()
    return fig


def stream_gantt(stream: Any) -> Figure:
    """The first inputs of a stream (Evaluator.stream(..., trace_inputs=N)) on one timeline:
    a row per core and link, bars coloured by input, each input's exit marked where it ends."""
    if stream.trace is None:
        raise ValueError("stream_gantt needs a stream run with trace_inputs > 0")
    from matplotlib import colormaps
    cmap = colormaps["tab10"]
    t, tracks = stream.trace, list(stream.tracks)
    row_of = {name: i for i, name in enumerate(tracks)}
    fig = Figure(figsize=(11, 1.5 + 0.4 * len(tracks)))
    ax = fig.subplots()
    _bars([ax] * len(t["track"]), [row_of[track] for track in t["track"]], t["start_cycles"],
          t["end_cycles"], t["kind"], [cmap(int(k) % cmap.N) for k in t["input"]])
    shown = sorted(set(int(k) for k in t["input"]))
    for k in shown:
        done = int(stream.inputs["done_cycles"][k])
        ax.plot([done], [-0.45], marker="v", color=cmap(k % cmap.N))
        ax.text(done, -0.5, f"{k}:{stream.inputs['exit'][k]}", fontsize=6, rotation=60,
                va="bottom")
    ax.set_yticks(range(len(tracks)), labels=tracks, fontsize=8)
    ax.set_ylim(len(tracks) - 0.5, -1.5)
    ax.set_xlabel("cycles")
    ax.set_title(f"first {len(shown)} of {stream.stream.inputs} inputs "
                 f"({stream.stream.arrival}); markers: where each input exits", fontsize=9)
    fig.tight_layout()
    return fig


def stream_latency(stream: Any) -> Figure:
    """Latency distribution of a stream: the empirical CDF with p50/p95/p99 and the analytical
    E[L] marked, and the share of inputs per exit."""
    import numpy as np
    lat = np.sort(np.asarray(stream.inputs["latency_cycles"], dtype=float))
    fig = Figure(figsize=(9, 4))
    ax, bars = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 1]})
    ax.step(lat, np.arange(1, len(lat) + 1) / len(lat), where="post", label="stream")
    for name, style in (("p50", ":"), ("p95", "--"), ("p99", "-.")):
        ax.axvline(getattr(stream.latency, f"{name}_cycles"), color="grey", linestyle=style,
                   label=name)
    ax.axvline(stream.analytical.expected_latency_cycles, color="red", label="analytical E[L]")
    ax.set_xlabel("latency (cycles)")
    ax.set_ylabel("fraction of inputs")
    ax.legend(fontsize=8)
    bars.bar([e.exit for e in stream.exits], [e.fraction for e in stream.exits])
    bars.set_ylabel("share of inputs")
    bars.tick_params(axis="x", labelrotation=45, labelsize=7)
    fig.tight_layout()
    return fig


def _read_csv(path: str) -> Tuple[Dict[str, List[Any]], List[str], Dict[str, int]]:
    columns: Dict[str, List[Any]] = {}
    tracks: List[str] = []
    exits: Dict[str, int] = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            for k, v in row.items():
                columns.setdefault(k, []).append(v)
            if row["track"] not in tracks:
                tracks.append(row["track"])
            exits[row["scenario"]] = max(exits.get(row["scenario"], 0), int(row["end_cycles"]))
    cores = [t for t in tracks if t.startswith("core ")]
    return columns, cores + [t for t in tracks if not t.startswith("core ")], exits


def main(argv: Sequence[str]) -> int:
    import argparse
    ap = argparse.ArgumentParser(description="Gantt chart of an eesim trace CSV")
    ap.add_argument("--csv", required=True)
    ap.add_argument("--out", required=True, help="PNG or SVG")
    a = ap.parse_args(argv)
    columns, tracks, exits = _read_csv(a.csv)
    gantt_from_columns(columns, tracks, exits).savefig(a.out, dpi=120)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
