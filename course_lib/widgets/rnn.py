"""The unroll explorer of lesson 01: an RNN unrolled over T steps, its hidden states and how a
gradient from the last step travels back in time.

Controls: sequence length T, the spectral radius ρ of W, the input sequence (a named kind or
your own numbers) and its amplitude. The RNN has one input, ``hidden_size`` units and
``W = ρ Q`` with Q orthogonal (``RNNParams.orthogonal``), so ρ is exactly the factor by which a
small-state gradient shrinks or grows per step.

``UnrollExplorer.update()`` reads the controls, calls ``course_lib.rnn`` and redraws one PNG
(``course_lib.plotting.rnn.UnrollPicture``); it holds no maths. The picture is made once
per size of the drawn graph (every T from 12 up shares one); a move of a slider gives its
artists new numbers and redraws those (``_render.Blitter``), so the picture follows the hand. Invalid input (e.g. a
custom sequence that is not a list of numbers) shows a message and keeps the last good
picture. Tests set a control's ``.value`` and read ``h``, ``grad_norms``, ``xs`` and ``message``.
"""

from __future__ import annotations

from collections import OrderedDict

import ipywidgets as W
import numpy as np

from course_lib import _args
from course_lib.plotting.rnn import UnrollPicture
from course_lib.rnn import (
    INPUT_KINDS,
    RNNParams,
    example_inputs,
    gradient_norms_by_lag,
    rnn_forward,
)
from course_lib.widgets._base import Explorer
from course_lib.widgets._render import Blitter

__all__ = ["UnrollExplorer", "unroll_explorer", "parse_sequence"]

CUSTOM = "custom"
#: Pictures kept for the graph sizes seen recently (a picture and its backgrounds: <= 15 MB).
_PICTURES_KEPT = 3

_CSS = """<style>
.cl-rnn-msg {color:#a4262c; font-family:sans-serif; min-height:1.2em}
.cl-rnn-info {font-family:sans-serif; font-size:13px}
</style>"""


def parse_sequence(text: str) -> np.ndarray:
    """Numbers separated by commas or spaces, e.g. ``"1, 0, 0, -1"`` -> array([1., 0., 0., -1.]).

    Raises:
        ValueError: naming the first entry that is not a finite number, or if there is none.
    """
    parts = [p for p in text.replace(",", " ").split() if p]
    if not parts:
        raise ValueError("type at least one number, e.g. 1, 0, 0, -1")
    values = []
    for p in parts:
        try:
            v = float(p)
        except ValueError:
            raise ValueError(f"{p!r} is not a number; separate numbers with commas") from None
        if not np.isfinite(v):
            raise ValueError(f"{p!r} is not a finite number")
        values.append(v)
    return np.array(values)


def _check_start(name: str, value, lo, hi, kind: type) -> None:
    """A slider's starting value (a slider would clip one outside its range silently)."""
    (_args.integer if kind is int else _args.real)(value, name, lo, hi)


