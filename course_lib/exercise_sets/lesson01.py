"""Lesson 01 (RNN unrolling): exercises on the recurrence, parameter sharing, PyTorch's layout
and vanishing gradients.

    from course_lib.exercise_sets import lesson01 as ex
    ex.q1.check(answer)     # ex.q1.hint(), ex.q1.solution()

* ``q1``: three steps of a one-unit RNN, by hand.
* ``q2``: write one step of the recurrence, ``my_rnn_step(x_t, h_prev, U, W, b)``.
* ``q3``: how many parameters for T = 10 and for T = 1000 steps (parameter sharing).
* ``q4``: read U, W and b out of a ``torch.nn.RNN``, ``my_from_torch(rnn) -> (U, W, b)``.
* ``q5``: how many steps back until a gradient falls below 1 % (spectral radius 0.9).
"""

from __future__ import annotations

import numpy as np

from course_lib.exercises import Exercise, Incorrect, compare, known_mistakes, reference_slips
from course_lib.rnn import RNNParams, gradient_norms_by_lag, rnn_forward, rnn_step

__all__ = ["q1", "q2", "q3", "q4", "q5", "Q1_PARAMS", "Q1_INPUTS", "Q3_SIZES", "Q5_RHO"]

# --- q1: a one-unit RNN by hand -----------------------------------------------------------------
#: U = 1, W = 0.5, b = 0 (and an identity output layer), started from h_0 = 0.
Q1_PARAMS = RNNParams(U=np.array([[1.0]]), W=np.array([[0.5]]), b=np.zeros(1), V=np.eye(1),
                      c=np.zeros(1))
#: x_1, x_2, x_3 = 1, 0, -1 as a (T, N, D) = (3, 1, 1) array.
Q1_INPUTS = np.array([1.0, 0.0, -1.0]).reshape(3, 1, 1)

def _by_hand(u: float, w: float, squash=np.tanh, feed_back: bool = True) -> np.ndarray:
    h, out = 0.0, []
    for x in Q1_INPUTS[:, 0, 0]:
        h = squash(w * h * feed_back + u * x)
        out.append(h)
    return np.array(out)


q1 = Exercise(
    "Exercise 1 · three steps by hand",
    checker=known_mistakes(rnn_forward(Q1_INPUTS, None, Q1_PARAMS).h[:, 0, 0], [
        (_by_hand(0.5, 1.0), "U and W are swapped: U = 1 multiplies the input x_t, W = 0.5 the "
                             "previous state h_{t-1}"),
        (_by_hand(1.0, 0.5, squash=lambda z: z), "the tanh is missing: h_t = tanh(W h_{t-1} + U x_t)"),
        (_by_hand(1.0, 0.5, feed_back=False), "each h_t depends only on its own x_t here: feed "
                                              "h_{t-1} back in, W h_{t-1} with W = 0.5"),
    ], rtol=0.0, atol=2e-3),
    hints=[
        "One unit, so every matrix is a single number: h_t = tanh(0 + 0.5 * h_{t-1} + 1 * x_t).",
        "h_1 = tanh(0.5 * 0 + 1) = tanh(1). Then feed h_1 into the next step with x_2 = 0.",
        "Give np.array([h_1, h_2, h_3]); three decimals are enough.",
    ],
    solution="""
    h1 = np.tanh(0.5 * 0.0 + 1.0)      # 0.762
    h2 = np.tanh(0.5 * h1 + 0.0)       # 0.363
    h3 = np.tanh(0.5 * h2 - 1.0)       # -0.674
    answer_1 = np.array([h1, h2, h3])
    """,
)


# --- q2: one step of the recurrence -------------------------------------------------------------
def _reference_step(x_t, h_prev, U, W, b):
    V, c = np.zeros((1, W.shape[0]), W.dtype), np.zeros(1, W.dtype)
    return rnn_step(x_t, h_prev, RNNParams(U=U, W=W, b=b, V=V, c=c))


def _q2_cases() -> list[tuple]:
    rng = np.random.default_rng(1)
    cases = []
    for N, D, H in [(1, 1, 1), (2, 3, 4), (5, 2, 3)]:
        cases.append((rng.standard_normal((N, D)), rng.standard_normal((N, H)),
                      rng.standard_normal((H, D)), rng.standard_normal((H, H)),
                      rng.standard_normal(H)))
    return cases


