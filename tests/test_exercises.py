"""The exercises helper: three outcomes, useful reasons, never an exception for a wrong answer."""

import numpy as np
import pytest
import torch

from course_lib.exercises import CORRECT, INCORRECT, NOT_ATTEMPTED, Exercise, compare


def test_value_exercise_three_outcomes():
    q = Exercise("q", expected=np.array([[4, 8], [9, 5]]))
    assert q.check(...).status == NOT_ATTEMPTED
    assert q.check(None).status == NOT_ATTEMPTED
    assert q.check(np.array([[4, 8], [9, 5]])).status == CORRECT
    assert q.check([[4, 8], [9, 5]]).status == CORRECT
    assert q.check(torch.tensor([[4, 8], [9, 5]])).status == CORRECT
    r = q.check(np.array([[4, 8], [9, 6]]))
    assert r.status == INCORRECT and "(1, 1)" in r.message and "got 6" in r.message
    assert "expected 5" in r.message and not r
    r = q.check(np.zeros((3, 2)))
    assert r.status == INCORRECT and "shape (3, 2)" in r.message and "(2, 2)" in r.message
    r = q.check("four")
    assert r.status == INCORRECT and "str" in r.message


def test_numbers_bools_strings_sequences_dicts():
    assert Exercise("n", expected=3).check(3.0).correct
    assert not Exercise("n", expected=3).check(4).correct
    assert "number" in Exercise("n", expected=3).check("3").message
    assert Exercise("b", expected=True).check(True).correct
    assert not Exercise("b", expected=True).check(1).correct
    assert Exercise("s", expected="Valid").check(" valid ").correct
    assert Exercise("t", expected=(2, 3)).check((2, 3)).correct
    r = Exercise("t", expected=(2, 3)).check((2, 3, 1))
    assert "3 items" in r.message and "expected 2" in r.message
    assert Exercise("d", expected={"a": 1}).check({"a": 1, "b": 2}).correct
    r = Exercise("d", expected={"a": 1}).check({"b": 1})
    assert "missing the key 'a'" in r.message


def test_function_exercise_reports_case_and_error():
    q = Exercise("f", reference=np.maximum, cases=[(np.arange(-3, 3), 0), ((np.ones(2), 0), {})])

    def stub(x, y):
        raise NotImplementedError()

    assert q.check(stub).status == NOT_ATTEMPTED
    assert q.check(np.maximum).status == CORRECT
    r = q.check(lambda x, y: x)
    assert r.status == INCORRECT and "test 1 of 2" in r.message and "index 0" in r.message
    r = q.check(lambda x, y: 1 / 0)
    assert r.status == INCORRECT and "ZeroDivisionError" in r.message
    r = q.check(lambda x, y: None)
    assert "forget `return`" in r.message
    assert "expected a function" in q.check(5).message


def test_reference_sees_unchanged_inputs():
    def mutating(x):
        x[:] = 0
        return x

    q = Exercise("m", reference=lambda x: x * 2, cases=[(np.arange(3.0),)])
    assert q.check(lambda x: x * 2).correct
    assert not q.check(mutating).correct


def test_checker_exercise():
    def must_be_even(a):
        assert a % 2 == 0, f"{a} is odd"

    q = Exercise("c", checker=must_be_even)
    assert q.check(4).correct
    r = q.check(3)
    assert r.status == INCORRECT and r.message.startswith("3 is odd")
    r = q.check("x")
    assert r.status == INCORRECT and "TypeError" in r.message
    assert Exercise("c", checker=lambda a: "too big" if a > 1 else None).check(5).message == "too big"


def test_hints_cycle_and_solution():
    q = Exercise("h", expected=1, hints=["one", "two"], solution="    answer = 1\n")
    assert "hint 1 of 2" in repr(q.hint())
    assert repr(q.hint()).endswith("two")
    assert "hint 1 of 2" in repr(q.hint())
    assert "answer = 1" in repr(q.solution())
    assert "<pre>" in q.solution()._repr_html_()
    assert "no hint" in repr(Exercise("x", expected=1).hint())


def test_results_render_as_html_and_text():
    r = Exercise("q<1>", expected=1).check(2)
    assert "q&lt;1&gt;" in r._repr_html_() and "Not yet" in str(r)


def test_construction_errors_name_the_argument():
    with pytest.raises(ValueError, match="exactly one of expected="):
        Exercise("x")
    with pytest.raises(ValueError, match="cases="):
        Exercise("x", reference=abs)
    with pytest.raises(TypeError, match="name"):
        Exercise("", expected=1)


def test_compare_tolerances_and_nan():
    assert compare(np.array([1.0, np.nan]), np.array([1.0 + 1e-9, np.nan])) is None
    assert compare(np.array([1.0]), np.array([1.1])) is not None
    assert compare(np.array([True, False]), np.array([True, True])) is not None


