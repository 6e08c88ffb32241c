"""course_lib.pooling against torch.nn.functional on random shapes, strides and paddings."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.conv import conv_output_size
from course_lib.pooling import avg_pool2d, max_pool2d

LECTURE_INPUT = np.array([[1, 2, 5, 6], [3, 4, 7, 8], [9, 8, 5, 4], [7, 6, 3, 2]])


def as_pair(v):
    return (v, v) if isinstance(v, int) else v


@st.composite
def pool_case(draw):
    """(x, kernel_size, stride or None, padding) that torch accepts."""
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    kernel_size = draw(st.sampled_from([(kh, kw), kh])) if kh == kw else (kh, kw)
    kh, kw = as_pair(kernel_size)
    stride = draw(
        st.one_of(st.none(), st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3)))
    )
    ph, pw = draw(st.integers(0, kh // 2)), draw(st.integers(0, kw // 2))
    padding = ph if ph == pw and draw(st.booleans()) else (ph, pw)
    h = draw(st.integers(max(1, kh - 2 * ph), 10))
    w = draw(st.integers(max(1, kw - 2 * pw), 10))
    lead = draw(st.sampled_from([(), (3,), (2, 3)]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.standard_normal(lead + (h, w)).astype(dtype)
    return x, kernel_size, stride, padding


def torch_pool(fn, x, kernel_size, stride, padding, **kw):
    t = torch.from_numpy(x)
    t4 = t.reshape((-1, 1) + x.shape[-2:]) if x.ndim == 2 else t  # torch wants (C, H, W) or 4-D
    out = fn(t4, kernel_size, stride, padding, **kw).numpy()
    return out.reshape(out.shape[-2:]) if x.ndim == 2 else out


def check_shape(out, x, kernel_size, stride, padding):
    (kh, kw), (ph, pw) = as_pair(kernel_size), as_pair(padding)
    sh, sw = (kh, kw) if stride is None else as_pair(stride)
    assert out.shape == x.shape[:-2] + (
        conv_output_size(x.shape[-2], kh, sh, ph),
        conv_output_size(x.shape[-1], kw, sw, pw),
    )
    assert out.dtype == x.dtype


@settings(max_examples=100, deadline=None)
@given(pool_case())
def test_max_pool2d_matches_torch(case):
    x, kernel_size, stride, padding = case
    ours = max_pool2d(x, kernel_size, stride, padding)
    check_shape(ours, x, kernel_size, stride, padding)
    np.testing.assert_array_equal(ours, torch_pool(F.max_pool2d, *case))


@settings(max_examples=100, deadline=None)
@given(pool_case(), st.booleans())
def test_avg_pool2d_matches_torch(case, count_include_pad):
    x, kernel_size, stride, padding = case
    ours = avg_pool2d(x, kernel_size, stride, padding, count_include_pad=count_include_pad)
    check_shape(ours, x, kernel_size, stride, padding)
    theirs = torch_pool(F.avg_pool2d, *case, count_include_pad=count_include_pad)
    tol = 1e-6 if x.dtype == np.float32 else 1e-14
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


def test_lecture_example_max_pool_2x2_stride_2():
    out = max_pool2d(LECTURE_INPUT, kernel_size=2, stride=2)
    np.testing.assert_array_equal(out, [[4, 8], [9, 5]])
    np.testing.assert_array_equal(max_pool2d(LECTURE_INPUT), out)  # stride defaults to 2
    assert out.dtype == np.float64


def test_lecture_example_average_pool():
    np.testing.assert_array_equal(avg_pool2d(LECTURE_INPUT), [[2.5, 6.5], [7.5, 3.5]])


def test_max_padding_never_wins_and_avg_counts_padded_zeros():
    x = -np.ones((2, 2), np.float32)
    np.testing.assert_array_equal(max_pool2d(x, 2, stride=1, padding=1), -np.ones((3, 3)))
    corner = avg_pool2d(x, 2, stride=1, padding=1)
    assert corner[0, 0] == pytest.approx(-0.25)  # one input entry and three padded zeros
    assert avg_pool2d(x, 2, 1, 1, count_include_pad=False)[0, 0] == -1.0


def test_nan_propagates_like_torch():
    x = np.array([[1.0, np.nan], [2.0, 3.0]], np.float32)
    assert np.isnan(max_pool2d(x)[0, 0])
    assert np.isnan(F.max_pool2d(torch.from_numpy(x)[None], 2).numpy()[0, 0, 0])


def test_translation_invariance_of_max_pooling():
    # shifting a feature by one pixel inside a pooling window does not change the output
    x = np.zeros((4, 4))
    x[0, 0] = 1.0
    y = np.roll(x, 1, axis=1)
    np.testing.assert_array_equal(max_pool2d(x), max_pool2d(y))


def test_the_lecture_grid_is_defined_once_here():
    """pooling.LECTURE_GRID is the lecture's 4x4 example; read-only so no caller changes it."""
    from course_lib.pooling import LECTURE_GRID

    assert LECTURE_GRID.dtype == np.float32 and LECTURE_GRID.shape == (4, 4)
    np.testing.assert_array_equal(max_pool2d(LECTURE_GRID), [[4, 8], [9, 5]])
    with pytest.raises(ValueError, match="read-only"):
        LECTURE_GRID[0, 0] = 0
