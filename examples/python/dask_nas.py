#!/usr/bin/python3
"""Spread NAS candidates over a Dask distributed cluster (a LocalCluster here; point a Client
at a real scheduler to use many machines). Each worker keeps one eesim.Evaluator, and so its
cost cache, for its whole life.

A candidate keeps a subset of the CIFAR EE-MobileNetV2's exits (edited in memory with
Model.with_only_exits: the others and their heads are gone, as if exported without them) and
gives each kept exit a conditional exit rate q = P(leave | reached), so every combination is a
valid exit profile. The loaded model is sent to every worker once (Client.scatter); a worker
makes each exit subset from it once and keeps it.

    PYTHONPATH=build/bindings /usr/bin/python3 examples/python/dask_nas.py \
        [--candidates 64] [--workers 2]
"""
import argparse
import itertools
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RATES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
_EVALUATORS = {}  # per worker process: arch path -> Evaluator
_VARIANTS = {}  # per worker process: (model name, kept exits) -> eesim.Model


def evaluate_candidate(arch_path: str, model, kept: tuple, exits: dict) -> dict:
    """Runs on a worker: expected latency, energy and EDP of one candidate."""
    import eesim
    ev = _EVALUATORS.get(arch_path)
    if ev is None:
        ev = _EVALUATORS[arch_path] = eesim.Evaluator(arch_path, fusion="rows=4")
    key = (model.name, kept)
    if key not in _VARIANTS:
        _VARIANTS[key] = model.with_only_exits(list(kept))
    r = ev.evaluate(_VARIANTS[key], exits, conditional=True)
    return {"kept": kept, "exits": exits, "latency_cycles": r.expected.latency_cycles,
            "energy_pj": r.expected.energy_pj, "edp": r.expected.edp}


def candidates(exits: list, n: int) -> list:
    """n (kept exits, conditional rates) pairs: every subset of the exits, each with rising
    rates (the same q at every kept exit)."""
    subsets = [c for k in range(len(exits) + 1) for c in itertools.combinations(exits, k)]
    return [(subsets[i % len(subsets)],
             {e: RATES[i // len(subsets) % len(RATES)] for e in subsets[i % len(subsets)]})
            for i in range(n)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--candidates", type=int, default=64)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--model",
                    default=str(ROOT / "build/examples/models/ee_mobilenetv2_cifar10.onnx"))
    ap.add_argument("--arch", default=str(ROOT / "examples/arch/quad_edge_tpu.textproto"))
    a = ap.parse_args()
    import eesim
    from dask.distributed import Client, LocalCluster

    model = eesim.load_model(a.model)
    todo = candidates(model.exits, a.candidates)
    with LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        start = time.perf_counter()
        shared = client.scatter(model, broadcast=True)  # pickled once, sent to each worker once
        futures = client.map(evaluate_candidate, [a.arch] * len(todo), [shared] * len(todo),
                             [kept for kept, _ in todo], [exits for _, exits in todo],
                             pure=False)
        results = client.gather(futures)
        wall = time.perf_counter() - start
    best = min(results, key=lambda r: r["edp"])
    print(f"{len(results)} candidates on {a.workers} workers in {wall:.2f} s; "
          f"best expected EDP {best['edp']:.4g} pJ*cycles keeping exits "
          f"{list(best['kept']) or 'none'} at conditional rates {best['exits']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
