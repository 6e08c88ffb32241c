"""The convolution explorers' update logic, without a browser: set a control, read the output."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import conv, data, kernels
from course_lib.plotting.cnn import (
    plot_coverage,
    plot_grids,
    plot_kernels,
    plot_responses,
    visited_mask,
)
from course_lib.widgets.board import window_cells
from course_lib.widgets.convolution import (
    format_entry,
    kernel_explorer,
    sliding_window_explorer,
    synthetic_image,
)


def torch_correlate(image, kernel, stride=1, padding=0):
    x = torch.from_numpy(np.array(image, np.float64))[None, None]
    w = torch.from_numpy(np.array(kernel, np.float64))[None, None]
    return F.conv2d(x, w, stride=stride, padding=padding)[0, 0].numpy()


@pytest.fixture(scope="module")
def kx():
    return kernel_explorer(image="synthetic", kernel="edge_detection_3")


# ---------------------------------------------------------------- kernel explorer
def test_initial_output_is_torch_conv(kx):
    img = kx.current_image()
    np.testing.assert_allclose(kx.output, torch_correlate(img, kernels.KERNELS["edge_detection_3"]),
                               atol=1e-5)
    assert kx.message == ""
    assert "shape (22, 22)" in kx.output_title.value


@pytest.mark.parametrize("stride,padding", [(1, 0), (2, 0), (3, 1), (2, 2), (4, 3)])
def test_sliders_change_output_and_shape_label(stride, padding):
    ex = kernel_explorer(image="synthetic", kernel="sobel_x")
    ex.stride.value, ex.padding.value = stride, padding
    want = torch_correlate(ex.current_image(), kernels.KERNELS["sobel_x"], stride, padding)
    np.testing.assert_allclose(ex.output, want, atol=1e-5)
    assert f"shape ({want.shape[0]}, {want.shape[1]})" in ex.output_title.value
    n = conv.conv_output_size(24, 3, stride, padding)
    assert ex.output.shape == (n, n)
    assert (f"zero-padded by {padding}" in ex.input_title.value) == (padding > 0)


@pytest.mark.parametrize("name", sorted(kernels.KERNELS))
def test_every_preset_fills_the_grid(name):
    ex = kernel_explorer(image="synthetic", kernel="identity")
    ex.preset.value = name
    np.testing.assert_allclose(ex.read_kernel(), kernels.KERNELS[name], rtol=1e-6)
    np.testing.assert_allclose(ex.output, torch_correlate(ex.current_image(), kernels.KERNELS[name]),
                               atol=1e-5)


def test_editing_a_cell_updates_at_once_and_marks_custom():
    ex = kernel_explorer(image="synthetic", kernel="identity")
    ex.cells[1][1].value = "2"
    assert ex.preset.value == "custom"
    np.testing.assert_allclose(ex.output, 2 * ex.current_image()[1:-1, 1:-1], atol=1e-6)
    ex.cells[0][0].value = "1/4"
    assert ex.read_kernel()[0, 0] == pytest.approx(0.25)


@pytest.mark.parametrize("bad,words", [("abc", "not a number"), ("", "is empty"), ("  ", "is empty"),
                                       ("1/0", "not a number"), ("nan", "not a number"),
                                       ("1e400", "too large"), ("-1e39", "too large"),
                                       ("2e6", "too large")])
def test_bad_cell_shows_message_and_keeps_last_good_output(bad, words):
    ex = kernel_explorer(image="synthetic", kernel="box_blur")
    before = ex.output.copy()
    ex.cells[2][0].value = bad
    assert words in ex.message and "row 2, column 0" in ex.message
    assert "last good output" in ex.status.value
    np.testing.assert_array_equal(ex.output, before)
    ex.stride.value = 2                          # still bad: nothing changes, nothing raises
    np.testing.assert_array_equal(ex.output, before)
    ex.cells[2][0].value = "1/9"                  # fixed: message gone, output follows the sliders
    assert ex.message == "" and ex.status.value == ""
    assert ex.output.shape == (11, 11)


def test_kernel_that_no_longer_fits_keeps_last_output():
    ex = kernel_explorer(image="synthetic", kernel="identity")
    ex._images["synthetic"] = np.ones((4, 4), np.float32)   # a tiny image
    ex.update()
    assert ex.output.shape == (2, 2)
    ex.size.value = "5x5"
    assert "does not fit" in ex.message
    assert ex.output.shape == (2, 2)
    ex.padding.value = 1
    assert ex.message == "" and ex.output.shape == (2, 2)


def test_size_toggle_keeps_the_typed_kernel():
    ex = kernel_explorer(image="synthetic", kernel="sharpen")
    ex.size.value = "5x5"
    k5 = ex.read_kernel()
    assert k5.shape == (5, 5)
    np.testing.assert_allclose(k5[1:4, 1:4], kernels.KERNELS["sharpen"])
    assert np.count_nonzero(k5) == np.count_nonzero(kernels.KERNELS["sharpen"])
    assert len(ex.grid.children) == 25
    # a 5x5 kernel on the 24x24 image gives 20x20
    assert ex.output.shape == (20, 20)
    ex.size.value = "3x3"
    np.testing.assert_allclose(ex.read_kernel(), kernels.KERNELS["sharpen"])
    assert len(ex.grid.children) == 9


def test_image_choice_switches_to_a_photo():
    ex = kernel_explorer(image="synthetic", kernel="identity", photo_size=64)
    ex.image.value = "flower"
    assert ex.current_image().shape == (64, 64)
    assert ex.output.shape == (62, 62)
    assert ex.input_view.value[:4] == b"\x89PNG"


def test_signed_output_uses_diverging_map_images_gray(kx):
    ex = kernel_explorer(image="synthetic", kernel="edge_detection_2")
    assert ex.output_bar.cmap == "RdBu_r"
    lo, hi = (float(bar.value[7:-8].replace("&ge;", "").replace("&le;", ""))
              for bar in (ex.output_bar.bottom, ex.output_bar.top))
    assert lo == pytest.approx(-hi)                   # centred on zero
    ex.preset.value = "box_blur"                      # non-negative output: gray
    assert ex.output_bar.cmap == "gray"
    assert "&ge;" not in ex.output_bar.top.value


def test_sparse_edge_map_on_a_photo_saturates_at_the_99th_percentile():
    ex = kernel_explorer(image="china", kernel="edge_detection_3", photo_size=128)
    lim = float(np.quantile(np.abs(ex.output), 0.99))
    assert lim < 0.7 * np.abs(ex.output).max()       # a few strong pixels: the max would wash out
    assert ex.output_bar.top.value == f"<small>&ge;{lim:.4g}</small>"
    assert ex.output_bar.bottom.value == f"<small>&le;{-lim:.4g}</small>"


def test_learner_function_right_and_wrong():
    ex = kernel_explorer(image="synthetic", kernel="sobel_x",
                         correlate=lambda i, k, stride=1, padding=0:
                         conv.correlate2d_naive(i, k, stride, padding))
    assert ex.comparison.startswith("matches the reference")
    ex.stride.value = 2
    assert ex.comparison.startswith("matches the reference")
    # convolve (flip) instead of correlate: a visible difference for an asymmetric kernel
    wrong = kernel_explorer(image="synthetic", kernel="sobel_x", correlate=conv.convolve2d)
    assert wrong.comparison.startswith("differs from reference: max |diff| =")
    assert "differs from reference" in wrong.compare_label.value
    np.testing.assert_allclose(wrong.output, conv.convolve2d(wrong.current_image(),
                                                             kernels.KERNELS["sobel_x"]))


def test_learner_function_without_stride_arguments_is_called_plainly():
    calls = []

    def mine(image, kernel):
        calls.append(image.shape)
        return conv.correlate2d(image, kernel)

    ex = kernel_explorer(image="synthetic", correlate=mine)
    assert ex.comparison.startswith("matches") and calls
    ex.stride.value = 2                      # now it needs stride=: its TypeError is shown
    assert "your function raised TypeError" in ex.message
    assert ex.output.shape == (22, 22)


@pytest.mark.parametrize("fn,words", [
    (lambda i, k: None, "returned None"),
    (lambda i, k: np.zeros((3, 3)), "returned shape (3, 3)"),
    (lambda i, k: 1 / 0, "raised ZeroDivisionError"),
    (lambda i, k: "text", "not an array of real numbers"),
    (lambda i, k: np.full((22, 22), np.nan), "NaN, infinite or huge"),
    (lambda i, k: np.full((22, 22), 1e300), "NaN, infinite or huge"),
    (lambda i, k: np.ones((22, 22)) * 1j, "complex128, not an array of real numbers"),
])
def test_broken_learner_functions_never_raise(fn, words):
    with warnings.catch_warnings():
        warnings.simplefilter("error")       # not even a warning may reach the notebook
        ex = kernel_explorer(image="synthetic", correlate=fn)
    assert words in ex.message
    assert "nothing to show until this is fixed" in ex.status.value   # no good output yet
    assert ex.kernel_view.value                                        # but the kernel is drawn


def test_unfinished_learner_function_says_finish_the_exercise():
    def stub(image, kernel, stride=1, padding=0):
        raise NotImplementedError()

    ex = kernel_explorer(image="synthetic", correlate=stub)
    assert "NotImplementedError: finish the exercise" in ex.message
    sw = sliding_window_explorer(correlate=stub)
    assert "NotImplementedError: finish the exercise" in sw.message


def test_learner_function_that_never_returns_is_stopped_and_the_last_picture_kept(monkeypatch):
    import time

    from course_lib import exercises

    monkeypatch.setattr(exercises, "TIME_LIMIT", 0.5)
    state = {"loop": False}

    def sometimes_loops(image, kernel, stride=1, padding=0):
        while state["loop"]:
            pass
        return conv.correlate2d(image, kernel, stride=stride, padding=padding)

    ex = kernel_explorer(image="synthetic", kernel="box_blur", correlate=sometimes_loops)
    good = ex.output.copy()
    state["loop"] = True
    t0 = time.perf_counter()
    ex.stride.value = 2
    assert time.perf_counter() - t0 < 5
    assert "did not return within 0.5 s" in ex.message
    np.testing.assert_array_equal(ex.output, good)
    state["loop"] = False
    ex.stride.value = 1
    assert ex.message == ""


def test_learner_function_turning_bad_keeps_the_last_good_output():
    state = {"bad": False}

    def flaky(image, kernel, stride=1, padding=0):
        out = conv.correlate2d(image, kernel, stride=stride, padding=padding)
        return out * np.nan if state["bad"] else out

    ex = kernel_explorer(image="synthetic", kernel="box_blur", correlate=flaky)
    good = ex.output.copy()
    state["bad"] = True
    ex.stride.value = 2
    assert "NaN" in ex.message
    np.testing.assert_array_equal(ex.output, good)
    state["bad"] = False
    ex.stride.value = 1
    assert ex.message == "" and ex.comparison.startswith("matches")


def test_a_lesson03_function_is_told_why_stride_fails():
    ex = kernel_explorer(image="synthetic", correlate=lambda image, kernel: conv.correlate2d(image, kernel))
    ex.padding.value = 1
    assert "does not take stride and padding yet" in ex.message
    assert "stride=1, padding=1" in ex.message


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="image must be one of"):
        kernel_explorer(image="mars")
    with pytest.raises(ValueError, match="size must be 3 or 5"):
        kernel_explorer(size=4)
    with pytest.raises(TypeError, match="correlate must be a function"):
        kernel_explorer(correlate=3)
    with pytest.raises(ValueError, match="valid names"):
        kernel_explorer(kernel="no_such_kernel")
    with pytest.raises(ValueError, match=r"stride must be an integer in \[1, 4\], got 9"):
        kernel_explorer(stride=9)
    with pytest.raises(TypeError, match="padding must be an integer"):
        kernel_explorer(padding=1.5)


def test_widget_has_css_hooks_and_displays(kx):
    assert "kernel-explorer" in kx.widget._dom_classes
    assert "kx-stride" in kx.stride._dom_classes and "kx-shape" in kx.output_title._dom_classes
    bundle = kx._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


@pytest.mark.parametrize("v,text", [(1.0, "1"), (-4.0, "-4"), (1 / 9, "1/9"), (0.0625, "1/16"),
                                    (0.123456, "0.1235")])
def test_format_entry(v, text):
    assert format_entry(v) == text


def test_synthetic_image():
    img = synthetic_image(24)
    assert img.shape == (24, 24) and img.dtype == np.float32
    assert 0.0 <= img.min() and img.max() == 1.0 and len(np.unique(img)) == 3
    with pytest.raises(ValueError, match="size must be an int >= 8"):
        synthetic_image(4)


# ---------------------------------------------------------------- sliding window
def grid(board, name):
    return next(g for g in board.grids if g["name"] == name)


def lit(board, name, cls):
    """The cells of grid ``name`` that the board's highlights give class ``cls``, in order."""
    return [tuple(c) for h in board.highlights if h["grid"] == name and cls in h["cls"].split()
            for c in h["cells"]]


