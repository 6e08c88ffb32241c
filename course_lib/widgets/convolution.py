"""Convolution explorers: edit a kernel, move stride and padding, watch the output change.

* :func:`kernel_explorer`: an editable 3x3 (or 5x5) kernel, a menu of the lecture's named kernels,
  a photograph or a small synthetic image, stride and padding sliders; input, kernel and output side
  by side, with the output's shape.
* :func:`sliding_window_explorer`: a small grid of numbers, the window sliding over it one position
  at a time (with a Play button), the output cell it produces and the multiply-add behind it.

Both accept ``correlate=`` a learner's function with the signature of
:func:`course_lib.conv.correlate2d`; its result is shown and compared with course_lib's, so a wrong
implementation shows as a visible difference. The maths lives in :mod:`course_lib.conv`; these
classes only read their controls, call it and draw. ``update()`` is a plain method: a test sets a
control's ``.value`` (which calls it) and reads ``.output``, ``.message`` and the labels.
Nothing raises into the notebook: a bad entry shows a message and keeps the last good output.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from fractions import Fraction

import ipywidgets as W
import numpy as np

from course_lib import _args, conv, data, kernels
from course_lib.plotting import signed_limit
from course_lib.plotting.cnn import visited_mask
from course_lib.widgets._base import Explorer, learner_error
from course_lib.widgets._render import colorbar_png, to_png, to_rgb
from course_lib.widgets.board import (
    Board,
    PointingExplorer,
    grid_spec,
    highlight,
    window_cells,
    windows_reading,
)

__all__ = ["KernelExplorer", "SlidingWindowExplorer", "kernel_explorer", "sliding_window_explorer",
           "synthetic_image", "format_entry"]

IMAGES = ("china", "flower", "synthetic")
DISPLAY_PX = 256  # side of the square the input and output images are drawn in
_FLOAT32_MAX = float(np.finfo(np.float32).max)
_MAX_ENTRY = 1e6  # largest kernel entry the explorer accepts


def synthetic_image(size: int = 24) -> np.ndarray:
    """A small float32 test card in [0, 1]: a bright square, a diagonal edge and a dot.

    Small enough to check a filter's effect pixel by pixel (edges are where detectors fire).
    """
    if not isinstance(size, int | np.integer) or size < 8:
        raise ValueError(f"size must be an int >= 8, got {size!r}")
    img = np.zeros((size, size), dtype=np.float32)
    q = size // 4
    img[q:2 * q + q // 2, q:2 * q + q // 2] = 1.0          # a bright square
    r, c = np.indices((size, size))
    img[(c - r > size // 3)] = 0.5                         # a half-bright triangle (diagonal edge)
    img[3 * q, 3 * q] = 1.0                                # a single bright dot
    return img


def format_entry(v: float) -> str:
    """A kernel entry as a learner would type it: '1', '-4', '0.5', or '1/9' for a simple fraction."""
    v = float(v)
    if v == int(v):
        return str(int(v))
    f = Fraction(v).limit_denominator(64)
    if abs(float(f) - v) < 1e-9:
        return f"{f.numerator}/{f.denominator}"
    return f"{v:.4g}"


def _parse_entry(text: str) -> float:
    """'1', '-0.5', '1/9', '2e-1' -> float; raises ValueError for text, nothing, inf or nan."""
    s = str(text).strip()
    if not s:
        raise ValueError("is empty")
    try:
        v = float(Fraction(s))
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"holds {s!r}, which is not a number (write e.g. 1, -0.5 or 1/9)") from None
    except OverflowError:  # '1e400': a Fraction too large for any float
        v = float("inf")
    if not abs(v) <= _MAX_ENTRY:  # far beyond any useful kernel; float32 sums would overflow
        raise ValueError(f"holds {s!r}, which is too large (use at most {_MAX_ENTRY:g} in size)")
    return v


def _fmt(v: float) -> str:
    return f"{float(v):.4g}"


def _check_range(value, name: str, lo: int, hi: int) -> int:
    """A slider's starting value: an int in [lo, hi] (a slider would clip it silently)."""
    return _args.integer(value, name, lo, hi)


def _term(v: float) -> str:
    """A factor in a written-out sum: negative numbers in brackets, 3&times;(-1)."""
    return f"({_fmt(v)})" if v < 0 else _fmt(v)


