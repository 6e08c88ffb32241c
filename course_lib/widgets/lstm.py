"""The gate explorer of lesson 02: one LSTM cell, its gates on sliders, its memory over time.

The cell has one unit and one input. Every gate's pre-activation is its slider (the bias
``b_g``, which is the whole pre-activation when ``x_t = 0``) plus a fixed weight times the input:
the input ``x_t`` opens the input gate (weight ``INPUT_WEIGHTS["i"]``) and is what gets written
(``s̃_t = tanh(b_s + 2 x_t)``); the hidden-state weights are zero, so each gate depends on the
current input only and nothing is hidden. With the default input ``1, 0, 0, ...`` the cell writes
at step 1 and then has to keep what it wrote: drag the forget gate and watch the memory fade.

``GateExplorer.update()`` reads the controls, builds ``LSTMParams``, calls
``course_lib.lstm.lstm_trace`` and redraws (a table of the first step and one PNG); it holds no
maths. The figure is made once per input sequence; a move of a gate's slider puts the new
lines into it and redraws only them (``_render.Blitter``). An input text that is not a list of
numbers shows a message and keeps the last good output. Tests set a control's ``.value`` and
read ``trace``, ``xs``, ``table.value`` and ``message``.
"""

from __future__ import annotations

import html

import ipywidgets as W
import numpy as np

from course_lib.lstm import LSTMParams, lstm_trace
from course_lib.plotting.lstm import plot_trace, trace_parts, update_trace
from course_lib.widgets._base import Explorer
from course_lib.widgets._render import Blitter
from course_lib.widgets.rnn import parse_sequence

__all__ = ["GateExplorer", "gate_explorer", "INPUT_WEIGHTS", "MAX_STEPS", "MAX_ABS_INPUT"]

#: Fixed weights of the input x_t in each gate's pre-activation (the sliders set the biases).
INPUT_WEIGHTS = {"f": 0.0, "i": 6.0, "o": 0.0, "s": 2.0}
MAX_STEPS = 60
#: Largest |x_t| accepted: tanh and σ are flat long before it, and far larger numbers (1e308)
#: would overflow in the products and print warnings into the notebook.
MAX_ABS_INPUT = 100.0

_CSS = """<style>
.cl-lstm-msg {color:#a4262c; font-family:sans-serif; min-height:1.2em}
.cl-lstm-table table {border-collapse:collapse; font-family:sans-serif; font-size:13px}
.cl-lstm-table td, .cl-lstm-table th {border:1px solid #ccc; padding:2px 8px; text-align:right}
</style>"""

_LABELS = {"f": "forget b_f", "i": "input b_i", "o": "output b_o", "s": "candidate b_s"}


def _params(biases: dict[str, float]) -> LSTMParams:
    """One unit, one input: W_g = [0 (on h), INPUT_WEIGHTS[g] (on x)], b_g from the sliders."""
    arrays = {}
    for g in "fios":
        arrays[f"W_{g}"] = np.array([[0.0, INPUT_WEIGHTS[g]]])
        arrays[f"b_{g}"] = np.array([float(biases[g])])
    return LSTMParams(**arrays)


