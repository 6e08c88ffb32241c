"""The exercises helper: three outcomes, useful reasons, never an exception for a wrong answer."""

import numpy as np
import pytest
import torch

from course_lib.exercises import CORRECT, INCORRECT, NOT_ATTEMPTED, Exercise, Incorrect, compare


def test_value_exercise_three_outcomes():
    q = Exercise("q", expected=np.array([[4, 8], [9, 5]]))
    assert q.check(...).status == NOT_ATTEMPTED
    assert q.check(None).status == NOT_ATTEMPTED
    assert q.check(np.array([[4, 8], [9, 5]])).status == CORRECT
    assert q.check([[4, 8], [9, 5]]).status == CORRECT
    assert q.check(torch.tensor([[4, 8], [9, 5]])).status == CORRECT
    r = q.check(np.array([[4, 8], [9, 6]]))
    assert r.status == INCORRECT and "1 of its 4 entries is wrong, at index (1, 1)" in r.message
    assert "5" not in r.message and not r          # where, not what: the answer is not given away
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


def test_checker_exercise_one_way_to_say_wrong():
    def must_be_even(a):
        if a % 2:
            raise Incorrect(f"{a} is odd")

    q = Exercise("c", checker=must_be_even)
    assert q.check(4).correct
    r = q.check(3)
    assert r.status == INCORRECT and r.message == "3 is odd"
    r = q.check("x")
    assert r.status == INCORRECT and "could not be checked: TypeError" in r.message
    # a checker that returns a reason instead of raising is a bug of the exercise, never "correct"
    r = Exercise("c", checker=lambda a: "too big").check(5)
    assert r.status == INCORRECT and "raises Incorrect" in r.message
    # a bare assert (stripped by python -O) is not a verdict either
    def asserts(a):
        assert a == 1, "not one"
    assert "could not be checked: AssertionError" in Exercise("c", checker=asserts).check(2).message


def test_the_learners_own_errors_are_named_as_theirs():
    def checker(fn):
        if fn(1) != 2:
            raise Incorrect("fn(1) should be 2")

    def learner(x):
        assert x > 5, "x is small"     # the learner's own assert: their error, not a verdict
        return 2 * x

    r = Exercise("c", checker=checker).check(learner)
    assert r.status == INCORRECT and r.message.startswith("your function raised AssertionError: x is small")

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
    assert compare(float("nan"), float("nan")) is None
    assert compare(float("nan"), 1.0) is not None and compare(1.0, float("nan")) is not None
    assert "NaN" in compare(np.array([1.0, np.nan]), np.array([1.0, 2.0]))


def test_compare_is_strict_where_it_must_be():
    # text, complex numbers, dicts and objects are never numbers
    assert "text" in compare(["0.762", "0.363"], np.array([0.762, 0.363]))
    assert "should be a number" in compare("3", 3)
    assert "complex" in compare(np.array([1.0 + 1e-3j, 2.0]), np.array([1.0, 2.0]))
    assert "complex" in compare(torch.tensor([1.0 + 1j]), np.array([1.0]))
    assert "should be a number" in compare(3 + 0j, 3)
    assert "should be a number" in compare({"a": 3}, 3)
    assert compare(object(), np.array([1.0])) is not None
    assert compare(True, 1) is not None and compare(1, True) is not None
    assert "True/False" in compare(np.array([1, 0]), np.array([True, False]))

    class AlwaysEqual:
        def __eq__(self, other):
            return True

    assert compare(AlwaysEqual(), (1, 2)) is not None
    assert compare(AlwaysEqual(), Exercise) is not None


def test_compare_is_lenient_where_the_learner_is_right():
    for number in (354, 354.0, np.int64(354), np.float32(354), np.array(354), np.array(354.0),
                   torch.tensor(354), torch.tensor(354.0, dtype=torch.float16)):
        assert compare(number, 354) is None, number
    assert "whole number" in compare(354.5, 354)
    assert compare(np.array([354, 354]), (354, 354)) is None
    assert compare(torch.tensor([1.0, 2.0], requires_grad=True) * 1, np.array([1.0, 2.0])) is None
    assert compare(torch.tensor([1.0, 2.0], dtype=torch.bfloat16), np.array([1.0, 2.0])) is None
    # float32 answers within float32 rounding of the float64 reference, not beyond
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((50, 50)), rng.standard_normal((50, 50))
    want = a @ b
    assert compare((a.astype(np.float32) @ b.astype(np.float32)), want) is None
    assert compare(want.astype(np.float32) * (1 + 1e-3), want) is not None
    assert compare(want * (1 + 1e-6), want, rtol=1e-8) is not None     # float64 keeps its rtol


