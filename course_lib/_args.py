"""Argument checks shared by course_lib's numeric and data modules.

One place for the checks every public function makes on its arguments, so that the same
mistake gets the same message everywhere. Every message names the argument, quotes the value
and says what is valid; a wrong *type* raises ``TypeError``, a wrong *value* (out of range, not
one of the choices, wrong number of dimensions) raises ``ValueError``.

The dtype policy (one rule for every numeric module):

1. An array argument may be anything ``numpy.asarray`` accepts (an ndarray, a list, a scalar).
   float32 and float64 arrays keep their dtype; integer and boolean arrays are data and are
   computed in float64; every other dtype (float16, longdouble, complex, strings, objects) is a
   ``TypeError`` naming the argument (``float_array``).
2. The arrays of one call are promoted together as NumPy promotes them (``float_arrays``): the
   result is float32 only if every array is float32, float64 as soon as one is float64. A
   parameter set (``RNNParams``, ``LSTMParams``) counts as one array of its dtype; the arrays
   inside one parameter set share one dtype.
3. Nothing is cast down: float32 stays float32, and no float64 input is silently rounded.

A flag (``bias=True``, ``gray=False``) must be a real ``bool`` (``flag``): a truthy string is
refused rather than counted as True.
"""

from __future__ import annotations

import math
import numbers
import os
from typing import Any

import numpy as np

__all__ = ["integer", "pair", "real", "flag", "choice", "float_array", "float_arrays", "float_dtype",
           "check_ndim", "seed", "single_layer", "size_budget", "set_size_budget", "check_size"]

_FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))

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
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]  # a 0-d array is its one number
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


def real(value: Any, name: str, minimum: float | None = None, maximum: float | None = None,
         *, above: float | None = None, below: float | None = None, finite: bool = True) -> float:
    """``value`` as a float if it is a finite real number (not a bool) within the bounds.

    ``minimum``/``maximum`` are inclusive bounds, ``above``/``below`` exclusive ones (a learning
    rate is ``above=0``, a dropout probability ``minimum=0, below=1``). ``finite=False`` also
    accepts -inf and inf (a padding value), never NaN.
    """
    parts = [f">= {minimum}" if minimum is not None else "", f"> {above}" if above is not None
             else "", f"<= {maximum}" if maximum is not None else "",
             f"< {below}" if below is not None else ""]
    bounds = " and ".join(p for p in parts if p)
    bounds = f" {bounds}" if bounds else ""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    v = float(value)
    if (math.isnan(v) or (finite and math.isinf(v)) or (minimum is not None and v < minimum)
            or (maximum is not None and v > maximum) or (above is not None and v <= above)
            or (below is not None and v >= below)):
        what = "a finite number" if finite else "a number (not NaN)"
        raise ValueError(f"{name} must be {what}{bounds}, got {value}")
    return v


def flag(value: Any, name: str) -> bool:
    """``value`` if it is ``True`` or ``False`` (a NumPy bool too); a truthy string is refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


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
    """``x`` as an ndarray under the dtype policy: float32/float64 kept, ints and bools -> float64."""
    arr = np.asarray(x)
    if arr.dtype in _FLOAT_DTYPES:
        return arr
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    hint = "; convert it with .astype(np.float32)" if arr.dtype.kind == "f" else ""
    raise TypeError(
        f"{name} must be an array of real numbers (float32, float64, int or bool), "
        f"got dtype {arr.dtype}{hint}"
    )


def float_dtype(dtype: Any, name: str = "dtype") -> np.dtype:
    """``dtype`` as a NumPy dtype if it is float32 or float64 (a dtype argument, not an array)."""
    try:
        dt = np.dtype(dtype)
    except TypeError as e:
        raise TypeError(f"{name} must be numpy.float32 or numpy.float64, got {dtype!r}") from e
    if dt not in _FLOAT_DTYPES:
        raise TypeError(f"{name} must be numpy.float32 or numpy.float64, got {dt}")
    return dt


def float_arrays(dtype: Any = None, **arrays: Any) -> tuple[np.dtype, list[np.ndarray | None]]:
    """The arrays of one call, each through ``float_array``, promoted to their common dtype.

    ``dtype`` (optional) takes part in the promotion, for a parameter set's dtype; ``None``
    values stay ``None``. Returns ``(common_dtype, [arrays in the order given])``.
    """
    out = {k: None if v is None else float_array(v, k) for k, v in arrays.items()}
    dtypes = [a.dtype for a in out.values() if a is not None]
    common = np.result_type(*dtypes, *([] if dtype is None else [np.dtype(dtype)]))
    return common, [None if a is None else a.astype(common, copy=False) for a in out.values()]


def check_ndim(arr: np.ndarray, name: str, ndims: tuple[int, ...], layout: str) -> None:
    """Raise a ``ValueError`` unless ``arr.ndim`` is one of ``ndims`` (``layout`` names the axes)."""
    if arr.ndim not in ndims:
        raise ValueError(
            f"{name} must have shape {layout} ({' or '.join(map(str, ndims))} dimensions), "
            f"got shape {arr.shape} with {arr.ndim} dimensions"
        )


def single_layer(module: Any, name: str, per_layer: str) -> None:
    """A ``torch.nn.RNN``/``LSTM`` module with one layer, one direction and no projection
    (what the lecture's parameters describe); ``per_layer`` names what to build per layer."""
    if module.num_layers != 1:
        raise ValueError(f"{name} must have num_layers=1, got num_layers={module.num_layers}; "
                         f"convert each layer separately ({per_layer})")
    if module.bidirectional:
        raise ValueError(f"{name} must have bidirectional=False, got bidirectional=True")
    if getattr(module, "proj_size", 0):
        raise ValueError(f"{name} must have proj_size=0, got proj_size={module.proj_size}")


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
