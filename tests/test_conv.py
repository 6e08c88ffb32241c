"""course_lib.conv against PyTorch and SciPy on random shapes, strides and paddings."""

import doctest

import numpy as np
import pytest
import scipy.signal
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import course_lib.activations
import course_lib.conv
import course_lib.kernels
import course_lib.pooling
from course_lib.conv import (
    conv2d,
    conv2d_backward,
    conv_output_size,
    convolve2d,
    correlate2d,
    correlate2d_naive,
    pad2d,
)

DTYPES = st.sampled_from([np.float32, np.float64])
TOL = {np.float32: {"rtol": 1e-4, "atol": 1e-4}, np.float64: {"rtol": 1e-10, "atol": 1e-10}}


def int_or_pair(lo, hi):
    return st.one_of(st.integers(lo, hi), st.tuples(st.integers(lo, hi), st.integers(lo, hi)))


def pair(v):
    return (v, v) if isinstance(v, int) else v


@st.composite
def conv_case(draw, max_channels=4, max_kernel=5):
    """A random, valid conv2d problem: (x, weight, bias or None, stride, padding)."""
    dtype = draw(DTYPES)
    n = draw(st.integers(1, 3))
    c = draw(st.integers(1, max_channels))
    k = draw(st.integers(1, max_channels))
    kh, kw = draw(st.integers(1, max_kernel)), draw(st.integers(1, max_kernel))
    stride = draw(int_or_pair(1, 3))
    padding = draw(int_or_pair(0, 2))
    ph, pw = pair(padding)
    h = draw(st.integers(max(1, kh - 2 * ph), max(1, kh - 2 * ph) + 7))
    w = draw(st.integers(max(1, kw - 2 * pw), max(1, kw - 2 * pw) + 7))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = rng.standard_normal((n, c, h, w)).astype(dtype)
    weight = rng.standard_normal((k, c, kh, kw)).astype(dtype)
    bias = rng.standard_normal(k).astype(dtype) if draw(st.booleans()) else None
    return x, weight, bias, stride, padding


def expected_shape(x, weight, stride, padding):
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    return (
        x.shape[0],
        weight.shape[0],
        conv_output_size(x.shape[2], weight.shape[2], sh, ph),
        conv_output_size(x.shape[3], weight.shape[3], sw, pw),
    )


def torch_conv(x, weight, bias, stride, padding):
    b = None if bias is None else torch.from_numpy(bias)
    return F.conv2d(torch.from_numpy(x), torch.from_numpy(weight), b, stride, padding).numpy()


# --------------------------------------------------------------------------- conv2d
@settings(max_examples=80, deadline=None)
@given(conv_case())
def test_conv2d_matches_torch(case):
    x, weight, bias, stride, padding = case
    ours = conv2d(x, weight, bias, stride=stride, padding=padding)
    theirs = torch_conv(x, weight, bias, stride, padding)
    assert ours.shape == theirs.shape == expected_shape(x, weight, stride, padding)
    assert ours.dtype == x.dtype
    assert ours.flags.c_contiguous
    np.testing.assert_allclose(ours, theirs, **TOL[x.dtype.type])


def test_conv2d_large_channels_uses_several_row_chunks(monkeypatch):
    # A chunk budget this small forces one output row per matrix product.
    monkeypatch.setattr(course_lib.conv, "_CHUNK_BYTES", 64)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 16, 12, 10)).astype(np.float32)
    w = rng.standard_normal((8, 16, 3, 3)).astype(np.float32)
    ours = conv2d(x, w, stride=1, padding=1)
    np.testing.assert_allclose(ours, torch_conv(x, w, None, 1, 1), rtol=1e-4, atol=1e-4)


def test_conv2d_accepts_non_contiguous_views():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((3, 5, 9, 2)).transpose(3, 1, 0, 2)[..., ::-1]  # (2, 5, 3, 9) view
    w = rng.standard_normal((5, 2, 3, 2)).transpose(1, 0, 3, 2)  # (2, 5, 2, 3) view
    assert not x.flags.c_contiguous and not w.flags.c_contiguous
    for padding in (0, (1, 2)):
        ours = conv2d(x, w, stride=(2, 1), padding=padding)
        theirs = torch_conv(np.ascontiguousarray(x), np.ascontiguousarray(w), None, (2, 1), padding)
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10)


