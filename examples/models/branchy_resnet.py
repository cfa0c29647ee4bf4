#!/usr/bin/python3
"""Export a BranchyNet-style early-exit ResNet-18 for CIFAR-10 as ONNX.

Backbone: ResNet-18 layout for 32x32 inputs -- 3x3 stem conv stride 1 (no
max-pool), four stages of two BasicBlocks with 64/128/256/512 channels
(stages 2-4 downsample by 2 with a 1x1 projection shortcut), global average
pool and Linear(512->10).  Spatial sizes: 32, 32, 16, 8, 4.

Two BranchyNet-style side branches (a few convs, pool, Linear):
  exit1 after stage 1 (64ch, 32x32): conv3x3 s2 -> BN -> ReLU -> conv3x3 ->
        BN -> ReLU -> GAP -> Linear(32->10)
  exit2 after stage 2 (128ch, 16x16): conv3x3 -> BN -> ReLU -> GAP ->
        Linear(64->10)

Default form: one multi-output graph whose outputs are listed DELIBERATELY
in the order ["final", "exit2", "exit1"] -- not in backbone-depth order --
so the simulator's exit ordering (by depth, not by output position) is
exercised.

--if-form: the same network written the way an early exit is deployed.
After exit1's head, Softmax -> ReduceMax -> Greater(threshold) feeds an ONNX
If node.  then_branch returns the exit1 logits (Identity, output "exit1");
else_branch holds the rest of the backbone: stage 2, exit2's head, the same
confidence test and a nested If whose then_branch returns "exit2" and whose
else_branch computes stages 3-4 and the classifier (output "final").  The
main graph has a single output "output" [1,10].  It is built by exporting
the multi-output network and moving nodes into the If subgraphs with
onnx.helper (subgraph nodes read outer-scope values; all weights stay as
main-graph initializers).

Both forms carry default unconditional exit probabilities in metadata_props:
  eesim.exit.exit1 = 0.3, eesim.exit.exit2 = 0.3,
  eesim.exit_rates = unconditional   (the remaining 0.4 reaches "final").

Usage:
  /usr/bin/python3 examples/models/branchy_resnet.py --out branchy_resnet.onnx
  /usr/bin/python3 examples/models/branchy_resnet.py --if-form --out branchy_resnet_if.onnx
"""

import argparse
import os
import tempfile

import onnx
import torch
from onnx import TensorProto, helper
from torch import nn

NUM_CLASSES = 10
EXIT_PROBS = {"exit1": "0.3", "exit2": "0.3"}
THRESHOLDS = {"exit1": 0.9, "exit2": 0.9}  # max-softmax confidence to take the exit


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:  # projection shortcut when the shape changes
            self.shortcut = nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return self.relu(y + self.shortcut(x))


def conv_bn_relu(cin, cout, stride=1):
    return [nn.Conv2d(cin, cout, 3, stride, 1, bias=False),
            nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


def branch(cin, widths, first_stride):
    """BranchyNet side branch: a few 3x3 convs, global pool, flatten, Linear."""
    layers, c = [], cin
    for i, w in enumerate(widths):
        layers += conv_bn_relu(c, w, first_stride if i == 0 else 1)
        c = w
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, NUM_CLASSES)]
    return nn.Sequential(*layers)


class BranchyResNet18(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(*conv_bn_relu(3, 64))
        self.layer1 = nn.Sequential(BasicBlock(64, 64, 1), BasicBlock(64, 64, 1))
        self.layer2 = nn.Sequential(BasicBlock(64, 128, 2), BasicBlock(128, 128, 1))
        self.layer3 = nn.Sequential(BasicBlock(128, 256, 2), BasicBlock(256, 256, 1))
        self.layer4 = nn.Sequential(BasicBlock(256, 512, 2), BasicBlock(512, 512, 1))
        self.branch1 = branch(64, [32, 32], first_stride=2)
        self.branch2 = branch(128, [64], first_stride=1)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, NUM_CLASSES)

    def forward(self, x):
        x = self.layer1(self.stem(x))
        exit1 = self.branch1(x)
        x = self.layer2(x)
        exit2 = self.branch2(x)
        x = self.layer4(self.layer3(x))
        final = self.fc(torch.flatten(self.pool(x), 1))
        return final, exit2, exit1  # deliberately NOT in depth order


def randomize_batchnorm(model):
    """Random (trained-looking) BN parameters and statistics.

    With the default init every BN folds into an identical all-zero conv bias,
    which the exporter deduplicates into extra Identity nodes; random values
    keep the exported graph like that of a trained network.
    """
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0.0, 0.1)
                m.running_mean.normal_(0.0, 0.1)
                m.running_var.uniform_(0.5, 1.5)


def export(path):
    torch.manual_seed(0)
    model = BranchyResNet18()
    randomize_batchnorm(model)
    model.eval()  # eval: BN uses running stats, so the exporter folds it into Conv
    torch.onnx.export(
        model, (torch.randn(1, 3, 32, 32),), path,
        opset_version=13,
        do_constant_folding=True,
        training=torch.onnx.TrainingMode.EVAL,
        input_names=["input"],
        output_names=["final", "exit2", "exit1"],
    )
    return onnx.load(path)


# ---------------------------------------------------------------- If form --

def logits_type(name):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, NUM_CLASSES])


