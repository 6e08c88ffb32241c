"""Figures of the LSTM lesson: the cell diagram, gates and states over time, accuracy against lag.

Pure functions returning a ``matplotlib.figure.Figure``; the numbers come from
``course_lib.lstm`` and ``course_lib.memory_task``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from . import new_figure

__all__ = ["draw_lstm_cell", "plot_trace", "update_trace", "trace_parts", "plot_accuracy_vs_lag",
           "plot_forget_products", "plot_states", "IMAGES"]

_GATE_COLOURS = {"f": "#d62728", "i": "#2ca02c", "o": "#1f77b4", "s_tilde": "#9467bd"}


def _box(ax, xy, w, h, text, colour, fontsize=10):
    ax.add_patch(FancyBboxPatch((xy[0] - w / 2, xy[1] - h / 2), w, h,
                                boxstyle="round,pad=0.02", fc=colour, ec="black", lw=1))
    ax.text(xy[0], xy[1], text, ha="center", va="center", fontsize=fontsize)


def _arrow(ax, a, b, colour="black", lw=1.2):
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=10, color=colour, lw=lw))


def draw_lstm_cell() -> Figure:
    """The LSTM cell in the lecture's notation: the cell-state path ``s_{t-1} -> s_t`` along the
    top (multiply by ``f_t``, add ``i_t ⊙ s̃_t``), the gates below, all fed ``[h_{t-1}, x_t]``."""
    fig, axes = new_figure(size=(6.4, 3.6))
    ax = axes[0, 0]
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 6)
    ax.axis("off")
    ax.set_title("One LSTM step: the cell state s runs along the top", fontsize=10)
    # the additive cell-state path
    _arrow(ax, (0.2, 5.0), (3.0, 5.0), "#444", 2.5)
    _box(ax, (3.3, 5.0), 0.6, 0.6, "×", "#f6d5d5", 12)
    _arrow(ax, (3.6, 5.0), (5.7, 5.0), "#444", 2.5)
    _box(ax, (6.0, 5.0), 0.6, 0.6, "+", "#dff0d8", 12)
    _arrow(ax, (6.3, 5.0), (9.8, 5.0), "#444", 2.5)
    ax.text(0.2, 5.3, r"$s_{t-1}$", fontsize=11)
    ax.text(9.2, 5.3, r"$s_t$", fontsize=11)
    # gates
    gates = [(1.6, r"$f_t=\sigma$", "#f6d5d5", (3.3, 4.7)),
             (3.6, r"$i_t=\sigma$", "#dff0d8", (5.3, 3.6)),
             (5.2, r"$\tilde s_t=\tanh$", "#e8dff5", (5.3, 3.6)),
             (7.6, r"$o_t=\sigma$", "#d8e6f3", (8.3, 2.6))]
    for x, label, colour, _target in gates:
        _box(ax, (x, 1.6), 1.5, 0.7, label, colour, 9)
        _arrow(ax, (x, 0.6), (x, 1.25))
    ax.plot([0.6, 8.6], [0.6, 0.6], color="black", lw=1)
    ax.text(0.2, 0.15, r"$[h_{t-1}, x_t]$ feeds every gate", fontsize=9)
    _arrow(ax, (1.6, 1.95), (3.3, 4.7), "#d62728")
    _box(ax, (5.3, 3.6), 0.6, 0.6, "×", "#f2f2f2", 12)
    _arrow(ax, (3.6, 1.95), (5.1, 3.35), "#2ca02c")
    _arrow(ax, (5.2, 1.95), (5.3, 3.3), "#9467bd")
    _arrow(ax, (5.6, 3.6), (6.0, 4.7), "#2ca02c")
    # output
    _box(ax, (8.3, 3.8), 0.9, 0.55, "tanh", "#f2f2f2", 9)
    _arrow(ax, (8.0, 5.0), (8.3, 4.1))
    _box(ax, (8.3, 2.6), 0.6, 0.6, "×", "#f2f2f2", 12)
    _arrow(ax, (8.3, 3.5), (8.3, 2.9))
    _arrow(ax, (7.6, 1.95), (8.05, 2.4), "#1f77b4")
    _arrow(ax, (8.6, 2.6), (9.8, 2.6))
    ax.text(9.2, 2.8, r"$h_t$", fontsize=11)
    return fig


def plot_trace(trace, xs: np.ndarray | None = None, unit: int = 0,
               title: str = "One LSTM cell over a sequence") -> Figure:
    """Gates and states of one cell over time.

    Args:
        trace: an ``LSTMStep`` from ``course_lib.lstm.lstm_trace`` of one sequence, fields (T, H).
        xs: the inputs (T,) or (T, D), drawn as stems in the top panel when given.
        unit: which cell (0 <= unit < H) to draw.
        title: the figure's title.
    """
    f = np.asarray(trace.f)
    if f.ndim != 2:
        raise ValueError(f"trace fields must have shape (T, H) (one sequence), got shape {f.shape}")
    if not 0 <= unit < f.shape[1]:
        raise ValueError(f"unit must be in 0..{f.shape[1] - 1}, got {unit}")
    T = f.shape[0]
    t = np.arange(1, T + 1)
    nrows = 3 if xs is not None else 2
    fig, axes = new_figure(1, nrows, size=(5.6, 1.6 * nrows + 0.6), sharex=True)
    k = 0
    if xs is not None:
        x = np.asarray(xs, dtype=float).reshape(T, -1)
        for d in range(x.shape[1]):
            axes[0, 0].stem(t, x[:, d], basefmt=" ")
        axes[0, 0].set_ylabel(r"input $x_t$")
        k = 1
    ax = axes[k, 0]
    for name, label in (("f", "$f_t$"), ("i", "$i_t$"), ("o", "$o_t$")):
        ax.plot(t, getattr(trace, name)[:, unit], label=label, color=_GATE_COLOURS[name], lw=1.5,
                gid=name)
    # Gates live in [0, 1]: the legend gets head room above 1 so it never hides a gate's line.
    ax.set_ylim(-0.05, 1.45)
    ax.set_yticks([0, 0.5, 1])
    ax.set_ylabel("gate value")
    ax.legend(fontsize=8, ncol=3, loc="upper center", frameon=False)
    ax = axes[k + 1, 0]
    ax.plot(t, trace.s[:, unit], label=r"cell state $s_t$", color="black", lw=2, gid="s")
    ax.plot(t, trace.h[:, unit], label=r"hidden $h_t$", color="#ff7f0e", lw=1.5, gid="h")
    ax.plot(t, trace.s_tilde[:, unit], label=r"candidate $\tilde s_t$",
            color=_GATE_COLOURS["s_tilde"], lw=1, ls="--", gid="s_tilde")
    ax.axhline(0, color="gray", lw=0.5)
    ax.set_ylim(*_state_limits(trace, unit))
    ax.set_ylabel("state")
    ax.set_xlabel("time step t")
    # as for the gates, head room for the legend (see _state_limits): it never hides a line
    ax.legend(fontsize=8, ncol=3, loc="upper center", frameon=False)
    axes[0, 0].set_title(title, fontsize=10)
    return fig


def _state_limits(trace, unit: int) -> tuple[float, float]:
    """y-limits of the state panel: the range of s, h and s̃ with a 5 % margin, rounded out to
    a step of 0.5, 1, 2, 5, 10, ... (so that small moves of a gate keep the same axis), and
    45 % more at the top for the legend."""
    v = np.concatenate([np.asarray(getattr(trace, n))[:, unit] for n in ("s", "h", "s_tilde")])
    v = v[np.isfinite(v)]
    lo, hi = (float(v.min()), float(v.max())) if v.size else (-1.0, 1.0)
    margin = 0.05 * max(hi - lo, 1e-3)
    lo, hi = lo - margin, hi + margin
    steps = (m * 10.0 ** k for k in range(-1, 300) for m in (1, 2, 5))  # 0.1, 0.2, 0.5, 1, ...
    step = next(st for st in steps if st >= 0.5 and (hi - lo) / st <= 8)
    lo, hi = float(np.floor(lo / step) * step), float(np.ceil(hi / step) * step)
    return lo, hi + 0.45 * (hi - lo)


def trace_parts(fig: Figure) -> tuple[list, list]:
    """For redrawing a :func:`plot_trace` figure by blitting: the artists :func:`update_trace`
    changes (the lines; the legends sit in head room no line reaches, so they stay in the
    background) and the axes whose y-range it may change (the state panel)."""
    lines = [ln for ax in fig.axes for ln in ax.get_lines() if ln.get_gid()]
    state = [ln.axes for ln in lines if ln.get_gid() == "s"]
    return lines, state


def update_trace(fig: Figure, trace, unit: int = 0) -> Figure:
    """Put a new trace of the same length into a figure made by :func:`plot_trace`, in place.

    Only the lines' data change (and the state panel's y-range, in steps: see
    ``_state_limits``), so the figure can be redrawn by blitting (:func:`trace_parts`): what a
    widget wants while a slider moves.
    """
    lines = {ln.get_gid(): ln for ax in fig.axes for ln in ax.get_lines() if ln.get_gid()}
    if set(lines) != {"f", "i", "o", "s", "h", "s_tilde"}:
        raise ValueError("fig must be a figure made by plot_trace")
    for name, line in lines.items():
        y = np.asarray(getattr(trace, name))[:, unit]
        if y.shape != np.shape(line.get_ydata()):
            raise ValueError(f"the trace has {y.shape[0]} steps but the figure shows "
                             f"{np.shape(line.get_ydata())[0]}; make a new figure with plot_trace")
        line.set_ydata(y)
    lines["s"].axes.set_ylim(*_state_limits(trace, unit))
    return fig


def plot_accuracy_vs_lag(lags: Sequence[int], accuracies: Mapping[str, Sequence],
                         chance: float) -> Figure:
    """Test accuracy against the lag for each model, with chance level marked.

    Args:
        lags: the lags trained on.
        accuracies: model name -> accuracy at each lag, shape (len(lags),), or one accuracy
            per lag and seed, shape (len(lags), n_seeds): then the line is the mean over the
            seeds and each seed is a small dot.
        chance: accuracy of guessing, drawn as a dashed line.
    """
    lags = list(lags)
    fig, axes = new_figure(size=(5.0, 3.2))
    ax = axes[0, 0]
    markers = iter("os^vD")
    for name, acc in accuracies.items():
        acc = np.asarray(acc, dtype=float)
        if acc.ndim not in (1, 2) or len(acc) != len(lags):
            raise ValueError(f"accuracies[{name!r}] has {len(acc)} values for {len(lags)} lags"
                             if acc.ndim == 1 else f"accuracies[{name!r}] must have shape "
                             f"({len(lags)},) or ({len(lags)}, n_seeds), got {acc.shape}")
        mean = acc if acc.ndim == 1 else acc.mean(axis=1)
        (line,) = ax.plot(lags, mean, marker=next(markers), lw=2, label=name)
        if acc.ndim == 2:
            ax.plot(np.repeat(lags, acc.shape[1]), acc.ravel(), ".", ms=4, alpha=0.5,
                    color=line.get_color())
    ax.axhline(chance, color="gray", ls="--", lw=1)
    ax.text(lags[0], chance + 0.02, f"chance ({chance:.2f})", color="gray", fontsize=9)
    # Head room above 1.0 for the legend, so that it never hides a point of any curve.
    ncol = len(accuracies) if len(accuracies) <= 2 else 2
    rows = -(-len(accuracies) // ncol)
    ax.set_ylim(0, 1.1 + 0.12 * rows)
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.set_xlabel("lag: distractors between the symbol and the question")
    ax.set_ylabel("test accuracy")
    ax.set_title("Recall the first symbol: who remembers?", fontsize=10)
    ax.legend(fontsize=9, loc="upper center", ncol=ncol, frameon=False)
    return fig


def plot_forget_products(curves: Mapping[str, np.ndarray]) -> Figure:
    """How much of ``s_0`` survives in ``s_t`` along the cell path: ``∏ f`` against t (log scale).

    Args:
        curves: label -> values at t = 1, 2, ... (for example ``np.cumprod(f)``).
    """
    fig, axes = new_figure(size=(5.0, 3.0))
    ax = axes[0, 0]
    for label, v in curves.items():
        v = np.asarray(v, dtype=float)
        ax.semilogy(np.arange(1, v.size + 1), v, lw=2, label=label)
    ax.set_xlabel("time step t")
    ax.set_ylabel(r"$\partial s_t / \partial s_0$ along the cell path")
    ax.set_title("Gradient along the additive path", fontsize=10)
    ax.legend(fontsize=8)
    return fig


def plot_states(values: np.ndarray, labels: Sequence[str], ylabel: str = r"cell state $s_t$",
                title: str = "") -> Figure:
    """One line per sequence of a quantity over time, e.g. one cell's state for several inputs.

    Args:
        values: (T, N): time along the first axis, one column per sequence.
        labels: N labels for the legend.
        ylabel, title: axis label and title.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 2 or values.shape[1] != len(labels):
        raise ValueError(f"values must have shape (T, {len(labels)}) (one column per label), "
                         f"got shape {values.shape}")
    fig, axes = new_figure(size=(5.0, 3.0))
    ax = axes[0, 0]
    t = np.arange(1, values.shape[0] + 1)
    for k, label in enumerate(labels):
        ax.plot(t, values[:, k], lw=1.8, label=label)
    ax.axhline(0, color="gray", lw=0.5)
    ax.set_xlabel("time step t")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="best")
    return fig


#: Figures that the markdown of the lessons shows, made by tools/make_images.py.
IMAGES = {"lstm_cell.png": draw_lstm_cell}
