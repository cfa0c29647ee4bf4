#!/usr/bin/python3
"""Issue 17's bars: what a NAS loop gets from one Evaluator, and a whole `eesim run` of ResNet-18.

    PYTHONPATH=build/bindings /usr/bin/python3 benchmarks/bench_nas_loop.py [N] [BUILD_DIR]

The CIFAR early-exit MobileNetV2 (4-row bands) on the quad-core preset, default options, CPU
time of this process (one core):
  1. warm: one model, new exit probabilities every call (the evaluator reweighs its last runs);
  2. eight exit subsets: the model's 2^3 subsets of exits, edited in memory once, evaluated in
     turn with new probabilities (the evaluator keeps its recent evaluations, so each subset is
     mapped and simulated once and reweighed afterwards);
  3. cold: a candidate never seen before on every call (a fresh in-memory exit edit, so nothing
     can be reused: CN graph, allocation and every scenario's simulation each time);
then the wall time of whole `eesim run` processes on ResNet-18 at 224x224 (min and median of
20), which reads only the model's skeleton. Needs BUILD_DIR/bench/resnet18.onnx
(`tools/torch_reference.py resnet18 --hw 224 --out-dir BUILD_DIR/bench`); skipped without it.
"""
import itertools
import statistics
import subprocess
import sys
import time
from pathlib import Path

import eesim

ROOT = Path(__file__).resolve().parents[1]


def rate(calls, n):
    start = time.process_time()
    for i in range(n):
        calls(i)
    cpu = time.process_time() - start
    return n / cpu, 1000 * cpu / n


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    build = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "build"
    arch = ROOT / "examples/arch/quad_edge_tpu.textproto"
    model = eesim.load_model(build / "examples/models/ee_mobilenetv2_cifar10.onnx")
    names = model.exits
    subsets = [list(c) for k in range(len(names) + 1) for c in itertools.combinations(names, k)]

    def probabilities(i, exits):
        p = (i % 97) / 400.0
        return {e: p / (j + 1) for j, e in enumerate(exits)}

    ev = eesim.Evaluator(arch, fusion="rows=4")
    per_s, ms = rate(lambda i: ev.evaluate(model, probabilities(i, names)), n)
    print(f"warm (one model, new probabilities): {per_s:,.0f} evaluations/s ({ms:.3f} ms each)")

    variants = [model.with_only_exits(s) for s in subsets]
    ev = eesim.Evaluator(arch, fusion="rows=4")
    per_s, ms = rate(lambda i: ev.evaluate(variants[i % len(variants)],
                                           probabilities(i, subsets[i % len(subsets)])), n)
    print(f"{len(subsets)} exit subsets in turn: {per_s:,.0f} evaluations/s ({ms:.3f} ms each)")

    cold = max(50, n // 20)
    ev = eesim.Evaluator(arch, fusion="rows=4")
    per_s, ms = rate(lambda i: ev.evaluate(model.with_only_exits(subsets[i % len(subsets)]),
                                           probabilities(i, subsets[i % len(subsets)])), cold)
    print(f"cold (a new candidate every call): {per_s:,.0f} evaluations/s ({ms:.3f} ms each)")

    resnet = build / "bench/resnet18.onnx"
    if not resnet.exists():
        print(f"skipped eesim run of ResNet-18: no {resnet}")
        return 0
    walls = []
    for _ in range(20):
        start = time.perf_counter()
        subprocess.run([str(build / "tools/eesim"), "run", str(resnet), "--arch", str(arch)],
                       check=True, stdout=subprocess.DEVNULL)
        walls.append(1000 * (time.perf_counter() - start))
    print(f"eesim run resnet18.onnx ({resnet.stat().st_size / 1e6:.1f} MB) on quad: "
          f"min {min(walls):.1f} ms, median {statistics.median(walls):.1f} ms (wall, 20 runs)")
    # The floor every eesim process pays, measured beside it: loading its libraries (SystemC's
    # zero-fills a 3 MB heap at load) and nothing else.
    floor = []
    for _ in range(20):
        start = time.perf_counter()
        subprocess.run([str(build / "tools/eesim"), "--version"], check=True,
                       stdout=subprocess.DEVNULL)
        floor.append(1000 * (time.perf_counter() - start))
    print(f"  of which process start (eesim --version, same session): min {min(floor):.1f} ms, "
          f"median {statistics.median(floor):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
