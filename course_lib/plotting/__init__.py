"""Matplotlib figures for the lessons: pure functions that return a ``Figure``.

Figures are made with ``matplotlib.figure.Figure`` (not pyplot), so nothing leaks between cells;
show one in a notebook by making it the last expression of a cell or with ``display(fig)``.
Topic modules: ``plotting.cnn``, ``plotting.rnn``, ``plotting.vgg``, ``plotting.vqa``.
"""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure


def _enable_inline_display() -> None:
    """In a Jupyter kernel with the inline backend, register the PNG display of Figures.

    matplotlib's inline backend registers it only when pyplot makes its first figure; figures
    made here come from ``Figure()`` directly (no global pyplot state, nothing leaks between
    cells), so without this a returned Figure would show only as "<Figure ...>" text.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "kernel"):
        return
    if "inline" in matplotlib.get_backend():
        shell.run_line_magic("matplotlib", "inline")


_enable_inline_display()

__all__ = ["new_figure", "show_image", "show_signed", "annotate_values", "signed_limit"]


def new_figure(ncols: int = 1, nrows: int = 1, size: tuple[float, float] | None = None,
               **subplot_kw) -> tuple[Figure, np.ndarray]:
    """A figure with a grid of axes (always returned as a 2-D array of Axes), small by default."""
    if size is None:
        size = (3.2 * ncols, 3.0 * nrows)
    fig = Figure(figsize=size, dpi=80, layout="constrained")
    axes = np.atleast_2d(fig.subplots(nrows, ncols, squeeze=False, **subplot_kw))
    return fig, axes


def signed_limit(a: np.ndarray) -> float:
    """Symmetric colour limit for signed data: max |a| (1.0 when a is all zero)."""
    m = float(np.max(np.abs(a))) if np.size(a) else 0.0
    return m if m > 0 else 1.0


def show_image(ax: Axes, img: np.ndarray, title: str = "", cmap: str = "gray",
               colorbar: bool = False, vmin: float | None = None, vmax: float | None = None):
    """Show an image (gray or a perceptually uniform colormap) with its pixel axes labelled."""
    im = ax.imshow(img, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("column j")
    ax.set_ylabel("row i")
    if colorbar:
        ax.figure.colorbar(im, ax=ax, shrink=0.8)
    return im


def show_signed(ax: Axes, a: np.ndarray, title: str = "", colorbar: bool = True,
                cmap: str = "RdBu_r"):
    """Show signed data (kernels, pre-activation maps) in a diverging map centred on zero."""
    lim = signed_limit(a)
    return show_image(ax, a, title, cmap=cmap, colorbar=colorbar, vmin=-lim, vmax=lim)


def annotate_values(ax: Axes, a: np.ndarray, fmt: str = "{:g}", fontsize: int = 9):
    """Write each entry of a small 2-D array on its cell (dark text on light cells and back)."""
    a = np.asarray(a)
    lim = signed_limit(a)
    for (i, j), v in np.ndenumerate(a):
        color = "white" if abs(v) > 0.6 * lim else "black"
        ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=fontsize, color=color)
