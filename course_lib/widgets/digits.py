"""The digit explorers of lesson 08: a digit through a trained Keras CNN.

* :func:`digit_explorer`: pick a test digit and see the digit, the feature maps of the network's
  "conv" layer and its ten class probabilities.
* :func:`digit_pad`: draw your own digit with the mouse; it is reduced to the dataset's 8x8 form
  the way scikit-learn's digits were made (:func:`digit_from_drawing`), and the same picture
  updates as you draw.

Both are :class:`~course_lib.widgets._base.Explorer` s whose ``update()`` runs the network
(one forward pass of a probe model built once, :class:`_Network`) and writes one HTML panel of
small PNGs and bars (:func:`_panel`): no matplotlib figure is rebuilt on a change, so an update
costs a few milliseconds. Nothing a learner does raises into the notebook: a problem shows a
message and the last good picture stays.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import anywidget
import ipywidgets as W
import numpy as np
import traitlets as T

from course_lib import _args, cnn
from course_lib.plotting import signed_limit
from course_lib.widgets._base import Explorer
from course_lib.widgets._render import to_png, to_rgb

__all__ = ["DigitExplorer", "digit_explorer", "DrawDigitExplorer", "digit_pad", "DrawingPad",
           "digit_from_drawing"]

_CSS = """<style>
.cl-digits-panel {font-family:sans-serif; font-size:13px; display:flex; gap:22px;
  align-items:flex-start; flex-wrap:wrap}
