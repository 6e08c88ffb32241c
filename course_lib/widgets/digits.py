"""The digit explorer of lesson 08: one test digit through a trained Keras CNN.

Pick a test digit and see what the network makes of it: the digit, the feature maps of its
"conv" layer and the class probabilities.

:func:`digit_explorer` builds a :class:`DigitExplorer` and returns its widget. Its ``update()``
reads the slider, calls ``course_lib.cnn.layer_outputs`` (the network) and
``course_lib.plotting.training.plot_feature_maps`` (the figure): no maths lives here. An
invalid index shows a message inside the widget and keeps the last good output. Tests set
``index.value`` and read ``maps``, ``probabilities``, ``text`` and ``figure``.
"""

from __future__ import annotations

import html
import numbers

import ipywidgets as W
import numpy as np

from course_lib import cnn
from course_lib.plotting.training import plot_feature_maps
from course_lib.widgets._render import figure_png

__all__ = ["DigitExplorer", "digit_explorer"]

_CSS = """<style>
.cl-digits-msg {color:#a4262c; font-family:sans-serif; min-height:1.2em}
.cl-digits-text pre {margin:4px 0; font-size:12px}
</style>"""


class DigitExplorer:
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
    lines shown above the figure), ``figure`` (``ipywidgets.Image``), ``wrong`` (indices of the
    misclassified digits), ``ok`` (False while the index is invalid).
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
        if isinstance(index, bool) or not isinstance(index, numbers.Integral) \
                or not 0 <= index < len(x):
            raise ValueError(f"index must be an int from 0 to {len(x) - 1}, got {index!r}")
        if probs is None:
            probs = model.predict(x.astype(np.float32), verbose=0)
        probs = np.asarray(probs)
        if probs.ndim != 2 or len(probs) != len(x):
            raise ValueError(f"probs must have shape ({len(x)}, classes), got {probs.shape}")
        self.model, self.x, self.y, self.probs = model, x, y, probs
        self.y_pred = probs.argmax(axis=1)
        self.wrong = np.flatnonzero(self.y_pred != y)
        self.index = W.IntSlider(value=int(index), min=0, max=len(x) - 1,
                                 description="test digit", continuous_update=False)
        self.text_box = W.HTML()
        self.text_box.add_class("cl-digits-text")
        self.figure = W.Image(format="png")
        self.figure.add_class("cl-digits-figure")
        self.message = W.HTML()
        self.message.add_class("cl-digits-msg")
        self.maps = self.probabilities = self.predicted = None
        self.text = ""
        self.ok = False
        self.widget = W.VBox([W.HTML(_CSS), self.index, self.message, self.text_box,
                              self.figure])
        self.widget.add_class("digit-explorer")
        self.index.observe(self.update, names="value")
        self.update()

    def update(self, *_):
        """Run the chosen digit through the model and redraw; errors go to ``message``."""
        i = self.index.value
        try:
            if not 0 <= i < len(self.x):
                raise ValueError(f"index must be from 0 to {len(self.x) - 1}, got {i}")
            maps = cnn.layer_outputs(self.model, self.x[i:i + 1].astype(np.float32))["conv"][0]
        except (ValueError, TypeError, KeyError) as e:
            self.ok = False
            self.message.value = html.escape(f"{type(e).__name__}: {e} "
                                             "(showing the last good output)")
            return
        fig = plot_feature_maps(self.x[i], maps,
                                title=f"test image {i}, a {self.y[i]}: its feature maps")
        self.ok = True
        self.message.value = ""
        self.maps, self.probabilities = maps, self.probs[i]
        self.predicted = int(self.y_pred[i])
        self.text = (f"label {self.y[i]}, predicted {self.predicted} with p = "
                     f"{self.probabilities[self.predicted]:.2f}.  Misclassified digits: "
                     f"{self.wrong.tolist()}\n"
                     f"probabilities of 0 to {len(self.probabilities) - 1}: {np.round(self.probabilities, 2)}")
        self.text_box.value = f"<pre>{html.escape(self.text)}</pre>"
        self.figure.value = figure_png(fig)


def digit_explorer(model, x: np.ndarray, y: np.ndarray, **kwargs) -> W.VBox:
    """Build a :class:`DigitExplorer` and return its widget (arguments as the class).

    Example:
        >>> digit_explorer(model, x_test, y_test, index=3)  # doctest: +SKIP
    """
    explorer = DigitExplorer(model, x, y, **kwargs)
    explorer.widget.explorer = explorer  # keep a handle for tests and curious learners
    return explorer.widget
