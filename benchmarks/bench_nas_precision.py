#!/usr/bin/python3
"""The early-exit NAS study's five precision configurations (issue 16's bar), printed.

    PYTHONPATH=build/bindings /usr/bin/python3 benchmarks/bench_nas_precision.py [MODEL] [ARCH]

The hardware-aware early-exit NAS of arXiv 2512.04705 scores (backbone, exit) bit-widths
32/32, 8/8, 8/4, 4/8 and 4/4 of the CIFAR-10 EE-MobileNetV2 on a quad-core Edge-TPU-like chip
by expected EDP. All five run here in one loop over one loaded model (no re-export), on the
quad preset (exits 0.25/0.2/0.15, 4-row bands), under three cost models:
  memory  the NAS paper's: widths rescale storage and traffic only, MAC energy fixed;
  full    eesim's default on the preset: an int8 datapath (Edge TPU) pads narrower operands
          and runs wider ones in passes (fp32: 16 per MAC);
  fused   full on the same chip with a precision-scalable datapath (Bit Fusion, Sharma et al.
          ISCA 2018: 4-bit operands 2x per operand, MAC energy by the bricks used).
Each row: E[L], E[E], expected EDP E[E*L], the weights as stored, and EDP relative to 32/32.
"""
import sys
import time
from pathlib import Path

import eesim

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = [(32, 32), (8, 8), (8, 4), (4, 8), (4, 4)]
EXITS = {"exit1": 0.25, "exit2": 0.2, "exit3": 0.15}


def fused_chip(path: Path) -> eesim.Architecture:
    """The preset with every core's datapath precision-scalable."""
    text = path.read_text().replace("edge_tpu {", "precision { narrower: FUSE } edge_tpu {")
    return eesim.load_arch(text, text=True)


def main() -> int:
    model_path = sys.argv[1] if len(sys.argv) > 1 else \
        ROOT / "build/examples/models/ee_mobilenetv2_cifar10.onnx"
    arch_path = Path(sys.argv[2]) if len(sys.argv) > 2 else \
        ROOT / "examples/arch/quad_edge_tpu.textproto"
    model = eesim.load_model(str(model_path))
    chips = {"memory": (str(arch_path), "memory"), "full": (str(arch_path), "full"),
             "fused": (fused_chip(arch_path), "full")}
    print(f"{Path(str(model_path)).name} on {arch_path.stem}, exits "
          + ", ".join(f"{k} {v}" for k, v in EXITS.items()) + ", fusion rows=4")
    start, runs = time.perf_counter(), 0
    for label, (arch, mode) in chips.items():
        ev = eesim.Evaluator(arch, fusion="rows=4", precision=mode)
        print(f"\n{label}: {'storage and traffic only' if mode == 'memory' else 'costs follow bits'}")
        print(f"{'backbone/exit':>13} {'E[L] cycles':>12} {'E[E] uJ':>9} {'E[E*L] pJ*cyc':>14} "
              f"{'weights B':>10} {'EDP / 32-32':>11}")
        base = None
        for b, e in CONFIGS:
            r = ev.evaluate(model, EXITS, bits={"backbone": b, "exits": e})
            runs += 1
            base = base or r.expected.edp
            print(f"{f'{b}/{e}':>13} {r.expected.latency_cycles:12.0f} "
                  f"{r.expected.energy_pj / 1e6:9.2f} {r.expected.edp:14.4g} "
                  f"{r.weight_bytes:10d} {r.expected.edp / base:11.3f}")
    wall = time.perf_counter() - start
    print(f"\n{runs} evaluations in {wall:.2f} s ({1000 * wall / runs:.1f} ms each)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
