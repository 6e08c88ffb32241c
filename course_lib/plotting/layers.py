"""Figures for the detector layer and the pooling and task layers (lessons 05 and 06).

Pure functions returning a ``matplotlib.figure.Figure``; they draw the arrays they are given and
compute no activations, pooling or layers themselves (the numeric modules do that).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from course_lib.plotting import annotate_values, new_figure, show_image, show_signed

__all__ = ["plot_curves", "plot_detector_maps", "plot_pooling", "plot_unchanged",
           "plot_class_scores"]

_COLORS = ("#c0392b", "#2e86c1", "#27ae60", "#8e44ad", "#d68910")


def plot_curves(x: np.ndarray, curves: Mapping[str, np.ndarray], title: str = "",
                xlabel: str = "x", ylabel: str = "f(x)", dashed: Sequence[str] = ()) -> Figure:
    """Several curves over the same x (activation functions, a function and its best line).

    Args:
        x: (n,) the common x values.
        curves: label -> (n,) y values, drawn in this order (the labels go in the legend).
        title, xlabel, ylabel: the texts of the axes.
        dashed: labels of curves to draw dashed, so that one lying on top of another (leaky
            ReLU over ReLU for x > 0) does not hide it.

    Example:
        >>> z = np.linspace(-2, 2, 5)
        >>> fig = plot_curves(z, {"ReLU": np.maximum(z, 0), "identity": z}, dashed=["identity"])
    """
    unknown = set(dashed) - set(curves)
    if unknown:
        raise KeyError(f"dashed names curves that are not given: {sorted(unknown)}; "
                       f"curves are {list(curves)}")
    fig, axes = new_figure(size=(4.2, 3.0))
    ax = axes[0, 0]
    ax.axhline(0, color="#999", lw=0.8)
    ax.axvline(0, color="#999", lw=0.8)
    for k, (name, y) in enumerate(curves.items()):
        ls = "--" if name in dashed or k >= len(_COLORS) else "-"
        ax.plot(x, y, lw=2, color=_COLORS[k % len(_COLORS)], label=name, ls=ls)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    return fig


def plot_detector_maps(pre: Mapping[str, np.ndarray], post: Mapping[str, np.ndarray],
                       credit: str = "", saturate: float | None = 0.99) -> Figure:
    """Feature maps before the activation (top row: diverging map centred on zero, colour bar)
    and after it (bottom row), one column per kernel.

    Args:
        pre: kernel name -> (H, W) map before the activation.
        post: the same names, in the same order -> (H, W) map after it.
        credit: a line of small print under the figure (e.g. the photograph's licence).
        saturate: edges are rare and strong, so with the full range as colour limits most of a
            map is a pale wash; 0.99 puts each column's colour limit at the 99th percentile of
            ``|pre|`` (stronger values take the deepest colour); ``None`` uses the full range.

    Example:
        >>> z = np.array([[-1.0, 0.5], [2.0, -0.2]])
        >>> fig = plot_detector_maps({"k": z}, {"k": np.maximum(z, 0)})
    """
    names = list(pre)
    if list(post) != names:
        raise ValueError(f"pre and post must have the same keys in the same order; got "
                         f"{names} and {list(post)}")
    if saturate is not None and not 0.5 <= saturate <= 1.0:
        raise ValueError(f"saturate must be None or a quantile in [0.5, 1], got {saturate!r}")
    fig, axes = new_figure(ncols=len(names), nrows=2, size=(3.0 * len(names), 5.6))
    for col, name in enumerate(names):
        z, a = np.asarray(pre[name]), np.asarray(post[name])
        if saturate is None:
            show_signed(axes[0, col], z, f"{name}: before ReLU")
            lim = float(np.max(np.abs(a))) if a.size else 1.0
        else:
            lim = float(np.quantile(np.abs(z), saturate))
            show_image(axes[0, col], z, f"{name}: before ReLU", cmap="RdBu_r", colorbar=True,
                       vmin=-lim, vmax=lim)
        if a.min() >= 0:
            show_image(axes[1, col], a, f"{name}: after ReLU", cmap="magma", colorbar=True,
                       vmin=0.0, vmax=lim if lim > 0 else None)
        else:
            show_signed(axes[1, col], a, f"{name}: after")
    if credit:
        fig.text(0.01, 0.0, credit, fontsize=7, color="#555", va="bottom")
    return fig


def plot_pooling(x: np.ndarray, out: np.ndarray, kernel_size: int, stride: int | None = None,
                 title: str = "pooling", fmt: str = "{:g}", mark_max: bool = False) -> Figure:
    """A small input with its pooling windows outlined (window (i, j) in the colour of output
    cell (i, j)) beside the output; every value written on its cell.

    Args:
        x: (H, W) the input; out: the pooled (H_out, W_out) output (no padding).
        kernel_size, stride: of the pooling (stride defaults to kernel_size).
        title: the start of the figure's title; fmt: how each value is written.
        mark_max: for max pooling, circle the value each window keeps, in its colour.

    Example:
        >>> grid = np.array([[1, 2, 5, 6], [3, 4, 7, 8], [9, 8, 5, 4], [7, 6, 3, 2]])
        >>> fig = plot_pooling(grid, np.array([[4, 8], [9, 5]]), kernel_size=2, mark_max=True)
    """
    x, out = np.asarray(x, dtype=float), np.asarray(out, dtype=float)
    stride = kernel_size if stride is None else stride
    lo, hi = min(x.min(), out.min()), max(x.max(), out.max())
    fig, axes = new_figure(ncols=2, size=(5.6, 2.9))
    palette = ["#e67e22", "#2980b9", "#27ae60", "#8e44ad", "#c0392b", "#16a085"]
    for ax, a, name in ((axes[0, 0], x, f"input {x.shape}"),
                        (axes[0, 1], out, f"output {out.shape}")):
        show_image(ax, a, name, cmap="Greys", vmin=lo, vmax=hi + 0.6 * (hi - lo + 1e-9))
        annotate_values(ax, a, fmt=fmt)
        ax.set_xticks(range(a.shape[1]))
        ax.set_yticks(range(a.shape[0]))
    for (i, j), _ in np.ndenumerate(out):
        color = palette[(i * out.shape[1] + j) % len(palette)]
        inset = 0.06 * ((i + j) % 2)  # overlapping windows stay distinguishable
        axes[0, 0].add_patch(Rectangle((j * stride - 0.5 + inset, i * stride - 0.5 + inset),
                                       kernel_size - 2 * inset, kernel_size - 2 * inset,
                                       fill=False, ec=color, lw=2.5))
        axes[0, 1].add_patch(Rectangle((j - 0.45, i - 0.45), 0.9, 0.9, fill=False, ec=color,
                                       lw=2.5))
        if mark_max:  # the texts are in row-major order, one per input cell
            window = x[i * stride:i * stride + kernel_size, j * stride:j * stride + kernel_size]
            for (a, b) in np.argwhere(window == out[i, j]):
                text = axes[0, 0].texts[(i * stride + a) * x.shape[1] + j * stride + b]
                text.set(fontweight="bold", color="black",
                         bbox=dict(boxstyle="circle,pad=0.2", fc="white", ec=color, lw=1.8))
    fig.suptitle(f"{title}: kernel_size={kernel_size}, stride={stride}", fontsize=10)
    return fig


def plot_unchanged(masks: Mapping[str, np.ndarray], title: str = "") -> Figure:
    """Where values stayed the same (white) or changed (black), with the fraction unchanged.

    Each mask is a bool array, or a float array with 1 (same), 0 (changed) and NaN for entries
    that are not counted (drawn gray and left out of the fraction).
    """
    cmap = colormaps["Greys_r"].with_extremes(bad="#b8b8b8")
    fig, axes = new_figure(ncols=len(masks), size=(2.9 * len(masks), 3.0))
    for ax, (name, m) in zip(axes[0], masks.items()):
        m = np.asarray(m, dtype=float)
        counted = ~np.isnan(m)
        share = float(m[counted].mean()) if counted.any() else float("nan")
        show_image(ax, m, f"{name}\n{share:.1%} unchanged", cmap=cmap, vmin=0.0, vmax=1.0)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def plot_class_scores(class_names: Sequence[str], scores: np.ndarray,
                      probs: np.ndarray) -> Figure:
    """One example's class scores (logits, signed) and the softmax probabilities, as bars."""
    scores, probs = np.asarray(scores, dtype=float), np.asarray(probs, dtype=float)
    fig, axes = new_figure(ncols=2, size=(6.4, 2.6))
    pos = np.arange(len(class_names))
    ax = axes[0, 0]
    ax.bar(pos, scores, color=np.where(scores >= 0, "#c0392b", "#2e86c1"))
    ax.axhline(0, color="#555", lw=0.8)
    ax.set_title("class scores (linear layer)", fontsize=10)
    ax.set_ylabel("score")
    ax = axes[0, 1]
    ax.bar(pos, probs, color="#27ae60")
    ax.set_ylim(0, 1)
    ax.set_title("probabilities (softmax)", fontsize=10)
    ax.set_ylabel("probability")
    for k, p in enumerate(probs):
        ax.text(k, p + 0.02, f"{p:.2f}", ha="center", fontsize=8)
    for ax in axes[0]:
        ax.set_xticks(pos, list(class_names))
        ax.set_xlabel("class")
    return fig