def test_sliding_window_output_and_window():
    sw = sliding_window_explorer(size=7, kernel_size=3, stride=2, padding=0)
    np.testing.assert_allclose(sw.output, torch_correlate(sw.current_image(), sw.current_kernel(), 2))
    assert sw.position.max == 8 and sw.play.max == 8
    for pos in range(9):
        sw.position.value = pos
        i, j = divmod(pos, 3)
        assert sw.out_index == (i, j)
        rs, cs = sw.window
        assert (rs.start, cs.start) == (2 * i, 2 * j)
        window = sw.current_image()[rs, cs]
        value = float((window * sw.current_kernel()).sum())
        assert sw.output[i, j] == pytest.approx(value)
        assert f"out[{i}, {j}]" in sw.caption and f"<b>{value:.4g}</b>" in sw.caption
        assert sw.board.caption == sw.caption
        assert lit(sw.board, "input", "sw-window") == window_cells(2 * i, 2 * i + 3, 2 * j, 2 * j + 3)
        assert lit(sw.board, "output", "sw-current") == [(i, j)]
        assert len(lit(sw.board, "output", "sw-future")) == 8 - pos


@pytest.mark.parametrize("n,k,s,p", [(7, 3, 2, 0), (6, 3, 2, 0), (8, 3, 3, 1), (5, 2, 2, 0),
                                     (9, 5, 3, 2), (6, 1, 4, 0)])
