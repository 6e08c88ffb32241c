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
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Exercise", "Result", "Incorrect", "TimeLimitExceeded", "call_with_time_limit",
           "CORRECT", "INCORRECT", "NOT_ATTEMPTED", "TIME_LIMIT", "ALWAYS_FORBIDDEN", "compare", "numeric_array",
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
    if threading.current_thread().name == _WORKER:
        return fn(*args, **kwargs)     # already in a worker: the enclosing limit covers it
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


_WORKER = "learner-function"


def _call_in_thread(fn: Callable, args: tuple, kwargs: dict, seconds: float) -> Any:
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as e:  # noqa: BLE001 - handed to the caller below
            box["error"] = e

    worker = threading.Thread(target=run, name=_WORKER, daemon=True)
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
    if worker.is_alive() and worker.ident is not None:
        # blocked in C (a sleep): withdraw the exception, which would otherwise stay pending
        # and keep every other thread's interpreter loop checking for it (slowing them down)
        set_exc(ctypes.c_ulong(worker.ident), None)


class _Call:
    """What happened while the learner's function ran during one ``check()``."""

    def __init__(self, seconds: float, forbidden: tuple[str, ...], allowed: frozenset):
        self.seconds, self.forbidden, self.allowed = seconds, forbidden, allowed
        self.slow: TimeLimitExceeded | None = None
        self.raised: list[BaseException] = []
        self.called: str | None = None    # the first forbidden function it called


_NEVER_FORBIDDEN = ("course_lib.exercises",)   # this module's own wrappers and signal handler


def _in(module: str | None, prefixes: Sequence[str]) -> bool:
    return bool(module) and any(module == p or module.startswith(p + ".") for p in prefixes)


def _callee(event: str, frame: Any, arg: Any) -> tuple[str | None, str, Any]:
    """(module, qualified name, identity) of the function a profiler event enters."""
    if event == "call":
        code = frame.f_code
        return frame.f_globals.get("__name__"), getattr(code, "co_qualname", code.co_name), code
    owner = getattr(arg, "__self__", None)
    module = getattr(arg, "__module__", None) or (type(owner).__module__ if owner is not None else None)
    return module, getattr(arg, "__qualname__", getattr(arg, "__name__", "?")), arg


def _public_name(module: str, qualname: str) -> str:
    """'scipy.signal._signaltools' + 'correlate2d' -> 'scipy.signal.correlate2d'."""
    parts = [p for p in module.split(".") if not p.startswith("_")]
    return ".".join(parts + [qualname.split(".")[-1]])


def _identity(fn: Any) -> Any:
    fn = inspect.unwrap(fn)
    return getattr(fn, "__code__", fn)


def _callables_in(args: tuple, kwargs: dict) -> frozenset:
    """The functions (and callable objects' __call__) the check hands to the learner's function."""
    found = set()
    for a in (*args, *kwargs.values()):
        if _is_function(a):
            found.add(_identity(a))
        elif callable(a) and not isinstance(a, type):
            found.add(_identity(type(a).__call__))
    return frozenset(found)


def _tripwired(fn: Callable, call: _Call) -> Callable:
    """``fn`` run under a profiler that notes the first call of a forbidden function (a
    profiler sees every call, so an alias or a wrapper of the forbidden function is caught too).
    Functions in ``call.allowed`` may be called, and what they call in turn is not looked at."""
    if not call.forbidden:
        return fn

    def run(*args: Any, **kwargs: Any) -> Any:
        inside_allowed: list[Any] = []
        given = call.allowed | _callables_in(args, kwargs)   # the check's own f may be called

        def profiler(frame, event, arg):
            if call.called is not None:
                return
            if event in ("return", "c_return", "c_exception"):
                if inside_allowed and event == "return" and frame is inside_allowed[-1]:
                    inside_allowed.pop()
                return
            if inside_allowed:
                return
            module, qualname, ident = _callee(event, frame, arg)
            if ident in given:
                if event == "call":
                    inside_allowed.append(frame)
                return
            if _in(module, call.forbidden) and not _in(module, _NEVER_FORBIDDEN):
                call.called = _public_name(module, qualname)

        module = getattr(inspect.unwrap(fn), "__module__", None)
        if _in(module, call.forbidden) and not _in(module, _NEVER_FORBIDDEN):
            call.called = _public_name(module, getattr(fn, "__qualname__", getattr(fn, "__name__", "?")))
        old = sys.getprofile()
        sys.setprofile(profiler)
        try:
            return fn(*args, **kwargs)
        finally:
            sys.setprofile(old)

    return run


