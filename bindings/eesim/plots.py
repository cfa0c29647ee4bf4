"""Plots a reader can put in a paper, with matplotlib's object API (no display needed): a Gantt
chart per exit scenario, on-chip memory over time, the energy breakdown, expected EDP against
exit probability, branch point or mounting point, a comparison of chips, and for streams a
Gantt chart of overlapping inputs and the latency distribution.

Conventions, the same in every function:
  - Nothing here simulates: each function draws reports it is given (Evaluator.evaluate,
    Evaluator.exit_probability_sweep, eesim.compare, ...).
  - `ax=`: draw into your own matplotlib Axes (a sequence of Axes where a plot has several
    panels) to compose figures; without it the function makes its own Figure. Either way it
    returns the Figure.
  - Legends sit outside the data, to the right of the axes; a figure the function makes uses
    matplotlib's constrained layout, which keeps room for them.
  - Time is in us or ms when the chip's clock is known, with cycles on a secondary axis on top.
  - Layers are coloured by block (`layer_blocks`: the first level of their ONNX name path that
    tells blocks apart, at most 16 colours), so a legend stays short and readable.
  - Tracks are in one order everywhere: cores in chip order, then links (report.tracks).

From the command line (what `eesim run --plot` and `eesim compare --plot` call):

    /usr/bin/python3 -m eesim.plots --csv TRACE.csv [--report REPORT.json] [--tracks TRACKS.json]
                                    --out OUT.png
    /usr/bin/python3 -m eesim.plots --compare REPORTS.json --out OUT.png
"""

from __future__ import annotations

import csv
import json
import sys
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch

__all__ = ["gantt", "gantt_from_columns", "memory", "energy_breakdown",
           "edp_vs_exit_probability", "edp_vs_branch_point", "edp_vs_mounting_point",
           "compare", "stream_gantt", "stream_latency", "layer_blocks", "track_order", "MAX_BLOCKS"]

# At most this many colours for blocks: more are merged into runs of consecutive blocks.
MAX_BLOCKS = 16


def _palette() -> List[Any]:
    """16 distinct colours: tab20's strong shades first, then six of its light ones."""
    from matplotlib import colormaps
    tab20 = colormaps["tab20"]
    return [tab20(i) for i in range(0, 20, 2)] + [tab20(i) for i in (1, 3, 5, 7, 9, 11)]


def _name_path(name: str) -> List[str]:
    """'/layer1/layer1.0/conv1/Conv' -> ['layer1', 'layer1.0', 'conv1'] (the op dropped)."""
    parts = [p for p in name.strip("/").split("/") if p]
    return parts[:-1] if len(parts) > 1 else parts or [name]