_q2_plain = Exercise("q2", reference=_reference_step, cases=_q2_cases())

q2 = Exercise(
    "Exercise 2 · one step of the recurrence",
    checker=reference_slips(_q2_plain, [
        (lambda x, h, U, W, b: b + h @ W.T + x @ U.T, "the tanh is missing: h_t = tanh(b + W h_{t-1} + U x_t)"),
        (lambda x, h, U, W, b: np.tanh(h @ W.T + x @ U.T), "the bias b is missing inside the tanh"),
        (lambda x, h, U, W, b: np.tanh(b + x @ U.T), "W h_{t-1} is missing: the previous state "
                                                      "must feed back in"),
    ]),
    forbidden=("course_lib.rnn", "torch"),
    hints=[
        "x_t is (N, D) and U is (H, D): one row per sequence, so U x_t for all rows is x_t @ U.T.",
        "Likewise W h_{t-1} for every row is h_prev @ W.T; b (H,) broadcasts over the rows.",
    ],
    solution="""
    def my_rnn_step(x_t, h_prev, U, W, b):
        return np.tanh(b + h_prev @ W.T + x_t @ U.T)
    """,
)


# --- q3: parameter sharing ----------------------------------------------------------------------
#: D inputs, H hidden units, O outputs.
Q3_SIZES = {"D": 3, "H": 16, "O": 2}


def _q3_count() -> int:
    D, H, O = Q3_SIZES["D"], Q3_SIZES["H"], Q3_SIZES["O"]
    return H * D + H * H + H + O * H + O


def _check_q3(answer) -> None:
    n = _q3_count()
    if isinstance(answer, np.ndarray) and answer.ndim == 1:
        answer = tuple(answer)
    if not isinstance(answer, tuple | list) or len(answer) != 2:
        raise Incorrect("give a pair (count for T = 10, count for T = 1000)")
    a, b = answer
    for v in (a, b):
        why = compare(v, n)
        if why is not None and "should be" in why:
            raise Incorrect(f"each count is a whole number: {why}")
    if compare(a, b) is not None:
        raise Incorrect(f"you give {a} and {b}: does the number of parameters depend on T? "
                        "The same U, W, b, V, c are used at every step.")
    if compare(a, 10 * n) is None or compare(a, 1000 * n) is None:
        raise Incorrect("unrolling copies the graph, not the parameters: count U, W, b, V, c once")
    if compare(a, n - Q3_SIZES["O"] - Q3_SIZES["H"]) is None:
        raise Incorrect("close: you left out the biases b (H numbers) and c (O numbers)")
    if compare(a, n) is not None:
        raise Incorrect(f"{a} is not the count; add the sizes of U (H x D), W (H x H), b (H), "
                        "V (O x H) and c (O)")


q3 = Exercise(
    "Exercise 3 · parameters shared across time",
    checker=_check_q3,
    hints=[
        "U is H x D, W is H x H, b has H entries, V is O x H, c has O entries.",
        "Unrolling over more steps draws more nodes, but every step uses the same five arrays.",
    ],
    solution="""
    D, H, O = 3, 16, 2
    n = H * D + H * H + H + O * H + O      # 354
    answer_3 = (n, n)                      # the same for T = 10 and T = 1000
    """,
)


# --- q4: PyTorch's names ------------------------------------------------------------------------
def _as_array(x) -> np.ndarray:
    return x.detach().numpy() if hasattr(x, "detach") else np.asarray(x)


