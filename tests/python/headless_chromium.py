"""Debian's headless Chromium driven over the DevTools protocol (a websocket, python3-websocket):
open a page, collect what its console and runtime report, evaluate JavaScript. Enough for a test
that loads a file in a real viewer; no browser download, no PyPI."""
import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import List, Optional

CHROMIUM_NAMES = ("chromium", "chromium-browser")

# Headless, as root, on a machine with no network but loopback: no sandbox (root), no GPU (WebGL
# through SwiftShader, which speedscope draws with), and none of the background connections a
# browser makes at start (they would be refused, noisily).
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--use-angle=swiftshader",
         "--enable-unsafe-swiftshader", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--mute-audio",
         "--window-size=1280,800"]


def find_chromium() -> Optional[str]:
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


class Chromium:
    """One headless browser with one page. `messages` gathers console calls, uncaught
    exceptions and log entries (type, text) since the last `open`."""

    def __init__(self, executable: str, timeout: float = 30.0):
        import websocket  # Debian's python3-websocket

        self._profile = tempfile.TemporaryDirectory(prefix="eesim-chromium-",
                                                    ignore_cleanup_errors=True)
        # Its chatter goes to a file: a pipe nobody reads would fill and stall it.
        self._log = open(Path(self._profile.name) / "stderr.log", "wb")
        self._proc = subprocess.Popen(
            [executable, *FLAGS, "--remote-debugging-port=0",
             f"--user-data-dir={self._profile.name}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log)
        try:
            port = self._devtools_port(timeout)
            pages = [t for t in self._json(f"http://127.0.0.1:{port}/json/list")
                     if t.get("type") == "page"]
            self._ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"],
                                                   timeout=timeout, suppress_origin=True)
        except Exception:
            self.close()
            raise
        self._next_id = 0
        self.messages: List[tuple] = []
        for domain in ("Runtime", "Log", "Page"):
            self.call(f"{domain}.enable")

    def _devtools_port(self, timeout: float) -> int:
        # Chromium writes the port it picked, then the browser target's path, to this file.
        active = Path(self._profile.name) / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                err = (Path(self._profile.name) / "stderr.log").read_text(errors="replace")
                raise RuntimeError(f"chromium exited with {self._proc.returncode}: {err[-2000:]}")
            if active.exists():
                lines = active.read_text().split("\n")
                if lines and lines[0].strip().isdigit():
                    return int(lines[0])
            time.sleep(0.05)
        raise TimeoutError("chromium did not open its DevTools port")

    @staticmethod
    def _json(url: str):
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.loads(r.read())

    def _record(self, event: dict) -> None:
        method, p = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled":
            args = p.get("args", [])
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in args)
            self.messages.append((p.get("type"), text))
        elif method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            text = d.get("exception", {}).get("description") or d.get("text", "")
            self.messages.append(("exception", text))
        elif method == "Log.entryAdded":
            e = p.get("entry", {})
            text = f"{e.get('text', '')} {e.get('url', '')}"
            self.messages.append((f"log {e.get('level')}", text))

    def call(self, method: str, **params):
        """Sends one DevTools command and returns its result; events read meanwhile are kept."""
        self._next_id += 1
        mine = self._next_id
        self._ws.send(json.dumps({"id": mine, "method": method, "params": params}))
        while True:
            reply = json.loads(self._ws.recv())
            if reply.get("id") == mine:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._record(reply)

    def open(self, url: str) -> None:
        self.messages = []
        self.call("Page.navigate", url=url)

    def evaluate(self, expression: str, await_promise: bool = False):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                      awaitPromise=await_promise)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression}: {r['exceptionDetails'].get('text')}")
        return r.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 30.0):
        """Evaluates `expression` until it is truthy; returns its value (None on timeout)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        return None

    def next_frames(self, frames: int = 2) -> None:
        """Returns once the page has drawn `frames` more animation frames."""
        self.evaluate(f"new Promise(done => {{ let n = {frames}; const f = () => --n > 0 ? "
                      "requestAnimationFrame(f) : done(true); requestAnimationFrame(f); })",
                      await_promise=True)

    def screenshot(self, path: Path) -> None:
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot")["data"]))

    def close(self) -> None:
        ws = getattr(self, "_ws", None)
        if ws is not None:
            ws.close()
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._log.close()
        self._profile.cleanup()
