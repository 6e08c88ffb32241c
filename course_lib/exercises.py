"""Exercises with immediate, specific feedback: ``check()``, ``hint()``, ``solution()``.

An :class:`Exercise` knows how to judge an answer. ``check(answer)`` never raises for a
wrong answer; it returns a :class:`Result` with one of three outcomes:

* ``correct``;
* ``incorrect``, with the reason (wrong type, wrong shape, which position holds a wrong value,
  the exception the learner's function raised, ...);
* ``not attempted``: the learner's placeholder is still there (``...``, ``None``, or a function
  that raises ``NotImplementedError``).

Three ways to say what is right::

    Exercise("q1", expected=np.array([[4, 8], [9, 5]]))           # a value
    Exercise("q2", reference=np.maximum, cases=[(np.arange(-3, 3),)])  # a function, on cases
    Exercise("q3", checker=my_check)   # my_check(answer) raises Incorrect("why") if wrong

In a lesson, the worked answer sits between nbgrader's markers so that student copies can
be made (``### BEGIN SOLUTION`` / ``### END SOLUTION``)::

    answer = ...   # your answer here
    ### BEGIN SOLUTION
    answer = 42
    ### END SOLUTION
    q1.check(answer)

A learner's function is called with a time limit (:func:`call_with_time_limit`), so a loop
that never ends is reported instead of hanging the kernel. For graders (nbgrader),
``Exercise.assert_correct(answer)`` runs the same judgement and raises :class:`Incorrect` with
the feedback when the answer is not right.

This module imports no plotting or widget library, so it works in plain Python too.
"""

from __future__ import annotations

import functools
import html
import inspect
import math
import numbers
import signal
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Exercise", "Result", "Incorrect", "TimeLimitExceeded", "call_with_time_limit",
           "CORRECT", "INCORRECT", "NOT_ATTEMPTED", "TIME_LIMIT", "compare",
           "known_mistakes", "function_slips", "reference_slips"]

CORRECT = "correct"
INCORRECT = "incorrect"
NOT_ATTEMPTED = "not attempted"

#: Seconds one call of a learner's function may take before ``check()`` gives up on it.
TIME_LIMIT = 5.0

_STYLE = {
    CORRECT: ("#1b7f3b", "#e9f7ee", "Correct"),
    INCORRECT: ("#a4262c", "#fdecec", "Not yet"),
    NOT_ATTEMPTED: ("#6b5b00", "#fff8db", "Not attempted yet"),
}


@dataclass(frozen=True)
class Result:
    """What ``Exercise.check`` found: ``status`` is ``"correct"``, ``"incorrect"`` or
    ``"not attempted"``; ``message`` says why, in words a learner can act on."""

    name: str
    status: str
    message: str

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        label = _STYLE[self.status][2]
        return f"[{self.name}] {label}: {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        fg, bg, label = _STYLE[self.status]
        return (
            f'<div style="border-left:4px solid {fg};background:{bg};padding:4px 8px;'
            f'color:{fg};font-family:sans-serif"><b>{html.escape(self.name)} · {label}:</b> '
            f'<span style="color:#222">{html.escape(self.message)}</span></div>'
        )


class Incorrect(AssertionError):
    """The one way a checker says "wrong": ``raise Incorrect("the reason, for the learner")``.

    ``Exercise.assert_correct`` raises it too, with the feedback as its message.
    """


class TimeLimitExceeded(Exception):
    """A learner's function did not return within the time limit (see :func:`call_with_time_limit`)."""


class _Interrupt(BaseException):
    """Raised inside a learner's function to stop it; a BaseException, so that the learner's
    ``except Exception`` does not swallow it."""

    def __init__(self, level: object):
        super().__init__("time limit")
        self.level = level


class _Level:
    __slots__ = ("deadline", "done")

    def __init__(self, deadline: float):
        self.deadline, self.done = deadline, False


_levels: list[_Level] = []   # the nested time limits of the main thread, outermost first
_REFIRE = 0.05               # seconds between repeated interrupts if the learner's code swallows one


def _on_alarm(signum, frame):  # noqa: ARG001 - signal handler signature
    now = time.monotonic()
    for level in _levels:       # the outermost expired limit unwinds everything inside it
        if not level.done and now >= level.deadline:
            raise _Interrupt(level)


def _can_use_alarm() -> bool:
    return (hasattr(signal, "setitimer") and hasattr(signal, "SIGALRM")
            and threading.current_thread() is threading.main_thread())


