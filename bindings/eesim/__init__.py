"""eesim: expected latency, energy and EDP of early-exit networks on multi-core edge chips.

    import eesim
    arch = eesim.load_arch("examples/arch/quad_edge_tpu.textproto")
    model = eesim.load_model("ee_mobilenetv2_cifar10.onnx")
    report = eesim.Evaluator(arch, fusion="rows=4").evaluate(model, {"exit1": 0.3})
    print(report.expected.latency_ms, report.scenarios[0].exit)

Errors in models, architectures or exit probabilities raise eesim.Error (a ValueError) with
the same message the command line prints.
"""

from __future__ import annotations

import hashlib
import numbers
import os
import pickle
import sys
import warnings
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from ._core import Architecture, Error, Model, __version__
from ._core import Evaluator as _CoreEvaluator
from . import _core
from .results import Report, StreamReport, SweepReport

__all__ = ["Architecture", "Comparison", "Error", "Evaluator", "Model", "Report", "StreamReport",
           "SweepReport", "compare", "load_arch", "load_model", "simulate"]


def load_model(model: Union[str, os.PathLike, bytes, Any], *,
               inputs: Optional[Mapping[str, Sequence[int]]] = None,
               final: str = "", measure_density: bool = False,
               example_input: Any = None, output_names: Optional[Sequence[str]] = None,
               export_options: Optional[Mapping[str, Any]] = None) -> Model:
    """An early-exit network from a path, the bytes of an ONNX file, an onnx.ModelProto, or a
    torch.nn.Module.

    measure_density=True reads the weights and sets each layer's `weight_density` (the
    fraction of its main weight tensor that is non-zero; `weight_density_source` "measured");
    a weight it cannot trace keeps 1 ("unmeasured") and is listed in `Model.warnings`.
    External data is found next to a model given by path; bytes must hold their weights.

    A torch.nn.Module is exported in memory (torch.onnx.export to bytes, in eval mode) with
    `example_input` (a tensor, or a tuple of tensors, of the input shapes): each output is an
    exit or the final output, named by `output_names` in the order forward returns them (default
    "exit1", ..., "exitK", "final": the last output is the final one, the others exits). As for
    any ONNX model, the deepest output is the final one unless `final` names it, and exits are
    ordered by depth. `export_options` go to torch.onnx.export (opset_version, ...). The model is
    named "<torch CLASS>" in reports. torch is imported only when a Module is given."""
    shapes = {k: list(v) for k, v in (inputs or {}).items()}
    md = bool(measure_density)
    if isinstance(model, (str, os.PathLike)):
        return _core.load_model_file(os.fspath(model), shapes, final, md)
    if isinstance(model, (bytes, bytearray)):
        return _core.load_model_bytes(bytes(model), "<bytes>", shapes, final, md)
    if hasattr(model, "SerializeToString"):  # onnx.ModelProto, without importing onnx here
        return _core.load_model_bytes(model.SerializeToString(), "<onnx.ModelProto>", shapes,
                                      final, md)
    torch = sys.modules.get("torch")  # a Module means torch is imported already
    if torch is not None and isinstance(model, torch.nn.Module):
        data = _torch_onnx_bytes(model, example_input, output_names, export_options)
        return _core.load_model_bytes(data, f"<torch {type(model).__name__}>", shapes, final, md)
    raise TypeError("load_model: expected a path, bytes, onnx.ModelProto or torch.nn.Module, "
                    f"got {type(model).__name__}")


def _count_tensors(value: Any) -> int:
    """Tensors in a forward's result as torch.onnx.export flattens it (tuples, lists, dicts)."""
    if isinstance(value, (tuple, list)):
        return sum(_count_tensors(v) for v in value)
    if isinstance(value, dict):
        return sum(_count_tensors(v) for v in value.values())
    return 1


