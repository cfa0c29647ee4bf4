#!/usr/bin/python3
"""Timing plots of one early-exit network on one chip: a Gantt chart per exit scenario, the
energy breakdown, and expected EDP against the probability of leaving at the first exit.

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
    plots.energy_breakdown(report).savefig(out / "energy.png", dpi=110)
    first = model.exits[0]
    probabilities = [i / 10 for i in range(9)]
    plots.edp_vs_exit_probability(ev, model, first, probabilities).savefig(out / "edp_vs_p.svg")
    print(f"wrote {out / 'gantt.png'}, {out / 'energy.png'}, {out / 'edp_vs_p.svg'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