def _arm(seconds_left: float) -> None:
    signal.setitimer(signal.ITIMER_REAL, max(seconds_left, 1e-3), _REFIRE)


def _too_slow(seconds: float) -> TimeLimitExceeded:
    return TimeLimitExceeded(f"did not return within {seconds:g} s: is there a loop that never ends?")


def call_with_time_limit(fn: Callable, *args: Any, seconds: float | None = None, **kwargs: Any) -> Any:
    """Call ``fn(*args, **kwargs)`` and return its result, or raise :class:`TimeLimitExceeded` if
    it has not returned after ``seconds`` (default :data:`TIME_LIMIT`). Exceptions ``fn`` raises
    pass through unchanged.

    On Linux and macOS, on the main thread (where a Jupyter kernel runs cells and widget
    callbacks), a SIGALRM timer raises an exception inside ``fn``: it stops a Python loop and a
    ``time.sleep`` alike, and the function runs in the caller's thread, so its state (torch's
    grad mode, NumPy's error settings) is the caller's. Elsewhere (Windows, or another thread)
    ``fn`` runs in a daemon worker thread: the caller gets its answer after ``seconds`` either
    way; a Python loop is stopped by an exception set asynchronously in that thread, a call
    blocked in C (a long sleep) is left to finish in the background. Calls may nest.
    """
    seconds = TIME_LIMIT if seconds is None else float(seconds)
    if not seconds > 0:
        raise ValueError(f"seconds must be a positive number, got {seconds!r}")
    if _can_use_alarm():
        return _call_with_alarm(fn, args, kwargs, seconds)
    return _call_in_thread(fn, args, kwargs, seconds)


def _call_with_alarm(fn: Callable, args: tuple, kwargs: dict, seconds: float) -> Any:
    level = _Level(time.monotonic() + seconds)
    outer = signal.getsignal(signal.SIGALRM) if not _levels else None
    if not _levels:
        old_timer = signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, _on_alarm)
    _levels.append(level)
    try:
        _arm(min(lv.deadline for lv in _levels if not lv.done) - time.monotonic())
        try:
            try:
                return fn(*args, **kwargs)
            finally:
                level.done = True
        except _Interrupt as e:
            if e.level is not level:
                raise
            raise _too_slow(seconds) from None
    finally:
        _levels.remove(level)
        live = [lv.deadline for lv in _levels if not lv.done]
        if live:
            _arm(min(live) - time.monotonic())
        elif not _levels:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, outer if outer is not None else signal.SIG_DFL)
            if old_timer[0] > 0:
                signal.setitimer(signal.ITIMER_REAL, *old_timer)