def _torch_onnx_bytes(module: Any, example_input: Any, output_names: Optional[Sequence[str]],
                      export_options: Optional[Mapping[str, Any]]) -> bytes:
    """The module exported as ONNX bytes (torch.onnx.export to a BytesIO)."""
    import io
    import torch
    if example_input is None:
        raise TypeError("load_model: a torch.nn.Module needs example_input= (a tensor, or a tuple "
                        "of tensors, of the input shapes)")
    args = example_input if isinstance(example_input, tuple) else (example_input,)
    options = dict(export_options or {})
    if output_names is None and "output_names" not in options:
        was_training = module.training
        module.eval()  # as the export runs it
        try:
            with torch.no_grad():
                n = _count_tensors(module(*args))
        finally:
            module.train(was_training)
        output_names = [f"exit{i + 1}" for i in range(n - 1)] + ["final"]
    if output_names is not None:
        options["output_names"] = list(output_names)
    options.setdefault("input_names",
                       ["input"] if len(args) == 1 else [f"input{i}" for i in range(len(args))])
    buffer = io.BytesIO()
    torch.onnx.export(module, args, buffer, **options)
    return buffer.getvalue()


def load_arch(arch: Union[str, os.PathLike], *, text: bool = False) -> Architecture:
    """An architecture from a .textproto path, or from its text when text=True."""
    if text:
        return _core.load_arch_text(str(arch), "<text>")
    return _core.load_arch_file(os.fspath(arch))


def _option_text(key: str, value: Any) -> str:
    """An option's value as the text the parser takes (the CLI's spelling): str as given,
    integers (numpy's too) in decimal, floats as their shortest round-trip text, sequences
    (probabilities, points, rules) joined by commas; a dict as KEY=VALUE entries: joined by
    commas for bits and density ({"backbone": "w8a8", "exits": 4} -> "backbone=w8a8,exits=4",
    in the dict's order, so later entries win), by ';' for allow."""
    if isinstance(value, str):
        return value
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, bool):
        raise Error(f"{key}={value!r}: expected a string or a number")
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return repr(float(value))
    if isinstance(value, (list, tuple)):
        return ",".join(_option_text(key, v) for v in value)
    if isinstance(value, Mapping):  # allow={"Conv": ["tpu0", "tpu1"]} -> "Conv=tpu0,tpu1"
        separator = "," if key in ("bits", "density") else ";"
        return separator.join(f"{k}={_option_text(key, v)}" for k, v in value.items())
    raise Error(f"{key}={value!r}: expected a string or a number")


def _option_pairs(options: Mapping[str, Any]) -> List[Tuple[str, str]]:
    """Keyword options as (key, text) pairs for the core, None meaning "not given"."""
    return [(k, _option_text(k, v)) for k, v in options.items() if v is not None]


def _legacy_fusion(options: Dict[str, Any], rows: Optional[int]) -> None:
    """The old spelling fusion="rows", rows=N becomes fusion="rows=N" (deprecated)."""
    if options.get("fusion") == "rows" or rows is not None:
        warnings.warn('fusion="rows", rows=N is deprecated: pass fusion="rows=N" (the CLI\'s '
                      "--fusion rows=N)", DeprecationWarning, stacklevel=3)
        if options.get("fusion") == "rows":
            options["fusion"] = f"rows={_option_text('rows', 1 if rows is None else rows)}"