def test_skipped_border_cells(n, k, s, p):
    sw = sliding_window_explorer(size=n, kernel_size=k, stride=s, padding=p)
    # a cell is visited iff some window covers it: check against an explicit scan
    hp = n + 2 * p
    seen = np.zeros((hp, hp), bool)
    ho = conv.conv_output_size(n, k, s, p)
    for i in range(ho):
        for j in range(ho):
            seen[i * s:i * s + k, j * s:j * s + k] = True
    np.testing.assert_array_equal(sw.skipped, ~seen)
    marked = [c for c in grid(sw.board, "input")["classes"] if "sw-skipped" in c]
    assert len(marked) == int((~seen).sum())
    assert ("never visited" in sw.shape_label.value) == bool((~seen).any())
    assert f"output shape ({ho}, {ho})" in sw.shape_label.value


def test_sliding_window_position_clamped_when_output_shrinks():
    sw = sliding_window_explorer(size=9, kernel_size=3, stride=1)
    sw.position.value = 48
    sw.stride.value = 3
    assert sw.position.max == 8 and sw.position.value <= 8
    assert sw.message == ""


def test_sliding_window_kernel_too_big_keeps_last_output():
    sw = sliding_window_explorer(size=3, kernel_size=3, stride=1)
    before = sw.output.copy()
    sw.kernel_size.value = 5
    assert "does not fit" in sw.message and "last good output" in sw.status.value
    np.testing.assert_array_equal(sw.output, before)
    sw.padding.value = 1
    assert sw.message == "" and sw.output.shape == (1, 1)


