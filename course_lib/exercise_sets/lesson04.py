"""Lesson 04, zero padding and strides: output sizes, 'same' padding, the rows a stride never
reads, a conv layer's weight tensor, and cross-correlation with stride and padding."""

from __future__ import annotations

import numpy as np

from course_lib import conv
from course_lib.exercises import Exercise, compare, known_mistakes

__all__ = ["q1", "q2", "q3", "q4", "q5"]

q1 = Exercise(
    "Exercise 1 · output size",
    checker=known_mistakes(15, [
        (14, "14 is what you get without the padding, (32 - 5) // 2 + 1, or without the final "
             "+ 1, (32 + 2 - 5) // 2: the formula needs both"),
        (16, "that rounds up; the formula rounds down, floor((H + 2p - k) / s) + 1, because a "
             "window that would stick out of the padded input is not computed"),
        (30, "that is the size for stride 1; with stride 2 divide (H + 2p - k) by 2 first"),
    ]),
    hints=[
        "Use H_out = floor((H + 2p - k) / s) + 1 with H = 32, k = 5, s = 2, p = 1.",
        "32 + 2 - 5 = 29; 29 // 2 = 14; plus one.",
    ],
    solution="""
    answer_1 = (32 + 2 * 1 - 5) // 2 + 1   # = 15, or conv.conv_output_size(32, 5, 2, 1)
    """,
)


def _same_padding(kernel_size):
    return (kernel_size - 1) // 2


q2 = Exercise(
    "Exercise 2 · 'same' padding",
    reference=_same_padding,
    cases=[(1,), (3,), (5,), (7,), (11,)],
    hints=[
        "With stride 1 the output has H + 2p - k + 1 rows. Set that equal to H and solve for p.",
        "2p = k - 1, so p = (k - 1) / 2: a whole number because k is odd. Return an int.",
    ],
    solution="""
    def same_padding(kernel_size):
        return (kernel_size - 1) // 2
    """,
)

q3 = Exercise(
    "Exercise 3 · rows a stride never reads",
    checker=known_mistakes([3, 7, 8, 9], [
        ([7, 8, 9], "row 3 is missing: the windows read rows 0-2 and 4-6, so row 3, between "
                    "them, is never read either"),
        ([8, 9], "rows 3 and 7 are missing: the windows read rows 0-2 and 4-6 only"),
        ([3], "the last rows are missing: a third window would start at row 8 and need rows 8, "
              "9 and 10, but there is no row 10"),
    ]),
    hints=[
        "Windows start at rows 0, 4, 8, ... as long as the whole 3-row window fits in 10 rows.",
        "The last start is at most 10 - 3 = 7, so the windows start at 0 and 4 and read rows "
        "0-2 and 4-6. Which of the rows 0..9 are left?",
    ],
    solution="""
    starts = range(0, 10 - 3 + 1, 4)                      # 0, 4
    read = {r for s in starts for r in range(s, s + 3)}  # {0, 1, 2, 4, 5, 6}
    answer_3 = [r for r in range(10) if r not in read]   # [3, 7, 8, 9]
    """,
)

_ANSWER_Q4 = {"weight_shape": (16, 3, 5, 5), "n_params": 16 * 3 * 5 * 5 + 16}


def _check_weight_tensor(answer) -> None:
    if isinstance(answer, dict):
        shape = answer.get("weight_shape")
        if isinstance(shape, tuple | list) and tuple(shape) != (16, 3, 5, 5) \
                and sorted(map(str, shape)) == sorted(map(str, (16, 3, 5, 5))):
            raise AssertionError(f"the numbers in {tuple(shape)} are right but not their order: "
                                 "PyTorch stores (out_channels, in_channels, kh, kw)")
        if compare(answer.get("n_params"), 16 * 3 * 5 * 5) is None:
            raise AssertionError("n_params counts the weights but not the 16 biases, one per filter")
    why = compare(answer, _ANSWER_Q4)
    assert why is None, why


q4 = Exercise(
    "Exercise 4 · a conv layer's weight tensor",
    checker=_check_weight_tensor,
    hints=[
        "PyTorch stores a conv layer's filters as (out_channels, in_channels, kh, kw): one "
        "3-channel 5x5 filter per output channel.",
        "Parameters: every weight plus one bias per filter: 16 * 3 * 5 * 5 + 16.",
    ],
    solution="""
    answer_4 = {"weight_shape": (16, 3, 5, 5), "n_params": 16 * 3 * 5 * 5 + 16}   # 1216
    """,
)


def _cases() -> list:
    rng = np.random.default_rng(4)
    cases = [((np.arange(16.0).reshape(4, 4), np.ones((2, 2))), {"stride": 2}),
             ((np.arange(25.0).reshape(5, 5), np.eye(3)), {"padding": 1}),
             ((np.arange(36.0).reshape(6, 6), np.ones((3, 3))), {"stride": 2})]
    for h, w, k, s, p in [(7, 7, 3, 2, 1), (8, 5, 2, 3, 0), (6, 9, 3, 1, 2)]:
        cases.append(((rng.standard_normal((h, w)), rng.standard_normal((k, k))),
                      {"stride": s, "padding": p}))
    return cases


q5 = Exercise(
    "Exercise 5 · cross-correlation with stride and padding",
    reference=conv.correlate2d,
    cases=_cases(),
    hints=[
        "Pad first: conv.pad2d(image, padding) adds `padding` zeros on every side.",
        "The output size per axis is (H + 2p - kh) // stride + 1; output cell (i, j) reads the "
        "window that starts at row i * stride and column j * stride.",
        "out[i, j] = np.sum(padded[i*stride:i*stride+kh, j*stride:j*stride+kw] * kernel).",
    ],
    solution="""
    def my_correlate2d(image, kernel, stride=1, padding=0):
        padded = conv.pad2d(image, padding)
        kh, kw = kernel.shape
        out_h = (padded.shape[0] - kh) // stride + 1
        out_w = (padded.shape[1] - kw) // stride + 1
        out = np.zeros((out_h, out_w))
        for i in range(out_h):
            for j in range(out_w):
                window = padded[i * stride:i * stride + kh, j * stride:j * stride + kw]
                out[i, j] = np.sum(window * kernel)
        return out
    """,
)
