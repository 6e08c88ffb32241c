"""Argument checks shared by course_lib's numeric and data modules.

One place for the checks every public function makes on its arguments, so that the same
mistake gets the same message everywhere. Every message names the argument, quotes the value
and says what is valid; a wrong *type* raises ``TypeError``, a wrong *value* (out of range, not
one of the choices, wrong number of dimensions) raises ``ValueError``.

The float policy (``float_array``): float32 and float64 arrays are kept as they are; integer
and boolean arrays are computed in float64; anything else (complex, strings, objects) is a
``TypeError``.
"""

from __future__ import annotations

import math
import numbers
import os
from typing import Any

import numpy as np

__all__ = ["integer", "pair", "real", "choice", "float_array", "check_ndim", "seed",
           "size_budget", "set_size_budget", "check_size"]

# The largest array (in bytes) a course_lib function allocates without being asked to: small
# enough that a learner on a 2 GB hosted kernel gets an error instead of a dead kernel.
DEFAULT_SIZE_BUDGET = 512 * 2**20
_ENV_BUDGET = "COURSE_LIB_SIZE_BUDGET"


def _bounds(minimum: int | float | None, maximum: int | float | None) -> str:
    if minimum is not None and maximum is not None:
        return f" in [{minimum}, {maximum}]"
    if minimum is not None:
        return f" >= {minimum}"
    if maximum is not None:
        return f" <= {maximum}"
    return ""


def integer(value: Any, name: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as an int if it is an integer (not a bool) within the bounds; raise otherwise."""
    bounds = _bounds(minimum, maximum)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        finite = not (isinstance(value, numbers.Real) and not math.isfinite(value))
        what = "an integer" if finite else "a finite integer"
        raise TypeError(
            f"{name} must be {what}{bounds}, got {value!r} of type {type(value).__name__}"
        )
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ValueError(f"{name} must be an integer{bounds}, got {value}")
    return int(value)


def pair(value: Any, name: str, minimum: int) -> tuple[int, int]:
    """An int ``v`` means ``(v, v)``; a pair ``(a, b)`` is checked element by element."""
    valid = f"{name} must be an integer >= {minimum} or a pair of them (height, width)"
    if isinstance(value, (tuple, list, np.ndarray)):
        if len(value) != 2:
            raise ValueError(f"{valid}, got {value!r} with {len(value)} elements")
        try:
            return integer(value[0], name, minimum), integer(value[1], name, minimum)
        except (TypeError, ValueError) as err:
            raise type(err)(f"{valid}, got {tuple(value)!r}") from None
    try:
        v = integer(value, name, minimum)
    except (TypeError, ValueError) as err:
        raise type(err)(f"{valid}, got {value!r}") from None
    return v, v


def real(value: Any, name: str, minimum: float | None = None) -> float:
    """``value`` as a float if it is a finite real number (not a bool) >= ``minimum``."""
    bounds = _bounds(minimum, None)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    if not math.isfinite(value) or (minimum is not None and value < minimum):
        raise ValueError(f"{name} must be a finite number{bounds}, got {value}")
    return float(value)


def choice(value: Any, name: str, options: tuple | list | dict) -> Any:
    """``value`` if it is one of ``options``; a ``ValueError`` listing them otherwise."""
    try:
        ok = value in options
    except TypeError:  # unhashable value looked up in a dict or set
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {tuple(options)}, got {value!r}")
    return value


def float_array(x: Any, name: str) -> np.ndarray:
    """``x`` as an ndarray of a floating dtype (float32/float64 kept; ints and bools -> float64)."""
    arr = np.asarray(x)
    if arr.dtype.kind == "f":
        return arr
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    raise TypeError(
        f"{name} must be an array of real numbers (float32, float64, int or bool), "
        f"got dtype {arr.dtype}"
    )


def check_ndim(arr: np.ndarray, name: str, ndims: tuple[int, ...], layout: str) -> None:
    """Raise a ``ValueError`` unless ``arr.ndim`` is one of ``ndims`` (``layout`` names the axes)."""
    if arr.ndim not in ndims:
        raise ValueError(
            f"{name} must have shape {layout} ({' or '.join(map(str, ndims))} dimensions), "
            f"got shape {arr.shape} with {arr.ndim} dimensions"
        )


def seed(value: Any, name: str = "seed") -> int:
    """A random seed: an integer >= 0."""
    return integer(value, name, 0)


def _budget_from_env() -> int:
    text = os.environ.get(_ENV_BUDGET, "").strip()
    if not text:
        return DEFAULT_SIZE_BUDGET
    try:
        return integer(int(text), _ENV_BUDGET, 1)
    except ValueError:
        raise ValueError(f"the environment variable {_ENV_BUDGET} must be a whole number of bytes "
                         f">= 1, got {text[:40]!r}") from None


_size_budget = _budget_from_env()


def size_budget() -> int:
    """The size budget in bytes: the largest array a course_lib function will allocate."""
    return _size_budget


def set_size_budget(nbytes: int | None) -> int:
    """Set the size budget to ``nbytes`` (``None``: back to the default); return the old one.

    The default (512 MiB, or the environment variable ``COURSE_LIB_SIZE_BUDGET``) keeps a
    2 GB hosted kernel alive; raise it on a machine with more memory.
    """
    global _size_budget
    old = _size_budget
    _size_budget = DEFAULT_SIZE_BUDGET if nbytes is None else integer(nbytes, "nbytes", 1)
    return old


def _human(nbytes: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if nbytes < 1024 or unit == "TiB":
            return f"{nbytes} {unit}" if unit == "bytes" else f"{nbytes:.1f} {unit}"
        nbytes /= 1024
    return ""  # unreachable


def check_size(shape: tuple[int, ...], dtype: Any, cause: str, what: str) -> None:
    """Raise a ``ValueError`` before allocating an array of ``shape`` and ``dtype`` that is
    larger than the size budget. ``cause`` names the arguments that made it large (for example
    ``"padding=20000"``), ``what`` the array (``"the padded image"``)."""
    nbytes = math.prod(int(n) for n in shape) * np.dtype(dtype).itemsize  # Python ints: no overflow
    if nbytes > _size_budget:
        raise ValueError(
            f"{cause} would need {_human(nbytes)} for {what} of shape {tuple(shape)}, more than "
            f"the size budget of {_human(_size_budget)}; use smaller arguments, or raise the "
            f"budget with course_lib.set_size_budget(nbytes) (or the {_ENV_BUDGET} environment "
            f"variable) if the machine has the memory"
        )