_ACTIVE: list[float] = []                 # the time limits of the checks now running, outermost first
_SLOW: dict[int, TimeLimitExceeded] = {}  # the learner's functions that ran out of time in this check


def _guarded(fn: Any, call: _Call) -> Any:
    """``fn`` wrapped for one check: every call has the time limit and the tripwires; after one
    call ran out of time, further calls fail at once (a checker that calls it again does not
    wait again); what it raises is noted, so the message can say it was the learner's error."""
    inner = _tripwired(fn, call)

    key = id(inspect.unwrap(fn))

    @functools.wraps(fn)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        call.slow = call.slow or _SLOW.get(key)
        if call.slow is not None:
            raise call.slow
        try:
            return call_with_time_limit(inner, *args, seconds=call.seconds, **kwargs)
        except TimeLimitExceeded as e:
            call.slow = _SLOW[key] = e
            raise
        except Exception as e:
            call.raised.append(e)
            raise

    return guarded


def _is_function(x: Any) -> bool:
    return inspect.isroutine(x) or isinstance(x, functools.partial)


def _guard_answer(answer: Any, call: _Call) -> Any:
    """Wrap the learner's functions in ``answer`` (itself, or the items of a tuple or list)."""
    if _is_function(answer):
        return _guarded(answer, call)
    if type(answer) in (tuple, list) and any(_is_function(a) for a in answer):
        return type(answer)(_guarded(a, call) if _is_function(a) else a for a in answer)
    return answer


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
    r = repr(v)
    return r if len(r) <= 60 else r[:57] + "..."


def _is_tensor(x: Any) -> bool:
    return type(x).__module__.startswith("torch") and hasattr(x, "detach")


def _tensor_to_numpy(x: Any) -> tuple[np.ndarray, float]:
    """A torch tensor as NumPy (detached, on the CPU) and the rounding unit of its dtype."""
    x = x.detach().cpu()
    eps = 0.0
    if x.is_floating_point():
        import torch

        eps = float(torch.finfo(x.dtype).eps)
        if x.dtype not in (torch.float16, torch.float32, torch.float64):
            x = x.float()          # bfloat16 and friends have no NumPy dtype
    return x.numpy(), eps


def _eps(a: np.ndarray) -> float:
    return float(np.finfo(a.dtype).eps) if a.dtype.kind == "f" else 0.0


_NOT_NUMBERS = {"U": "text", "S": "bytes", "O": "Python objects", "c": "complex numbers",
                "M": "dates", "m": "time spans", "V": "records"}


def _as_array(x: Any, what: str) -> tuple[np.ndarray | None, float, str | None]:
    """(array, rounding unit, None) for anything a learner may give as an array of numbers, else
    (None, 0, the reason). Lists, tuples, NumPy arrays and scalars and torch tensors qualify;
    text, complex numbers, dicts and other objects do not."""
    eps = 0.0
    if _is_tensor(x):
        if x.is_complex():
            return None, 0.0, f"{what} holds complex numbers; the answer is real"
        x, eps = _tensor_to_numpy(x)
    elif isinstance(x, np.ndarray | np.generic | list | tuple) or (
            isinstance(x, numbers.Number) and not isinstance(x, complex)):
        try:
            x = np.asarray(x)
        except (TypeError, ValueError):
            return None, 0.0, f"{what} should be an array of numbers; its items do not form one"
    else:
        return None, 0.0, f"{what} should be an array of numbers, got {type(x).__name__}"
    if x.dtype.kind in _NOT_NUMBERS:
        return None, 0.0, f"{what} holds {_NOT_NUMBERS[x.dtype.kind]}, not numbers"
    return x, max(eps, _eps(x)), None


def _number(x: Any) -> tuple[bool, Any, float]:
    """(True, the number, its rounding unit) for a real number in any form a learner may give
    it: int, float, a NumPy scalar, a 0-d array, a 0-d torch tensor. Bools, text and complex
    numbers are not numbers here."""
    if isinstance(x, bool | np.bool_ | str | bytes | complex | np.complexfloating):
        return False, None, 0.0
    if _is_tensor(x):
        if x.dim() != 0 or x.is_complex() or str(x.dtype) == "torch.bool":
            return False, None, 0.0
        x, eps = _tensor_to_numpy(x)
        return True, x.item(), eps
    if isinstance(x, np.ndarray):
        if x.ndim != 0 or x.dtype.kind not in "iuf":
            return False, None, 0.0
        return True, x.item(), _eps(x)
    if isinstance(x, np.generic):
        return (x.dtype.kind in "iuf", x.item(), _eps(np.asarray(x)))
    if isinstance(x, numbers.Real):
        return True, x, float(np.finfo(float).eps) if isinstance(x, float) else 0.0
    return False, None, 0.0