def _call_learner(fn: Callable, image: np.ndarray, kernel: np.ndarray, stride: int,
                  padding: int) -> np.ndarray:
    """Call a learner's correlate: plain (image, kernel) when stride 1 and no padding, so a first
    version without those arguments already works. A call that does not return within the
    exercises' time limit raises TimeLimitExceeded instead of freezing the kernel."""
    if stride == 1 and padding == 0:
        return Explorer.call_learner(fn, image.copy(), kernel.copy())
    return Explorer.call_learner(fn, image.copy(), kernel.copy(), stride=stride, padding=padding)


def _learner_error(e: Exception, stride: int, padding: int) -> str:
    """What to tell a learner whose function raised ``e``."""
    why = learner_error(e)
    if isinstance(e, TypeError) and ("stride" in str(e) or "padding" in str(e)):
        why += (f" (it does not take stride and padding yet: it is called with stride={stride}, "
                f"padding={padding}; set stride 1 and padding 0 to call it as f(image, kernel))")
    return why


def _compare_with_reference(got, want: np.ndarray) -> tuple[np.ndarray | None, str]:
    """(array to show or None, a sentence comparing the learner's result with the reference)."""
    if got is None:
        return None, "your function returned None; did you forget `return`?"
    what = type(got).__name__
    try:
        got = np.asarray(got)
        if got.dtype.kind not in "biuf":  # complex, text, objects: no picture to draw
            what += f" of {got.dtype}"
            raise TypeError
        got = got.astype(np.float64)
    except (TypeError, ValueError):
        return None, f"your function returned {what}, not an array of real numbers"
    if got.shape != want.shape:
        return None, (f"your function returned shape {got.shape}, the reference gives "
                      f"{want.shape}")
    if not np.all(np.abs(got) <= _FLOAT32_MAX):  # also False for NaN
        return None, "your function returned NaN, infinite or huge (> 3.4e38) values"
    diff = float(np.max(np.abs(got - want))) if got.size else 0.0
    if diff <= 1e-4 * max(1.0, float(np.max(np.abs(want))) if want.size else 1.0):
        return got, f"matches the reference (max |diff| = {diff:.2g})"
    return got, f"differs from reference: max |diff| = {diff:.4g}"


class _ColourBar:
    """A vertical colour bar image with its top and bottom values written beside it."""

    def __init__(self, cmap: str, height: int = 160):
        self.cmap = cmap
        self.top = W.HTML(layout=W.Layout(height="18px"))
        self.bottom = W.HTML(layout=W.Layout(height="18px"))
        self.image = W.Image(value=colorbar_png(cmap, height=height), format="png",
                             layout=W.Layout(width="14px", height=f"{height}px"))
        self.box = W.VBox([self.top, self.image, self.bottom],
                          layout=W.Layout(align_items="center", margin="20px 0 0 4px"))

    def set(self, cmap: str, lo: float, hi: float, visible: bool = True,
            clipped: bool = False) -> None:
        """Show ``cmap`` from ``lo`` to ``hi``; ``clipped`` marks ends that values go beyond."""
        if cmap != self.cmap:
            self.cmap = cmap
            self.image.value = colorbar_png(cmap, height=int(self.image.layout.height[:-2]))
        ge, le = ("&ge;", "&le;") if clipped else ("", "")
        self.top.value = f"<small>{ge}{_fmt(hi)}</small>"
        self.bottom.value = f"<small>{le}{_fmt(lo)}</small>"
        self.box.layout.visibility = "visible" if visible else "hidden"


def _colour_limits(a: np.ndarray) -> tuple[str, float, float]:
    """Gray from min to max for non-negative data; a diverging map centred on zero otherwise,
    saturating at the 99th percentile of |a| (edge maps are sparse: a few strong pixels would
    otherwise leave everything else a pale wash)."""
    lo = float(np.min(a)) if a.size else 0.0
    hi = float(np.max(a)) if a.size else 1.0
    if lo < 0:
        lim = float(np.quantile(np.abs(a), 0.99))
        lim = lim if lim > 0 else signed_limit(a)
        return "RdBu_r", -lim, lim
    return "gray", lo, hi if hi > lo else lo + 1.0