class GateExplorer(Explorer):
    """Move the gates of one LSTM cell and watch its cell state over a short sequence.

    Args:
        b_f, b_i, b_o, b_s: starting biases (the gates' pre-activations when x_t = 0), in [-6, 6].
        s0: starting cell state s_0, in [-2, 2].
        inputs: the input sequence as text, e.g. ``"1, 0, 0, 0"`` (1 to ``MAX_STEPS`` numbers).

    Attributes after ``update()``: ``xs`` (T, 1) the inputs, ``trace`` an ``LSTMStep`` whose
    fields ``h, s, f, i, o, s_tilde`` have shape (T, 1); ``message`` '' or why the last change
    could not be shown.
    """

    def __init__(self, b_f: float = 3.0, b_i: float = -3.0, b_o: float = 0.0, b_s: float = 0.0,
                 s0: float = 0.0, inputs: str = "1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0"):
        super().__init__()
        style = {"description_width": "110px"}
        start = {"f": b_f, "i": b_i, "o": b_o, "s": b_s}
        self.bias = {}
        for g in "fios":
            self.bias[g] = W.FloatSlider(value=start[g], min=-6.0, max=6.0, step=0.1,
                                         description=_LABELS[g], style=style,
                                         continuous_update=False, readout_format=".1f")
        self.s0 = W.FloatSlider(value=s0, min=-2.0, max=2.0, step=0.1, description="start s_0",
                                style=style, continuous_update=False, readout_format=".1f")
        self.inputs = W.Text(value=inputs, description="inputs x_t", style=style,
                             continuous_update=False, layout=W.Layout(width="520px"),
                             placeholder="numbers, e.g. 1, 0, 0, 0")
        self.table = W.HTML()
        self.table.add_class("cl-lstm-table")
        self.status.add_class("cl-lstm-msg")
        self.image = W.Image(format="png", layout=W.Layout(width="448px"))
        self.image.add_class("cl-lstm-image")
        self.xs = self.trace = None
        self._fig = self._blit = None
        controls = W.VBox([*self.bias.values(), self.s0, self.inputs])
        self.widget = W.VBox([W.HTML(_CSS), W.HBox([controls, self.table]), self.status,
                              self.image])
        self.widget.add_class("cl-lstm-gate-explorer")
        for c in (*self.bias.values(), self.s0, self.inputs):
            c.observe(self.request_update, names="value")
        self.request_update()

    def _read_inputs(self) -> np.ndarray:
        values = parse_sequence(self.inputs.value)
        if values.size > MAX_STEPS:
            raise ValueError(f"the input has {values.size} numbers; at most {MAX_STEPS} please")
        big = values[np.abs(values) > MAX_ABS_INPUT]
        if big.size:
            raise ValueError(f"{big[0]:g} is too large: inputs must lie in [-{MAX_ABS_INPUT:g}, "
                             f"{MAX_ABS_INPUT:g}] (the gates are already saturated at ±5)")
        return values[:, None]

    def prefetch_sliders(self) -> list:
        return [*self.bias.values(), self.s0]

    def update(self) -> None:
        """Recompute the cell over the input sequence from the controls and redraw."""
        try:
            xs = self._read_inputs()
        except ValueError as e:
            self.show_problem(str(e))
            return
        params = _params({g: s.value for g, s in self.bias.items()})
        trace = lstm_trace(xs, None, np.array([float(self.s0.value)]), params)
        if self.xs is not None and np.array_equal(xs, self.xs):
            update_trace(self._fig, trace)  # only the gates moved: new lines, same figure
        else:
            self._fig = plot_trace(trace, xs, title="the cell over the input sequence")
            dynamic, keyed = trace_parts(self._fig)
            self._blit = Blitter(self._fig, dynamic, keyed=keyed)
        self.image.value = self._blit.png(key=tuple(a.get_ylim() for a in self._blit.keyed))
        self.clear_problem()
        self.xs, self.trace = xs, trace
        self.output = self.image.value
        self.table.value = self._table(params)

    def _table(self, params: LSTMParams) -> str:
        tr, x1 = self.trace, float(self.xs[0, 0])
        rows = [("x_1", x1)]
        for g, name in (("f", "f_1"), ("i", "i_1"), ("o", "o_1"), ("s_tilde", "s̃_1")):
            rows.append((name, float(getattr(tr, g)[0, 0])))
        rows += [("s_1", float(tr.s[0, 0])), ("h_1", float(tr.h[0, 0])),
                 (f"s_{len(self.xs)} (last)", float(tr.s[-1, 0]))]
        body = "".join(f"<tr><th>{html.escape(k)}</th><td>{v:.3f}</td></tr>" for k, v in rows)
        return f"<table><tr><th>step 1</th><th>value</th></tr>{body}</table>"


def gate_explorer(**kwargs) -> GateExplorer:
    """Build a ``GateExplorer`` (see its arguments); display it as a cell's last expression."""
    return GateExplorer(**kwargs)