# How many rounding units of the answer's precision two results may differ by: float32 code
# sums products in another order than the float64 reference, and is right all the same.
_ROUNDING_UNITS = 64


def _tolerances(rtol: float, atol: float, eps: float, scale: float) -> tuple[float, float]:
    if eps <= 1e-15:              # float64 or whole numbers: the exercise's own tolerances
        return rtol, atol
    slack = _ROUNDING_UNITS * eps
    return max(rtol, slack), max(atol, slack * scale)


def _positions(idx: np.ndarray, limit: int = 4) -> str:
    def one(i: np.ndarray) -> str:
        t = tuple(int(v) for v in i)
        return str(t[0]) if len(t) == 1 else str(t)

    shown = ", ".join(one(i) for i in idx[:limit])
    return shown + (", ..." if len(idx) > limit else "")


def _compare_arrays(got: Any, expected: np.ndarray, rtol: float, atol: float, what: str) -> str | None:
    g, g_eps, why = _as_array(got, what)
    if why:
        return why
    if g.shape != expected.shape:
        return f"{what} has shape {g.shape}, expected shape {expected.shape}"
    if expected.dtype == bool or g.dtype == bool:
        if expected.dtype != g.dtype:
            want = "True/False values" if expected.dtype == bool else "numbers, not True/False"
            return f"{what} should hold {want}"
        bad = g != expected
    else:
        e = expected.astype(float)
        finite = np.abs(e[np.isfinite(e)])
        scale = float(finite.max()) if finite.size else 1.0
        rt, at = _tolerances(rtol, atol, max(g_eps, _eps(expected)), scale)
        bad = ~np.isclose(g.astype(float), e, rtol=rt, atol=at, equal_nan=True)
    if not bad.any():
        return None
    idx = np.argwhere(bad)
    n = int(bad.sum())
    where = (f"every one of its {bad.size} entries is wrong" if n == bad.size else
             f"{n} of its {bad.size} entries {'is' if n == 1 else 'are'} wrong, at index "
             f"{_positions(idx)}")
    if expected.dtype != bool:
        gb, eb = g[bad].astype(float), expected[bad].astype(float)
        if np.any(eb != 0) and np.allclose(gb, -eb, rtol=1e-3, atol=1e-9):
            return f"{what}: {where}; there the sign is the opposite of the right one"
        if np.isnan(gb).any():
            return f"{what}: {where}; some of them are NaN"
    return f"{what}: {where}"


def numeric_array(answer: Any, what: str = "your answer") -> np.ndarray:
    """``answer`` as a NumPy array of real numbers (from a list, a tuple, an array or a torch
    tensor), for checkers; raises :class:`Incorrect` naming what is wrong with it otherwise
    (text, complex numbers, a dict, ...)."""
    array, _, why = _as_array(answer, what)
    if why:
        raise Incorrect(why)
    return array


