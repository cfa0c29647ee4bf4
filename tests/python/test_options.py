"""One options parser for the CLI and Python (sim/studies/options.h): the same keys, the same
values, the same messages and the same reports, including what Python could not do before
(search, objectives, stacks, mapping files)."""

import json
import warnings

import pytest

from conftest import QUAD

eesim = pytest.importorskip("eesim")

STEM = "/stem/stem.0/Conv, /stem/stem.2/Clip\n"


def cli_report(run_eesim, tmp_path, model, *args):
    out = tmp_path / "cli.json"
    r = run_eesim("run", model, "--arch", QUAD, "--json", out, *args)
    assert r.returncode == 0, r.stderr
    return json.loads(out.read_text())


def test_search_with_an_objective_and_stacks_gives_the_cli_report(run_eesim, tmp_path,
                                                                   ee_model_path):
    stacks = tmp_path / "stacks.txt"
    stacks.write_text(STEM)
    cli = cli_report(run_eesim, tmp_path, ee_model_path, "--alloc", "search", "--objective",
                     "energy", "--iterations", "20", "--seed", "7", "--stacks", stacks,
                     "--fusion", "rows=8")
    assert cli["allocation"] == "search (seed 7)"
    assert cli["fusion"] == f"stacks {stacks} (8-row bands)"
    ev = eesim.Evaluator(QUAD, alloc="search", objective="energy", iterations=20, seed=7,
                         stacks=str(stacks), fusion="rows=8")
    assert ev.evaluate(ee_model_path).as_dict() == cli
    # The same options on one call of a plain evaluator, numbers as ints, a path as PathLike.
    plain = eesim.Evaluator(QUAD)
    assert plain.evaluate(ee_model_path, alloc="search", objective="energy", iterations=20,
                          seed=7, stacks=stacks, fusion="rows=8").as_dict() == cli
    # ... and they were for that call only.
    assert plain.evaluate(ee_model_path).as_dict()["allocation"] == "partition"


def test_each_objective_reaches_the_search_as_in_the_cli(run_eesim, tmp_path, ee_model_path):
    ev = eesim.Evaluator(QUAD, alloc="search", iterations=15, seed=3)
    for objective in ("latency", "energy", "edp", "expected_edp"):
        cli = cli_report(run_eesim, tmp_path, ee_model_path, "--alloc", "search", "--iterations",
                         "15", "--seed", "3", "--objective", objective)
        assert ev.evaluate(ee_model_path, objective=objective).as_dict() == cli, objective


def test_a_mapping_file_by_path_or_file_key(run_eesim, tmp_path, ee_model_path):
    mapping = tmp_path / "map.txt"
    mapping.write_text("* = tpu2\n")
    cli = cli_report(run_eesim, tmp_path, ee_model_path, "--alloc", mapping)
    assert cli == cli_report(run_eesim, tmp_path, ee_model_path, "--alloc", f"file={mapping}")
    assert {layer["core"] for layer in cli["layers"]} == {"tpu2"}
    for alloc in (str(mapping), f"file={mapping}"):
        assert eesim.Evaluator(QUAD, alloc=alloc).evaluate(ee_model_path).as_dict() == cli


@pytest.mark.parametrize("key,value,reason", [
    ("policy", "maybe", "expected wait or speculate"),
    ("fusion", "rows=0", "expected off, auto or rows=N (1 <= N <= 2^63 - 1)"),
    ("alloc", "serach", "unknown allocator 'serach'; did you mean 'search'?"),
    ("alloc", "greedy", "unknown allocator 'greedy'; expected file=PATH, heft, partition, "
                        "pipeline or search"),
    ("objective", "speed", "expected latency, energy, edp or expected_edp"),
    ("iterations", "-3", "expected an integer >= 0"),
    ("seed", "-1", "expected an integer in [0, 2^64 - 1]"),
])
def test_bad_values_say_the_same_in_the_cli_and_python(run_eesim, ee_model_path, key, value,
                                                       reason):
    r = run_eesim("run", ee_model_path, "--arch", QUAD, f"--{key}", value)
    assert r.returncode == 2
    assert r.stderr == f"eesim: --{key} {value}: {reason}\ntry 'eesim run --help'\n"
    with pytest.raises(eesim.Error) as e:
        eesim.Evaluator(QUAD, **{key: value})
    assert str(e.value) == f"{key}={value}: {reason}"


def test_stream_keys_match_the_cli(run_eesim, tmp_path, ee_model_path):
    out = tmp_path / "s.json"
    r = run_eesim("stream", ee_model_path, "--arch", QUAD, "--inputs", "40", "--arrival",
                  "poisson=2000", "--in-flight", "2", "--seed", "9", "--json", out)
    assert r.returncode == 0, r.stderr
    py = eesim.Evaluator(QUAD).stream(ee_model_path, inputs=40, arrival="poisson=2000",
                                      in_flight=2, seed=9)
    assert py.as_dict() == json.loads(out.read_text())
    r = run_eesim("stream", ee_model_path, "--arch", QUAD, "--in-flight", "-2")
    assert r.returncode == 2 and "--in-flight -2: expected an integer >= 0" in r.stderr
    with pytest.raises(eesim.Error, match=r"^in_flight=-2: expected an integer >= 0$"):
        eesim.Evaluator(QUAD).stream(ee_model_path, in_flight=-2)


def test_an_unknown_keyword_lists_the_keys():
    with pytest.raises(eesim.Error, match=r"^alocc=heft: unknown option; expected one of "
                                          r"policy, fusion, stacks, alloc, objective, "):
        eesim.Evaluator(QUAD, alocc="heft")


def test_the_old_fusion_and_arrival_spellings_still_work_with_a_warning(ee_model_path):
    new = eesim.Evaluator(QUAD, fusion="rows=4").evaluate(ee_model_path).as_dict()
    with pytest.warns(DeprecationWarning, match='fusion="rows=N"'):
        old = eesim.Evaluator(QUAD, fusion="rows", rows=4)
    assert old.evaluate(ee_model_path).as_dict() == new
    with pytest.warns(DeprecationWarning, match="poisson=R"):
        s = old.stream(ee_model_path, inputs=10, arrival="poisson", rate=2000)
    assert s.as_dict() == old.stream(ee_model_path, inputs=10, arrival="poisson=2000").as_dict()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new spellings warn of nothing
        eesim.Evaluator(QUAD, fusion="rows=4").stream(ee_model_path, inputs=5)


def test_evaluate_many_carries_the_options_to_its_workers(ee_model_path):
    ev = eesim.Evaluator(QUAD, alloc="pipeline", fusion="rows=2")
    here = ev.evaluate(ee_model_path, {"exit1": 0.2}).as_dict()
    [there] = ev.evaluate_many([(str(ee_model_path), {"exit1": 0.2})], processes=2)
    assert there.as_dict() == here
    assert here["allocation"] == "pipeline" and here["fusion"] == "rows=2"
