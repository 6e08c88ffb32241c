"""The activation and pooling explorers' update logic, without a browser: set a control's value,
assert the new output (and that invalid settings keep the last good one)."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib import activations, conv, kernels, pooling
from course_lib.widgets.board import window_cells
from course_lib.widgets.layers import (
    LECTURE_GRID,
    ActivationExplorer,
    PoolingExplorer,
    activation_explorer,
    pooling_explorer,
)

PNG = b"\x89PNG"


def lit(board, name, cls):
    """The cells of grid ``name`` that the board's highlights give class ``cls``, in order."""
    return [tuple(c) for h in board.highlights if h["grid"] == name and cls in h["cls"].split()
            for c in h["cells"]]


@pytest.fixture(scope="module")
def small_image():
    return np.random.default_rng(0).random((24, 20)).astype(np.float32)


def _expected_pre(image, kernel_name, b):
    k = kernels.KERNELS[kernel_name].astype(image.dtype)
    return conv.correlate2d(image, k, padding=1) + np.float32(b)


def test_activation_explorer_starts_with_relu_of_the_feature_map(small_image):
    ex = ActivationExplorer(image=small_image)
    np.testing.assert_allclose(ex.pre, _expected_pre(small_image, "edge_detection_3", 0.0))
    np.testing.assert_array_equal(ex.post, activations.relu(ex.pre))
    for img in (ex.curve, ex.pre_image, ex.post_image):
        assert bytes(img.value).startswith(PNG)
    assert ex.message == ""
    assert "(24, 20)" in ex.info.value


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "sigmoid", "tanh"])
def test_changing_activation_and_bias_updates_maps_and_curve(small_image, name):
    ex = ActivationExplorer(image=small_image)
    before = ex.curve.value
    ex.activation.value = name
    ex.bias.value = 0.5
    pre = _expected_pre(small_image, "edge_detection_3", 0.5)
    np.testing.assert_allclose(ex.pre, pre, rtol=1e-6)
    fn = getattr(activations, name)
    np.testing.assert_allclose(ex.post, fn(pre), rtol=1e-6)
    np.testing.assert_allclose(ex.curve_y, fn(ex.curve_x + 0.5))
    assert ex.curve.value != before
    assert ex._line.axes.get_title(loc="left") == f"f = {name}"
    assert ex._bias_text.get_text() == "b = +0.50"


def test_bias_moves_the_relu_threshold(small_image):
    ex = ActivationExplorer(image=small_image)
    ex.bias.value = -1.0
    low = float(np.mean(ex.post > 0))
    ex.bias.value = 1.0
    high = float(np.mean(ex.post > 0))
    assert low < high
    # the curve's kink sits at x = -b
    assert ex.curve_y[ex.curve_x < -1.0].max() == 0.0
    assert ex.curve_y[ex.curve_x > -1.0].min() > 0.0


def test_changing_kernel_recomputes_the_feature_map(small_image):
    ex = ActivationExplorer(image=small_image)
    ex.kernel.value = "sobel_x"
    np.testing.assert_allclose(ex.pre, _expected_pre(small_image, "sobel_x", 0.0), rtol=1e-6)


def test_a_learners_function_runs_and_its_errors_stay_inside(small_image):
    def leaky(x):
        return np.where(x > 0, x, 0.2 * x)

    def broken(x):
        raise RuntimeError("oops")

    ex = ActivationExplorer(image=small_image, extra={"mine": leaky, "broken": broken})
    ex.activation.value = "mine"
    np.testing.assert_allclose(ex.post, leaky(ex.pre))
    good_post, good_png = ex.post.copy(), ex.post_image.value
    ex.activation.value = "broken"
    assert "RuntimeError: oops" in ex.message
    assert "last good output" in ex.status.value
    np.testing.assert_array_equal(ex.post, good_post)
    assert ex.post_image.value == good_png
    ex.activation.value = "relu"
    assert ex.message == ""


def test_a_function_returning_booleans_or_complex_numbers_stays_inside(small_image):
    ex = ActivationExplorer(image=small_image, extra={"step": lambda x: x > 0,
                                                      "complex": lambda x: x + 0j})
    ex.activation.value = "step"          # True/False is drawn as 1/0
    assert ex.message == ""
    np.testing.assert_array_equal(ex.post, (ex.pre > 0).astype(ex.pre.dtype))
    good_post = ex.post.copy()
    ex.activation.value = "complex"
    assert "real numbers" in ex.message and "last good output" in ex.status.value
    np.testing.assert_array_equal(ex.post, good_post)


def test_a_function_that_changes_the_shape_is_reported(small_image):
    ex = ActivationExplorer(image=small_image, extra={"sum": np.sum})
    ex.activation.value = "sum"
    assert "keep the shape" in ex.message


