#!/usr/bin/env bash
# Import benchmark (issue bar: ResNet-50, ~100 MB with weights, imports in under 0.5 s).
# Exports torchvision's resnet50 at 224x224 once into build/bench/, then times eesim's import.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
ninja -C build -j2 benchmarks/bench_import >/dev/null
mkdir -p build/bench
[ -f build/bench/resnet50.onnx ] ||
  /usr/bin/python3 tools/torch_reference.py resnet50 --hw 224 --out-dir build/bench --no-macs >/dev/null
ls -l build/bench/resnet50.onnx | awk '{printf "resnet50.onnx: %.1f MB\n", $5 / 1e6}'
build/benchmarks/bench_import build/bench/resnet50.onnx "${1:-20}"
