"""Lesson 03, convolution: a cross-correlation by hand, the lecture's flipped convolution by hand,
a cross-correlation function of your own, and an edge detector of your own design."""

from __future__ import annotations

import numpy as np

from course_lib import conv, kernels
from course_lib.exercises import Exercise, Incorrect, known_mistakes, numeric_array, reference_slips

__all__ = ["IMAGE_Q1", "IMAGE_Q2", "KERNEL_Q2", "q1", "q2", "q3", "q4"]


#: The 4x4 image of exercise 1 (filtered with the lecture's edge_detection_2).
IMAGE_Q1 = np.array([[1, 2, 0, 1],
                     [0, 1, 3, 1],
                     [2, 1, 0, 0],
                     [1, 0, 1, 2]], dtype=float)
#: The 3x3 image and the 2x2 kernel of exercise 2 (the lecture's convolution, with the flip).
#: Not a ramp like 1..9: on an image that is linear in (row, column), flipping only the rows
#: would give the same numbers as the half turn, and the check could not tell them apart.
IMAGE_Q2 = np.array([[2, 0, 1],
                     [1, 3, 0],
                     [0, 1, 2]], dtype=float)
KERNEL_Q2 = np.array([[1, 2],
                      [0, -1]], dtype=float)

_ANSWER_Q1 = conv.correlate2d(IMAGE_Q1, kernels.KERNELS["edge_detection_2"])
q1 = Exercise(
    "Exercise 1 · cross-correlation by hand",
    checker=known_mistakes(_ANSWER_Q1, [
        (-_ANSWER_Q1, "every sign is the opposite of the right one: the centre weight is -4 and "
                      "the four neighbours +1, so (up + left + right + down) - 4 * centre"),
        (_ANSWER_Q1.T, "the right numbers in the wrong places: output (i, j) is the window whose "
                       "top-left corner is row i, column j (rows first)"),
        (_ANSWER_Q1 + 4 * IMAGE_Q1[1:3, 1:3], "that is the sum of the four neighbours only: the "
                                              "centre pixel counts too, with weight -4"),
        (conv.correlate2d(IMAGE_Q1, kernels.KERNELS["edge_detection_2"], padding=1),
         "that is with zero padding around the image (4x4 out); here the kernel stays inside "
         "the image, which leaves a 2x2 result"),
    ]),
    hints=[
        "The 3x3 kernel fits in 2 x 2 places of a 4x4 image, so the answer is a 2x2 array.",
        "Top-left: put the kernel's centre (-4) on pixel (1, 1) = 1. Its four neighbours "
        "above, left, right and below are 2, 0, 3 and 1.",
        "Top-left value: 2 + 0 + 3 + 1 - 4 * 1 = 2.",
    ],
    solution="""
    # each output = (up + left + right + down) - 4 * centre
    answer_1 = np.array([[2 + 0 + 3 + 1 - 4 * 1, 0 + 1 + 1 + 0 - 4 * 3],
                         [1 + 2 + 0 + 0 - 4 * 1, 3 + 1 + 0 + 1 - 4 * 0]])   # [[2, -10], [-1, 5]]
    """,
)

q2 = Exercise(
    "Exercise 2 · the lecture's convolution (with the flip) by hand",
    checker=known_mistakes(conv.convolve2d(IMAGE_Q2, KERNEL_Q2), [
        (conv.correlate2d(IMAGE_Q2, KERNEL_Q2),
         "that is the cross-correlation, without the flip: the lecture's I(i - m, j - n) turns "
         "the kernel by 180 degrees before it slides"),
        (conv.correlate2d(IMAGE_Q2, KERNEL_Q2[::-1]),
         "you flipped only the rows (upside down); a half turn flips the columns too"),
        (conv.correlate2d(IMAGE_Q2, KERNEL_Q2[:, ::-1]),
         "you flipped only the columns (left-right); a half turn flips the rows too"),
    ]),
    hints=[
        "S(i, j) = sum_m sum_n I(i - m, j - n) K(m, n): turn the kernel by 180 degrees, then "
        "slide it like a cross-correlation.",
        "The flipped kernel is [[-1, 0], [2, 1]]. Top-left: -1*2 + 0*0 + 2*1 + 1*3 = 3.",
    ],
    solution="""
    flipped = KERNEL_Q2[::-1, ::-1]          # [[-1, 0], [2, 1]]
    answer_2 = np.array([[-1*2 + 0*0 + 2*1 + 1*3, -1*0 + 0*1 + 2*3 + 1*0],
                         [-1*1 + 0*3 + 2*0 + 1*1, -1*3 + 0*0 + 2*1 + 1*2]])   # [[3, 6], [0, 1]]
    """,
)


