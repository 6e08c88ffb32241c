"""A guard against one false alarm of optimised matrix-multiplication libraries.

NumPy hands ``a @ b`` on float arrays to a BLAS library (OpenBLAS in NumPy's wheels) and
afterwards reads the processor's floating-point flags to decide whether to warn. Some BLAS
kernels now and then leave the *invalid* flag set although inputs and result are finite and
correct, so NumPy prints ``RuntimeWarning: invalid value encountered in matmul`` for nothing
(numpy/numpy#24067, OpenMathLib/OpenBLAS#1924). It depends on memory contents, so it comes and
goes between identical runs: in a notebook it shows up as stray red text, and in a test suite
that turns warnings into errors it fails a correct computation.

:func:`ignore_blas_invalid_flag` silences that one flag inside the functions it decorates,
which use only products, sums, ``tanh`` and the logistic function. Nothing real is hidden: with
finite inputs those operations can make a NaN only after some value has overflowed to infinity,
and overflow is still reported ("overflow encountered in matmul"). NaN or infinite inputs give
NaN or infinite outputs, as in PyTorch. Keep the decorator off code that divides, takes
logarithms or square roots, where *invalid* can be a real warning.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

import numpy as np

F = TypeVar("F", bound=Callable)


def ignore_blas_invalid_flag(func: F) -> F:
    """Run ``func`` with NumPy's *invalid* floating-point warning off (see the module doc)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with np.errstate(invalid="ignore"):
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
