#!/usr/bin/python3
"""Evaluator throughput and memory over many evaluations in one process (issue 5's bars).

    PYTHONPATH=build/bindings /usr/bin/python3 benchmarks/bench_evaluator.py [N] [MODEL] [ARCH]

Evaluates the CIFAR early-exit MobileNetV2 on the quad-core preset N times (default 10,000)
with varying exit probabilities; prints evaluations per second on one core and resident memory
after the first 100 and at the end, then how much of a call is Python's (Evaluator.evaluate and
reading report.expected, against the C++ core's call alone). The evaluator maps and simulates a model once and reweighs
its scenarios when only the probabilities change, so this loop measures that path; the cold
path (map and simulate every call, as a NAS loop whose candidates are new networks pays) is
timed next, alternating two imports of the model, for each allocator. Then the same
evaluations from 1, 2 and 4 threads sharing the evaluator: what threads buy (simulations run
one at a time; see README "Threads and processes").
"""
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import eesim

ROOT = Path(__file__).resolve().parents[1]


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    model_path = sys.argv[2] if len(sys.argv) > 2 else ROOT / "build/examples/models/ee_mobilenetv2_cifar10.onnx"
    arch = sys.argv[3] if len(sys.argv) > 3 else ROOT / "examples/arch/quad_edge_tpu.textproto"
    model = eesim.load_model(model_path)
    ev = eesim.Evaluator(arch, fusion="rows=4")
    rss_after_100 = 0
    start = time.perf_counter()
    for i in range(n):
        p = (i % 97) / 200.0
        ev.evaluate(model, {"exit1": p, "exit2": p / 2, "exit3": p / 4})
        if i == 99:
            rss_after_100 = rss_kb()
    wall = time.perf_counter() - start
    rss_end = rss_kb()
    growth = 100.0 * (rss_end - rss_after_100) / max(rss_after_100, 1)
    print(f"{n} evaluations of {Path(str(model_path)).name} on {ev.arch.name} (4-row bands): "
          f"{n / wall:.0f} evaluations/s on one core ({1000 * wall / n:.2f} ms each)")
    print(f"resident memory: {rss_after_100} kB after 100, {rss_end} kB after {n} ({growth:+.1f}%)")
    split = min(n, 2000)
    core_ms, full_ms = [], []
    for _ in range(3):  # best of three: the machine's other load only adds
        start = time.perf_counter()
        for i in range(split):
            p = (i % 97) / 200.0
            ev._core.evaluate(model, {"exit1": p, "exit2": p / 2, "exit3": p / 4}, False, False, [])
        core_ms.append(1000 * (time.perf_counter() - start) / split)
        start = time.perf_counter()
        for i in range(split):
            p = (i % 97) / 200.0
            ev.evaluate(model, {"exit1": p, "exit2": p / 2, "exit3": p / 4}).expected.latency_cycles
        full_ms.append(1000 * (time.perf_counter() - start) / split)
    c, f = min(core_ms), min(full_ms)
    print(f"per call: C++ core {c:.4f} ms, Python side {f - c:.4f} ms ({100 * (f - c) / c:.0f}% "
          "of the C++ time: wrapping the report message and reading report.expected)")
    twins = [model, eesim.load_model(model_path)]  # two imports: every call maps and simulates
    cold = min(n, 500)
    for alloc in ("partition", "heft"):
        cold_ev = eesim.Evaluator(arch, fusion="rows=4", alloc=alloc)
        start = time.perf_counter()
        for i in range(cold):
            p = (i % 97) / 200.0
            cold_ev.evaluate(twins[i % 2], {"exit1": p, "exit2": p / 2, "exit3": p / 4})
        wall = time.perf_counter() - start
        print(f"cold (a new model every call), alloc={alloc}: {cold / wall:.0f} evaluations/s "
              f"({1000 * wall / cold:.2f} ms each)")
    jobs = [{"exit1": (i % 97) / 200.0} for i in range(min(n, 2000))]
    for threads in (1, 2, 4):
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(lambda e: ev.evaluate(model, e), jobs))
        wall = time.perf_counter() - start
        print(f"{threads} thread(s) sharing the evaluator: {len(jobs) / wall:.0f} evaluations/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