def _upscale(shape: tuple[int, ...]) -> int:
    """Integer pixel repeat so a small image is drawn crisp rather than blurred by the browser."""
    return max(1, DISPLAY_PX // max(shape))


def _for_display(a: np.ndarray) -> np.ndarray:
    """Shrink an image larger than the display box by block means (what the browser's own
    downscaling would show), so that PNG encoding costs what the screen can show, no more."""
    f = -(-max(a.shape) // DISPLAY_PX)
    if f <= 1:
        return a
    h, w = (a.shape[0] // f) * f, (a.shape[1] // f) * f
    return a[:h, :w].reshape(h // f, f, w // f, f).mean(axis=(1, 3))


class _ConvExplorer(Explorer):
    """What both convolution explorers share: compute with course_lib and with the learner's
    function, and compare the two."""

    correlate: Callable | None

    def _compute(self, image: np.ndarray, kernel: np.ndarray, stride: int, padding: int) -> bool:
        """Set output, reference, comparison; False (last output kept, problem shown) if not."""
        try:
            ref = conv.correlate2d(image, kernel, stride=stride, padding=padding)
        except (ValueError, TypeError) as e:
            self.show_problem(f"the kernel does not fit: {e}")
            return False
        shown, comparison = ref, ""
        if self.correlate is not None:
            try:
                got = _call_learner(self.correlate, image, kernel, stride, padding)
            except Exception as e:  # noqa: BLE001 - a learner's error is shown, never raised
                self.show_problem(_learner_error(e, stride, padding))
                return False
            shown, comparison = _compare_with_reference(got, ref)
            if shown is None:
                self.comparison = comparison
                self.show_problem(comparison)
                return False
        self.output, self.reference, self.comparison = shown, ref, comparison
        self.clear_problem()
        return True


class KernelExplorer(_ConvExplorer):
    """Edit a kernel and watch its cross-correlation with an image (see :func:`kernel_explorer`).

    Attributes a test (or a curious learner) can read after any change:
        output: the last good output (what is shown), a 2-D float array.
        reference: course_lib's output for the same settings.
        message: '' when all is well, otherwise why the last change could not be shown.
        comparison: the sentence comparing ``correlate`` with course_lib ('' without one).
    Controls: ``cells`` (5x5 Text), ``size`` ('3x3'/'5x5'), ``preset``, ``image``, ``stride``,
    ``padding``; changing any of them calls :meth:`update`.
    """

    def __init__(self, image: str = "china", kernel: str = "edge_detection_3", size: int = 3,
                 stride: int = 1, padding: int = 0, correlate: Callable | None = None,
                 photo_size: int = 256, synthetic_size: int = 24):
        if image not in IMAGES:
            raise ValueError(f"image must be one of {IMAGES}, got {image!r}")
        if size not in (3, 5):
            raise ValueError(f"size must be 3 or 5, got {size!r}")
        if correlate is not None and not callable(correlate):
            raise TypeError(f"correlate must be a function like course_lib.conv.correlate2d, "
                            f"got {type(correlate).__name__}")
        start = kernels.get_kernel(kernel)  # a ValueError naming the valid kernels
        stride = _check_range(stride, "stride", 1, 4)
        padding = _check_range(padding, "padding", 0, 3)
        super().__init__()
        self.status.add_class("kx-message")
        self.correlate = correlate
        self._images = {"synthetic": synthetic_image(synthetic_size)}
        self._photo_size = photo_size
        self._busy = False
        self._drawn_kernel = None
        self.reference = None
        self.comparison = ""

        names = list(kernels.KERNELS) + ["custom"]
        self.preset = W.Dropdown(options=names, value=kernel, description="kernel",
                                 layout=W.Layout(width="230px"))
        self.size = W.ToggleButtons(options=["3x3", "5x5"], value=f"{size}x{size}",
                                    description="size", style={"button_width": "48px"})
        self.image = W.Dropdown(options=list(IMAGES), value=image, description="image",
                                layout=W.Layout(width="230px"))
        self.stride = W.IntSlider(value=stride, min=1, max=4, description="stride",
                                  continuous_update=True)
        self.padding = W.IntSlider(value=padding, min=0, max=3, description="padding",
                                   continuous_update=True)
        self.stride.add_class("kx-stride")
        self.padding.add_class("kx-padding")
        self.cells = [[W.Text(value="0", layout=W.Layout(width="52px"), continuous_update=True)
                       for _ in range(5)] for _ in range(5)]
        for r, row in enumerate(self.cells):
            for c, cell in enumerate(row):
                cell.add_class(f"kx-cell-{r}-{c}")
        self.grid = W.GridBox(layout=W.Layout(grid_gap="2px"))

        side = f"{DISPLAY_PX}px"
        self.input_view = W.Image(format="png", layout=W.Layout(width=side, height=side))
        self.kernel_view = W.Image(format="png", layout=W.Layout(width="120px", height="120px"))
        self.output_view = W.Image(format="png", layout=W.Layout(width=side, height=side))
        self.input_title = W.HTML()
        self.output_title = W.HTML()
        self.output_title.add_class("kx-shape")
        self.kernel_bar = _ColourBar("RdBu_r", height=120)
        self.output_bar = _ColourBar("gray")
        self.compare_label = W.HTML()
        self.compare_label.add_class("kx-compare")

        self._set_kernel(start)
        self._layout_grid()

        controls = W.HBox([W.VBox([self.image, self.preset, self.size]),
                           W.VBox([self.stride, self.padding])])
        panels = W.HBox([
            W.VBox([self.input_title, self.input_view]),
            W.VBox([W.HTML("<b>kernel</b> (edit a cell)"), self.grid,
                    W.HBox([self.kernel_view, self.kernel_bar.box])],
                   layout=W.Layout(margin="0 12px")),
            W.VBox([self.output_title, W.HBox([self.output_view, self.output_bar.box])]),
        ])
        self.widget = W.VBox([controls, panels, self.status, self.compare_label])
        self.widget.add_class("kernel-explorer")

        for w in [self.image, self.stride, self.padding] + [c for row in self.cells for c in row]:
            w.observe(self._on_change, names="value")
        self.preset.observe(self._on_preset, names="value")
        self.size.observe(self._on_size, names="value")
        self._draw_input()
        self.request_update()

    # ---- display ------------------------------------------------------------------------------
    @property
    def kernel_size(self) -> int:
        return 3 if self.size.value == "3x3" else 5

    def _layout_grid(self) -> None:
        k = self.kernel_size
        self.grid.children = [self.cells[r][c] for r in range(k) for c in range(k)]
        self.grid.layout.grid_template_columns = f"repeat({k}, 54px)"

    # ---- reading the controls -----------------------------------------------------------------
    def current_image(self) -> np.ndarray:
        name = self.image.value
        if name not in self._images:
            self._images[name] = data.load_photo(name, gray=True, size=self._photo_size)
        return self._images[name]

    def read_kernel(self) -> np.ndarray:
        """The kernel typed in the grid; raises ValueError naming the first bad cell."""
        k = self.kernel_size
        out = np.empty((k, k), dtype=np.float32)
        for r in range(k):
            for c in range(k):
                try:
                    out[r, c] = _parse_entry(self.cells[r][c].value)
                except ValueError as e:
                    raise ValueError(f"kernel cell (row {r}, column {c}) {e}") from None
        return out

    def _set_kernel(self, kernel: np.ndarray) -> None:
        """Write a kernel into the grid (switching 3x3/5x5 to fit) without a cascade of updates."""
        kernel = np.asarray(kernel, dtype=np.float64)
        n = kernel.shape[0]
        busy, self._busy = self._busy, True
        try:
            if kernel.shape in ((3, 3), (5, 5)):
                self.size.value = f"{n}x{n}"
            for r in range(5):
                for c in range(5):
                    inside = r < kernel.shape[0] and c < kernel.shape[1]
                    self.cells[r][c].value = format_entry(kernel[r, c]) if inside else "0"
        finally:
            self._busy = busy

    # ---- events -------------------------------------------------------------------------------
    def _on_change(self, change) -> None:
        if self._busy:
            return
        if change["owner"] in (self.image, self.padding):
            self._draw_input()
        if any(change["owner"] in row for row in self.cells) and self.preset.value != "custom":
            busy, self._busy = self._busy, True
            self.preset.value = "custom"
            self._busy = busy
        self.request_update()

    def _on_preset(self, change) -> None:
        if self._busy or change["new"] == "custom":
            return
        self._set_kernel(np.asarray(kernels.get_kernel(change["new"])))
        self._layout_grid()
        self.request_update()

    def _on_size(self, change) -> None:
        self._layout_grid()
        if self._busy:
            return
        # keep what was typed: 3x3 -> the centre of a 5x5 of zeros, 5x5 -> its centre 3x3
        old = 5 if change["old"] == "5x5" else 3
        vals = [[self.cells[r][c].value for c in range(old)] for r in range(old)]
        busy, self._busy = self._busy, True
        try:
            for r in range(5):
                for c in range(5):
                    if old == 3:
                        inside = 1 <= r <= 3 and 1 <= c <= 3
                        self.cells[r][c].value = vals[r - 1][c - 1] if inside else "0"
                    elif r < 3 and c < 3:
                        self.cells[r][c].value = vals[r + 1][c + 1]
            self.preset.value = "custom"
        finally:
            self._busy = busy
        self.request_update()

    # ---- the update: a plain method -----------------------------------------------------------
    def _draw_input(self) -> None:
        img = _for_display(conv.pad2d(self.current_image(), int(self.padding.value)))
        self.input_view.value = to_png(img, "gray", 0.0, 1.0, scale=_upscale(img.shape))
        h, w = self.current_image().shape
        pad = f", zero-padded by {self.padding.value}" if self.padding.value else ""
        self.input_title.value = f"<b>input</b> {h}&times;{w}{html.escape(pad)}"

    def prefetch_sliders(self) -> list:
        return [self.stride, self.padding] if self.correlate is None else []

    def update(self) -> None:
        """Read the controls, compute, redraw. Never raises: problems go to ``message``."""
        try:
            kernel = self.read_kernel()
        except ValueError as e:
            self.show_problem(str(e))
            return
        self._draw_kernel(kernel)
        image = self.current_image()
        if self._compute(image, kernel, int(self.stride.value), int(self.padding.value)):
            self._draw()

    def _draw_kernel(self, kernel: np.ndarray) -> None:
        if self._drawn_kernel is None or not np.array_equal(kernel, self._drawn_kernel):
            lim = signed_limit(kernel)
            self.kernel_view.value = to_png(kernel, "RdBu_r", -lim, lim, scale=24)
            self.kernel_bar.set("RdBu_r", -lim, lim)
            self._drawn_kernel = kernel

    def _draw(self) -> None:
        out = self.output
        shown = _for_display(out)
        cmap, lo, hi = _colour_limits(shown)
        self.output_view.value = to_png(shown, cmap, lo, hi, scale=_upscale(shown.shape))
        self.output_bar.set(cmap, lo, hi, clipped=bool(np.any(np.abs(shown) > hi)))
        h, w = out.shape
        self.output_title.value = f"<b>output</b> shape ({h}, {w})"
        if self.comparison:
            good = self.comparison.startswith("matches")
            color = "#1b7f3b" if good else "#a4262c"
            self.compare_label.value = (f'<span style="color:{color}">your correlate: '
                                        f"{html.escape(self.comparison)}</span>")
        else:
            self.compare_label.value = ""


def kernel_explorer(image: str = "china", kernel: str = "edge_detection_3", size: int = 3,
                    stride: int = 1, padding: int = 0, correlate: Callable | None = None,
                    photo_size: int = 256) -> KernelExplorer:
    """An editable kernel applied to an image, live.

    Args:
        image: "china", "flower" (scikit-learn's photographs, CC BY 2.0) or "synthetic".
        kernel: a name from ``course_lib.kernels.KERNELS`` to start with.
        size: 3 or 5, the side of the editable kernel grid.
        stride, padding: starting values of the sliders.
        correlate: optional ``f(image, kernel, stride=1, padding=0) -> output`` used instead of
            ``course_lib.conv.correlate2d`` (called as ``f(image, kernel)`` when stride is 1 and
            padding 0); its output is shown and compared with course_lib's.
        photo_size: the photographs are cropped square and resized to this side.

    Returns:
        a :class:`KernelExplorer`; it displays as the widget when it is a cell's last expression.

    Example:
        >>> ex = kernel_explorer(image="synthetic", kernel="identity")
        >>> ex.stride.value = 2
        >>> ex.output.shape
        (11, 11)
    """
    return KernelExplorer(image=image, kernel=kernel, size=size, stride=stride, padding=padding,
                          correlate=correlate, photo_size=photo_size)


# ------------------------------------------------------------------------------------------------
# The sliding window
# ------------------------------------------------------------------------------------------------

def _hex(rgb) -> str:
    r, g, b = (int(v) for v in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def _gradient_bar(cmap: str, lo: float, hi: float) -> str:
    """A horizontal colour bar in HTML, its ends labelled with the limits."""
    stops = to_rgb(np.linspace(0, 1, 9, dtype=np.float32)[None, :], cmap, 0.0, 1.0)[0]
    grad = ", ".join(_hex(c) for c in stops)
    return (f'<div style="display:flex;align-items:center;gap:4px;font:11px sans-serif">'
            f"{_fmt(lo)}<div style=\"width:120px;height:10px;background:linear-gradient(to right,"
            f' {grad});border:1px solid #999"></div>{_fmt(hi)}</div>')


class SlidingWindowExplorer(_ConvExplorer, PointingExplorer):
    """Watch the window slide over a small input, or point at it (see
    :func:`sliding_window_explorer`).

    After any change: ``output`` (what is shown), ``reference``, ``message``, ``comparison``,
    ``window`` (the (row, column) slices of the padded input under the window), ``out_index``
    (the output cell being computed), ``skipped`` (a boolean mask over the padded input of the
    cells no window ever covers), ``caption`` (the multiply-add written out, or which outputs
    read a clicked input cell) and ``readers`` (the output cells that read the clicked input cell).
    :meth:`point_at` does what the pointer does in the browser.
    """

    def __init__(self, size: int = 7, kernel_size: int = 3, stride: int = 2, padding: int = 0,
                 image: np.ndarray | None = None, kernel: np.ndarray | None = None,
                 correlate: Callable | None = None, seed: int = 0):
        if correlate is not None and not callable(correlate):
            raise TypeError(f"correlate must be a function like course_lib.conv.correlate2d, "
                            f"got {type(correlate).__name__}")
        size = _check_range(size, "size", 3, 9)
        kernel_size = _check_range(kernel_size, "kernel_size", 1, 5)
        stride = _check_range(stride, "stride", 1, 4)
        padding = _check_range(padding, "padding", 0, 2)
        super().__init__()
        self.status.add_class("sw-message")
        rng = np.random.default_rng(seed)
        self._big_image = rng.integers(0, 10, size=(9, 9)).astype(np.float64)
        self._fixed_image = None if image is None else np.asarray(image, dtype=np.float64)
        if self._fixed_image is not None and self._fixed_image.ndim != 2:
            raise ValueError(f"image must be 2-D, got shape {self._fixed_image.shape}")
        self._kernels = {k: rng.integers(-1, 2, size=(k, k)).astype(np.float64)
                         for k in range(1, 6)}
        self._fixed_kernel = None if kernel is None else np.asarray(kernel, dtype=np.float64)
        if self._fixed_kernel is not None and self._fixed_kernel.ndim != 2:
            raise ValueError(f"kernel must be 2-D, got shape {self._fixed_kernel.shape}")
        self.correlate = correlate
        self.reference = None
        self.comparison = ""
        self.caption = ""
        self.readers: list[tuple[int, int]] = []
        self.window = (slice(0, 1), slice(0, 1))
        self.out_index = (0, 0)
        self.skipped = np.zeros((1, 1), dtype=bool)
        self._padded = self._kernel = None

        fixed_n = self._fixed_image is not None
        fixed_k = self._fixed_kernel is not None
        # A fixed array may be non-square or outside a slider's range, where a slider would show
        # a clipped, wrong size: hide it; the shape label above the grids says the real sizes.
        self.size = W.IntSlider(value=size, min=3, max=9, description="input size",
                                disabled=fixed_n)
        self.kernel_size = W.IntSlider(value=kernel_size, min=1, max=5, description="kernel size",
                                       disabled=fixed_k)
        for slider, fixed in ((self.size, fixed_n), (self.kernel_size, fixed_k)):
            if fixed:
                slider.layout.display = "none"
        self.stride = W.IntSlider(value=stride, min=1, max=4, description="stride")
        self.padding = W.IntSlider(value=padding, min=0, max=2, description="padding")
        self.position = W.IntSlider(value=0, min=0, max=0, description="position")
        self.selector = self.position  # the pointer on an output cell moves this slider
        self.play = W.Play(value=0, min=0, max=0, interval=800, description="play")
        W.jslink((self.play, "value"), (self.position, "value"))
        for w, cls in [(self.size, "sw-size"), (self.kernel_size, "sw-kernel-size"),
                       (self.stride, "sw-stride"), (self.padding, "sw-padding"),
                       (self.position, "sw-position")]:
            w.add_class(cls)
        self.board = Board(caption_class="sw-sum")
        self.board.add_class("sw-board")
        self.shape_label = W.HTML()
        self.shape_label.add_class("sw-shape")
        hint = W.HTML("<small>Point at an output cell to see its window and its multiply-add; "
                      "click an input cell to see which output cells read it.</small>")
        self.widget = W.VBox([
            W.HBox([W.VBox([self.size, self.kernel_size]), W.VBox([self.stride, self.padding])]),
            W.HBox([self.play, self.position]),
            self.shape_label, hint, self.board, self.status,
        ])
        self.widget.add_class("sliding-window-explorer")
        for w in (self.size, self.kernel_size, self.stride, self.padding):
            w.observe(self.request_update, names="value")
        self.position.observe(lambda _change: self._select(), names="value")
        self.board.observe(self._on_pointer, names="pointer")
        self.request_update()

    def current_image(self) -> np.ndarray:
        if self._fixed_image is not None:
            return self._fixed_image
        n = int(self.size.value)
        return self._big_image[:n, :n]

    def current_kernel(self) -> np.ndarray:
        if self._fixed_kernel is not None:
            return self._fixed_kernel
        return self._kernels[int(self.kernel_size.value)]

    def prefetch_sliders(self) -> list:
        if self.correlate is not None:
            return []
        return [self.stride, self.padding, self.kernel_size]  # the pointer moves position

    def update(self) -> None:
        """Read the controls, compute, redraw. Never raises: problems go to ``message``."""
        image, kernel = self.current_image(), self.current_kernel()
        stride, padding = int(self.stride.value), int(self.padding.value)
        if not self._compute(image, kernel, stride, padding):
            return
        self._padded, self._kernel = conv.pad2d(image, padding), kernel
        self._in_shape, self._out_shape = self._padded.shape, self.reference.shape
        self.skipped = ~visited_mask(self._padded.shape, kernel.shape, stride)
        n_pos = self.reference.size
        self._draw_grids(padding)
        if self.position.max != n_pos - 1 or self.play.max != n_pos - 1:
            self.play.max = n_pos - 1
            self.position.max = n_pos - 1  # may clamp position.value, which calls _select()
        self._select()

    # ---- pointing -----------------------------------------------------------------------------
    def _select(self) -> None:
        """Put the window on output cell number ``position`` and write out its multiply-add."""
        if self._padded is None:
            return
        ho, wo = self.reference.shape
        i, j = divmod(min(int(self.position.value), ho * wo - 1), wo)
        s = int(self.stride.value)
        kh, kw = self._kernel.shape
        self.out_index, self.readers = (i, j), []
        self.window = (slice(i * s, i * s + kh), slice(j * s, j * s + kw))
        future = [(r, c) for r in range(ho) for c in range(wo) if r * wo + c > i * wo + j]
        self.caption = self._sum_caption(i, j)
        self.board.show([highlight("input", window_cells(i * s, i * s + kh, j * s, j * s + kw),
                                   "sw-window hl-window"),
                         highlight("output", [(i, j)], "sw-current hl-current"),
                         highlight("output", future, "sw-future hl-future")],
                        self.caption, self._take_answer())

    def _show_readers(self, r: int, c: int) -> None:
        """Highlight input cell (r, c) of the padded input and every output cell that reads it."""
        s = int(self.stride.value)
        kh, kw = self._kernel.shape
        ho, wo = self.reference.shape
        self.readers = windows_reading((r, c), (kh, kw), s, (ho, wo))
        p = int(self.padding.value)
        hp, wp = self._padded.shape
        where = (" (padding)" if r < p or c < p or r >= hp - p or c >= wp - p else "")
        name = f"padded input[{r}, {c}] = {_fmt(self._padded[r, c])}{where}"
        if self.readers:
            outs = ", ".join(f"out[{i}, {j}]" for i, j in self.readers)
            n = len(self.readers)
            self.caption = (f"<b>{name}</b> is read by {n} output cell{'s' if n > 1 else ''}: "
                            f"{outs}")
        else:
            self.caption = (f"<b>{name}</b> is read by no output cell: with stride {s} no window "
                            f"covers it")
        self.board.show([highlight("input", [(r, c)], "sw-source hl-source"),
                         highlight("output", self.readers, "sw-reader hl-reader")],
                        self.caption, self._take_answer())

    # ---- drawing (the board's grids: small, so every number stays readable) -------------------
    def _sum_caption(self, i: int, j: int) -> str:
        rs, cs = self.window
        win, kernel = self._padded[rs, cs], self._kernel
        terms = " + ".join(f"{_term(a)}&times;{_term(b)}" for a, b in zip(win.ravel(), kernel.ravel()))
        value, want = self.output[i, j], self.reference[i, j]
        text = f"<b>out[{i}, {j}]</b> = {terms} = <b>{_fmt(want)}</b>"
        if self.correlate is not None and not np.isclose(value, want):
            text += (f' <span style="color:#a4262c">(your function gives {_fmt(value)}, '
                     f"the multiply-add gives {_fmt(want)})</span>")
        if self.comparison:
            good = self.comparison.startswith("matches")
            color = "#1b7f3b" if good else "#a4262c"
            text += (f'<br><span style="color:{color}">your correlate: '
                     f"{html.escape(self.comparison)}</span>")
        return text

    def _draw_grids(self, padding: int) -> None:
        padded, kernel, out = self._padded, self._kernel, self.output
        h, w = self.current_image().shape
        ho, wo = out.shape
        n_skip = int(self.skipped.sum())
        skip_note = (f"; {n_skip} cells of the padded input are never visited (marked &times;)"
                     if n_skip else "")
        self.shape_label.value = (f"input ({h}, {w}), kernel {kernel.shape}, stride "
                                  f"{self.stride.value}, padding {padding} &rarr; "
                                  f"<b>output shape ({ho}, {wo})</b>{skip_note}")
        hp, wp = padded.shape
        lo, hi = float(padded.min()), float(padded.max())
        span = hi - lo if hi > lo else 1.0  # light grays only, so the numbers stay readable
        r, c = np.indices(padded.shape)
        is_pad = (r < padding) | (c < padding) | (r >= hp - padding) | (c >= wp - padding)
        classes = np.full(padded.shape, "sw-in", dtype=object)
        classes[is_pad] += " sw-pad cl-pad"
        classes[self.skipped] += " sw-skipped cl-skipped"
        text = [_fmt(v) + ("×" if sk else "") for v, sk in zip(padded.ravel(), self.skipped.ravel())]
        k_lim, o_lim = signed_limit(kernel), signed_limit(out)
        self.board.grids = [
            grid_spec("input", "<b>input</b> (padding dashed, window orange)", padded,
                      cmap="Greys", vmin=lo - 0.3 * span, vmax=hi + 0.9 * span, text=text,
                      classes=classes),
            grid_spec("kernel", "<b>kernel</b>", kernel, cmap="RdBu_r", vmin=-k_lim, vmax=k_lim,
                      text=[_fmt(v) for v in kernel.ravel()],
                      legend=_gradient_bar("RdBu_r", -k_lim, k_lim)),
            grid_spec("output", "<b>output</b> (current cell orange)", out, cmap="RdBu_r",
                      vmin=-o_lim, vmax=o_lim, text=[_fmt(v) for v in out.ravel()],
                      classes=np.full(out.shape, "sw-out", dtype=object),
                      legend=_gradient_bar("RdBu_r", -o_lim, o_lim)),
        ]


def sliding_window_explorer(size: int = 7, kernel_size: int = 3, stride: int = 2,
                            padding: int = 0, image: np.ndarray | None = None,
                            kernel: np.ndarray | None = None, correlate: Callable | None = None,
                            seed: int = 0) -> SlidingWindowExplorer:
    """The window sliding over a small grid of numbers, one output cell at a time.

    Args:
        size: side of the random integer input (3..9); ignored when ``image`` is given.
        kernel_size: side of the random kernel of -1, 0, 1 entries (1..5); ignored with ``kernel``.
        stride, padding: starting values of the sliders.
        image, kernel: optional fixed 2-D arrays to use instead of the random ones.
        correlate: optional learner's function, as in :func:`kernel_explorer`.
        seed: seed of the random input and kernels.

    Returns:
        a :class:`SlidingWindowExplorer`; move ``position`` (or press Play) to slide the window.

    Example:
        >>> ex = sliding_window_explorer(size=7, kernel_size=3, stride=2)
        >>> ex.output.shape
        (3, 3)
        >>> ex.position.value = 4
        >>> ex.out_index, ex.window
        ((1, 1), (slice(2, 5, None), slice(2, 5, None)))
    """
    return SlidingWindowExplorer(size=size, kernel_size=kernel_size, stride=stride,
                                 padding=padding, image=image, kernel=kernel,
                                 correlate=correlate, seed=seed)