class Evaluator:
    """Keeps an architecture and its cost cache warm across evaluations (a NAS loop's state).

    Options are the keys of `eesim run/stream/sweep` (the CLI's --KEY VALUE), parsed by the
    same C++ parser (sim/studies/options.h): policy="wait"|"speculate"; fusion="off"|"auto"|
    "rows=N"; stacks=FILE; alloc="partition" (default)|"heft"|"pipeline"|"search"|"file=PATH";
    allow={"Conv": ["tpu0", "tpu1"]} (op type -> the cores it may run on; or "Conv=tpu0,tpu1");
    objective="latency"|"energy"|"edp"|"expected_edp"; iterations=N; seconds=S (the search's
    time budget); seed=N. Values may be str, int or float.
    Precision: precision="full"|"memory"|"native" (how layer bits enter costs: everywhere;
    storage and traffic only, the early-exit NAS study's model; or not at all: every operand in
    the core's word); bits={"backbone": "w8a8", "exits": "w4a4"} or the CLI's text
    "backbone=w8a8,exits=w4a4" (per-layer bit overrides: selector -> bits; selectors are a
    layer name, a glob like "layer3.*", "backbone", "exits" or "exit:NAME"; bits N, wN, aN,
    iN, oN or a run like "w4a8", 1 <= N <= 64; later rules win); bits_file=PATH (one rule a
    line, applied before bits); density={"conv1": 0.3, "layer4.*": 0.5} (weight density in
    [0, 1]). bits and density given here and on a call add up: the call's rules come after the
    evaluator's, so they win where both select a layer. A rule that selects no layer of the
    model is an eesim.Error naming it.
    Options given here apply to every call; `evaluate`, `stream` and `sweep` take the same
    keywords (and their own: inputs, arrival, in_flight, trace_inputs; head, probabilities,
    points) for one call. `evaluate` and `stream` release the GIL while they simulate."""

    def __init__(self, arch: Union[Architecture, str, os.PathLike, None] = None, *,
                 arch_text: Optional[str] = None, rows: Optional[int] = None, **options: Any):
        _legacy_fusion(options, rows)
        if arch_text is not None:
            arch = load_arch(arch_text, text=True)
        elif not isinstance(arch, Architecture):
            arch = load_arch(arch)
        pairs = _option_pairs(options)
        # How a worker process rebuilds this evaluator (an Architecture does not pickle).
        path = None if arch_text is not None else arch.source
        self._spec = (arch_text, path, tuple(pairs))
        self._core = _CoreEvaluator(arch, pairs)

    @property
    def arch(self) -> Architecture:
        return self._core.arch

    def evaluate(self, model: Union[Model, str, os.PathLike, bytes, Any],
                 exits: Optional[Mapping[str, float]] = None, *,
                 conditional: bool = False, trace: bool = False, **options: Any) -> Report:
        """Costs of one candidate: exits maps exit names to P(leave there) (or to
        P(leave | reached) with conditional=True); names not given keep the model's metadata.
        trace=True adds the timeline (Report.trace) for plots. Keyword options (alloc="search",
        objective="energy", ...) apply to this call only."""
        pairs = _option_pairs(options)
        if not isinstance(model, Model):
            model = load_model(model)
        message, columns, tracks, memory = self._core.evaluate(model, _exit_dict(exits),
                                                               conditional, trace, pairs)
        return Report(message, columns, tracks, memory)

    def reweigh(self, model: Model, exits: Optional[Mapping[str, float]] = None, *,
                conditional: bool = False, trace: bool = False, **options: Any) -> Report:
        """The report of `model` for other exit probabilities, without simulating: one of
        this evaluator's 16 latest evaluations must be of this Model object with the same
        keyword options; its mapping and scenario runs hold, and only the probabilities and
        the expectations over them change. The result equals a fresh evaluate(model, exits,
        ...) to the last bit. `exits` and `conditional` as for evaluate.

        Raises eesim.Error when the schedule depends on the probabilities: an allocator that
        searches (alloc="search") weighs them in its objective (expected_edp, ...), so its
        mapping may change with them; evaluate instead. Also when none of those
        evaluations was of this model with these options (evaluate first). Streams sample exits from the
        probabilities as inputs run: a StreamReport is never reweighed; stream again.
        evaluate() itself reweighs when it can (same model and options as one of the 16 latest
        calls, no search, no option naming a file); reweigh says so explicitly and never simulates.
        Options naming a file (stacks, bits_file, a mapping file) are parsed again but not
        applied: the kept evaluation used the file as it was then."""
        if not isinstance(model, Model):
            raise TypeError("reweigh: expected the eesim.Model last evaluated, got "
                            f"{type(model).__name__}")
        message, columns, tracks, memory = self._core.reweigh(
            model, _exit_dict(exits), conditional, trace, _option_pairs(options))
        return Report(message, columns, tracks, memory)

    def stream(self, model: Union[Model, str, os.PathLike, bytes, Any],
               exits: Optional[Mapping[str, float]] = None, *, conditional: bool = False,
               rate: Optional[float] = None, **options: Any) -> StreamReport:
        """A stream of `inputs` inputs (default 1000), each leaving at an exit drawn (seeded by
        `seed`) from the exit probabilities, overlapping on the cores. arrival: "back-to-back"
        (the next input enters when a slot is free), "fixed=RATE" or "poisson=RATE" (inputs per
        second). in_flight: at most this many inputs on the chip (default: the core count back
        to back, unlimited for timed arrivals; 0: unlimited). trace_inputs=N keeps the first N
        inputs' timeline. The old arrival="poisson", rate=R still works (deprecated)."""
        if rate is not None or options.get("arrival") in ("fixed", "poisson"):
            warnings.warn('arrival="poisson", rate=R is deprecated: pass arrival="poisson=R"',
                          DeprecationWarning, stacklevel=2)
            if rate is not None:
                options["arrival"] = f"{options.get('arrival')}={_option_text('rate', rate)}"
        if options.get("trace_inputs") == 0:
            options["trace_inputs"] = None  # none recorded: the default
        pairs = _option_pairs(options)
        if not isinstance(model, Model):
            model = load_model(model)
        message, columns, trace, tracks = self._core.stream(model, _exit_dict(exits),
                                                            conditional, pairs)
        return StreamReport(message, columns, trace, tracks)

    def sweep(self, backbone: Union[Model, str, os.PathLike, bytes, Any], *,
              head: Optional[str] = None, probabilities: Optional[Sequence[float]] = None,
              points: Optional[Sequence[str]] = None, **options: Any) -> SweepReport:
        """Mount one exit head (`head`, default "gap,fc:10", e.g. "conv1x1:128,relu,gap,fc:10")
        at each candidate branch point of the backbone in turn (its own exits removed) and
        report expected EDP per point and exit probability (default 0.1, 0.25, 0.5, 0.75),
        next to the backbone without exits. points: layer names (default: every layer all
        paths pass through with a 4-D output)."""
        pairs = _option_pairs({"head": head, "p": probabilities,
                               "points": list(points) if points else None, **options})
        if not isinstance(backbone, Model):
            backbone = load_model(backbone)
        return SweepReport(self._core.sweep(backbone, pairs))

    def exit_probability_sweep(self, model: Union[Model, str, os.PathLike, bytes, Any],
                               exit_name: str, probabilities: Sequence[float],
                               others: Optional[Mapping[str, float]] = None,
                               **options: Any) -> List[Tuple[float, Report]]:
        """(p, Report) for each P(leave at `exit_name`) = p, the other exits at `others` (or
        the model's metadata): what plots.edp_vs_exit_probability draws. The model is mapped
        and simulated once and reweighed for each p (see reweigh), unless the allocator
        searches on the probabilities, which then simulates each point."""
        if not isinstance(model, Model):
            model = load_model(model)
        if exit_name not in model.exits:
            raise Error(f"exit_probability_sweep: the model has no exit '{exit_name}'; its exits "
                        f"are {', '.join(model.exits) or 'none'}")
        return [(float(p), self.evaluate(model, {**(others or {}), exit_name: p}, **options))
                for p in probabilities]

    def evaluate_many(self, candidates: Sequence[Tuple[Any, Optional[Mapping[str, float]]]], *,
                      processes: Optional[int] = None, conditional: bool = False) -> List[Report]:
        """Evaluate (model, exits) pairs over a pool of worker processes, each holding its own
        evaluator; models are eesim.Model objects (edited ones too) or anything load_model takes
        (paths, bytes, onnx.ModelProto), each loaded once here. Results come back in input
        order and equal evaluate()'s. conditional=True reads every exits dict as P(leave |
        reached). processes=1 evaluates here, in this process; None uses every CPU.

        Each distinct model is pickled once (its ONNX bytes, or a file's path, which the
        workers read themselves; import options and exit edits) and sent once per chunk of its
        candidates: a model's candidates are split into at most one
        chunk per worker, so a worker imports it once, and, the probabilities being all that
        changes within a chunk, simulates it once and reweighs the rest (see reweigh). Edited
        variants of one model share its import: a worker loads the model once and edits it."""
        models, jobs = _distinct_models(candidates)
        if processes == 1:
            return [self.evaluate(models[i], e, conditional=conditional) for i, e in jobs]
        workers = processes or os.cpu_count() or 1
        tasks = _chunk_tasks(models, jobs, workers)
        from concurrent.futures import ProcessPoolExecutor
        import functools
        out: List[Optional[Report]] = [None] * len(jobs)
        job = functools.partial(_evaluate_chunk, self._spec, conditional)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for (_, _, positions), dicts in zip(tasks, pool.map(job, tasks)):
                for k, d in zip(positions, dicts):
                    out[k] = Report(d)
        return out  # type: ignore[return-value]


