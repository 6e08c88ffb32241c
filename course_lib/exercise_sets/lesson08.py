"""Lesson 08, the slide's CNN in Keras and its PyTorch twin: exercises (reusable in assignments)."""

from __future__ import annotations

import numpy as np

from course_lib import cnn
from course_lib.exercises import Exercise

__all__ = ["q1", "q2", "q3", "q4", "q5", "reference_conv2d_params", "reference_accuracy"]


def reference_conv2d_params(kernel_size: int, in_channels: int, filters: int) -> int:
    """Trainable numbers in a Conv2D layer with square kernels and a bias per filter."""
    return kernel_size * kernel_size * in_channels * filters + filters


def reference_accuracy(cm: np.ndarray) -> float:
    """Accuracy from a confusion matrix: the correct predictions (diagonal) over all."""
    return float(np.trace(cm) / np.sum(cm))


q1 = Exercise(
    "Exercise 1 · parameters of a Conv2D layer",
    reference=reference_conv2d_params,
    cases=[(3, 1, 32), (5, 3, 16), (1, 64, 8), (3, 64, 128), (7, 3, 64)],
    hints=[
        "Each filter has one weight per (row, column, input channel) of its window, plus a bias.",
        "The slide's network: 3 * 3 * 1 weights per filter, 32 filters, 32 biases: 320.",
    ],
    solution="""
    def conv2d_params(kernel_size, in_channels, filters):
        return kernel_size * kernel_size * in_channels * filters + filters
    """,
)

q2 = Exercise(
    "Exercise 2 · what padding='same' changes",
    expected={"flatten": 4 * 4 * 32, "params": (3 * 3 * 32 + 32) + (4 * 4 * 32 * 10 + 10)},
    hints=[
        "With padding='same' the convolution keeps the 8x8 size; the 2x2 pooling halves it.",
        "Flatten holds height x width x filters numbers; the Dense layer has one weight per "
        "(input, class) pair plus one bias per class. The convolution's count does not change.",
        "Check your numbers with cnn.build_keras_cnn(padding='same').summary().",
    ],
    solution="""
    flatten = 4 * 4 * 32                             # 512
    params = (3 * 3 * 1 * 32 + 32) + (flatten * 10 + 10)   # 320 + 5130 = 5450
    answer_2 = {"flatten": flatten, "params": params}
    """,
)

_rng = np.random.default_rng(8)
q3 = Exercise(
    "Exercise 3 · from channels last to channels first",
    reference=cnn.nhwc_to_nchw,
    cases=[(_rng.standard_normal((2, 8, 8, 1)).astype(np.float32),),
           (_rng.standard_normal((1, 3, 4, 5)),),
           (np.arange(2 * 2 * 3 * 4, dtype=np.float32).reshape(2, 2, 3, 4),)],
    hints=[
        "Keras stores a batch as (N, H, W, C), PyTorch as (N, C, H, W): only the axes move.",
        "x.transpose(...) takes the new order of the old axes: which old axis comes second?",
    ],
    solution="""
    def to_channels_first(x):
        return x.transpose(0, 3, 1, 2)
    """,
)


def _dense_case(h: int, w: int, c: int, out: int):
    return (np.arange(h * w * c * out, dtype=np.float64).reshape(h * w * c, out), h, w, c)


q4 = Exercise(
    "Exercise 4 · the Dense kernel after Flatten, for PyTorch",
    reference=lambda kernel, h, w, c: cnn.dense_kernel_keras_to_torch(kernel, (h, w, c)),
    cases=[_dense_case(3, 3, 32, 10), _dense_case(1, 3, 2, 2), _dense_case(2, 3, 4, 5),
           _dense_case(4, 2, 1, 3)],
    hints=[
        "nn.Linear wants (out_features, in_features); Keras' kernel is (in_features, out).",
        "A plain transpose is not enough: Keras flattened (H, W, C) maps, PyTorch flattens "
        "(C, H, W). Give the rows back their three axes with kernel.reshape(h, w, c, out).",
        "Then put the axes in the order (out, c, h, w) and flatten the last three.",
    ],
    solution="""
    def dense_to_linear(kernel, h, w, c):
        out = kernel.shape[1]
        return kernel.reshape(h, w, c, out).transpose(3, 2, 0, 1).reshape(out, c * h * w)
    """,
)

q5 = Exercise(
    "Exercise 5 · accuracy from the confusion matrix",
    reference=reference_accuracy,
    cases=[(np.array([[5, 1], [2, 12]]),), (np.eye(10, dtype=np.int64) * 45,),
           (np.arange(1, 10).reshape(3, 3),)],
    hints=["Row i, column j counts the images of class i predicted as class j.",
           "The correct predictions are on the diagonal: np.trace."],
    solution="""
    def accuracy_from_confusion(cm):
        return np.trace(cm) / cm.sum()
    """,
)
