import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

# torch_reference lives with the other developer tools rather than in a package.
sys.path.insert(0, str(REPO_ROOT / "tools"))


@pytest.fixture(scope="session")
def eesim_bin() -> Path:
    path = Path(os.environ.get("EESIM_BIN") or REPO_ROOT / "build" / "tools" / "eesim")
    if not path.exists():
        pytest.skip(f"eesim binary not found at {path}: build it (tools/build) or set EESIM_BIN")
    return path


# Under the sanitizer build python runs with leak checks off (its interpreter keeps objects at
# exit); the CLI it starts gets them back (tests/meson.build sets EESIM_CLI_ASAN_OPTIONS). The
# CLI links the ASan runtime itself: it needs no preload, nor does the python it may start
# (`--plot`), which would then report the interpreter's own objects as leaks.
CLI_ENV = None
# True in the sanitized suite (tools/test-sanitized), where code runs 3-5x slower: a few tests
# that repeat one path many times repeat it fewer times there.
SANITIZED = "EESIM_CLI_ASAN_OPTIONS" in os.environ
if SANITIZED:
    CLI_ENV = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
    CLI_ENV["ASAN_OPTIONS"] = os.environ["EESIM_CLI_ASAN_OPTIONS"]


@pytest.fixture(scope="session")
def run_eesim(eesim_bin):
    def run(*args, timeout=120):
        return subprocess.run(
            [str(eesim_bin), *map(str, args)],
            capture_output=True,
            text=True,
            # Error messages may quote bytes from a corrupt input file.
            errors="replace",
            timeout=timeout,
            env=CLI_ENV,
        )

    return run


EXAMPLES = Path(os.environ.get("EESIM_EXAMPLES") or REPO_ROOT / "build" / "examples" / "models")
QUAD = REPO_ROOT / "examples" / "arch" / "quad_edge_tpu.textproto"


@pytest.fixture(scope="session")
def ee_model_path() -> Path:
    """The bundled CIFAR early-exit MobileNetV2 (built by meson into EESIM_EXAMPLES)."""
    path = EXAMPLES / "ee_mobilenetv2_cifar10.onnx"
    if not path.exists():
        pytest.skip(f"{path} not built")
    return path