class UnrollExplorer(Explorer):
    """Unroll an RNN over T steps and watch its states and its gradients.

    Args:
        T: starting sequence length (1 to 40).
        rho: starting spectral radius of W (0 to 2).
        inputs: a kind of ``course_lib.rnn.INPUT_KINDS`` or ``"custom"``.
        scale: amplitude multiplying the input sequence.
        hidden_size: H. seed: seeds the parameters (and the "noise" input).

    Attributes after ``update()``: ``xs`` (T, 1, 1), ``h`` (T, H) hidden states,
    ``grad_norms`` (T,) ``||dL/dh_{T-k}||`` by lag k; ``message`` '' or why the last change
    could not be shown.
    """

    def __init__(self, T: int = 12, rho: float = 0.9, inputs: str = "impulse", scale: float = 0.5,
                 hidden_size: int = 8, seed: int = 0):
        if inputs not in INPUT_KINDS + (CUSTOM,):
            raise ValueError(f"inputs must be one of {INPUT_KINDS + (CUSTOM,)}, got {inputs!r}")
        # the sliders would silently clip a starting value outside their range: refuse it instead
        for name, value, lo, hi, kind in (("T", T, 1, 40, int), ("rho", rho, 0.0, 2.0, float),
                                          ("scale", scale, 0.0, 3.0, float),
                                          ("hidden_size", hidden_size, 1, None, int),
                                          ("seed", seed, 0, None, int)):
            _check_start(name, value, lo, hi, kind)
        super().__init__()
        self.hidden_size, self.seed = hidden_size, seed
        style = {"description_width": "120px"}
        self.T = W.IntSlider(value=T, min=1, max=40, description="steps T", style=style,
                             continuous_update=False)
        self.rho = W.FloatSlider(value=rho, min=0.0, max=2.0, step=0.05, description="spectral radius ρ",
                                 style=style, continuous_update=False, readout_format=".2f")
        self.inputs = W.Dropdown(options=list(INPUT_KINDS) + [CUSTOM], value=inputs,
                                 description="input x_t", style=style)
        self.scale = W.FloatSlider(value=scale, min=0.0, max=3.0, step=0.05, description="input scale",
                                   style=style, continuous_update=False, readout_format=".2f")
        self.custom = W.Text(value="1, 0, 0, -1", description="custom x", style=style,
                             continuous_update=False,
                             placeholder="numbers, e.g. 1, 0, 0, -1 (then zeros)")
        self.image = W.Image(format="png", layout=W.Layout(width="768px"))
        self.info = W.HTML()
        self.info.add_class("cl-rnn-info")
        self.status.add_class("cl-rnn-msg")
        self.xs = self.h = self.grad_norms = None
        self._pictures: OrderedDict[int, tuple[UnrollPicture, Blitter]] = OrderedDict()  # by graph size
        controls = W.VBox([self.T, self.rho, self.inputs, self.custom, self.scale])
        self.widget = W.VBox([W.HTML(_CSS), controls, self.status, self.info, self.image])
        self.widget.add_class("cl-rnn-unroll-explorer")
        for control, name in ((self.T, "steps"), (self.rho, "rho"), (self.inputs, "inputs"),
                              (self.scale, "scale"), (self.custom, "custom"), (self.image, "image")):
            control.add_class(f"cl-rnn-{name}")
        for c in (self.T, self.rho, self.inputs, self.scale, self.custom):
            c.observe(self.request_update, names="value")
        self.request_update()

    def _inputs(self, T: int) -> np.ndarray:
        kind = self.inputs.value
        if kind != CUSTOM:
            return example_inputs(kind, T, seed=self.seed)
        values = parse_sequence(self.custom.value)
        if values.size > T:
            raise ValueError(f"the custom sequence has {values.size} numbers but T = {T}; "
                             f"raise T or shorten the sequence")
        xs = np.zeros((T, 1, 1))
        xs[: values.size, 0, 0] = values
        return xs

    def prefetch_sliders(self) -> list:
        return [self.rho, self.T, self.scale]

    def update(self) -> None:
        """Recompute states and gradient norms from the controls and redraw."""
        self.custom.disabled = self.inputs.value != CUSTOM
        T, rho, scale = int(self.T.value), float(self.rho.value), float(self.scale.value)
        try:
            xs = self._inputs(T) * scale
            params = RNNParams.orthogonal(1, self.hidden_size, 1, spectral_radius=rho,
                                          seed=self.seed)
            h = rnn_forward(xs, None, params).h[:, 0, :]
            norms = gradient_norms_by_lag(params, xs)
        except (ValueError, TypeError) as e:
            self.show_problem(str(e))
            return
        picture, blit = self._picture(T)
        picture.show(h, norms, rho)
        self.image.value = blit.png(picture.key)
        self.clear_problem()
        self.xs, self.h, self.grad_norms = xs, h, norms
        self.output = self.image.value
        k = T - 1
        self.info.value = (f"W = ρ·Q with ρ = {rho:.2f}, H = {self.hidden_size} units. "
                           f"A gradient of norm 1 at h<sub>{T}</sub> has norm "
                           f"<b>{norms[k]:.3g}</b> at h<sub>1</sub>, {k} steps back "
                           f"(ρ<sup>{k}</sup> = {rho ** k:.3g}).")

    def _picture(self, T: int) -> tuple[UnrollPicture, Blitter]:
        """A picture that fits T steps: made once for each graph size (every T from 12 up
        shares one), kept while among the last few used."""
        fit = next((k for k, (pic, _) in self._pictures.items() if pic.fits(T)), None)
        if fit is None:
            picture = UnrollPicture(T, self.hidden_size)
            fit = picture.shown
            self._pictures[fit] = picture, Blitter(picture.fig, picture.dynamic,
                                                   keyed=picture.keyed, cache_size=12)
            while len(self._pictures) > _PICTURES_KEPT:
                self._pictures.popitem(last=False)
        self._pictures.move_to_end(fit)
        return self._pictures[fit]


def unroll_explorer(**kwargs) -> UnrollExplorer:
    """Build an ``UnrollExplorer`` (see its arguments); display it as a cell's last expression."""
    return UnrollExplorer(**kwargs)
