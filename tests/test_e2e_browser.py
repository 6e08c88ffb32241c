"""End to end, in a real browser: JupyterLab runs lesson 04, a learner moves the stride slider.

Starts JupyterLab (127.0.0.1, a token, an isolated HOME and config in a temporary folder) with
subprocess.Popen, opens a copy of notebooks/04_padding_and_strides.ipynb in headless Debian
chromium driven by Playwright, runs all cells from the Run menu, moves the kernel explorer's
stride slider with the keyboard and checks that the output shape label changes. A screenshot is
saved under pytest's tmp path (and copied to $E2E_SCREENSHOT_DIR when set). The server and its
kernels are stopped at teardown, also when the test fails.

Installs nothing: it needs /usr/bin/chromium (``apt-get install chromium``; ``.ci/run`` does it).
Without chromium it skips, unless the environment variable CI is set, where it fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "04_padding_and_strides.ipynb"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
TIMEOUT_MS = 30_000          # each retrying expect()
RUN_ALL_TIMEOUT_MS = 180_000  # the whole notebook on a loaded 2-core machine
SERVER_START_S = 90


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing but CI is set: the browser test must run in CI "
                    "(install it with `apt-get install -y chromium`, as .ci/run does)")
    pytest.skip(f"{CHROMIUM} is missing (install it with `apt-get install -y chromium`); "
                "the browser test runs only where chromium is installed or CI is set")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_settings(settings_dir: Path) -> None:
    """User settings: no news pop-up, no autosave (the copy must not be rewritten mid-test), and
    every cell rendered (JupyterLab 4 otherwise hides cells scrolled out of view)."""
    files = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False},
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }
    for rel, content in files.items():
        path = settings_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))


def _api(port: int, token: str, path: str, method: str = "GET", timeout: float = 5.0):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        body = r.read()
    return json.loads(body) if body else None


class JupyterLab:
    """A JupyterLab server in its own process group, serving a temporary folder."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.port = _free_port()
        self.token = os.urandom(16).hex()
        self.root = tmp / "work"
        self.root.mkdir()
        self.log_path = tmp / "jupyterlab.log"
        home, config = tmp / "home", tmp / "config"
        settings = config / "lab" / "user-settings"
        _write_settings(settings)
        env = dict(os.environ, HOME=str(home), JUPYTER_CONFIG_DIR=str(config),
                   JUPYTER_DATA_DIR=str(tmp / "data"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
                   JUPYTERLAB_SETTINGS_DIR=str(settings),
                   JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
                   KERAS_BACKEND="torch", PYTHONHASHSEED="0")
        env.pop("MPLBACKEND", None)  # keep matplotlib's inline backend in the kernel
        home.mkdir()
        cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
               f"--port={self.port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def wait_ready(self) -> None:
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.proc.returncode}:\n{self.log()}")
            try:
                _api(self.port, self.token, "/api/status", timeout=2.0)
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                try:  # not answering yet: wait half a second, or less if the server dies
                    self.proc.wait(timeout=0.5)
                except subprocess.TimeoutExpired:
                    pass
        raise RuntimeError(f"JupyterLab did not answer within {SERVER_START_S} s:\n{self.log()}")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}"

    def stop(self) -> None:
        """Shut the kernels and the server down; then end the process group if anything is left."""
        if self.proc.poll() is None:
            try:
                for k in _api(self.port, self.token, "/api/kernels") or []:
                    _api(self.port, self.token, f"/api/kernels/{k['id']}", method="DELETE")
                _api(self.port, self.token, "/api/shutdown", method="POST")
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGTERM)
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                    self.proc.wait(timeout=10)
        try:  # kernels started by the server share its process group
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._log.close()


@pytest.fixture
def lab(tmp_path):
    _require_chromium()
    server = JupyterLab(tmp_path)
    try:
        server.wait_ready()
        shutil.copy(NOTEBOOK, server.root / NOTEBOOK.name)
        yield server
    finally:
        server.stop()


def _shape(text: str) -> tuple[int, int]:
    m = re.search(r"shape \((\d+), (\d+)\)", text)
    assert m, f"no output shape in the label {text!r}"
    return int(m.group(1)), int(m.group(2))


def test_stride_slider_changes_output_shape_in_jupyterlab(lab, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    shot = tmp_path / "e2e_04_padding_and_strides.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(lab.url(f"lab/tree/{NOTEBOOK.name}"))
            status = page.locator(".jp-StatusBar-TextItem").filter(has_text=re.compile(r"\| Idle$"))
            expect(page.locator(".jp-NotebookPanel")).to_be_visible(timeout=60_000)
            expect(status).to_have_count(1, timeout=60_000)  # kernel started and idle

            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
            page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()

            explorer = page.locator(".kernel-explorer").first
            label = explorer.locator(".kx-shape")
            expect(label).to_contain_text("shape (", timeout=RUN_ALL_TIMEOUT_MS)
            expect(status).to_have_count(1, timeout=RUN_ALL_TIMEOUT_MS)  # all cells finished
            # the sliding-window explorer above it rendered its grids and its multiply-add
            sliding = page.locator(".sliding-window-explorer").first
            expect(sliding.locator(".sw-board td.sw-window")).to_have_count(9, timeout=TIMEOUT_MS)
            expect(sliding.locator(".sw-sum")).to_contain_text("out[0, 0] =", timeout=TIMEOUT_MS)
            explorer.scroll_into_view_if_needed()
            readout = explorer.locator(".kx-stride .widget-readout")
            expect(readout).to_have_text("1", timeout=TIMEOUT_MS)
            before = label.text_content() or ""
            h, w = _shape(before)

            handle = explorer.locator(".kx-stride .noUi-handle")
            handle.focus()
            handle.press("ArrowRight")
            expect(readout).to_have_text("2", timeout=TIMEOUT_MS)
            expect(label).not_to_have_text(before, timeout=TIMEOUT_MS)
            h2, w2 = _shape(label.text_content() or "")
            # stride 2 halves the output (rounding up): (n - k) // 2 + 1 with n - k + 1 = h
            assert (h2, w2) == ((h - 1) // 2 + 1, (w - 1) // 2 + 1)
            expect(explorer.locator(".kx-message")).to_have_text("", timeout=TIMEOUT_MS)
            explorer.scroll_into_view_if_needed()
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
    out_dir = os.environ.get("E2E_SCREENSHOT_DIR")
    if out_dir:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(out_dir) / shot.name)


def test_missing_chromium_skips_locally_and_fails_in_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="is missing"):
        _require_chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        _require_chromium()
