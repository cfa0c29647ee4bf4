"""`meson install` as a new user runs it (issue 18, deliverable 1): the CLI, the Python package and
the chip presets installed into a scratch prefix work from outside the source and build trees,
with both trees hidden (a mount namespace lays an empty tmpfs over them), and the installed
files hold no path into the build tree. Seconds: `meson install --no-rebuild` copies what the
build made. (`pip install .` compiles everything again, minutes: by hand, see the README.)"""

import json
import os
import shutil
import subprocess
import warnings
from pathlib import Path
from shlex import quote

import pytest

from conftest import CLI_ENV, REPO_ROOT

BUILD = Path(os.environ.get("EESIM_BUILD_ROOT") or
             Path(os.environ.get("EESIM_BIN") or REPO_ROOT / "build" / "tools" / "eesim")
             .parents[1]).resolve()


def can_hide_trees():
    """Whether this user may lay a tmpfs over a folder in a mount namespace of its own."""
    r = subprocess.run(["unshare", "-rm", "sh", "-c", f"mount -t tmpfs none {BUILD}"],
                       capture_output=True)
    return r.returncode == 0


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    if "EESIM_CLI_ASAN_OPTIONS" in os.environ:
        pytest.skip("the installed layout does not depend on sanitizers: tools/test checks it")
    if not (BUILD / "meson-private").is_dir():
        pytest.skip(f"{BUILD} is not a meson build folder: set EESIM_BUILD_ROOT")
    dest = tmp_path_factory.mktemp("destdir")
    r = subprocess.run(["meson", "install", "-C", BUILD, "--no-rebuild", "--quiet", "--destdir",
                        dest], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    plan = json.loads(subprocess.run(["meson", "introspect", BUILD, "--installed"],
                                     capture_output=True, text=True, check=True).stdout)
    files = {Path(src).name: dest / Path(to).relative_to("/") for src, to in plan.items()}
    return {"dest": dest, "bin": files["eesim"], "package": files["__init__.py"].parent,
            "arch": files["arch"] / "quad_edge_tpu.textproto",  # install_subdir: the folder
            "core": next(f for n, f in files.items() if n.startswith("_core."))}


def test_installed_files_hold_no_path_into_the_build_tree(installed, tmp_path):
    for f in (installed["bin"], installed["core"]):
        # Debug info records the build folder (DW_AT_comp_dir) for debuggers: not the program's.
        copy = tmp_path / f.name
        subprocess.run(["strip", "--strip-debug", "-o", copy, f], check=True)
        data = copy.read_bytes()
        assert str(BUILD).encode() not in data, f
        assert b"/bindings/eesim/plots.py" not in data, f  # the path --plot once compiled in


def test_cli_and_package_work_with_both_trees_hidden(installed, ee_model_path, tmp_path):
    work = tmp_path / "work"  # the user's folder: outside both trees
    work.mkdir()
    shutil.copy(ee_model_path, work / "model.onnx")
    site = installed["package"].parent
    script = f"""
set -e
eesim={installed['bin']}
$eesim --version
$eesim run model.onnx --arch {installed['arch']} --fusion rows=4 --plot gantt.png > run.txt
/usr/bin/python3 -c '
import eesim, eesim.plots
print(eesim.__version__, eesim.__file__)
r = eesim.Evaluator("{installed['arch']}", fusion="rows=4").evaluate("model.onnx")
print(round(r.expected.latency_cycles))
'
"""
    hide = ""
    if can_hide_trees():
        hide = f"mount -t tmpfs none {quote(str(BUILD))}; mount -t tmpfs none " \
               f"{quote(str(REPO_ROOT))}; test ! -e {quote(str(BUILD / 'meson-private'))}; "
        assert BUILD.exists() and REPO_ROOT.exists()
    env = dict(CLI_ENV or os.environ, PYTHONPATH=str(site))
    r = subprocess.run(["unshare", "-rm", "bash", "-c", hide + script] if hide else
                       ["bash", "-c", script], cwd=work, env=env, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    version, package_line, latency = r.stdout.splitlines()
    project = json.loads(subprocess.run(["meson", "introspect", BUILD, "--projectinfo"],
                                        capture_output=True, text=True, check=True).stdout)
    assert version == f"eesim {project['version']}"
    assert (work / "gantt.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert package_line == f"{project['version']} {installed['package'] / '__init__.py'}"
    text = (work / "run.txt").read_text()
    assert f"\nexpected: latency {latency} cycles (" in text
    if not hide:
        warnings.warn("no mount namespace here: the installed eesim ran with the trees in place")
