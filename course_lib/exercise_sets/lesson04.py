"""Lesson 04, zero padding and strides: output sizes, 'same' padding, the rows a stride never
reads, a conv layer's weight tensor, and cross-correlation with stride and padding."""

from __future__ import annotations

import numpy as np

from course_lib import conv
from course_lib.exercises import (
    Exercise,
    Incorrect,
    compare,
    function_slips,
    known_mistakes,
    reference_slips,
)

__all__ = ["q1", "q2", "q3", "q4", "q5"]

#: Exercise 1's layer. Chosen so that the usual slips give numbers of their own: no padding 7,
#: no final + 1 (or padding on one side only) 8, rounding up 10, stride 1 34; the answer is 9.
Q1 = {"size": 34, "kernel_size": 7, "stride": 4, "padding": 3}

q1 = Exercise(
    "Exercise 1 · output size",
    checker=known_mistakes(conv.conv_output_size(34, 7, 4, 3), [
        (7, "7 is what you get without the padding, (34 - 7) // 4 + 1: the padding adds 3 rows "
            "on each side, so 2 * 3 in all"),
        (8, "8 is one short: either the final + 1 is missing, or the padding is counted on one "
            "side only; the formula is floor((H + 2p - k) / s) + 1"),
        (10, "that rounds up; the formula rounds down, floor((H + 2p - k) / s) + 1, because a "
             "window that would stick out of the padded input is not computed"),
        (34, "that is the size for stride 1 (the 'same' padding of a 7x7 kernel); with stride 4 "
             "divide (H + 2p - k) by 4 first"),
    ]),
    hints=[
        "Use H_out = floor((H + 2p - k) / s) + 1; the padding p is added on both sides.",
        "Here H = 34, k = 7, s = 4, p = 3: work out H + 2p - k first, then divide by 4 and round down.",
    ],
    solution="""
    answer_1 = (34 + 2 * 3 - 7) // 4 + 1   # = 33 // 4 + 1 = 9, or conv.conv_output_size(34, 7, 4, 3)
    """,
)


def _same_padding(kernel_size):
    return (kernel_size - 1) // 2


q2 = Exercise(
    "Exercise 2 · 'same' padding",
    checker=function_slips(Exercise("q2", reference=_same_padding, cases=[(1,), (3,), (5,), (7,), (11,)]), [
        (lambda fn: fn(5) == 4, "that is the padding of both sides together (k - 1): each side "
                                "gets half of it"),
        (lambda fn: fn(5) == 3, "one too many: with p = (k + 1) / 2 the output grows by 2 rows"),
        (lambda fn: fn(5) == 2.5, "k / 2 is not a whole number for an odd k; the output keeps "
                                  "its size when 2p = k - 1"),
    ]),
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
    if not isinstance(answer, dict):
        raise Incorrect("answer with a dict {'weight_shape': (...), 'n_params': ...}; "
                        f"you gave {type(answer).__name__}")
    shape = answer.get("weight_shape")
    if isinstance(shape, tuple | list) and len(shape) == 4 and compare(shape, (16, 3, 5, 5)) is not None \
            and sorted(map(str, shape)) == sorted(map(str, (16, 3, 5, 5))):
        raise Incorrect(f"the numbers in {tuple(shape)} are right but not their order: "
                        "PyTorch stores (out_channels, in_channels, kh, kw)")
    if compare(shape, (16, 5, 5)) is None or compare(shape, (16, 1, 5, 5)) is None:
        raise Incorrect("each filter spans all 3 input channels (RGB): one 3 x 5 x 5 block per "
                        "output channel")
    n = answer.get("n_params")
    if compare(n, 16 * 3 * 5 * 5) is None:
        raise Incorrect("n_params counts the weights but not the 16 biases, one per filter")
    if compare(n, 16 * 5 * 5 + 16) is None:
        raise Incorrect("n_params counts one 5x5 kernel per filter; each filter has one per "
                        "input channel, 3 of them")
    why = compare(answer, _ANSWER_Q4)
    if why is not None:
        raise Incorrect(why)


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
             ((np.arange(36.0).reshape(6, 6), np.ones((3, 3))), {"stride": 2}),
             ((np.arange(20.0).reshape(4, 5), np.array([[1.0, -1.0]])), {})]   # the defaults
    # non-square images and kernels, strides that do not tile the input, stride and padding
    # passed by position
    for h, w, kh, kw, s, p in [(7, 7, 3, 3, 2, 1), (8, 5, 2, 3, 3, 0), (6, 9, 3, 2, 1, 2),
                               (7, 6, 2, 2, 3, 1), (9, 4, 4, 1, 2, 1)]:
        cases.append(((rng.standard_normal((h, w)), rng.standard_normal((kh, kw))),
                      {"stride": s, "padding": p}))
    cases.append(((rng.standard_normal((5, 7)), rng.standard_normal((3, 2)), 2, 1), {}))
    return cases


def _one_sided(image, kernel, stride=1, padding=0):
    padded = np.pad(image, ((padding, 0), (padding, 0)))
    return conv.correlate2d(padded, kernel, stride=stride)


q5 = Exercise(
    "Exercise 5 · cross-correlation with stride and padding",
    checker=reference_slips(Exercise("q5", reference=conv.correlate2d, cases=_cases()), [
        (lambda image, kernel, stride=1, padding=0: conv.correlate2d(image, kernel, padding=padding),
         "your function ignores the stride: output cell (i, j) starts at row i * stride"),
        (lambda image, kernel, stride=1, padding=0: conv.correlate2d(image, kernel, stride=stride),
         "your function ignores the padding: pad the image with `padding` zeros on every side first"),
        (_one_sided, "your padding goes on one side only (top and left); conv.pad2d puts it on "
                     "every side"),
        (lambda image, kernel, stride=1, padding=0: conv.convolve2d(image, kernel, stride, padding),
         "your function flips the kernel (the lecture's convolution); cross-correlation does not"),
    ]),
    forbidden=("course_lib.conv", "scipy", "torch"),
    allowed=(conv.pad2d, conv.conv_output_size),
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