def layer_blocks(layers: Sequence[str], max_blocks: int = MAX_BLOCKS) -> Dict[str, str]:
    """Layer name -> block label. A block is a prefix of the layer's ONNX name path (the
    exporter's module path): the shallowest depth that gives at least three blocks, e.g.
    'layer1'..'layer4' for torchvision's ResNet, 'stages.0', 'exit1', ... for the bundled
    EE-MobileNetV2. Past `max_blocks`, runs of consecutive blocks (in network order) merge into
    one labelled 'first ... last'."""
    names = list(dict.fromkeys(str(n) for n in layers))
    paths = {n: _name_path(n) for n in names}
    depth_max = max((len(p) for p in paths.values()), default=1)
    depth = 1
    while depth < depth_max and len({tuple(p[:depth]) for p in paths.values()}) < 3:
        depth += 1
    key_of = {n: "/".join(paths[n][:depth]) for n in names}
    keys = list(dict.fromkeys(key_of.values()))
    label_of_key = {k: k.split("/")[-1] for k in keys}
    if len(keys) > max_blocks:  # contiguous runs, as even as they come
        per = -(-len(keys) // max_blocks)
        for start in range(0, len(keys), per):
            run = keys[start:start + per]
            label = (label_of_key[run[0]] if len(run) == 1 else
                     f"{label_of_key[run[0]]} ... {label_of_key[run[-1]]}")
            for k in run:
                label_of_key[k] = label
    return {n: label_of_key[key_of[n]] for n in names}


def _block_colours(blocks: Mapping[str, str]) -> Dict[str, Any]:
    """Block label -> colour, in network order."""
    palette = _palette()
    return {b: palette[i % len(palette)]
            for i, b in enumerate(dict.fromkeys(blocks.values()))}


def _new_figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def _one_axes(ax: Any, width: float, height: float, what: str) -> Tuple[Figure, Any]:
    """(figure, axes): a new constrained-layout figure of that size, or `ax` (one Axes) and its
    figure."""
    if ax is None:
        fig = _new_figure(width, height)
        return fig, fig.subplots()
    a = _axes_list(ax, 1, what)[0]
    return a.get_figure(), a


def _axes_list(ax: Any, count: int, what: str) -> List[Any]:
    """`ax` as a list of `count` Axes (one Axes when count is 1)."""
    axes = list(ax) if isinstance(ax, (list, tuple)) or hasattr(ax, "flat") else [ax]
    if hasattr(ax, "flat"):
        axes = list(ax.flat)
    if len(axes) != count:
        raise ValueError(f"{what} draws {count} panel(s): pass ax= as "
                         f"{'one Axes' if count == 1 else f'a sequence of {count} Axes'}, "
                         f"got {len(axes)}")
    return axes


class _TimeScale:
    """Cycles -> the unit the axis shows: us or ms at the chip's clock, or cycles without one."""

    def __init__(self, clock_mhz: float, max_cycles: float):
        self.clock_mhz = float(clock_mhz or 0.0)
        if self.clock_mhz <= 0:
            self.unit, self.per_cycle = "cycles", 1.0
        elif max_cycles / self.clock_mhz >= 1000:
            self.unit, self.per_cycle = "ms", 1.0 / (self.clock_mhz * 1000.0)
        else:
            self.unit, self.per_cycle = "us", 1.0 / self.clock_mhz

    def __call__(self, cycles: float) -> float:
        return float(cycles) * self.per_cycle

    def label(self) -> str:
        return ("time (cycles)" if self.unit == "cycles" else
                f"time ({self.unit}, {self.clock_mhz:g} MHz clock)")

    def cycles_axis(self, ax: Any) -> None:
        """Cycles on a secondary x axis on top of `ax` (nothing without a clock)."""
        if self.unit == "cycles":
            return
        k = self.per_cycle
        from matplotlib.ticker import EngFormatter
        top = ax.secondary_xaxis("top", functions=(lambda t: t / k, lambda c: c * k))
        top.xaxis.set_major_formatter(EngFormatter(sep=""))  # 500k, 1.5M: no offset text
        top.set_xlabel("cycles", fontsize=8)
        top.tick_params(labelsize=7)


def _bars(axes: Sequence[Any], rows: Sequence[int], starts: Sequence[Any], ends: Sequence[Any],
          kinds: Sequence[str], colours: Sequence[Any], scale: _TimeScale) -> None:
    """A bar per trace row on its axes (None: not drawn) and row: nodes ("cn") edged in black,
    transfers hatched. One collection of rectangles per (axes, kind), not an artist per bar: a
    fused network has thousands of nodes, and matplotlib draws one collection far faster than
    as many artists (the CIFAR EE-MobileNetV2 at 4-row bands: drawn and saved in 1.6 s, not 30)."""
    groups: Dict[Tuple[int, str], Tuple[Any, list, list]] = {}
    for ax, y, start, end, kind, colour in zip(axes, rows, starts, ends, kinds, colours):
        if ax is None:
            continue
        x0, x1 = scale(int(start)), scale(max(int(end), int(start) + 1))
        _, verts, faces = groups.setdefault((id(ax), kind), (ax, [], []))
        verts.append([(x0, y - 0.4), (x0, y + 0.4), (x1, y + 0.4), (x1, y - 0.4)])
        faces.append(colour)
    for (_, kind), (ax, verts, faces) in groups.items():
        ax.add_collection(PolyCollection(
            verts, facecolors=faces, edgecolors="black" if kind == "cn" else "none",
            linewidths=0.2, hatch="//" if kind == "transfer" else None))
        ax.autoscale_view()


def _legend_right(ax: Any, handles: Sequence[Any], title: Optional[str] = None,
                  fontsize: float = 8) -> Any:
    """A legend outside `ax`, to its right, top-aligned."""
    return ax.legend(handles=list(handles), loc="upper left", bbox_to_anchor=(1.01, 1.0),
                     borderaxespad=0.0, fontsize=fontsize, title=title,
                     title_fontsize=fontsize, frameon=False)


def _scenario_title(name: str, final: bool, latency_cycles: int, scale: _TimeScale) -> str:
    """'exit 'exit1': 865,882 cycles (1.08 ms)'; the final output by that name (an exporter's
    tensor name such as '419' means nothing to a reader)."""
    what = "final output" if final else f"exit '{name}'"
    when = f"{latency_cycles:,} cycles"
    if scale.unit != "cycles":
        when += f" ({scale(latency_cycles):.4g} {scale.unit})"
    return f"leaves at {what} after {when}" if not final else f"reaches the {what} after {when}"


def gantt_from_columns(columns: Mapping[str, Sequence[Any]], tracks: Sequence[str],
                       exits: Mapping[str, int], clock_mhz: float = 0.0,
                       title: Optional[str] = None, ax: Any = None,
                       final: Optional[str] = "") -> Figure:
    """One Gantt panel per scenario: a row per track (in `tracks` order: cores, links, then DRAM
    ports), a bar per node or DRAM port booking (coloured by block) or transfer (hatched), and a
    dashed line where the scenario ends.

    columns: trace columns (scenario, track, kind, layer, start_cycles, end_cycles, ...);
    exits: scenario name -> latency in cycles, in scenario order; final: the scenario that
    reaches the final output (default: the last of several, None: none of them); ax: one Axes
    per scenario drawn."""
    scenarios = list(exits)
    latest = max([int(v) for v in exits.values()] + [int(e) for e in columns["end_cycles"]] + [1])
    scale = _TimeScale(clock_mhz, latest)
    blocks = layer_blocks(columns["layer"])
    colours = _block_colours(blocks)
    if ax is None:
        fig = _new_figure(11, 1.4 + (0.28 * len(tracks) + 0.5) * len(scenarios))
        axes = list(fig.subplots(len(scenarios), 1, squeeze=False, sharex=True)[:, 0])
    else:
        axes = _axes_list(ax, len(scenarios), "gantt")
        fig = axes[0].get_figure()
    row_of = {name: i for i, name in enumerate(tracks)}
    panel_of = {name: i for i, name in enumerate(scenarios)}
    panels = [axes[panel_of[s]] if s in panel_of else None for s in columns["scenario"]]
    _bars(panels, [row_of[t] for t in columns["track"]], columns["start_cycles"],
          columns["end_cycles"], columns["kind"],
          [colours[blocks[str(l)]] for l in columns["layer"]], scale)
    if final == "":
        final = scenarios[-1] if len(scenarios) > 1 else None
    for a, scenario in zip(axes, scenarios):
        a.axvline(scale(exits[scenario]), color="red", linestyle="--", linewidth=1.0)
        a.set_yticks(range(len(tracks)), labels=list(tracks), fontsize=7)
        a.set_ylim(len(tracks) - 0.5, -0.5)
        a.set_xlim(0, scale(latest) * 1.01)
        a.set_title(_scenario_title(scenario, scenario == final, int(exits[scenario]), scale),
                    fontsize=9, loc="left")
        a.tick_params(axis="x", labelsize=8)
    axes[-1].set_xlabel(scale.label(), fontsize=9)
    scale.cycles_axis(axes[0])
    handles = [Patch(facecolor=c, edgecolor="black", linewidth=0.3, label=b)
               for b, c in colours.items()]
    handles.append(Patch(facecolor="white", edgecolor="grey", hatch="//", label="NoC transfer"))
    _legend_right(axes[0], handles, title="block")
    if title and ax is None:
        fig.suptitle(title, fontsize=11)
    return fig


def _model_name(model: str) -> str:
    """A model as a title names it: its file's stem ('ee_mobilenetv2_cifar10'), not its path."""
    stem = str(model).replace("\\", "/").rsplit("/", 1)[-1]
    return stem[:-5] if stem.endswith(".onnx") else stem


def _title(report: Any, what: str) -> str:
    m = getattr(report, "_message", report)
    model, arch = _model_name(getattr(m, "model", "")), getattr(m, "arch", "")
    return f"{model} on {arch}: {what}" if model and arch else what


def gantt(report: Any, scenario: Optional[str] = None, ax: Any = None) -> Figure:
    """Gantt chart of a Report evaluated with trace=True: every scenario (a panel each, one
    Axes each in `ax`) or one (`scenario`, its exit name)."""
    if report.trace is None:
        raise ValueError("gantt needs a report evaluated with trace=True")
    exits = {s.exit: s.latency_cycles for s in report.scenarios
             if scenario is None or s.exit == scenario}
    if not exits:
        raise ValueError(f"no scenario named {scenario!r}; the report has "
                         f"{[s.exit for s in report.scenarios]}")
    trace = report.trace
    if scenario is not None:  # only its rows: layer colours follow every row's blocks anyway
        keep = [i for i, s in enumerate(trace["scenario"]) if s == scenario]
        trace = {k: [v[i] for i in keep] for k, v in trace.items()}
    final = report.scenarios[-1].exit if len(report.scenarios) > 1 else None
    return gantt_from_columns(trace, report.tracks, exits, report.clock_mhz,
                              title=_title(report, "timeline per exit scenario"), ax=ax,
                              final=final)


def memory(report: Any, scenario: Optional[str] = None, ax: Any = None) -> Figure:
    """On-chip memory over time, a line per core (bytes live after each change: activations,
    inputs buffered from other cores, resident weights), its capacity dashed in the same colour,
    for one scenario (default: the final output's, the longest). Needs trace=True."""
    if getattr(report, "memory", None) is None:
        raise ValueError("memory needs a report evaluated with trace=True")
    names = [s.exit for s in report.scenarios]
    scenario = names[-1] if scenario is None else scenario
    if scenario not in names:
        raise ValueError(f"no scenario named {scenario!r}; the report has {names}")
    latency = next(s.latency_cycles for s in report.scenarios if s.exit == scenario)
    mem = report.memory
    rows = [i for i, s in enumerate(mem["scenario"]) if s == scenario]
    cores = [c.name for c in report.cores]
    scale = _TimeScale(report.clock_mhz, latency)
    fig, a = _one_axes(ax, 9, 4, "memory")
    palette = _palette()
    handles = []
    for j, core in enumerate(cores):
        mine = [i for i in rows if mem["core"][i] == core]
        if not mine:
            continue
        colour = palette[j % len(palette)]
        xs = [0.0] + [scale(int(mem["cycle"][i])) for i in mine] + [scale(latency)]
        ys = [0.0] + [int(mem["live_bytes"][i]) / 1024 for i in mine]
        ys.append(ys[-1])
        (line,) = a.step(xs, ys, where="post", color=colour, linewidth=1.2,
                         label=f"core {core}")
        handles.append(line)
        capacity = int(mem["capacity_bytes"][mine[0]]) / 1024
        a.axhline(capacity, color=colour, linestyle="--", linewidth=0.8)
    handles.append(a.plot([], [], color="grey", linestyle="--", label="capacity")[0])
    a.set_xlim(0, scale(latency) * 1.01)
    a.set_ylim(0, None)
    a.set_xlabel(scale.label(), fontsize=9)
    a.set_ylabel("on-chip memory in use (KiB)", fontsize=9)
    scale.cycles_axis(a)
    final = scenario == names[-1] and len(names) > 1
    a.set_title(_scenario_title(scenario, final, latency, scale), fontsize=9, loc="left")
    _legend_right(a, handles)
    if ax is None:
        fig.suptitle(_title(report, "on-chip memory over time"), fontsize=11)
    return fig


def _scenario_labels(names: Sequence[str]) -> List[str]:
    return [n if i < len(names) - 1 or len(names) == 1 else "final"
            for i, n in enumerate(names)]


def energy_breakdown(report: Any, ax: Any = None) -> Figure:
    """Stacked bars per scenario: dynamic (compute, SRAM, DRAM), NoC and static energy, uJ,
    with the expected energy E[E] dashed."""
    names = _scenario_labels([s.exit for s in report.scenarios])
    parts = [("dynamic", "dynamic_energy_pj"), ("NoC", "noc_energy_pj"),
             ("static", "static_energy_pj")]
    fig, a = _one_axes(ax, 7, 4, "energy_breakdown")
    bottom = [0.0] * len(names)
    for label, key in parts:
        values = [getattr(s, key) / 1e6 for s in report.scenarios]
        a.bar(names, values, bottom=bottom, label=label)
        bottom = [b + v for b, v in zip(bottom, values)]
    a.axhline(report.expected.energy_pj / 1e6, color="black", linestyle="--", label="E[E]")
    a.set_ylabel("energy (uJ)")
    a.set_xlabel("scenario (exit taken)")
    _legend_right(a, a.get_legend_handles_labels()[0])
    if ax is None:
        fig.suptitle(_title(report, "energy per exit scenario"), fontsize=11)
    return fig


def _edp_lines(a: Any, x: Sequence[Any], reports: Sequence[Any]) -> None:
    a.plot(list(x), [r.expected.edp for r in reports], marker="o", label="expected EDP E[E*L]")
    a.plot(list(x), [r.expected.edp_of_means for r in reports], linestyle="--",
           label="E[E]*E[L]")
    a.set_ylabel("EDP (pJ x cycles)")
    _legend_right(a, a.get_legend_handles_labels()[0])


def edp_vs_exit_probability(points: Sequence[Tuple[float, Any]], exit_name: str = "",
                            ax: Any = None, *old_call: Any) -> Figure:
    """Expected EDP E[E*L] (and E[E]*E[L]) against P(leave at `exit_name`): points are
    (probability, Report) pairs, e.g. from Evaluator.exit_probability_sweep."""
    # The old call (evaluator, model, exit, probabilities, others) simulated: refused with a hint.
    if hasattr(points, "evaluate") or old_call:
        raise TypeError("edp_vs_exit_probability takes (probability, Report) pairs; get them "
                        "with Evaluator.exit_probability_sweep(model, exit, probabilities)")
    fig, a = _one_axes(ax, 7, 4, "edp_vs_exit_probability")
    _edp_lines(a, [p for p, _ in points], [r for _, r in points])
    a.set_xlabel(f"P(exit at {exit_name})" if exit_name else "exit probability")
    if ax is None and points:
        fig.suptitle(_title(points[0][1], "expected EDP against exit probability"), fontsize=11)
    return fig


def edp_vs_branch_point(points: Sequence[Tuple[str, Any]], ax: Any = None) -> Figure:
    """Expected EDP per candidate branch point: points are (label, Report) pairs."""
    fig, a = _one_axes(ax, 7, 4, "edp_vs_branch_point")
    _edp_lines(a, [label for label, _ in points], [r for _, r in points])
    a.set_xlabel("branch point")
    if ax is None and points:
        fig.suptitle(_title(points[0][1], "expected EDP per branch point"), fontsize=11)
    return fig


def edp_vs_mounting_point(sweep: Any, ax: Any = None) -> Figure:
    """An exit mounting-point sweep (Evaluator.sweep): expected EDP E[E*L] relative to the
    backbone without exits, per branch point (in depth order) and exit probability; below it,
    the branch tensor's size and the head's MACs, which set what an exit there costs. `ax`:
    two Axes (top, bottom)."""
    import numpy as np
    points = sorted(sweep.points, key=lambda pt: (pt.depth, pt.point))
    x = np.arange(len(points))
    base = sweep.baseline.edp_pj_cycles
    if ax is None:
        fig = _new_figure(max(8, 0.28 * len(points) + 3), 7)
        top, bottom = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    else:
        top, bottom = _axes_list(ax, 2, "edp_vs_mounting_point")
        fig = top.get_figure()
    for j, p in enumerate(sweep.probabilities):
        top.plot(x, [pt.outcomes[j].expected_edp_pj_cycles / base for pt in points], marker="o",
                 markersize=3, label=f"P(exit) = {p:g}")
    top.axhline(1.0, color="black", linestyle="--", linewidth=1, label="no exit")
    top.set_ylabel("expected EDP / no-exit EDP")
    top.set_title(f"exit head {sweep.head} on {sweep.arch} ({sweep.policy})", fontsize=9,
                  loc="left")
    _legend_right(top, top.get_legend_handles_labels()[0])
    elems = [int(np.prod(pt.shape[1:])) for pt in points]
    bottom.bar(x - 0.2, elems, width=0.4, label="branch tensor elements (C*H*W)")
    bottom.bar(x + 0.2, [pt.head_macs for pt in points], width=0.4, label="head MACs")
    bottom.set_yscale("log")
    _legend_right(bottom, bottom.get_legend_handles_labels()[0])
    labels = [f"{'/'.join(pt.branch_layer.strip('/').split('/')[-3:-1]) or pt.branch_layer}"
              f" {'x'.join(str(d) for d in pt.shape[1:])}" for pt in points]
    bottom.set_xticks(x, labels=labels, rotation=90, fontsize=6)
    bottom.set_xlabel("branch point (depth order) and its output C x H x W")
    return fig


def compare(comparison: Any, ax: Any = None) -> Figure:
    """The same network on several chips (eesim.compare, or a list of Reports): E[L], E[E] and
    E[E*L] of each chip relative to the first, as grouped bars, with each chip's absolute
    figures in its legend entry."""
    reports = list(getattr(comparison, "reports", comparison))
    if not reports:
        raise ValueError("compare needs at least one report")
    fig, a = _one_axes(ax, 9, 4, "compare")
    metrics = [("E[L]", lambda e: e.latency_cycles), ("E[E]", lambda e: e.energy_pj),
               ("E[E*L]", lambda e: e.edp)]
    first = reports[0].expected
    width = 0.8 / len(reports)
    palette = _palette()
    for j, r in enumerate(reports):
        e = r.expected
        values = [f(e) / f(first) if f(first) else 0.0 for _, f in metrics]
        label = (f"{r.arch}: {e.latency_ms:.4g} ms, {e.energy_pj / 1e6:.4g} uJ, "
                 f"EDP {e.edp:.3g} pJ*cycles")
        a.bar([i + (j - (len(reports) - 1) / 2) * width for i in range(len(metrics))], values,
              width=width, color=palette[j % len(palette)], label=label)
    a.axhline(1.0, color="black", linewidth=0.8, linestyle="--")
    a.set_xticks(range(len(metrics)), labels=[m for m, _ in metrics])
    a.set_ylabel(f"relative to {reports[0].arch}")
    _legend_right(a, a.get_legend_handles_labels()[0])
    if ax is None:
        fig.suptitle(f"{_model_name(reports[0].model)} on {len(reports)} chips", fontsize=11)
    return fig


def stream_gantt(stream: Any, ax: Any = None) -> Figure:
    """The first inputs of a stream (Evaluator.stream(..., trace_inputs=N)) on one timeline:
    a row per core and link, bars coloured by input, each input's exit marked where it ends."""
    if stream.trace is None:
        raise ValueError("stream_gantt needs a stream run with trace_inputs > 0")
    from matplotlib import colormaps
    cmap = colormaps["tab10"]
    t, tracks = stream.trace, list(stream.tracks)
    row_of = {name: i for i, name in enumerate(tracks)}
    latest = max([int(e) for e in t["end_cycles"]] + [1])
    scale = _TimeScale(getattr(stream, "clock_mhz", 0.0), latest)
    fig, a = _one_axes(ax, 11, 1.8 + 0.3 * len(tracks), "stream_gantt")
    _bars([a] * len(t["track"]), [row_of[track] for track in t["track"]], t["start_cycles"],
          t["end_cycles"], t["kind"], [cmap(int(k) % cmap.N) for k in t["input"]], scale)
    shown = sorted(set(int(k) for k in t["input"]))
    handles = []
    for k in shown:
        done = scale(int(stream.inputs["done_cycles"][k]))
        handles.append(a.plot([done], [-0.45], marker="v", linestyle="none",
                              color=cmap(k % cmap.N),
                              label=f"input {k}: {stream.inputs['exit'][k]}")[0])
    a.set_yticks(range(len(tracks)), labels=tracks, fontsize=7)
    a.set_ylim(len(tracks) - 0.5, -1.0)
    a.set_xlabel(scale.label(), fontsize=9)
    scale.cycles_axis(a)
    a.set_title(f"first {len(shown)} of {stream.stream.inputs} inputs "
                f"({stream.stream.arrival}); triangles: where each input leaves", fontsize=9,
                loc="left")
    _legend_right(a, handles, title="input: exit")
    return fig


def stream_latency(stream: Any, ax: Any = None) -> Figure:
    """Latency distribution of a stream: the empirical CDF with p50/p95/p99 and the analytical
    E[L] marked, and the share of inputs per exit. `ax`: two Axes (CDF, shares)."""
    import numpy as np
    lat = np.sort(np.asarray(stream.inputs["latency_cycles"], dtype=float))
    if ax is None:
        fig = _new_figure(10, 4)
        a, bars = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 1]})
    else:
        a, bars = _axes_list(ax, 2, "stream_latency")
        fig = a.get_figure()
    a.step(lat, np.arange(1, len(lat) + 1) / len(lat), where="post", label="stream")
    for name, style in (("p50", ":"), ("p95", "--"), ("p99", "-.")):
        a.axvline(getattr(stream.latency, f"{name}_cycles"), color="grey", linestyle=style,
                  label=name)
    a.axvline(stream.analytical.expected_latency_cycles, color="red", label="analytical E[L]")
    a.set_xlabel("latency (cycles)")
    a.set_ylabel("fraction of inputs")
    _legend_right(a, a.get_legend_handles_labels()[0])
    bars.bar([e.exit for e in stream.exits], [e.fraction for e in stream.exits])
    bars.set_ylabel("share of inputs")
    bars.tick_params(axis="x", labelrotation=45, labelsize=7)
    return fig


