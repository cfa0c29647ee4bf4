#!/usr/bin/python3
"""Export an early-exit MobileNetV2 (width 1.0) for CIFAR-10 as ONNX.

The backbone follows the MobileNetV2 paper / torchvision layout: a 3x3 stem
conv, seven stages of inverted-residual blocks (expand 1x1 -> depthwise 3x3
-> project 1x1, BN after every conv, ReLU6 after the first two, identity
skip when stride is 1 and channels match), a 1x1 conv to 1280 channels and
a linear classifier.

CIFAR adaptation (the common one for 32x32 inputs): the ImageNet model
downsamples 32x, which would leave a 1x1 feature map.  We change
  * the stem conv stride 2 -> 1, and
  * the first stride-2 stage (24 channels) stride 2 -> 1,
so the spatial sizes are 32 (stem, 16ch, 24ch) -> 16 (32ch) -> 8 (64ch,
96ch) -> 4 (160ch, 320ch, 1280ch): the final feature map is 4x4.

Three early exits are attached along the backbone, at the places the
hardware-aware early-exit NAS literature usually puts them (ends of the
24-, 32- and 96-channel stages).  Each exit head is small:
1x1 conv -> BN -> ReLU6 -> global average pool -> flatten -> Linear(->10).

Graph outputs: "exit1", "exit2", "exit3" (shallow to deep) and "final".
Default unconditional exit probabilities go into metadata_props:
  eesim.exit.exit1 = 0.25, eesim.exit.exit2 = 0.2, eesim.exit.exit3 = 0.15,
  eesim.exit_rates = unconditional   (the remaining 0.4 reaches "final").

Usage:  /usr/bin/python3 examples/models/ee_mobilenetv2_cifar10.py --out ee_mobilenetv2_cifar10.onnx
        [--exits exit1,exit3 | --no-exits]
"""

import argparse
import os

import onnx
import torch
from torch import nn

NUM_CLASSES = 10

# (expansion t, output channels c, repeats n, first stride s) as in the paper.
# The 24-channel stage has s=1 here instead of 2 (CIFAR adaptation).
STAGES = [
    (1, 16, 1, 1),
    (6, 24, 2, 1),   # ImageNet: stride 2
    (6, 32, 3, 2),
    (6, 64, 4, 2),
    (6, 96, 3, 1),
    (6, 160, 3, 2),
    (6, 320, 1, 1),
]

# Exit after the stage with this index in STAGES -> (exit name, head width).
EXITS = {1: ("exit1", 128), 2: ("exit2", 128), 4: ("exit3", 192)}

EXIT_PROBS = {"exit1": "0.25", "exit2": "0.2", "exit3": "0.15"}


def conv_bn_relu6(cin, cout, kernel, stride=1, groups=1):
    """Conv (no bias, BN follows) + BN + ReLU6, the MobileNetV2 building unit."""
    return nn.Sequential(
        nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU6(inplace=True),
    )


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        layers = []
        if expand != 1:  # t=1 blocks skip the expansion conv, like torchvision
            layers.append(conv_bn_relu6(cin, hidden, 1))
        layers += [
            conv_bn_relu6(hidden, hidden, 3, stride, groups=hidden),  # depthwise
            nn.Conv2d(hidden, cout, 1, bias=False),                   # linear projection
            nn.BatchNorm2d(cout),
        ]
        self.conv = nn.Sequential(*layers)
        self.use_skip = stride == 1 and cin == cout

    def forward(self, x):
        y = self.conv(x)
        return x + y if self.use_skip else y


class ExitHead(nn.Module):
    """Small classifier: 1x1 conv + BN + ReLU6, GAP, flatten, Linear."""

    def __init__(self, cin, width):
        super().__init__()
        self.conv = conv_bn_relu6(cin, width, 1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(width, NUM_CLASSES)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.conv(x)), 1))


