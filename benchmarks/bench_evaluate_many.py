#!/usr/bin/python3
"""Evaluator.evaluate_many and reweigh: the NAS loop's many candidates (issue 17).

    PYTHONPATH=build/bindings /usr/bin/python3 benchmarks/bench_evaluate_many.py [MODEL] [ARCH]

Prints, best of 3, the wall time of evaluate_many over 64 candidates of the CIFAR early-exit
MobileNetV2 on the quad-core preset (4-row bands) with processes=1 and 2, in two loops:
  same model: one model (given as its path, as before loaded models were accepted), 64 exit
              probabilities;
  8 subsets:  the 8 exit subsets of the model, made in memory (Model.with_only_exits), x 8
              conditional rates.
Then evaluations per second of Evaluator.reweigh against a cold evaluate (a new import each
call).
"""
import sys
import time
from itertools import combinations
from pathlib import Path

import eesim

ROOT = Path(__file__).resolve().parents[1]


def best_of(n, f):
    best = float("inf")
    for _ in range(n):
        start = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    model_path = sys.argv[1] if len(sys.argv) > 1 else ROOT / "build/examples/models/ee_mobilenetv2_cifar10.onnx"
    arch = sys.argv[2] if len(sys.argv) > 2 else ROOT / "examples/arch/quad_edge_tpu.textproto"
    ev = eesim.Evaluator(arch, fusion="rows=4")
    model = eesim.load_model(model_path)
    same = [(str(model_path), {"exit1": (i % 8) / 20, "exit2": (i // 8 % 8) / 20})
            for i in range(64)]
    subsets = [list(c) for k in range(4) for c in combinations(model.exits, k)]
    variants = [model.with_only_exits(s) for s in subsets]
    mixed = [(variants[i % 8], {e: (i // 8 + 1) / 10 for e in subsets[i % 8]})
             for i in range(64)]
    for label, candidates in (("same model", same), ("8 subsets", mixed)):
        for processes in (1, 2):
            seconds = best_of(3, lambda: ev.evaluate_many(candidates, processes=processes,
                                                          conditional=label != "same model"))
            print(f"evaluate_many, 64 candidates, {label}, processes={processes}: {seconds:.3f} s")
    ev.evaluate(model)
    n = 500
    seconds = best_of(3, lambda: [ev.reweigh(model, {"exit1": i / n}) for i in range(n)])
    print(f"reweigh: {n / seconds:,.0f}/s")
    cold = eesim.load_model(model_path)
    seconds = best_of(3, lambda: [ev.evaluate(model if i % 2 else cold, {"exit1": i / 50})
                                  for i in range(50)])
    print(f"cold evaluate (alternating two imports): {50 / seconds:,.0f}/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
