"""course_lib.dense against PyTorch: flatten, linear, compose_linear, log_softmax, cross_entropy."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import dense
from course_lib.dense import compose_linear, cross_entropy, flatten, linear, log_softmax

DTYPES = [np.float32, np.float64]
TOL = {np.float32: dict(rtol=1e-4, atol=1e-5), np.float64: dict(rtol=1e-10, atol=1e-12)}

shapes = st.lists(st.integers(1, 5), min_size=2, max_size=5)


def _rand(rng, shape, dtype):
    return rng.standard_normal(shape).astype(dtype)


@settings(max_examples=40, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**31 - 1), dtype=st.sampled_from(DTYPES),
       data=st.data())
def test_flatten_matches_torch(shape, seed, dtype, data):
    x = _rand(np.random.default_rng(seed), shape, dtype)
    start = data.draw(st.integers(-len(shape), len(shape) - 1))
    got = flatten(x, start)
    want = torch.nn.Flatten(start_dim=start)(torch.from_numpy(x)).numpy()
    assert got.dtype == dtype
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)


def test_flatten_order_puts_channel_first():
    x = np.arange(2 * 3 * 2 * 2).reshape(2, 3, 2, 2)
    out = flatten(x)
    assert out.shape == (2, 12)
    n, c, i, j = 1, 2, 1, 0
    assert out[n, (c * 2 + i) * 2 + j] == x[n, c, i, j]


@settings(max_examples=60, deadline=None)
@given(batch=st.lists(st.integers(1, 4), min_size=0, max_size=2), n_in=st.integers(1, 9),
       n_out=st.integers(1, 9), use_bias=st.booleans(), seed=st.integers(0, 2**31 - 1),
       dtype=st.sampled_from(DTYPES))
def test_linear_matches_torch(batch, n_in, n_out, use_bias, seed, dtype):
    rng = np.random.default_rng(seed)
    x = _rand(rng, (*batch, n_in), dtype)
    w = _rand(rng, (n_out, n_in), dtype)
    b = _rand(rng, (n_out,), dtype) if use_bias else None
    got = linear(x, w, b)
    want = F.linear(torch.from_numpy(x), torch.from_numpy(w),
                    None if b is None else torch.from_numpy(b)).numpy()
    assert got.dtype == dtype
    assert got.shape == want.shape == (*batch, n_out)
    np.testing.assert_allclose(got, want, **TOL[dtype])


def test_linear_matches_torch_module_with_its_own_weights():
    torch.manual_seed(0)
    layer = torch.nn.Linear(6, 3)
    x = torch.randn(4, 6)
    got = linear(x.numpy(), layer.weight.detach().numpy(), layer.bias.detach().numpy())
    np.testing.assert_allclose(got, layer(x).detach().numpy(), rtol=1e-5, atol=1e-6)


def test_linear_integer_input_becomes_float64():
    out = linear(np.array([[1, 2]]), np.array([[1, 1], [0, 3]]), np.array([1, 0]))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[4.0, 6.0]])


@settings(max_examples=40, deadline=None)
@given(n_in=st.integers(1, 6), hidden=st.integers(1, 6), n_out=st.integers(1, 6),
       bias1=st.booleans(), bias2=st.booleans(), seed=st.integers(0, 2**31 - 1),
       dtype=st.sampled_from(DTYPES))
def test_compose_linear_equals_two_layers_and_torch_sequential(n_in, hidden, n_out, bias1, bias2,
                                                               seed, dtype):
    rng = np.random.default_rng(seed)
    x = _rand(rng, (5, n_in), dtype)
    w1, w2 = _rand(rng, (hidden, n_in), dtype), _rand(rng, (n_out, hidden), dtype)
    b1 = _rand(rng, (hidden,), dtype) if bias1 else None
    b2 = _rand(rng, (n_out,), dtype) if bias2 else None
    w, b = compose_linear(w1, b1, w2, b2)
    assert w.shape == (n_out, n_in) and b.shape == (n_out,)
    assert w.dtype == dtype and b.dtype == dtype
    two = linear(linear(x, w1, b1), w2, b2)
    np.testing.assert_allclose(linear(x, w, b), two, **TOL[dtype])
    seq = torch.nn.Sequential(torch.nn.Linear(n_in, hidden, bias=bias1),
                              torch.nn.Linear(hidden, n_out, bias=bias2)).to(
        torch.float32 if dtype == np.float32 else torch.float64)
    with torch.no_grad():
        seq[0].weight.copy_(torch.from_numpy(w1))
        seq[1].weight.copy_(torch.from_numpy(w2))
        if bias1:
            seq[0].bias.copy_(torch.from_numpy(b1))
        if bias2:
            seq[1].bias.copy_(torch.from_numpy(b2))
        want = seq(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(linear(x, w, b), want, **TOL[dtype])


def test_relu_between_layers_breaks_the_collapse():
    # with a ReLU in between, no single linear layer reproduces the pair on these points
    w1 = np.array([[1.0], [-1.0]])
    w2 = np.array([[1.0, 1.0]])
    x = np.array([[-2.0], [-1.0], [0.0], [1.0], [2.0]])
    y = linear(np.maximum(linear(x, w1), 0), w2)  # |x|
    np.testing.assert_array_equal(y[:, 0], np.abs(x[:, 0]))
    a = np.hstack([x, np.ones_like(x)])
    coef, residual, *_ = np.linalg.lstsq(a, y, rcond=None)
    assert residual[0] > 1.0


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(st.integers(1, 6), min_size=1, max_size=3), seed=st.integers(0, 2**31 - 1),
       dtype=st.sampled_from(DTYPES), scale=st.sampled_from([1.0, 100.0, 1e4]), data=st.data())
def test_log_softmax_matches_torch_even_for_large_scores(shape, seed, dtype, scale, data):
    x = (_rand(np.random.default_rng(seed), shape, dtype) * scale).astype(dtype)
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    got = log_softmax(x, axis=axis)
    want = torch.log_softmax(torch.from_numpy(x), dim=axis).numpy()
    assert got.dtype == dtype
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, want, rtol=TOL[dtype]["rtol"], atol=TOL[dtype]["atol"] * scale)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 8), k=st.integers(1, 7), seed=st.integers(0, 2**31 - 1),
       dtype=st.sampled_from(DTYPES))
def test_cross_entropy_matches_torch(n, k, seed, dtype):
    rng = np.random.default_rng(seed)
    logits = _rand(rng, (n, k), dtype) * 3
    target = rng.integers(0, k, size=n)
    got = cross_entropy(logits, target)
    want = F.cross_entropy(torch.from_numpy(logits), torch.from_numpy(target)).item()
    assert np.asarray(got).dtype == dtype
    np.testing.assert_allclose(got, want, **TOL[dtype])


def test_cross_entropy_of_uniform_scores_is_log_k():
    assert np.isclose(cross_entropy(np.zeros((3, 10)), np.array([0, 4, 9])), np.log(10))


def test_docstring_examples_run():
    failures, tried = doctest.testmod(dense, extraglobs={"np": np}, optionflags=doctest.ELLIPSIS)
    assert tried >= 5
    assert failures == 0


# ---- bad input, case by case ------------------------------------------------------------------

@pytest.mark.parametrize("call, exc, words", [
    (lambda: flatten(["a", "b"]), TypeError, "x must be an array of real numbers"),
    (lambda: flatten(np.zeros((2, 3), np.float16)), TypeError, "got dtype float16"),
    (lambda: flatten(np.zeros(3)), ValueError, "at least 2 axes"),
    (lambda: flatten(np.zeros((2, 3)), start_dim=2), ValueError, "start_dim must be an integer in [-2, 1], got 2"),
    (lambda: flatten(np.zeros((2, 3)), start_dim=1.0), TypeError, "start_dim must be an integer in [-2, 1], got 1.0 of type float"),
    (lambda: linear("abc", np.zeros((2, 2))), TypeError, "x must be an array of real numbers"),
    (lambda: linear(np.zeros(2, dtype=complex), np.zeros((2, 2))), TypeError, "got dtype complex128"),
    (lambda: linear(np.zeros((3, 4)), np.zeros(4)), ValueError, "weight must be 2-D"),
    (lambda: linear(np.zeros((3, 4)), np.zeros((2, 5))), ValueError, "in_features=5"),
    (lambda: linear(np.zeros((3, 4)), np.zeros((2, 4)), np.zeros(3)), ValueError,
     "bias must have shape (out_features,) = (2,)"),
    (lambda: linear(np.float64(1.0), np.zeros((2, 1))), ValueError, "at least 1 axis"),
    (lambda: compose_linear(np.zeros((3, 2)), None, np.zeros((4, 2)), None), ValueError,
     "weight2 expects 2 inputs"),
    (lambda: compose_linear(np.zeros(3), None, np.zeros((4, 3)), None), ValueError,
     "weight1 must be 2-D"),
    (lambda: compose_linear(np.zeros((3, 2)), np.zeros(2), np.zeros((4, 3)), None), ValueError,
     "bias1 must have shape (3,)"),
    (lambda: compose_linear(np.zeros((3, 2)), None, np.zeros((4, 3)), np.zeros(3)), ValueError,
     "bias2 must have shape (4,)"),
    (lambda: log_softmax(np.float64(2.0)), ValueError, "at least 1 axis"),
    (lambda: log_softmax(np.zeros((2, 3)), axis=2), ValueError, "axis must be an integer in [-2, 1], got 2"),
    (lambda: cross_entropy(np.zeros(3), np.array([0])), ValueError, "(N, num_classes)"),
    (lambda: cross_entropy(np.zeros((2, 3)), np.array([0.0, 1.0])), TypeError, "integer class"),
    (lambda: cross_entropy(np.zeros((2, 3)), np.array([0, 1, 2])), ValueError, "shape (N,) = (2,)"),
    (lambda: cross_entropy(np.zeros((2, 3)), np.array([0, 3])), ValueError, "in [0, 2]"),
    (lambda: cross_entropy(np.zeros((2, 3)), np.array([-1, 0])), ValueError, "got -1"),
    (lambda: cross_entropy(np.zeros((0, 3)), np.zeros(0, dtype=int)), ValueError, "N=0"),
])
def test_bad_input_is_named(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    assert words in str(info.value)


def test_the_dtype_policy_lists_ints_and_mixed_floats():
    """course_lib._args's policy: an array-like is accepted everywhere (flatten takes the list
    linear takes), ints become float64, and mixed float32/float64 promote to float64 as in
    NumPy; float32 alone stays float32."""
    assert flatten([[1, 2], [3, 4]]).dtype == np.float64
    np.testing.assert_array_equal(flatten([[[1], [2]]]), [[1.0, 2.0]])
    x32, w64 = np.ones((3, 4), np.float32), np.ones((2, 4))
    assert linear(x32, w64).dtype == np.float64
    assert linear(x32, w64.astype(np.float32), np.zeros(2, np.float32)).dtype == np.float32
    np.testing.assert_allclose(linear(x32, w64), linear(x32.astype(np.float64), w64))
    w, b = compose_linear(np.eye(2, dtype=np.float32), None, np.eye(2), np.zeros(2, np.float32))
    assert w.dtype == b.dtype == np.float64
    w, b = compose_linear(np.eye(2, dtype=np.float32), None, np.eye(2, dtype=np.float32), None)
    assert w.dtype == b.dtype == np.float32
    with pytest.raises(TypeError, match="axis must be an integer"):
        log_softmax(np.zeros((2, 3)), axis=np.array(1.5))
