"""Per-layer precision and density overrides and the precision mode (options precision, bits,
bits_file, density; workloads/layer_overrides.h) as a NAS loop uses them: the early-exit NAS
study's five (backbone, exit) bit-width pairs over one loaded model, the dict and text forms,
the CLI's flags giving the same report, and the errors. Costs are not asserted: how they follow
the bits is the cost models' business (hw_models/)."""

import json

import pytest

from conftest import QUAD

eesim = pytest.importorskip("eesim")

# (backbone bits, exit bits) of arXiv 2512.04705.
NAS_CONFIGS = [(32, 32), (8, 8), (8, 4), (4, 8), (4, 4)]


def bits(layer):
    return (layer.weight_bits, layer.input_bits, layer.output_bits)


def in_exit_head(name):
    return name.startswith("/exit")  # the bundled network's heads: /exit1/..., /exit2/...


def test_the_nas_configurations_in_one_loop_over_one_model(ee_model_path):
    model = eesim.load_model(ee_model_path)
    file_bits = [(l["weight_bits"], l["input_bits"], l["output_bits"]) for l in model.layers]
    weighted = {l["name"] for l in model.layers if l["weight_params"] > 0}
    assert {in_exit_head(l["name"]) for l in model.layers} == {True, False}
    ev = eesim.Evaluator(QUAD, precision="memory")
    for backbone, exit_bits in NAS_CONFIGS:
        report = ev.evaluate(model, bits={"backbone": f"w{backbone}a{backbone}",
                                          "exits": f"w{exit_bits}a{exit_bits}"})
        assert len(report.layers) == len(model.layers)
        for layer in report.layers:
            b = exit_bits if in_exit_head(layer.name) else backbone
            assert bits(layer) == (b if layer.name in weighted else 0, b, b), \
                (backbone, exit_bits, layer.name)
    # The model itself is as loaded: overrides work on a copy.
    assert [(l["weight_bits"], l["input_bits"], l["output_bits"])
            for l in model.layers] == file_bits


def test_dict_text_and_list_forms_are_one_option(ee_model_path):
    ev = eesim.Evaluator(QUAD)
    text = ev.evaluate(ee_model_path, bits="backbone=8,exits=w4a8", density="/exit1/fc/Gemm=0.5")
    as_dict = ev.evaluate(ee_model_path, bits={"backbone": 8, "exits": "w4a8"},
                          density={"/exit1/fc/Gemm": 0.5})
    as_list = ev.evaluate(ee_model_path, bits=["backbone=8", "exits=w4a8"],
                          density=["/exit1/fc/Gemm=0.5"])
    assert text.as_dict() == as_dict.as_dict() == as_list.as_dict()
    fc = next(l for l in text.layers if l.name == "/exit1/fc/Gemm")
    assert bits(fc) == (4, 8, 8)


def test_selectors_and_precedence_reach_the_report(ee_model_path):
    ev = eesim.Evaluator(QUAD, bits={"backbone": "w8a8"})
    # The call's rules come after the evaluator's: they win where both select a layer.
    report = ev.evaluate(ee_model_path, bits={"exit:exit2": "w2", "/stages.1/*": "a16",
                                              "/stem/stem.0/Conv": "o4"})
    layers = {l.name: bits(l) for l in report.layers}
    assert layers["/stem/stem.0/Conv"] == (8, 8, 4)
    assert layers["/stages.1/stages.1.0/conv/conv.1/conv.1.0/Conv"] == (8, 16, 16)
    assert layers["/stages.2/stages.2.0/conv/conv.0/conv.0.0/Conv"] == (8, 8, 8)
    assert layers["/exit2/fc/Gemm"][0] == 2
    assert layers["/exit1/fc/Gemm"] == (32, 32, 32)  # the file's: no rule selects exit1
    # The evaluator's own rules alone on the next call.
    assert {bits(l) for l in ev.evaluate(ee_model_path).layers
            if l.name.startswith("/stem/")} <= {(8, 8, 8), (0, 8, 8)}


def test_precision_native_clears_the_files_bits(ee_model_path):
    report = eesim.Evaluator(QUAD, precision="native").evaluate(ee_model_path)
    assert {bits(l) for l in report.layers} == {(0, 0, 0)}


