"""End to end, in a real browser: the learner points at the explorers and draws on the pad.

JupyterLab opens the real lessons in headless Chromium and runs all their cells; Playwright then
moves the mouse the way a hand does (real pointer events, not a call into Python):

* lesson 04: hovering over an output cell of the sliding-window explorer highlights its 3x3
  window on the input and writes out its multiply-add; clicking an input cell marks the output
  cells that read it;
* lesson 06: hovering over an output cell of the pooling explorer highlights its window, marks
  the max and writes "max(...) = ...";
* lesson 08: an empty pad says so; a stroke drawn with the mouse gives ten probabilities, and a
  second stroke changes them; Clear empties the pad again.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from labdriver import open_and_run  # tools/labdriver.py: conftest.py puts tools/ on the path

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.e2e

RUN_ALL_TIMEOUT_MS = 240_000
TIMEOUT_MS = 30_000


@pytest.fixture
def lesson(lab, browser, tmp_path):
    """Open a lesson in a fresh workspace and run all its cells; yields a function giving the page."""
    pages = []

    def open_lesson(name: str, explorer_css: str):
        shutil.copy(ROOT / "notebooks" / f"{name}.ipynb", lab.root / f"{name}.ipynb")
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        pages.append((name, page))
        explorer = open_and_run(page, lab, f"{name}.ipynb", explorer_css, RUN_ALL_TIMEOUT_MS)
        stderr = page.locator("[data-mime-type='application/vnd.jupyter.stderr']")
        assert stderr.count() == 0, f"{name}: a cell wrote to stderr: {stderr.first.text_content()!r}"
        return page, explorer

    yield open_lesson
    for name, page in pages:
        page.screenshot(path=str(tmp_path / f"e2e_pointing_{name}.png"))
        page.close()
    lab.delete_kernels()  # free the lesson's memory


def test_the_server_sends_widget_replies_without_delay(lab):
    # started as ./workbook lab starts it: course_lib.labserver sets TCP_NODELAY
    assert "TCP_NODELAY" in lab.log_path.read_text(errors="replace")


def _cell(board, grid: str, r: int, c: int):
    return board.locator(f"table[data-grid={grid}] td[data-row='{r}'][data-col='{c}']")


def _lit(board, grid: str, cls: str) -> list[tuple[int, int]]:
    cells = board.locator(f"table[data-grid={grid}] td.{cls}")
    return sorted((int(cells.nth(k).get_attribute("data-row")),
                   int(cells.nth(k).get_attribute("data-col"))) for k in range(cells.count()))


def test_hovering_over_the_sliding_window_explorer_shows_the_window_and_its_sum(lesson):
    from playwright.sync_api import expect

    page, explorer = lesson("04_padding_and_strides", ".sliding-window-explorer")  # 7x7, k 3, s 2
    board = explorer.locator(".sw-board")
    explorer.scroll_into_view_if_needed()
    for i, j in [(1, 1), (2, 0), (0, 2)]:
        _cell(board, "output", i, j).hover()
        expect(_cell(board, "output", i, j)).to_have_class(re.compile(r"\bsw-current\b"),
                                                          timeout=TIMEOUT_MS)
        assert _lit(board, "input", "sw-window") == [(r, c) for r in range(2 * i, 2 * i + 3)
                                                     for c in range(2 * j, 2 * j + 3)]
        caption = board.locator(".sw-sum").inner_text()
        # the sum written out: nine products, equal to the number in the output cell
        assert caption.startswith(f"out[{i}, {j}] = ") and caption.count("×") == 9
        value = _cell(board, "output", i, j).inner_text()
        assert caption.split(" = ")[-1].split()[0] == value
        assert explorer.locator(".sw-position .widget-readout").inner_text() == str(3 * i + j)

    _cell(board, "input", 2, 2).click()  # the middle of four overlapping windows
    expect(board.locator("td.sw-reader")).to_have_count(4, timeout=TIMEOUT_MS)
    assert _lit(board, "output", "sw-reader") == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert "is read by 4 output cells" in board.locator(".sw-sum").inner_text()


def test_hovering_over_the_pooling_explorer_shows_the_window_and_its_max(lesson):
    from playwright.sync_api import expect

    page, explorer = lesson("06_pooling_and_task_layer", ".cl-pooling-explorer")  # lecture's 4x4
    board = explorer.locator(".cl-pool-board")
    explorer.scroll_into_view_if_needed()
    _cell(board, "output", 1, 0).hover()
    expect(_cell(board, "output", 1, 0)).to_have_class(re.compile(r"\bpool-current\b"),
                                                      timeout=TIMEOUT_MS)
    assert _lit(board, "input", "pool-window") == [(2, 0), (2, 1), (3, 0), (3, 1)]
    assert _lit(board, "input", "pool-max") == [(2, 0)]
    assert "max(9, 8, 7, 6) = 9" in board.locator(".cl-pool-caption").inner_text()
    _cell(board, "output", 0, 1).hover()
    expect(board.locator(".cl-pool-caption")).to_contain_text("max(5, 6, 7, 8) = 8",
                                                              timeout=TIMEOUT_MS)
    assert _lit(board, "input", "pool-max") == [(1, 3)]


def test_drawing_on_the_pad_gives_probabilities_that_follow_the_pen(lesson):
    from playwright.sync_api import expect

    page, explorer = lesson("08_keras_cnn", ".digit-pad-explorer")
    picture = explorer.locator(".cl-digits-figure")
    canvas = explorer.locator("canvas")
    canvas.scroll_into_view_if_needed()
    expect(picture).to_contain_text("The pad is empty", timeout=TIMEOUT_MS)
    box = canvas.bounding_box()

    def stroke(x0, y0, x1, y1):
        page.mouse.move(box["x"] + x0 * box["width"], box["y"] + y0 * box["height"])
        page.mouse.down()
        page.mouse.move(box["x"] + x1 * box["width"], box["y"] + y1 * box["height"], steps=12)
        page.mouse.up()

    def probabilities():
        cells = picture.locator(".cl-digits-bars tr td:last-child")
        return [cells.nth(k).inner_text() for k in range(cells.count())]

    stroke(0.5, 0.15, 0.5, 0.85)                                 # a vertical bar
    expect(picture).to_contain_text("the network says", timeout=TIMEOUT_MS)
    expect(picture.locator(".cl-digits-bars tr")).to_have_count(10, timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)  # let the last points of the stroke arrive
    first = probabilities()
    assert abs(sum(map(float, first)) - 1.0) < 0.02
    before = picture.inner_text()
    stroke(0.25, 0.18, 0.75, 0.18)                               # a bar across the top: a 7?
    page.wait_for_function("([el, before]) => el.innerText !== before",
                           arg=[picture.element_handle(), before], timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)
    assert probabilities() != first
    explorer.locator(".cl-pad-clear").click()
    expect(picture).to_contain_text("The pad is empty", timeout=TIMEOUT_MS)