def test_sliding_window_learner_function():
    def flipped(image, kernel, stride=1, padding=0):
        return conv.convolve2d(image, kernel, stride, padding)

    sw = sliding_window_explorer(size=7, kernel_size=3, stride=2, correlate=flipped)
    assert sw.comparison.startswith("differs from reference")
    assert "your function gives" in sw.caption or np.allclose(sw.output[0, 0],
                                                                      sw.reference[0, 0])
    ok = sliding_window_explorer(size=7, kernel_size=3, stride=2, correlate=conv.correlate2d_naive)
    assert ok.comparison.startswith("matches")
    bad = sliding_window_explorer(correlate=lambda i, k, stride=1, padding=0: i[:1])
    assert "returned shape" in bad.message


def test_sliding_window_fixed_arrays_and_bad_arguments():
    img = np.arange(16.0).reshape(4, 4)
    sw = sliding_window_explorer(image=img, kernel=np.ones((2, 2)), stride=2)
    np.testing.assert_allclose(sw.output, [[10, 18], [42, 50]])
    assert sw.size.disabled and sw.kernel_size.disabled
    assert sw.size.layout.display == sw.kernel_size.layout.display == "none"
    # arrays a slider could not show (12 rows > 9, a 7x7 kernel > 5, non-square): the label says
    sw = sliding_window_explorer(image=np.ones((12, 10)), kernel=np.ones((7, 2)))
    assert sw.output.shape == (3, 5) and sw.message == ""
    assert "input (12, 10), kernel (7, 2)" in sw.shape_label.value
    assert sliding_window_explorer().size.layout.display is None     # random input: slider shown
    with pytest.raises(ValueError, match="image must be 2-D"):
        sliding_window_explorer(image=np.ones(3))
    with pytest.raises(ValueError, match="kernel must be 2-D"):
        sliding_window_explorer(kernel=np.ones(3))
    with pytest.raises(TypeError, match="correlate must be a function"):
        sliding_window_explorer(correlate="no")
    with pytest.raises(ValueError, match=r"size must be an integer in \[3, 9\], got 12"):
        sliding_window_explorer(size=12)
    with pytest.raises(ValueError, match=r"kernel_size must be an integer in \[1, 5\]"):
        sliding_window_explorer(kernel_size=0)
    with pytest.raises(ValueError, match=r"padding must be an integer in \[0, 2\]"):
        sliding_window_explorer(padding=-1)


