"""Lesson 08, the slide's CNN in Keras and its PyTorch twin: exercises (reusable in assignments)."""

from __future__ import annotations

import numpy as np

from course_lib import cnn
from course_lib.exercises import Exercise, Incorrect, compare, function_slips

__all__ = ["q1", "q2", "q3", "q4", "q5", "reference_conv2d_params", "reference_accuracy"]


def reference_conv2d_params(kernel_size: int, in_channels: int, filters: int) -> int:
    """Trainable numbers in a Conv2D layer with square kernels and a bias per filter."""
    return kernel_size * kernel_size * in_channels * filters + filters


def reference_accuracy(cm: np.ndarray) -> float:
    """Accuracy from a confusion matrix: the correct predictions (diagonal) over all."""
    return float(np.trace(cm) / np.sum(cm))


_Q1_CASES = [(3, 1, 32), (5, 3, 16), (1, 64, 8), (3, 64, 128), (7, 3, 64)]

q1 = Exercise(
    "Exercise 1 · parameters of a Conv2D layer",
    checker=function_slips(
        Exercise("Exercise 1", reference=reference_conv2d_params, cases=_Q1_CASES),
        [(lambda fn: fn(3, 3, 64) == 3 * 3 * 3 * 64, "you forgot the biases: one per filter"),
         (lambda fn: fn(3, 3, 64) == 3 * 3 * 64 + 64,
          "each filter spans every input channel: a 3x3 filter on an RGB image has 3 * 3 * 3 weights"),
         (lambda fn: fn(3, 3, 64) == 3 * 3 * 3 * 64 + 3,
          "there is one bias per filter (output channel), not per input channel")]),
    forbidden=("course_lib.cnn", "keras"),
    hints=[
        "Each filter has one weight per (row, column, input channel) of its window, plus a bias.",
        "The slide's network: 3 * 3 * 1 weights per filter, 32 filters, 32 biases: 320.",
    ],
    solution="""
    def conv2d_params(kernel_size, in_channels, filters):
        return kernel_size * kernel_size * in_channels * filters + filters
    """,
)

_Q2 = {"flatten": 4 * 4 * 32, "params": (3 * 3 * 32 + 32) + (4 * 4 * 32 * 10 + 10)}
_Q2_SLIPS = {
    ("flatten", 3 * 3 * 32): "288 is the lesson's network with padding='valid'; with 'same' the "
                             "convolution keeps 8x8, and the pooling halves that",
    ("flatten", 8 * 8 * 32): "that is before pooling: MaxPooling2D(2) turns the 8x8 maps into 4x4",
    ("params", 3210): "3,210 is the lesson's network with padding='valid': the dense layer grows",
    ("params", 4 * 4 * 32 * 10 + 10): "that is the dense layer alone: add the convolution's 320",
}


def _check_q2(answer) -> None:
    if not isinstance(answer, dict):
        raise Incorrect("answer with a dict {'flatten': ..., 'params': ...}; "
                        f"you gave {type(answer).__name__}")
    for key in ("flatten", "params"):
        if key not in answer:
            raise Incorrect(f"your answer is missing the key {key!r}")
    for key in ("flatten", "params"):
        why = compare(answer[key], _Q2[key], what=f"your answer[{key!r}]")
        if why is None:
            continue
        for (k, wrong), slip in _Q2_SLIPS.items():
            if k == key and compare(answer[key], wrong) is None:
                raise Incorrect(slip)
        raise Incorrect(why)