def test_activation_explorer_widget_and_css_class():
    ex = activation_explorer(size=32)
    assert isinstance(ex, ActivationExplorer) and ex.explorer is ex
    assert "cl-activation-explorer" in ex.widget._dom_classes
    assert ex.pre.shape == (32, 32)


@pytest.mark.parametrize("kwargs, exc, words", [
    (dict(activation="gelu"), ValueError, "activation must be one of"),
    (dict(kernel="nope"), ValueError, "kernel must be one of"),
    (dict(image=np.zeros((2, 3, 4))), ValueError, "2-D gray image"),
])
def test_activation_explorer_bad_arguments(kwargs, exc, words):
    kwargs.setdefault("image", np.zeros((8, 8), np.float32))
    with pytest.raises(exc, match=words):
        ActivationExplorer(**kwargs)


# ---- pooling ---------------------------------------------------------------------------------

def test_pooling_explorer_starts_with_the_lecture_example():
    ex = PoolingExplorer()
    np.testing.assert_array_equal(ex.output, [[4, 8], [9, 5]])
    assert ex.out_shape == (2, 2)
    assert "(4, 4)" in ex.shape_label.value and "(2, 2)" in ex.shape_label.value
    assert ex.window.max == 3
    inp, out = ex.board.grids
    assert (inp["rows"], inp["cols"], out["rows"], out["cols"]) == (4, 4, 2, 2)
    assert inp["text"] == [str(int(v)) for v in LECTURE_GRID.ravel()]   # numbers in the cells
    assert out["text"] == ["4", "8", "9", "5"]


@pytest.mark.parametrize("source", PoolingExplorer.SOURCES)
@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("k, s, p", [(2, 2, 0), (3, 1, 1), (3, 2, 0), (4, 3, 2), (1, 1, 0)])
def test_every_setting_matches_course_lib_pooling(source, mode, k, s, p):
    ex = PoolingExplorer(source=source, photo_size=16)
    ex.mode.value = mode
    ex.kernel_size.value = k
    ex.stride.value = s
    ex.padding.value = p
    assert ex.ok, ex.message
    fn = pooling.max_pool2d if mode == "max" else pooling.avg_pool2d
    want = fn(ex.inputs[source], kernel_size=k, stride=s, padding=p)
    np.testing.assert_allclose(ex.output, want)
    assert ex.out_shape == want.shape
    assert ex.window.max == want.size - 1
    assert f"{want.shape}" in ex.shape_label.value


def test_invalid_settings_show_a_message_and_keep_the_last_good_output():
    ex = PoolingExplorer()
    good, good_grids, good_label = ex.output.copy(), ex.board.grids, ex.shape_label.value
    ex.padding.value = 2  # more than half of kernel_size 2
    assert not ex.ok
    assert "padding" in ex.message and "last good output" in ex.status.value
    np.testing.assert_array_equal(ex.output, good)
    assert ex.board.grids == good_grids and ex.shape_label.value == good_label
    ex.padding.value = 0
    ex.kernel_size.value = 6  # larger than the 4x4 input
    assert not ex.ok and "kernel_size" in ex.message
    ex.kernel_size.value = 4
    assert ex.ok and ex.message == ""
    np.testing.assert_array_equal(ex.output, [[9]])


def test_window_slider_selects_an_output_cell_and_its_value():
    ex = PoolingExplorer()
    ex.window.value = 2
    assert ex.selected == (1, 0)
    assert "max(9, 8, 7, 6) = <b>9</b>" in ex.caption and ex.board.caption == ex.caption
    assert lit(ex.board, "input", "pool-window") == window_cells(2, 4, 0, 2)
    assert lit(ex.board, "input", "pool-max") == [(2, 0)]
    ex.mode.value = "avg"
    assert "(9, 8, 7, 6) = <b>7.5</b>" in ex.caption and not lit(ex.board, "input", "pool-max")
    ex.kernel_size.value = 4  # one window only: the slider is clipped to it
    assert ex.window.max == 0 and ex.window.value == 0 and ex.selected == (0, 0)


def test_padding_is_shown_as_minus_infinity_for_max_and_zero_for_avg():
    ex = PoolingExplorer(kernel_size=3, stride=1, padding=1)
    assert ex.board.grids[0]["text"][:6] == ["−∞"] * 6 and "max(−∞, −∞, −∞, −∞, 1, 2" in ex.caption
    ex.mode.value = "avg"
    assert ex.board.grids[0]["text"][:6] == ["0"] * 6 and "−∞" not in ex.caption
    assert "average of its 9 values (0, 0, 0, 0, 1, 2, 0, 3, 4) = <b>1.111</b>" in ex.caption