# ---------------------------------------------------------------- plotting
@settings(max_examples=60, deadline=None)
@given(hp=st.integers(1, 12), wp=st.integers(1, 12), kh=st.integers(1, 5), kw=st.integers(1, 5),
       sh=st.integers(1, 6), sw=st.integers(1, 6))
def test_visited_mask_equals_an_explicit_scan(hp, wp, kh, kw, sh, sw):
    if kh > hp or kw > wp:
        with pytest.raises(ValueError):
            visited_mask((hp, wp), (kh, kw), (sh, sw))
        return
    seen = np.zeros((hp, wp), bool)
    for i in range(conv.conv_output_size(hp, kh, sh)):
        for j in range(conv.conv_output_size(wp, kw, sw)):
            seen[i * sh:i * sh + kh, j * sw:j * sw + kw] = True
    np.testing.assert_array_equal(visited_mask((hp, wp), (kh, kw), (sh, sw)), seen)


def test_visited_mask_examples_and_errors():
    m = visited_mask((7, 7), 3, 2)
    assert m.all()
    m = visited_mask((6, 6), 3, 2)
    assert not m[:, 5].any() and not m[5].any() and m[:5, :5].all()
    m = visited_mask((6, 8), (2, 3), (4, 3))
    # rows: windows at 0 and 4 read rows 0-1 and 4-5; columns: windows at 0 and 3 read 0-5
    np.testing.assert_array_equal(m.any(axis=1), [True, True, False, False, True, True])
    np.testing.assert_array_equal(m.any(axis=0), [True] * 6 + [False] * 2)
    with pytest.raises(ValueError, match="does not fit"):
        visited_mask((2, 2), 3, 1)
    with pytest.raises(ValueError, match="stride must be"):
        visited_mask((5, 5), 3, 0)


def test_figures_are_small_and_labelled():
    fig = plot_kernels({k: kernels.KERNELS[k] for k in ("identity", "sharpen")})
    assert len(fig.axes) == 4 and fig.get_dpi() == 80          # two kernels + two colour bars
    img = synthetic_image()
    fig = plot_responses(img, {"edge": conv.correlate2d(img, kernels.KERNELS["edge_detection_2"]),
                               "blur": conv.correlate2d(img, kernels.KERNELS["box_blur"])},
                         credit="test")
    assert fig.axes[0].get_title() == "input" and fig.axes[0].get_xlabel() == "column j"
    photo = data.load_photo("china", size=64)
    edge = conv.correlate2d(photo, kernels.KERNELS["edge_detection_3"])
    sharp = conv.correlate2d(photo, kernels.KERNELS["sharpen"])
    fig = plot_responses(photo, {"edge": edge, "sharpen": sharp}, as_image=("sharpen",))
    lo, hi = fig.axes[1].images[0].get_clim()          # signed: saturated at the 99th percentile
    assert hi == pytest.approx(np.quantile(np.abs(edge), 0.99)) and lo == -hi
    assert hi < np.abs(edge).max()
    assert fig.axes[2].images[0].get_clim() == (photo.min(), photo.max())   # sharpen: as the input
    assert fig.axes[2].images[0].get_cmap().name == "gray"
    with pytest.raises(KeyError, match="as_image"):
        plot_responses(photo, {"edge": edge}, as_image=("sharp",))
    with pytest.raises(ValueError, match="saturate"):
        plot_responses(photo, {"edge": edge}, saturate=0.2)
    fig = plot_grids({"a": np.eye(3), "b": -np.eye(2)})
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    fig = plot_grids({"a": np.eye(3), "b": -np.eye(2)}, colorbar=True)
    assert len(fig.axes) == 4 and [ax.get_title() for ax in fig.axes[:2]] == ["a", "b"]
    assert plot_coverage(6, 6, 3, 2).axes[0].get_xlabel() == "column"  # no padding
    assert plot_coverage(6, 6, 3, 2, padding=1).axes[0].get_xlabel() == "column (padded input)"
    fig = plot_coverage(6, 6, 3, 2)
    assert "6x6, k=3, s=2, p=0 → 2x2" in fig.axes[0].get_title()


