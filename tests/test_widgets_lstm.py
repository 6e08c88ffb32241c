"""The gate explorer's update logic, driven without a browser; and the LSTM figures."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from course_lib.lstm import LSTMParams, lstm_step, lstm_trace
from course_lib.plotting.lstm import (
    IMAGES,
    draw_lstm_cell,
    plot_accuracy_vs_lag,
    plot_forget_products,
    plot_states,
    plot_trace,
    update_trace,
)
from course_lib.widgets.lstm import (
    INPUT_WEIGHTS,
    MAX_ABS_INPUT,
    MAX_STEPS,
    GateExplorer,
    gate_explorer,
)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_defaults_write_at_step_one_and_remember():
    ex = gate_explorer()
    assert "cl-lstm-gate-explorer" in ex.widget._dom_classes
    T = len(ex.xs)
    assert ex.trace.s.shape == (T, 1) and ex.xs[0, 0] == 1
    # step 1: gates are sigmoid(bias + weight * x_1)
    np.testing.assert_allclose(ex.trace.i[0, 0], _sigmoid(-3 + INPUT_WEIGHTS["i"]))
    np.testing.assert_allclose(ex.trace.f[0, 0], _sigmoid(3.0))
    assert ex.trace.s[0, 0] > 0.5  # written
    assert ex.trace.s[-1, 0] > 0.2 * ex.trace.s[0, 0]  # and still there at the end
    assert f"{ex.trace.f[0, 0]:.3f}" in ex.table.value
    assert ex.image.value[:4] == b"\x89PNG"
    assert ex.message == "" and ex.explorer is ex and ex.output == ex.image.value
    assert {"cl-explorer-msg", "cl-lstm-msg"} <= set(ex.status._dom_classes)


def test_moving_the_forget_slider_changes_the_memory():
    ex = GateExplorer()
    kept = ex.trace.s[-1, 0]
    ex.bias["f"].value = -3.0  # forget gate nearly closed... i.e. forgetting
    assert ex.trace.f[0, 0] == pytest.approx(_sigmoid(-3.0))
    assert abs(ex.trace.s[-1, 0]) < 0.01 * abs(kept)
    assert f"{_sigmoid(-3.0):.3f}" in ex.table.value


def test_output_gate_and_start_state():
    ex = GateExplorer()
    ex.bias["o"].value = -6.0
    assert np.abs(ex.trace.h).max() < 0.01
    ex.inputs.value = "0, 0, 0"
    ex.s0.value = 1.5
    expected = lstm_step(np.zeros(1), np.zeros(1), np.array([1.5]), _params_of(ex))
    np.testing.assert_allclose(ex.trace.s[0], expected.s)
    assert len(ex.xs) == 3


def _params_of(ex):
    arrays = {}
    for g in "fios":
        arrays[f"W_{g}"] = np.array([[0.0, INPUT_WEIGHTS[g]]])
        arrays[f"b_{g}"] = np.array([ex.bias[g].value])
    return LSTMParams(**arrays)


@pytest.mark.parametrize("text, words", [
    ("1, zero, 0", "'zero' is not a number"),
    ("", "at least one number"),
    (", ".join(["0"] * (MAX_STEPS + 1)), f"at most {MAX_STEPS}"),
    ("1, 1e308, -1e308", "1e+308 is too large"),
    ("nan", "'nan' is not a finite number"),
])
def test_bad_input_keeps_the_last_good_output(text, words):
    ex = GateExplorer()
    trace, image = ex.trace, ex.image.value
    ex.inputs.value = text
    assert words in ex.message and "last good output" in ex.status.value
    assert ex.trace is trace and ex.image.value == image
    ex.inputs.value = f"{MAX_ABS_INPUT:g}, 0"  # the largest allowed input is fine, no warning
    assert ex.message == "" and ex.status.value == "" and len(ex.xs) == 2
    ex.inputs.value = "1, 0"
    assert ex.message == "" and len(ex.xs) == 2


def test_figures():
    p = LSTMParams.random(1, 2, seed=0)
    xs = np.array([[1.0], [0.0], [0.0]])
    tr = lstm_trace(xs, None, None, p)
    for fig in (draw_lstm_cell(), plot_trace(tr, xs), plot_trace(tr, unit=1),
                plot_accuracy_vs_lag([5, 10], {"RNN": [1.0, 0.3], "LSTM": [1.0, 1.0]}, 0.25),
                plot_forget_products({"f = 0.9": np.cumprod(np.full(10, 0.9))}),
                plot_states(tr.s, ["unit 0", "unit 1"], title="states")):
        assert isinstance(fig, Figure)
        assert all(ax.get_title() or ax.get_ylabel() for ax in fig.axes)
    acc = plot_accuracy_vs_lag([5, 10], {"RNN": [1.0, 0.3]}, 0.25).axes[0]
    assert acc.get_xlabel() and acc.get_ylabel() == "test accuracy"
    seeds = plot_accuracy_vs_lag([5, 10], {"RNN": [[1.0, 0.8], [0.3, 0.5]],
                                           "LSTM": [[1.0, 1.0], [1.0, 1.0]],
                                           "LSTM, default": [[1.0, 1.0], [0.2, 0.3]]}, 0.25).axes[0]
    mean_line, dots = seeds.lines[0], seeds.lines[1]
    np.testing.assert_allclose(mean_line.get_ydata(), [0.9, 0.4])   # the mean over seeds
    np.testing.assert_allclose(dots.get_ydata(), [1.0, 0.8, 0.3, 0.5])  # and every seed
    assert [t.get_text() for t in seeds.get_legend().get_texts()] == ["RNN", "LSTM",
                                                                       "LSTM, default"]
    assert list(IMAGES) == ["lstm_cell.png"] and isinstance(IMAGES["lstm_cell.png"](), Figure)


def test_figure_bad_input():
    tr = lstm_trace(np.zeros((3, 1)), None, None, LSTMParams.random(1, 2, seed=0))
    with pytest.raises(ValueError, match=r"unit must be in 0..1, got 2"):
        plot_trace(tr, unit=2)
    batched = lstm_trace(np.zeros((3, 2, 1)), None, None, LSTMParams.random(1, 2, seed=0))
    with pytest.raises(ValueError, match=r"shape \(T, H\)"):
        plot_trace(batched)
    with pytest.raises(ValueError, match=r"accuracies\['RNN'\] has 1 values for 2 lags"):
        plot_accuracy_vs_lag([5, 10], {"RNN": [1.0]}, 0.25)
    with pytest.raises(ValueError, match=r"must have shape \(2,\) or \(2, n_seeds\)"):
        plot_accuracy_vs_lag([5, 10], {"RNN": [[1.0, 0.5]]}, 0.25)
    with pytest.raises(ValueError, match=r"values must have shape \(T, 3\)"):
        plot_states(tr.s, ["a", "b", "c"])


def test_slider_moves_reuse_the_figure_and_new_inputs_make_a_new_one():
    ex = GateExplorer()
    fig = ex._fig
    ex.bias["o"].value = 2.0
    assert ex._fig is fig
    line = next(ln for ax in fig.axes for ln in ax.get_lines() if ln.get_gid() == "o")
    np.testing.assert_allclose(line.get_ydata(), ex.trace.o[:, 0])
    ex.inputs.value = "1, 0, 0"
    assert ex._fig is not fig and len(ex.trace.s) == 3


def test_gate_moves_are_blitted_and_match_a_fresh_picture():
    """After slider moves the picture is pixel for pixel the one a new explorer draws for the
    same settings, and moving back and forth draws no whole figure again."""
    ex = GateExplorer()
    for b_f in (2.0, 3.0, 2.0, 3.0, 2.0):
        ex.bias["f"].value = b_f
    assert ex._blit.full_draws == 1
    assert ex.image.value == GateExplorer(b_f=2.0).image.value


def test_state_panel_limits_move_in_steps():
    p = LSTMParams.random(1, 1, seed=0)
    tr = lstm_trace(np.zeros((3, 1)), None, np.array([0.3]), p)
    fig = plot_trace(tr)
    ax = next(ln.axes for ln in fig.axes[-1].get_lines() if ln.get_gid() == "s")
    lo, hi = ax.get_ylim()
    assert lo <= tr.s.min() and hi >= 1.4 * tr.s.max() and lo / 0.5 == round(lo / 0.5)
    update_trace(fig, lstm_trace(np.zeros((3, 1)), None, np.array([0.31]), p))
    assert ax.get_ylim() == (lo, hi)  # a small change keeps the axis
    big = lstm_trace(np.zeros((3, 1)), None, np.array([40.0]), p)
    update_trace(fig, big)
    assert ax.get_ylim()[1] >= big.s.max() > 5 * hi


def test_update_trace_checks_its_figure():
    p = LSTMParams.random(1, 1, seed=0)
    tr3 = lstm_trace(np.zeros((3, 1)), None, None, p)
    tr4 = lstm_trace(np.ones((4, 1)), None, None, p)
    fig = plot_trace(tr3)
    update_trace(fig, lstm_trace(np.ones((3, 1)), None, None, p))
    with pytest.raises(ValueError, match="the trace has 4 steps but the figure shows 3"):
        update_trace(fig, tr4)
    with pytest.raises(ValueError, match="made by plot_trace"):
        update_trace(draw_lstm_cell(), tr3)