def test_known_mistakes_names_the_mistake_and_its_tolerances():
    from course_lib.exercises import known_mistakes

    q = Exercise("k", checker=known_mistakes(15, [(16, "you rounded up"), (14, "you forgot +1")]))
    assert q.check(15).correct
    assert q.check(16).message == "you rounded up"
    assert q.check(14).message == "you forgot +1"
    assert "not right" in q.check(3).message
    loose = Exercise("f", checker=known_mistakes(0.5, [(0.25, "squared")], rtol=1e-9, atol=0.0,
                                                   mistake_rtol=1e-2, mistake_atol=0.0))
    assert loose.check(0.251).message == "squared"          # a wrong answer, rounded
    assert not loose.check(0.5001).correct                   # the right one, to rtol only


def test_function_slips_and_reference_slips():
    from course_lib.exercises import function_slips, reference_slips

    inner = Exercise("f", reference=lambda x: x * 2, cases=[(np.arange(3.0),), (np.ones(2),)])
    q = Exercise("f", checker=function_slips(inner, [
        (lambda fn: 1 / 0, "never (a detector that raises counts as no match)"),
        (lambda fn: np.array_equal(fn(np.arange(3.0)), np.arange(3.0) + 2), "you added 2"),
    ]))
    assert q.check(lambda x: x * 2).correct
    assert q.check(lambda x: x + 2).message == "you added 2"
    assert "test 1 of 2" in q.check(lambda x: x * 3).message

    def stub(x):
        raise NotImplementedError()

    assert q.check(stub).status == NOT_ATTEMPTED
    r = Exercise("r", checker=reference_slips(inner, [(lambda x: x ** 2, "you squared")]))
    assert r.check(lambda x: x ** 2).message == "you squared"
    assert r.check(lambda x: x * 2).correct
    assert r.check(stub).status == NOT_ATTEMPTED


# ---- the grading interface and the time limit ----------------------------------------------------
def test_assert_correct_raises_incorrect_with_the_feedback():
    from course_lib.exercises import Incorrect

    q = Exercise("q", expected=4)
    assert q.assert_correct(4) is None
    with pytest.raises(Incorrect, match=r"^not yet: your answer is 5"):
        q.assert_correct(5)
    with pytest.raises(Incorrect, match=r"^not attempted yet: "):
        q.assert_correct(...)
    with pytest.raises(Incorrect, match=r"^not yet: .*TypeError"):
        q.assert_correct(4, no_such_option=1)
    assert issubclass(Incorrect, AssertionError) and q.points == 1
    assert Exercise("p", expected=1, points=3).points == 3
    with pytest.raises(ValueError, match="points"):
        Exercise("p", expected=1, points=1.5)


def _forever(*args, **kwargs):
    while True:
        pass


def _sleeps(*args, **kwargs):
    import time
    time.sleep(1e9)


def _swallows(*args, **kwargs):
    while True:
        try:
            while True:
                pass
        except Exception:  # noqa: BLE001 - a learner's catch-all must not defeat the limit
            pass


@pytest.mark.parametrize("fn", [_forever, _sleeps, _swallows])
def test_a_function_that_never_returns_is_reported_within_the_limit(fn):
    import signal
    import time

    q = Exercise("f", reference=np.maximum, cases=[(np.arange(3), 0), (np.arange(2), 1)])
    start = time.monotonic()
    r = q.check(fn, time_limit=0.2)
    assert time.monotonic() - start < 1.0
    assert r.status == INCORRECT and "did not return within 0.2 s" in r.message
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)   # no timer left behind
    assert q.check(np.maximum).correct                            # and the next check works


def test_time_limit_in_a_worker_thread_and_nested():
    import threading
    import time

    from course_lib.exercises import TimeLimitExceeded, call_with_time_limit

    assert call_with_time_limit(lambda a, b=0: a + b, 1, b=2, seconds=1) == 3
    with pytest.raises(ZeroDivisionError):
        call_with_time_limit(lambda: 1 / 0, seconds=1)
    # an inner limit inside an outer one: the inner fires, the outer call goes on
    inner = lambda: call_with_time_limit(_forever, seconds=0.1)  # noqa: E731
    def outer():
        with pytest.raises(TimeLimitExceeded):
            inner()
        return "outer finished"
    assert call_with_time_limit(outer, seconds=2) == "outer finished"
    # off the main thread the worker-thread fallback answers within the limit as well
    out = {}
    def run():
        start = time.monotonic()
        out["r"] = Exercise("f", reference=abs, cases=[(1,)]).check(_forever, time_limit=0.2)
        out["t"] = time.monotonic() - start
    t = threading.Thread(target=run)
    t.start()
    t.join(5)
    assert "did not return within 0.2 s" in out["r"].message and out["t"] < 1.5
