"""Lesson 00's demo exercise: the worked answer passes, the usual slips get their own reason."""

import pytest

from course_lib.exercise_sets.lesson00 import demo


def test_worked_answer_and_placeholder():
    assert demo.check(5 - 3 + 1).correct
    assert demo.check(3.0).correct
    assert demo.check(...).status == "not attempted"


@pytest.mark.parametrize("answer, words", [
    (5, "number of pixels"),
    (2, "counting starts at column 0"),
    (7, "partly overlaps"),
    (4, "your answer is 4"),
    (2.5, "whole number"),
    ("3", "not answer = '4'"),
    (True, "bool"),
])
def test_wrong_answers_get_a_reason(answer, words):
    result = demo.check(answer)
    assert result.status == "incorrect"
    assert words in result.message


def test_hints_then_solution():
    assert "column" in repr(demo.hint())
    assert "5 - 3 + 1" in repr(demo.solution())
