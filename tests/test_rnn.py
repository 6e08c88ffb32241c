"""course_lib.rnn against torch.nn.RNN and torch.autograd; bad input; lesson 01's exercises and
figures."""

from dataclasses import replace

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.rnn import (
    INPUT_KINDS,
    RNNForward,
    RNNParams,
    example_inputs,
    gradient_norms_by_lag,
    rnn_backward,
    rnn_forward,
    rnn_step,
    scale_to_spectral_radius,
    spectral_radius,
)

sizes = st.integers(min_value=1, max_value=6)


def torch_modules(D, H, O, seed, dtype=torch.float64, batch_first=False, bias=True):
    torch.manual_seed(seed)
    rnn = torch.nn.RNN(D, H, batch_first=batch_first, bias=bias, dtype=dtype)
    head = torch.nn.Linear(H, O, dtype=dtype)
    return rnn, head


def torch_forward_states(p: RNNParams, xs, h0):
    """The recurrence step by step in torch, keeping every h_t in the autograd graph."""
    t = {k: torch.tensor(getattr(p, k), requires_grad=True) for k in "UWbVc"}
    x = torch.tensor(xs, requires_grad=True)
    h_prev = torch.tensor(h0, requires_grad=True)
    start = h_prev
    hs = []
    for step in range(xs.shape[0]):
        h = torch.tanh(t["b"] + h_prev @ t["W"].T + x[step] @ t["U"].T)
        h.retain_grad()
        hs.append(h)
        h_prev = h
    o = torch.stack(hs) @ t["V"].T + t["c"]
    return t, x, start, hs, o


# --- forward against torch.nn.RNN ---------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(T=sizes, N=sizes, D=sizes, H=sizes, O=sizes, batch_first=st.booleans(), bias=st.booleans(),
       seed=st.integers(0, 10_000))
