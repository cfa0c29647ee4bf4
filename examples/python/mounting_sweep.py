"""Where should an early exit go? Mount one exit head at every candidate branch point of the
CIFAR MobileNetV2 backbone (its own exits removed) on the quad-core chip and plot expected EDP
against the branch point for several exit probabilities (the "EDP across mounting points" study
of the early-exit NAS literature).

    PYTHONPATH=build/bindings /usr/bin/python3 examples/python/mounting_sweep.py \
        build/examples/models/ee_mobilenetv2_cifar10.onnx --out-dir examples/python

writes mounting_sweep.csv and mounting_sweep.png (the committed plot) and prints the best point
per probability."""

import argparse
import csv
from pathlib import Path

import eesim
from eesim import plots

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("backbone", help="ONNX backbone (exits, if any, are removed)")
    ap.add_argument("--arch", default=str(ROOT / "examples/arch/quad_edge_tpu.textproto"))
    ap.add_argument("--head", default="conv1x1:128,relu,gap,fc:10")
    ap.add_argument("--p", default="0.1,0.25,0.5,0.75")
    ap.add_argument("--out-dir", default=".")
    a = ap.parse_args()
    ev = eesim.Evaluator(a.arch, fusion="rows=4")
    sweep = ev.sweep(a.backbone, head=a.head, probabilities=[float(p) for p in a.p.split(",")])
    out = Path(a.out_dir)
    rows = sweep.rows()
    with open(out / "mounting_sweep.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    plots.edp_vs_mounting_point(sweep).savefig(out / "mounting_sweep.png", dpi=100)
    base = sweep.baseline.edp_pj_cycles
    print(f"{len(sweep.points)} mount points, head {sweep.head}; no-exit EDP {base:.4g} pJ*cycles")
    for j, p in enumerate(sweep.probabilities):
        best = min(sweep.points, key=lambda pt: pt.outcomes[j].expected_edp_pj_cycles)
        worst = max(sweep.points, key=lambda pt: pt.outcomes[j].expected_edp_pj_cycles)
        print(f"P(exit)={p:g}: best {best.branch_layer} {best.shape} "
              f"{best.outcomes[j].expected_edp_pj_cycles / base:.3f} x no-exit; worst "
              f"{worst.branch_layer} {worst.outcomes[j].expected_edp_pj_cycles / base:.3f} x")


if __name__ == "__main__":
    main()
