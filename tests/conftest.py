"""Shared test settings, and the browser tests' JupyterLab server and Chromium.

Hypothesis explores new random cases on every local run, so edge cases keep being found (and
fixed, with a regression test). In CI (``CI`` set) it replays a fixed, derandomized set, so a
submission's result does not depend on the luck of the draw.
"""

import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """One JupyterLab server (tools/labdriver.py) for a module of browser tests."""
    from labdriver import JupyterLab
    from test_e2e_browser import _require_chromium

    _require_chromium()
    server = JupyterLab(tmp_path_factory.mktemp("lab"))
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium through Playwright, for a module of browser tests."""
    from labdriver import launch_chromium
    from playwright.sync_api import sync_playwright
    from test_e2e_browser import _require_chromium

    _require_chromium()
    with sync_playwright() as p:
        b = launch_chromium(p)
        try:
            yield b
        finally:
            b.close()
