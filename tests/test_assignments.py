"""The assignments' exercise sets: worked answers pass, wrong answers fail with a reason that
helps, placeholders report not attempted; A2's training check is deterministic and fair."""

import numpy as np
import pytest
import torch

from course_lib import conv
from course_lib.exercise_sets import assignment_conv as a1
from course_lib.exercise_sets import assignment_digits as a2


def _not_attempted(*args, **kwargs):
    raise NotImplementedError()


# ---- A1 ------------------------------------------------------------------------------------

def test_a1_reference_answers_pass():
    assert a1.forward.check(conv.conv2d).correct
    assert a1.backward.check(conv.conv2d_backward).correct
    assert a1.torch_agrees.check((conv.conv2d, conv.conv2d_backward)).correct
    assert a1.gradient_check.check(a1.numerical_gradient).correct


def test_a1_placeholders_are_not_attempted():
    for ex, stub in ((a1.forward, _not_attempted), (a1.backward, _not_attempted),
                     (a1.torch_agrees, ...), (a1.torch_agrees, (_not_attempted, _not_attempted)),
                     (a1.gradient_check, _not_attempted)):
        assert ex.check(stub).status == "not attempted", ex.name


def test_a1_flipped_kernel_fails_forward():
    def flipped(x, weight, bias=None, stride=1, padding=0):
        return conv.conv2d(x, weight[:, :, ::-1, ::-1], bias, stride=stride, padding=padding)

    result = a1.forward.check(flipped)
    assert result.status == "incorrect" and "flips the kernel" in result.message

    def no_bias(x, weight, bias=None, stride=1, padding=0):
        return conv.conv2d(x, weight, None, stride=stride, padding=padding)

    assert "except for the bias" in a1.forward.check(no_bias).message

    def stride_ignored(x, weight, bias=None, stride=1, padding=0):
        return conv.conv2d(x, weight, bias, stride=1, padding=padding)

    result = a1.forward.check(stride_ignored)          # no named slip: the failing test is located
    assert result.status == "incorrect" and "test 3 of 5" in result.message


def test_a1_wrong_gradients_fail_with_their_name():
    def no_bias_grad(dout, x, weight, stride=1, padding=0):
        dx, dw, db = conv.conv2d_backward(dout, x, weight, stride=stride, padding=padding)
        return dx, dw, 2 * db

    assert "dbias is not" in a1.backward.check(no_bias_grad).message
    result = a1.torch_agrees.check((conv.conv2d, no_bias_grad))
    assert result.status == "incorrect" and "dbias" in result.message


@pytest.mark.parametrize("which", [0, 1, 2])
def test_a1_backward_names_the_one_wrong_gradient(which):
    def one_wrong(dout, x, weight, stride=1, padding=0):
        grads = list(conv.conv2d_backward(dout, x, weight, stride=stride, padding=padding))
        grads[which] = grads[which] * 1.5
        return tuple(grads)

    name = ("dx", "dweight", "dbias")[which]
    assert f"{name} is not" in a1.backward.check(one_wrong).message


def test_a1_one_sided_difference_fails():
    def forward_difference(f, x, eps=1e-2):
        x = np.array(x, dtype=np.float64)
        grad = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            up = x.copy()
            up[idx] += eps
            grad[idx] = (f(up) - f(x)) / eps
        return grad

    assert a1.gradient_check.check(forward_difference).status == "incorrect"


# ---- A2 ------------------------------------------------------------------------------------

def test_a2_parameter_count_and_shift():
    assert a2.parameter_count.check(16 * 9 + 16 + 16 * 16 * 10 + 10).correct
    assert a2.parameter_count.check(2730.0).correct
    for wrong, words in ((16 * 9 + 16 + 16 * 9 * 10 + 10, "without padding"),
                         (16 * 9 + 16 + 16 * 64 * 10 + 10, "forgets the pooling"),
                         (16 * 9 + 16 * 16 * 10, "biases are missing"),
                         (16 * 16 * 10 + 10, "Linear layer alone"),
                         (16 * 9 + 16 + 16 * 36 * 10 + 10, "not right"),   # 6x6, no pooling
                         ("2730", "whole number"), (2730.5, "whole number")):
        result = a2.parameter_count.check(wrong)
        assert result.status == "incorrect" and words in result.message, (wrong, result)
    assert a2.shift.check(a2.shift_reference).correct
    rolled = a2.shift.check(lambda images, dy, dx: np.roll(images, (dy, dx), axis=(-2, -1)))
    assert rolled.status == "incorrect"
    assert a2.shift.check(_not_attempted).status == "not attempted"
    assert a2.model_accuracy.check(_not_attempted).status == "not attempted"


def _lecture_cnn(filters):
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, filters, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(filters * 4 * 4, 10))


def test_a2_worked_model_passes_with_margin_and_repeats():
    threads = torch.get_num_threads()
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    first = a2.model_accuracy.check(lambda: _lecture_cnn(32))
    acc = a2.LAST["accuracy"]
    assert torch.equal(torch.rand(1), before)          # the learner's random stream is untouched
    assert torch.get_num_threads() == threads          # and so is the thread count
    assert first.correct and acc >= a2.TARGET_ACCURACY + 0.005
    assert a2.model_accuracy.check(lambda: _lecture_cnn(32)).correct
    assert a2.LAST["accuracy"] == acc                  # the same verdict every time


@pytest.mark.parametrize("build, words", [
    (lambda: torch.nn.Sequential(torch.nn.Conv2d(1, 1, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                 torch.nn.Flatten(), torch.nn.Linear(9, 10)), "parameters allowed"),
    (lambda: torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 10)), "no Conv2d"),
    (lambda: _lecture_cnn(200), "budget"),
    (lambda: torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.Flatten()), "expected (2, 10)"),
    (lambda: "a model", "torch.nn.Module"),
])
def test_a2_bad_models_get_a_reason(build, words):
    result = a2.model_accuracy.check(build)
    assert result.status == "incorrect"
    assert words in result.message
