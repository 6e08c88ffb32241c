"""course_lib.lstm against torch.nn.LSTM / LSTMCell, its equations, and bad input case by case."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.lstm import (
    TORCH_GATE_ORDER,
    LSTMOutput,
    LSTMParams,
    LSTMStep,
    lstm_forward,
    lstm_step,
    lstm_trace,
)

sizes = st.integers(1, 6)


def _torch_lstm(D, H, seed, dtype=torch.float64, **kw):
    torch.manual_seed(seed)
    return torch.nn.LSTM(D, H, **kw).to(dtype)


@settings(max_examples=40, deadline=None)
@given(T=st.integers(1, 7), N=st.integers(1, 4), D=sizes, H=sizes, seed=st.integers(0, 10_000))
def test_forward_equals_torch_lstm_float64(T, N, D, H, seed):
    lstm = _torch_lstm(D, H, seed)
    params = LSTMParams.from_torch(lstm)
    rng = np.random.default_rng(seed)
    xs = rng.normal(size=(T, N, D)) * 2
    h0, s0 = rng.normal(size=(N, H)), rng.normal(size=(N, H))
    out = lstm_forward(xs, h0, s0, params)
    with torch.no_grad():
        y, (h_n, c_n) = lstm(torch.from_numpy(xs), (torch.from_numpy(h0)[None], torch.from_numpy(s0)[None]))
    assert isinstance(out, LSTMOutput)
    assert out.h.shape == out.s.shape == (T, N, H)
    assert out.h.dtype == np.float64
    np.testing.assert_allclose(out.h, y.numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(out.h[-1], h_n[0].numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(out.s[-1], c_n[0].numpy(), rtol=0, atol=1e-10)


@settings(max_examples=30, deadline=None)
@given(N=st.integers(1, 4), D=sizes, H=sizes, seed=st.integers(0, 10_000), bias=st.booleans())
def test_step_equals_torch_lstm_cell_and_gates_follow_torch_blocks(N, D, H, seed, bias):
    torch.manual_seed(seed)
    cell = torch.nn.LSTMCell(D, H, bias=bias).double()
    params = LSTMParams.from_torch(cell)
    rng = np.random.default_rng(seed)
    x, h, s = rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
    step = lstm_step(x, h, s, params)
    with torch.no_grad():
        h1, c1 = cell(torch.from_numpy(x), (torch.from_numpy(h), torch.from_numpy(s)))
        z = torch.from_numpy(x) @ cell.weight_ih.T + torch.from_numpy(h) @ cell.weight_hh.T
        if bias:
            z = z + cell.bias_ih + cell.bias_hh
    assert isinstance(step, LSTMStep)
    np.testing.assert_allclose(step.h, h1.numpy(), rtol=0, atol=1e-10)
    np.testing.assert_allclose(step.s, c1.numpy(), rtol=0, atol=1e-10)
    blocks = dict(zip([g for _, g in TORCH_GATE_ORDER], z.chunk(4, dim=1)))
    np.testing.assert_allclose(step.f, torch.sigmoid(blocks["f"]).numpy(), atol=1e-12)
    np.testing.assert_allclose(step.i, torch.sigmoid(blocks["i"]).numpy(), atol=1e-12)
    np.testing.assert_allclose(step.o, torch.sigmoid(blocks["o"]).numpy(), atol=1e-12)
    np.testing.assert_allclose(step.s_tilde, torch.tanh(blocks["s"]).numpy(), atol=1e-12)


def test_gate_order_is_pytorchs():
    assert [t for t, _ in TORCH_GATE_ORDER] == ["input", "forget", "cell", "output"]
    lstm = _torch_lstm(2, 3, 0)
    with torch.no_grad():
        lstm.weight_ih_l0.zero_()
        lstm.weight_hh_l0.zero_()
        lstm.bias_hh_l0.zero_()
        lstm.bias_ih_l0.copy_(torch.arange(12, dtype=torch.float64))
    p = LSTMParams.from_torch(lstm)
    np.testing.assert_array_equal(p.b_i, [0, 1, 2])
    np.testing.assert_array_equal(p.b_f, [3, 4, 5])
    np.testing.assert_array_equal(p.b_s, [6, 7, 8])
    np.testing.assert_array_equal(p.b_o, [9, 10, 11])


def test_from_torch_puts_h_columns_first():
    lstm = _torch_lstm(2, 3, 1)
    p = LSTMParams.from_torch(lstm)
    w_ih, w_hh = lstm.weight_ih_l0.detach().numpy(), lstm.weight_hh_l0.detach().numpy()
    np.testing.assert_array_equal(p.W_f[:, :3], w_hh[3:6])
    np.testing.assert_array_equal(p.W_f[:, 3:], w_ih[3:6])
    b = (lstm.bias_ih_l0 + lstm.bias_hh_l0).detach().numpy()
    np.testing.assert_array_equal(p.b_o, b[9:12])


@pytest.mark.parametrize("kw", [{"bias": False}, {"batch_first": True}])
def test_from_torch_options(kw):
    lstm = _torch_lstm(3, 4, 2, **kw)
    p = LSTMParams.from_torch(lstm)
    rng = np.random.default_rng(0)
    xs = rng.normal(size=(5, 2, 3))
    x_t = torch.from_numpy(xs.transpose(1, 0, 2).copy() if kw.get("batch_first") else xs)
    with torch.no_grad():
        y, _ = lstm(x_t)
    y = y.numpy().transpose(1, 0, 2) if kw.get("batch_first") else y.numpy()
    np.testing.assert_allclose(lstm_forward(xs, None, None, p).h, y, atol=1e-10)
    if not lstm.bias:
        assert not p.b_f.any() and not p.b_s.any()


@settings(max_examples=15, deadline=None)
@given(T=st.integers(1, 6), N=st.integers(1, 3), D=sizes, H=sizes, seed=st.integers(0, 1000))
def test_float32_stays_float32_and_matches_torch(T, N, D, H, seed):
    lstm = _torch_lstm(D, H, seed, dtype=torch.float32)
    p = LSTMParams.from_torch(lstm)
    assert p.dtype == np.float32
    xs = np.random.default_rng(seed).normal(size=(T, N, D)).astype(np.float32)
    out = lstm_forward(xs, None, None, p)
    step = lstm_step(xs[0], None, None, p)
    assert out.h.dtype == out.s.dtype == np.float32
    assert all(a.dtype == np.float32 for a in step)
    with torch.no_grad():
        y, _ = lstm(torch.from_numpy(xs))
    np.testing.assert_allclose(out.h, y.numpy(), atol=2e-6)


@settings(max_examples=20, deadline=None)
@given(T=st.integers(1, 6), N=st.integers(1, 3), D=sizes, H=sizes, seed=st.integers(0, 1000))
def test_forward_is_repeated_steps_and_obeys_the_equations(T, N, D, H, seed):
    p = LSTMParams.random(D, H, seed=seed)
    rng = np.random.default_rng(seed + 1)
    xs = rng.normal(size=(T, N, D))
    h, s = rng.normal(size=(N, H)), rng.normal(size=(N, H))
    out = lstm_forward(xs, h, s, p)
    for t in range(T):
        step = lstm_step(xs[t], h, s, p)
        for gate in (step.f, step.i, step.o):
            assert np.all((gate > 0) & (gate < 1))
        assert np.all(np.abs(step.s_tilde) < 1)
        np.testing.assert_allclose(step.s, step.f * s + step.i * step.s_tilde, atol=1e-14)
        np.testing.assert_allclose(step.h, step.o * np.tanh(step.s), atol=1e-14)
        np.testing.assert_allclose(out.h[t], step.h, atol=1e-12)
        np.testing.assert_allclose(out.s[t], step.s, atol=1e-12)
        h, s = step.h, step.s


def test_single_sequence_without_batch_axis():
    p = LSTMParams.random(3, 4, seed=5)
    xs = np.random.default_rng(0).normal(size=(6, 3))
    h0, s0 = np.full(4, 0.3), np.full(4, -0.2)
    single = lstm_forward(xs, h0, s0, p)
    batched = lstm_forward(xs[:, None], h0[None], s0[None], p)
    assert single.h.shape == (6, 4)
    np.testing.assert_allclose(single.h, batched.h[:, 0], atol=1e-14)
    np.testing.assert_allclose(single.s, batched.s[:, 0], atol=1e-14)
    step = lstm_step(xs[0], h0, s0, p)
    assert step.h.shape == step.f.shape == (4,)
    np.testing.assert_allclose(step.h, single.h[0], atol=1e-14)


def test_none_states_are_zeros_and_integer_inputs_are_converted():
    p = LSTMParams.random(2, 3, seed=0)
    xs = np.array([[1, 0], [0, 1], [1, 1]])  # integers, (T, D)
    a = lstm_forward(xs, None, None, p)
    b = lstm_forward(xs.astype(float), np.zeros(3), np.zeros(3), p)
    np.testing.assert_array_equal(a.h, b.h)
    assert a.h.dtype == np.float64


def test_huge_inputs_stay_finite_without_warnings():
    p = LSTMParams.random(2, 3, seed=0)
    xs = np.array([[[1e6, -1e6]], [[-3e4, 5e4]]])
    out = lstm_forward(xs, None, None, p)
    step = lstm_step(xs[1], None, None, p)
    assert np.isfinite(out.h).all() and np.isfinite(out.s).all() and np.isfinite(step.h).all()


def test_random_params():
    p = LSTMParams.random(input_size=3, hidden_size=4, seed=7, dtype=np.float32)
    assert (p.input_size, p.hidden_size, p.dtype) == (3, 4, np.float32)
    for g in "fios":
        assert getattr(p, f"W_{g}").shape == (4, 7)
        assert getattr(p, f"b_{g}").shape == (4,)
        assert np.abs(getattr(p, f"W_{g}")).max() <= 0.5  # 1/sqrt(H)
    q = LSTMParams.random(3, 4, seed=7, dtype=np.float32)
    np.testing.assert_array_equal(p.W_s, q.W_s)
    assert not np.array_equal(p.W_f, LSTMParams.random(3, 4, seed=8, dtype=np.float32).W_f)
    shifted = LSTMParams.random(3, 4, seed=7, forget_bias=2.0)
    np.testing.assert_allclose(shifted.b_f - LSTMParams.random(3, 4, seed=7).b_f, 2.0)


def test_stacked_and_astype():
    p = LSTMParams.random(2, 3, seed=0)
    W, b = p.stacked()
    assert W.shape == (12, 5) and b.shape == (12,)
    np.testing.assert_array_equal(W[3:6], p.W_i)
    np.testing.assert_array_equal(b[9:], p.b_s)
    q = p.astype(np.float32)
    assert q.dtype == np.float32 and p.dtype == np.float64
    with pytest.raises(TypeError, match="dtype"):
        p.astype(np.int32)


# ---------------------------------------------------------------- bad input, case by case

def _arrays(H=3, D=2, dtype=np.float64):
    p = LSTMParams.random(D, H, seed=0, dtype=dtype)
    return {k: getattr(p, k) for k in ("W_f", "W_i", "W_o", "W_s", "b_f", "b_i", "b_o", "b_s")}


@pytest.mark.parametrize("change, exc, match", [
    ({"W_i": np.zeros((3, 4))}, ValueError, r"W_i must have the same shape as W_f, \(H, H \+ D\) = \(3, 5\)"),
    ({"b_o": np.zeros(4)}, ValueError, r"b_o must have shape \(H,\) = \(3,\), got shape \(4,\)"),
    ({"W_f": np.zeros(5)}, ValueError, r"W_f must be 2-D"),
    ({"W_f": np.zeros((3, 3))}, ValueError, r"more columns than rows"),
    ({"b_s": np.zeros(3, dtype=np.float32)}, TypeError, r"share one dtype.*b_s: float32"),
    ({"W_s": np.zeros((3, 5), dtype=int)}, TypeError, r"W_s must be a floating-point array"),
    ({"b_f": "zeros"}, TypeError, r"b_f must be a floating-point array"),
])
def test_bad_params(change, exc, match):
    arrays = _arrays()
    arrays.update(change)
    with pytest.raises(exc, match=match):
        LSTMParams(**arrays)


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"input_size": 0, "hidden_size": 3}, ValueError, r"input_size must be an integer >= 1, got 0"),
    ({"input_size": 2, "hidden_size": -1}, ValueError, r"hidden_size must be an integer >= 1, got -1"),
    ({"input_size": 2.0, "hidden_size": 3}, TypeError, r"input_size must be an int"),
    ({"input_size": 2, "hidden_size": True}, TypeError, r"hidden_size must be an int"),
    ({"input_size": 2, "hidden_size": 3, "dtype": np.int64}, TypeError, r"dtype must be numpy.float32 or numpy.float64, got int64"),
    ({"input_size": 2, "hidden_size": 3, "dtype": np.float16}, TypeError, r"dtype must be numpy.float32"),
])
def test_bad_random_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        LSTMParams.random(**kwargs)


@pytest.mark.parametrize("module, exc, match", [
    (torch.nn.LSTM(2, 3, num_layers=2), ValueError, r"num_layers=1, got num_layers=2"),
    (torch.nn.LSTM(2, 3, bidirectional=True), ValueError, r"bidirectional=False"),
    (torch.nn.LSTM(2, 3, proj_size=2), ValueError, r"proj_size=0, got proj_size=2"),
    (torch.nn.GRU(2, 3), TypeError, r"torch.nn.LSTM or torch.nn.LSTMCell, got GRU"),
    ("lstm", TypeError, r"got str"),
])
def test_bad_torch_modules(module, exc, match):
    with pytest.raises(exc, match=match):
        LSTMParams.from_torch(module)


P = LSTMParams.random(2, 3, seed=0)


@pytest.mark.parametrize("args, exc, match", [
    ((np.zeros((4, 2, 5)), None, None, P), ValueError, r"xs has 5 features .* input_size D=2"),
    ((np.zeros((4, 2, 2, 1)), None, None, P), ValueError, r"xs must have shape \(T, N, D\) or \(T, D\), got shape \(4, 2, 2, 1\)"),
    ((np.zeros(2), None, None, P), ValueError, r"xs must have shape \(T, N, D\) or \(T, D\)"),
    ((np.zeros((4, 2, 2)), np.zeros((2, 4)), None, P), ValueError, r"h0 must have shape \(2, 3\)"),
    ((np.zeros((4, 2, 2)), None, np.zeros((3, 3)), P), ValueError, r"s0 must have shape \(2, 3\)"),
    ((np.zeros((4, 2)), np.zeros((1, 3)), None, P), ValueError, r"h0 must have shape \(3,\)"),
    ((np.zeros((4, 2, 2), np.float16), None, None, P), TypeError, r"xs must be an array of real numbers"),
    ((np.zeros((4, 2, 2)), np.zeros((2, 3), complex), None, P), TypeError, r"h0 must be an array of real"),
    ((np.zeros((4, 2, 2), complex), None, None, P), TypeError, r"xs must be an array of real numbers"),
    ((np.zeros((4, 2, 2)), None, None, {"W_f": 1}), TypeError, r"params must be an LSTMParams, got dict"),
])
def test_bad_forward_arguments(args, exc, match):
    with pytest.raises(exc, match=match):
        lstm_forward(*args)


@pytest.mark.parametrize("args, exc, match", [
    ((np.zeros((2, 4)), None, None, P), ValueError, r"x_t has 4 features"),
    ((np.zeros((4, 2, 2)), None, None, P), ValueError, r"x_t must have shape \(N, D\) or \(D,\)"),
    ((np.zeros((2, 2)), np.zeros(3), None, P), ValueError, r"h_prev must have shape \(2, 3\)"),
    ((np.zeros(2), None, np.zeros((1, 3)), P), ValueError, r"s_prev must have shape \(3,\)"),
    ((["a", "b"], None, None, P), TypeError, r"x_t must be an array of real numbers"),
    ((np.zeros(2), None, None, None), TypeError, r"params must be an LSTMParams, got NoneType"),
])
def test_bad_step_arguments(args, exc, match):
    with pytest.raises(exc, match=match):
        lstm_step(*args)


@settings(max_examples=10, deadline=None)
@given(T=st.integers(1, 5), N=st.integers(1, 3), D=sizes, H=sizes, seed=st.integers(0, 1000))
def test_trace_keeps_the_gates_of_every_step(T, N, D, H, seed):
    p = LSTMParams.random(D, H, seed=seed)
    xs = np.random.default_rng(seed).normal(size=(T, N, D))
    trace = lstm_trace(xs, None, None, p)
    out = lstm_forward(xs, None, None, p)
    assert all(a.shape == (T, N, H) for a in trace)
    np.testing.assert_allclose(trace.h, out.h, atol=1e-12)
    np.testing.assert_allclose(trace.s, out.s, atol=1e-12)
    np.testing.assert_allclose(trace.f[-1], lstm_step(xs[-1], out.h[-2] if T > 1 else None,
                                                      out.s[-2] if T > 1 else None, p).f, atol=1e-12)
    assert lstm_trace(xs[:, 0], None, None, p).f.shape == (T, H)


def test_trace_needs_a_step():
    with pytest.raises(ValueError, match=r"xs must hold at least one step, got shape \(0, 2\)"):
        lstm_trace(np.zeros((0, 2)), None, None, P)


# ---------------------------------------------------------------- lesson 02's exercises

def _solution_scope(q):
    from course_lib.exercise_sets import lesson02

    scope = {**vars(lesson02), "np": np, "torch": torch, "ex": lesson02, "__name__": "__main__"}
    exec(q.solution().text, scope)
    return scope


def _not_implemented(*args):
    raise NotImplementedError()


def test_lesson02_q1_by_hand():
    from course_lib.exercise_sets.lesson02 import q1

    assert q1.check(...).status == "not attempted"
    assert q1.check(_solution_scope(q1)["answer_1"]).correct
    assert q1.check([1.0, 0.381]).correct
    wrong = q1.check([1.0, np.tanh(1.0)])  # forgot the output gate
    assert wrong.status == "incorrect" and "output gate" in wrong.message
    assert "tanh" in q1.check([1.0, 0.5]).message  # o_t * s_t: no tanh
    assert "input gate" in q1.check([1.4, 0.5 * np.tanh(1.4)]).message  # s̃ written ungated
    assert "did not add" in q1.check([0.9, 0.5 * np.tanh(0.9)]).message
    other = q1.check([1.2, 0.4])  # no known slip: the position of the wrong value
    assert other.status == "incorrect" and "[0]" in other.message


def test_lesson02_q2_six_equations():
    from course_lib.exercise_sets.lesson02 import q2

    assert q2.check(_not_implemented).status == "not attempted"
    assert q2.check(_solution_scope(q2)["my_lstm_step"]).correct

    def x_first(x_t, h_prev, s_prev, p):  # concatenates [x, h]: the classic mistake
        ours = np.concatenate([x_t, h_prev], axis=1)
        sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
        f, i, o = (sig(ours @ W.T + b) for W, b in ((p.W_f, p.b_f), (p.W_i, p.b_i), (p.W_o, p.b_o)))
        s = f * s_prev + i * np.tanh(ours @ p.W_s.T + p.b_s)
        return o * np.tanh(s), s

    wrong = q2.check(x_first)
    assert wrong.status == "incorrect" and "[x_t, h_{t-1}]" in wrong.message
    swapped = q2.check(lambda *a: _solution_scope(q2)["my_lstm_step"](*a)[::-1])
    assert swapped.status == "incorrect" and "return (h_t, s_t)" in swapped.message

    def no_tanh(*a):
        h, s = _solution_scope(q2)["my_lstm_step"](*a)
        return h / np.tanh(s) * s, s

    assert "tanh is missing" in q2.check(no_tanh).message
    half = q2.check(lambda *a: (0.5 * _solution_scope(q2)["my_lstm_step"](*a)[0],
                                _solution_scope(q2)["my_lstm_step"](*a)[1]))
    assert half.status == "incorrect" and "test 1 of 3" in half.message  # no known slip
    broken = q2.check(lambda *a: 1 / 0)
    assert broken.status == "incorrect" and "ZeroDivisionError" in broken.message


def test_lesson02_q3_forget_weight():
    from course_lib.exercise_sets.lesson02 import q3

    assert q3.check(_not_implemented).status == "not attempted"
    assert q3.check(_solution_scope(q3)["my_forget_weight"]).correct

    def input_gate(lstm):  # first block: the input gate, not the forget gate
        H = lstm.hidden_size
        return np.concatenate([lstm.weight_hh_l0.detach().numpy()[:H],
                               lstm.weight_ih_l0.detach().numpy()[:H]], axis=1)

    wrong = q3.check(input_gate)
    assert wrong.status == "incorrect" and "rows 0:H, PyTorch's input gate" in wrong.message
    def output_gate(lstm):  # last block: the output gate
        H = lstm.hidden_size
        return np.concatenate([lstm.weight_hh_l0.detach().numpy()[3 * H:],
                               lstm.weight_ih_l0.detach().numpy()[3 * H:]], axis=1)

    assert "rows 3H:4H, PyTorch's output gate" in q3.check(output_gate).message
    assert "without calling" in q3.check(lambda lstm: LSTMParams.from_torch(lstm).W_f).message

    def x_columns_first(lstm):
        W, H = _solution_scope(q3)["my_forget_weight"](lstm), lstm.hidden_size
        return np.concatenate([W[:, H:], W[:, :H]], axis=1)

    assert "columns are in the wrong order" in q3.check(x_columns_first).message
    assert "shape" in q3.check(lambda lstm: np.zeros((1, 1))).message


def test_lesson02_q4_memory():
    from course_lib.exercise_sets.lesson02 import Q4_FORGET, q4

    assert q4.check(...).status == "not attempted"
    n = _solution_scope(q4)["answer_4"]
    assert q4.check(n).correct and n == 14
    assert Q4_FORGET ** n < 0.5 <= Q4_FORGET ** (n - 1)
    assert "0.513" in q4.check(13).message
    assert "factor" in q4.check(10).message
    assert q4.check(15).status == "incorrect"


def test_params_repr_is_short():
    assert repr(LSTMParams.random(3, 2, seed=0)) == "LSTMParams(input_size=3, hidden_size=2, dtype=float64)"


@pytest.mark.parametrize("bias, error, words", [
    (float("nan"), ValueError, "forget_bias must be a finite number, got nan"),
    (float("inf"), ValueError, "forget_bias must be a finite number, got inf"),
    ("1", TypeError, "forget_bias must be a number, got str '1'"),
    (True, TypeError, "forget_bias must be a number, got bool True"),
])
def test_a_forget_bias_that_is_not_a_finite_number_is_refused(bias, error, words):
    with pytest.raises(error, match=words):
        LSTMParams.random(2, 3, forget_bias=bias)
    assert np.all(LSTMParams.random(2, 3, seed=0, forget_bias=1).b_f
                  == LSTMParams.random(2, 3, seed=0).b_f + 1)


def test_dtype_policy_mixed_inputs_promote():
    """course_lib._args's policy: float32 parameters with float64 data give float64; all float32
    stays float32; the numbers equal those of the parameters converted to float64."""
    p32 = P.astype(np.float32)
    xs = np.random.default_rng(1).standard_normal((5, 2, 2))
    out = lstm_forward(xs, None, None, p32)
    assert out.h.dtype == out.s.dtype == np.float64
    ref = lstm_forward(xs, None, None, p32.astype(np.float64))
    np.testing.assert_allclose(out.h, ref.h)
    assert lstm_forward(xs.astype(np.float32), None, None, p32).h.dtype == np.float32
    assert lstm_step(xs[0].astype(np.float32), np.zeros((2, 3)), None, p32).h.dtype == np.float64
    assert lstm_trace(xs, None, None, p32).f.dtype == np.float64
    with pytest.raises(TypeError, match="W_f must be a floating-point array"):
        LSTMParams(**{k: getattr(P, k).astype(np.float16) for k in P._names()})


def test_empty_and_huge_sequences_get_named_errors():
    """Issue 13: T = 0 gave NumPy's 'cannot reshape array of size 0'; a long broadcast
    sequence (no memory of its own) made lstm_forward allocate every step's gates and die."""
    for xs in (np.zeros((0, 2, 2)), np.zeros((0, 2))):
        with pytest.raises(ValueError, match=r"xs must hold at least one step, got shape \(0, "):
            lstm_forward(xs, None, None, P)
    huge = np.broadcast_to(np.zeros(2), (10**8, 10, 2))
    for fn in (lstm_forward, lstm_trace):
        with pytest.raises(ValueError, match=r"^xs of shape \(100000000, 10, 2\) would need .* for "
                                             r"the gates of every step"):
            fn(huge, None, None, P)


def test_lstm_trace_has_its_own_result_type():
    """Issue 13: lstm_trace reused LSTMStep for arrays with a time axis; LSTMTrace has the same
    fields (so .f, .h and unpacking keep working) and says what its arrays are."""
    from course_lib.lstm import LSTMTrace

    tr = lstm_trace(np.zeros((4, 2)), None, None, P)
    assert type(tr) is LSTMTrace and tr._fields == LSTMStep._fields
    h, s, f, i, o, s_tilde = tr
    assert h.shape == f.shape == (4, 3)
