#!/usr/bin/python3
"""Timing plots of one early-exit network on one chip: a Gantt chart per exit scenario, memory
over time, the energy breakdown, expected EDP against the probability of leaving at the first
exit, and a figure composed from two of them with ax=.

    PYTHONPATH=build/bindings /usr/bin/python3 examples/python/timing_plots.py [--out-dir plots]
"""
import argparse
from pathlib import Path

import eesim
from eesim import plots

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model",
                    default=str(ROOT / "build/examples/models/ee_mobilenetv2_cifar10.onnx"))
    ap.add_argument("--arch", default=str(ROOT / "examples/arch/quad_edge_tpu.textproto"))
    ap.add_argument("--out-dir", default="plots")
    a = ap.parse_args()
    out = Path(a.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ev = eesim.Evaluator(a.arch, fusion="rows=4")
    model = eesim.load_model(a.model)
    report = ev.evaluate(model, trace=True)
    plots.gantt(report).savefig(out / "gantt.png", dpi=110)
    plots.memory(report).savefig(out / "memory.png", dpi=110)
    plots.energy_breakdown(report).savefig(out / "energy.png", dpi=110)
    first = model.exits[0]
    points = ev.exit_probability_sweep(model, first, [i / 10 for i in range(9)])
    plots.edp_vs_exit_probability(points, first).savefig(out / "edp_vs_p.svg")
    # Plots compose: each draws into the Axes it is given.
    from matplotlib.figure import Figure
    fig = Figure(figsize=(14, 4), layout="constrained")
    left, right = fig.subplots(1, 2)
    plots.energy_breakdown(report, ax=left)
    plots.edp_vs_exit_probability(points, first, ax=right)
    fig.savefig(out / "composed.png", dpi=110)
    written = ["gantt.png", "memory.png", "energy.png", "edp_vs_p.svg", "composed.png"]
    print("wrote " + ", ".join(str(out / f) for f in written))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