def ancestors(nodes, producer, tensor):
    """Indices of all nodes that (transitively) produce `tensor`."""
    seen, stack = set(), [tensor]
    while stack:
        i = producer.get(stack.pop())
        if i is None or i in seen:
            continue  # graph input / initializer, or already visited
        seen.add(i)
        stack.extend(nodes[i].input)
    return seen


def confidence_test(exit_name, logits):
    """Nodes computing `max(softmax(logits)) > threshold` as a bool scalar."""
    p = exit_name + "_conf"
    thr = helper.make_tensor(p + "_threshold", TensorProto.FLOAT, [],
                             [THRESHOLDS[exit_name]])
    nodes = [
        helper.make_node("Softmax", [logits], [p + "_prob"], name=p + "/Softmax", axis=1),
        # no axes + keepdims=0: reduce everything to a scalar (batch is 1)
        helper.make_node("ReduceMax", [p + "_prob"], [p + "_max"], name=p + "/ReduceMax",
                         keepdims=0),
        helper.make_node("Constant", [], [p + "_threshold"], name=p + "/Threshold",
                         value=thr),
        helper.make_node("Greater", [p + "_max", p + "_threshold"], [p + "_take"],
                         name=p + "/Greater"),
    ]
    return nodes, p + "_take"


def early_exit_if(exit_name, logits, cond, else_graph, out_name):
    """If(cond): then -> Identity(logits) named exit_name; else -> else_graph."""
    then_graph = helper.make_graph(
        [helper.make_node("Identity", [logits], [exit_name], name=exit_name + "/Identity")],
        exit_name + "_then", inputs=[], outputs=[logits_type(exit_name)])
    return helper.make_node("If", [cond], [out_name], name=exit_name + "/If",
                            then_branch=then_graph, else_branch=else_graph)


def to_if_form(model):
    g = model.graph
    nodes = list(g.node)
    producer = {o: i for i, n in enumerate(nodes) for o in n.output}

    # Partition the exported nodes by the first exit that needs them: the
    # trunk up to exit1 (incl. its head), then stage 2 + exit2's head, then
    # the rest of the backbone + classifier.
    part1 = ancestors(nodes, producer, "exit1")
    part2 = ancestors(nodes, producer, "exit2") - part1
    part3 = ancestors(nodes, producer, "final") - part1 - part2
    assert len(part1) + len(part2) + len(part3) == len(nodes)
    pick = lambda part: [nodes[i] for i in sorted(part)]  # keep topological order

    # The exit heads' logits get internal names; "exit1"/"exit2" are reserved
    # for the then-branch outputs that identify the exits.
    for n in nodes:
        for k, o in enumerate(n.output):
            if o in ("exit1", "exit2"):
                n.output[k] = o + "_logits"

    # Keep intermediate shape info next to the nodes that produce the tensors.
    vi = {v.name: v for v in g.value_info}
    def infos(part):
        return [vi[o] for i in sorted(part) for o in nodes[i].output if o in vi]

    # Innermost else: stages 3-4 + classifier, output "final".
    else2 = helper.make_graph(pick(part3), "exit2_else", inputs=[],
                              outputs=[logits_type("final")], value_info=infos(part3))
    # Middle else: stage 2 + exit2 head + confidence test + nested If.
    test2, cond2 = confidence_test("exit2", "exit2_logits")
    if2 = early_exit_if("exit2", "exit2_logits", cond2, else2, "exit2_if_out")
    else1 = helper.make_graph(pick(part2) + test2 + [if2], "exit1_else", inputs=[],
                              outputs=[logits_type("exit2_if_out")],
                              value_info=infos(part2))
    # Main graph: trunk + exit1 head + confidence test + outer If.
    test1, cond1 = confidence_test("exit1", "exit1_logits")
    if1 = early_exit_if("exit1", "exit1_logits", cond1, else1, "output")

    main = helper.make_graph(pick(part1) + test1 + [if1], g.name or "branchy_resnet_if",
                             inputs=list(g.input), outputs=[logits_type("output")],
                             initializer=list(g.initializer), value_info=infos(part1))
    new = helper.make_model(main, opset_imports=list(model.opset_import),
                            producer_name=model.producer_name,
                            producer_version=model.producer_version)
    new.ir_version = model.ir_version
    return new


def count_nodes(graph):
    """Nodes in a graph including those inside If subgraphs."""
    total = 0
    for n in graph.node:
        total += 1
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                total += count_nodes(a.g)
    return total


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="path of the .onnx file to write")
    ap.add_argument("--if-form", action="store_true",
                    help="write the If-node (deployed) form with a single output")
    args = ap.parse_args()

    if args.if_form:
        # Export the multi-output net to a temp file, then restructure it.
        with tempfile.TemporaryDirectory() as tmp:
            model = to_if_form(export(os.path.join(tmp, "multi.onnx")))
    else:
        model = export(args.out)

    for name, p in EXIT_PROBS.items():
        model.metadata_props.add(key="eesim.exit." + name, value=p)
    model.metadata_props.add(key="eesim.exit_rates", value="unconditional")
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, args.out)

    onnx.checker.check_model(args.out, full_check=True)
    print(f"{args.out}: outputs={[o.name for o in model.graph.output]} "
          f"nodes={len(model.graph.node)} (incl. subgraphs {count_nodes(model.graph)}) "
          f"size={os.path.getsize(args.out)} bytes")


if __name__ == "__main__":
    main()
