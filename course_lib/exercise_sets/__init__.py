"""Exercise sets of the lessons, one module per lesson (lessonNN.py) and per assignment
(assignment_*.py): reusable in assignments.

Every exercise is reachable as ``course_lib.exercise_sets.<module>.<name>`` (for example
``lesson03.q1``); a module is imported on first access, so ``import course_lib.exercise_sets``
is enough.
"""

import importlib

__all__ = ["lesson00", "lesson01", "lesson02", "lesson03", "lesson04", "lesson05", "lesson06",
           "lesson07", "lesson08", "lesson09", "assignment_conv", "assignment_digits"]


def __getattr__(name: str):
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