def test_conv2d_by_hand():
    # One 3x3 image, one 2x2 kernel; every number can be checked on paper.
    x = np.arange(9.0).reshape(1, 1, 3, 3)  # [[0,1,2],[3,4,5],[6,7,8]]
    w = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    # top-left window [[0,1],[3,4]] -> 0*1 + 1*2 + 3*3 + 4*4 = 27
    np.testing.assert_array_equal(conv2d(x, w, bias=[1.0])[0, 0], [[28.0, 38.0], [58.0, 68.0]])


def test_mixed_and_integer_dtypes_promote_like_numpy():
    x = np.ones((1, 1, 4, 4), np.float32)
    assert conv2d(x, np.ones((1, 1, 3, 3), np.float64)).dtype == np.float64
    assert conv2d(x.astype(int), np.ones((1, 1, 3, 3), int)).dtype == np.float64
    assert correlate2d(np.ones((3, 3), np.float32), np.ones((2, 2), np.float32)).dtype == np.float32


@settings(max_examples=40, deadline=None)
@given(conv_case(max_channels=3, max_kernel=4))
def test_conv2d_backward_matches_torch_autograd(case):
    x, weight, bias, stride, padding = case
    if bias is None:
        bias = np.zeros(weight.shape[0], x.dtype)
    xt, wt, bt = (torch.from_numpy(a).requires_grad_() for a in (x, weight, bias))
    out = F.conv2d(xt, wt, bt, stride, padding)
    dout = np.random.default_rng(1).standard_normal(tuple(out.shape)).astype(x.dtype)
    out.backward(torch.from_numpy(dout))
    dx, dweight, dbias = conv2d_backward(dout, x, weight, stride=stride, padding=padding)
    for ours, t in ((dx, xt), (dweight, wt), (dbias, bt)):
        assert ours.shape == tuple(t.shape)
        assert ours.dtype == x.dtype
        np.testing.assert_allclose(ours, t.grad.numpy(), **TOL[x.dtype.type])


def test_conv2d_backward_matches_finite_differences():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((1, 2, 5, 4))
    w = rng.standard_normal((3, 2, 3, 2))
    dout = rng.standard_normal(conv2d(x, w, stride=2, padding=1).shape)
    dx, dw, _ = conv2d_backward(dout, x, w, stride=2, padding=1)

    def loss(x_, w_):
        return float(np.sum(conv2d(x_, w_, stride=2, padding=1) * dout))

    eps = 1e-6
    for arr, grad, f in ((x, dx, lambda a: loss(a, w)), (w, dw, lambda a: loss(x, a))):
        for idx in [(0, 0, 0, 0), (0, 1, 2, 1), tuple(s - 1 for s in arr.shape)]:
            plus, minus = arr.copy(), arr.copy()
            plus[idx] += eps
            minus[idx] -= eps
            assert grad[idx] == pytest.approx((f(plus) - f(minus)) / (2 * eps), rel=1e-5)


# --------------------------------------------------------------------------- one channel
@st.composite
def image_kernel(draw, max_kernel=5):
    dtype = draw(DTYPES)
    kh, kw = draw(st.integers(1, max_kernel)), draw(st.integers(1, max_kernel))
    h, w = draw(st.integers(kh, kh + 8)), draw(st.integers(kw, kw + 8))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    return rng.standard_normal((h, w)).astype(dtype), rng.standard_normal((kh, kw)).astype(dtype)


@settings(max_examples=60, deadline=None)
@given(image_kernel())
def test_convolve_and_correlate_match_scipy_valid(pair_):
    image, kernel = pair_
    tol = TOL[image.dtype.type]
    conv, corr = convolve2d(image, kernel), correlate2d(image, kernel)
    assert conv.dtype == corr.dtype == image.dtype
    np.testing.assert_allclose(conv, scipy.signal.convolve2d(image, kernel, mode="valid"), **tol)
    np.testing.assert_allclose(corr, scipy.signal.correlate2d(image, kernel, mode="valid"), **tol)


