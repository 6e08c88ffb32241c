"""Lesson 06, pooling and the task layer: exercises (reusable in assignments)."""

from __future__ import annotations

import numpy as np

from course_lib import activations, dense, pooling
from course_lib.exercises import Exercise, compare

__all__ = ["LECTURE_GRID", "q1", "q2", "q3", "q4", "reference_task_layer"]

#: The lecture's 4x4 example.
LECTURE_GRID = np.array([[1, 2, 5, 6], [3, 4, 7, 8], [9, 8, 5, 4], [7, 6, 3, 2]], dtype=float)

q1 = Exercise(
    "Exercise 1 · overlapping windows",
    expected=pooling.max_pool2d(LECTURE_GRID, kernel_size=2, stride=1),
    hints=[
        "With stride 1 the 2x2 window moves one cell at a time: 3 positions per row, 3 per column.",
        "The top-left window holds 1, 2, 3, 4; the next one to the right holds 2, 5, 4, 7.",
    ],
    solution="""
    answer_1 = np.array([[4, 7, 8],
                         [9, 8, 8],
                         [9, 8, 5]])
    """,
)

def _check_flatten_size(answer) -> None:
    why = compare(answer, 512 * 7 * 7)
    if why is None:
        return
    if any(compare(answer, v) is None for v in (7 * 7, 512 * 7, 512 * 7 * 2)):
        raise AssertionError("flatten keeps every value of every map: 512 channels, each "
                             "7 x 7 (height times width)")
    if any(compare(answer, 512 * s * s) is None for s in (224, 112, 56, 28, 14, 3)):
        raise AssertionError("count the halvings again: five 2x2 pools take 224 to 7 "
                             "(224 / 2**5)")
    raise AssertionError(why)


q2 = Exercise(
    "Exercise 2 · the size of VGG's first dense layer",
    checker=_check_flatten_size,
    hints=[
        "Each of VGG's five 2x2, stride-2 max poolings halves the height and the width: "
        "224 -> 112 -> 56 -> 28 -> 14 -> 7.",
        "Flatten turns (512, 7, 7) into one vector: how many numbers does it hold?",
    ],
    solution="""
    side = 224 // 2**5          # 7
    answer_2 = 512 * side * side   # 25088 inputs to FC-4096
    """,
)

_rng = np.random.default_rng(6)
q3 = Exercise(
    "Exercise 3 · your own max pooling",
    reference=lambda x, k: pooling.max_pool2d(x, kernel_size=k),
    cases=[
        (LECTURE_GRID, 2),
        (_rng.standard_normal((6, 9)), 3),
        (_rng.standard_normal((7, 5)), 2),   # the last row is left over: the floor in the formula
        (_rng.standard_normal((4, 4)).astype(np.float32), 1),
    ],
    hints=[
        "The output has H // k rows and W // k columns; crop x to x[:(H // k) * k, :(W // k) * k].",
        "Reshape the crop to (H // k, k, W // k, k): axes 1 and 3 then run inside one window.",
        "Take .max(axis=(1, 3)).",
    ],
    solution="""
    def my_max_pool(x, k):
        ho, wo = x.shape[0] // k, x.shape[1] // k
        windows = x[:ho * k, :wo * k].reshape(ho, k, wo, k)
        return windows.max(axis=(1, 3))
    """,
)


def reference_task_layer(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """The task layer: flatten (N, C, H, W), a linear layer, then softmax over the classes."""
    return activations.softmax(dense.linear(dense.flatten(x), weight, bias), axis=1)


def _task_case(n, c, h, w, classes):
    return (_rng.standard_normal((n, c, h, w)), _rng.standard_normal((classes, c * h * w)),
            _rng.standard_normal(classes))


q4 = Exercise(
    "Exercise 4 · the task layer",
    reference=reference_task_layer,
    cases=[_task_case(1, 2, 2, 2, 3), _task_case(4, 3, 2, 3, 5), _task_case(2, 1, 4, 4, 10)],
    hints=[
        "Three steps: flatten x to (N, C*H*W), apply the linear layer, then softmax per example.",
        "course_lib has all three: dense.flatten, dense.linear and activations.softmax (axis=1).",
        "By hand: x.reshape(len(x), -1) @ weight.T + bias, then exp(s - max) / sum(exp(s - max)) "
        "along axis 1.",
    ],
    solution="""
    def my_task_layer(x, weight, bias):
        scores = x.reshape(len(x), -1) @ weight.T + bias
        e = np.exp(scores - scores.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    """,
)
