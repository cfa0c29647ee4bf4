#!/usr/bin/python3
"""Spread NAS candidates over a Dask distributed cluster (a LocalCluster here; point a Client
at a real scheduler to use many machines). Each worker keeps one eesim.Evaluator, and so its
cost cache, for its whole life.

    PYTHONPATH=build/bindings /usr/bin/python3 examples/python/dask_nas.py \
        [--candidates 64] [--workers 2]
"""
import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_EVALUATORS = {}  # per worker process: arch path -> Evaluator


def evaluate_candidate(arch_path: str, model_path: str, exits: dict) -> dict:
    """Runs on a worker: expected latency, energy and EDP of one candidate."""
    import eesim
    ev = _EVALUATORS.get(arch_path)
    if ev is None:
        ev = _EVALUATORS[arch_path] = eesim.Evaluator(arch_path, fusion="rows=4")
    r = ev.evaluate(model_path, exits)
    return {"exits": exits, "latency_cycles": r.expected.latency_cycles,
            "energy_pj": r.expected.energy_pj, "edp": r.expected.edp}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--candidates", type=int, default=64)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--model",
                    default=str(ROOT / "build/examples/models/ee_mobilenetv2_cifar10.onnx"))
    ap.add_argument("--arch", default=str(ROOT / "examples/arch/quad_edge_tpu.textproto"))
    a = ap.parse_args()
    from dask.distributed import Client, LocalCluster

    candidates = [{"exit1": (i % 8) / 10, "exit2": (i // 8 % 8) / 20} for i in range(a.candidates)]
    with LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        start = time.perf_counter()
        futures = client.map(evaluate_candidate, [a.arch] * len(candidates),
                             [a.model] * len(candidates), candidates, pure=False)
        results = client.gather(futures)
        wall = time.perf_counter() - start
    best = min(results, key=lambda r: r["edp"])
    print(f"{len(results)} candidates on {a.workers} workers in {wall:.2f} s; "
          f"best expected EDP {best['edp']:.4g} pJ*cycles at exits {best['exits']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
