"""End to end, in a real browser: a picture drawn ahead of time is the kernel's own picture.

JupyterLab opens a lesson in headless Chromium and runs all its cells. Once the explorer's
neighbouring settings have arrived, one key press on a slider must be answered from them (the
kernel reports the frame applied), and what the browser then shows must be, pixel for pixel,
what it shows after the kernel sends every widget's state again (course_lib.widgets.prefetch).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from labdriver import open_and_run  # tools/labdriver.py: conftest.py puts tools/ on the path

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.e2e

RUN_ALL_TIMEOUT_MS = 240_000

COUNTERS = r'''
import gc as _gc, json as _json
from course_lib.widgets.prefetch import Prefetcher as _P
def _mine(o):
    try:
        return type(o) is _P and type(o.explorer).__name__ == {cls!r}
    except ReferenceError:  # a weak proxy whose object is gone
        return False
_ps = [o for o in _gc.get_objects() if _mine(o)]
print(_json.dumps([dict(applied=p.applied, resyncs=p.resyncs, frames=len(p.frames),
                        pending=len(p._pending)) for p in _ps]))
'''

RESEND = r'''
for _p in _ps:
    _p._resync(list(_p.key()))  # every view widget's state, sent again from the kernel
print("[]")
'''


def _kernel(lab, notebook: str, code: str):
    client = lab.kernel_client(notebook)
    out = []
    try:
        client.execute_interactive(
            code, store_history=False, timeout=60,
            output_hook=lambda m: out.append(m["content"].get("text", ""))
            if m["msg_type"] == "stream" else None)
    finally:
        client.stop_channels()
    lines = [ln for ln in "".join(out).splitlines() if ln.startswith("[")]
    assert lines, f"the kernel printed no result: {''.join(out)!r}"
    return json.loads(lines[-1])


def _wait_for_frames(lab, notebook, cls, timeout_s=30.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = _kernel(lab, notebook, COUNTERS.format(cls=cls))
        if state and state[0]["frames"] >= 1 and state[0]["pending"] == 0:
            return state[0]
        time.sleep(0.5)
    raise AssertionError(f"{cls}: no neighbours were prefetched within {timeout_s} s")


@pytest.mark.parametrize("lesson, css, cls, label", [
    ("03_convolution", ".kernel-explorer", "KernelExplorer", "padding"),
    ("01_rnn_unrolling", ".cl-rnn-unroll-explorer", "UnrollExplorer", "spectral radius"),
])
def test_a_prefetched_picture_is_the_kernels_own(lab, browser, tmp_path, lesson, css, cls, label):
    name = f"{lesson}.ipynb"
    shutil.copy(ROOT / "notebooks" / name, lab.root / name)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        explorer = open_and_run(page, lab, name, css, RUN_ALL_TIMEOUT_MS)
        explorer.scroll_into_view_if_needed()
        before = _wait_for_frames(lab, name, cls)
        handle = explorer.locator(".widget-slider", has=page.locator(
            ".widget-label", has_text=label)).first.locator(".noUi-handle")
        handle.focus()
        handle.press("ArrowRight")
        page.wait_for_timeout(1500)  # the kernel follows; new neighbours arrive
        after = _kernel(lab, name, COUNTERS.format(cls=cls))[0]
        assert after["applied"] == before["applied"] + 1, "the move was not answered ahead"
        assert after["resyncs"] == before["resyncs"]
        shown = explorer.screenshot(path=str(tmp_path / f"{lesson}_prefetched.png"))
        _kernel(lab, name, COUNTERS.format(cls=cls) + RESEND)
        page.wait_for_timeout(1500)
        again = explorer.screenshot(path=str(tmp_path / f"{lesson}_resent.png"))
        assert shown == again, "the prefetched picture differs from the kernel's"
    finally:
        page.close()
        lab.delete_kernels()
