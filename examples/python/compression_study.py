#!/usr/bin/python3
"""Compression priced next to early exits, by simulation: the CIFAR-10 EE-MobileNetV2 on one
quad-core edge chip as a dense fp32 baseline, quantized (int8, int4 exit heads), pruned, with
early exits, and their combinations; expected latency, energy, EDP, the weights' footprint and
the peak activation memory side by side (the question of arXiv 2604.14789, answered here by
simulation rather than by measurement).

    PYTHONPATH=build/bindings /usr/bin/python3 examples/python/compression_study.py \
        [--out compression_study.png] [--csv compression_study.csv]

The chip is the bundled quad Edge-TPU preset with two capabilities the study needs, stated in
its architecture text below: a precision-scalable MAC datapath (Bit Fusion, Sharma et al.,
ISCA 2018: 4-bit operands fuse 2x per operand; wider ones run in passes, fp32 16 per MAC) and
zero-weight skipping with bitmask-compressed weights (Sparseloop's terms, Wu et al., MICRO
2021; every layer's weights carry the mask, one bit per weight, pruned or not). Pruning is 50% unstructured magnitude pruning of every backbone layer, given as a
density rule (`density={"backbone": 0.5}`); a pruned export measured with
`load_model(..., measure_density=True)` prices the same way. Early exits take the model's
probabilities (0.25, 0.2, 0.15); without exits, the backbone alone is exported
(ee_mobilenetv2_cifar10.py --no-exits), so no exit head is paid for. Everything runs in one
evaluator over two loaded models.
"""
import argparse
import csv
import subprocess
import sys
import tempfile
from pathlib import Path

import eesim
from matplotlib.figure import Figure

ROOT = Path(__file__).resolve().parents[2]
EXITS = {"exit1": 0.25, "exit2": 0.2, "exit3": 0.15}

# (label, with exits, bits rules, density rules)
CONFIGS = [
    ("fp32 dense", False, {}, {}),
    ("int8", False, {"*": 8}, {}),
    ("pruned 50%", False, {}, {"backbone": 0.5}),
    ("int8 + pruned", False, {"*": 8}, {"backbone": 0.5}),
    ("early exits", True, {}, {}),
    ("exits + int8", True, {"*": 8}, {}),
    ("exits + int8, int4 heads", True, {"backbone": 8, "exits": 4}, {}),
    ("exits + int8 + pruned", True, {"*": 8}, {"backbone": 0.5}),
    ("all: exits, int8/int4, pruned", True, {"backbone": 8, "exits": 4}, {"backbone": 0.5}),
]
METRICS = [("latency", "E[L] (ms)"), ("energy", "E[E] (uJ)"), ("edp", "E[E*L] (uJ x ms)"),
           ("weights", "weights stored (kB)"), ("activations", "peak activations (kB)")]


def chip() -> eesim.Architecture:
    text = (ROOT / "examples/arch/quad_edge_tpu.textproto").read_text()
    text = text.replace("edge_tpu {", "precision { narrower: FUSE } "
                        "sparsity { zero_weights: SKIP weight_format: BITMASK } edge_tpu {")
    return eesim.load_arch(text.replace('name: "quad_edge_tpu"', 'name: "quad_bitfusion_sparse"'),
                           text=True)


def backbone_only(model: Path, out_dir: Path) -> Path:
    out = out_dir / "mobilenetv2_cifar10_backbone.onnx"
    subprocess.run([sys.executable, str(ROOT / "examples/models/ee_mobilenetv2_cifar10.py"),
                    "--no-exits", "--out", str(out)], check=True, stdout=subprocess.DEVNULL)
    return out


def measure(ev, model, exits, bits, density):
    options = {k: v for k, v in (("bits", bits), ("density", density)) if v}
    r = ev.evaluate(model, exits, **options)
    ms = r.expected.latency_ms
    activations = sum(c.peak_memory_bytes - c.resident_weight_bytes for c in r.cores)
    return {"latency": ms, "energy": r.expected.energy_pj / 1e6,
            "edp": r.expected.edp / 1e6 * (ms / r.expected.latency_cycles),
            "weights": r.weight_bytes / 1e3, "activations": activations / 1e3}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model",
                    default=str(ROOT / "build/examples/models/ee_mobilenetv2_cifar10.onnx"))
    ap.add_argument("--out", default="compression_study.png")
    ap.add_argument("--csv", default="")
    a = ap.parse_args()
    arch = chip()
    ev = eesim.Evaluator(arch, fusion="rows=4")
    with tempfile.TemporaryDirectory() as tmp:
        models = {True: eesim.load_model(a.model),
                  False: eesim.load_model(str(backbone_only(Path(a.model), Path(tmp))))}
    rows = []
    for label, with_exits, bits, density in CONFIGS:
        exits = EXITS if with_exits else None
        rows.append((label, measure(ev, models[with_exits], exits, bits, density)))
    base = rows[0][1]
    print(f"EE-MobileNetV2 CIFAR-10 on {arch.name} (quad Edge TPU, Bit Fusion lanes, "
          "zero-skipping), 4-row bands")
    print(f"{'configuration':<31}" + "".join(f"{m[1]:>23}" for m in METRICS))
    for label, v in rows:
        print(f"{label:<31}" + "".join(f"{v[k]:>14.4g} ({v[k] / base[k]:5.2f}x)"
                                        for k, _ in METRICS))
    if a.csv:
        with open(a.csv, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["configuration"] + [k for k, _ in METRICS])
            for label, v in rows:
                w.writerow([label] + [f"{v[k]:.6g}" for k, _ in METRICS])
    fig = Figure(figsize=(13, 4.8))
    axes = fig.subplots(1, len(METRICS), sharey=True)
    labels = [label for label, _ in rows]
    colors = ["C7" if not cfg[1] else "C0" for cfg in CONFIGS]
    for ax, (key, title) in zip(axes, METRICS):
        values = [v[key] for _, v in rows]
        log = key in ("latency", "energy", "edp")  # spans of 10-600x: log, so every bar shows
        ax.barh(range(len(rows)), values, color=colors, log=log)
        for i, value in enumerate(values):
            ax.text(value, i, f" {value / base[key]:.3g}x", va="center", fontsize=7)
        ax.set_title(title + (", log" if log else ""), fontsize=9)
        if log:
            ax.set_xlim(min(values) / 2, max(values) * 8)
        else:
            ax.set_xlim(0, max(values) * 1.35)
        ax.tick_params(labelsize=7)
    axes[0].set_yticks(range(len(rows)), labels)
    axes[0].invert_yaxis()
    fig.suptitle(f"Compression vs early exits: EE-MobileNetV2 (CIFAR-10) on {arch.name} "
                 "(fp32 runs as 16 passes of its 8-bit Bit Fusion lanes)\n"
                 "grey: backbone only, blue: with exits (0.25/0.2/0.15); ratios to fp32 dense",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(a.out, dpi=130)
    print(f"plot written to {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
