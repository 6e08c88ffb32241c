"""The digit explorer's update logic, without a browser: move the slider, assert the new digit's
feature maps, probabilities and text (and that an invalid index keeps the last good output)."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import cnn, conv
from course_lib.data import load_digits
from course_lib.widgets.digits import (
    DigitExplorer,
    DrawDigitExplorer,
    digit_explorer,
    digit_from_drawing,
    digit_pad,
)

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
    assert ex.ok and ex.message == ""
    np.testing.assert_allclose(ex.probabilities, probs[3], atol=1e-6)
    assert ex.predicted == int(probs[3].argmax())
    np.testing.assert_allclose(ex.maps, _maps_by_hand(model, x[3]), rtol=1e-5, atol=1e-5)
    assert ex.text.startswith(f"label {y[3]}, predicted {ex.predicted} with p = ")
    assert f"{probs[3, ex.predicted]:.2f}" in ex.text
    assert ex.wrong.tolist() == np.flatnonzero(probs.argmax(1) != y).tolist()
    assert str(ex.wrong.tolist()) in ex.text
    assert ex.picture.value.count('alt="feature map') == 32
    assert ex.picture.value.count("data:image/png;base64,") == 33   # the input and 32 maps


@pytest.mark.parametrize("index", [0, 7, N - 1])
def test_moving_the_slider_shows_the_new_digit(setup, index):
    model, x, y = setup
    ex = DigitExplorer(model, x, y, index=3)
    before = ex.picture.value
    ex.index.value = index
    np.testing.assert_allclose(ex.maps, _maps_by_hand(model, x[index]), rtol=1e-5, atol=1e-5)
    assert ex.text.startswith(f"label {y[index]}, ")
    assert f"test image {index}, a {y[index]}" in ex.picture.value
    for k, p in enumerate(ex.probabilities):   # every class has its bar and its number
        assert f"<td><b>{k}</b>" in ex.picture.value and f"<td>{p:.2f}</td>" in ex.picture.value
    assert (ex.picture.value != before) == (index != 3)


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
    maps, text, fig = ex.maps, ex.text, ex.picture.value
    ex.index.max = N + 10  # the slider stops at N - 1; widen it to reach a digit that is not there
    ex.index.value = N + 5
    assert not ex.ok
    assert "index" in ex.message and str(N + 5) in ex.message
    assert "last good output" in ex.status.value
    assert ex.maps is maps and ex.text == text and ex.picture.value == fig
    ex.index.value = 4
    assert ex.ok and ex.message == "" and ex.text.startswith(f"label {y[4]}, ")


@pytest.mark.parametrize("change, match", [
    ({"x": np.zeros((N, 8))}, "x must"), ({"x": np.zeros((N, 8, 8, 3))}, "x must"),
    ({"y": np.zeros(N - 1, dtype=int)}, "y must"), ({"y": np.zeros(N)}, "y must"),
    ({"index": N}, "index must"), ({"index": -1}, "index must"),
    ({"probs": np.zeros((N - 1, 10))}, "probs must"),
])
def test_bad_arguments_raise_and_name_the_argument(setup, change, match):
    model, x, y = setup
    args = {"x": x, "y": y, "index": 0, **change}
    with pytest.raises(ValueError, match=match):
        DigitExplorer(model, **args)


def test_an_index_that_is_not_an_integer_is_a_type_error(setup):
    model, x, y = setup
    for bad in (1.0, True, "3"):
        with pytest.raises(TypeError, match=r"index must be an integer in \[0, 23\]"):
            DigitExplorer(model, x, y, index=bad)


def test_digit_explorer_returns_the_widget_with_its_css_class(setup):
    model, x, y = setup
    ex = digit_explorer(model, x, y, index=5)
    assert isinstance(ex, DigitExplorer) and ex.explorer is ex
    assert "digit-explorer" in ex.widget._dom_classes
    assert ex.index.value == 5
    assert "cl-digits-msg" in ex.status._dom_classes


# ---- the drawing pad ---------------------------------------------------------------------------
def test_a_drawing_is_reduced_the_way_the_dataset_was_made():
    rng = np.random.default_rng(0)
    for _ in range(20):
        bitmap = (rng.random((32, 32)) < rng.random()).astype(np.uint8)
        counts = np.array([[bitmap[4 * i:4 * i + 4, 4 * j:4 * j + 4].sum() for j in range(8)]
                           for i in range(8)])
        np.testing.assert_array_equal(digit_from_drawing(bitmap, centre=False) * 16, counts)
    full = digit_from_drawing(np.full((32, 32), 7), centre=False)   # nonzero is ink
    assert full.dtype == np.float32 and np.all(full == 1.0)
    assert not digit_from_drawing(np.zeros((32, 32))).any()
    with pytest.raises(ValueError, match="bitmap must have shape"):
        digit_from_drawing(np.zeros((8, 8)))


def test_centring_moves_the_ink_box_to_the_middle_and_keeps_every_pixel():
    bitmap = np.zeros((32, 32), np.uint8)
    bitmap[0:10, 0:6] = 1                                  # drawn in the top-left corner
    centred = digit_from_drawing(bitmap)
    assert centred.sum() * 16 == bitmap.sum()               # nothing lost, nothing wrapped
    rows, cols = np.nonzero(centred)
    assert abs((rows.min() + rows.max()) / 2 - 3.5) <= 0.5
    assert abs((cols.min() + cols.max()) / 2 - 3.5) <= 0.5


def test_the_pad_predicts_as_the_model_does_and_follows_the_pen(setup):
    model, x, y = setup
    pad = digit_pad(model)
    assert isinstance(pad, DrawDigitExplorer) and pad.predicted is None
    assert "pad is empty" in pad.picture.value and pad.message == ""
    stroke = np.zeros((32, 32), np.uint8)
    seen = []
    for r in range(4, 28, 4):                                # a vertical stroke, drawn down
        stroke[r:r + 4, 14:18] = 1
        pad.pad.draw(stroke)
        want = model.predict(digit_from_drawing(stroke)[None, :, :, None], verbose=0)[0]
        np.testing.assert_allclose(pad.probabilities, want, atol=1e-5)
        np.testing.assert_allclose(pad.maps, _maps_by_hand(model, pad.image), rtol=1e-5, atol=1e-5)
        assert pad.predicted == int(want.argmax())
        assert f"the network says {pad.predicted}" in pad.picture.value
        seen.append(pad.probabilities.copy())
    assert not np.allclose(seen[0], seen[-1])                # the answer changed as it grew
    pad.pad.clear()
    assert pad.predicted is None and "pad is empty" in pad.picture.value


def test_nothing_a_learner_does_on_the_pad_raises(setup):
    model, _, _ = setup
    pad = digit_pad(model)
    pad.pad.draw(np.ones((32, 32)))                          # all ink: a prediction, no error
    assert pad.predicted is not None and pad.message == ""
    good = pad.picture.value
    for junk in ("", "01" * 10, "2" * 1024, "0" * 1023 + "x"):  # a malformed bitmap
        pad.pad.bitmap = junk
        assert "bitmap must be 1024 characters" in pad.message
        assert pad.picture.value == good and "last good output" in pad.status.value
    pad.centre.value = False
    pad.pad.clear()
    assert pad.message == "" and pad.predicted is None


def test_the_pad_refuses_a_model_without_a_conv_layer_and_a_bad_centre(setup):
    model, _, _ = setup
    with pytest.raises(TypeError, match="model must be a keras.Model"):
        digit_pad("model")
    with pytest.raises(TypeError, match="centre must be True or False"):
        digit_pad(model, centre="yes")
    other = cnn.keras.Sequential([cnn.keras.Input((8, 8, 1)), cnn.keras.layers.Flatten(name="f"),
                                  cnn.keras.layers.Dense(10, activation="softmax")])
    with pytest.raises(ValueError, match="layer named 'conv'"):
        digit_pad(other)
