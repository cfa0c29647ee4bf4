"""The command line's manners (issue 18, deliverable 4): a usage error is one line (the error),
at most a hint, and where the help is, never the whole help; misspelt options, commands and
allocators get a did-you-mean; `--help` ends with examples; a model with exits but no exit
probabilities warns; the text summary says what spilled to DRAM and each memory's capacity."""

import json
import re

import onnx
import pytest

from conftest import QUAD

RUN_SYNOPSIS = "usage: eesim run MODEL.onnx --arch CHIP.textproto [options]"


def usage_cases(model):
    m = str(model)
    return [
        ([], "eesim: no command given\ncommands: inspect, run, stream, sweep, compare, import\n"
             "try 'eesim --help'\n"),
        (["rn", m], "eesim: unknown command 'rn'; did you mean 'run'?\ntry 'eesim --help'\n"),
        (["frobnicate"], "eesim: unknown command 'frobnicate'\n"
                         "commands: inspect, run, stream, sweep, compare, import\ntry 'eesim --help'\n"),
        (["--verison"], "eesim: unknown option --verison; did you mean --version?\n"
                        "try 'eesim --help'\n"),
        (["run", m, "--arch", QUAD, "--polcy", "wait"],
         "eesim: unknown option --polcy; did you mean --policy?\ntry 'eesim run --help'\n"),
        (["run", m, "--arch", QUAD, "--alloc", "serach"],
         "eesim: --alloc serach: unknown allocator 'serach'; did you mean 'search'?\n"
         "try 'eesim run --help'\n"),
        (["run", m, "--arch", QUAD, "--alloc", "greedy"],
         "eesim: --alloc greedy: unknown allocator 'greedy'; expected file=PATH, heft, "
         "partition, pipeline or search\ntry 'eesim run --help'\n"),
        (["run", m], f"eesim: run needs --arch CHIP.textproto\n{RUN_SYNOPSIS}\n"
                     "try 'eesim run --help'\n"),
        (["run", "--arch", QUAD], f"eesim: run needs a MODEL.onnx\n{RUN_SYNOPSIS}\n"
                                  "try 'eesim run --help'\n"),
        (["run", m, "b.onnx", "--arch", QUAD],
         f"eesim: run takes one MODEL.onnx, got 2: {m} b.onnx\n{RUN_SYNOPSIS}\n"
         "try 'eesim run --help'\n"),
        (["run", m, "--arch", QUAD, "--arch", "hetero.textproto"],
         f"eesim: --arch given twice ('{QUAD}', then 'hetero.textproto'); it takes one value\n"
         "to compare chips: eesim compare MODEL.onnx --arch A --arch B ...\n"
         "try 'eesim run --help'\n"),
        (["run", m, "-arch", QUAD],
         "eesim: unknown option -arch; did you mean --arch?\ntry 'eesim run --help'\n"),
        (["run", m, "--arch"], "eesim: option --arch needs a value\ntry 'eesim run --help'\n"),
        (["run", m, "--arch", QUAD, "--seed", "-1"],
         "eesim: --seed -1: expected an integer in [0, 2^64 - 1]\ntry 'eesim run --help'\n"),
        (["stream", m, "--arch", QUAD, "--inptus", "5"],
         "eesim: unknown option --inptus; did you mean --inputs?\ntry 'eesim stream --help'\n"),
        (["sweep", m, "--arch", QUAD, "--head=gap", "--head=fc:10"],
         "eesim: --head given twice ('gap', then 'fc:10'); it takes one value\n"
         "try 'eesim sweep --help'\n"),
        (["inspect"], "eesim: inspect needs a MODEL.onnx\n"
                      "usage: eesim inspect MODEL.onnx [options]\ntry 'eesim inspect --help'\n"),
        (["inspect", m, "--jsn"],
         "eesim: unknown option --jsn; did you mean --json?\ntry 'eesim inspect --help'\n"),
    ]


@pytest.mark.parametrize("case", range(len(usage_cases("m.onnx"))))
def test_a_usage_error_is_at_most_three_lines(run_eesim, ee_model_path, case):
    args, expected = usage_cases(ee_model_path)[case]
    r = run_eesim(*args)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == expected
    assert len(r.stderr.splitlines()) <= 3