def test_photo_source_and_css_class():
    ex = pooling_explorer(source="photo", photo_size=32)
    assert "cl-pooling-explorer" in ex.widget._dom_classes and ex.explorer is ex
    assert ex.x.shape == (32, 32) and ex.out_shape == (16, 16)
    assert set(ex.board.grids[0]["text"]) == {""}   # 1,024 cells: colours only, no numbers
    ex.point_at("output", 15, 15)                   # every cell still answers the pointer
    assert ex.selected == (15, 15) and "max(" in ex.caption


@pytest.mark.parametrize("kwargs, exc, words", [
    (dict(source="mnist"), ValueError, "source must be one of"),
    (dict(mode="min"), ValueError, "mode must be 'max' or 'avg'"),
    (dict(kernel_size=9), ValueError, r"kernel_size must be an integer in \[1, 8\], got 9"),
    (dict(stride=0), ValueError, r"stride must be an integer in \[1, 8\], got 0"),
    (dict(padding=5), ValueError, r"padding must be an integer in \[0, 4\], got 5"),
    (dict(stride=2.0), TypeError, "stride must be an integer"),
    (dict(seed=-1), ValueError, r"seed must be an integer in \[0, "),
])
def test_pooling_explorer_bad_arguments(kwargs, exc, words):
    with pytest.raises(exc, match=words):
        PoolingExplorer(**kwargs)


def test_lecture_grid_is_the_slides_matrix():
    assert LECTURE_GRID.tolist() == [[1, 2, 5, 6], [3, 4, 7, 8], [9, 8, 5, 4], [7, 6, 3, 2]]


# ---- the static figures of lessons 05 and 06 (course_lib.plotting.layers) -----------------------

def test_layer_figures_draw_what_they_are_given():
    from matplotlib.figure import Figure

    from course_lib.plotting.layers import (
        plot_class_scores,
        plot_curves,
        plot_detector_maps,
        plot_pooling,
        plot_unchanged,
    )

    x = np.linspace(-3, 3, 61)
    fig = plot_curves(x, {"relu": activations.relu(x), "tanh": activations.tanh(x)}, title="t")
    assert isinstance(fig, Figure)
    assert [ln.get_label() for ln in fig.axes[0].get_lines()][-2:] == ["relu", "tanh"]
    fig = plot_curves(x, {"relu": activations.relu(x), "tanh": activations.tanh(x)}, dashed=["tanh"])
    assert [ln.get_linestyle() for ln in fig.axes[0].get_lines()][-2:] == ["-", "--"]
    with pytest.raises(KeyError, match="sigmoid"):
        plot_curves(x, {"relu": activations.relu(x)}, dashed=["sigmoid"])

    pre = np.random.default_rng(1).standard_normal((6, 6))
    fig = plot_detector_maps({"k": pre}, {"k": activations.relu(pre)}, credit="CC BY 2.0")
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 2
    lo, hi = images[0].get_clim()
    assert lo == -hi  # centred on zero
    # colours saturate at the 99th percentile of |pre|, the same limit above and below
    assert hi == pytest.approx(np.quantile(np.abs(pre), 0.99))
    assert images[1].get_clim() == pytest.approx((0.0, hi))
    fig = plot_detector_maps({"k": pre}, {"k": activations.relu(pre)}, saturate=None)
    assert [ax.images[0] for ax in fig.axes if ax.images][0].get_clim()[1] == pytest.approx(
        np.abs(pre).max())
    with pytest.raises(ValueError, match="saturate"):
        plot_detector_maps({"k": pre}, {"k": pre}, saturate=2.0)
    with pytest.raises(ValueError, match="same keys"):
        plot_detector_maps({"a": pre}, {"b": pre})

    out = pooling.max_pool2d(LECTURE_GRID, 2)
    fig = plot_pooling(LECTURE_GRID, out, kernel_size=2)
    assert len(fig.axes[0].patches) == 4 and len(fig.axes[1].patches) == 4
    assert sorted(t.get_text() for t in fig.axes[1].texts) == ["4", "5", "8", "9"]
    assert not any(t.get_bbox_patch() for t in fig.axes[0].texts)
    fig = plot_pooling(LECTURE_GRID, out, kernel_size=2, mark_max=True)
    circled = sorted(t.get_text() for t in fig.axes[0].texts if t.get_bbox_patch())
    assert circled == ["4", "5", "8", "9"]  # the value each window keeps, and only those

    fig = plot_unchanged({"map": np.array([[True, False], [True, True]]),
                          "counted": np.array([[1.0, np.nan], [0.0, np.nan]])})
    assert "75.0% unchanged" in fig.axes[0].get_title()
    assert "50.0% unchanged" in fig.axes[1].get_title()

    fig = plot_class_scores(["a", "b"], np.array([1.0, -1.0]), np.array([0.88, 0.12]))
    assert len(fig.axes[0].patches) == 2 and fig.axes[1].get_ylim() == (0.0, 1.0)