def _exit_dict(exits: Optional[Mapping[str, float]]) -> Optional[Dict[str, float]]:
    """The exits argument as the core takes it: None, or a dict in the caller's order."""
    if exits is None or isinstance(exits, dict):
        return exits
    if isinstance(exits, Mapping):
        return dict(exits)
    raise Error(f"exits: expected a dict of exit name -> probability, got {type(exits).__name__}")


def _distinct_models(candidates: Sequence[Tuple[Any, Optional[Mapping[str, float]]]]
                     ) -> Tuple[List[Model], List[Tuple[int, Dict[str, float]]]]:
    """The candidates' models, each loaded once (a path or bytes given again is the same model;
    a Model object is itself), and per candidate (index of its model, its exits)."""
    models: List[Model] = []
    index: Dict[Any, int] = {}
    jobs = []
    for model, exits in candidates:
        if isinstance(model, Model):
            key: Any = ("model", id(model))
        elif isinstance(model, (str, os.PathLike)):
            key = ("path", os.fspath(model))
        elif isinstance(model, (bytes, bytearray)):
            key = ("bytes", bytes(model))
        else:
            key = ("object", id(model))
        if key not in index:
            index[key] = len(models)
            models.append(model if isinstance(model, Model) else load_model(model))
        jobs.append((index[key], dict(exits or {})))
    return models, jobs


