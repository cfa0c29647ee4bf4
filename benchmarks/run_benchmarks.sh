#!/usr/bin/env bash
# Stage benchmarks for the README: import, cost, mapping, simulation and full evaluation of the
# CIFAR early-exit MobileNetV2 (rows=1 and rows=4) and fused ResNet-18 at 224x224 (rows=1) on
# the quad-core preset; prints each run's table, then one markdown table of min and median ms.
#   benchmarks/run_benchmarks.sh [BUILD_DIR] [REPEATS]     (defaults: build, 20)
# BUILD_DIR must be configured with the README's `--buildtype=release` (tools/build). ResNet-18
# is exported once into BUILD_DIR/bench/ (~47 MB, needs /usr/bin/python3 with torch).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${1:-build}
repeats=${2:-20}
arch=examples/arch/quad_edge_tpu.textproto
mbv2=$build/examples/models/ee_mobilenetv2_cifar10.onnx
resnet=$build/bench/resnet18.onnx

buildtype=$(meson introspect --buildoptions "$build" |
  /usr/bin/python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "buildtype"))')
[ "$buildtype" = release ] || echo "warning: $build is buildtype=$buildtype, not release" >&2
ninja -C "$build" -j2 benchmarks/bench_stages examples/models/ee_mobilenetv2_cifar10.onnx >/dev/null
mkdir -p "$build/bench"
[ -f "$resnet" ] ||
  /usr/bin/python3 tools/torch_reference.py resnet18 --hw 224 --out-dir "$build/bench" --no-macs >/dev/null

json=$(mktemp)
trap 'rm -f "$json"' EXIT
run() {  # LABEL MODEL ROWS
  local out
  out=$("$build/benchmarks/bench_stages" "$2" "$arch" "$3" "$repeats" --json)
  grep -v '^{' <<<"$out"
  echo
  printf '%s\t%s\n' "$1" "$(grep '^{' <<<"$out")" >>"$json"
}
run "EE-MobileNetV2 CIFAR-10, rows=1" "$mbv2" 1
run "EE-MobileNetV2 CIFAR-10, rows=4" "$mbv2" 4
run "ResNet-18 224x224, rows=1" "$resnet" 1

echo "quad_edge_tpu, $(nproc) cores, $repeats runs per stage, $(date +%F):"
echo
/usr/bin/python3 - "$json" <<'EOF'
import json, sys
print("| model | nodes | stage | min ms | median ms |")
print("|---|---:|---|---:|---:|")
for line in open(sys.argv[1]):
    label, text = line.rstrip("\n").split("\t", 1)
    r = json.loads(text)
    for i, (stage, t) in enumerate(r["stages"].items()):
        model, nodes = (label, str(r["nodes"])) if i == 0 else ("", "")
        print(f"| {model} | {nodes} | {stage} | {t['min_ms']:.2f} | {t['median_ms']:.2f} |")
EOF