def test_forward_matches_torch_rnn(T, N, D, H, O, batch_first, bias, seed):
    rnn, head = torch_modules(D, H, O, seed, batch_first=batch_first, bias=bias)
    p = RNNParams.from_torch(rnn, head)
    rng = np.random.default_rng(seed)
    xs = rng.standard_normal((T, N, D))
    h0 = rng.standard_normal((N, H))
    x_t = torch.tensor(xs.transpose(1, 0, 2) if batch_first else xs)
    with torch.no_grad():
        out, h_n = rnn(x_t, torch.tensor(h0)[None])
        out = out.transpose(0, 1) if batch_first else out
        o = head(out)
    h, o_np = rnn_forward(xs, h0, p)
    np.testing.assert_allclose(h, out.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(o_np, o.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(rnn_forward(xs, h0, p).h_last, h_n[0].numpy(), rtol=1e-10, atol=1e-12)


@settings(max_examples=15, deadline=None)
@given(T=sizes, N=sizes, D=sizes, H=sizes, seed=st.integers(0, 10_000))
def test_float32_stays_float32_and_matches_torch(T, N, D, H, seed):
    torch.manual_seed(seed)
    rnn = torch.nn.RNN(D, H)
    p = RNNParams.from_torch(rnn)
    assert p.dtype == np.float32
    xs = np.random.default_rng(seed).standard_normal((T, N, D)).astype(np.float32)
    fwd = rnn_forward(xs, None, p)
    with torch.no_grad():
        out, _ = rnn(torch.tensor(xs))
    assert fwd.h.dtype == np.float32 and fwd.o.dtype == np.float32
    np.testing.assert_allclose(fwd.h, out.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(fwd.o, fwd.h)  # no head: V = I, c = 0
    d_o = np.ones_like(fwd.o)
    g = rnn_backward(fwd, d_o)
    assert all(a.dtype == np.float32 for a in (g.U, g.W, g.b, g.V, g.c, g.h, g.h0, g.xs))
    assert gradient_norms_by_lag(p, xs).dtype == np.float32


def test_rnn_cell_and_step_match_torch_rnn_cell():
    torch.manual_seed(3)
    cell = torch.nn.RNNCell(3, 4, dtype=torch.float64)
    p = RNNParams.from_torch(cell)
    rng = np.random.default_rng(0)
    x, h = rng.standard_normal((5, 3)), rng.standard_normal((5, 4))
    with torch.no_grad():
        want = cell(torch.tensor(x), torch.tensor(h)).numpy()
    np.testing.assert_allclose(rnn_step(x, h, p), want, rtol=1e-12)
    # one sequence without a batch axis: (D,) and (H,)
    np.testing.assert_allclose(rnn_step(x[1], h[1], p), want[1], rtol=1e-12)


def test_step_is_one_step_of_forward_and_integer_inputs_are_accepted():
    p = RNNParams.random(2, 3, 1, seed=5)
    xs = np.array([[[1, 0]], [[0, 2]]])  # int: converted to the parameters' dtype
    fwd = rnn_forward(xs, None, p)
    h1 = rnn_step(xs[0], np.zeros((1, 3)), p)
    np.testing.assert_allclose(fwd.h[0], h1)
    np.testing.assert_allclose(fwd.h[1], rnn_step(xs[1], h1, p))
    h, o = fwd  # unpacks as (h, o)
    assert h is fwd.h and o is fwd.o


def test_hand_example_of_the_docstring():
    p = RNNParams(U=np.array([[1.0]]), W=np.array([[0.5]]), b=np.zeros(1), V=np.eye(1), c=np.zeros(1))
    h = rnn_forward(np.array([1.0, 0.0, -1.0]).reshape(3, 1, 1), None, p).h[:, 0, 0]
    np.testing.assert_allclose(h, [np.tanh(1), np.tanh(0.5 * np.tanh(1)),
                                   np.tanh(0.5 * np.tanh(0.5 * np.tanh(1)) - 1)])


# --- BPTT against torch.autograd ----------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(T=sizes, N=sizes, D=sizes, H=sizes, O=sizes, seed=st.integers(0, 10_000),
       use_d_h=st.booleans())
def test_backward_matches_autograd(T, N, D, H, O, seed, use_d_h):
    rng = np.random.default_rng(seed)
    p = RNNParams.random(D, H, O, seed=seed)
    xs, h0 = rng.standard_normal((T, N, D)), rng.standard_normal((N, H))
    d_o = rng.standard_normal((T, N, O))
    d_h = rng.standard_normal((T, N, H)) if use_d_h else None
    t, x, start, hs, o = torch_forward_states(p, xs, h0)
    loss = (o * torch.tensor(d_o)).sum()
    if use_d_h:
        loss = loss + (torch.stack(hs) * torch.tensor(d_h)).sum()
    loss.backward()
    g = rnn_backward(rnn_forward(xs, h0, p), d_o, d_h)
    for name in "UWbVc":
        np.testing.assert_allclose(getattr(g, name), t[name].grad.numpy(), rtol=1e-9, atol=1e-12,
                                   err_msg=name)
    np.testing.assert_allclose(g.h, np.stack([h.grad.numpy() for h in hs]), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(g.h0, start.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(g.xs, x.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_backward_gives_torch_rnn_parameter_gradients():
    rnn, head = torch_modules(3, 4, 2, seed=11)
    p = RNNParams.from_torch(rnn, head)
    xs = np.random.default_rng(1).standard_normal((6, 2, 3))
    out, _ = rnn(torch.tensor(xs))
    o = head(out)
    o[-1].sum().backward()  # a loss on the last step only
    d_o = np.zeros((6, 2, 2))
    d_o[-1] = 1.0
    g = rnn_backward(rnn_forward(xs, None, p), d_o)
    np.testing.assert_allclose(g.U, rnn.weight_ih_l0.grad.numpy(), rtol=1e-9)
    np.testing.assert_allclose(g.W, rnn.weight_hh_l0.grad.numpy(), rtol=1e-9)
    np.testing.assert_allclose(g.b, rnn.bias_ih_l0.grad.numpy(), rtol=1e-9)
    np.testing.assert_allclose(g.b, rnn.bias_hh_l0.grad.numpy(), rtol=1e-9)
    np.testing.assert_allclose(g.V, head.weight.grad.numpy(), rtol=1e-9)
    np.testing.assert_allclose(g.c, head.bias.grad.numpy(), rtol=1e-9)


@settings(max_examples=20, deadline=None)
@given(T=st.integers(1, 12), N=sizes, H=sizes, seed=st.integers(0, 10_000))
def test_gradient_norms_by_lag_match_autograd(T, N, H, seed):
    rng = np.random.default_rng(seed)
    p = RNNParams.random(2, H, 1, seed=seed)
    xs = rng.standard_normal((T, N, 2))
    g = rng.standard_normal((N, H))
    _, _, _, hs, _ = torch_forward_states(p, xs, np.zeros((N, H)))
    (hs[-1] * torch.tensor(g / np.linalg.norm(g))).sum().backward()
    want = np.array([np.linalg.norm(h.grad.numpy()) for h in hs])[::-1]
    got = gradient_norms_by_lag(p, xs, upstream=g)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-14)
    assert got[0] == pytest.approx(1.0)


@pytest.mark.parametrize("rho", [0.5, 0.9, 1.0, 1.2])
def test_orthogonal_params_scale_gradients_by_rho_per_step(rho):
    p = RNNParams.orthogonal(1, 6, 1, spectral_radius=rho, seed=2)
    assert spectral_radius(p.W) == pytest.approx(rho)
    np.testing.assert_allclose(p.W.T @ p.W, rho**2 * np.eye(6), atol=1e-12)
    norms = gradient_norms_by_lag(p, np.zeros((15, 1, 1)))  # zero input: h stays 0, tanh' = 1
    np.testing.assert_allclose(norms, rho ** np.arange(15), rtol=1e-10)


def test_saturation_damps_exploding_gradients():
    p = RNNParams.orthogonal(1, 8, 1, spectral_radius=1.5, seed=0)
    small = gradient_norms_by_lag(p, np.zeros((20, 1, 1)))
    big = gradient_norms_by_lag(p, example_inputs("step", 20) * 3.0)
    assert small[-1] > 1e3
    assert big[-1] < small[-1] / 100


@settings(max_examples=25, deadline=None)
@given(H=st.integers(2, 8), rho=st.floats(0.05, 3.0), seed=st.integers(0, 10_000))
def test_scale_to_spectral_radius(H, rho, seed):
    W = np.random.default_rng(seed).standard_normal((H, H))
    W2 = scale_to_spectral_radius(W, rho)
    assert spectral_radius(W2) == pytest.approx(rho, rel=1e-8)
    np.testing.assert_allclose(W2 / W, rho / spectral_radius(W))
    assert scale_to_spectral_radius(W.astype(np.float32), rho).dtype == np.float32
    p = RNNParams.random(1, H, 1, seed=seed).with_spectral_radius(rho)
    assert spectral_radius(p.W) == pytest.approx(rho, rel=1e-6)


# --- parameters -----------------------------------------------------------------------------------
def test_random_params_shapes_dtype_and_seed():
    p = RNNParams.random(3, 4, 2, seed=1, dtype=np.float32)
    assert (p.input_size, p.hidden_size, p.output_size) == (3, 4, 2)
    assert all(getattr(p, k).dtype == np.float32 for k in "UWbVc")
    q = RNNParams.random(3, 4, 2, seed=1, dtype=np.float32)
    np.testing.assert_array_equal(p.W, q.W)
    assert not np.array_equal(p.W, RNNParams.random(3, 4, 2, seed=2).W)
    assert np.abs(p.W).max() <= 0.5  # uniform in [-1/sqrt(H), 1/sqrt(H)]


def test_num_parameters_is_torch_count_minus_the_second_bias():
    rnn, head = torch_modules(3, 16, 2, seed=0)
    n_torch = sum(t.numel() for t in list(rnn.parameters()) + list(head.parameters()))
    assert RNNParams.from_torch(rnn, head).num_parameters == n_torch - 16


def test_from_torch_without_bias_and_head_without_bias():
    torch.manual_seed(0)
    rnn = torch.nn.RNN(2, 3, bias=False, dtype=torch.float64)
    head = torch.nn.Linear(3, 1, bias=False, dtype=torch.float64)
    p = RNNParams.from_torch(rnn, head)
    assert not p.b.any() and not p.c.any()


@pytest.mark.parametrize("make, err, words", [
    (lambda: torch.nn.RNN(2, 3, nonlinearity="relu"), ValueError, "nonlinearity"),
    (lambda: torch.nn.RNN(2, 3, num_layers=2), ValueError, "num_layers"),
    (lambda: torch.nn.RNN(2, 3, bidirectional=True), ValueError, "bidirectional"),
    (lambda: torch.nn.LSTM(2, 3), TypeError, "LSTM"),
    (lambda: torch.nn.RNNCell(2, 3, nonlinearity="relu"), ValueError, "tanh"),
])
def test_from_torch_rejects_other_modules(make, err, words):
    with pytest.raises(err, match=words):
        RNNParams.from_torch(make())


@pytest.mark.parametrize("head, err, words", [
    (lambda: torch.nn.Linear(4, 2), ValueError, "in_features"),
    (lambda: torch.nn.Conv1d(3, 2, 1), TypeError, "Linear"),
    (lambda: torch.nn.Linear(3, 2, dtype=torch.float64), TypeError, "float32"),
])
def test_from_torch_rejects_bad_heads(head, err, words):
    with pytest.raises(err, match=words):
        RNNParams.from_torch(torch.nn.RNN(2, 3), head())


def _good():
    return RNNParams.random(2, 3, 4, seed=0)


@pytest.mark.parametrize("change, err, words", [
    ({"U": np.zeros((4, 2))}, ValueError, r"U must have shape \(H, D\) = \(3, D\)"),
    ({"W": np.zeros((3, 2))}, ValueError, "W must be square"),
    ({"b": np.zeros(4)}, ValueError, r"b must have shape \(H,\) = \(3,\)"),
    ({"b": np.zeros((3, 1))}, ValueError, "b must be 1-D"),
    ({"V": np.zeros((4, 2))}, ValueError, r"V must have shape \(O, H\)"),
    ({"c": np.zeros(2)}, ValueError, r"c must have shape \(O,\) = \(4,\)"),
    ({"W": np.zeros((3, 3), dtype=np.float32)}, TypeError, "share one dtype"),
    ({"U": np.zeros((3, 2), dtype=int)}, TypeError, "U must have dtype float32 or float64"),
    ({"W": [[0.0] * 3] * 3}, TypeError, "W must be a NumPy array, got list"),
    ({"U": np.zeros((3, 0)), "V": np.zeros((4, 3))}, ValueError, "input_size=0"),
])
def test_params_validation(change, err, words):
    with pytest.raises(err, match=words):
        replace(_good(), **change)


@pytest.mark.parametrize("kwargs, err, words", [
    ({"input_size": 0}, ValueError, "input_size"),
    ({"hidden_size": 2.0}, TypeError, "hidden_size"),
    ({"output_size": True}, TypeError, "output_size"),
    ({"dtype": np.int32}, TypeError, "dtype"),
    ({"dtype": "banana"}, TypeError, "dtype"),
])
def test_random_rejects_bad_sizes(kwargs, err, words):
    args = {"input_size": 2, "hidden_size": 3, "output_size": 1} | kwargs
    with pytest.raises(err, match=words):
        RNNParams.random(**args)


# --- bad input to the functions -------------------------------------------------------------------
@pytest.mark.parametrize("xs, h0, err, words", [
    (np.zeros((4, 2)), None, ValueError, r"xs must have shape \(T, N, D\)"),
    (np.zeros((4, 1, 3)), None, ValueError, "D = 3 features but params.input_size is 2"),
    (np.zeros((0, 1, 2)), None, ValueError, "at least one step"),
    (np.zeros((4, 2, 2)), np.zeros((1, 3)), ValueError, r"h0 must have shape \(N, H\) = \(2, 3\)"),
    (np.zeros((4, 1, 2), dtype=np.float16), None, TypeError, "xs must be an array of real numbers"),
    (np.zeros((4, 1, 2)), np.zeros((1, 3), dtype=complex), TypeError, "h0 must be an array of real"),
    ([[["a", "b"]]], None, TypeError, "xs must be an array of real numbers"),
])
def test_forward_bad_input(xs, h0, err, words):
    with pytest.raises(err, match=words):
        rnn_forward(xs, h0, _good())


def test_forward_and_step_reject_non_params():
    with pytest.raises(TypeError, match="params must be an RNNParams"):
        rnn_forward(np.zeros((2, 1, 2)), None, {"U": 1})
    with pytest.raises(TypeError, match="params must be an RNNParams"):
        rnn_step(np.zeros((1, 2)), np.zeros((1, 3)), None)


@pytest.mark.parametrize("x, h, words", [
    (np.zeros((1, 3)), np.zeros((1, 3)), "x_t must have shape"),
    (np.zeros((1, 1, 2)), np.zeros((1, 3)), "x_t must have shape"),
    (np.zeros((2, 2)), np.zeros((1, 3)), r"h_prev must have shape \(2, 3\)"),
    (np.zeros(2), np.zeros((1, 3)), r"h_prev must have shape \(3,\)"),
])
def test_step_bad_input(x, h, words):
    with pytest.raises(ValueError, match=words):
        rnn_step(x, h, _good())


def test_backward_bad_input():
    fwd = rnn_forward(np.zeros((3, 2, 2)), None, _good())
    with pytest.raises(TypeError, match="RNNForward"):
        rnn_backward((fwd.h, fwd.o), np.zeros((3, 2, 4)))
    with pytest.raises(ValueError, match="give d_o"):
        rnn_backward(fwd)
    with pytest.raises(ValueError, match=r"d_o must have the shape of the outputs \(3, 2, 4\)"):
        rnn_backward(fwd, np.zeros((3, 2, 3)))
    with pytest.raises(ValueError, match=r"d_h must have the shape of the hidden states \(3, 2, 3\)"):
        rnn_backward(fwd, d_h=np.zeros((3, 2)))
    assert isinstance(fwd, RNNForward)


def test_gradient_norms_bad_upstream():
    p = _good()
    with pytest.raises(ValueError, match=r"upstream must have shape \(N, H\) = \(1, 3\)"):
        gradient_norms_by_lag(p, np.zeros((3, 1, 2)), upstream=np.ones(3))
    with pytest.raises(ValueError, match="all zero"):
        gradient_norms_by_lag(p, np.zeros((3, 1, 2)), upstream=np.zeros((1, 3)))


def test_spectral_radius_bad_input():
    with pytest.raises(ValueError, match="square"):
        spectral_radius(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="spectral radius 0"):
        scale_to_spectral_radius(np.array([[0.0, 1.0], [0.0, 0.0]]), 0.5)  # nilpotent
    with pytest.raises(ValueError, match="rho must be a finite number >= 0, got -1"):
        scale_to_spectral_radius(np.eye(2), -1)
    with pytest.raises(TypeError, match="rho must be a number"):
        scale_to_spectral_radius(np.eye(2), "1")
    # the message names the argument the caller wrote
    with pytest.raises(ValueError, match="^spectral_radius must be a finite number >= 0, got -1"):
        RNNParams.orthogonal(1, 4, 1, spectral_radius=-1)
    with pytest.raises(TypeError, match="^spectral_radius must be a number, got str"):
        RNNParams.orthogonal(1, 4, 1, spectral_radius="0.9")


def test_example_inputs():
    for kind in INPUT_KINDS:
        x = example_inputs(kind, 9, dtype=np.float32)
        assert x.shape == (9, 1, 1) and x.dtype == np.float32
    np.testing.assert_array_equal(example_inputs("impulse", 3)[:, 0, 0], [1, 0, 0])
    np.testing.assert_array_equal(example_inputs("noise", 5, seed=1), example_inputs("noise", 5, seed=1))
    with pytest.raises(ValueError, match="kind must be one of"):
        example_inputs("square", 4)
    with pytest.raises(ValueError, match="length"):
        example_inputs("sine", 0)


# --- lesson 01's exercises ----------------------------------------------------------------------
def test_lesson01_exercises():
    from course_lib.exercise_sets import lesson01 as ex

    for q in (ex.q1, ex.q2, ex.q3, ex.q4, ex.q5):
        assert q.check(...).status == "not attempted"
        assert q.hints and q.solution().text

    h1 = np.tanh(1.0)
    h2 = np.tanh(0.5 * h1)
    h3 = np.tanh(0.5 * h2 - 1.0)
    assert ex.q1.check(np.array([h1, h2, h3])).correct
    assert ex.q1.check(np.round([h1, h2, h3], 3)).correct  # three decimals by hand are enough
    r = ex.q1.check(np.array([h1, h2, np.tanh(0.5 * h2)]))
    assert r.status == "incorrect" and "index 2" in r.message

    def good_step(x_t, h_prev, U, W, b):
        return np.tanh(b + h_prev @ W.T + x_t @ U.T)

    def bad_step(x_t, h_prev, U, W, b):
        return np.tanh(b + h_prev @ W + x_t @ U.T)  # W not transposed

    def stub(x_t, h_prev, U, W, b):
        raise NotImplementedError()

    assert ex.q2.check(good_step).correct
    assert ex.q2.check(bad_step).status == "incorrect"
    assert ex.q2.check(stub).status == "not attempted"

    assert ex.q3.check((354, 354)).correct
    assert "depend on T" in ex.q3.check((354, 35400)).message
    assert "once" in ex.q3.check((3540, 3540)).message
    assert "biases" in ex.q3.check((336, 336)).message
    assert not ex.q3.check((355, 355)).correct

    def from_torch(rnn):
        return (rnn.weight_ih_l0.detach().numpy(), rnn.weight_hh_l0.detach().numpy(),
                (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy())

    def one_bias(rnn):
        return rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0

    def swapped(rnn):
        return rnn.weight_hh_l0, rnn.weight_ih_l0, rnn.bias_ih_l0 + rnn.bias_hh_l0

    torch.manual_seed(123)
    before = torch.rand(3)
    torch.manual_seed(123)
    assert ex.q4.check(from_torch).correct
    assert torch.equal(torch.rand(3), before)  # checking leaves the learner's random stream alone
    assert "two biases" in ex.q4.check(one_bias).message
    assert not ex.q4.check(swapped).correct

    assert ex.q5.check(int(np.ceil(np.log(0.01) / np.log(0.9)))).correct
    assert "still above 0.01" in ex.q5.check(43).message
    assert not ex.q5.check(10).correct
    assert ex.q5.check(np.ceil(np.log(0.01) / np.log(0.9))).correct  # 44.0 is a whole number
    assert "whole number" in ex.q5.check(43.5).message
    assert "whole number" in ex.q5.check("44").message
    assert not ex.q5.check(True).correct


# --- figures ------------------------------------------------------------------------------------
def test_figures_draw_and_reject_bad_arguments():
    from course_lib.plotting import rnn as plots

    assert set(plots.IMAGES) == {"rnn_folded.png", "rnn_unrolled.png"}
    for fn in plots.IMAGES.values():
        assert fn().axes
    fig = plots.plot_unrolled(3, h_values=np.array([0.5, -0.2, 0.9]), grad_norms=np.ones(3))
    assert "T = 3" in fig.axes[0].get_title()
    assert plots.plot_hidden_states(np.zeros((5, 2))).axes[0].get_xlabel() == "time step t"
    ax = plots.plot_gradient_norms({"a": 0.9 ** np.arange(5)}).axes[0]
    assert ax.get_yscale() == "log" and "lag" in ax.get_xlabel()
    assert plots.plot_gradient_norms({"a": np.ones(3)}, title="noisy input").axes[0].get_title() \
        == "noisy input"
    fig = plots.plot_unroll_explorer(np.zeros((30, 4)), 0.9 ** np.arange(30), 0.9)
    assert "last 12 of 30" in fig.axes[0].get_title()
    unit1 = fig.axes[1].get_lines()[0]  # the unit the graph colours by, picked out in black
    assert unit1.get_color() == "black" and "unit 1" in fig.axes[1].get_title()
    # a graph that shows only the last steps numbers its nodes by their real step
    fig = plots.plot_unroll_explorer(np.zeros((10, 4)), 0.9 ** np.arange(10), 0.9, max_graph_steps=3)
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert {"$h_{7}$", "$x_{8}$", "$o_{10}$"} <= labels and "$x_{1}$" not in labels
    with pytest.raises(ValueError, match="T must be an int >= 1"):
        plots.plot_unrolled(0)
    with pytest.raises(ValueError, match=r"h_values must have shape \(T,\) = \(3,\)"):
        plots.plot_unrolled(3, h_values=np.zeros(4))
    with pytest.raises(ValueError, match=r"h must have shape \(T, H\)"):
        plots.plot_hidden_states(np.zeros(5))
    with pytest.raises(ValueError, match="non-empty dict"):
        plots.plot_gradient_norms({})


def test_docstring_examples_run():
    import doctest

    import course_lib.plotting.rnn
    import course_lib.rnn

    for module in (course_lib.rnn, course_lib.plotting.rnn):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_scale_to_spectral_radius_of_an_integer_matrix_is_not_truncated():
    W = np.array([[1, 2], [3, 4]])
    scaled = scale_to_spectral_radius(W, 0.5)
    assert scaled.dtype == np.float64
    np.testing.assert_allclose(np.abs(np.linalg.eigvals(scaled)).max(), 0.5)
    np.testing.assert_allclose(scaled, W * (0.5 / np.abs(np.linalg.eigvals(W)).max()))


def test_dtype_policy_mixed_inputs_promote_and_lists_are_accepted():
    """course_lib._args's policy: float32 parameters with float64 data give float64 (NumPy's
    promotion, nothing rounded down); float32 with float32 stays float32; a list is an array."""
    p64 = RNNParams.random(2, 3, 1, seed=0)
    p32 = p64.astype(np.float32)
    xs = np.random.default_rng(0).standard_normal((4, 2, 2))
    mixed = rnn_forward(xs, None, p32)
    assert mixed.h.dtype == mixed.o.dtype == np.float64
    np.testing.assert_allclose(mixed.h, rnn_forward(xs, None, p32.astype(np.float64)).h)
    assert rnn_forward(xs.astype(np.float32), None, p32).h.dtype == np.float32
    assert rnn_step(xs[0].astype(np.float32), np.zeros((2, 3)), p32).dtype == np.float64
    np.testing.assert_array_equal(rnn_forward(xs.tolist(), None, p64).h, rnn_forward(xs, None, p64).h)
    d_o = np.ones((4, 2, 1))
    g = rnn_backward(rnn_forward(xs.astype(np.float32), None, p32), d_o)
    assert g.W.dtype == g.h.dtype == np.float64
    np.testing.assert_allclose(g.W, rnn_backward(rnn_forward(xs.astype(np.float32), None,
                                                             p64), d_o).W, rtol=1e-5)
    assert rnn_backward(mixed, d_o.astype(np.float32)).W.dtype == np.float64


def test_hostile_sizes_and_types_get_named_errors():
    """Issue 13: a long sequence passed as a broadcast view (no memory) made rnn_forward
    allocate its states and die; example_inputs of a huge length likewise; spectral_radius of
    strings gave a raw NumPy message."""
    p = RNNParams.random(2, 3, 1, seed=0)
    huge = np.broadcast_to(np.zeros(2), (10**8, 10, 2))
    with pytest.raises(ValueError, match=r"^xs of shape \(100000000, 10, 2\) would need 22.4 GiB "
                                         r"for the hidden states and outputs"):
        rnn_forward(huge, None, p)
    with pytest.raises(ValueError, match=r"^x_t of shape \(1000000000, 2\) would need"):
        rnn_step(np.broadcast_to(np.zeros(2), (10**9, 2)), np.zeros((1, 3)), p)
    with pytest.raises(ValueError, match=r"^length=10000000000 would need 74.5 GiB"):
        example_inputs("step", 10**10)
    with pytest.raises(TypeError, match="W must be an array of real numbers"):
        spectral_radius(np.array([["a"]]))
    with pytest.raises(ValueError, match=r"W must be a non-empty square matrix, got shape \(0, 0\)"):
        spectral_radius(np.zeros((0, 0)))
    with pytest.raises(ValueError, match="at least one step"):
        gradient_norms_by_lag(p, np.zeros((0, 1, 2)))
