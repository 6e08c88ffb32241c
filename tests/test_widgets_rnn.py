"""The unroll explorer's update logic, without a browser: set a control, read the new output."""

import numpy as np
import pytest

from course_lib.rnn import RNNParams, gradient_norms_by_lag, rnn_forward
from course_lib.widgets.rnn import UnrollExplorer, parse_sequence, unroll_explorer


@pytest.fixture(scope="module")
def explorer():
    return unroll_explorer(T=6, rho=0.9, inputs="impulse", scale=0.5)


def test_initial_state_is_the_library_result(explorer):
    p = RNNParams.orthogonal(1, 8, 1, spectral_radius=0.9, seed=0)
    xs = np.zeros((6, 1, 1))
    xs[0] = 0.5
    np.testing.assert_allclose(explorer.xs, xs)
    np.testing.assert_allclose(explorer.h, rnn_forward(xs, None, p).h[:, 0])
    np.testing.assert_allclose(explorer.grad_norms, gradient_norms_by_lag(p, xs))
    assert explorer.image.value[:4] == b"\x89PNG"
    assert "cl-rnn-unroll-explorer" in explorer.widget._dom_classes
    assert explorer.message == "" and explorer.status.value == ""
    assert {"cl-explorer-msg", "cl-rnn-msg"} <= set(explorer.status._dom_classes)
    assert explorer.explorer is explorer and explorer.output == explorer.image.value
    assert "h<sub>6</sub>" in explorer.info.value


def test_sequence_length_changes_the_unrolled_length(explorer):
    explorer.T.value = 15
    assert explorer.h.shape == (15, 8) and explorer.grad_norms.shape == (15,)
    assert "h<sub>15</sub>" in explorer.info.value
    explorer.T.value = 6


def test_spectral_radius_makes_gradients_vanish_or_explode(explorer):
    explorer.inputs.value = "zeros"
    explorer.rho.value = 0.5
    small = explorer.grad_norms[-1]
    before = explorer.image.value
    explorer.rho.value = 1.5
    big = explorer.grad_norms[-1]
    assert small == pytest.approx(0.5**5) and big == pytest.approx(1.5**5)
    assert explorer.image.value != before
    explorer.rho.value, explorer.inputs.value = 0.9, "impulse"


def test_input_choice_and_scale(explorer):
    explorer.inputs.value = "step"
    np.testing.assert_allclose(explorer.xs[:, 0, 0], 0.5)
    explorer.scale.value = 2.0
    np.testing.assert_allclose(explorer.xs[:, 0, 0], 2.0)
    assert explorer.custom.disabled
    explorer.scale.value, explorer.inputs.value = 0.5, "impulse"


def test_custom_sequence_and_invalid_text_keeps_last_good_output(explorer):
    explorer.inputs.value = "custom"
    assert not explorer.custom.disabled
    explorer.custom.value = "1, 0, -2"
    np.testing.assert_allclose(explorer.xs[:, 0, 0], [0.5, 0, -1, 0, 0, 0])
    h, image = explorer.h.copy(), explorer.image.value
    explorer.custom.value = "1, x"
    assert "'x' is not a number" in explorer.message
    assert "&#x27;x&#x27; is not a number" in explorer.status.value
    assert "last good output" in explorer.status.value
    np.testing.assert_array_equal(explorer.h, h)
    assert explorer.image.value == image
    explorer.custom.value = "1 1 1 1 1 1 1 1"  # longer than T = 6
    assert "8 numbers but T = 6" in explorer.message
    explorer.custom.value = "0.5 0.5"
    assert explorer.message == "" and explorer.status.value == ""
    np.testing.assert_allclose(explorer.xs[:2, 0, 0], 0.25)
    explorer.inputs.value = "impulse"


def test_edge_settings_do_not_raise():
    e = UnrollExplorer(T=1, rho=0.0, inputs="zeros", hidden_size=3)
    assert e.h.shape == (1, 3) and e.grad_norms.tolist() == [1.0]
    assert e.message == "" and e.image.value[:4] == b"\x89PNG"
    e.T.value = 3  # W = 0: nothing flows back through time
    np.testing.assert_array_equal(e.grad_norms, [1.0, 0.0, 0.0])
    assert "cl-rnn-rho" in e.rho._dom_classes


def test_parse_sequence():
    np.testing.assert_array_equal(parse_sequence(" 1, 0 ,-1  2.5"), [1, 0, -1, 2.5])
    for bad, words in [("", "at least one number"), ("1, two", "'two' is not a number"),
                       ("1, nan", "not a finite number")]:
        with pytest.raises(ValueError, match=words):
            parse_sequence(bad)


def test_bad_constructor_argument():
    with pytest.raises(ValueError, match="inputs must be one of"):
        UnrollExplorer(inputs="square")


@pytest.mark.parametrize("kwargs, exc, words", [
    (dict(T=100), ValueError, r"T must be an integer in \[1, 40\], got 100"),   # not clipped to 40
    (dict(T=0), ValueError, "T must be an integer in"),
    (dict(T=2.5), TypeError, "T must be an integer"),
    (dict(rho=5.0), ValueError, "rho must be a finite number >= 0.0 and <= 2.0, got 5.0"),
    (dict(scale=-1), ValueError, "scale must be a finite number >= 0.0"),
    (dict(rho="0.9"), TypeError, "rho must be a number"),
    (dict(hidden_size=0), ValueError, "hidden_size must be an integer >= 1"),
    (dict(seed=-1), ValueError, "seed must be an integer >= 0"),
])
def test_starting_values_outside_the_sliders_are_refused(kwargs, exc, words):
    with pytest.raises(exc, match=words):
        UnrollExplorer(**kwargs)


def test_a_move_of_rho_redraws_only_what_changes_and_matches_a_fresh_picture():
    """The blitted picture after moves is the picture a new explorer draws for the same
    settings (pixel for pixel), and moving rho back and forth draws no whole figure again."""
    e = UnrollExplorer(T=20, rho=0.9)
    picture, blit = e._picture(20)
    for rho in (1.2, 0.9, 1.2, 0.9, 1.2):
        e.rho.value = rho
    assert blit.full_draws == 1 and blit.keyed_draws == 3  # states once, gradients twice
    fresh = UnrollExplorer(T=20, rho=1.2)
    assert e.image.value == fresh.image.value
    e.T.value = 30  # the graph still shows 12 steps: the same picture, two axes drawn
    assert e._picture(30)[0] is picture and blit.full_draws == 1 and blit.keyed_draws == 5
    assert e.image.value == UnrollExplorer(T=30, rho=1.2).image.value
    e.T.value = 7  # a smaller graph: a new picture; the one for 12 steps is kept
    assert e.h.shape == (7, 8) and e._picture(20)[0] is picture
    e.T.value = 8
    assert e._picture(8)[0] is not e._picture(7)[0]  # numbered nodes: one picture per T


def test_unknown_problems_in_an_update_are_reported_not_raised(monkeypatch):
    e = UnrollExplorer(T=5)
    good = e.image.value
    monkeypatch.setattr("course_lib.widgets.rnn.rnn_forward",
                        lambda *a: (_ for _ in ()).throw(FloatingPointError("overflow")))
    e.rho.value = 1.5
    assert e.message == "FloatingPointError: overflow" and e.image.value == good