def _call_in_thread(fn: Callable, args: tuple, kwargs: dict, seconds: float) -> Any:
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as e:  # noqa: BLE001 - handed to the caller below
            box["error"] = e

    worker = threading.Thread(target=run, name="learner-function", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        _stop_thread(worker)
        raise _too_slow(seconds)
    if "error" in box:
        error = box["error"]
        if isinstance(error, _Interrupt):
            raise _too_slow(seconds)
        raise error
    return box.get("value")


def _stop_thread(worker: threading.Thread, tries: int = 10) -> None:
    """Raise _Interrupt in ``worker`` (CPython: PyThreadState_SetAsyncExc) until it stops; a
    thread blocked in C sees it only when it returns to Python, so give up after a short while."""
    try:
        import ctypes
    except ImportError:  # pragma: no cover - every CPython has ctypes
        return
    set_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    for _ in range(tries):
        if not worker.is_alive() or worker.ident is None:
            return
        set_exc(ctypes.c_ulong(worker.ident), ctypes.py_object(_Interrupt))
        worker.join(_REFIRE)


def _time_limited(fn: Any, seconds: float) -> Any:
    """``fn`` wrapped so that each call has the time limit; after one call ran out of time,
    further calls fail at once (a checker that calls it again does not wait again)."""
    state = {"slow": None}

    @functools.wraps(fn)
    def limited(*args: Any, **kwargs: Any) -> Any:
        if state["slow"] is not None:
            raise state["slow"]
        try:
            return call_with_time_limit(fn, *args, seconds=seconds, **kwargs)
        except TimeLimitExceeded as e:
            state["slow"] = e
            raise

    limited.time_limit_state = state
    return limited


def _is_function(x: Any) -> bool:
    return inspect.isroutine(x) or isinstance(x, functools.partial)


def _limit_answer(answer: Any, seconds: float) -> Any:
    """Wrap the learner's functions in ``answer`` (itself, or the items of a tuple or list)."""
    if _is_function(answer):
        return _time_limited(answer, seconds)
    if type(answer) in (tuple, list) and any(_is_function(a) for a in answer):
        return type(answer)(_time_limited(a, seconds) if _is_function(a) else a for a in answer)
    return answer


def _timed_out(answer: Any) -> TimeLimitExceeded | None:
    parts = answer if isinstance(answer, tuple | list) else (answer,)
    for part in parts:
        state = getattr(part, "time_limit_state", None)
        if isinstance(state, dict) and state.get("slow") is not None:
            return state["slow"]
    return None


class _Hint:
    """Displays as plain text and as HTML; returned by ``hint()`` and ``solution()``."""

    def __init__(self, title: str, text: str, code: bool = False):
        self.title, self.text, self.code = title, text, code

    def __repr__(self) -> str:
        return f"{self.title}:\n{self.text}" if self.code else f"{self.title}: {self.text}"

    def _repr_html_(self) -> str:
        body = html.escape(self.text)
        body = f"<pre>{body}</pre>" if self.code else f"<span>{body}</span>"
        return (
            '<div style="border-left:4px solid #3b6ea5;background:#eef4fb;padding:4px 8px;'
            f'font-family:sans-serif"><b>{html.escape(self.title)}:</b> {body}</div>'
        )


def _is_placeholder(answer: Any) -> bool:
    return answer is Ellipsis or answer is None


def _fmt(v: Any) -> str:
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        return f"{float(v):.6g}"
    return repr(v)


def compare(got: Any, expected: Any, *, rtol: float = 1e-5, atol: float = 1e-8,
            what: str = "your answer") -> str | None:
    """Compare ``got`` with ``expected``; return ``None`` if they match, else the reason.

    Arrays are compared by shape, then values (``numpy.allclose``), and the reason names the
    first wrong position. Numbers are compared with the same tolerances; sequences, mappings
    and other objects element by element or with ``==``.
    """
    if isinstance(expected, np.ndarray) or _is_tensor(expected):
        expected = _to_numpy(expected)
        if _is_tensor(got):
            got = _to_numpy(got)
        if not isinstance(got, np.ndarray):
            if isinstance(got, list | tuple | numbers.Number):
                try:
                    got = np.asarray(got, dtype=float)
                except (TypeError, ValueError):
                    return f"{what} should be an array like {_shape_desc(expected)}, got {type(got).__name__}"
            else:
                return f"{what} should be a NumPy array, got {type(got).__name__}"
        if got.shape != expected.shape:
            return f"{what} has shape {got.shape}, expected shape {expected.shape}"
        if expected.dtype == bool or got.dtype == bool:
            bad = got != expected
        else:
            try:
                g = got.astype(float)
            except (TypeError, ValueError):
                return f"{what} holds values that are not numbers (dtype {got.dtype})"
            e = expected.astype(float)
            bad = ~np.isclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
        if bad.any():
            idx = tuple(int(i) for i in np.argwhere(bad)[0])
            pos = idx if len(idx) != 1 else idx[0]
            n = int(bad.sum())
            return (f"{what} differs at {n} of {bad.size} positions; the first is index {pos}: "
                    f"got {_fmt(got[idx])}, expected {_fmt(expected[idx])}")
        return None
    if isinstance(expected, bool):
        if got is not True and got is not False and not isinstance(got, np.bool_):
            return f"{what} should be True or False, got {_fmt(got)}"
        return None if bool(got) == expected else f"{what} is {got}, which is not right"
    if isinstance(expected, numbers.Number):
        if _is_tensor(got) or isinstance(got, np.ndarray):
            arr = _to_numpy(got)
            if arr.size != 1:
                return f"{what} should be a single number, got an array of shape {arr.shape}"
            got = arr.item()
        if not isinstance(got, numbers.Number) or isinstance(got, bool):
            return f"{what} should be a number, got {type(got).__name__} {_fmt(got)}"
        if isinstance(expected, numbers.Integral) and not isinstance(got, numbers.Integral):
            if float(got) != float(expected) and not math.isclose(float(got), float(expected)):
                return f"{what} is {_fmt(got)}, expected a whole number"
        if not math.isclose(float(got), float(expected), rel_tol=rtol, abs_tol=atol):
            return f"{what} is {_fmt(got)}, which is not right"
        return None
    if isinstance(expected, Mapping):
        if not isinstance(got, Mapping):
            return f"{what} should be a dict, got {type(got).__name__}"
        missing = [k for k in expected if k not in got]
        if missing:
            return f"{what} is missing the key {missing[0]!r}"
        for k in expected:
            why = compare(got[k], expected[k], rtol=rtol, atol=atol, what=f"{what}[{k!r}]")
            if why:
                return why
        return None
    if isinstance(expected, Sequence) and not isinstance(expected, str):
        if not isinstance(got, Sequence) or isinstance(got, str):
            if isinstance(got, np.ndarray):
                got = got.tolist()
            else:
                return f"{what} should be a {type(expected).__name__} of {len(expected)} items, got {type(got).__name__}"
        if len(got) != len(expected):
            return f"{what} has {len(got)} items, expected {len(expected)}"
        for k, (g, e) in enumerate(zip(got, expected)):
            why = compare(g, e, rtol=rtol, atol=atol, what=f"{what}[{k}]")
            if why:
                return why
        return None
    if isinstance(expected, str):
        if not isinstance(got, str):
            return f"{what} should be text (a str), got {type(got).__name__}"
        if got.strip().lower() != expected.strip().lower():
            return f"{what} is {got!r}, which is not right"
        return None
    try:
        same = got == expected
        same = bool(np.all(same))
    except Exception:  # noqa: BLE001 - any comparison failure means "not equal"
        same = False
    return None if same else f"{what} is {_fmt(got)}, which is not right"


def _is_tensor(x: Any) -> bool:
    return type(x).__module__.startswith("torch") and hasattr(x, "detach")


def _to_numpy(x: Any) -> np.ndarray:
    if _is_tensor(x):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def _shape_desc(a: np.ndarray) -> str:
    return f"of shape {a.shape}"


def _call_repr(args: tuple, kwargs: dict) -> str:
    def short(v: Any) -> str:
        if isinstance(v, np.ndarray):
            return f"array of shape {v.shape}"
        r = repr(v)
        return r if len(r) <= 40 else r[:37] + "..."

    parts = [short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()]
    return ", ".join(parts)


class Exercise:
    """One exercise: how to judge an answer, the hints and the worked solution.

    Args:
        name: short label shown in every message, e.g. ``"Exercise 1"``.
        expected: the right value (number, array, tensor, sequence, dict, str, bool).
        reference: a reference function; the learner's function is called on ``cases`` and
            its results compared with the reference's.
        cases: arguments for ``reference``: a list of tuples (positional arguments) or of
            ``(args_tuple, kwargs_dict)`` pairs.
        checker: ``checker(answer)`` raises :class:`Incorrect` ``("reason")`` when the answer is
            wrong; use it when there is more than one right answer.
        hints: shown one at a time by ``hint()``.
        solution: the worked solution (code as text), shown by ``solution()``.
        rtol, atol: tolerances for numbers and arrays.
        points: what the exercise is worth when graded (nbgrader), a whole number.
        time_limit: seconds one call of the learner's function may take (default
            :data:`TIME_LIMIT`).

    Example:
        >>> q = Exercise("demo", expected=4, hints=["2 + 2"], solution="answer = 2 + 2")
        >>> q.check(...).status
        'not attempted'
        >>> q.check(5).status
        'incorrect'
        >>> q.check(4).status
        'correct'
    """

    def __init__(self, name: str, *, expected: Any = None, reference: Callable | None = None,
                 cases: Sequence | None = None, checker: Callable[[Any], Any] | None = None,
                 hints: Sequence[str] = (), solution: str = "", rtol: float = 1e-5,
                 atol: float = 1e-8, points: int = 1, time_limit: float | None = None):
        if not isinstance(name, str) or not name:
            raise TypeError(f"name must be a non-empty str, got {name!r}")
        if isinstance(points, bool) or not isinstance(points, numbers.Integral) or points < 0:
            raise ValueError(f"points must be a whole number >= 0, got {points!r}")
        if time_limit is not None and not (isinstance(time_limit, numbers.Real) and time_limit > 0):
            raise ValueError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
        modes = sum(x is not None for x in (expected, reference, checker))
        if modes != 1:
            raise ValueError("give exactly one of expected=, reference= (with cases=) or checker=; "
                             f"got {modes}")
        if reference is not None and not cases:
            raise ValueError("reference= needs cases=: a list of argument tuples to call it on")
        self.name = name
        self.expected = expected
        self.reference = reference
        self.cases = [self._norm_case(c) for c in (cases or [])]
        self.checker = checker
        self.hints = list(hints)
        self._solution = inspect.cleandoc(solution) if solution else ""
        self.rtol, self.atol = rtol, atol
        self.points = int(points)
        self.time_limit = time_limit
        self._next_hint = 0

    @staticmethod
    def _norm_case(case: Any) -> tuple[tuple, dict]:
        if (isinstance(case, tuple) and len(case) == 2 and isinstance(case[0], tuple)
                and isinstance(case[1], dict)):
            return case
        if isinstance(case, tuple):
            return case, {}
        return (case,), {}

    def _result(self, status: str, message: str) -> Result:
        return Result(self.name, status, message)

    def check(self, answer: Any = ..., *, time_limit: float | None = None) -> Result:
        """Judge ``answer``; never raises, and gives up on a function of the learner's that does
        not return within ``time_limit`` seconds per call (default: the exercise's, else
        :data:`TIME_LIMIT`)."""
        seconds = time_limit or self.time_limit or TIME_LIMIT
        if _is_placeholder(answer):
            return self._result(NOT_ATTEMPTED,
                                "replace the placeholder (...) with your answer, then run the cell again")
        limited = _limit_answer(answer, seconds)
        try:
            return self._judge(limited, seconds)
        except NotImplementedError:
            return self._result(NOT_ATTEMPTED, "your code still raises NotImplementedError: "
                                               "fill in the part marked 'YOUR CODE HERE'")
        except TimeLimitExceeded as e:
            return self._result(INCORRECT, f"your function {e}")
        except Exception as e:  # noqa: BLE001 - whatever the answer is, check() reports, never raises
            slow = _timed_out(limited)
            if slow is not None:
                return self._result(INCORRECT, f"your function {slow}")
            return self._result(INCORRECT, f"this answer could not be checked: "
                                           f"{type(e).__name__}: {e}")

    def _judge(self, answer: Any, seconds: float) -> Result:
        if self.checker is not None:
            return self._check_with_checker(answer)
        if self.reference is not None:
            return self._check_function(answer)
        why = compare(answer, self.expected, rtol=self.rtol, atol=self.atol)
        return self._result(CORRECT, "well done.") if why is None else self._result(INCORRECT, why)

    def assert_correct(self, answer: Any = ..., **kwargs: Any) -> None:
        """Judge ``answer`` as :meth:`check` does (same keyword arguments); return None when it
        is right, else raise :class:`Incorrect` with the feedback ("not yet: ..." or "not
        attempted yet: ..."). For graders such as nbgrader; raises nothing else."""
        try:
            result = self.check(answer, **kwargs)
        except Exception as e:  # noqa: BLE001 - e.g. a bad keyword argument
            raise Incorrect(f"not yet: this answer could not be checked: {type(e).__name__}: {e}") from None
        if result.status == CORRECT:
            return None
        prefix = "not attempted yet" if result.status == NOT_ATTEMPTED else "not yet"
        raise Incorrect(f"{prefix}: {result.message}")

    def _check_with_checker(self, answer: Any) -> Result:
        try:
            reason = self.checker(answer)
        except (NotImplementedError, TimeLimitExceeded):
            raise
        except AssertionError as e:
            return self._result(INCORRECT, str(e) or "that is not right yet")
        except Exception as e:  # noqa: BLE001 - report the learner's error, never raise it
            return self._result(INCORRECT, f"checking raised {type(e).__name__}: {e}")
        if isinstance(reason, str) and reason:
            return self._result(INCORRECT, reason)
        if reason is False:
            return self._result(INCORRECT, "that is not right yet")
        return self._result(CORRECT, "well done.")

    def _check_function(self, fn: Any) -> Result:
        if not callable(fn):
            return self._result(INCORRECT, f"expected a function, got {type(fn).__name__}")
        for k, (args, kwargs) in enumerate(self.cases, start=1):
            call = f"{getattr(fn, '__name__', 'your function')}({_call_repr(args, kwargs)})"
            want = self.reference(*_copy(args), **_copy(kwargs))
            try:
                got = fn(*_copy(args), **_copy(kwargs))
            except (NotImplementedError, TimeLimitExceeded):
                raise
            except Exception as e:  # noqa: BLE001 - report, never raise into the notebook
                return self._result(INCORRECT, f"test {k} of {len(self.cases)}: {call} raised "
                                               f"{type(e).__name__}: {e}")
            if got is None and want is not None:
                return self._result(INCORRECT, f"test {k} of {len(self.cases)}: {call} returned "
                                               "None; did you forget `return`?")
            why = compare(got, want, rtol=self.rtol, atol=self.atol, what="the result")
            if why:
                return self._result(INCORRECT, f"test {k} of {len(self.cases)}: {call}: {why}")
        return self._result(CORRECT, f"all {len(self.cases)} tests pass.")

    def hint(self) -> _Hint:
        """The next hint (they repeat from the start once all were shown)."""
        if not self.hints:
            return _Hint(f"{self.name} · hint", "no hint for this one; look at the solution.")
        k = self._next_hint % len(self.hints)
        self._next_hint += 1
        return _Hint(f"{self.name} · hint {k + 1} of {len(self.hints)}", self.hints[k])

    def solution(self) -> _Hint:
        """The worked solution."""
        return _Hint(f"{self.name} · solution", self._solution or "(no solution text)", code=True)

    def __repr__(self) -> str:
        return f"Exercise({self.name!r})"


def _copy(obj: Any) -> Any:
    """Copy array arguments so a learner's in-place change cannot spoil the reference."""
    if isinstance(obj, np.ndarray):
        return obj.copy()
    if isinstance(obj, tuple):
        return tuple(_copy(o) for o in obj)
    if isinstance(obj, list):
        return [_copy(o) for o in obj]
    if isinstance(obj, dict):
        return {k: _copy(v) for k, v in obj.items()}
    return obj


def known_mistakes(expected: Any, mistakes: Sequence[tuple[Any, str]], *, rtol: float = 1e-5,
                   atol: float = 1e-8, mistake_rtol: float | None = None,
                   mistake_atol: float | None = None) -> Callable[[Any], None]:
    """A checker for ``Exercise(checker=...)`` that names the usual mistake, not only the position.

    Right when the answer equals ``expected`` (to ``rtol``/``atol``, as :func:`compare`). When it
    equals one of the known wrong answers instead (to ``mistake_rtol``/``mistake_atol``, by
    default the same tolerances: a learner may round a wrong fraction more loosely), the check
    says which mistake gives it; otherwise it gives :func:`compare`'s reason.

    Args:
        expected: the right answer.
        mistakes: ``(wrong_answer, explanation)`` pairs.

    Example:
        >>> q = Exercise("size", checker=known_mistakes(15, [(16, "you rounded up")]))
        >>> q.check(16).message
        'you rounded up'
    """
    m_rtol = rtol if mistake_rtol is None else mistake_rtol
    m_atol = atol if mistake_atol is None else mistake_atol

    def check(answer: Any) -> None:
        why = compare(answer, expected, rtol=rtol, atol=atol)
        if why is None:
            return
        for wrong, explanation in mistakes:
            if compare(answer, wrong, rtol=m_rtol, atol=m_atol) is None:
                raise AssertionError(explanation)
        raise AssertionError(why)

    return check


def function_slips(inner: Exercise, slips: Sequence[tuple[Callable[[Any], bool], str]]
                   ) -> Callable[[Any], str | None]:
    """A checker for a function exercise that names the usual mistake.

    ``inner`` is the plain exercise (``reference=`` and ``cases=``); when the learner's function
    fails it, each ``(detect, explanation)`` of ``slips`` is tried in turn: ``detect(fn)`` returns
    True when ``fn`` makes that mistake (a detector that raises counts as False), and the first
    match's explanation is the reason. Otherwise the reason is ``inner``'s.
    """
    def check(fn: Any) -> str | None:
        result = inner.check(fn)
        if result.status == NOT_ATTEMPTED:
            raise NotImplementedError  # reported as "not attempted" by the outer exercise
        if result.correct:
            return None
        for detect, explanation in slips:
            try:
                if detect(fn):
                    return explanation
            except Exception:  # noqa: BLE001 - a detector must never raise into the notebook
                pass
        return result.message

    return check


def reference_slips(inner: Exercise, slips: Sequence[tuple[Callable, str]]
                    ) -> Callable[[Any], str | None]:
    """Like :func:`function_slips`, with each mistake given as a wrong reference function: the
    learner's function makes that mistake when it gives the wrong function's results on every
    case of ``inner``."""
    def computes(wrong: Callable) -> Callable[[Any], bool]:
        return lambda fn: Exercise("slip", reference=wrong, cases=inner.cases, rtol=inner.rtol,
                                   atol=inner.atol).check(fn).correct

    return function_slips(inner, [(computes(wrong), why) for wrong, why in slips])