def _check_q4(fn) -> None:
    import torch  # lazy: only this exercise needs it

    if not callable(fn):
        raise Incorrect(f"expected a function my_from_torch(rnn), got {type(fn).__name__}")
    for seed, (D, H, dtype) in enumerate([(2, 3, torch.float64), (4, 5, torch.float32)]):
        with torch.random.fork_rng(devices=[]):  # seed the test RNNs, not the learner's torch
            torch.manual_seed(seed)
            rnn = torch.nn.RNN(D, H).to(dtype)
        # everything the verdict needs is read before the learner's function runs
        want = RNNParams.from_torch(rnn)
        ih, hh = rnn.bias_ih_l0.detach().numpy().copy(), rnn.bias_hh_l0.detach().numpy().copy()
        before = {k: v.detach().clone() for k, v in rnn.state_dict().items()}
        got = fn(rnn)
        if any(not torch.equal(before[k], v) for k, v in rnn.state_dict().items()):
            raise Incorrect("your function changed the RNN's parameters; read them, do not "
                            "modify them (use + to add the biases, not +=)")
        if not isinstance(got, tuple | list) or len(got) != 3:
            raise Incorrect("return a tuple (U, W, b)")
        U, W, b = (_as_array(x) for x in got)
        if U.shape == want.W.shape and D != H and compare(U, want.W) is None:
            raise Incorrect("U and W are swapped: U acts on the input (weight_ih_l0)")
        if compare(U, want.U) is not None:
            raise Incorrect(f"U should be weight_ih_l0, shape {want.U.shape}; got shape {U.shape}")
        if compare(W, want.W) is not None:
            raise Incorrect(f"W should be weight_hh_l0, shape {want.W.shape}; got shape {W.shape}")
        if compare(b, ih) is None or compare(b, hh) is None:
            raise Incorrect("PyTorch keeps two biases (bias_ih_l0 and bias_hh_l0) that are "
                            "always added: b is their sum")
        if compare(b, want.b) is not None:
            raise Incorrect(f"b should be bias_ih_l0 + bias_hh_l0, shape {want.b.shape}")


q4 = Exercise(
    "Exercise 4 · PyTorch's names for U, W and b",
    checker=_check_q4,
    forbidden=("course_lib.rnn",),
    hints=[
        "print(dict(rnn.named_parameters()).keys()): 'ih' means input-to-hidden, 'hh' hidden-to-hidden.",
        "PyTorch adds two bias vectors inside tanh; the book's single b is their sum.",
        "Turn a parameter into NumPy with .detach().numpy().",
    ],
    solution="""
    def my_from_torch(rnn):
        U = rnn.weight_ih_l0.detach().numpy()
        W = rnn.weight_hh_l0.detach().numpy()
        b = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy()
        return U, W, b
    """,
)


# --- q5: vanishing gradients --------------------------------------------------------------------
#: the spectral radius of W in exercise 5
Q5_RHO = 0.9


def _q5_answer() -> int:
    # Measured, not derived: small states, W = 0.9 * (orthogonal), a gradient of norm 1 at h_T.
    p = RNNParams.orthogonal(1, 16, 1, spectral_radius=Q5_RHO, seed=0)
    norms = gradient_norms_by_lag(p, np.zeros((100, 1, 1)))
    return int(np.argmax(norms < 0.01))


def _check_q5(answer) -> None:
    k = _q5_answer()
    why = compare(answer, k)
    if why is None:
        return
    if "should be" in why:
        raise Incorrect(f"give a whole number of steps: {why}")
    if compare(answer, k - 1) is None:
        raise Incorrect(f"0.9**{k - 1} = {Q5_RHO ** (k - 1):.4f} is still above 0.01")
    if compare(answer, 10) is None:
        raise Incorrect("the gradient shrinks by a factor 0.9 per step, not by 0.1 of its first "
                        "size each step: solve 0.9**k < 0.01")
    value = float(_number_of(answer))
    if not value.is_integer():
        raise Incorrect(f"{value:g} is not a whole number of steps; which whole k is the first "
                        "with 0.9**k below 0.01?")
    if 0 <= value <= 1000:
        raise Incorrect(f"after {value:g} steps back the gradient is 0.9**{value:g} = "
                        f"{Q5_RHO ** value:.3g} of its size, not the first below 0.01")
    raise Incorrect(why)


def _number_of(x):
    return x.item() if hasattr(x, "item") else x


q5 = Exercise(
    "Exercise 5 · how far back does a gradient reach?",
    checker=_check_q5,
    hints=[
        "With small states tanh' is about 1, and each step back multiplies the gradient's norm by 0.9.",
        "Find the smallest whole k with 0.9**k < 0.01: take logarithms, or try k in a loop.",
    ],
    solution="""
    answer_5 = int(np.ceil(np.log(0.01) / np.log(0.9)))     # 44: 0.9**43 = 0.0108, 0.9**44 = 0.0097
    """,
)