def test_cli_flags_give_the_python_report(run_eesim, tmp_path, ee_model_path):
    rules = tmp_path / "nas_8_4.txt"
    rules.write_text("# backbone 8, exits 4\nbackbone = w8a8\nexits = w4a4  # heads\n")
    out = tmp_path / "cli.json"
    r = run_eesim("run", ee_model_path, "--arch", QUAD, "--json", out, "--precision", "memory",
                  "--bits-file", rules, "--bits", "exit:exit3=w2", "--density",
                  "/exit3/fc/Gemm=0.25")
    assert r.returncode == 0, r.stderr
    cli = json.loads(out.read_text())
    ev = eesim.Evaluator(QUAD, precision="memory", bits_file=rules)
    py = ev.evaluate(ee_model_path, bits={"exit:exit3": "w2"}, density={"/exit3/fc/Gemm": 0.25})
    assert py.as_dict() == cli
    layers = {l["name"]: l for l in cli["layers"]}
    assert layers["/exit3/fc/Gemm"]["weight_bits"] == 2
    assert layers["/exit2/fc/Gemm"]["weight_bits"] == 4
    assert layers["/classifier/Gemm"]["input_bits"] == 8


def test_help_lists_the_keys(run_eesim):
    r = run_eesim("run", "--help")
    for flag in ("--precision full|memory|native", "--bits SEL=BITS", "--bits-file FILE",
                 "--density SEL=D"):
        assert flag in r.stdout


@pytest.mark.parametrize("options, message", [
    ({"bits": {"/stem/stem.0/Conv": "w65"}},
     r"^bits=/stem/stem.0/Conv=w65: bits rule '/stem/stem.0/Conv=w65': 65 bits is outside "
     r"1\.\.64$"),
    ({"bits": "backbone=int8"}, r"^bits=backbone=int8: bits rule 'backbone=int8': expected "
                                r"SELECTOR=BITS with BITS one of N, wN, aN"),
    ({"density": {"backbone": 1.5}},
     r"^density=backbone=1.5: density rule 'backbone=1.5': density 1.5 is outside \[0, 1\]$"),
    ({"precision": "int4"}, r"^precision=int4: expected full, memory or native$"),
])
def test_bad_values_name_the_keyword_and_rule(options, message):
    with pytest.raises(eesim.Error, match=message):
        eesim.Evaluator(QUAD, **options)


def test_a_rule_that_selects_nothing_is_an_error_naming_it(run_eesim, tmp_path, ee_model_path):
    ev = eesim.Evaluator(QUAD)
    with pytest.raises(eesim.Error, match=r"bits rule '/stages\.9/\*=w4': no layer of .* "
                                          r"matches '/stages\.9/\*'"):
        ev.evaluate(ee_model_path, bits="backbone=8,/stages.9/*=w4")
    with pytest.raises(eesim.Error, match=r"has no exit named 'exit7' \(its exits: exit1, "
                                          r"exit2, exit3\)"):
        ev.evaluate(ee_model_path, bits={"exit:exit7": 4})
    rules = tmp_path / "typo.txt"
    rules.write_text("backbone=8\n\n/stemm/*=4\n")
    r = run_eesim("run", ee_model_path, "--arch", QUAD, "--bits-file", rules)
    assert r.returncode != 0
    assert f"{rules}:3: no layer of" in r.stderr and "matches '/stemm/*'" in r.stderr
    rules.write_text("backbone=8\nexits=w4b4\n")
    r = run_eesim("run", ee_model_path, "--arch", QUAD, "--bits-file", rules)
    assert r.returncode != 0 and f"{rules}:2: expected SELECTOR=BITS" in r.stderr


def test_inspect_shows_the_widths_and_density_after_the_rules(run_eesim, ee_model_path):
    r = run_eesim("inspect", ee_model_path, "--json", "--bits", "backbone=w8a8,exits=4",
                  "--density", "backbone=0.5")
    assert r.returncode == 0, r.stderr
    layers = {l["name"]: l for l in json.loads(r.stdout)["layers"]}
    stem = layers["/stem/stem.0/Conv"]
    assert (stem["weight_bits"], stem["input_bits"], stem["output_bits"]) == (8, 8, 8)
    assert (stem["weight_density"], stem["weight_density_source"]) == (0.5, "overridden")
    head = next(l for name, l in layers.items() if name.startswith("/exit1/") and l["macs"])
    assert (head["weight_bits"], head["weight_density_source"]) == (4, "assumed")
    table = run_eesim("inspect", ee_model_path, "--density", "backbone=0.5").stdout
    stem_row = next(line for line in table.splitlines() if "/stem/stem.0/Conv" in line)
    assert stem_row.split()[-1] == "0.500" and stem_row.split()[-2] == "32/32/32"
    bad = run_eesim("inspect", ee_model_path, "--bits", "backbon=8")
    assert bad.returncode != 0 and "no layer named 'backbon'" in bad.stderr