.cl-digits-panel img {image-rendering:pixelated; display:block}
.cl-digits-maps {display:grid; grid-template-columns:repeat(8, 52px); gap:4px 4px}
.cl-digits-maps figure {margin:0; text-align:center; font-size:10px; color:#555}
.cl-digits-bars td {padding:1px 4px; font-size:12px}
.cl-digits-bar {height:12px; background:#7a9cc6}
.cl-digits-top .cl-digits-bar {background:#d9822b}
.cl-digits-text pre {margin:4px 0; font-size:12px}
</style>"""

BLOCK = 4       # the dataset counts set pixels in 4x4 blocks ...
SIDE = 32       # ... of a 32x32 bitmap, which gives 8x8 images of counts 0..16


def digit_from_drawing(bitmap: np.ndarray, centre: bool = True) -> np.ndarray:
    """A 32x32 drawing in the form of scikit-learn's digits, scaled as ``load_digits`` scales them.

    The dataset (UCI optdigits) was made from 32x32 bitmaps of handwritten digits by counting the
    set pixels in each non-overlapping 4x4 block, which gives an 8x8 image of counts 0..16;
    ``course_lib.data.load_digits`` divides them by 16.

    Args:
        bitmap: ``(32, 32)`` array, nonzero where there is ink.
        centre: first shift the ink so that its bounding box is centred on the pad, as the
            dataset's digits are (the network has not seen digits drawn in a corner).

    Returns:
        ``(8, 8)`` float32 in [0, 1].

    Example:
        >>> pad = np.zeros((32, 32)); pad[:4, :4] = 1
        >>> digit_from_drawing(pad, centre=False)[0, 0]
        1.0
    """
    b = np.asarray(bitmap)
    if b.shape != (SIDE, SIDE):
        raise ValueError(f"bitmap must have shape ({SIDE}, {SIDE}), got {b.shape}")
    b = (b != 0).astype(np.float32)
    if centre and b.any():
        rows, cols = np.flatnonzero(b.any(axis=1)), np.flatnonzero(b.any(axis=0))
        dr = (SIDE - 1 - rows[-1] - rows[0]) // 2
        dc = (SIDE - 1 - cols[-1] - cols[0]) // 2
        b = np.roll(b, (dr, dc), axis=(0, 1))  # the ink's box fits, so nothing wraps round
    n = SIDE // BLOCK
    return b.reshape(n, BLOCK, n, BLOCK).sum(axis=(1, 3)) / (BLOCK * BLOCK)


class _Network:
    """A trained Keras model with a "conv" layer, asked for its feature maps and probabilities
    in one forward pass (the probe model is built once, not on every change)."""

    def __init__(self, model):
        keras = cnn.keras
        if not isinstance(model, keras.Model):
            raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
        try:
            conv_layer = model.get_layer("conv")
        except ValueError:
            raise ValueError("model must have a layer named 'conv' (as "
                             "course_lib.cnn.build_keras_cnn builds it)") from None
        self.model = model
        self.probe = keras.Model(model.inputs, [conv_layer.output, model.outputs[0]])

    def __call__(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(maps (H', W', F), probabilities (classes,)) of one (H, W) or (H, W, 1) image."""
        x = np.asarray(image, dtype=np.float32).reshape(1, *image.shape[:2], 1)
        maps, probs = self.probe([x], training=False)
        return cnn.to_numpy(maps)[0], cnn.to_numpy(probs)[0]


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _panel(image: np.ndarray, maps: np.ndarray, probs: np.ndarray, title: str,
           label: int | None = None) -> str:
    """One HTML panel: the 8x8 input, the feature maps on one shared scale, the probabilities."""
    image = np.asarray(image, dtype=np.float32).reshape(image.shape[:2])
    img = to_png(image, "gray_r", 0.0, 1.0, scale=16)
    signed = float(maps.min()) < 0
    lim = signed_limit(maps)
    cmap, lo = ("RdBu_r", -lim) if signed else ("viridis", 0.0)
    figs = "".join(
        f'<figure><img src="{_data_uri(to_png(maps[:, :, f], cmap, lo, lim, scale=8))}" '
        f'width="48" height="48" alt="feature map {f}"><figcaption>{f}</figcaption></figure>'
        for f in range(maps.shape[-1]))
    stops = to_rgb(np.linspace(0, 1, 9, dtype=np.float32)[None, :], cmap, 0.0, 1.0)[0]
    grad = ", ".join(f"#{r:02x}{g:02x}{b:02x}" for r, g, b in stops.tolist())
    bar = (f'<div style="display:flex;align-items:center;gap:4px;font-size:11px;margin-top:4px">'
           f'activation {lo:.2g}<div style="width:160px;height:10px;border:1px solid #999;'
           f'background:linear-gradient(to right, {grad})"></div>{lim:.2g}</div>')
    top = int(np.argmax(probs))
    rows = "".join(
        f'<tr class="{"cl-digits-top" if k == top else ""}"><td><b>{k}</b>'
        f'{" (label)" if k == label else ""}</td><td style="width:160px">'
        f'<div class="cl-digits-bar" style="width:{100 * float(p):.1f}%"></div></td>'
        f"<td>{float(p):.2f}</td></tr>" for k, p in enumerate(probs))
    return (f'<div><b>{html.escape(title)}</b></div><div class="cl-digits-panel">'
            f'<div>input (8&times;8, dark = ink)<img src="{_data_uri(img)}" width="128" '
            f'height="128" alt="input digit" style="border:1px solid #999"></div>'
            f"<div>its {maps.shape[-1]} feature maps after Conv2D + ReLU "
            f"({maps.shape[0]}&times;{maps.shape[1]} each, one colour scale)"
            f'<div class="cl-digits-maps">{figs}</div>{bar}</div>'
            f'<div>probabilities<table class="cl-digits-bars">{rows}</table></div></div>')


class DigitExplorer(Explorer):
    """One test digit through a trained Keras CNN, live.

    Args:
        model: a trained Keras model with a layer named ``conv`` (e.g. from
            ``course_lib.cnn.build_keras_cnn``), mapping ``(N, H, W, 1)`` to ``(N, classes)``
            probabilities.
        x: ``(N, H, W)`` or ``(N, H, W, 1)`` images.
        y: ``(N,)`` integer labels.
        index: the digit shown first, ``0 .. N - 1``.
        probs: ``(N, classes)`` probabilities the model gives ``x``, if already computed
            (default: ``model.predict`` once, here).

    Attributes after ``update()``: ``probabilities`` (the shown digit's ``(classes,)`` row),
    ``predicted`` (its arg max), ``maps`` (``(H', W', F)`` conv feature maps), ``text`` (the
    lines shown above the picture), ``picture`` (the ``ipywidgets.HTML`` panel), ``wrong``
    (indices of the misclassified digits), ``ok`` (False while the index is invalid).
    """

    def __init__(self, model, x: np.ndarray, y: np.ndarray, index: int = 0,
                 probs: np.ndarray | None = None):
        x = np.asarray(x)
        if x.ndim == 3:
            x = x[..., None]
        if x.ndim != 4 or x.shape[-1] != 1:
            raise ValueError(f"x must have shape (N, H, W) or (N, H, W, 1), got {x.shape}")
        y = np.asarray(y)
        if y.shape != (len(x),) or y.dtype.kind not in "iu":
            raise ValueError(f"y must be ({len(x)},) integer labels (one per image of x), got "
                             f"shape {y.shape} dtype {y.dtype}")
        index = _args.integer(index, "index", 0, len(x) - 1)
        self.network = _Network(model)
        if probs is None:
            probs = model.predict(x.astype(np.float32), verbose=0)
        probs = np.asarray(probs)
        if probs.ndim != 2 or len(probs) != len(x):
            raise ValueError(f"probs must have shape ({len(x)}, classes), got {probs.shape}")
        super().__init__()
        self.status.add_class("cl-digits-msg")
        self.model, self.x, self.y, self.probs = model, x, y, probs
        self.y_pred = probs.argmax(axis=1)
        self.wrong = np.flatnonzero(self.y_pred != y)
        self.index = W.IntSlider(value=int(index), min=0, max=len(x) - 1,
                                 description="test digit", continuous_update=True)
        self.text_box = W.HTML()
        self.text_box.add_class("cl-digits-text")
        self.picture = W.HTML()
        self.picture.add_class("cl-digits-figure")
        self.maps = self.probabilities = self.predicted = None
        self.text = ""
        self.ok = False
        self.widget = W.VBox([W.HTML(_CSS), self.index, self.status, self.text_box,
                              self.picture])
        self.widget.add_class("digit-explorer")
        self.index.observe(self.request_update, names="value")
        self.request_update()

    def prefetch_sliders(self) -> list:
        return [self.index]

    def update(self) -> None:
        """Run the chosen digit through the model and redraw; problems go to ``message``."""
        i = self.index.value
        if not 0 <= i < len(self.x):
            self.ok = False
            self.show_problem(f"index must be from 0 to {len(self.x) - 1}, got {i}")
            return
        maps, _ = self.network(self.x[i])
        self.ok = True
        self.clear_problem()
        self.maps, self.probabilities = maps, self.probs[i]
        self.output = maps
        self.predicted = int(self.y_pred[i])
        self.text = (f"label {self.y[i]}, predicted {self.predicted} with p = "
                     f"{self.probabilities[self.predicted]:.2f}.  Misclassified digits: "
                     f"{self.wrong.tolist()}")
        self.text_box.value = f"<pre>{html.escape(self.text)}</pre>"
        self.picture.value = _panel(self.x[i], maps, self.probabilities,
                                    f"test image {i}, a {self.y[i]}", label=int(self.y[i]))


def digit_explorer(model, x: np.ndarray, y: np.ndarray, **kwargs) -> DigitExplorer:
    """Build a :class:`DigitExplorer` (arguments as the class); it displays as its widget.

    Example:
        >>> digit_explorer(model, x_test, y_test, index=3)  # doctest: +SKIP
    """
    return DigitExplorer(model, x, y, **kwargs)


class DrawingPad(anywidget.AnyWidget):
    """A 32x32 pad the learner paints with the mouse (``pad.js``); ``bitmap`` is its content,
    1024 characters '0'/'1' row by row, synced both ways (Python can clear or set it)."""

    _esm = Path(__file__).with_name("pad.js")
    bitmap = T.Unicode("0" * SIDE * SIDE).tag(sync=True)
    pixel = T.Int(8).tag(sync=True)      # screen pixels per bitmap pixel
    brush = T.Float(1.6).tag(sync=True)  # radius of the brush, in bitmap pixels

    def to_array(self) -> np.ndarray:
        """The drawing as a (32, 32) uint8 array of 0 and 1; ValueError if the bitmap is not
        1024 characters '0' or '1'."""
        s = self.bitmap
        if len(s) != SIDE * SIDE or set(s) - {"0", "1"}:
            raise ValueError(f"the pad's bitmap must be {SIDE * SIDE} characters '0' or '1', "
                             f"got {len(s)} characters")
        return (np.frombuffer(s.encode("ascii"), dtype=np.uint8) == ord("1")).astype(
            np.uint8).reshape(SIDE, SIDE)

    def draw(self, bitmap: np.ndarray) -> None:
        """Set the drawing from a (32, 32) array (nonzero = ink): what painting does."""
        b = np.asarray(bitmap)
        if b.shape != (SIDE, SIDE):
            raise ValueError(f"bitmap must have shape ({SIDE}, {SIDE}), got {b.shape}")
        self.bitmap = "".join("1" if v else "0" for v in (b != 0).ravel().tolist())

    def clear(self) -> None:
        self.bitmap = "0" * SIDE * SIDE


class DrawDigitExplorer(Explorer):
    """Draw a digit; the trained CNN's feature maps and probabilities follow the pen.

    Args:
        model: as for :class:`DigitExplorer`.
        centre: centre the ink's bounding box before reducing it (see :func:`digit_from_drawing`).

    Attributes after ``update()``: ``image`` (the ``(8, 8)`` input the network sees, or None
    while the pad is empty), ``maps``, ``probabilities``, ``predicted``, ``pad`` (the
    :class:`DrawingPad`; ``pad.draw(array)`` and ``pad.clear()`` do what the mouse does).
    """

    def __init__(self, model, centre: bool = True):
        self.network = _Network(model)
        centre = _args.flag(centre, "centre")
        super().__init__()
        self.status.add_class("cl-digits-msg")
        self.pad = DrawingPad()
        self.pad.add_class("cl-digits-pad")
        self.centre = W.Checkbox(value=centre, description="centre the drawing", indent=False)
        self.picture = W.HTML()
        self.picture.add_class("cl-digits-figure")
        self.image = self.maps = self.probabilities = self.predicted = None
        hint = W.HTML("<small>Draw one digit, large, with the mouse; the faint lines are the "
                      "4&times;4 blocks whose inked pixels become one of the 8&times;8 "
                      "input's values.</small>")
        self.widget = W.VBox([W.HTML(_CSS), hint, W.HBox([self.pad, W.VBox([self.centre,
                                                                            self.status])]),
                              self.picture])
        self.widget.add_class("digit-pad-explorer")
        self.pad.observe(self.request_update, names="bitmap")
        self.centre.observe(self.request_update, names="value")
        self.request_update()

    def update(self) -> None:
        """Reduce the drawing, run the network, redraw; an empty pad says so instead."""
        try:
            bitmap = self.pad.to_array()
        except ValueError as e:
            self.show_problem(str(e))
            return
        if not bitmap.any():
            self.image = self.maps = self.probabilities = self.predicted = None
            self.output = None
            self.clear_problem()
            self.picture.value = ("<p class='cl-digits-empty'>The pad is empty: draw a digit "
                                  "and the network's answer appears here.</p>")
            return
        image = digit_from_drawing(bitmap, centre=self.centre.value)
        maps, probs = self.network(image)
        self.image, self.maps, self.probabilities = image, maps, probs
        self.predicted = int(np.argmax(probs))
        self.output = maps
        self.clear_problem()
        self.picture.value = _panel(image, maps, probs,
                                    f"your digit: the network says {self.predicted} "
                                    f"(p = {probs[self.predicted]:.2f})")


def digit_pad(model, **kwargs) -> DrawDigitExplorer:
    """Build a :class:`DrawDigitExplorer` (arguments as the class); it displays as its widget.

    Example:
        >>> digit_pad(model)  # doctest: +SKIP
    """
    return DrawDigitExplorer(model, **kwargs)
