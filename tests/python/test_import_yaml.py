"""`eesim import` (issue 19): a ZigZag core file with a mapping file, and a Stream accelerator,
printed as an eesim .textproto with a header naming the source and the conversion's notes; a bad
file exits non-zero with one line naming FILE:LINE and the key."""

import pytest

from conftest import REPO_ROOT

DATA = REPO_ROOT / "tests" / "hw_models" / "import" / "data"


def imported(run_eesim, *args):
    r = run_eesim("import", *args)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_import_zigzag_core_with_mapping_prints_textproto(run_eesim):
    out = imported(run_eesim, DATA / "zz_gen1.yaml", "--mapping", DATA / "zz_mapping.yaml")
    lines = out.splitlines()
    assert lines[0].startswith("# Imported by `eesim import` from ")
    assert "zz_gen1.yaml with mapping " in lines[0]
    assert any("read and dropped" in l for l in lines if l.startswith("#"))
    assert 'name: "tiny_gen1"' in lines
    assert "clock_mhz: 1000" in lines
    assert "  bandwidth_bytes_per_cycle: 8" in lines
    assert "  energy_pj_per_byte: 87.5" in lines
    assert any(l.strip() == "offchip: true" for l in lines)
    assert any(l.strip() == "loop: K" for l in lines)


def test_import_stream_writes_out_file_with_allow_hint(run_eesim, tmp_path):
    target = tmp_path / "quad.textproto"
    r = run_eesim("import", DATA / "stream_gen_c.yaml", "--out", target)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    text = target.read_text()
    # operator_types are the cores' own op_type (not --allow hints, which come from a mapping);
    # the ring plus a bus to the off-chip core is a NoC of kind "links".
    assert 'op_type: "Conv"' in text and "--allow" not in text
    assert 'kind: "links"' in text and "bus {" in text


def test_import_bad_file_is_one_line_error(run_eesim):
    bad = DATA / "bad_missing_operand.yaml"
    r = run_eesim("import", bad)
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.count("\n") == 1
    assert r.stderr.startswith(f"eesim: error: {bad}:7: memories: missing operand I1")


def test_import_usage(run_eesim):
    r = run_eesim("import")
    assert r.returncode == 2
    assert "import needs a CHIP.yaml" in r.stderr
    h = run_eesim("import", "--help")
    assert h.returncode == 0
    assert h.stdout.rstrip().splitlines()[-2].strip().startswith("eesim import ")


def test_arch_accepts_yaml(run_eesim, ee_model_path):
    r = run_eesim("run", ee_model_path, "--arch", DATA / "zz_gen3.yaml", "--bits", "*=8")
    assert r.returncode == 0, r.stderr
    assert " on tiny_gen3 (" in r.stdout.splitlines()[0]
    assert "zz_gen3.yaml" in r.stdout.splitlines()[0]
