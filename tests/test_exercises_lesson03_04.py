"""Lessons 03 and 04's exercises: worked solutions pass, wrong answers fail with a reason that
helps, placeholders report 'not attempted'."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn as nn

from course_lib import conv, kernels
from course_lib.exercise_sets import lesson03, lesson04


def _run_solution(ex, namespace_extra=None):
    """Execute an exercise's solution text; return the names it defined."""
    ns = {"np": np, "conv": conv, "kernels": kernels, **(namespace_extra or {})}
    exec(ex.solution().text, ns)  # noqa: S102 - our own solution text
    return ns


# ---------------------------------------------------------------- lesson 03
def test_l03_q1_solution_and_reasons():
    ns = _run_solution(lesson03.q1)
    assert lesson03.q1.check(ns["answer_1"]).correct
    np.testing.assert_array_equal(ns["answer_1"], [[2, -10], [-1, 5]])
    flipped_sign = -np.asarray(ns["answer_1"])
    r = lesson03.q1.check(flipped_sign)
    assert r.status == "incorrect" and "sign" in r.message
    r = lesson03.q1.check(np.array([[2, -10], [-1, 4]]))
    assert r.status == "incorrect" and "index (1, 1): got 4, expected 5" in r.message
    assert "shape" in lesson03.q1.check(np.zeros((4, 4))).message
    assert lesson03.q1.check(...).status == "not attempted"


def test_l03_q2_flip_matters():
    ns = _run_solution(lesson03.q2, {"KERNEL_Q2": lesson03.KERNEL_Q2})
    assert lesson03.q2.check(ns["answer_2"]).correct
    # the cross-correlation (no flip) is the classic mistake: it must be rejected
    no_flip = conv.correlate2d(lesson03.IMAGE_Q2, lesson03.KERNEL_Q2)
    assert not lesson03.q2.check(no_flip).correct
    # and the answer equals scipy's convolve2d in 'valid' mode
    from scipy.signal import convolve2d
    np.testing.assert_allclose(ns["answer_2"],
                               convolve2d(lesson03.IMAGE_Q2, lesson03.KERNEL_Q2, mode="valid"))


def test_l03_q3_function():
    ns = _run_solution(lesson03.q3)
    assert lesson03.q3.check(ns["my_correlate2d"]).correct

    def flipped(image, kernel):
        return conv.convolve2d(image, kernel)

    r = lesson03.q3.check(flipped)
    assert r.status == "incorrect" and "test 2 of 7" in r.message  # test 1 is symmetric

    def off_by_one(image, kernel):
        return conv.correlate2d(image, kernel)[:-1]

    assert "shape" in lesson03.q3.check(off_by_one).message

    def stub(image, kernel):
        raise NotImplementedError()

    assert lesson03.q3.check(stub).status == "not attempted"


def test_l03_q4_edge_detector_checker():
    ns = _run_solution(lesson03.q4)
    assert lesson03.q4.check(ns["answer_4"]).correct
    assert lesson03.q4.check(np.array([[1, 0, -1]] * 3)).correct
    assert lesson03.q4.check(kernels.KERNELS["sobel_x"] * -2.5).correct
    r = lesson03.q4.check(kernels.KERNELS["sobel_y"])             # horizontal edges
    assert r.status == "incorrect" and "vertical edge" in r.message
    r = lesson03.q4.check(kernels.KERNELS["edge_detection_3"])    # responds to both
    assert r.status == "incorrect" and "horizontal edge" in r.message
    r = lesson03.q4.check(np.array([[1, 0, 0]] * 3))             # does not sum to zero
    assert r.status == "incorrect" and "flat image" in r.message
    assert "shape" in lesson03.q4.check(np.ones((2, 2))).message
    assert lesson03.q4.check(None).status == "not attempted"


# ---------------------------------------------------------------- lesson 04
def test_l04_q1_matches_torch():
    ns = _run_solution(lesson04.q1)
    assert lesson04.q1.check(ns["answer_1"]).correct
    layer = nn.Conv2d(1, 1, kernel_size=5, stride=2, padding=1)
    assert layer(torch.zeros(1, 1, 32, 32)).shape[-1] == ns["answer_1"]
    assert not lesson04.q1.check(16).correct
    assert lesson04.q1.check(...).status == "not attempted"


