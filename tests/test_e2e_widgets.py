"""End to end, in a real browser: every lesson's explorer reacts to a learner's hand.

For each lesson with a widget, JupyterLab (one server for the module, same set-up as
test_e2e_browser.py) opens a copy of the notebook in headless Chromium, runs all cells from the
Run menu, then moves one control of the lesson's explorer with the keyboard (or types into it)
and waits until the explorer's output (its text and pictures, not the control's own readout)
changes. A screenshot of each lesson is saved under pytest's tmp path (and copied to
$E2E_SCREENSHOT_DIR when set).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from labdriver import open_and_run  # tools/labdriver.py: conftest.py puts tools/ on the path

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.e2e

RUN_ALL_TIMEOUT_MS = 240_000
TIMEOUT_MS = 30_000

# lesson -> (the explorer's CSS class, the control to use, how to use it)
#   ("slider", label): focus that slider's handle and press ArrowRight
#   ("text", label, value): type value into that text box and press Enter
EXPLORERS = {
    "00_start_here": (".widget-vbox:has(.start-here-slider)", ("slider", "n")),
    "01_rnn_unrolling": (".cl-rnn-unroll-explorer", ("slider", "spectral radius")),
    "02_lstm_equations": (".cl-lstm-gate-explorer", ("slider", "start s_0")),
    "03_convolution": (".kernel-explorer", ("slider", "padding")),
    "05_detector_layer": (".cl-activation-explorer", ("slider", "bias b")),
    "06_pooling_and_task_layer": (".cl-pooling-explorer", ("slider", "stride")),
    "07_vgg_tables": (".vgg-explorer", ("slider", "input_size")),
    "08_keras_cnn": (".digit-explorer", ("slider", "test digit")),
    "09_visual_question_answering": (".vqa-explorer", ("text", "scene seed", "3")),
}

# What the learner sees of an explorer: its text and its pictures, without the controls'
# own readouts (which change with the control whether or not the explorer reacts).
FINGERPRINT = """(el) => {
    const c = el.cloneNode(true);
    c.querySelectorAll('.widget-slider, .widget-readout, input, select').forEach(n => n.remove());
    const imgs = Array.from(c.querySelectorAll('img')).map(i => i.src.length + ':' + i.src.slice(-80));
    return c.innerText + '|' + imgs.join(',');
}"""


@pytest.mark.parametrize("lesson", list(EXPLORERS))
def test_explorer_reacts_in_jupyterlab(lab, browser, lesson, tmp_path):
    container_css, action = EXPLORERS[lesson]
    name = f"{lesson}.ipynb"
    shutil.copy(ROOT / "notebooks" / name, lab.root / name)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        explorer = open_and_run(page, lab, name, container_css, RUN_ALL_TIMEOUT_MS)
        # nbval shows these lessons write nothing to stderr; in the browser it must stay so
        stderr = page.locator("[data-mime-type='application/vnd.jupyter.stderr']")
        assert stderr.count() == 0, f"{name}: a cell wrote to stderr: {stderr.first.text_content()!r}"
        explorer.scroll_into_view_if_needed()
        element = explorer.element_handle()
        before = page.evaluate(FINGERPRINT, element)

        kind, label = action[0], action[1]
        if kind == "slider":
            control = explorer.locator(".widget-slider", has=page.locator(".widget-label", has_text=label)).first
            handle = control.locator(".noUi-handle")
            handle.focus()
            handle.press("ArrowRight")
        else:
            control = explorer.locator(".widget-text", has=page.locator(
                ".widget-label", has_text=label)).first
            box = control.locator("input")
            box.fill(action[2])
            box.press("Enter")
            box.press("Tab")  # leaving the box commits it, as a learner's click elsewhere does

        try:
            page.wait_for_function(f"([el, before]) => ({FINGERPRINT})(el) !== before",
                                   arg=[element, before], timeout=TIMEOUT_MS)
        except Exception:
            page.screenshot(path=str(tmp_path / f"e2e_{lesson}_FAILED.png"))
            print(f"before: {before[:300]!r}")
            print(f"after:  {page.evaluate(FINGERPRINT, element)[:300]!r}")
            print(explorer.inner_html()[:1500])
            raise
        assert stderr.count() == 0, f"{name}: moving the control wrote to stderr"
        shot = tmp_path / f"e2e_{lesson}.png"
        page.screenshot(path=str(shot))
        out_dir = os.environ.get("E2E_SCREENSHOT_DIR")
        if out_dir:
            Path(out_dir).mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, Path(out_dir) / shot.name)
    finally:
        page.close()
        lab.delete_kernels()  # free the lesson's memory
