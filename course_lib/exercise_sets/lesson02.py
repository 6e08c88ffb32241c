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

from course_lib.exercises import Exercise, known_mistakes, reference_slips
from course_lib.lstm import TORCH_GATE_ORDER, LSTMParams, lstm_step

__all__ = ["q1", "q2", "q3", "q4", "Q1_GATES", "Q4_FORGET"]


# --- q1: one step by hand ------------------------------------------------------------------------
#: The gates of one unit at one step, and the previous cell state.
Q1_GATES = {"f": 0.9, "i": 0.2, "o": 0.5, "s_tilde": 0.5, "s_prev": 1.0}
_s1 = Q1_GATES["f"] * Q1_GATES["s_prev"] + Q1_GATES["i"] * Q1_GATES["s_tilde"]

q1 = Exercise(
    "Exercise 1 · one step by hand",
    checker=known_mistakes([_s1, Q1_GATES["o"] * math.tanh(_s1)], [
        ([_s1, Q1_GATES["o"] * _s1], "your s_t is right, but h_t = o_t · tanh(s_t): the cell "
         "state goes through tanh before the output gate scales it"),
        ([_s1, math.tanh(_s1)], "your s_t is right, but h_t forgot the output gate: "
         "h_t = o_t · tanh(s_t) with o_t = 0.5"),
        ([0.9 * 1.0 + 0.5, 0.5 * math.tanh(1.4)], "s_t writes the candidate through the input "
         "gate: i_t · s̃_t = 0.2 · 0.5, not s̃_t alone"),
        ([0.9 * 1.0, 0.5 * math.tanh(0.9)], "s_t = f_t · s_{t-1} + i_t · s̃_t: you kept the old "
         "memory but did not add what the input gate writes"),
    ], rtol=0.0, atol=2e-3, mistake_atol=2e-3),
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


def _x_first(p: LSTMParams) -> LSTMParams:
    """The parameters under which the lecture's step equals a step that reads [x_t, h_{t-1}]."""
    D = p.input_size
    return LSTMParams(**{k: (np.concatenate([v[:, D:], v[:, :D]], axis=1) if k[0] == "W" else v)
                         for k, v in ((k, getattr(p, k)) for k in LSTMParams._names())})


_q2_plain = Exercise("q2", reference=_reference_step, cases=_q2_cases(), rtol=1e-6, atol=1e-9)

q2 = Exercise(
    "Exercise 2 · the six equations",
    checker=reference_slips(_q2_plain, [
        (lambda x, h, s, p: _reference_step(x, h, s, _x_first(p)),
         "you concatenated [x_t, h_{t-1}]; the lecture's W acts on [h_{t-1}, x_t]: h first, "
         "so W[:, :H] multiplies h_{t-1}"),
        (lambda x, h, s, p: _reference_step(x, h, s, p)[::-1],
         "the numbers are right but the order is not: return (h_t, s_t), h first"),
        (lambda x, h, s, p: (lstm_step(x, h, s, p).o * lstm_step(x, h, s, p).s,
                             lstm_step(x, h, s, p).s),
         "s_t is right; h_t = o_t * tanh(s_t): the tanh is missing"),
        (lambda x, h, s, p: (np.tanh(lstm_step(x, h, s, p).s), lstm_step(x, h, s, p).s),
         "s_t is right; h_t = o_t * tanh(s_t): the output gate o_t is missing"),
    ]),
    forbidden=("course_lib.lstm", "torch"),
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
    with torch.random.fork_rng(devices=[]):   # leave the learner's random stream alone
        for seed, (D, H) in enumerate([(1, 1), (3, 2), (2, 5)]):
            torch.manual_seed(seed)
            cases.append((torch.nn.LSTM(D, H).double(),))
    return cases


_ROWS = ("0:H", "H:2H", "2H:3H", "3H:4H")


def _wrong_block(gate: str, torch_name: str, k: int):
    return (lambda lstm: getattr(LSTMParams.from_torch(lstm), f"W_{gate}"),
            f"those are rows {_ROWS[k]}, PyTorch's {torch_name} gate; its blocks are input, "
            "forget, cell, output, so the forget gate is rows H:2H")


def _x_columns_first(lstm):
    W, H = _forget_weight(lstm), lstm.hidden_size
    return np.concatenate([W[:, H:], W[:, :H]], axis=1)


_q3_plain = Exercise("q3", reference=_forget_weight, cases=_q3_cases())

q3 = Exercise(
    "Exercise 3 · the forget gate inside torch.nn.LSTM",
    checker=reference_slips(_q3_plain, [
        *(_wrong_block(g, name, k) for k, (name, g) in enumerate(TORCH_GATE_ORDER) if g != "f"),
        (_x_columns_first, "right rows, but the columns are in the wrong order: W_f acts on "
         "[h_{t-1}, x_t], so weight_hh_l0's block comes first, then weight_ih_l0's"),
    ]),
    forbidden=("course_lib.lstm",),
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
    checker=known_mistakes(math.ceil(math.log(0.5) / math.log(Q4_FORGET)), [
        (13, "0.95**13 = 0.513 is still a little more than half; one more step"),
        (10, "the memory shrinks by a factor 0.95 at every step, not by a fixed 0.05: "
             "solve 0.95**n < 0.5"),
        (math.log(0.5) / math.log(Q4_FORGET), "the steps are whole: which whole n is the first "
                                              "with 0.95**n below 0.5?"),
    ]),
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