def compare(got: Any, expected: Any, *, rtol: float = 1e-5, atol: float = 1e-8,
            what: str = "your answer") -> str | None:
    """Compare ``got`` with ``expected``; return ``None`` if they match, else the reason.

    Strict where it must be, lenient where the learner is right:

    * numbers: int, float, NumPy scalars, 0-d arrays and 0-d torch tensors all count; a whole
      number given as a float (``354.0``) equals the int; bools, text and complex numbers do not;
    * arrays: lists, tuples, NumPy arrays and torch tensors (detached, any dtype) are compared
      by shape, then values; text, complex and object arrays are refused;
    * tolerances follow the precision of the answer: a float32 result may differ from the
      float64 reference by float32 rounding; NaN equals NaN;
    * sequences, dicts and text element by element (text ignores case and outer spaces); other
      objects with ``==``, and only with an object of the same type.

    The reason says where and how the answer is wrong (type, shape, which entries, a flipped
    sign) but never prints the expected value, so it cannot be read off by trial and error.
    """
    if isinstance(expected, np.ndarray) or _is_tensor(expected):
        expected = _tensor_to_numpy(expected)[0] if _is_tensor(expected) else expected
        return _compare_arrays(got, expected, rtol, atol, what)
    if isinstance(expected, bool | np.bool_):
        if isinstance(got, np.ndarray) and got.shape == () and got.dtype == bool:
            got = bool(got)
        if not isinstance(got, bool | np.bool_):
            return f"{what} should be True or False, got {type(got).__name__} {_fmt(got)}"
        return None if bool(got) == bool(expected) else f"{what} is {bool(got)}, which is not right"
    if isinstance(expected, numbers.Number):
        ok, value, eps = _number(got)
        if not ok:
            if isinstance(got, np.ndarray) or _is_tensor(got):
                return f"{what} should be a single number, got an array of shape {tuple(got.shape)}"
            return f"{what} should be a number, got {type(got).__name__} {_fmt(got)}"
        v, e = float(value), float(expected)
        if math.isnan(e) or math.isnan(v):
            return None if math.isnan(e) and math.isnan(v) else f"{what} is {_fmt(value)}, which is not right"
        rt, at = _tolerances(rtol, atol, eps, abs(e))
        if math.isclose(v, e, rel_tol=rt, abs_tol=at):
            return None
        if isinstance(expected, numbers.Integral) and not v.is_integer():
            return f"{what} is {_fmt(value)}; the answer is a whole number"
        return f"{what} is {_fmt(value)}, which is not right"
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
        if isinstance(got, np.ndarray) and got.ndim >= 1:
            got = list(got)
        elif _is_tensor(got) and got.dim() >= 1:
            got = list(_tensor_to_numpy(got)[0])
        if not isinstance(got, Sequence) or isinstance(got, str):
            return (f"{what} should be a {type(expected).__name__} of {len(expected)} items, "
                    f"got {type(got).__name__}")
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
    if not isinstance(got, type(expected)):
        return f"{what} should be a {type(expected).__name__}, got {type(got).__name__}"
    try:
        same = bool(np.all(expected == got))
    except Exception:  # noqa: BLE001 - any comparison failure means "not equal"
        same = False
    return None if same else f"{what} is {_fmt(got)}, which is not right"


def _call_repr(args: tuple, kwargs: dict) -> str:
    def short(v: Any) -> str:
        if isinstance(v, np.ndarray):
            return f"{v.dtype} array of shape {v.shape}"
        if _is_function(v):          # a repr with a memory address would differ on every run
            return "a function"
        if _is_module(v):
            return f"a {type(v).__name__}"
        r = repr(v)
        return r if len(r) <= 40 else r[:37] + "..."

    parts = [short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()]
    return ", ".join(parts)


def _is_module(x: Any) -> bool:
    return type(x).__module__.startswith("torch") and hasattr(x, "state_dict")


def _changed(before: Any, after: Any) -> bool:
    """True if the learner's function changed an array or a torch module it was given."""
    if _is_module(before):
        import torch

        new = after.state_dict()
        return any(not torch.equal(v, new[k]) for k, v in before.state_dict().items())
    if isinstance(before, np.ndarray):
        return not (isinstance(after, np.ndarray) and after.shape == before.shape
                    and np.array_equal(after, before, equal_nan=True))
    if isinstance(before, tuple | list):
        return any(_changed(b, a) for b, a in zip(before, after))
    if isinstance(before, dict):
        return any(_changed(v, after.get(k)) for k, v in before.items())
    return False


def _argument_names(fn: Any, args: tuple, kwargs: dict) -> list[str]:
    try:
        bound = inspect.signature(inspect.unwrap(fn)).bind(*args, **kwargs)
        return list(bound.arguments)
    except (TypeError, ValueError):
        return [f"argument {k + 1}" for k in range(len(args))] + list(kwargs)


#: Every exercise forbids calling the exercise sets' own reference answers.
ALWAYS_FORBIDDEN = ("course_lib.exercise_sets",)