def test_colour_limits_saturate_only_the_strongest_percent(small_image):
    ex = ActivationExplorer(image=small_image)
    lim = float(ex.pre_hi.value.removeprefix("≥ "))
    assert np.isclose(lim, np.quantile(np.abs(ex.pre), 0.99), atol=5e-3)
    assert ex.pre_lo.value == f"≤ {-lim:.2f}"
    ex.activation.value = "sigmoid"
    assert (ex.post_lo.value, ex.post_hi.value) == ("0.0", "1.0")


def test_input_and_output_cells_are_drawn_the_same_size():
    ex = PoolingExplorer()  # 4x4 -> 2x2: the output is drawn half as wide as the input
    assert [g["cell"] for g in ex.board.grids] == [40, 40]
    ex.kernel_size.value, ex.stride.value, ex.padding.value = 3, 1, 1  # 6x6 padded -> 4x4
    assert [g["cell"] for g in ex.board.grids] == [40, 40]  # 256 // 6 = 42, capped at 40 px
    ex.source.value = "photo"                                          # 66x66 padded
    assert [g["cell"] for g in ex.board.grids] == [4, 4]


def test_starting_with_an_unfinished_function_shows_the_message(small_image):
    def unfinished(x):
        raise NotImplementedError()

    ex = ActivationExplorer(image=small_image, activation="mine", extra={"mine": unfinished})
    assert "NotImplementedError" in ex.message and ex.post is None
    ex.activation.value = "relu"
    assert ex.message == "" and ex.post is not None


# ---- pointing at the pooling board ---------------------------------------------------------------
@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("k, s, p", [(2, 2, 0), (3, 1, 1), (3, 2, 1), (2, 3, 0)])
def test_hovering_over_an_output_cell_shows_its_window_and_how_it_is_pooled(mode, k, s, p):
    ex = PoolingExplorer(source="grid 8x8", kernel_size=k, stride=s, padding=p, mode=mode)
    x = ex.inputs["grid 8x8"].astype(np.float64)
    padded = np.pad(x, p, constant_values=-np.inf if mode == "max" else 0.0)
    ho, wo = ex.out_shape
    for i, j in [(0, 0), (ho - 1, wo - 1), (ho // 2, 0)]:
        ex.point_at("output", i, j)
        assert ex.selected == (i, j) and ex.window.value == i * wo + j   # the slider follows
        assert lit(ex.board, "input", "pool-window") == window_cells(i * s, i * s + k, j * s, j * s + k)
        win = padded[i * s:i * s + k, j * s:j * s + k]
        want = win.max() if mode == "max" else win.mean()
        assert f"= <b>{want:.4g}</b>" in ex.caption
        if mode == "max":  # the cells holding the max are marked, and only those
            marked = lit(ex.board, "input", "pool-max")
            assert marked and all(padded[r, c] == want for r, c in marked)
            assert len(marked) == int((win == want).sum())
        assert ex.board.answered == ex.board.pointer["seq"]


@pytest.mark.parametrize("k, s, p", [(2, 2, 0), (3, 1, 1), (2, 3, 0), (4, 2, 2)])
def test_clicking_an_input_cell_shows_the_output_cells_that_read_it(k, s, p):
    ex = PoolingExplorer(source="grid 8x8", kernel_size=k, stride=s, padding=p)
    ho, wo = ex.out_shape
    for r in range(8 + 2 * p):
        for c in range(8 + 2 * p):
            ex.point_at("input", r, c, kind="click")
            want = [(i, j) for i in range(ho) for j in range(wo)
                    if i * s <= r < i * s + k and j * s <= c < j * s + k]
            assert ex.readers == want and lit(ex.board, "output", "pool-reader") == want
            assert ("read by no output cell" in ex.caption) == (not want)


def test_garbage_pointer_events_are_ignored():
    ex = PoolingExplorer()
    before = (ex.board.highlights, ex.caption, ex.selected)
    for bad in ({}, {"grid": "output", "row": "x", "col": 0}, {"grid": "output", "row": 5,
                                                                  "col": 0, "seq": 3},
                {"grid": None, "row": 0, "col": 0}, {"grid": "input", "row": 0, "col": 0}):
        ex.board.pointer = bad
    assert (ex.board.highlights, ex.caption, ex.selected) == before and ex.message == ""
