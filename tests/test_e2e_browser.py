"""End to end, in a real browser: JupyterLab runs lesson 04, a learner moves the stride slider.

Starts JupyterLab (127.0.0.1, a token, an isolated HOME and config in a temporary folder) with
subprocess.Popen (tools/labdriver.py), opens a copy of notebooks/04_padding_and_strides.ipynb in headless Debian
chromium driven by Playwright, runs all cells from the Run menu, moves the kernel explorer's
stride slider with the keyboard and checks that the output shape label changes. A screenshot is
saved under pytest's tmp path (and copied to $E2E_SCREENSHOT_DIR when set). The server and its
kernels are stopped at teardown, also when the test fails.

Installs nothing: it needs /usr/bin/chromium (``apt-get install chromium``; ``.ci/run`` does it).
Without chromium it skips, unless the environment variable CI is set, where it fails.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from labdriver import CHROMIUM, CHROMIUM_ARGS, JupyterLab, open_and_run  # noqa: E402
from labdriver import api as _api  # noqa: E402, F401 - the other e2e tests import it from here

pytestmark = pytest.mark.e2e

NOTEBOOK = ROOT / "notebooks" / "04_padding_and_strides.ipynb"
TIMEOUT_MS = 30_000          # each retrying expect()
RUN_ALL_TIMEOUT_MS = 180_000  # the whole notebook on a loaded 2-core machine
__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "JupyterLab", "_api", "_require_chromium"]


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing but CI is set: the browser test must run in CI "
                    "(install it with `apt-get install -y chromium`, as .ci/run does)")
    pytest.skip(f"{CHROMIUM} is missing (install it with `apt-get install -y chromium`); "
                "the browser test runs only where chromium is installed or CI is set")


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
                                    args=CHROMIUM_ARGS)  # CHROMIUM as this module sees it
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            explorer = open_and_run(page, lab, NOTEBOOK.name, ".kernel-explorer",
                                    RUN_ALL_TIMEOUT_MS)  # all cells finished
            label = explorer.locator(".kx-shape")
            expect(label).to_contain_text("shape (", timeout=TIMEOUT_MS)
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