class EEMobileNetV2(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = conv_bn_relu6(3, 32, 3, stride=1)  # ImageNet: stride 2
        cin = 32
        self.stages = nn.ModuleList()
        self.exits = nn.ModuleDict()
        for i, (t, c, n, s) in enumerate(STAGES):
            blocks = []
            for j in range(n):
                blocks.append(InvertedResidual(cin, c, s if j == 0 else 1, t))
                cin = c
            self.stages.append(nn.Sequential(*blocks))
            if i in EXITS:
                name, width = EXITS[i]
                self.exits[name] = ExitHead(c, width)
        self.last_conv = conv_bn_relu6(cin, 1280, 1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(0.2)  # identity in eval mode, disappears on export
        self.classifier = nn.Linear(1280, NUM_CLASSES)

    def forward(self, x):
        outs = []
        x = self.stem(x)
        for i, stage in enumerate(self.stages):
            x = stage(x)
            if i in EXITS:
                outs.append(self.exits[EXITS[i][0]](x))
        x = self.pool(self.last_conv(x))
        outs.append(self.classifier(self.dropout(torch.flatten(x, 1))))
        return tuple(outs)  # exit1, exit2, exit3, final


def randomize_batchnorm(model):
    """Give every BN layer random (trained-looking) affine params and statistics.

    With PyTorch's default init (gamma=1, beta=0, mean=0, var=1) every BN folds
    into the same all-zero conv bias; the exporter then deduplicates those equal
    initializers and emits dozens of Identity nodes that a real trained model
    would not have.  Random statistics keep the exported graph realistic.
    """
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0.0, 0.1)
                m.running_mean.normal_(0.0, 0.1)
                m.running_var.uniform_(0.5, 1.5)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="path of the .onnx file to write")
    ap.add_argument("--no-exits", action="store_true",
                    help="the backbone alone (one output, 'final'): the no-exit baseline")
    ap.add_argument("--exits", metavar="NAMES",
                    help="export only these exits, comma-separated (e.g. exit1,exit3; '' for "
                         "none), with their metadata probabilities: the model eesim's "
                         "--keep-exits / Model.with_only_exits give in memory")
    args = ap.parse_args()
    keep = list(EXIT_PROBS)
    if args.no_exits:
        keep = []
    elif args.exits is not None:
        keep = [name for name in args.exits.split(",") if name]
        unknown = sorted(set(keep) - set(EXIT_PROBS))
        if unknown:
            ap.error(f"--exits: unknown exit(s) {', '.join(unknown)} (exits: "
                     f"{', '.join(EXIT_PROBS)})")
    for i in [i for i, (name, _) in EXITS.items() if name not in keep]:
        del EXITS[i]
    for name in [name for name in EXIT_PROBS if name not in keep]:
        del EXIT_PROBS[name]

    torch.manual_seed(0)
    model = EEMobileNetV2()
    randomize_batchnorm(model)
    model.eval()  # eval: BN uses running stats, so the exporter folds it into Conv
    dummy = torch.randn(1, 3, 32, 32)
    output_names = [name for name, _ in EXITS.values()] + ["final"]
    torch.onnx.export(
        model, (dummy,), args.out,
        opset_version=13,
        do_constant_folding=True,
        training=torch.onnx.TrainingMode.EVAL,
        input_names=["input"],
        output_names=output_names,
    )

    # Exit probabilities travel with the model as metadata_props.
    m = onnx.load(args.out)
    for name, p in EXIT_PROBS.items():
        m.metadata_props.add(key="eesim.exit." + name, value=p)
    m.metadata_props.add(key="eesim.exit_rates", value="unconditional")
    onnx.checker.check_model(m, full_check=True)
    onnx.save(m, args.out)

    onnx.checker.check_model(args.out, full_check=True)
    print(f"{args.out}: outputs={[o.name for o in m.graph.output]} "
          f"nodes={len(m.graph.node)} size={os.path.getsize(args.out)} bytes")


if __name__ == "__main__":
    main()
