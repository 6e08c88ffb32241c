"""Drive JupyterLab in headless Chromium: one place for the browser tests and benchmarks.

:class:`JupyterLab` starts a server (127.0.0.1, a token, an isolated HOME, config and runtime
folder under a temporary directory) with subprocess.Popen and stops it, and its kernels, at
the end. :func:`launch_chromium` opens Debian's /usr/bin/chromium through Playwright (which
cannot download browsers here). :func:`open_and_run` opens a notebook in a fresh workspace and
runs all its cells from the Run menu; :meth:`JupyterLab.kernel_client` connects to a running
kernel from Python (the benchmarks time the explorers' Python side in the learner's kernel).

Used by tests/test_e2e_*.py and benchmarks/bench_explorers_browser.py; the facts behind the
choices (status bar instead of the toolbar's idle flag, the settings that stop pop-ups) are in
the notes on browser testing.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from course_lib.labserver import EXTENSION

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
SERVER_START_S = 90
IDLE = re.compile(r"\| Idle$")

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "JupyterLab", "api", "free_port", "launch_chromium",
           "open_and_run", "idle_status"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_settings(settings_dir: Path) -> None:
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


def api(port: int, token: str, path: str, method: str = "GET", timeout: float = 5.0):
    """One call of the Jupyter server's REST API; the decoded JSON answer (or None)."""
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        body = r.read()
    return json.loads(body) if body else None


class JupyterLab:
    """A JupyterLab server in its own process group, serving ``tmp / "work"``."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.port = free_port()
        self.token = os.urandom(16).hex()
        self.root = tmp / "work"
        self.root.mkdir()
        self.runtime = tmp / "runtime"
        self.log_path = tmp / "jupyterlab.log"
        home, config = tmp / "home", tmp / "config"
        settings = config / "lab" / "user-settings"
        write_settings(settings)
        env = dict(os.environ, HOME=str(home), JUPYTER_CONFIG_DIR=str(config),
                   JUPYTER_DATA_DIR=str(tmp / "data"), JUPYTER_RUNTIME_DIR=str(self.runtime),
                   JUPYTERLAB_SETTINGS_DIR=str(settings),
                   JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
                   KERAS_BACKEND="torch", PYTHONHASHSEED="0")
        env.pop("MPLBACKEND", None)  # keep matplotlib's inline backend in the kernel
        home.mkdir()
        cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
               f"--port={self.port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
               # as ./workbook lab starts it: kernel websockets with TCP_NODELAY
               f"--ServerApp.jpserver_extensions={EXTENSION}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def api(self, path: str, method: str = "GET", timeout: float = 5.0):
        return api(self.port, self.token, path, method, timeout)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.proc.returncode}:\n{self.log()}")
            try:
                self.api("/api/status", timeout=2.0)
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                try:  # not answering yet: wait half a second, or less if the server dies
                    self.proc.wait(timeout=0.5)
                except subprocess.TimeoutExpired:
                    pass
        raise RuntimeError(f"JupyterLab did not answer within {SERVER_START_S} s:\n{self.log()}")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}?token={self.token}"

    def delete_kernels(self) -> None:
        """Shut every kernel down (frees a lesson's memory before the next one)."""
        for k in self.api("/api/kernels") or []:
            self.api(f"/api/kernels/{k['id']}", method="DELETE")

    def kernel_client(self, notebook: str):
        """A started ``jupyter_client.BlockingKernelClient`` on the kernel of ``notebook``'s
        session (stop it with ``stop_channels()``)."""
        from jupyter_client import BlockingKernelClient

        sessions = [s for s in self.api("/api/sessions") or []
                    if s.get("path", "").endswith(notebook)]
        if not sessions:
            raise RuntimeError(f"no kernel session for {notebook}")
        client = BlockingKernelClient(
            connection_file=str(self.runtime / f"kernel-{sessions[0]['kernel']['id']}.json"))
        client.load_connection_file()
        client.start_channels()
        client.wait_for_ready(timeout=30)
        return client

    def stop(self) -> None:
        """Shut the kernels and the server down; then end the process group if anything is left."""
        if self.proc.poll() is None:
            try:
                self.delete_kernels()
                self.api("/api/shutdown", method="POST")
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


def launch_chromium(playwright):
    """Headless Debian Chromium through Playwright."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=CHROMIUM_ARGS)


def idle_status(page):
    """The status bar item that ends in '| Idle' (the reliable sign that the kernel is idle)."""
    return page.locator(".jp-StatusBar-TextItem").filter(has_text=IDLE)


def open_and_run(page, lab: JupyterLab, name: str, wait_css: str,
                 run_all_timeout_ms: int = 240_000, workspace: str | None = None):
    """Open ``name`` (already in ``lab.root``) in a fresh workspace, run all cells from the Run
    menu and wait until ``wait_css`` is attached and every cell has run; returns the locator of
    ``wait_css`` (its first match)."""
    from playwright.sync_api import expect

    ws = workspace or Path(name).stem
    page.goto(lab.url(f"lab/workspaces/{ws}/tree/{name}"))
    status = idle_status(page)
    expect(page.locator(".jp-NotebookPanel")).to_be_visible(timeout=60_000)
    expect(status).to_have_count(1, timeout=60_000)  # kernel started and idle
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    target = page.locator(wait_css).first
    expect(target).to_be_attached(timeout=run_all_timeout_ms)
    expect(status).to_have_count(1, timeout=run_all_timeout_ms)  # every cell has run
    return target
