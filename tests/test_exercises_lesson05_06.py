"""Exercise sets of lessons 05 and 06: worked answers pass, wrong answers fail with a useful
reason, placeholders report "not attempted"."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.exercise_sets import lesson05, lesson06
from course_lib.exercises import CORRECT, INCORRECT, NOT_ATTEMPTED


def _run_solution(q, name):
    """Execute an exercise's solution text as the notebook would (the lesson's exercise module
    imported as ``ex`` and its names in scope) and return what it defines under ``name``."""
    module = lesson05 if any(q is v for v in vars(lesson05).values()) else lesson06
    scope = {**vars(module), "np": np, "ex": module}
    exec(q.solution().text, scope)
    return scope[name]


def _not_implemented(*args):
    raise NotImplementedError()


# ---- lesson 05 --------------------------------------------------------------------------------

def test_l05_q1_collapse():
    q = lesson05.q1
    assert q.check(...).status == NOT_ATTEMPTED
    w, b = lesson05.W2 @ lesson05.W1, lesson05.W2 @ lesson05.b1 + lesson05.b2
    assert q.check((w, b)).status == CORRECT
    assert q.check(_run_solution(q, "answer_1")).status == CORRECT
    wrong = q.check((lesson05.W1 @ lesson05.W2[:, :2], b))  # product in the wrong order
    assert wrong.status == INCORRECT and "[0]" in wrong.message
    wrong_bias = q.check((w, lesson05.b2))
    assert wrong_bias.status == INCORRECT and "[1]" in wrong_bias.message


def test_l05_q1_answer_really_replaces_the_two_layers():
    w, b = lesson05.q1.expected
    x = np.random.default_rng(0).standard_normal((5, 2))
    two = (x @ lesson05.W1.T + lesson05.b1) @ lesson05.W2.T + lesson05.b2
    np.testing.assert_allclose(x @ w.T + b, two)


def test_l05_q2_detector_by_hand():
    q = lesson05.q2
    assert q.check(...).status == NOT_ATTEMPTED
    assert q.check(np.array([[0.5, 0.0], [0.5, 0.0]])).status == CORRECT
    assert q.check(_run_solution(q, "answer_2")).status == CORRECT
    no_relu = q.check(np.array([[0.5, -1.5], [0.5, -1.5]]))
    assert no_relu.status == INCORRECT and "index (0, 1)" in no_relu.message
    assert "shape" in q.check(np.zeros((4, 4))).message


def test_l05_q3_leaky_relu():
    q = lesson05.q3
    assert q.check(_not_implemented).status == NOT_ATTEMPTED
    assert q.check(_run_solution(q, "my_leaky_relu")).status == CORRECT
    plain = q.check(lambda x: np.maximum(x, 0))
    assert plain.status == INCORRECT and "test 1 of 3" in plain.message
    slope = q.check(lambda x: np.where(x > 0, x, 0.01 * x))
    assert slope.status == INCORRECT


def test_l05_q4_picky_bias():
    q = lesson05.q4
    z = lesson05.edge_response()
    assert q.check(...).status == NOT_ATTEMPTED
    assert q.check(-float(np.quantile(z, 0.93))).status == CORRECT
    assert q.check(_run_solution(q, "answer_4")).status == CORRECT
    too_many = q.check(0.0)
    assert too_many.status == INCORRECT and "more negative" in too_many.message
    too_few = q.check(-100.0)
    assert too_few.status == INCORRECT and "less negative" in too_few.message
    assert "single number" in q.check(np.array([1.0, 2.0])).message


# ---- lesson 06 --------------------------------------------------------------------------------

def test_l06_q1_overlapping_windows():
    q = lesson06.q1
    assert q.check(...).status == NOT_ATTEMPTED
    assert q.check(_run_solution(q, "answer_1")).status == CORRECT
    stride2 = q.check(np.array([[4, 8], [9, 5]]))
    assert stride2.status == INCORRECT and "shape (2, 2)" in stride2.message


def test_l06_q2_vgg_flatten_size():
    q = lesson06.q2
    assert q.check(...).status == NOT_ATTEMPTED
    assert q.check(25088).status == CORRECT
    assert q.check(_run_solution(q, "answer_2")).status == CORRECT
    assert q.check(512 * 14 * 14).status == INCORRECT
    assert "five 2x2 pools" in q.check(512 * 14 * 14).message      # one pool short
    assert "every value of every map" in q.check(7 * 7).message     # forgot the channels
    assert "not right" in q.check(1000).message
    assert "number" in q.check("25088").message


def test_l06_q3_max_pool():
    q = lesson06.q3
    assert q.check(_not_implemented).status == NOT_ATTEMPTED
    assert q.check(_run_solution(q, "my_max_pool")).status == CORRECT
    mean_pool = q.check(lambda x, k: x[:len(x) // k * k, :x.shape[1] // k * k].reshape(
        len(x) // k, k, x.shape[1] // k, k).mean(axis=(1, 3)))
    assert mean_pool.status == INCORRECT and "test 1 of 4" in mean_pool.message
    no_floor = q.check(lambda x, k: np.zeros((-(-x.shape[0] // k), -(-x.shape[1] // k))))
    assert no_floor.status == INCORRECT


def test_l06_q4_task_layer():
    q = lesson06.q4
    assert q.check(_not_implemented).status == NOT_ATTEMPTED
    assert q.check(_run_solution(q, "my_task_layer")).status == CORRECT
    scores_only = q.check(lambda x, w, b: x.reshape(len(x), -1) @ w.T + b)
    assert scores_only.status == INCORRECT
    softmax_wrong_axis = q.check(lambda x, w, b: lesson06.activations.softmax(
        x.reshape(len(x), -1) @ w.T + b, axis=0))
    assert softmax_wrong_axis.status == INCORRECT
    assert "test 1 of 3" in softmax_wrong_axis.message and "got 1," in softmax_wrong_axis.message


@pytest.mark.parametrize("module", [lesson05, lesson06])
def test_every_exercise_has_hints_and_a_solution(module):
    exercises = [getattr(module, n) for n in ("q1", "q2", "q3", "q4")]
    for q in exercises:
        assert len(q.hints) >= 2, q.name
        assert len(q.solution().text) > 20, q.name
