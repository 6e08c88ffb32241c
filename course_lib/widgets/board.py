"""A board of number grids the learner can point at (the view of lessons 04 and 06's explorers).

:class:`Board` is an anywidget: a small ES module (``board.js``) draws the grids it is given,
puts highlight classes on the cells it is told, shows a caption, and reports the cell under the
pointer (``pointer = {"grid", "row", "col", "kind": "hover" | "click", "seq"}``). Everything
else, which window an output cell reads, the multiply-add or the max behind it, which outputs
read an input cell, is computed in Python by the explorer that owns the board, so a test drives
it without a browser by calling :meth:`Board.point` exactly as the browser would.

Why anywidget: one small ES module served with the Python package (no separate JupyterLab
extension to build or install, the same code in JupyterLab, Notebook 7, VS Code and Colab) and
ordinary synced traits, so a pointer event reaches Python as a trait change like any slider's.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import numpy as np
import traitlets as T

from course_lib.widgets._base import Explorer
from course_lib.widgets._render import to_rgb

__all__ = ["Board", "PointingExplorer", "grid_spec", "highlight", "window_cells", "windows_reading"]


def _hex(rgb: np.ndarray) -> list[str]:
    return [f"#{r:02x}{g:02x}{b:02x}" for r, g, b in rgb.reshape(-1, 3).tolist()]


def _ink(rgb: np.ndarray) -> list[str]:
    """Dark text on light cells, white on dark ones, so every number stays readable."""
    r, g, b = rgb.reshape(-1, 3).astype(np.float32).T
    luma = 0.299 * r + 0.587 * g + 0.114 * b
    return ["#fff" if v < 120 else "#111" for v in luma.tolist()]


def grid_spec(name: str, title: str, values: np.ndarray, *, cmap: str, vmin: float, vmax: float,
              cell: int = 30, text: list[str] | None = None, classes: np.ndarray | None = None,
              legend: str = "") -> dict:
    """One grid for :attr:`Board.grids`.

    Args:
        name: how the board and the explorer call it ("input", "kernel", "output").
        title: HTML shown above it (escape anything a learner typed).
        values: ``(H, W)`` numbers; they give the cells' colours through ``cmap`` from ``vmin``
            to ``vmax``.
        cell: side of a cell in pixels; below 16 the numbers are not written (only colours).
        text: ``H * W`` strings written in the cells (row by row); default: none.
        classes: ``(H, W)`` array of CSS class strings (``cl-pad``, ``cl-skipped``, ...).
        legend: HTML shown below it (a colour bar, say).
    """
    values = np.asarray(values, dtype=np.float64)
    h, w = values.shape
    rgb = to_rgb(values, cmap, vmin, vmax) if values.size else np.zeros((h, w, 3), np.uint8)
    fine = cell < 16
    return {
        "name": name, "title": title, "rows": h, "cols": w, "cell": int(cell),
        "fill": _hex(rgb), "ink": _ink(rgb),
        "text": [""] * (h * w) if (text is None or fine) else [str(t) for t in text],
        "classes": [""] * (h * w) if classes is None else [str(c) for c in np.ravel(classes)],
        "table_class": "cl-board-fine" if fine else "", "legend": legend,
    }


def highlight(grid: str, cells, cls: str) -> dict:
    """Put CSS classes ``cls`` on ``cells`` (an iterable of (row, column)) of grid ``grid``."""
    return {"grid": grid, "cells": [[int(r), int(c)] for r, c in cells], "cls": cls}


def window_cells(r0: int, r1: int, c0: int, c1: int) -> list[tuple[int, int]]:
    """The cells of rows r0..r1-1 and columns c0..c1-1."""
    return [(r, c) for r in range(r0, r1) for c in range(c0, c1)]


def windows_reading(cell: tuple[int, int], kernel_shape: tuple[int, int], stride: int,
                    out_shape: tuple[int, int]) -> list[tuple[int, int]]:
    """The output cells whose window covers input ``cell`` (padded-input coordinates): output
    (i, j) reads rows i*stride .. i*stride + kh - 1 and columns j*stride .. j*stride + kw - 1."""
    (r, c), (kh, kw) = cell, kernel_shape
    rows = [i for i in range(out_shape[0]) if i * stride <= r < i * stride + kh]
    cols = [j for j in range(out_shape[1]) if j * stride <= c < j * stride + kw]
    return [(i, j) for i in rows for j in cols]


class Board(anywidget.AnyWidget):
    """Grids the learner points at; see the module docstring.

    Traits (synced with the browser): ``grids`` (list of :func:`grid_spec`), ``highlights``
    (list of :func:`highlight`), ``caption`` (HTML under the grids), ``caption_class``,
    ``pointer`` (set by the browser), ``answered`` (the ``seq`` of the pointer event the current
    highlights answer; the benchmark waits for it).
    """

    _esm = Path(__file__).with_name("board.js")
    grids = T.List(T.Dict()).tag(sync=True)
    highlights = T.List(T.Dict()).tag(sync=True)
    caption = T.Unicode("").tag(sync=True)
    caption_class = T.Unicode("").tag(sync=True)
    pointer = T.Dict().tag(sync=True)
    answered = T.Int(0).tag(sync=True)

    def point(self, grid: str, row: int, col: int, kind: str = "hover") -> None:
        """What the browser does when the pointer moves over (or clicks) a cell."""
        seq = int(self.pointer.get("seq", 0)) + 1 if self.pointer else 1
        self.pointer = {"grid": grid, "row": int(row), "col": int(col), "kind": kind, "seq": seq}

    def show(self, highlights: list[dict], caption: str, seq: int | None = None) -> None:
        """Set the highlights and the caption in one message (and say which event they answer)."""
        with self.hold_sync():
            self.highlights = highlights
            self.caption = caption
            if seq is not None:
                self.answered = int(seq)


class PointingExplorer(Explorer):
    """An explorer whose board answers the pointer: hovering over output cell (i, j) moves the
    explorer's ``selector`` slider to cell number ``i * W_out + j`` (so slider and pointer are one
    control), clicking an input cell shows the output cells that read it.

    A subclass sets ``board``, ``selector`` (the slider of the output cell) and, after each good
    update, ``_in_shape`` and ``_out_shape`` (the padded input's and the output's shapes); it
    implements ``_select()`` (highlight the selector's cell) and ``_show_readers(r, c)``, both
    ending with ``board.show(..., self._take_answer())``.
    """

    board: Board
    selector: T.HasTraits
    _in_shape = _out_shape = None
    _answer = None

    def point_at(self, grid: str, row: int, col: int, kind: str = "hover") -> None:
        """Do what the pointer does in the browser: hover over (or click) cell (row, col) of
        ``grid`` ("input" is the padded input, "output" the output)."""
        self.board.point(grid, row, col, kind)

    def _take_answer(self):
        seq, self._answer = self._answer, None
        return seq

    def _on_pointer(self, change) -> None:
        p = change["new"]
        if self._out_shape is None or not p:
            return
        if self.prefetcher is not None:  # while the pointer moves, it comes first
            from course_lib.widgets.prefetch import POINTER_HOLD_S

            self.prefetcher.hold_off(POINTER_HOLD_S)
        try:
            grid, r, c = p.get("grid"), int(p.get("row", -1)), int(p.get("col", -1))
        except (TypeError, ValueError, AttributeError):  # not what the board sends: ignore it
            return
        self._answer = p.get("seq")
        (ho, wo), (hp, wp) = self._out_shape, self._in_shape
        if grid == "output" and 0 <= r < ho and 0 <= c < wo:
            if self.selector.value == r * wo + c:
                self._select()
            else:
                self.selector.value = r * wo + c  # its observer calls _select()
        elif grid == "input" and p.get("kind") == "click" and 0 <= r < hp and 0 <= c < wp:
            self._show_readers(r, c)
        else:  # hovering over the input or the kernel changes nothing: answer at once
            self.board.show(self.board.highlights, self.board.caption, self._take_answer())

    def _select(self) -> None:
        raise NotImplementedError

    def _show_readers(self, r: int, c: int) -> None:
        raise NotImplementedError
