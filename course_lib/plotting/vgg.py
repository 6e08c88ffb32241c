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

__all__ = ["plot_budget", "BudgetPicture", "plot_stacked_fields"]

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
    picture = BudgetPicture(table)
    picture.show(table)
    return picture.fig


class BudgetPicture:
    """:func:`plot_budget`'s figure for one configuration, made once; :meth:`show` puts the
    shares, layer names and totals of any table of that configuration (another width or input
    size) into it, in place.

    ``dynamic`` lists the artists :meth:`show` changes (bars, their labels, the titles) and
    ``keyed`` the axes whose static part changes too (the layer names, which name the channel
    counts: they change with the width), with ``key`` (the names) saying which, for blitting
    (``course_lib.widgets._render.Blitter``).
    """

    def __init__(self, table: LayerTable):
        if not isinstance(table, LayerTable):
            raise TypeError(f"table must be a LayerTable (from course_lib.vgg.layer_table), got "
                            f"{type(table).__name__}")
        self.config = table.config
        rows = _weight_rows(table)
        self.kinds = tuple(r.kind for r in rows)
        self._y = y = np.arange(len(rows))
        fig, axes = new_figure(2, 1, size=(8.0, 0.2 * len(rows) + 1.4))
        self.fig, self._axes = fig, (axes[0, 0], axes[0, 1])
        self._bars, self._labels = [], []
        for ax, what in zip(self._axes, ("parameters", "multiply-accumulates")):
            self._bars.append(list(ax.barh(y, np.zeros(len(rows)),
                                           color=[_COLORS[k] for k in self.kinds])))
            self._labels.append([ax.text(0, yi, "", va="center", fontsize=7) for yi in y])
            ax.set_yticks(y, [""] * len(rows), fontsize=7)
            ax.invert_yaxis()
            ax.set_xlim(0, 100)
            ax.set_xlabel(f"share of all {what} (%)")
            ax.set_title(what, fontsize=10, y=1.0)  # placed by hand: no need to measure ticks
        self._axes[0].set_ylabel("weight layer (input at the top)")
        handles = [Rectangle((0, 0), 1, 1, color=c) for c in _COLORS.values()]
        self._axes[1].legend(handles, ["convolution", "fully connected"], loc="lower right",
                             fontsize=8)
        fig.suptitle(f"VGG-{table.config}: where the parameters and the compute live",
                     fontsize=11)
        self.dynamic = [a for group in (*self._bars, *self._labels) for a in group]
        self.dynamic += [ax.title for ax in self._axes]
        self.keyed = [self._axes[0]]
        self.key: tuple[str, ...] = ()

    def fits(self, table: LayerTable) -> bool:
        """Whether ``table`` has this figure's configuration (so :meth:`show` can draw it)."""
        return (table.config == self.config
                and tuple(r.kind for r in _weight_rows(table)) == self.kinds)

    def show(self, table: LayerTable) -> None:
        """Put ``table``'s shares, layer names and totals into the figure."""
        if not self.fits(table):
            raise ValueError(f"the figure shows VGG-{self.config}; make a new BudgetPicture "
                             f"for VGG-{table.config}")
        rows = _weight_rows(table)
        names = tuple(f"{k + 1:2d} {r.label}" for k, r in enumerate(rows))
        if names != self.key:
            self._axes[0].set_yticks(self._y, names, fontsize=7)
            self.key = names
        for ax, bars, labels, attr, total, what in zip(
                self._axes, self._bars, self._labels, ("params", "macs"),
                (table.total_params, table.total_macs), ("parameters", "multiply-accumulates")):
            share = 100.0 * np.array([getattr(r, attr) for r in rows], dtype=float) / total
            for bar, label, yi, sh in zip(bars, labels, self._y, share):
                bar.set_width(sh)
                label.set_position((sh + 1, yi))
                label.set_text(f"{sh:.1f}%")
            ax.title.set_text(f"{what}: {_short(total)} in total")


def _weight_rows(table: LayerTable) -> list:
    return [r for r in table.rows if r.kind in _COLORS]


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
