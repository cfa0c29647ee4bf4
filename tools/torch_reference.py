#!/usr/bin/python3
"""PyTorch reference for eesim's ONNX importer.

Exports torchvision models to ONNX and writes, next to each export, the MAC
count PyTorch itself computes for every nn.Conv2d / nn.Linear, so that
``eesim inspect`` can be checked against numbers that do not come from an
ONNX reading of the same file.

Use as a module (``export(model_name, input_hw, out_dir)``) or as a CLI::

    /usr/bin/python3 tools/torch_reference.py MODEL [MODEL ...] --hw 64 --out-dir DIR [--no-macs]

Only Debian's interpreter (/usr/bin/python3: torch 1.13, torchvision 0.14,
onnx 1.12) has the packages; weights are random (``weights=None``) and seeded,
so the same call gives the same file.

Export settings: opset 13, batch 1, static shapes (no dynamic_axes), constant
folding on, input named "input", single output named "logits".

How torch 1.13's exporter names ONNX nodes
-------------------------------------------
A node is named ``<scope>/<OpType>`` where the scope has one segment per
module on the path from the root (the root itself contributes nothing).  The
segment for a module is NOT its attribute name but its *unqualified* name:
its dotted path from the root, cut back to start at the last atom that is not
a number (torch.onnx.utils._setup_trace_module_map).  So::

    layer1.0.conv1            -> /layer1/layer1.0/conv1/Conv
    layer2.0.downsample.0     -> /layer2/layer2.0/downsample/downsample.0/Conv
    features.0.0 (mbv2)       -> /features/features.0/features.0.0/Conv
    features.1.0.block.1.fc1  -> /features/features.1/features.1.0/block/block.1/fc1/Conv
    fc (nn.Linear, 2-D input) -> /fc/Gemm

A second node of the same type in one scope gets ``_1``, ``_2`` ... appended
(``/layer1/layer1.0/Add``, ``.../Constant_1``); a module called a second time
gets the suffix on its own segment (resnet's shared ``relu`` appears as
``/layer1/layer1.0/relu/Relu`` and ``/layer1/layer1.0/relu_1/Relu``).  Ops
issued by functional code sit in the calling module's scope
(``/Flatten``, ``/aux1/AveragePool``).  Graph outputs take the requested
output names instead of ``<node name>_output_0``.  Nodes the exporter adds
after tracing are numbered per type without a scope: ``Identity_0`` ...
``Identity_N`` at the top of the graph (see below).  :func:`onnx_node_name`
implements the scheme; every layer in the .macs.json whose predicted node
name was found, with the expected op type, in the exported file carries it as
``"onnx_node"`` (null otherwise).  nn.Linear becomes Gemm when its input is
2-D (true for every classifier here) and MatMul+Add otherwise.

BatchNormalization
------------------
Eval-mode export (every model except googlenet) runs the eval peephole pass,
which folds each BatchNorm into the preceding Conv: no BatchNormalization
node remains and every Conv gets a bias input even when the module has
``bias=False``.  With random init the folded biases are all zero, so the
exporter's initializer de-duplication keeps one zero tensor per channel
count and adds ``Identity`` nodes (unscoped, ``Identity_<n>``, at the start
of the graph) whose outputs are the Conv bias inputs.  An importer must
resolve Identity-of-initializer.

The googlenet PRESERVE export skips that pass (it only runs for
TrainingMode.EVAL), so all 59 BatchNormalization nodes survive, one after
each Conv, with a single output (the BN modules are in eval mode) and
attributes epsilon=0.001, momentum=0.9; its Convs have no bias input.
Dropout modules in eval mode leave no node in either case.

googlenet as a three-exit network
---------------------------------
``googlenet(weights=None, aux_logits=True, init_weights=False)`` is put in
train() so both auxiliary heads run, with every BatchNorm and Dropout back in
eval(), and exported with TrainingMode.PRESERVE.  The aux heads use
``adaptive_avg_pool2d(x, (4, 4))``, which opset 13 can export only when the
stride-16 feature map is a multiple of 4: input 64, 128, 192, 256 work; 32,
48, 96, 112, 160 and 224 (the usual size) do not.

Output order: GoogLeNetOutputs is declared as (logits, aux_logits2,
aux_logits1), but torchvision 0.14's forward() unpacks ``_forward``'s
``(x, aux2, aux1)`` as ``x, aux1, aux2`` and then passes them on swapped
again, so the returned tuple holds (main, head at inception4a (module aux1),
head at inception4d (module aux2)).  Naming the outputs
["logits", "aux2", "aux1"] in that position order would put the name "aux2"
on the head that forks at inception4a.  Output names are therefore decided by
which head module actually produced each returned tensor, giving "aux1" to
the head fed by inception4a and "aux2" to the one fed by inception4d.

MAC convention
--------------
Forward hooks on every nn.Conv2d and nn.Linear during one forward pass in
the export mode: Conv2d = output.numel() * (in_channels // groups) * kh * kw,
Linear = output.numel() * in_features.  Bias additions, BN, activations,
pooling and elementwise ops count nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torchvision

OPSET = 13
SEED = 0

# Every torchvision classifier here accepts 64x64; googlenet's aux heads
# additionally need a stride-16 map that is a multiple of 4, e.g. 64 or 128
# but not 224 (see module docstring).
MODELS = (
    "resnet18",
    "resnet50",
    "mobilenet_v2",
    "shufflenet_v2_x1_0",
    "efficientnet_b0",
    "googlenet",
    "squeezenet1_0",
    "squeezenet1_1",
)

HW = Union[int, Sequence[int]]


def _normalise_hw(input_hw: HW) -> Tuple[int, int]:
    if isinstance(input_hw, int):
        return input_hw, input_hw
    h, w = (int(v) for v in input_hw)
    return h, w


def _is_multi_exit(model_name: str) -> bool:
    return model_name == "googlenet"


def build_model(model_name: str) -> torch.nn.Module:
    """Random-weight model, already in the mode it is measured and exported in."""
    if model_name not in MODELS:
        raise ValueError(f"unknown model {model_name!r}; known: {', '.join(MODELS)}")
    # Seeding here, not once per process, makes each file independent of the
    # order models are exported in.
    torch.manual_seed(SEED)
    if model_name == "googlenet":
        # init_weights=False skips scipy's truncated-normal init, which is slow
        # and irrelevant for random weights.
        model = torchvision.models.googlenet(
            weights=None, aux_logits=True, init_weights=False
        )
        # The aux heads only run when the top module is training; BN and
        # Dropout go back to inference behaviour so the graph is the one a
        # deployed multi-exit network would run.
        model.train()
        for m in model.modules():
            if isinstance(m, (torch.nn.modules.batchnorm._BatchNorm, torch.nn.Dropout)):
                m.eval()
        return model
    return getattr(torchvision.models, model_name)(weights=None).eval()


def _unqualified(path: str) -> str:
    atoms = path.split(".")
    for i in range(len(atoms) - 1, -1, -1):
        if not atoms[i].isnumeric():
            return ".".join(atoms[i:])
    return path


def onnx_scope(module_path: str) -> str:
    """Scope prefix torch 1.13 gives nodes traced inside ``module_path``."""
    if not module_path:
        return ""
    atoms = module_path.split(".")
    segments = [_unqualified(".".join(atoms[: i + 1])) for i in range(len(atoms))]
    return "/" + "/".join(segments)


def onnx_node_name(module_path: str, op_type: str) -> str:
    """Name of the first ``op_type`` node emitted for the first call of the module."""
    return f"{onnx_scope(module_path)}/{op_type}"


def _output_names(model_name: str, model: torch.nn.Module, x: torch.Tensor) -> List[str]:
    if not _is_multi_exit(model_name):
        return ["logits"]
    # Match returned tensors to the head modules by identity rather than
    # trusting GoogLeNetOutputs' field names, which torchvision 0.14 gets
    # backwards (module docstring).
    produced: Dict[int, str] = {}
    handles = [
        model.aux1.register_forward_hook(lambda m, i, o: produced.__setitem__(id(o), "aux1")),
        model.aux2.register_forward_hook(lambda m, i, o: produced.__setitem__(id(o), "aux2")),
    ]
    try:
        with torch.no_grad():
            outs = model(x)
    finally:
        for h in handles:
            h.remove()
    names = [produced.get(id(t), "logits") for t in outs]
    if sorted(names) != ["aux1", "aux2", "logits"]:
        raise RuntimeError(f"could not tell googlenet's outputs apart: {names}")
    return names


def _check_exportable(model_name: str, model: torch.nn.Module, x: torch.Tensor) -> None:
    if not _is_multi_exit(model_name):
        return
    seen: Dict[str, Tuple[int, int]] = {}

    def grab(name):
        return lambda m, inp, out: seen.__setitem__(name, tuple(inp[0].shape[-2:]))

    handles = [model.aux1.register_forward_hook(grab("aux1"))]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    h, w = seen["aux1"]
    if h % 4 or w % 4:
        # The exporter's own message does not say which input sizes would work.
        raise ValueError(
            f"googlenet aux heads see a {h}x{w} map for input {tuple(x.shape[-2:])}; "
            "opset 13 exports adaptive_avg_pool2d((4,4)) only when that is a multiple "
            "of 4, e.g. input H and W of 64, 128, 192 or 256"
        )


def count_macs(model: torch.nn.Module, x: torch.Tensor) -> List[dict]:
    """One forward pass with hooks; one entry per Conv2d/Linear call, in call order."""
    layers: List[dict] = []
    calls: Dict[str, int] = {}

    def hook(path):
        def fn(module, inputs, output):
            if isinstance(module, torch.nn.Conv2d):
                kh, kw = module.kernel_size
                macs = output.numel() * (module.in_channels // module.groups) * kh * kw
                kind, op = "Conv2d", "Conv"
            else:
                macs = output.numel() * module.in_features
                kind = "Linear"
                op = "Gemm" if inputs[0].dim() == 2 else "MatMul"
            n = calls.get(path, 0)
            calls[path] = n + 1
            layers.append(
                {
                    "module": path,
                    "type": kind,
                    "macs": int(macs),
                    "output_shape": list(output.shape),
                    "call": n,
                    "_op": op,
                }
            )

        return fn

    handles = [
        m.register_forward_hook(hook(path))
        for path, m in model.named_modules()
        if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))
    ]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    return layers


def _attach_onnx_names(layers: List[dict], onnx_path: Path) -> None:
    import onnx

    graph = onnx.load(str(onnx_path)).graph
    op_of = {n.name: n.op_type for n in graph.node}
    for layer in layers:
        op = layer.pop("_op")
        name = onnx_node_name(layer["module"], op) if layer["call"] == 0 else None
        layer["onnx_node"] = name if name is not None and op_of.get(name) == op else None


def export(
    model_name: str,
    input_hw: HW,
    out_dir: Union[str, os.PathLike],
    *,
    with_macs: bool = True,
) -> Tuple[Path, Optional[Path]]:
    """Write ``<out_dir>/<model>.onnx`` and ``<model>.macs.json``; return their paths.

    The second path is None when ``with_macs`` is False.
    """
    h, w = _normalise_hw(input_hw)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = build_model(model_name)
    x = torch.randn(1, 3, h, w, generator=torch.Generator().manual_seed(SEED))

    _check_exportable(model_name, model, x)
    output_names = _output_names(model_name, model, x)
    training = (
        torch.onnx.TrainingMode.PRESERVE
        if _is_multi_exit(model_name)
        else torch.onnx.TrainingMode.EVAL
    )

    onnx_path = out / f"{model_name}.onnx"
    with warnings.catch_warnings():
        # The exporter warns that folding may turn trainable parameters into
        # constants; these files are analysed, never trained.
        warnings.filterwarnings("ignore", message="It is recommended that constant folding")
        torch.onnx.export(
            model,
            x,
            str(onnx_path),
            export_params=True,
            opset_version=OPSET,
            do_constant_folding=True,
            training=training,
            input_names=["input"],
            output_names=output_names,
        )

    if not with_macs:
        return onnx_path, None

    layers = count_macs(model, x)
    _attach_onnx_names(layers, onnx_path)
    report = {
        "model": model_name,
        "input_shape": [1, 3, h, w],
        "total_macs": sum(l["macs"] for l in layers),
        "outputs": output_names,
        "opset": OPSET,
        "layers": layers,
    }
    macs_path = out / f"{model_name}.macs.json"
    macs_path.write_text(json.dumps(report, indent=1) + "\n")
    return onnx_path, macs_path


def _parse_hw(text: str) -> Tuple[int, int]:
    parts = text.lower().split("x")
    if len(parts) not in (1, 2) or not all(p.isdigit() and int(p) > 0 for p in parts):
        raise argparse.ArgumentTypeError(f"expected H or HxW, got {text!r}")
    return (int(parts[0]), int(parts[-1]))


def _op_summary(onnx_path: Path) -> str:
    import onnx
    from collections import Counter

    graph = onnx.load(str(onnx_path)).graph
    counts = Counter(n.op_type for n in graph.node)
    return " ".join(f"{op}:{counts[op]}" for op in sorted(counts))


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(
        description="Export torchvision models to ONNX with PyTorch-side MAC counts."
    )
    ap.add_argument("models", nargs="+", metavar="MODEL", choices=MODELS,
                    help="one or more of: " + ", ".join(MODELS))
    ap.add_argument("--hw", type=_parse_hw, default=(64, 64),
                    help="input height/width: H or HxW (default 64)")
    ap.add_argument("--out-dir", type=Path, required=True)
    ap.add_argument("--no-macs", action="store_true", help="skip the .macs.json file")
    ap.add_argument("--ops", action="store_true",
                    help="also print the op types (with counts) in each export")
    args = ap.parse_args(argv)

    status = 0
    for name in args.models:
        t0 = time.monotonic()
        try:
            onnx_path, macs_path = export(name, args.hw, args.out_dir, with_macs=not args.no_macs)
        except Exception as exc:  # report and carry on with the other models
            print(f"{name}: export failed: {exc}", file=sys.stderr)
            status = 1
            continue
        secs = time.monotonic() - t0
        size = onnx_path.stat().st_size
        line = f"{name}: {onnx_path} ({size} bytes, {secs:.1f} s)"
        if macs_path is not None:
            total = json.loads(macs_path.read_text())["total_macs"]
            line += f" total_macs={total} -> {macs_path}"
        print(line, flush=True)
        if args.ops:
            print(f"  ops: {_op_summary(onnx_path)}", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
