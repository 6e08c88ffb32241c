"""The digit explorer's update logic, without a browser: move the slider, assert the new digit's
feature maps, probabilities and text (and that an invalid index keeps the last good output)."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import cnn, conv
from course_lib.data import load_digits
from course_lib.widgets.digits import DigitExplorer, digit_explorer

PNG = b"\x89PNG"
N = 24


@pytest.fixture(scope="module")
def setup():
    _, _, x_test, y_test = load_digits()
    model = cnn.build_keras_cnn(input_shape=(8, 8, 1), seed=0)  # untrained: wiring is the point
    return model, x_test[:N], y_test[:N]


def _maps_by_hand(model, image):
    """Conv2D + ReLU of one (8, 8) digit from the model's weights, with course_lib.conv."""
    k = cnn.to_numpy(model.get_layer("conv").kernel)
    b = cnn.to_numpy(model.get_layer("conv").bias)
    return np.stack([np.maximum(conv.correlate2d(image, k[:, :, 0, f]) + b[f], 0)
                     for f in range(k.shape[-1])], axis=-1)


def test_starts_at_the_given_digit(setup):
    model, x, y = setup
    ex = DigitExplorer(model, x, y, index=3)
    probs = model.predict(x[..., None], verbose=0)
    assert ex.ok and ex.message.value == ""
    np.testing.assert_allclose(ex.probabilities, probs[3], atol=1e-6)
    assert ex.predicted == int(probs[3].argmax())
    np.testing.assert_allclose(ex.maps, _maps_by_hand(model, x[3]), rtol=1e-5, atol=1e-5)
    assert ex.text.startswith(f"label {y[3]}, predicted {ex.predicted} with p = ")
    assert f"{probs[3, ex.predicted]:.2f}" in ex.text
    assert ex.wrong.tolist() == np.flatnonzero(probs.argmax(1) != y).tolist()
    assert str(ex.wrong.tolist()) in ex.text
    assert bytes(ex.figure.value).startswith(PNG)


@pytest.mark.parametrize("index", [0, 7, N - 1])
def test_moving_the_slider_shows_the_new_digit(setup, index):
    model, x, y = setup
    ex = DigitExplorer(model, x, y, index=3)
    before = ex.figure.value
    ex.index.value = index
    np.testing.assert_allclose(ex.maps, _maps_by_hand(model, x[index]), rtol=1e-5, atol=1e-5)
    assert ex.text.startswith(f"label {y[index]}, ")
    assert "probabilities of 0 to 9: [" in ex.text
    assert ex.figure.value != before


def test_given_probabilities_are_what_it_shows(setup):
    model, x, y = setup
    probs = np.eye(10, dtype=np.float32)[(y + 1) % 10]  # every digit "predicted" as the next
    ex = DigitExplorer(model, x[..., None], y, index=2, probs=probs)  # (N, H, W, 1) works too
    assert ex.predicted == (y[2] + 1) % 10
    assert ex.wrong.tolist() == list(range(N))
    assert "with p = 1.00" in ex.text


def test_invalid_index_shows_a_message_and_keeps_the_last_output(setup):
    model, x, y = setup
    ex = DigitExplorer(model, x, y, index=1)
    maps, text, fig = ex.maps, ex.text, ex.figure.value
    ex.index.max = N + 10  # the slider stops at N - 1; widen it to reach a digit that is not there
    ex.index.value = N + 5
    assert not ex.ok
    assert "index" in ex.message.value and str(N + 5) in ex.message.value
    assert "last good output" in ex.message.value
    assert ex.maps is maps and ex.text == text and ex.figure.value == fig
    ex.index.value = 4
    assert ex.ok and ex.message.value == "" and ex.text.startswith(f"label {y[4]}, ")


@pytest.mark.parametrize("change, match", [
    ({"x": np.zeros((N, 8))}, "x must"), ({"x": np.zeros((N, 8, 8, 3))}, "x must"),
    ({"y": np.zeros(N - 1, dtype=int)}, "y must"), ({"y": np.zeros(N)}, "y must"),
    ({"index": N}, "index must"), ({"index": -1}, "index must"), ({"index": 1.0}, "index must"),
    ({"probs": np.zeros((N - 1, 10))}, "probs must"),
])
def test_bad_arguments_raise_and_name_the_argument(setup, change, match):
    model, x, y = setup
    args = {"x": x, "y": y, "index": 0, **change}
    with pytest.raises(ValueError, match=match):
        DigitExplorer(model, **args)


def test_digit_explorer_returns_the_widget_with_its_css_class(setup):
    model, x, y = setup
    widget = digit_explorer(model, x, y, index=5)
    assert "digit-explorer" in widget._dom_classes
    assert widget.explorer.index.value == 5
    assert "cl-digits-msg" in widget.explorer.message._dom_classes
