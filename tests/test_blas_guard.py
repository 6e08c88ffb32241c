"""The guard against BLAS's false "invalid value encountered in matmul" (course_lib/_blas.py).

CI once failed on a correct float32 ``rnn_forward`` because OpenBLAS left the invalid flag set
(hypothesis reported it as flaky: the same call passed when repeated). The flag cannot be
provoked on demand, so these tests check the two things that matter: the decorator silences
*invalid* and nothing else, and every library function that multiplies matrices wears it.
"""

import ast
import importlib
import inspect
import warnings
from pathlib import Path

import numpy as np
import pytest

import course_lib
from course_lib._blas import ignore_blas_invalid_flag

LIB = Path(course_lib.__file__).parent


def _inf_minus_inf():
    return np.array([np.inf]) - np.array([np.inf])


def test_guard_silences_invalid_but_plain_numpy_warns():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeWarning, match="invalid value"):
            _inf_minus_inf()
        assert np.isnan(ignore_blas_invalid_flag(_inf_minus_inf)()[0])


def test_guard_still_reports_overflow_and_division_by_zero():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeWarning, match="overflow"):
            ignore_blas_invalid_flag(lambda: np.array([1e308]) @ np.array([1e308]))()
        with pytest.raises(RuntimeWarning, match="divide by zero"):
            ignore_blas_invalid_flag(lambda: np.array([1.0]) / np.array([0.0]))()


def test_guard_keeps_name_docstring_and_source_and_restores_the_state():
    from course_lib import rnn

    assert rnn.rnn_forward.__name__ == "rnn_forward"
    assert rnn.rnn_forward.__doc__ == rnn.rnn_forward.__wrapped__.__doc__
    assert "(T, N, D)" in rnn.rnn_forward.__doc__
    # lessons 01 and 02 show the library's code with inspect.getsource: the real function
    assert inspect.getsource(rnn.rnn_forward).startswith(
        "@ignore_blas_invalid_flag\ndef rnn_forward("
    )
    before = np.geterr()
    ignore_blas_invalid_flag(_inf_minus_inf)()
    assert np.geterr() == before
    with pytest.raises(ValueError):  # errors pass through unchanged
        rnn.rnn_forward(np.zeros((2, 3)), None, rnn.RNNParams.random(1, 1, 1))
    assert np.geterr() == before


def _multiplying_functions():
    """(module, function name, decorated?) for every function in course_lib whose body uses
    ``@``, ``np.matmul`` or ``.dot`` (the exercise sets' worked solutions are strings, not code,
    and their reference functions call the guarded library functions)."""
    found = []
    for path in sorted(LIB.rglob("*.py")):
        rel = path.relative_to(LIB)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            uses = any(
                (isinstance(n, ast.BinOp) and isinstance(n.op, ast.MatMult))
                or (isinstance(n, ast.Attribute) and n.attr in {"matmul", "dot"})
                for n in ast.walk(node)
            )
            if uses:
                decorated = any(
                    isinstance(d, ast.Name) and d.id == "ignore_blas_invalid_flag"
                    for d in node.decorator_list
                )
                module = ".".join(("course_lib", *rel.with_suffix("").parts))
                found.append((module, node.name, decorated))
    return found


def test_every_numpy_matrix_product_in_course_lib_is_guarded():
    found = _multiplying_functions()
    names = {name for _, name, _ in found}
    # the scan sees the functions it must (a scan that finds nothing would pass vacuously)
    assert {"rnn_forward", "rnn_backward", "lstm_forward", "conv2d", "linear"} <= names
    unguarded = [f"{m}.{n}" for m, n, ok in found if not ok]
    assert not unguarded, (
        f"these functions multiply matrices without @ignore_blas_invalid_flag: {unguarded}"
    )


@pytest.mark.parametrize("module,name", [(m, n) for m, n, ok in _multiplying_functions() if ok])
def test_guarded_functions_are_really_wrapped(module, name):
    func = getattr(importlib.import_module(module), name)
    assert hasattr(func, "__wrapped__"), f"{module}.{name} is marked but not wrapped"
