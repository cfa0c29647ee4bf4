"""eesim traces in a real viewer: speedscope (its npm package, fetched once into a cache by
tools/fetch-speedscope) served on localhost and opened in Debian's headless Chromium, driven over
the DevTools protocol (headless_chromium.py). A trace must import and render with no console
error, uncaught exception or warning: speedscope warns for every event that ends while another
one of its track is open (what overlapping events are), and draws them as a staircase of bands.

Skipped, saying why, where Chromium, python3-websocket or npm (for the first fetch) is missing;
tools/test installs them (tools/install-deps), and under CI (CI=true) a missing one fails
instead. The sanitized suite skips it: the release suite loads the same JSON, and Chromium must
not inherit the ASan runtime python is preloaded with."""

import functools
import http.server
import itertools
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from conftest import QUAD, REPO_ROOT  # noqa: E402
from headless_chromium import Chromium, find_chromium

HETERO = REPO_ROOT / "examples" / "arch" / "hetero.textproto"
# Console messages that fail a load: the page's own errors and warnings, uncaught exceptions,
# and the browser's errors (a file that failed to load). The browser's own warnings (a GL
# driver's performance notes under SwiftShader) do not.
PROBLEMS = {"error", "assert", "warning", "exception", "log error"}


def missing(what):
    what = f"trace viewer test: {what}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what}; CI runs this test: tools/test installs it")
    pytest.skip(what)


class Viewer:
    """speedscope on a localhost server, one Chromium page to open traces in."""

    def __init__(self, speedscope: Path, site: Path, chromium: str):
        for f in speedscope.iterdir():
            (site / f.name).symlink_to(f)
        self._site = site
        handler = functools.partial(_QuietHandler, directory=str(site))
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self._base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._loads = itertools.count()
        try:
            self.browser = Chromium(chromium)
        except Exception:
            self._server.shutdown()
            raise

    def load(self, trace: Path):
        """Opens `trace` in speedscope (`#profileURL=`); returns the page's title, its text and
        the console's problems once the profile is imported and drawn."""
        n = next(self._loads)
        name = f"{n}-{trace.name}"
        shutil.copyfile(trace, self._site / name)
        # A new query each time: a change of the fragment alone would not reload the page.
        self.browser.open(f"{self._base}/index.html?load={n}#profileURL={self._base}/{name}")
        title = self.browser.wait_for(f"document.title.includes({json.dumps(name)}) && "
                                      "document.title", timeout=60)
        if title:
            self.browser.next_frames()
        text = self.browser.evaluate("document.body.innerText") or ""
        problems = [m for m in self.browser.messages if m[0] in PROBLEMS]
        return title, text, problems

    def close(self):
        self.browser.close()
        self._server.shutdown()
        self._server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def viewer(tmp_path_factory):
    if "EESIM_CLI_ASAN_OPTIONS" in os.environ:
        pytest.skip("sanitized suite: the release suite opens the same traces in the viewer")
    chromium = find_chromium()
    if chromium is None:
        missing("chromium not found (Debian package chromium)")
    try:
        import websocket  # noqa: F401
    except ImportError:
        missing("python3-websocket not installed (Debian package python3-websocket)")
    fetch = subprocess.run([str(REPO_ROOT / "tools" / "fetch-speedscope")], capture_output=True,
                           text=True, timeout=300)
    if fetch.returncode != 0 and "npm not found" in fetch.stderr:
        missing("speedscope not cached and npm not found (Debian packages nodejs, npm)")
    assert fetch.returncode == 0, fetch.stderr
    v = Viewer(Path(fetch.stdout.strip()), tmp_path_factory.mktemp("site"), chromium)
    yield v
    v.close()


def threads_with_events(trace: Path) -> int:
    events = json.loads(trace.read_text())["traceEvents"]
    return len({(e["pid"], e["tid"]) for e in events if e["ph"] == "X"})


def overlapping_trace(path: Path) -> Path:
    """Two nodes on one core as fractional microseconds once put them (800 MHz): the first ends
    1e-15 us after the second starts."""
    def node(name, ts, dur):
        return {"name": name, "ph": "X", "ts": ts, "dur": dur, "pid": 0, "tid": 0, "args": {}}

    path.write_text(json.dumps({"traceEvents": [node("a", 8.6575, 4.3200000000000012),
                                                node("b", 12.9775, 4.32)]}))
    return path


# One test, so that one browser serves every load (pytest-xdist would start one per worker).
def test_speedscope_renders_run_and_stream_traces_without_console_errors(run_eesim, ee_model_path,
                                                                         tmp_path, viewer):
    # The check sees what it must: speedscope nests the later of two overlapping events inside
    # the earlier one and warns when the earlier one ends.
    title, _, problems = viewer.load(overlapping_trace(tmp_path / "overlap.json"))
    assert title and title.endswith("overlap.json - speedscope")
    assert any("Tried to end" in text for _, text in problems), problems

    run, stream = tmp_path / "hetero_run.json", tmp_path / "quad_stream.json"
    r = run_eesim("run", ee_model_path, "--arch", HETERO, "--fusion", "rows=4", "--trace", run)
    assert r.returncode == 0, r.stderr
    r = run_eesim("stream", ee_model_path, "--arch", QUAD, "--fusion", "rows=4", "--inputs", "8",
                  "--arrival", "poisson=20000", "--trace-inputs", "4", "--trace", stream)
    assert r.returncode == 0, r.stderr
    for trace, first in [(run, "scenario exit1 (pid 0), core tpu0 (tid 0)"),
                         (stream, "stream (pid 0), core tpu0 (tid 0)")]:
        title, text, problems = viewer.load(trace)
        assert title and title.endswith(f"{trace.name} - speedscope"), (title, problems)
        assert problems == []
        # Loaded: the first track of the first process shown, one profile per track with events.
        assert first in text and f"(1/{threads_with_events(trace)})" in text, text
