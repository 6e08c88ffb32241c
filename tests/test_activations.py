"""course_lib.activations against torch on random arrays, extreme values included."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from course_lib.activations import leaky_relu, relu, relu_grad, sigmoid, softmax, tanh


@st.composite
def float_arrays(draw, min_dims=0, finite=False):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    width = 32 if dtype == np.float32 else 64
    elements = st.floats(
        width=width, allow_nan=not finite, allow_infinity=not finite, allow_subnormal=False
    )
    shape = draw(array_shapes(min_dims=min_dims, max_dims=4, max_side=6))
    return draw(arrays(dtype, shape, elements=elements))


def close(ours, theirs, x):
    assert ours.shape == x.shape and ours.dtype == x.dtype
    rtol = 1e-6 if x.dtype == np.float32 else 1e-14
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=rtol, equal_nan=True)


@settings(max_examples=150, deadline=None)
@given(float_arrays())
def test_elementwise_activations_match_torch(x):
    t = torch.from_numpy(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow or invalid-value warnings, whatever x is
        close(relu(x), torch.relu(t).numpy(), x)
        close(sigmoid(x), torch.sigmoid(t).numpy(), x)
        close(tanh(x), torch.tanh(t).numpy(), x)
        close(leaky_relu(x, 0.2), F.leaky_relu(t, 0.2).numpy(), x)


@settings(max_examples=60, deadline=None)
@given(float_arrays(finite=True))
def test_relu_grad_matches_autograd(x):
    t = torch.from_numpy(x).requires_grad_()
    torch.relu(t).sum().backward()
    close(relu_grad(x), t.grad.numpy(), x)


@settings(max_examples=100, deadline=None)
@given(float_arrays(min_dims=1, finite=True), st.data())
def test_softmax_matches_torch_on_any_axis(x, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = softmax(x, axis=axis)
    close(ours, torch.softmax(torch.from_numpy(x), dim=axis).numpy(), x)
    np.testing.assert_allclose(ours.sum(axis=axis), 1.0, rtol=1e-5)


def test_sigmoid_extremes_without_warnings():
    for dtype in (np.float32, np.float64):
        x = np.array([-1e30, -1000.0, -50.0, 0.0, 50.0, 1000.0, 1e30], dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            y = sigmoid(x)
        assert y.dtype == dtype
        assert y[0] == 0.0 and y[3] == 0.5 and y[-1] == 1.0
        assert np.all(np.diff(y) >= 0)


def test_softmax_of_huge_logits_is_stable():
    np.testing.assert_allclose(softmax(np.array([1e4, 1e4 - np.log(3.0)])), [0.75, 0.25])
    # the gap overflows the float range (found by hypothesis): still exact, and no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        far = softmax(np.array([-1.79769313e308, 2.99376046e292]))
    np.testing.assert_array_equal(far, [0.0, 1.0])
    assert softmax(np.array([[1, 2, 3]])).dtype == np.float64


def test_integer_input_becomes_float64():
    assert relu(np.array([-1, 2])).dtype == np.float64
    np.testing.assert_array_equal(relu([-1, 2]), [0.0, 2.0])


@pytest.mark.parametrize("axis", [2, -3, 1.0, True])
def test_softmax_bad_axis(axis):
    error = ValueError if isinstance(axis, int) and not isinstance(axis, bool) else TypeError
    with pytest.raises(error, match=rf"axis must be an integer.*got {axis!r}"):
        softmax(np.ones((2, 3)), axis=axis)


@pytest.mark.parametrize(
    "row", [[np.inf, 1.0], [-np.inf, -np.inf], [np.nan, 1.0], [-np.inf, 0.0], [1e38, -1e38]]
)
def test_softmax_non_finite_rows_like_torch_without_warnings(row):
    x = np.array(row, np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = softmax(x)
    close(ours, torch.softmax(torch.from_numpy(x), dim=0).numpy(), x)