@settings(max_examples=60, deadline=None)
@given(image_kernel(max_kernel=4), int_or_pair(1, 3), int_or_pair(0, 2))
def test_correlate2d_with_stride_and_padding_matches_torch(pair_, stride, padding):
    image, kernel = pair_
    ours = correlate2d(image, kernel, stride=stride, padding=padding)
    theirs = torch_conv(image[None, None], kernel[None, None], None, stride, padding)[0, 0]
    np.testing.assert_allclose(ours, theirs, **TOL[image.dtype.type])
    # the lecture's convolution is the correlation with the kernel turned by 180 degrees
    flipped = correlate2d(image, kernel[::-1, ::-1], stride=stride, padding=padding)
    np.testing.assert_array_equal(convolve2d(image, kernel, stride, padding), flipped)


@settings(max_examples=30, deadline=None)
@given(image_kernel(max_kernel=4), int_or_pair(1, 3), int_or_pair(0, 2))
def test_naive_loops_equal_the_fast_version(pair_, stride, padding):
    image, kernel = pair_
    naive = correlate2d_naive(image, kernel, stride=stride, padding=padding)
    fast = correlate2d(image, kernel, stride=stride, padding=padding)
    assert naive.shape == fast.shape and naive.dtype == fast.dtype
    np.testing.assert_allclose(naive, fast, **TOL[image.dtype.type])


def test_convolve2d_is_the_lectures_formula():
    # S(i, j) = sum_m sum_n I(i - m, j - n) K(m, n), evaluated literally where it is defined
    rng = np.random.default_rng(5)
    image, kernel = rng.standard_normal((6, 7)), rng.standard_normal((3, 2))
    out = convolve2d(image, kernel)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            ii, jj = i + 2, j + 1  # index of the full-convolution sample that "valid" keeps
            s = sum(image[ii - m, jj - n] * kernel[m, n] for m in range(3) for n in range(2))
            assert out[i, j] == pytest.approx(s)


# --------------------------------------------------------------------------- sizes and padding
@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 300),
    st.integers(1, 11),
    st.integers(1, 5),
    st.integers(0, 5),
    st.integers(1, 4),
)
def test_conv_output_size_matches_torch_and_formula(n, k, s, p, d):
    if d * (k - 1) + 1 > n + 2 * p:
        with pytest.raises(ValueError, match="larger than the padded input"):
            conv_output_size(n, k, s, p, d)
        return
    size = conv_output_size(n, k, s, p, d)
    assert type(size) is int
    assert size == (n + 2 * p - d * (k - 1) - 1) // s + 1
    if n <= 40:  # PyTorch agrees (checked on a cheap 1-wide image)
        out = F.conv2d(
            torch.zeros(1, 1, n, 1), torch.zeros(1, 1, k, 1), stride=s, padding=(p, 0), dilation=d
        )
        assert out.shape[2] == size


def test_conv_output_size_vgg_examples():
    assert conv_output_size(224, 3, stride=1, padding=1) == 224
    assert conv_output_size(224, 2, stride=2) == 112
    assert conv_output_size(32, 5) == 28


@settings(max_examples=40, deadline=None)
@given(
    st.integers(2, 4),
    int_or_pair(0, 3),
    DTYPES,
    st.floats(-5, 5),
)
def test_pad2d_matches_numpy_pad(ndim, padding, dtype, value):
    x = np.random.default_rng(ndim).standard_normal((2, 3, 4, 5)[-ndim:]).astype(dtype)
    ph, pw = pair(padding)
    out = pad2d(x, padding, value=value)
    widths = [(0, 0)] * (ndim - 2) + [(ph, ph), (pw, pw)]
    np.testing.assert_array_equal(out, np.pad(x, widths, constant_values=dtype(value)))
    assert out.dtype == dtype


def test_pad2d_minus_inf_for_max_pooling():
    out = pad2d(np.ones((1, 1), np.float32), (1, 0), value=-np.inf)
    np.testing.assert_array_equal(out, [[-np.inf], [1.0], [-np.inf]])