def test_l04_q2_same_padding():
    ns = _run_solution(lesson04.q2)
    assert lesson04.q2.check(ns["same_padding"]).correct
    for k in (1, 3, 5, 7, 11):
        p = ns["same_padding"](k)
        assert conv.conv_output_size(28, k, 1, p) == 28
    r = lesson04.q2.check(lambda k: k // 3)
    assert r.status == "incorrect" and "test" in r.message
    assert lesson04.q2.check(lambda k: None).status == "incorrect"


def test_l04_q3_never_read_rows():
    ns = _run_solution(lesson04.q3)
    assert lesson04.q3.check(ns["answer_3"]).correct
    # the same rows by brute force: an input whose row r changes changes no output
    base = np.zeros((10, 10))
    out = conv.correlate2d(base, np.ones((3, 3)), stride=4)
    unread = []
    for r in range(10):
        x = base.copy()
        x[r] = 1.0
        if np.array_equal(conv.correlate2d(x, np.ones((3, 3)), stride=4), out):
            unread.append(r)
    assert unread == ns["answer_3"]
    assert "row 3 is missing" in lesson04.q3.check([7, 8, 9]).message
    assert "items" in lesson04.q3.check([1, 7, 8, 9, 10]).message


def test_l04_q4_weight_tensor_is_torchs():
    ns = _run_solution(lesson04.q4)
    assert lesson04.q4.check(ns["answer_4"]).correct
    layer = nn.Conv2d(3, 16, kernel_size=5)
    assert tuple(layer.weight.shape) == ns["answer_4"]["weight_shape"]
    assert sum(p.numel() for p in layer.parameters()) == ns["answer_4"]["n_params"]
    r = lesson04.q4.check({"weight_shape": (3, 16, 5, 6), "n_params": 1216})
    assert r.status == "incorrect" and "weight_shape" in r.message
    assert "n_params" in lesson04.q4.check({"weight_shape": (16, 3, 5, 5)}).message


def test_l04_q5_strided_padded_correlate():
    ns = _run_solution(lesson04.q5)
    assert lesson04.q5.check(ns["my_correlate2d"]).correct

    def ignores_padding(image, kernel, stride=1, padding=0):
        return conv.correlate2d(image, kernel, stride=stride)

    r = lesson04.q5.check(ignores_padding)
    assert r.status == "incorrect" and "shape" in r.message

    def ignores_stride(image, kernel, stride=1, padding=0):
        return conv.correlate2d(image, kernel, padding=padding)

    assert lesson04.q5.check(ignores_stride).status == "incorrect"

    def stub(image, kernel, stride=1, padding=0):
        raise NotImplementedError()

    assert lesson04.q5.check(stub).status == "not attempted"


@pytest.mark.parametrize("ex", [lesson03.q1, lesson03.q2, lesson03.q3, lesson03.q4, lesson04.q1,
                                lesson04.q2, lesson04.q3, lesson04.q4, lesson04.q5])
def test_every_exercise_has_hints_and_a_solution(ex):
    assert len(ex.hints) >= 2
    first = ex.hint()
    assert "hint 1 of" in first.title and first.text
    assert ex.solution().text.strip()


# ---------------------------------------------------------------- the usual mistakes are named
@pytest.mark.parametrize("ex,answer,words", [
    (lesson03.q1, -conv.correlate2d(lesson03.IMAGE_Q1, kernels.KERNELS["edge_detection_2"]),
     "every sign is the opposite"),
    (lesson03.q2, conv.correlate2d(lesson03.IMAGE_Q2, lesson03.KERNEL_Q2), "without the flip"),
    (lesson03.q2, conv.correlate2d(lesson03.IMAGE_Q2, lesson03.KERNEL_Q2[::-1]), "only the rows"),
    (lesson03.q2, conv.correlate2d(lesson03.IMAGE_Q2, lesson03.KERNEL_Q2[:, ::-1]),
     "only the columns"),
    (lesson04.q1, 14, "without the padding"),
    (lesson04.q1, 16.0, "rounds up"),
    (lesson04.q1, 30, "stride 1"),
    (lesson04.q3, [7, 8, 9], "row 3 is missing"),
    (lesson04.q3, [8, 9], "rows 3 and 7"),
    (lesson04.q3, [3], "a third window"),
    (lesson04.q4, {"weight_shape": (16, 3, 5, 5), "n_params": 1200}, "not the 16 biases"),
    (lesson04.q4, {"weight_shape": (3, 16, 5, 5), "n_params": 1216}, "(out_channels, in_channels"),
    (lesson04.q4, {"weight_shape": [16, 5, 5, 3], "n_params": 1216}, "not their order"),
])
def test_usual_mistakes_are_named(ex, answer, words):
    r = ex.check(answer)
    assert r.status == "incorrect" and words in r.message, r.message


@pytest.mark.parametrize("ex,answer,words", [
    (lesson04.q1, 13, "is 13, which is not right"),                 # an unknown mistake: generic
    (lesson04.q3, [3, 7], "has 2 items, expected 4"),
    (lesson04.q4, {"weight_shape": ("a", 3), "n_params": np.array([1, 2])}, "weight_shape"),
    (lesson03.q2, np.zeros(4), "shape"),
])
def test_other_wrong_answers_get_the_generic_reason(ex, answer, words):
    r = ex.check(answer)
    assert r.status == "incorrect" and words in r.message, r.message