def test_messages_say_where_and_how_not_what():
    want = np.array([[2.0, -10.0], [-1.0, 5.0]])
    msg = compare(-want, want)
    assert "sign is the opposite" in msg and "10" not in msg
    msg = compare(np.zeros((2, 2)), want)
    assert "every one of its 4 entries" in msg and "-1" not in msg
    assert "7" not in compare(5, 7)


def test_function_exercise_detects_side_effects_and_defaults():
    q = Exercise("f", reference=lambda x, scale=2: x * scale, cases=[((np.arange(3.0),), {}),
                                                                    ((np.ones(2),), {"scale": 3})])
    assert q.check(lambda x, scale=2: x * scale).correct

    def doubles_in_place(x, scale=2):
        x *= scale
        return x

    r = q.check(doubles_in_place)
    assert r.status == INCORRECT and "changed its argument x in place" in r.message
    r = q.check(lambda x, scale: x * scale)        # the default is part of the exercise
    assert r.status == INCORRECT and "raised TypeError" in r.message


def test_forbidden_functions_are_caught_however_they_are_called():
    import scipy.signal

    from course_lib import conv

    q = Exercise("c", reference=conv.correlate2d, cases=[(np.arange(16.0).reshape(4, 4), np.ones((2, 3)))],
                 forbidden=("course_lib.conv", "scipy", "torch"), allowed=(conv.pad2d,))
    alias = conv.correlate2d

    def wrapped(image, kernel):
        return alias(image, kernel)

    def via_torch(image, kernel):
        t = torch.nn.functional.conv2d(torch.tensor(image)[None, None], torch.tensor(kernel)[None, None])
        return t[0, 0].numpy()

    def honest(image, kernel):
        windows = np.lib.stride_tricks.sliding_window_view(conv.pad2d(image, 0), kernel.shape)
        return np.einsum("ijkl,kl->ij", windows, kernel)

    for answer, name in ((conv.correlate2d, "course_lib.conv.correlate2d"), (wrapped, "course_lib.conv.correlate2d"),
                         (lambda i, k: scipy.signal.correlate2d(i, k, "valid"), "scipy.signal.correlate2d"),
                         (via_torch, "torch.")):
        r = q.check(answer)
        assert r.status == INCORRECT and f"without calling {name}" in r.message, r
    assert q.check(honest).correct                  # an allowed helper of a forbidden module
    assert "without calling" not in Exercise("c", reference=conv.correlate2d, cases=q.cases).check(wrapped).message


def test_a_tripwire_and_a_time_limit_leave_no_trace():
    import json
    import sys

    q = Exercise("c", reference=abs, cases=[(-1,)], forbidden=("json",))
    assert "without calling json.dumps" in q.check(lambda x: json.loads(json.dumps(abs(x)))).message
    assert sys.getprofile() is None
    assert q.check(lambda x: -x if x < 0 else x).correct


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


def test_known_mistakes_refuse_numbers_that_cannot_tell_the_slips_apart():
    from course_lib.exercises import known_mistakes

    with pytest.raises(ValueError, match="gives the right answer"):
        known_mistakes(15, [(15, "one-sided padding")])        # lesson 04's old numbers
    with pytest.raises(ValueError, match="same answer"):
        known_mistakes(15, [(14, "no padding"), (14.0, "no + 1")])


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


def test_in_a_jupyter_kernel_a_loop_is_stopped_and_the_state_kept():
    """The promise of the time limit where it matters: a learner's kernel, not just pytest."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in (
        "import time\nfrom course_lib.exercise_sets import lesson03 as ex\nstate = 42",
        "def my_correlate2d(image, kernel):\n    while True:\n        pass\n"
        "start = time.monotonic()\nprint(ex.q3.check(my_correlate2d, time_limit=0.5).message)\n"
        "print(time.monotonic() - start < 3)",
        "def my_correlate2d(image, kernel):\n    time.sleep(1e9)\nprint(ex.q3.check(my_correlate2d, time_limit=0.5).message)",
        "print(state)",
    )]
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    out = ["".join(o.get("text", "") for o in c.outputs) for c in nb.cells]
    assert "did not return within 0.5 s" in out[1] and "True" in out[1]
    assert "did not return within 0.5 s" in out[2]
    assert out[3].strip() == "42"
