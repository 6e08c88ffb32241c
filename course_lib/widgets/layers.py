"""Explorers for the detector layer and the pooling layer (lessons 05 and 06).

* :func:`activation_explorer`: choose ReLU, sigmoid or tanh (or your own function), see its
  curve, and watch it act on a convolution feature map of the photograph while a bias slider
  moves the threshold.
* :func:`pooling_explorer`: kernel size, stride, padding, max or average, on the lecture's 4x4
  example, a small grid or the photograph: the input with its pooling windows, the output and
  its shape.

Each explorer is a class whose ``update()`` reads the controls, calls course_lib's numeric
functions and redraws PNG images (``_render.to_png`` into ``ipywidgets.Image``): no maths lives
here. Invalid settings show a message inside the widget and keep the last good output.
Tests set a control's ``.value`` and read the attributes (``pre``, ``post``, ``output``, ...).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from course_lib import _args, activations, conv, kernels, pooling
from course_lib.data import PHOTO_CREDITS, load_photo
from course_lib.plotting import signed_limit
from course_lib.pooling import LECTURE_GRID  # the lecture's 4x4 example, re-exported
from course_lib.widgets._base import Explorer, learner_error
from course_lib.widgets._render import colorbar_png, to_png
from course_lib.widgets.board import (
    Board,
    PointingExplorer,
    grid_spec,
    highlight,
    window_cells,
    windows_reading,
)

__all__ = ["ActivationExplorer", "activation_explorer", "PoolingExplorer", "pooling_explorer",
           "LECTURE_GRID"]


_CSS = """<style>
.cl-layers-msg {color:#a4262c; font-family:sans-serif; min-height:1.2em}
.cl-layers-info {font-family:sans-serif; font-size:13px}
.cl-layers-table td {border:1px solid #bbb; padding:2px 6px; text-align:right;
  font-family:monospace; font-size:12px}
</style>"""

# how each activation's output is coloured: (colormap, vmin, vmax); None = from the data
_POST_STYLE = {"relu": ("gray", 0.0, None), "sigmoid": ("viridis", 0.0, 1.0),
               "tanh": ("RdBu_r", -1.0, 1.0)}


def _contrast_limit(a: np.ndarray) -> float:
    """The 99th percentile of |a| (a positive number): colour limit for sparse, signed maps."""
    lim = float(np.quantile(np.abs(a), 0.99))
    return lim if lim > 0 else signed_limit(a)


def _error_text(e: Exception) -> str:
    return f"{type(e).__name__}: {e}"


def _colorbar_box(lo_label: W.HTML, hi_label: W.HTML, cmap: str) -> W.VBox:
    bar = W.Image(value=colorbar_png(cmap, height=200), format="png",
                  layout=W.Layout(width="14px", height="200px"))
    return W.VBox([hi_label, bar, lo_label], layout=W.Layout(align_items="center"))


class ActivationExplorer(Explorer):
    """The detector layer, live: feature map z = (image ⋆ K) + b, then f(z).

    Args:
        image: (H, W) gray image; default the "china" photograph at ``size`` x ``size``.
        kernel: name of the starting kernel in ``course_lib.kernels.KERNELS``.
        activation: "relu", "sigmoid", "tanh" or a key of ``extra``.
        extra: more activations to offer, {name: function}, e.g. your own implementation from an
            exercise; an error it raises shows inside the widget.
        size: side of the default photograph.

    Attributes after ``update()``: ``pre`` (z), ``post`` (f(z)), ``curve_x``, ``curve_y``.
    """

    def __init__(self, image: np.ndarray | None = None, kernel: str = "edge_detection_3",
                 activation: str = "relu", extra: Mapping[str, Callable] | None = None,
                 size: int = 128):
        super().__init__()
        self.status.add_class("cl-layers-msg")
        self.image = load_photo("china", size=size) if image is None else np.asarray(image)
        if self.image.ndim != 2:
            raise ValueError(f"image must be a 2-D gray image (H, W), got shape {self.image.shape}")
        self.functions: dict[str, Callable] = {name: getattr(activations, name)
                                               for name in ("relu", "leaky_relu", "sigmoid", "tanh")}
        self.functions.update(extra or {})
        self._learners = set(extra or {})  # called within the time limit: they may never return
        if activation not in self.functions:
            raise ValueError(f"activation must be one of {sorted(self.functions)}, got {activation!r}")
        if kernel not in kernels.KERNELS:
            raise ValueError(f"kernel must be one of {sorted(kernels.KERNELS)}, got {kernel!r}")
        self.activation = W.Dropdown(options=list(self.functions), value=activation,
                                     description="activation f")
        self.kernel = W.Dropdown(options=sorted(kernels.KERNELS), value=kernel,
                                 description="kernel K")
        self.bias = W.FloatSlider(value=0.0, min=-2.0, max=2.0, step=0.05, description="bias b",
                                  continuous_update=True, readout_format=".2f")
        self.curve = W.Image(format="png", layout=W.Layout(width="300px"))
        img_layout = W.Layout(width="256px", height="256px")
        self.pre_image = W.Image(format="png", layout=img_layout)
        self.post_image = W.Image(format="png", layout=img_layout)
        self.pre_lo, self.pre_hi = W.HTML(), W.HTML()
        self.post_lo, self.post_hi = W.HTML(), W.HTML()
        self.post_bar = W.Image(format="png", layout=W.Layout(width="14px", height="200px"))
        self.info = W.HTML()
        self.info.add_class("cl-layers-info")
        self.pre = self.post = None
        self.curve_x = np.linspace(-4.0, 4.0, 401)
        self.curve_y = None
        self._response = None  # image ⋆ K, recomputed only when the kernel changes
        self._fig, self._line, self._hist_ax = self._make_curve_figure()
        self._background = self._background_key = None

        pre_box = W.VBox([W.HTML("<b>before f:</b> z = image ⋆ K + b"),
                          W.HBox([self.pre_image, _colorbar_box(self.pre_lo, self.pre_hi,
                                                                "RdBu_r")])])
        post_box = W.VBox([W.HTML("<b>after f:</b> f(z)"),
                           W.HBox([self.post_image,
                                   W.VBox([self.post_hi, self.post_bar, self.post_lo],
                                          layout=W.Layout(align_items="center"))])])
        self.widget = W.VBox([
            W.HTML(_CSS),
            W.HBox([W.VBox([self.activation, self.kernel, self.bias, self.status]), self.curve]),
            W.HBox([pre_box, post_box]),
            self.info,
            W.HTML(f"<small>{html.escape(PHOTO_CREDITS)}</small>"),
        ])
        self.widget.add_class("cl-activation-explorer")
        self.kernel.observe(self._kernel_changed, names="value")
        self.activation.observe(self.request_update, names="value")
        self.bias.observe(self.request_update, names="value")
        self._kernel_changed()

    def _make_curve_figure(self):
        # a fixed layout and one artist per element keep a redraw to a few tens of ms
        fig = Figure(figsize=(3.8, 2.6), dpi=80)
        fig.subplots_adjust(left=0.16, right=0.96, bottom=0.19, top=0.88)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        hist_ax = ax.twinx()
        ax.set_zorder(hist_ax.get_zorder() + 1)
        ax.patch.set_visible(False)
        ax.axhline(0, color="#999", lw=0.8)
        ax.axvline(0, color="#999", lw=0.8)
        # the curve and the bias label are "animated": drawn on top of a saved background, so
        # a bias move redraws two artists rather than the whole figure (blitting)
        (line,) = ax.plot(self.curve_x, np.zeros_like(self.curve_x), color="#c0392b", lw=2,
                          animated=True)
        self._bias_text = ax.text(1.0, 1.03, "", ha="right", va="bottom", fontsize=10,
                                  color="#c0392b", transform=ax.transAxes, animated=True)
        ax.set_xlabel("x = image ⋆ K  (before the bias)")
        ax.set_ylabel("f(x + b)")
        hist_ax.set_yticks([])
        ax.text(0.02, 0.96, "blue: how often x occurs\nin this feature map", color="#5d7fa3",
                fontsize=8, va="top", transform=ax.transAxes)
        return fig, line, hist_ax

    def _draw_background(self):
        """Everything but the curve: axes, histogram, title, and y-limits that fit the curve for
        every bias on the slider (so that they stay put while the bias moves)."""
        ys = [self.curve_y]
        try:
            ys += [np.asarray(self._f(self.curve_x + b), dtype=float)
                   for b in (self.bias.min, self.bias.max)]
        except Exception:  # noqa: BLE001 - a learner's function: fall back to the current curve
            pass
        ys = np.concatenate([y.ravel() for y in ys])
        lo_y, hi_y = float(np.nanmin(ys)), float(np.nanmax(ys))
        pad = 0.1 * max(hi_y - lo_y, 1e-3)
        ax = self._line.axes
        ax.set_ylim(lo_y - pad, hi_y + pad)
        ax.set_title(f"f = {self.activation.value}", fontsize=10, loc="left")
        self._fig.canvas.draw()
        self._background = self._fig.canvas.copy_from_bbox(self._fig.bbox)

    def _kernel_changed(self, *_):
        try:
            k = kernels.KERNELS[self.kernel.value].astype(self.image.dtype)
            self._response = conv.correlate2d(self.image, k, padding=k.shape[0] // 2)
        except (ValueError, TypeError, KeyError) as e:
            self.show_problem(_error_text(e))
            return
        self._hist_ax.clear()
        self._hist_ax.set_yticks([])
        counts, edges = np.histogram(self._response, bins=80, range=(-4, 4))
        self._hist_ax.stairs(counts, edges, fill=True, color="#aac4de")
        self._background_key = None  # the histogram changed: redraw the background
        self.request_update()

    def _f(self, x: np.ndarray):
        """The chosen activation of x; a learner's own function is called within the time limit."""
        name = self.activation.value
        f = self.functions[name]
        return self.call_learner(f, x) if name in self._learners else f(x)

    def prefetch_sliders(self) -> list:
        return [] if self._learners else [self.bias]  # a learner's function: never ahead

    def update(self) -> None:
        """Recompute z and f(z) from the controls and redraw; errors go to ``message``."""
        b = self.bias.value
        z = self._response + np.asarray(b, dtype=self._response.dtype)
        try:
            post = np.asarray(self._f(z))
            if post.dtype.kind not in "biuf":
                raise ValueError(f"{self.activation.value} returned {post.dtype} values; an "
                                 "activation must return real numbers")
            curve_y = np.asarray(self._f(self.curve_x + b), dtype=float)
            if post.shape != z.shape or curve_y.shape != self.curve_x.shape:
                raise ValueError(f"{self.activation.value} returned shape {post.shape} for input "
                                 f"of shape {z.shape}; an activation must keep the shape")
            if post.dtype.kind != "f":  # True/False or whole numbers: draw them as numbers
                post = post.astype(z.dtype)
            if not np.all(np.isfinite(post)):
                raise ValueError(f"{self.activation.value} returned values that are not finite")
        except Exception as e:  # noqa: BLE001 - a learner's function may raise anything
            why = learner_error(e) if self.activation.value in self._learners else _error_text(e)
            self.show_problem(f"{self.activation.value} failed: {why}")
            return
        self.clear_problem()
        self.pre, self.post, self.curve_y = z, post, curve_y
        self.output = post
        self._draw()

    def _draw(self):
        # colours span the central 99 % of |values| (edges are rare and strong: with the full
        # range most of the map would be one colour); the bar's labels say where they saturate
        lim = _contrast_limit(self.pre)
        self.pre_image.value = to_png(self.pre, "RdBu_r", -lim, lim, scale=self._scale())
        self.pre_lo.value, self.pre_hi.value = f"≤ {-lim:.2f}", f"≥ {lim:.2f}"
        cmap, lo, hi = _POST_STYLE.get(self.activation.value, ("RdBu_r", None, None))
        lo_text, hi_text = f"{lo}", f"{hi}"
        if lo is None:  # signed output (leaky ReLU, a learner's function): centre on zero
            hi = _contrast_limit(self.post)
            lo = -hi
            lo_text, hi_text = f"≤ {lo:.2f}", f"≥ {hi:.2f}"
        elif hi is None:
            hi = _contrast_limit(self.post)
            lo_text, hi_text = f"{lo:.2f}", f"≥ {hi:.2f}"
        self.post_image.value = to_png(self.post, cmap, lo, hi, scale=self._scale())
        self.post_bar.value = colorbar_png(cmap, height=200)
        self.post_lo.value, self.post_hi.value = lo_text, hi_text
        key = (self.activation.value, self.kernel.value)
        if key != self._background_key:
            self._draw_background()
            self._background_key = key
        canvas = self._fig.canvas
        canvas.restore_region(self._background)
        self._line.set_ydata(self.curve_y)
        self._bias_text.set_text(f"b = {self.bias.value:+.2f}")
        self._line.axes.draw_artist(self._line)
        self._line.axes.draw_artist(self._bias_text)
        self.curve.value = to_png(np.asarray(canvas.buffer_rgba())[..., :3].copy())
        positive = float(np.mean(self.post > 0))
        self.info.value = (
            f"z has shape {self.pre.shape}, values in [{self.pre.min():.2f}, {self.pre.max():.2f}]; "
            f"{np.mean(self.pre > 0):.1%} of z is positive. "
            f"f(z) has values in [{self.post.min():.2f}, {self.post.max():.2f}]; "
            f"{positive:.1%} of f(z) is above zero"
            + (" (ReLU sets every negative z to 0: those units are silent)."
               if self.activation.value == "relu" else "."))

    def _scale(self) -> int:
        return max(1, 256 // max(self.pre.shape))


def activation_explorer(**kwargs) -> ActivationExplorer:
    """Build an :class:`ActivationExplorer` (arguments as the class); it displays as its widget.

    Example:
        >>> activation_explorer(extra={"leaky_relu": lambda x: np.where(x > 0, x, 0.1 * x)})
        ... # doctest: +SKIP
    """
    return ActivationExplorer(**kwargs)


# ---- pooling --------------------------------------------------------------------------------

def _listing(values: np.ndarray, most: int = 16) -> str:
    """'1, 2, 5, 6' (at most ``most`` numbers, then how many more), −∞ for a max-pool pad."""
    words = ["−∞" if v == -np.inf else f"{v:.4g}" for v in values.ravel()[:most]]
    more = values.size - most
    return ", ".join(words) + (f", … ({more} more)" if more > 0 else "")


class PoolingExplorer(PointingExplorer):
    """Max or average pooling, live: the input with the window of any output cell, the output
    and its shape. Point at an output cell to see its window and the max (or the average) that
    gives it; click an input cell to see which output cells read it.

    Args:
        source: "lecture 4x4", "grid 8x8" (random integers 0..9, seeded) or "photo".
        kernel_size, stride, padding, mode ("max" or "avg"): the starting settings.
        photo_size: side of the photograph (pooled as a (photo_size, photo_size) image).
        seed: seed of the 8x8 grid.

    Attributes after ``update()``: ``x`` (the input), ``output``, ``out_shape``, ``selected``
    (the highlighted output cell), ``caption`` (what the board writes under the grids),
    ``readers`` (the output cells reading a clicked input cell), ``ok`` (False while the
    settings are invalid). :meth:`point_at` does what the pointer does in the browser.
    """

    SOURCES = ("lecture 4x4", "grid 8x8", "photo")
    MAX_TEXT_SIDE = 12  # padded inputs up to this side have their numbers written in the cells

    def __init__(self, source: str = "lecture 4x4", kernel_size: int = 2, stride: int = 2,
                 padding: int = 0, mode: str = "max", photo_size: int = 64, seed: int = 0):
        if source not in self.SOURCES:
            raise ValueError(f"source must be one of {self.SOURCES}, got {source!r}")
        if mode not in ("max", "avg"):
            raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
        # a starting value outside a slider's range would be clipped silently: refuse it
        for name, value, lo, hi in (("kernel_size", kernel_size, 1, 8), ("stride", stride, 1, 8),
                                    ("padding", padding, 0, 4), ("photo_size", photo_size, 4, 512),
                                    ("seed", seed, 0, 2**32 - 1)):
            _args.integer(value, name, lo, hi)
        super().__init__()
        self.status.add_class("cl-layers-msg")
        rng = np.random.default_rng(seed)
        self.inputs = {
            "lecture 4x4": LECTURE_GRID,
            "grid 8x8": rng.integers(0, 10, size=(8, 8)).astype(np.float32),
            "photo": load_photo("flower", size=photo_size),
        }
        self.source = W.Dropdown(options=list(self.SOURCES), value=source, description="input")
        self.mode = W.ToggleButtons(options=[("max", "max"), ("average", "avg")], value=mode,
                                    description="pooling")
        slider = dict(continuous_update=True, style={"description_width": "initial"})
        self.kernel_size = W.IntSlider(value=kernel_size, min=1, max=8,
                                       description="kernel_size", **slider)
        self.stride = W.IntSlider(value=stride, min=1, max=8, description="stride", **slider)
        self.padding = W.IntSlider(value=padding, min=0, max=4, description="padding", **slider)
        self.window = W.IntSlider(value=0, min=0, max=0, description="window #", **slider)
        self.selector = self.window  # the pointer on an output cell moves this slider
        self.board = Board(caption_class="cl-pool-caption")
        self.board.add_class("cl-pool-board")
        self.shape_label = W.HTML()
        self.shape_label.add_class("cl-pool-shape")
        self.x = self.out_shape = self.selected = None
        self.caption = ""
        self.readers: list[tuple[int, int]] = []
        self.ok = False
        self.widget = W.VBox([
            W.HTML(_CSS),
            W.HBox([W.VBox([self.source, self.mode]),
                    W.VBox([self.kernel_size, self.stride, self.padding, self.window])]),
            self.status,
            W.HTML("<small>Point at an output cell to see its window and how it is pooled; "
                   "click an input cell to see which output cells read it.</small>"),
            self.board,
            self.shape_label,
            W.HTML(f"<small>photo: {html.escape(PHOTO_CREDITS)}</small>"),
        ])
        self.widget.add_class("cl-pooling-explorer")
        for c in (self.source, self.mode, self.kernel_size, self.stride, self.padding):
            c.observe(self.request_update, names="value")
        self.window.observe(lambda _change: self._select(), names="value")
        self.board.observe(self._on_pointer, names="pointer")
        self.request_update()

    def prefetch_sliders(self) -> list:
        return [self.stride, self.kernel_size, self.padding]  # the pointer moves the window

    def update(self) -> None:
        """Pool with the current settings and redraw; invalid settings show a message."""
        x = self.inputs[self.source.value]
        k, s, p = self.kernel_size.value, self.stride.value, self.padding.value
        fn = pooling.max_pool2d if self.mode.value == "max" else pooling.avg_pool2d
        try:
            out = fn(x, kernel_size=k, stride=s, padding=p)
        except (ValueError, TypeError) as e:
            self.ok = False
            self.show_problem(_error_text(e))
            return
        self.ok = True
        self.clear_problem()
        self.x, self.output, self.out_shape = x, out, out.shape
        self._settings = (k, s, p)
        self._draw_grids()
        old = self.window.value
        self.window.max = out.size - 1  # may clip value, which calls _select()
        if self.window.value == old:
            self._select()
        ph, pw = x.shape[0] + 2 * p, x.shape[1] + 2 * p
        self.shape_label.value = (
            f"<b>input</b> {x.shape} → padded ({ph}, {pw}) → <b>output</b> {out.shape}: "
            f"floor(({x.shape[0]} + 2·{p} − {k}) / {s}) + 1 = {out.shape[0]} rows; "
            f"{x.size} values become {out.size} ({out.size / x.size:.0%}).")

    # ---- pointing -----------------------------------------------------------------------------
    def _select(self) -> None:
        """Highlight window number ``window`` and write out how it is pooled."""
        if self.output is None:
            return
        k, s, _ = self._settings
        out = self.output
        i, j = divmod(min(int(self.window.value), out.size - 1), out.shape[1])
        self.selected, self.readers = (i, j), []
        cells = window_cells(i * s, i * s + k, j * s, j * s + k)
        win = self._pooled_values[i * s:i * s + k, j * s:j * s + k]
        lights = [highlight("input", cells, "pool-window hl-window"),
                  highlight("output", [(i, j)], "pool-current hl-current")]
        head = f"window #{self.window.value} (row {i}, column {j})"
        if self.mode.value == "max":
            r, c = np.nonzero(win == out[i, j])
            lights.append(highlight("input", zip(r + i * s, c + j * s), "pool-max hl-argmax"))
            self.caption = f"{head}: max({_listing(win)}) = <b>{out[i, j]:.4g}</b>"
        else:
            self.caption = (f"{head}: the average of its {win.size} values "
                            f"({_listing(win)}) = <b>{out[i, j]:.4g}</b>")
        self.board.show(lights, self.caption, self._take_answer())

    def _show_readers(self, r: int, c: int) -> None:
        """Highlight input cell (r, c) of the padded input and every output cell that reads it."""
        k, s, p = self._settings
        self.readers = windows_reading((r, c), (k, k), s, self.output.shape)
        hp, wp = self._padded.shape
        where = " (padding)" if r < p or c < p or r >= hp - p or c >= wp - p else ""
        v = self._pooled_values[r, c]
        name = f"padded input[{r}, {c}] = {'−∞' if v == -np.inf else f'{v:.4g}'}{where}"
        n = len(self.readers)
        if n:
            outs = ", ".join(f"out[{i}, {j}]" for i, j in self.readers[:12])
            outs += f", … ({n - 12} more)" if n > 12 else ""
            self.caption = f"<b>{name}</b> is read by {n} output cell{'s' if n > 1 else ''}: {outs}"
        else:
            self.caption = f"<b>{name}</b> is read by no output cell: no window covers it"
        self.board.show([highlight("input", [(r, c)], "pool-source hl-source"),
                         highlight("output", self.readers, "pool-reader hl-reader")],
                        self.caption, self._take_answer())

    # ---- drawing ------------------------------------------------------------------------------
    def _draw_grids(self) -> None:
        k, s, p = self._settings
        x, out = self.x, self.output
        pad_value = -np.inf if self.mode.value == "max" else 0.0  # what a pad counts as
        self._padded = np.pad(x.astype(np.float64), p)
        self._in_shape, self._out_shape = self._padded.shape, out.shape
        self._pooled_values = np.pad(x.astype(np.float64), p, constant_values=pad_value)
        hp, wp = self._padded.shape
        is_pad = np.ones((hp, wp), dtype=bool)
        is_pad[p:p + x.shape[0], p:p + x.shape[1]] = False
        classes = np.where(is_pad, "pool-pad cl-pad-fill", "pool-in").astype(object)
        cell = int(np.clip(256 // max(hp, wp), 4, 40))  # one input cell and one output cell alike
        lo, hi = float(x.min()), float(x.max())
        cmap = "gray" if self.source.value == "photo" else "viridis"
        pad_text = "−∞" if self.mode.value == "max" else "0"
        text = None
        if max(hp, wp) <= self.MAX_TEXT_SIDE:
            text = [pad_text if pad else f"{v:.4g}"
                    for v, pad in zip(self._padded.ravel(), is_pad.ravel())]
        out_text = [f"{v:.4g}" for v in out.ravel()] if text is not None else None
        self.board.grids = [
            grid_spec("input", "<b>padded input</b> (padding gray-blue; window orange, its max "
                      "red)", self._padded, cmap=cmap, vmin=lo, vmax=hi, cell=cell, text=text,
                      classes=classes),
            grid_spec("output", f"<b>output</b> ({self.mode.value} pooling)", out, cmap=cmap,
                      vmin=lo, vmax=hi, cell=cell, text=out_text,
                      classes=np.full(out.shape, "pool-out", dtype=object)),
        ]


def pooling_explorer(**kwargs) -> PoolingExplorer:
    """Build a :class:`PoolingExplorer` (arguments as the class); it displays as its widget."""
    return PoolingExplorer(**kwargs)
