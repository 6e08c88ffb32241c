"""The browser benchmark's own logic, without a browser and without timing anything: its table
of explorers, the CSS parsing, the verdict, and the Python it runs in the learner's kernel."""

import contextlib
import io
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_explorers_browser as bench  # noqa: E402


def test_every_row_names_a_lesson_an_explorer_class_and_a_known_move():
    assert len({(r.lesson, r.explorer) for r in bench.EXPLORERS}) == len(bench.EXPLORERS)
    for row in bench.EXPLORERS:
        assert (ROOT / "notebooks" / f"{row.lesson}.ipynb").exists(), row
        assert row.roots(), f"{row.explorer}: no CSS class the kernel could look for"
        assert row.move.kind in ("slider", "text", "pointer") and row.move.label


def test_css_classes():
    assert bench._css_classes(".widget-vbox:has(.start-here-slider)") == ["widget-vbox",
                                                                        "start-here-slider"]
    assert bench._css_classes(".a .b_c, div.d-1") == ["a", "b_c", "d-1"]
    assert bench.Row("x", "x", ".widget-vbox:has(.s)", bench.Slider("n")).roots() == ["s"]


def _result(median, error=""):
    row = bench.Row("07_vgg_tables", "VGG explorer", ".vgg-explorer", bench.Slider("input_size"))
    return bench.Result(row, [] if median is None else [median - 1, median, median + 1],
                        [5.0, 7.0], error)


def test_verdict_and_table():
    assert bench.verdict([_result(40.0), _result(50.0)], 50.0) == (0, [])
    status, problems = bench.verdict([_result(40.0), _result(51.0)], 50.0)
    assert status == 1 and problems == ["VGG explorer (07): median 51 ms > 50 ms"]
    status, problems = bench.verdict([_result(None, "lesson did not run")], 50.0)
    assert status == 1 and "not measured (lesson did not run)" in problems[0]
    text = bench.table([_result(40.0)])
    assert "| VGG explorer | 07 | slider 'input_size' | 3 | 40 | 41 | 6 |" in text


def _run_in_kernel(code: str) -> list:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {})
    return json.loads(out.getvalue().splitlines()[-1])


def test_kernel_code_finds_the_control_moves_it_and_puts_it_back():
    from course_lib.widgets.vgg import VGGExplorer

    ex = VGGExplorer(input_size=416)
    ex.widget.add_class("bench-test-target")  # other tests' explorers may still be alive
    row = bench.Row("07_vgg_tables", "VGG", ".bench-test-target", bench.Slider("input_size"))
    times = _run_in_kernel(row.move.kernel_code(row.roots(), 4))
    assert len(times) == 5  # 416 -> 448 (the end: no further move), then four steps back
    assert all(t > 0 for t in times) and ex.input_size.value == 416 and ex.updates >= 6
    log = bench.Row("x", "x", ".bench-test-target", bench.Slider("width"))
    assert len(_run_in_kernel(log.move.kernel_code(log.roots(), 2))) == 3  # 1 -> 2, 1, 0.5
    assert ex.width.value == 1.0
    with pytest.raises(LookupError, match="no control 'nothing'"):
        _run_in_kernel(bench.Slider("nothing").kernel_code(["bench-test-target"], 1))


def test_pointer_kernel_code_points_at_output_cells_of_the_board():
    from course_lib.widgets.layers import PoolingExplorer

    ex = PoolingExplorer(source="grid 8x8")
    ex.widget.add_class("bench-test-pointing")
    row = bench.Row("06_pooling_and_task_layer", "P", ".bench-test-pointing", bench.Pointer(cells=6))
    before = ex.board.answered
    times = _run_in_kernel(row.move.kernel_code(row.roots(), 0))
    assert len(times) == 6 and all(t > 0 for t in times)
    assert ex.board.answered == before + 6                  # every move answered
    assert ex.selected == divmod((5 * 5 + 1) % 16, 4)       # the last cell it pointed at