# --------------------------------------------------------------------------- documentation
@pytest.mark.parametrize(
    "module",
    [course_lib.conv, course_lib.kernels, course_lib.activations, course_lib.pooling],
    ids=lambda m: m.__name__,
)
def test_docstring_examples_run(module):
    result = doctest.testmod(module, extraglobs={"np": np}, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize("kernel_shape", [(1, 1), (3, 5), (7, 7), (8, 7), (9, 11)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_correlate2d_both_paths_match_scipy(kernel_shape, dtype):
    """Small kernels take the shifted-sum path, large ones (over 49 taps) the im2col path."""
    rng = np.random.default_rng(sum(kernel_shape))
    image = rng.standard_normal((23, 19)).astype(dtype)
    kernel = rng.standard_normal(kernel_shape).astype(dtype)
    got = correlate2d(image, kernel)
    assert got.dtype == dtype
    want = scipy.signal.correlate2d(image.astype(np.float64), kernel.astype(np.float64), mode="valid")
    np.testing.assert_allclose(got, want, rtol=1e-4 if dtype == np.float32 else 1e-10, atol=1e-4)
    strided = correlate2d(image, kernel, stride=(2, 3), padding=(1, 2))
    padded = np.pad(image.astype(np.float64), ((1, 1), (2, 2)))
    want = scipy.signal.correlate2d(padded, kernel.astype(np.float64), mode="valid")[::2, ::3]
    np.testing.assert_allclose(strided, want, rtol=1e-4 if dtype == np.float32 else 1e-10, atol=1e-4)


# issue 13: a zero-size image, kernel or channel axis used to give an array of zeros (or divide
# by zero); now it is refused by name
@pytest.mark.parametrize("call, words", [
    (lambda: correlate2d(np.ones((3, 3)), np.ones((0, 2))), r"kernel must not be empty, got shape \(0, 2\)"),
    (lambda: convolve2d(np.ones((0, 3)), np.ones((1, 1))), r"image must not be empty, got shape \(0, 3\)"),
    (lambda: correlate2d_naive(np.ones((3, 3)), np.ones((2, 0))), r"kernel must not be empty"),
    (lambda: conv2d(np.ones((1, 0, 3, 3)), np.ones((1, 0, 2, 2))), r"x must not be empty, got shape \(1, 0, 3, 3\)"),
    (lambda: conv2d(np.ones((1, 1, 3, 3)), np.ones((0, 1, 2, 2))), r"weight must not be empty"),
])
def test_zero_size_input_is_refused(call, words):
    with pytest.raises(ValueError, match=words):
        call()


def test_visited_mask_lives_in_conv_and_plotting_keeps_its_name():
    from course_lib.plotting import cnn as plotting_cnn

    conv = course_lib.conv
    assert plotting_cnn.visited_mask is conv.visited_mask
    rng = np.random.default_rng(0)
    for _ in range(50):
        hp, wp = rng.integers(1, 12, 2)
        kh, kw = rng.integers(1, hp + 1), rng.integers(1, wp + 1)
        sh, sw = rng.integers(1, 5, 2)
        seen = np.zeros((hp, wp), bool)
        for i in range(0, hp - kh + 1, sh):
            for j in range(0, wp - kw + 1, sw):
                seen[i:i + kh, j:j + kw] = True
        np.testing.assert_array_equal(conv.visited_mask((hp, wp), (kh, kw), (sh, sw)), seen)
    assert conv.visited_mask((10**5, 3), (10**5, 1), 1).shape == (10**5, 3)  # linear, not n^2
    with pytest.raises(TypeError, match="stride must be an integer >= 1"):
        conv.visited_mask((5, 5), 3, 1.5)
    with pytest.raises(ValueError, match="padded_shape=.* would need"):
        conv.visited_mask((10**6, 10**6), 1)


def test_backward_results_are_named_tuples_named_after_their_arguments():
    """One backward convention: a NamedTuple of gradients, each named after (and shaped like)
    the argument it is the gradient of; conv2d_backward still unpacks as dx, dweight, dbias."""
    from course_lib.conv import Conv2dGrads
    from course_lib.rnn import RNNGrads, RNNParams, rnn_backward, rnn_forward

    x, w = np.ones((1, 2, 4, 4)), np.ones((3, 2, 2, 2))
    g = course_lib.conv.conv2d_backward(np.ones((1, 3, 3, 3)), x, w)
    assert type(g) is Conv2dGrads and g._fields == ("x", "weight", "bias")
    assert g.x.shape == x.shape and g.weight.shape == w.shape and g.bias.shape == (3,)
    dx, dweight, dbias = g
    assert dx is g.x
    p = RNNParams.random(2, 3, 1, seed=0)
    fwd = rnn_forward(np.ones((4, 1, 2)), None, p)
    rg = rnn_backward(fwd, np.ones((4, 1, 1)))
    assert isinstance(rg, RNNGrads) and isinstance(rg, tuple)
    for name in ("U", "W", "b", "V", "c"):
        assert getattr(rg, name).shape == getattr(p, name).shape