def _cases() -> list:
    rng = np.random.default_rng(3)
    cases = [(IMAGE_Q1, kernels.get_kernel("edge_detection_2")),
             (IMAGE_Q2, KERNEL_Q2),
             (np.arange(20.0).reshape(4, 5), np.ones((1, 1)))]
    for h, w, kh, kw in [(6, 6, 3, 3), (5, 8, 2, 3), (7, 4, 4, 1), (9, 9, 5, 5)]:
        cases.append((rng.standard_normal((h, w)), rng.standard_normal((kh, kw))))
    return cases


q3 = Exercise(
    "Exercise 3 · your own cross-correlation",
    checker=reference_slips(Exercise("q3", reference=conv.correlate2d, cases=_cases()), [
        (conv.convolve2d, "your function flips the kernel (that is the lecture's convolution); "
                          "cross-correlation slides the kernel as it is"),
        (lambda image, kernel: conv.correlate2d(image, kernel.T),
         "your function uses the kernel transposed: kernel[m, n] multiplies image[i + m, j + n], "
         "row offset first"),
    ]),
    forbidden=("course_lib", "scipy", "torch"),
    hints=[
        "The output has (H - kh + 1) rows and (W - kw + 1) columns.",
        "Output (i, j) is the sum of the window image[i:i+kh, j:j+kw] times the kernel, "
        "entry by entry: np.sum(window * kernel).",
    ],
    solution="""
    def my_correlate2d(image, kernel):
        kh, kw = kernel.shape
        out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
        return out
    """,
)


def _check_vertical_edge_detector(kernel) -> None:
    k = numeric_array(kernel, "your kernel").astype(float)
    if k.shape != (3, 3):
        raise Incorrect(f"the kernel should have shape (3, 3), got {k.shape}")
    if not np.all(np.isfinite(k)):
        raise Incorrect("the kernel holds NaN or infinite entries")
    flat = np.full((6, 6), 0.7)
    flat_response = np.abs(conv.correlate2d(flat, k)).max()
    if flat_response > 1e-9:
        raise Incorrect(f"a flat image should give zero response, but gives up to "
                        f"{flat_response:.3g}: your entries sum to {k.sum():.3g}, not 0")
    vertical = np.zeros((6, 6))
    vertical[:, 3:] = 1.0      # dark left half, bright right half: a vertical edge
    horizontal = vertical.T    # dark top, bright bottom: a horizontal edge
    v = np.abs(conv.correlate2d(vertical, k)).max()
    h = np.abs(conv.correlate2d(horizontal, k)).max()
    if h > 1e-9 and v < 1e-6:
        raise Incorrect("that kernel detects horizontal edges (a change from top to bottom); "
                        "turn it by 90 degrees")
    if v < 1e-6:
        raise Incorrect("the kernel gives no response to a vertical edge")
    if h > 1e-9:
        raise Incorrect(f"the kernel also responds to a horizontal edge (up to {h:.3g}): make "
                        "every row of the kernel sum to zero")


q4 = Exercise(
    "Exercise 4 · design a vertical-edge detector",
    checker=_check_vertical_edge_detector,
    hints=[
        "A vertical edge is a change from left to right. Give the left column one sign and the "
        "right column the other.",
        "To ignore horizontal edges, each row must sum to zero: then a picture that changes only "
        "from top to bottom gives zero.",
        "Put one number in the whole left column, its negative in the right column, and zeros "
        "in between; Sobel's kernel weights the middle row twice.",
    ],
    solution="""
    answer_4 = np.array([[1, 0, -1],
                         [2, 0, -2],
                         [1, 0, -1]])   # kernels.KERNELS["sobel_x"]; any rows summing to 0 work
    """,
)
