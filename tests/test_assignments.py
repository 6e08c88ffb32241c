"""The assignments' exercise sets beyond the accept/reject tables of test_exercise_verdicts.py:
placeholders report not attempted, the references themselves are refused, and A2's training
check is deterministic and fair."""

import numpy as np
import pytest
import torch

from course_lib import conv
from course_lib.exercise_sets import assignment_conv as a1
from course_lib.exercise_sets import assignment_digits as a2


def _not_attempted(*args, **kwargs):
    raise NotImplementedError()


# ---- A1 ------------------------------------------------------------------------------------

def test_a1_references_themselves_are_refused():
    # course_lib's own layer is what the learner is asked to write: calling it is not an answer
    for ex, answer in ((a1.forward, conv.conv2d), (a1.backward, conv.conv2d_backward),
                       (a1.torch_agrees, (conv.conv2d, conv.conv2d_backward)),
                       (a1.gradient_check, a1.numerical_gradient)):
        result = ex.check(answer)
        assert result.status == "incorrect" and "without calling" in result.message, result


def test_a1_placeholders_are_not_attempted():
    for ex, stub in ((a1.forward, _not_attempted), (a1.backward, _not_attempted),
                     (a1.torch_agrees, ...), (a1.torch_agrees, (_not_attempted, _not_attempted)),
                     (a1.gradient_check, _not_attempted)):
        assert ex.check(stub).status == "not attempted", ex.name


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
    assert "without calling" in a2.shift.check(a2.shift_reference).message
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
