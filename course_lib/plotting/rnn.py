"""Figures for the RNN lesson: the folded and unrolled graphs, hidden states, gradient norms.

Every public function returns a ``matplotlib.figure.Figure``. ``IMAGES`` maps the file names in
``images/`` to zero-argument functions that draw them (collected by the image builder).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch
from matplotlib.path import Path
from matplotlib.text import Text

from . import new_figure

__all__ = ["plot_folded", "plot_unrolled", "plot_hidden_states", "plot_gradient_norms",
           "plot_unroll_explorer", "UnrollPicture", "IMAGES"]

_R = 0.32  # node radius in data units
_FILL = {"x": "#dbe9f6", "h": "#fbe3c8", "o": "#dcefd9"}
_CMAP = colormaps["RdBu_r"]


def _node(ax: Axes, xy: tuple[float, float], label: str, kind: str, value: float | None = None,
          fontsize: int = 11) -> tuple[Circle, Text]:
    # add_artist, not add_patch: the graph's limits are set by hand, so matplotlib need not
    # compute every patch's extent (the unroll explorer draws a new graph for every T)
    circle = ax.add_artist(Circle(xy, _R, facecolor=_FILL[kind], edgecolor="#333333", lw=1.2,
                                  zorder=3))
    text = ax.text(xy[0], xy[1], label, ha="center", va="center", fontsize=fontsize, zorder=4)
    if value is not None:
        _show_value(circle, text, value)
    return circle, text


def _show_value(circle: Circle, text: Text, value: float) -> None:
    """Colour a node by a value in [-1, 1] (blue negative, red positive) and write it in."""
    circle.set_facecolor(_CMAP(0.5 + 0.5 * float(np.clip(value, -1, 1))))
    text.set_text(f"{value:.2f}")
    text.set_color("white" if abs(value) > 0.6 else "black")


def _arrow(ax: Axes, p: tuple[float, float], q: tuple[float, float], label: str = "",
           color: str = "#333333", lw: float = 1.3, label_offset=(0.12, 0.0),
           fontsize: int = 10, gap: float = _R) -> FancyArrowPatch:
    """An arrow from node p to node q, starting and ending ``gap`` away from the centres."""
    p_, q_ = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    d = (q_ - p_) / np.linalg.norm(q_ - p_)
    a, b = p_ + gap * d, q_ - gap * d
    arrow = ax.add_artist(FancyArrowPatch(tuple(a), tuple(b), arrowstyle="-|>",
                                          mutation_scale=10, color=color, lw=lw, shrinkA=0,
                                          shrinkB=0, zorder=2))
    if label:
        mx, my = (p_ + q_) / 2 + np.asarray(label_offset)
        ax.text(mx, my, label, ha="left", va="center", fontsize=fontsize, color=color,
                style="italic", zorder=4)
    return arrow


def _graph_axes(ax: Axes, xlim: tuple[float, float], ylim: tuple[float, float], title: str) -> None:
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=10)


def plot_folded() -> Figure:
    """The folded graph: one cell whose hidden state feeds back into itself through W.

    Example:
        >>> fig = plot_folded()
    """
    fig, axes = new_figure(size=(2.6, 3.2))
    ax = axes[0, 0]
    x, h, o = (0.0, 0.0), (0.0, 1.2), (0.0, 2.4)
    _node(ax, x, "$x$", "x")
    _node(ax, h, "$h$", "h")
    _node(ax, o, "$o$", "o")
    _arrow(ax, x, h, "U")
    _arrow(ax, h, o, "V")
    # the recurrent loop: out of h on the right, round, and back into h
    a0, a1 = np.deg2rad(35), np.deg2rad(-35)
    start = (h[0] + _R * np.cos(a0), h[1] + _R * np.sin(a0))
    end = (h[0] + _R * np.cos(a1), h[1] + _R * np.sin(a1))
    loop = Path([start, (h[0] + 1.3, h[1] + 0.9), (h[0] + 1.3, h[1] - 0.9), end],
                [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4])
    ax.add_patch(FancyArrowPatch(path=loop, arrowstyle="-|>", mutation_scale=12, color="#b5461a",
                                 lw=1.5, zorder=2))
    ax.text(h[0] + 1.05, h[1], "W", color="#b5461a", style="italic", fontsize=11, va="center")
    ax.text(h[0] + 0.5, h[1] - 0.75, "next step", color="#b5461a", fontsize=7, va="top")
    _graph_axes(ax, (-0.9, 1.6), (-0.5, 2.9), "folded: one cell and a loop")
    return fig


class _Unrolled(NamedTuple):
    """The artists of an unrolled graph that show numbers: h nodes (steps 1..T) and the
    backward gradient arrows (from step t to t - 1, for t = T..2)."""
    h_nodes: list[tuple[Circle, Text]]
    grad_arrows: list[FancyArrowPatch]
    start: Text  # the label of the state before the first step shown
    labelled: bool  # whether the x, h and o nodes carry their step numbers


def _draw_unrolled(ax: Axes, T: int, h_values: np.ndarray | None = None,
                   grad_norms: np.ndarray | None = None, max_labels: int = 8,
                   first_step: int = 1) -> _Unrolled:
    step = 1.0
    xs = np.arange(T + 1) * step
    y_x, y_h, y_o = 0.0, 1.2, 2.4
    small = T > max_labels
    fs = 8 if small else 11
    _, start = _node(ax, (xs[0], y_h), f"$h_{{{first_step - 1}}}$", "h", fontsize=fs)
    h_nodes, grad_arrows = [], []
    for t in range(1, T + 1):
        cx = xs[t]
        value = None if h_values is None else float(h_values[t - 1])
        n = first_step + t - 1  # the step this column stands for
        _node(ax, (cx, y_x), f"$x_{{{n}}}$" if not small else "", "x", fontsize=fs)
        node = _node(ax, (cx, y_h), f"$h_{{{n}}}$", "h", value, fontsize=fs if value is None else 8)
        node[1].set_visible(not small)  # too many steps: no room to write in the nodes
        h_nodes.append(node)
        _node(ax, (cx, y_o), f"$o_{{{n}}}$" if not small else "", "o", fontsize=fs)
        _arrow(ax, (cx, y_x), (cx, y_h), "" if small else "U", fontsize=8, label_offset=(0.12, -0.22))
        _arrow(ax, (cx, y_h), (cx, y_o), "" if small else "V", fontsize=8)
        _arrow(ax, (xs[t - 1], y_h), (cx, y_h), "" if small else "W", color="#b5461a",
               label_offset=(-0.1, 0.14), fontsize=8)
    if grad_norms is not None:
        # gradient flowing back from h_T: line width follows log10 of ||dL/dh_t||
        for t in range(T, 1, -1):
            grad_arrows.append(_arrow(ax, (xs[t], y_h - 0.55), (xs[t - 1], y_h - 0.55),
                                      color="#7b2d8b", gap=0.12))
        _show_gradient(grad_arrows, grad_norms)
        ax.text(xs[-1] + 0.45, y_h - 0.55, "∂L/∂h", color="#7b2d8b", fontsize=8, va="center")
    ax.set_xlim(-0.6, xs[-1] + (1.3 if grad_norms is not None else 0.6))
    ax.set_ylim(-0.6, 2.9)
    ax.set_aspect("equal")
    ax.axis("off")
    return _Unrolled(h_nodes, grad_arrows, start, not small)


def _show_gradient(arrows: list[FancyArrowPatch], grad_norms: np.ndarray) -> None:
    """Arrow t -> t - 1 (``arrows`` from t = T down) gets a width that grows with log10 of
    ``grad_norms[t - 2]`` (norms indexed by step, ``||dL/dh_t||`` at index t - 1)."""
    logs = np.log10(np.maximum(np.asarray(grad_norms, dtype=float), 1e-30))
    T = len(arrows) + 1
    for arrow, t in zip(arrows, range(T, 1, -1)):
        arrow.set_linewidth(0.3 + 0.9 * float(np.clip(logs[t - 2] + 4.0, 0.0, 6.0)))


def plot_unrolled(T: int = 4, h_values: np.ndarray | None = None,
                  grad_norms: np.ndarray | None = None) -> Figure:
    """The unrolled graph over T steps: the same U, W, V copied at every step.

    Args:
        T: number of time steps (>= 1).
        h_values: optional (T,) one number per step (e.g. a hidden unit); colours the h nodes
            (blue negative, red positive, in [-1, 1]) and is written in them.
        grad_norms: optional (T,) ``||dL/dh_t||`` for t = 1..T; drawn as backward arrows whose
            width grows with log10 of the norm.

    Example:
        >>> fig = plot_unrolled(3, h_values=np.array([0.5, -0.2, 0.1]))
    """
    if isinstance(T, bool) or not isinstance(T, int | np.integer) or T < 1:
        raise ValueError(f"T must be an int >= 1, got {T!r}")
    for name, a in (("h_values", h_values), ("grad_norms", grad_norms)):
        if a is not None and np.shape(a) != (T,):
            raise ValueError(f"{name} must have shape (T,) = ({T},), got {np.shape(a)}")
    fig, axes = new_figure(size=(1.0 + 0.95 * T, 3.0))
    ax = axes[0, 0]
    _draw_unrolled(ax, int(T), h_values, grad_norms)
    ax.set_title(f"unrolled over T = {T} steps:\nthe same U, W, V at every step", fontsize=10)
    return fig


def _draw_hidden_states(ax: Axes, h: np.ndarray, max_units: int = 8) -> None:
    T, H = h.shape
    t = np.arange(1, T + 1)
    for j in range(min(H, max_units)):
        ax.plot(t, h[:, j], marker="o", ms=3, lw=1.2, label=f"unit {j + 1}")
    ax.axhline(0, color="#888888", lw=0.6)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("time step t")
    ax.set_ylabel("hidden state $h_t$")
    title = "hidden states" + ("" if H <= max_units else f" (first {max_units} of {H} units)")
    ax.set_title(title, fontsize=10)


def plot_hidden_states(h: np.ndarray, max_units: int = 8) -> Figure:
    """Hidden states against time, one line per unit.

    Args:
        h: (T, H) hidden states of one sequence (e.g. ``rnn_forward(...).h[:, 0]``).
        max_units: draw at most this many units.
    """
    h = np.asarray(h)
    if h.ndim != 2:
        raise ValueError(f"h must have shape (T, H), got {h.shape}")
    fig, axes = new_figure(size=(4.2, 2.8))
    _draw_hidden_states(axes[0, 0], h, max_units)
    if h.shape[1] <= 4:
        axes[0, 0].legend(fontsize=7)
    return fig


def _draw_gradient_norms(ax: Axes, curves: Mapping[str, np.ndarray],
                         title: str = "gradient of a last-step loss") -> None:
    for label, norms in curves.items():
        norms = np.asarray(norms, dtype=float)
        ax.semilogy(np.arange(norms.size), _on_log_axis(norms), marker=".", ms=3, lw=1.3,
                    label=label)
    ax.set_xlabel("time lag k = T − t (steps back)")
    ax.set_ylabel("‖∂L/∂$h_{T-k}$‖")
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="major", lw=0.4, alpha=0.6)


def plot_gradient_norms(curves: Mapping[str, np.ndarray],
                        title: str = "gradient of a last-step loss") -> Figure:
    """Gradient norm against time lag on a log scale, one curve per label.

    Args:
        curves: label -> (T,) norms indexed by lag (``gradient_norms_by_lag``).
        title: the axes title (say what the network read, so that two such plots differ).

    Example:
        >>> fig = plot_gradient_norms({"ρ = 0.9": 0.9 ** np.arange(10)})
    """
    if not isinstance(curves, Mapping) or not curves:
        raise ValueError("curves must be a non-empty dict: label -> array of norms")
    fig, axes = new_figure(size=(4.6, 3.2))
    _draw_gradient_norms(axes[0, 0], curves, title)
    axes[0, 0].legend(fontsize=8)
    return fig


def plot_unroll_explorer(h: np.ndarray, grad_norms: np.ndarray, rho: float,
                         max_graph_steps: int = 12) -> Figure:
    """The unroll explorer's picture: unrolled graph, hidden states, gradient norms.

    Args:
        h: (T, H) hidden states of one sequence.
        grad_norms: (T,) ``||dL/dh_{T-k}||`` by lag k (``gradient_norms_by_lag``).
        rho: the spectral radius of W (for the reference line rho**k).
        max_graph_steps: the graph shows at most this many steps (the last ones).
    """
    h = np.asarray(h)
    picture = UnrollPicture(h.shape[0], h.shape[1], max_graph_steps)
    picture.show(h, grad_norms, rho)
    return picture.fig


class UnrollPicture:
    """:func:`plot_unroll_explorer`'s figure for H units, made once and then given new numbers
    in place by :meth:`show` (what an explorer redraws while a slider moves).

    The graph's structure depends on the number of steps it shows, ``min(T, max_graph_steps)``;
    a picture made for T serves every T with the same structure (:meth:`fits`) whose nodes
    are not numbered, i.e. every T from ``max_graph_steps`` up by default. ``dynamic`` lists
    the artists :meth:`show` changes and ``keyed`` the axes whose ticks depend on T and on the
    gradient's y-limits (whole decades), which ``key`` returns: for blitting, see
    ``course_lib.widgets._render.Blitter``.
    """

    def __init__(self, T: int, H: int, max_graph_steps: int = 12):
        self.T, self.H, self.max_graph_steps = T, H, max_graph_steps
        # fixed axes positions (no layout engine): a redraw in a widget stays fast
        fig = self.fig = Figure(figsize=(9.6, 5.0), dpi=80)
        self._ax_g = ax_g = fig.add_axes((0.01, 0.53, 0.98, 0.42))
        self.shown = shown = min(T, max_graph_steps)
        self._graph = _draw_unrolled(ax_g, shown, np.zeros(shown), np.ones(shown),
                                     first_step=T - shown + 1)
        self._ax_h = ax_h = fig.add_axes((0.075, 0.09, 0.39, 0.38))
        self._ax_n = ax_n = fig.add_axes((0.585, 0.09, 0.39, 0.38))
        _draw_hidden_states(ax_h, np.zeros((T, H)))
        # unit 1 is the one the graph's h nodes show: drawn on top, in black, the others faded
        self._h_lines = ax_h.get_lines()[:min(H, 8)]
        for line in self._h_lines[1:]:
            line.set_alpha(0.35)
        self._h_lines[0].set(color="black", lw=2.0, zorder=5)
        ax_h.set_title(ax_h.get_title() + "; black: unit 1, as in the graph", fontsize=10)
        _draw_gradient_norms(ax_n, {"BPTT": np.ones(T)})
        (self._ref,) = ax_n.semilogy(np.arange(T), np.ones(T), ls="--", color="#888888", lw=1,
                                     label="ρ^k")
        self._bptt = ax_n.get_lines()[0]
        # in head room above the curves (see show), so it stays in the background
        ax_n.legend(fontsize=8, ncol=2, loc="upper center", frameon=False)
        self.keyed = [ax_h, ax_n]
        for ax in fig.axes:  # a title placed by hand: matplotlib need not measure every tick
            ax.set_title(ax.get_title(), fontsize=10, y=1.0)
        self.dynamic = [a for node in self._graph.h_nodes for a in node]
        self.dynamic += [*self._graph.grad_arrows, ax_g.title, ax_n.title,
                         *self._h_lines[1:], self._h_lines[0], self._bptt, self._ref]
        if not self._graph.labelled:  # one picture serves many T: the first label changes
            self._graph.start.set_fontstyle("italic")  # plain text: quick to redraw
            self.dynamic.append(self._graph.start)

    def fits(self, T: int) -> bool:
        """Whether this picture can show T steps."""
        return (min(T, self.max_graph_steps) == self.shown
                and (T == self.T or not self._graph.labelled))

    def show(self, h: np.ndarray, grad_norms: np.ndarray, rho: float) -> None:
        """Put the states h (T, H), the norms by lag (T,) and ρ into the figure."""
        h, grad_norms = np.asarray(h, dtype=float), np.asarray(grad_norms, dtype=float)
        T = h.shape[0] if h.ndim == 2 else -1
        if not self.fits(T) or h.shape != (T, self.H) or grad_norms.shape != (T,):
            raise ValueError(f"h must have shape (T, {self.H}) and grad_norms (T,) with a T "
                             f"this picture fits, got {h.shape} and {grad_norms.shape}")
        self.T, shown = T, self.shown
        for (circle, text), value in zip(self._graph.h_nodes, h[-shown:, 0]):
            _show_value(circle, text, float(value))
        _show_gradient(self._graph.grad_arrows, grad_norms[::-1][-shown:])
        if not self._graph.labelled:
            self._graph.start.set_text("h" + str(T - shown).translate(_SUBSCRIPTS))
        note = "" if shown == T else f" (last {shown} of {T} steps)"
        self._ax_g.title.set_text(f"unrolled graph{note}: h nodes coloured by unit 1, "
                                  "purple arrows = gradient flowing back")
        t, k = np.arange(1, T + 1), np.arange(T)
        for j, line in enumerate(self._h_lines):
            line.set_data(t, h[:, j])
        ref = float(rho) ** k.astype(float)
        self._bptt.set_data(k, _on_log_axis(grad_norms))
        self._ref.set_data(k, _on_log_axis(ref))
        self._ax_n.title.set_text(f"gradient of a last-step loss, ρ = {rho:.2f}")
        for ax in self.keyed:  # the x-range follows T, as a new figure's would
            ax.relim()
            ax.autoscale_view(scaley=False)
        lo, hi = _decades(np.concatenate([grad_norms, ref]))
        room = max(1, int(np.ceil(0.25 * np.log10(hi / lo))))  # decades for the legend
        self._ax_n.set_ylim(lo, hi * 10.0 ** room)

    @property
    def key(self) -> tuple:
        """What the keyed axes show besides the lines, one key each: the hidden states' T
        (their x-range), the gradient's T and y-limits."""
        return self.T, (self.T, self._ax_n.get_ylim())


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _on_log_axis(a: np.ndarray) -> np.ndarray:
    return np.where(a > 0, a, np.nan)  # exact zeros have no place on a log axis


def _decades(values: np.ndarray) -> tuple[float, float]:
    """Whole-decade limits around the positive, finite values (a little room at both ends)."""
    v = values[np.isfinite(values) & (values > 0)]
    if v.size == 0:
        return 0.1, 10.0
    lo = 10.0 ** np.floor(np.log10(v.min() / 1.5))
    hi = 10.0 ** np.ceil(np.log10(v.max() * 1.5))
    return float(lo), float(hi)


IMAGES = {
    "rnn_folded.png": plot_folded,
    "rnn_unrolled.png": lambda: plot_unrolled(4),
}
