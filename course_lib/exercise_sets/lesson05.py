"""Lesson 05, the detector layer: exercises (reusable in assignments).

The data each exercise is about lives here too (``W1``, ``b1``, ``W2``, ``b2``, ``TINY_IMAGE``,
...), so that the notebook and an assignment ask about the very same numbers.
"""

from __future__ import annotations

import numpy as np

from course_lib import activations, conv, dense, kernels
from course_lib.exercises import Exercise, Incorrect, compare, known_mistakes, reference_slips

__all__ = ["W1", "b1", "W2", "b2", "TINY_IMAGE", "TINY_KERNEL", "TINY_BIAS", "q1", "q2", "q3",
           "q4", "edge_response", "TARGET_ACTIVE"]

# ---- exercise 1: two linear layers are one ---------------------------------------------------
W1 = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]])   # 2 inputs -> 3 hidden units
b1 = np.array([1.0, 0.0, -2.0])
W2 = np.array([[2.0, 0.0, 1.0], [-1.0, 1.0, 0.0]])     # 3 hidden units -> 2 outputs
b2 = np.array([0.5, -1.0])

q1 = Exercise(
    "Exercise 1 · one layer instead of two",
    checker=known_mistakes(tuple(dense.compose_linear(W1, b1, W2, b2)), [
        ((W2 @ W1, W2 @ b1), "W is right; the bias misses b2: y = W2 (W1 x + b1) + b2"),
        ((W2 @ W1, b2), "W is right; the first layer's bias passes through W2 as well: "
                        "b = W2 b1 + b2"),
        (((W2 @ W1).T, W2 @ b1 + b2), "b is right; W is transposed: it maps 2 inputs to 2 "
                                      "outputs as W2 @ W1 (W2 acts last, so it stands first)"),
    ]),
    hints=[
        "Write y = W2 (W1 x + b1) + b2 and multiply out the brackets.",
        "The matrix in front of x is W2 @ W1 (shape (2, 2)); the rest, W2 @ b1 + b2, is the bias.",
    ],
    solution="""
    W = W2 @ W1
    b = W2 @ b1 + b2
    answer_1 = (W, b)
    """,
)

# ---- exercise 2: convolution + bias + ReLU on paper -----------------------------------------
TINY_IMAGE = np.array([[0.0, 0.0, 1.0, 1.0],
                       [0.0, 0.0, 1.0, 1.0],
                       [0.0, 0.0, 1.0, 1.0],
                       [0.0, 0.0, 1.0, 1.0]])
TINY_KERNEL = np.array(kernels.KERNELS["edge_detection_2"])
TINY_BIAS = -0.5

_Z2 = conv.correlate2d(TINY_IMAGE, TINY_KERNEL)
q2 = Exercise(
    "Exercise 2 · a detector layer by hand",
    checker=known_mistakes(activations.relu(_Z2 + TINY_BIAS), [
        (_Z2 + TINY_BIAS, "these are the pre-activations: the ReLU still has to turn the "
                          "negative values into 0"),
        (activations.relu(_Z2) + TINY_BIAS, "the bias comes before the ReLU: relu(z + b), not "
                                            "relu(z) + b"),
        (activations.relu(_Z2 - TINY_BIAS), "the bias is -0.5: it is subtracted, which lowers "
                                            "every pre-activation"),
        (activations.relu(_Z2), "the bias is missing: add -0.5 before the ReLU"),
    ]),
    hints=[
        "The output is 2x2: a 3x3 window fits in 2 positions along each axis of the 4x4 image.",
        "For the top-left cell, the window covers rows 0-2 and columns 0-2: the centre is 0, its "
        "four neighbours are 0, 0, 0 and 1, so the kernel gives 1; add the bias -0.5.",
        "ReLU keeps positive values and turns negative ones into 0.",
    ],
    solution="""
    # pre-activations: image ⋆ K = [[1, -1], [1, -1]], plus bias -0.5 = [[0.5, -1.5], [0.5, -1.5]]
    answer_2 = np.array([[0.5, 0.0], [0.5, 0.0]])
    """,
)

# ---- exercise 3: leaky ReLU ------------------------------------------------------------------
_rng = np.random.default_rng(5)
q3 = Exercise(
    "Exercise 3 · leaky ReLU",
    checker=reference_slips(Exercise("q3", reference=lambda x: activations.leaky_relu(x, 0.1), cases=[
        (np.array([-2.0, -0.5, 0.0, 0.5, 2.0]),),
        (_rng.standard_normal((3, 4)),),
        (_rng.standard_normal((2, 1, 5, 5)).astype(np.float32),),
        (np.array(-3.0),),
    ]), [
        (lambda x: activations.leaky_relu(x, 0.01), "that slope is 0.01 (a common default); this "
                                                    "exercise asks for 0.1 * x where x <= 0"),
        (activations.relu, "that is the plain ReLU: negative inputs give 0.1 * x, not 0"),
        (lambda x: np.where(x > 0, 0.1 * x, x), "the two sides are swapped: x itself where x > 0, "
                                                "0.1 * x elsewhere"),
    ]),
    forbidden=("course_lib.activations", "torch"),
    hints=[
        "Where x > 0 return x itself; elsewhere return 0.1 * x.",
        "np.where(condition, value_if_true, value_if_false) works elementwise on whole arrays.",
    ],
    solution="""
    def my_leaky_relu(x):
        return np.where(x > 0, x, 0.1 * x)
    """,
)

# ---- exercise 4: a bias that makes the detector picky ----------------------------------------
TARGET_ACTIVE = (0.05, 0.10)


def edge_response(size: int = 128) -> np.ndarray:
    """The "china" photograph (size x size) filtered with edge_detection_3, padding 1: the
    feature map z of exercise 4, before any bias."""
    from course_lib.data import load_photo

    image = load_photo("china", size=size)
    return conv.correlate2d(image, kernels.KERNELS["edge_detection_3"].astype(image.dtype),
                            padding=1)


def _check_bias(b):
    why = compare(b, 0.0)
    if why is not None and "should be" in why:
        raise Incorrect(f"the bias should be a single number: {why}")
    value = float(b.item() if hasattr(b, "item") else b)
    if not np.isfinite(value):
        raise Incorrect(f"the bias should be a finite number, got {value}")
    active = float(np.mean(activations.relu(edge_response() + np.float32(value)) > 0))
    lo, hi = TARGET_ACTIVE
    if active > hi:
        raise Incorrect(f"with b = {value:.3g}, {active:.1%} of the units are active: "
                        f"still more than {hi:.0%}; make b more negative")
    if active < lo:
        raise Incorrect(f"with b = {value:.3g}, only {active:.1%} of the units are "
                        f"active: fewer than {lo:.0%}; make b less negative")


q4 = Exercise(
    "Exercise 4 · a picky detector",
    checker=_check_bias,
    hints=[
        "A unit is active when z + b > 0, i.e. when z > -b. You want -b to be a value that only "
        "5 to 10 % of z exceed.",
        "np.quantile(z, 0.93) is a value that 7 % of z exceed.",
    ],
    solution="""
    z = ex.edge_response()
    answer_4 = -float(np.quantile(z, 0.93))
    """,
)