# ---------------------------------------------------------------- pointing at the board
@pytest.mark.parametrize("n,k,s,p", [(7, 3, 2, 0), (8, 3, 3, 1), (5, 2, 1, 2), (9, 5, 4, 0)])
def test_hovering_over_an_output_cell_shows_its_window_and_its_multiply_add(n, k, s, p):
    sw = sliding_window_explorer(size=n, kernel_size=k, stride=s, padding=p)
    ho, wo = sw.output.shape
    padded = conv.pad2d(sw.current_image(), p)
    for i, j in [(ho - 1, wo - 1), (0, 0), (ho // 2, wo - 1)]:
        sw.point_at("output", i, j)
        assert sw.out_index == (i, j) and sw.position.value == i * wo + j  # the slider follows
        assert lit(sw.board, "input", "sw-window") == window_cells(i * s, i * s + k, j * s, j * s + k)
        win = padded[i * s:i * s + k, j * s:j * s + k]
        assert sw.caption.count("&times;") == k * k                      # every product written
        assert f"= <b>{float((win * sw.current_kernel()).sum()):.4g}</b>" in sw.caption
        assert sw.board.answered == sw.board.pointer["seq"]              # this event is answered


@pytest.mark.parametrize("n,k,s,p", [(7, 3, 2, 0), (8, 3, 3, 1), (6, 1, 4, 0), (5, 4, 1, 1)])
def test_clicking_an_input_cell_shows_every_output_cell_that_reads_it(n, k, s, p):
    sw = sliding_window_explorer(size=n, kernel_size=k, stride=s, padding=p)
    ho, wo = sw.output.shape
    for r in range(n + 2 * p):
        for c in range(n + 2 * p):
            sw.point_at("input", r, c, kind="click")
            want = [(i, j) for i in range(ho) for j in range(wo)
                    if i * s <= r < i * s + k and j * s <= c < j * s + k]
            assert sw.readers == want
            assert lit(sw.board, "output", "sw-reader") == want
            assert lit(sw.board, "input", "sw-source") == [(r, c)]
            assert ("read by no output cell" in sw.caption) == (not want) == bool(sw.skipped[r, c])


def test_hovering_over_the_input_changes_nothing_and_garbage_pointers_are_ignored():
    sw = sliding_window_explorer(size=7, kernel_size=3, stride=2)
    sw.point_at("output", 1, 1)
    before = (sw.board.highlights, sw.caption, sw.out_index)
    sw.point_at("input", 3, 3)                       # hover (not a click) over the input
    for bad in ({}, {"grid": "output"}, {"grid": "output", "row": 99, "col": 0, "seq": 5},
                {"grid": "nowhere", "row": 0, "col": 0, "seq": 6},
                {"grid": "input", "row": -3, "col": 2, "kind": "click", "seq": 7}):
        sw.board.pointer = bad
    assert (sw.board.highlights, sw.caption, sw.out_index) == before
    assert sw.message == ""


def test_the_board_and_the_position_slider_stay_in_step():
    sw = sliding_window_explorer(size=7, kernel_size=3, stride=2)
    sw.position.value = 7
    assert sw.out_index == (2, 1) and lit(sw.board, "output", "sw-current") == [(2, 1)]
    sw.point_at("output", 0, 1)
    assert sw.position.value == 1
    sw.stride.value = 1                              # a new output: the board is redrawn
    assert grid(sw.board, "output")["rows"] == 5 and sw.out_index == (0, 1)
