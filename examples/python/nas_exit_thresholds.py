#!/usr/bin/python3
"""A NAS-style loop over exit placements and confidence thresholds of the CIFAR early-exit
MobileNetV2: each candidate turns some exits on, with a threshold that sets how often inputs
leave there. eesim prices each candidate (expected EDP on the quad-core chip), an accuracy
proxy scores it, and the script plots the (accuracy proxy, expected EDP) front.

    PYTHONPATH=build/bindings /usr/bin/python3 examples/python/nas_exit_thresholds.py \
        [--out front.png]

The accuracy proxy is a stand-in for measured validation numbers; it is not a claim about the
network. For an exit at relative depth d and threshold t, the conditional exit rate is
q = (0.2 + 0.6 d) * (1 - t) / 0.5 (clipped to [0, 1]) and those inputs are right with
probability 0.78 + 0.16 t; the rest reach the final classifier (accuracy 0.92).
Turning an exit off removes it and its head in memory (Model.with_only_exits), so the
candidate is priced as the network exported without that exit; each exit subset is made once
and evaluated for every threshold (the evaluator reweighs its last schedule when only the
probabilities change).
"""
import argparse
import itertools
from pathlib import Path

import eesim
from matplotlib.figure import Figure

ROOT = Path(__file__).resolve().parents[2]
DEPTH = {"exit1": 0.25, "exit2": 0.5, "exit3": 0.75}
FINAL_ACCURACY = 0.92


def proxy(active, threshold):
    """(conditional exit rates, accuracy proxy) of one candidate."""
    q = {e: (min(1.0, (0.2 + 0.6 * DEPTH[e]) * (1 - threshold) / 0.5) if e in active else 0.0)
         for e in DEPTH}
    reach, accuracy = 1.0, 0.0
    for e in DEPTH:
        p = reach * q[e]
        accuracy += p * (0.78 + 0.16 * threshold)
        reach -= p
    return q, accuracy + reach * FINAL_ACCURACY


def pareto(points):
    """Points (accuracy, edp, label) not beaten on both axes, by rising EDP."""
    front, best_acc = [], -1.0
    for acc, edp, label in sorted(points, key=lambda p: (p[1], -p[0])):
        if acc > best_acc:
            front.append((acc, edp, label))
            best_acc = acc
    return front


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model",
                    default=str(ROOT / "build/examples/models/ee_mobilenetv2_cifar10.onnx"))
    ap.add_argument("--arch", default=str(ROOT / "examples/arch/quad_edge_tpu.textproto"))
    ap.add_argument("--out", default="nas_front.png")
    a = ap.parse_args()
    ev = eesim.Evaluator(a.arch, fusion="rows=4")
    model = eesim.load_model(a.model)
    points = []
    placements = [set(c) for n in range(4) for c in itertools.combinations(DEPTH, n)]
    for active in placements:
        variant = model.with_only_exits(sorted(active))
        for t in [0.5, 0.6, 0.7, 0.8, 0.9, 0.95]:
            q, accuracy = proxy(active, t)
            # q names every exit, those dropped included: their rates are ignored.
            r = ev.evaluate(variant, q, conditional=True)
            label = ("+".join(sorted(active)) or "no exits") + f" t={t}"
            points.append((accuracy, r.expected.edp, label))
    front = pareto(points)
    fig = Figure(figsize=(7, 4.5))
    ax = fig.subplots()
    ax.scatter([p[1] for p in points], [p[0] for p in points], s=12, color="grey",
               label="candidates")
    ax.plot([p[1] for p in front], [p[0] for p in front], marker="o", color="C3", label="front")
    ax.set_xlabel("expected EDP E[E*L] (pJ x cycles)")
    ax.set_ylabel("accuracy proxy")
    ax.legend()
    fig.tight_layout()
    fig.savefig(a.out, dpi=120)
    print(f"{len(points)} candidates; front of {len(front)} written to {a.out}:")
    for acc, edp, label in front:
        print(f"  accuracy {acc:.4f}  expected EDP {edp:.4g}  {label}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