_Payload = Tuple[bytes, bytes, bytes, list]  # key, base key, pickled base state, edits


def _chunk_tasks(models: List[Model], jobs: List[Tuple[int, Dict[str, float]]], workers: int
                 ) -> List[Tuple[_Payload, List[Dict[str, float]], List[int]]]:
    """One task per chunk of a model's candidates, at most `workers` chunks per model: (the
    model's payload, exits dicts, their positions in the input). The payload is the model's
    state (its pickle, with a file's path instead of its bytes: a worker on this machine reads
    the file) split into the unedited model's and the exit edits, each keyed by a hash: a
    worker loads each base model once and makes each edited variant once."""
    by_model: Dict[int, List[int]] = {}
    for k, (i, _) in enumerate(jobs):
        by_model.setdefault(i, []).append(k)
    tasks = []
    for i, positions in by_model.items():
        state = _core.model_state(models[i], False)
        base = pickle.dumps(state[:-1] + ([],), protocol=pickle.HIGHEST_PROTOCOL)
        edits = list(state[-1])
        base_key = hashlib.blake2b(base, digest_size=16).digest()
        key = hashlib.blake2b(base_key + pickle.dumps(edits), digest_size=16).digest()
        payload = (key, base_key, base, edits)
        n = min(workers, len(positions))
        for c in range(n):
            part = positions[c * len(positions) // n:(c + 1) * len(positions) // n]
            tasks.append((payload, [jobs[k][1] for k in part], part))
    return tasks


_WORKER: Dict[Any, "Evaluator"] = {}
_WORKER_MODELS: Dict[bytes, Model] = {}  # key -> loaded model (bases and variants), the latest
_WORKER_MODELS_KEPT = 32


def _worker_evaluator(spec: Tuple[Any, ...]) -> "Evaluator":
    """Runs in a worker: one evaluator per spec, kept for the worker's lifetime."""
    ev = _WORKER.get(spec)
    if ev is None:
        text, path, pairs = spec
        if text is None and (path is None or path.startswith("<")):
            raise ValueError("evaluate_many needs an evaluator built from a file path or arch_text")
        ev = _WORKER[spec] = Evaluator(path or "", arch_text=text, **dict(pairs))
    return ev


def _worker_cached(key: bytes, make: Any) -> Model:
    """Runs in a worker: the model kept under `key`, or make() kept there."""
    model = _WORKER_MODELS.pop(key, None)
    if model is None:
        model = make()
        while len(_WORKER_MODELS) >= _WORKER_MODELS_KEPT:
            _WORKER_MODELS.pop(next(iter(_WORKER_MODELS)))
    _WORKER_MODELS[key] = model  # most recent last
    return model


def _worker_model(payload: _Payload) -> Model:
    """Runs in a worker: the model of a payload, its base loaded once, each variant made once."""
    key, base_key, base, edits = payload

    def variant() -> Model:
        unedited = _worker_cached(base_key,
                                  lambda: _core.model_from_state(pickle.loads(base)))
        return _core.model_with_edits(unedited, edits) if edits else unedited
    return _worker_cached(key, variant)


def _evaluate_chunk(spec: Tuple[Any, ...], conditional: bool,
                    task: Tuple[_Payload, List[Dict[str, float]], List[int]]
                    ) -> List[Dict[str, Any]]:
    """Runs in a worker: one model's chunk of candidates, as report dicts."""
    payload, exits, _ = task
    ev, model = _worker_evaluator(spec), _worker_model(payload)
    return [ev.evaluate(model, e, conditional=conditional).as_dict() for e in exits]


def simulate(model: Union[Model, str, os.PathLike, bytes, Any],
             arch: Union[Architecture, str, os.PathLike],
             exits: Optional[Mapping[str, float]] = None, *, trace: bool = True,
             rows: Optional[int] = None, **options: Any) -> Report:
    """One evaluation without keeping anything (with its trace, for plots); options as for
    Evaluator."""
    _legacy_fusion(options, rows)
    ev = Evaluator(arch, **options)
    return ev.evaluate(model, exits, trace=trace)


class Comparison:
    """One network on several chips (eesim.compare): `reports` in the order the chips were
    given, `frame()` a row per chip, `plot(ax=None)` the bars of plots.compare."""

    def __init__(self, reports: List[Report], arch_files: List[str]):
        self.reports = reports
        self.arch_files = arch_files

    def frame(self):
        """One row per chip: chip, arch_file, cores, clock_mhz, latency_cycles, latency_ms,
        energy_uj, edp_pj_cycles (expected, E[E*L]), each relative to the first chip
        (latency_ratio, energy_ratio, edp_ratio), peak_memory_bytes (the largest core's),
        spilled_bytes (expected) and mean core busy_percent."""
        import pandas as pd
        rows = []
        first = self.reports[0].expected if self.reports else None
        for r, path in zip(self.reports, self.arch_files):
            e = r.expected
            cores = list(r.cores)
            rows.append({
                "chip": r.arch, "arch_file": path, "cores": len(cores), "clock_mhz": r.clock_mhz,
                "latency_cycles": e.latency_cycles, "latency_ms": e.latency_ms,
                "energy_uj": e.energy_pj / 1e6, "edp_pj_cycles": e.edp,
                "latency_ratio": e.latency_cycles / first.latency_cycles,
                "energy_ratio": e.energy_pj / first.energy_pj, "edp_ratio": e.edp / first.edp,
                "peak_memory_bytes": max((c.peak_memory_bytes for c in cores), default=0),
                "spilled_bytes": sum(s.probability * s.spilled_bytes for s in r.scenarios),
                "busy_percent": 100 * sum(c.utilization for c in cores) / max(len(cores), 1)})
        return pd.DataFrame(rows)

    def plot(self, ax: Any = None):
        from . import plots
        return plots.compare(self, ax=ax)

    def __repr__(self) -> str:
        return "\n".join([f"Comparison of {len(self.reports)} chips"] +
                         [f"  {r.arch:<20} E[L] {r.expected.latency_ms:.4g} ms  E[E] "
                          f"{r.expected.energy_pj / 1e6:.4g} uJ  E[E*L] {r.expected.edp:.4g}"
                          for r in self.reports])


def compare(model: Union[Model, str, os.PathLike, bytes, Any],
            archs: Sequence[Union[str, os.PathLike]],
            exits: Optional[Mapping[str, float]] = None, **options: Any) -> Comparison:
    """The same network, exit probabilities and options on each chip in `archs` (files):
    the architect's everyday question. What `eesim compare MODEL --arch A --arch B` prints."""
    if not archs:
        raise Error("compare: give at least one architecture file")
    if not isinstance(model, Model):
        model = load_model(model)
    reports = [Evaluator(a, **options).evaluate(model, exits) for a in archs]
    return Comparison(reports, [os.fspath(a) for a in archs])
