"""Lesson 06, pooling and the task layer: exercises (reusable in assignments)."""

from __future__ import annotations

import numpy as np

from course_lib import activations, dense, pooling
from course_lib.exercises import Exercise, Incorrect, compare, known_mistakes, reference_slips

__all__ = ["LECTURE_GRID", "q1", "q2", "q3", "q4", "reference_task_layer"]

#: The lecture's 4x4 example (course_lib.pooling.LECTURE_GRID), as a writable float64 copy.
LECTURE_GRID = pooling.LECTURE_GRID.astype(np.float64)

q1 = Exercise(
    "Exercise 1 · overlapping windows",
    checker=known_mistakes(pooling.max_pool2d(LECTURE_GRID, kernel_size=2, stride=1), [
        (pooling.max_pool2d(LECTURE_GRID, kernel_size=2, stride=2),
         "that is stride 2, the lecture's example; with stride 1 the window moves one cell at a "
         "time, so the windows overlap and there are 3 x 3 of them"),
        (pooling.avg_pool2d(LECTURE_GRID, kernel_size=2, stride=1),
         "that is average pooling; max pooling keeps the largest of the four numbers"),
        (-pooling.max_pool2d(-LECTURE_GRID, kernel_size=2, stride=1),
         "that is the smallest number of each window; max pooling keeps the largest"),
    ]),
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
        raise Incorrect("flatten keeps every value of every map: 512 channels, each "
                        "7 x 7 (height times width)")
    if any(compare(answer, 512 * s * s) is None for s in (224, 112, 56, 28, 14, 3)):
        raise Incorrect("count the halvings again: five 2x2 pools take 224 to 7 "
                        "(224 / 2**5)")
    if compare(answer, 512 * 7 * 7 * 4096) is None:
        raise Incorrect("that is the number of weights of FC-4096; the question asks how many "
                        "numbers flatten hands to it")
    raise Incorrect(why)


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
    checker=reference_slips(Exercise("q3", reference=lambda x, k: pooling.max_pool2d(x, kernel_size=k), cases=[
        (LECTURE_GRID, 2),
        (_rng.standard_normal((6, 9)), 3),
        (_rng.standard_normal((7, 5)), 2),   # a row and a column left over: the floor
        (_rng.standard_normal((4, 4)).astype(np.float32), 1),
        (_rng.standard_normal((5, 8)), 4),
    ]), [
        (lambda x, k: pooling.avg_pool2d(x, kernel_size=k), "that is average pooling; max "
                                                            "pooling keeps each window's largest value"),
        (lambda x, k: pooling.max_pool2d(x, kernel_size=k, stride=1), "your windows overlap "
         "(stride 1); here the stride is k, so each value is in one window only"),
        (lambda x, k: -pooling.max_pool2d(-x, kernel_size=k), "that is each window's smallest "
                                                               "value; max pooling keeps the largest"),
    ]),
    forbidden=("course_lib.pooling", "torch", "scipy", "skimage"),
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
    checker=reference_slips(Exercise("q4", reference=reference_task_layer, cases=[
        _task_case(1, 2, 2, 2, 3), _task_case(4, 3, 2, 3, 5), _task_case(2, 1, 4, 4, 10)]), [
        (lambda x, w, b: dense.linear(dense.flatten(x), w, b), "those are the scores; the task "
                                                               "layer ends with a softmax over the classes"),
        (lambda x, w, b: activations.softmax(dense.linear(dense.flatten(x), w, b), axis=0),
         "the softmax runs over the batch (axis 0); it must run over the classes of each "
         "example (axis 1), so that every row sums to 1"),
        (lambda x, w, b: activations.softmax(dense.linear(dense.flatten(x), w, np.zeros_like(b)), axis=1),
         "the bias is missing: scores = flat @ weight.T + bias"),
    ]),
    hints=[
        "Three steps: flatten x to (N, C*H*W), apply the linear layer, then softmax per example.",
        "course_lib has all three: dense.flatten, dense.linear and activations.softmax (axis=1).",
        "By hand: reshape x to one row per example, multiply by weight.T and add the bias; for "
        "the softmax subtract each row's maximum before exp (no overflow) and divide by the row's sum.",
    ],
    solution="""
    def my_task_layer(x, weight, bias):
        scores = x.reshape(len(x), -1) @ weight.T + bias
        e = np.exp(scores - scores.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    """,
)
