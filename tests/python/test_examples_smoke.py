"""Every example under examples/ runs as part of the test suite, with small arguments: each
script is listed here with where it runs, so a new example without a smoke test fails here.
The model exporters run in the build (examples/models/meson.build, whose models the Python
tests depend on) and the tests named check what they wrote."""
from pathlib import Path

from conftest import REPO_ROOT

TESTS = Path(__file__).resolve().parent
MODELS_BUILD = REPO_ROOT / "examples" / "models" / "meson.build"

# Script -> the test that runs it, or checks the model its build target wrote ("FILE::FUNCTION").
RUNS = {
    "examples/python/dask_nas.py":
        "test_bindings.py::test_dask_example_spreads_candidates_over_a_local_cluster",
    "examples/python/nas_exit_thresholds.py": "test_bindings.py::test_nas_example_writes_the_front",
    "examples/python/timing_plots.py": "test_bindings.py::test_nas_example_writes_the_front",
    "examples/python/compression_study.py":
        "test_bindings.py::test_compression_study_example_orders_the_configurations",
    "examples/python/mounting_sweep.py":
        "test_sweep_python.py::test_mounting_point_plot_and_example",
    "examples/models/ee_mobilenetv2_cifar10.py":
        "test_examples.py::test_ee_mobilenetv2_three_exits_in_depth_order_with_metadata_probabilities",
    "examples/models/branchy_resnet.py":
        "test_examples.py::test_if_form_has_the_same_exits_branch_points_and_macs_as_multi_output",
}


def test_every_example_has_a_test_that_runs_it():
    scripts = {str(p.relative_to(REPO_ROOT))
               for d in ("examples/python", "examples/models")
               for p in (REPO_ROOT / d).glob("*.py")}
    assert scripts == set(RUNS)
    for script, where in RUNS.items():
        file, function = where.split("::")
        text = (TESTS / file).read_text()
        assert f"def {function}(" in text, where
        name = Path(script).name
        if script.startswith("examples/models/"):  # built, then the test reads its model
            assert f"'{name}'" in MODELS_BUILD.read_text(), f"{name} is not built"
            name = Path(script).stem
        assert name in text, f"{where} does not run {script}"