def _read_csv(path: str) -> Tuple[Dict[str, List[Any]], List[str], Dict[str, int]]:
    """Trace columns, the tracks (cores first, then links, each in first-use order: the order
    Report.tracks has) and each scenario's last end."""
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


def track_order(tracks: Sequence[str], core_names: Sequence[str]) -> List[str]:
    """Tracks as Report.tracks orders them: cores in chip order (`core_names`), then the links
    in first-use order (`tracks` as a trace CSV lists them)."""
    cores = [f"core {c}" for c in core_names]
    return [t for t in cores if t in tracks] + [t for t in tracks if t not in cores]


class _JsonReport:
    """The fields plots read, from a report as `eesim run --json` writes it."""

    class _Expected:
        def __init__(self, e: Mapping[str, Any]):
            self.latency_cycles = float(e["latency_cycles"])
            self.latency_ms = float(e.get("latency_ms", 0.0))
            self.energy_pj = float(e["energy_pj"])
            self.edp = float(e["edp"])
            self.edp_of_means = float(e.get("edp_of_means", 0.0))

    def __init__(self, data: Mapping[str, Any]):
        self.model = data.get("model", "")
        self.arch = data.get("arch", "")
        self.clock_mhz = float(data.get("clock_mhz", 0.0))
        self.expected = self._Expected(data["expected"])
        self.scenario_latency = {s["exit"]: int(s["latency_cycles"])
                                 for s in data.get("scenarios", [])}
        self.core_names = [c["name"] for c in data.get("cores", [])]