class Exercise:
    """One exercise: how to judge an answer, the hints and the worked solution.

    Args:
        name: short label shown in every message, e.g. ``"Exercise 1"``.
        expected: the right value (number, array, tensor, sequence, dict, str, bool).
        reference: a reference function; the learner's function is called on ``cases`` and
            its results compared with the reference's (and its array arguments must come back
            unchanged).
        cases: arguments for ``reference``: a list of tuples (positional arguments) or of
            ``(args_tuple, kwargs_dict)`` pairs.
        checker: ``checker(answer)`` raises :class:`Incorrect` ``("reason")`` when the answer is
            wrong and returns None when it is right; use it when there is more than one right
            answer. :func:`known_mistakes`, :func:`function_slips` and :func:`reference_slips`
            make checkers that name the usual mistakes.
        hints: shown one at a time by ``hint()``, from the idea to nearly the code.
        solution: the worked solution (code as text), shown by ``solution()``.
        rtol, atol: tolerances for numbers and arrays (widened for float32 answers).
        points: what the exercise is worth when graded (nbgrader), a whole number.
        time_limit: seconds one call of the learner's function may take (default
            :data:`TIME_LIMIT`).
        forbidden: modules (``"scipy"``, ``"course_lib.conv"``) or packages whose functions the
            learner's function must not call, directly or through a wrapper, while it is
            checked. :data:`ALWAYS_FORBIDDEN` is added.
        allowed: functions that the learner may call although their module is forbidden
            (e.g. ``conv.pad2d``).

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
                 cases: Sequence | None = None, checker: Callable[[Any], None] | None = None,
                 hints: Sequence[str] = (), solution: str = "", rtol: float = 1e-5,
                 atol: float = 1e-8, points: int = 1, time_limit: float | None = None,
                 forbidden: Sequence[str] = (), allowed: Sequence[Callable] = ()):
        if not isinstance(name, str) or not name:
            raise TypeError(f"name must be a non-empty str, got {name!r}")
        if isinstance(points, bool) or not isinstance(points, numbers.Integral) or points < 0:
            raise ValueError(f"points must be a whole number >= 0, got {points!r}")
        if time_limit is not None and not (isinstance(time_limit, numbers.Real) and time_limit > 0):
            raise ValueError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
        if isinstance(forbidden, str) or not all(isinstance(f, str) for f in forbidden):
            raise TypeError(f"forbidden must be a sequence of module names, got {forbidden!r}")
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
        self.forbidden = tuple(forbidden) + ALWAYS_FORBIDDEN
        self.allowed = frozenset(_identity(f) for f in allowed)
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
        """Judge ``answer``. Never raises; gives up on a function of the learner's that does
        not return within ``time_limit`` seconds per call (default: the exercise's, else
        :data:`TIME_LIMIT`), and refuses one that calls a forbidden function."""
        # a check inside a check (a checker's plain exercise) keeps the enclosing limit
        seconds = time_limit or (_ACTIVE[-1] if _ACTIVE else None) or self.time_limit or TIME_LIMIT
        if _is_placeholder(answer):
            return self._result(NOT_ATTEMPTED,
                                "replace the placeholder (...) with your answer, then run the cell again")
        if not _ACTIVE:
            _SLOW.clear()
        call = _Call(seconds, self.forbidden, self.allowed)
        _ACTIVE.append(seconds)
        try:
            return self._verdict(answer, call)
        finally:
            _ACTIVE.pop()

    def _verdict(self, answer: Any, call: _Call) -> Result:
        try:
            result = self._judge(_guard_answer(answer, call))
        except NotImplementedError:
            return self._result(NOT_ATTEMPTED, "your code still raises NotImplementedError: "
                                               "fill in the part marked 'YOUR CODE HERE'")
        except Incorrect as e:
            result = self._result(INCORRECT, str(e) or "that is not right yet")
        except Exception as e:  # noqa: BLE001 - whatever the answer is, check() reports, never raises
            if call.slow is not None:
                result = self._result(INCORRECT, f"your function {call.slow}")
            elif any(e is r for r in call.raised):
                result = self._result(INCORRECT, f"your function raised {type(e).__name__}: {e}")
            else:
                result = self._result(INCORRECT, f"this answer could not be checked: "
                                                 f"{type(e).__name__}: {e}")
        if call.called is not None:
            return self._result(INCORRECT, f"this exercise asks you to write it without calling "
                                           f"{call.called}")
        return result

    def _judge(self, answer: Any) -> Result:
        if self.checker is not None:
            if self.checker(answer) is not None:
                raise TypeError(f"the checker of {self.name!r} returned a value; a checker "
                                "raises Incorrect or returns None")
            return self._result(CORRECT, getattr(self.checker, "passed", "well done."))
        if self.reference is not None:
            return self._check_function(answer)
        why = compare(answer, self.expected, rtol=self.rtol, atol=self.atol)
        if why is not None:
            raise Incorrect(why)
        return self._result(CORRECT, "well done.")

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

    def _check_function(self, fn: Any) -> Result:
        if not callable(fn):
            raise Incorrect(f"expected a function, got {type(fn).__name__}")
        for k, (args, kwargs) in enumerate(self.cases, start=1):
            test = f"test {k} of {len(self.cases)}: {getattr(fn, '__name__', 'your function')}" \
                   f"({_call_repr(args, kwargs)})"
            want = self.reference(*_copy(args), **_copy(kwargs))
            mine_args, mine_kwargs = _copy(args), _copy(kwargs)
            try:
                got = fn(*mine_args, **mine_kwargs)
            except (NotImplementedError, TimeLimitExceeded):
                raise
            except Exception as e:  # noqa: BLE001 - report, never raise into the notebook
                raise Incorrect(f"{test} raised {type(e).__name__}: {e}") from None
            names = _argument_names(fn, args, kwargs)
            for name, before, after in zip(names, (*args, *kwargs.values()),
                                           (*mine_args, *mine_kwargs.values())):
                if _changed(before, after):
                    raise Incorrect(f"{test} changed its argument {name} in place; leave the "
                                    "inputs as they are (work on a copy, or build a new array)")
            if got is None and want is not None:
                raise Incorrect(f"{test} returned None; did you forget `return`?")
            why = compare(got, want, rtol=self.rtol, atol=self.atol, what="the result")
            if why:
                raise Incorrect(f"{test}: {why}")
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
    """Copy array and module arguments so a learner's in-place change cannot spoil the reference."""
    if isinstance(obj, np.ndarray):
        return obj.copy()
    if _is_module(obj):
        import copy

        return copy.deepcopy(obj)
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
    raises :class:`Incorrect` saying which mistake gives it; otherwise with :func:`compare`'s reason.

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
    for k, (wrong, explanation) in enumerate(mistakes):
        # numbers on which a usual slip gives the right answer (or another slip's) cannot tell
        # them apart: the exercise must use other numbers
        if compare(wrong, expected, rtol=m_rtol, atol=m_atol) is None:
            raise ValueError(f"the mistake {explanation[:40]!r}... gives the right answer")
        for other, _ in mistakes[k + 1:]:
            if compare(wrong, other, rtol=m_rtol, atol=m_atol) is None:
                raise ValueError(f"two mistakes give the same answer {wrong!r}")

    def check(answer: Any) -> None:
        why = compare(answer, expected, rtol=rtol, atol=atol)
        if why is None:
            return
        for wrong, explanation in mistakes:
            if compare(answer, wrong, rtol=m_rtol, atol=m_atol) is None:
                raise Incorrect(explanation)
        raise Incorrect(why)

    return check


