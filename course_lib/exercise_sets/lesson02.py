"""Lesson 02 (the LSTM equations): exercises on one step, the gate layout of PyTorch and memory.

    from course_lib.exercise_sets import lesson02 as ex
    ex.q1.check(answer)     # ex.q1.hint(), ex.q1.solution()

* ``q1``: one step of a one-unit LSTM by hand, given its gates: ``[s_t, h_t]``.
* ``q2``: write the six equations, ``my_lstm_step(x_t, h_prev, s_prev, params) -> (h_t, s_t)``.
* ``q3``: read the forget gate's ``W_f`` (lecture form) out of a ``torch.nn.LSTM``.
* ``q4``: with the input gate shut and ``f_t = 0.95``, after how many steps is less than half of
  the cell state left?
"""

from __future__ import annotations

import math

import numpy as np
import torch

from course_lib.exercises import Exercise
from course_lib.lstm import LSTMParams, lstm_step

__all__ = ["q1", "q2", "q3", "q4", "Q1_GATES", "Q4_FORGET"]

# --- q1: one step by hand ------------------------------------------------------------------------
#: The gates of one unit at one step, and the previous cell state.
Q1_GATES = {"f": 0.9, "i": 0.2, "o": 0.5, "s_tilde": 0.5, "s_prev": 1.0}
_s1 = Q1_GATES["f"] * Q1_GATES["s_prev"] + Q1_GATES["i"] * Q1_GATES["s_tilde"]

q1 = Exercise(
    "Exercise 1 · one step by hand",
    expected=[_s1, Q1_GATES["o"] * math.tanh(_s1)],
    rtol=0.0, atol=2e-3,
    hints=[
        "The gates are already computed; only the last two equations are left.",
        "s_t = f_t * s_{t-1} + i_t * s̃_t, then h_t = o_t * tanh(s_t).",
        "Give a list [s_t, h_t]; three decimals are enough.",
    ],
    solution="""
    s_t = 0.9 * 1.0 + 0.2 * 0.5        # 1.0: most of the old memory, a little of the new
    h_t = 0.5 * np.tanh(s_t)           # 0.381
    answer_1 = [s_t, h_t]
    """,
)


# --- q2: the six equations -----------------------------------------------------------------------
def _reference_step(x_t, h_prev, s_prev, params):
    step = lstm_step(x_t, h_prev, s_prev, params)
    return step.h, step.s


def _q2_cases() -> list[tuple]:
    rng = np.random.default_rng(2)
    cases = []
    for k, (N, D, H) in enumerate([(1, 1, 1), (2, 3, 4), (5, 2, 3)]):
        params = LSTMParams.random(D, H, seed=k, forget_bias=0.5)
        cases.append((rng.standard_normal((N, D)), rng.standard_normal((N, H)),
                      rng.standard_normal((N, H)), params))
    return cases


q2 = Exercise(
    "Exercise 2 · the six equations",
    reference=_reference_step,
    cases=_q2_cases(),
    rtol=1e-6, atol=1e-9,
    hints=[
        "Build hx = np.concatenate([h_prev, x_t], axis=1): h first, then x, shape (N, H + D).",
        "Each gate is hx @ W.T + b with its own W and b, e.g. params.W_f and params.b_f; "
        "σ(z) = 1 / (1 + exp(-z)).",
        "s = f * s_prev + i * s_tilde and h = o * tanh(s); return (h, s) in that order.",
    ],
    solution="""
    def my_lstm_step(x_t, h_prev, s_prev, params):
        hx = np.concatenate([h_prev, x_t], axis=1)          # [h_{t-1}, x_t]
        def sigma(z):
            return 1 / (1 + np.exp(-z))

        f = sigma(hx @ params.W_f.T + params.b_f)
        i = sigma(hx @ params.W_i.T + params.b_i)
        o = sigma(hx @ params.W_o.T + params.b_o)
        s_tilde = np.tanh(hx @ params.W_s.T + params.b_s)
        s = f * s_prev + i * s_tilde
        h = o * np.tanh(s)
        return h, s
    """,
)


# --- q3: PyTorch's gate layout ---------------------------------------------------------------------
def _forget_weight(lstm):
    return LSTMParams.from_torch(lstm).W_f


def _q3_cases() -> list[tuple]:
    cases = []
    for seed, (D, H) in enumerate([(1, 1), (3, 2), (2, 5)]):
        torch.manual_seed(seed)
        cases.append((torch.nn.LSTM(D, H).double(),))
    return cases


q3 = Exercise(
    "Exercise 3 · the forget gate inside torch.nn.LSTM",
    reference=_forget_weight,
    cases=_q3_cases(),
    hints=[
        "PyTorch stacks the gates in weight_ih_l0 (4H, D) and weight_hh_l0 (4H, H) in the order "
        "input, forget, cell, output: the forget gate is rows H to 2H.",
        "The lecture's W_f acts on [h_{t-1}, x_t], so its first H columns come from weight_hh_l0 "
        "and the last D from weight_ih_l0.",
        "Use .detach().numpy() and np.concatenate([..., ...], axis=1); H is lstm.hidden_size.",
    ],
    solution="""
    def my_forget_weight(lstm):
        H = lstm.hidden_size
        w_hh = lstm.weight_hh_l0.detach().numpy()[H:2 * H]     # acts on h_{t-1}
        w_ih = lstm.weight_ih_l0.detach().numpy()[H:2 * H]     # acts on x_t
        return np.concatenate([w_hh, w_ih], axis=1)
    """,
)


# --- q4: how long does memory last? ----------------------------------------------------------------
#: The forget gate's value at every step in q4.
Q4_FORGET = 0.95

q4 = Exercise(
    "Exercise 4 · how long does the cell remember?",
    expected=math.ceil(math.log(0.5) / math.log(Q4_FORGET)),
    hints=[
        "With i_t = 0 the update is s_t = f * s_{t-1}, so s_n = f**n * s_0.",
        "Find the smallest whole n with 0.95**n < 0.5 (try a loop, or logarithms).",
    ],
    solution="""
    n = 0
    while 0.95 ** n >= 0.5:
        n += 1
    answer_4 = n      # 14 steps: 0.95**13 = 0.513, 0.95**14 = 0.488
    """,
)