def main(argv: Sequence[str]) -> int:
    import argparse
    ap = argparse.ArgumentParser(prog="python3 -m eesim.plots",
                                 description="plots of eesim's CLI outputs")
    ap.add_argument("--csv", help="a trace CSV (eesim run --csv): its Gantt chart")
    ap.add_argument("--report", help="the run's report JSON (eesim run --json): title, clock "
                    "and latencies for the Gantt chart")
    ap.add_argument("--tracks", help="a JSON list of the track names in order (Report.tracks); "
                    "without it, cores as the report lists them, then the CSV's other tracks")
    ap.add_argument("--compare", help="a JSON list of run reports (eesim compare --json)")
    ap.add_argument("--out", required=True, help="PNG, SVG or PDF")
    a = ap.parse_args(argv)
    if a.compare:
        with open(a.compare) as f:
            reports = [_JsonReport(r) for r in json.load(f)]
        compare(reports).savefig(a.out, dpi=150)
        return 0
    if not a.csv:
        ap.error("give --csv TRACE.csv (with --report) or --compare REPORTS.json")
    columns, tracks, exits = _read_csv(a.csv)
    clock, title = 0.0, None
    if a.report:
        with open(a.report) as f:
            r = _JsonReport(json.load(f))
        clock, title = r.clock_mhz, _title(r, "timeline per exit scenario")
        exits = dict(r.scenario_latency)
        tracks = track_order(tracks, r.core_names)
    if a.tracks:
        with open(a.tracks) as f:
            tracks = list(json.load(f))
    gantt_from_columns(columns, tracks, exits, clock, title=title).savefig(a.out, dpi=150)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