def test_options_that_add_up_may_repeat(run_eesim, ee_model_path, tmp_path):
    out = tmp_path / "r.json"
    r = run_eesim("run", ee_model_path, "--arch", QUAD, "--exit", "exit1=0.5", "--exit",
                  "exit2=0.1", "--bits", "backbone=8", "--bits", "exits=4", "--json", out)
    assert r.returncode == 0, r.stderr
    assert [s["probability"] for s in json.loads(out.read_text())["scenarios"]][:2] == \
        pytest.approx([0.5, 0.1])


@pytest.mark.parametrize("command", ["inspect", "run", "stream", "sweep"])
def test_help_ends_with_examples(run_eesim, command):
    r = run_eesim(command, "--help")
    assert r.returncode == 0 and r.stderr == ""
    examples = r.stdout[r.stdout.index("\nexamples:\n"):].splitlines()[2:]
    assert examples[0].startswith(f"  eesim {command} ")
    assert run_eesim(command, "-h").stdout == r.stdout
    top = run_eesim("--help")
    assert top.returncode == 0 and "\nexamples:\n  eesim inspect " in top.stdout


NO_RATES = ("eesim: warning: no exit probabilities given (--exit NAME=P, --exits FILE or the "
            "model's metadata): every input reaches the final output\n")


@pytest.fixture(scope="module")
def model_without_rates(ee_model_path, tmp_path_factory):
    """The bundled model without the exit probabilities its metadata carries."""
    m = onnx.load(str(ee_model_path))
    del m.metadata_props[:]
    path = tmp_path_factory.mktemp("norates") / "no_rates.onnx"
    onnx.save(m, str(path))
    return path


def test_no_exit_probabilities_warn(run_eesim, model_without_rates):
    r = run_eesim("run", model_without_rates, "--arch", QUAD, "--fusion", "rows=4")
    assert r.returncode == 0 and r.stderr == NO_RATES
    r = run_eesim("stream", model_without_rates, "--arch", QUAD, "--fusion", "rows=4",
                  "--inputs", "5")
    assert r.returncode == 0 and r.stderr == NO_RATES


@pytest.mark.parametrize("args", [["--exit", "exit1=0"], ["--keep-exits", ""]])
def test_given_probabilities_or_no_exits_do_not_warn(run_eesim, model_without_rates, args):
    r = run_eesim("run", model_without_rates, "--arch", QUAD, "--fusion", "rows=4", *args)
    assert r.returncode == 0 and r.stderr == ""


def core_lines(stdout):
    return re.findall(r"^core (\S+) +busy .*, peak memory (\d+) B of (\d+) B$", stdout, re.M)


def test_no_spill_says_so_and_memory_shows_its_capacity(run_eesim, ee_model_path):
    r = run_eesim("run", ee_model_path, "--arch", QUAD, "--fusion", "rows=4")
    assert r.returncode == 0, r.stderr
    # Edge TPU core: 2x2 PEs x (2 MiB PE memory + 4 x 112 KiB core memories).
    cores = core_lines(r.stdout)
    assert [(c, int(cap)) for c, _, cap in cores] == [(f"tpu{i}", 10223616) for i in range(4)]
    assert all(0 < int(peak) < 10223616 for _, peak, _ in cores)
    assert "\nspilled to DRAM: 0 B (every core's data fit its on-chip memory)\n" in r.stdout


def test_a_tiny_memory_spills_and_says_so(run_eesim, ee_model_path, tmp_path):
    tiny = tmp_path / "tiny.textproto"
    tiny.write_text(QUAD.read_text().replace("pe_memory_bytes: 2097152", "pe_memory_bytes: 16384")
                    .replace("core_memory_bytes: 114688", "core_memory_bytes: 4096"))
    out = tmp_path / "r.json"
    r = run_eesim("run", ee_model_path, "--arch", tiny, "--fusion", "rows=4", "--json", out)
    assert r.returncode == 0, r.stderr
    report = json.loads(out.read_text())
    scenarios = report["scenarios"]
    assert all(s["spilled_bytes"] > 0 for s in scenarios)
    expected = sum(s["probability"] * s["spilled_bytes"] for s in scenarios)
    per_scenario = ", ".join(f"{s['exit']} {s['spilled_bytes']} B" for s in scenarios)
    full = [c for c, peak, cap in core_lines(r.stdout) if peak == cap]
    assert full and all(cap == "131072" for _, _, cap in core_lines(r.stdout))
    assert f"\nwarning: spilled to DRAM: {expected:.0f} B expected ({per_scenario}): what did " \
           f"not fit the on-chip memory of {', '.join(full)} went to DRAM and back, in the " \
           f"latency and energy above\n" in r.stdout
