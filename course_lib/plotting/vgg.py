"""Figures for the VGG lesson: where the parameters and the compute live, and how stacked
3x3 convolutions grow the receptive field.

Pure functions returning a ``matplotlib.figure.Figure``; the counting is done by
``course_lib.vgg`` (``layer_table``, ``receptive_field``), these only draw it.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from course_lib.plotting import new_figure
from course_lib.vgg import LayerTable, receptive_field

__all__ = ["plot_budget", "plot_stacked_fields"]

_COLORS = {"conv": "#3b6ea5", "fc": "#d17a22"}


def plot_budget(table: LayerTable) -> Figure:
    """Two bar charts over the weight layers of a :class:`~course_lib.vgg.LayerTable`: the share
    of the parameters (left) and the share of the multiply-accumulates (right) in each layer.

    Convolutions are blue, fully connected layers orange; each bar is labelled with its share.

    Args:
        table: the result of ``course_lib.vgg.layer_table(...)``.

    Returns:
        The figure.

    Example:
        >>> from course_lib.vgg import layer_table
        >>> fig = plot_budget(layer_table("D"))
    """
    if not isinstance(table, LayerTable):
        raise TypeError(f"table must be a LayerTable (from course_lib.vgg.layer_table), got "
                        f"{type(table).__name__}")
    rows = [r for r in table.rows if r.kind in _COLORS]
    names = [f"{k + 1:2d} {r.label}" for k, r in enumerate(rows)]
    colors = [_COLORS[r.kind] for r in rows]
    y = np.arange(len(rows))
    fig, axes = new_figure(2, 1, size=(8.0, 0.2 * len(rows) + 1.4))
    for ax, attr, total, what in ((axes[0, 0], "params", table.total_params, "parameters"),
                                  (axes[0, 1], "macs", table.total_macs, "multiply-accumulates")):
        share = 100.0 * np.array([getattr(r, attr) for r in rows], dtype=float) / total
        ax.barh(y, share, color=colors)
        for yi, s in zip(y, share):
            ax.text(s + 1, yi, f"{s:.1f}%", va="center", fontsize=7)
        ax.set_yticks(y, names if ax is axes[0, 0] else [""] * len(rows), fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel(f"share of all {what} (%)")
        ax.set_title(f"{what}: {_short(total)} in total", fontsize=10)
    axes[0, 0].set_ylabel("weight layer (input at the top)")
    handles = [Rectangle((0, 0), 1, 1, color=c) for c in _COLORS.values()]
    axes[0, 1].legend(handles, ["convolution", "fully connected"], loc="lower right", fontsize=8)
    fig.suptitle(f"VGG-{table.config}: where the parameters and the compute live", fontsize=11)
    return fig


def _short(n: int) -> str:
    return f"{n / 1e9:.2f} G" if n >= 1e9 else f"{n / 1e6:.1f} M"


def plot_stacked_fields(n_layers: int = 3, kernel_size: int = 3) -> Figure:
    """The input pixels one output unit sees after 1, 2, ... ``n_layers`` stacked convolutions
    (stride 1), drawn as nested squares on the input grid, next to one big kernel of the same
    field.

    Args:
        n_layers: number of stacked convolutions (1 to 6).
        kernel_size: their kernel size (odd, 1 to 7).

    Returns:
        The figure.

    Example:
        >>> fig = plot_stacked_fields(3, 3)   # 3x3 -> 5x5 -> 7x7
    """
    if isinstance(n_layers, bool) or not isinstance(n_layers, int) or not 1 <= n_layers <= 6:
        raise ValueError(f"n_layers must be an int from 1 to 6, got {n_layers!r}")
    if (isinstance(kernel_size, bool) or not isinstance(kernel_size, int)
            or not 1 <= kernel_size <= 7 or kernel_size % 2 == 0):
        raise ValueError(f"kernel_size must be an odd int from 1 to 7, got {kernel_size!r}")
    fields = [r for r, _ in receptive_field([(kernel_size, 1)] * n_layers)]
    n = fields[-1] + 2
    c = n // 2
    fig, axes = new_figure(2, 1, size=(6.4, 3.8))
    shades = np.linspace(0.85, 0.35, len(fields))
    for ax in axes[0]:
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_aspect("equal")
        ax.set_xticks(np.arange(n))
        ax.set_yticks(np.arange(n))
        ax.tick_params(labelsize=6)
        ax.set_xlabel("input column")
        ax.set_ylabel("input row")
        ax.grid(True, color="#ccc", linewidth=0.5)
    left, right = axes[0]
    for r, shade in reversed(list(zip(fields, shades))):
        lo = c - r // 2 - 0.5
        left.add_patch(Rectangle((lo, lo), r, r, facecolor=(shade, shade, 1.0), edgecolor="k",
                                 linewidth=0.8))
    for r, shade in zip(fields, shades):
        # the field after each layer, written in its top-left cell (white on the darker squares)
        left.text(c - r // 2 - 0.4, c - r // 2 - 0.45, f"{r}x{r}", fontsize=6, va="top",
                  color="white" if shade < 0.6 else "black")
    left.plot(c, c, "k*", markersize=8)
    fig.suptitle("★ one output unit; shaded: the input pixels it depends on", fontsize=9)
    left.set_title(f"{n_layers} stacked {kernel_size}x{kernel_size}: field {fields[-1]}x{fields[-1]}\n"
                   f"{n_layers * kernel_size ** 2} C² weights (C channels in and out)", fontsize=9)
    big = fields[-1]
    lo = c - big // 2 - 0.5
    right.add_patch(Rectangle((lo, lo), big, big, facecolor=(1.0, 0.8, 0.6), edgecolor="k",
                              linewidth=0.8))
    right.plot(c, c, "k*", markersize=8)
    right.set_title(f"one {big}x{big} convolution: same field\n{big ** 2} C² weights",
                    fontsize=9)
    return fig