q2 = Exercise(
    "Exercise 2 · what padding='same' changes",
    checker=_check_q2,
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
_SQUARE = _rng.standard_normal((2, 4, 4, 3))   # H == W, so a swap of H and W keeps the shape
q3 = Exercise(
    "Exercise 3 · from channels last to channels first",
    checker=function_slips(
        Exercise("Exercise 3", reference=cnn.nhwc_to_nchw, cases=[
            (_rng.standard_normal((2, 8, 8, 1)).astype(np.float32),),
            (_rng.standard_normal((1, 3, 4, 5)),),
            (np.arange(2 * 2 * 3 * 4, dtype=np.float32).reshape(2, 2, 3, 4),)]),
        [(lambda fn: np.array_equal(fn(_SQUARE), _SQUARE.transpose(0, 3, 2, 1)),
          "the channels moved to axis 1, but H and W swapped places: the image is transposed "
          "(mirrored about its diagonal); keep H before W"),
         (lambda fn: np.shape(fn(_SQUARE)) == (2, 3, 4, 4)
          and np.array_equal(fn(_SQUARE), _SQUARE.reshape(2, 3, 4, 4)),
          "reshape keeps the numbers in memory order and only relabels the axes, so pixels and "
          "channels get mixed up; move the axes with transpose instead"),
         (lambda fn: np.array_equal(fn(_SQUARE), _SQUARE.transpose(0, 3, 1, 2)[:, ::-1]),
          "the channels come out in reverse order: move the last axis to position 1 as it is")]),
    forbidden=("course_lib.cnn",),
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


def _plain_transpose(fn) -> bool:
    kernel, h, w, c = _dense_case(2, 3, 4, 5)
    return np.array_equal(np.asarray(fn(kernel, h, w, c)), kernel.T)


q4 = Exercise(
    "Exercise 4 · the Dense kernel after Flatten, for PyTorch",
    checker=function_slips(
        Exercise("Exercise 4",
                 reference=lambda kernel, h, w, c: cnn.dense_kernel_keras_to_torch(kernel, (h, w, c)),
                 cases=[_dense_case(3, 3, 32, 10), _dense_case(1, 3, 2, 2), _dense_case(2, 3, 4, 5),
                        _dense_case(4, 2, 1, 3)]),
        [(_plain_transpose, "a plain transpose has the right shape but keeps Keras' flatten order "
                            "(h, w, c); PyTorch's Linear expects its inputs in the order (c, h, w)"),
         (lambda fn: np.array_equal(np.asarray(fn(*_dense_case(2, 3, 4, 5))),
                                    _dense_case(2, 3, 4, 5)[0].reshape(2, 3, 4, 5).transpose(3, 2, 1, 0).reshape(5, -1)),
          "close: the channels come first, but then PyTorch flattens the rows before the "
          "columns, (c, h, w), not (c, w, h)"),
         (lambda fn: np.shape(fn(*_dense_case(2, 3, 4, 5))) == (24, 5),
          "that keeps Keras' shape (in_features, out); nn.Linear's weight is (out, in_features)")]),
    forbidden=("course_lib.cnn",),
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
    checker=function_slips(
        Exercise("Exercise 5", reference=reference_accuracy, cases=[
            (np.array([[5, 1], [2, 12]]),), (np.eye(10, dtype=np.int64) * 45,),
            (np.arange(1, 10).reshape(3, 3),)]),
        [(lambda fn: fn(np.array([[5, 1], [2, 12]])) == 17,
          "17 is the number of correct predictions (the diagonal); accuracy divides it by the "
          "number of all predictions"),
         (lambda fn: np.isclose(fn(np.array([[5, 1], [2, 12]])), 3 / 20),
          "3 / 20 is the error rate (the off-diagonal share); accuracy is the diagonal's share"),
         (lambda fn: np.isclose(fn(np.array([[5, 1], [2, 12]])), 17 / 2),
          "that divides by the number of classes; accuracy divides by the number of predictions, "
          "the sum of all entries")]),
    forbidden=("course_lib.cnn", "sklearn"),
    hints=["Row i, column j counts the images of class i predicted as class j.",
           "The correct predictions are on the diagonal: np.trace."],
    solution="""
    def accuracy_from_confusion(cm):
        return np.trace(cm) / cm.sum()
    """,
)
