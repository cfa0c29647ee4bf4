#!/usr/bin/python3
"""Issue 19's bar, end to end: ResNet-18 (224 x 224, 8-bit as ZigZag's ONNX front end reads every
network) run by `eesim run` on the zigzag_edge_tpu_like and zigzag_tpu_like presets, against the
totals ZigZag's own tests expect (tests/main/test_origin/test_{edge_tpu,tpu}_like.py), with the
ratio, and a per-layer table that says where eesim's figures come from.

    /usr/bin/python3 benchmarks/bench_zigzag.py [BUILD_DIR]

Needs BUILD_DIR/bench/resnet18.onnx (`tools/torch_reference.py resnet18 --hw 224 --out-dir
BUILD_DIR/bench`). ZigZag itself is not run here (it is a PyPI package; this machine reaches
Debian only): its figures are the values its tests pin.
"""
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ZIGZAG = {  # preset -> (pJ, cycles) that ZigZag's tests expect on its ResNet-18
    "zigzag_edge_tpu_like": (1902637139.15, 3333310),
    "zigzag_tpu_like": (1871436380.66, 4158539),
}
PJ_PER_WEIGHT_BYTE = 700 / 8  # both presets' DRAM: 700 pJ per 64-bit read
PES = 1024  # both presets' arrays: 8 x 8 x 4 x 4 and 32 x 32


def run(build: Path, model: Path, preset: str) -> tuple[dict, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.json"
        start = time.perf_counter()
        subprocess.run([str(build / "tools/eesim"), "run", str(model), "--arch",
                        str(ROOT / "examples/arch" / f"{preset}.textproto"), "--bits", "*=8",
                        "--json", str(out)], check=True, stdout=subprocess.DEVNULL)
        wall_ms = 1000 * (time.perf_counter() - start)
        return json.loads(out.read_text()), wall_ms


def main() -> int:
    build = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build"
    model = build / "bench/resnet18.onnx"
    if not model.exists():
        print(f"skipped: no {model} (tools/torch_reference.py resnet18 --hw 224 "
              f"--out-dir {model.parent})")
        return 0
    for preset, (zz_pj, zz_cycles) in ZIGZAG.items():
        r, wall_ms = run(build, model, preset)
        e = r["expected"]
        print(f"{preset}: eesim {e['energy_pj']:.4e} pJ, {e['latency_cycles']:,} cycles "
              f"({wall_ms:.0f} ms for the whole run); ZigZag {zz_pj:.4e} pJ, {zz_cycles:,} "
              f"cycles; eesim / ZigZag: energy {e['energy_pj'] / zz_pj:.3f}, "
              f"cycles {e['latency_cycles'] / zz_cycles:.3f}")
        print(f"  {'layer':28s} {'MACs':>11s} {'cycles':>9s} {'util':>5s} {'MAC uJ':>7s} "
              f"{'on-chip uJ':>10s} {'DRAM uJ':>8s} {'weights once uJ':>15s}")
        totals = [0.0] * 4
        for layer in r["layers"]:
            if layer["macs"] == 0:
                continue
            w_once = 0.0 if layer["weights_resident"] else layer["weight_bytes"] * PJ_PER_WEIGHT_BYTE
            util = layer["macs"] / (PES * layer["compute_cycles"])
            cells = [layer["compute_energy_pj"], layer["sram_energy_pj"], layer["dram_energy_pj"],
                     w_once]
            totals = [t + c for t, c in zip(totals, cells)]
            print(f"  {layer['name'][:28]:28s} {layer['macs']:11,d} {layer['compute_cycles']:9,d} "
                  f"{util:5.2f} " + " ".join(f"{c / 1e6:{w},.1f}" for c, w in
                                             zip(cells, (7, 10, 8, 15))))
        print(f"  {'layers with MACs':28s} {'':11s} {'':9s} {'':5s} " +
              " ".join(f"{c / 1e6:{w},.1f}" for c, w in zip(totals, (7, 10, 8, 15))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