def function_slips(inner: Exercise, slips: Sequence[tuple[Callable[[Any], bool], str]]
                   ) -> Callable[[Any], None]:
    """A checker for a function exercise that names the usual mistake.

    ``inner`` is the plain exercise (``reference=`` and ``cases=``); when the learner's function
    fails it, each ``(detect, explanation)`` of ``slips`` is tried in turn: ``detect(fn)`` returns
    True when ``fn`` makes that mistake (a detector that raises counts as False), and the first
    match's explanation is the reason. Otherwise the reason is ``inner``'s.
    """
    def check(fn: Any) -> None:
        result = inner.check(fn)
        if result.status == NOT_ATTEMPTED:
            raise NotImplementedError  # reported as "not attempted" by the outer exercise
        if result.correct:
            return
        for detect, explanation in slips:
            try:
                if detect(fn):
                    raise Incorrect(explanation)
            except Incorrect:
                raise
            except Exception:  # noqa: BLE001 - a detector must never raise into the notebook
                pass
        raise Incorrect(result.message)

    check.passed = f"all {len(inner.cases)} tests pass." if inner.cases else "well done."
    return check


def reference_slips(inner: Exercise, slips: Sequence[tuple[Callable, str]]
                    ) -> Callable[[Any], None]:
    """Like :func:`function_slips`, with each mistake given as a wrong reference function: the
    learner's function makes that mistake when it gives the wrong function's results on every
    case of ``inner``."""
    def computes(wrong: Callable) -> Callable[[Any], bool]:
        return lambda fn: Exercise("slip", reference=wrong, cases=inner.cases, rtol=inner.rtol,
                                   atol=inner.atol).check(fn).correct

    return function_slips(inner, [(computes(wrong), why) for wrong, why in slips])
