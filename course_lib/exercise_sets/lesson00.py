"""Lesson 00: one demo exercise that shows how check, hint and solution work."""

from numbers import Integral, Real

from course_lib.exercises import Exercise

_PIXELS, _WINDOW = 5, 3


def _check_positions(answer) -> str | None:
    """The number of positions of a 3-wide window inside a row of 5 pixels: 5 - 3 + 1 = 3.

    Returns None when right, else the reason, naming the usual slips."""
    if isinstance(answer, bool) or not isinstance(answer, Real):
        return (f"answer with a number (answer = 4, not answer = '4'); "
                f"you gave the {type(answer).__name__} {answer!r}")
    if answer != int(answer):
        return f"the window moves whole pixels, so the count is a whole number; you gave {answer}"
    answer = int(answer) if not isinstance(answer, Integral) else answer
    right = _PIXELS - _WINDOW + 1
    if answer == right:
        return None
    reasons = {
        _PIXELS: "5 is the number of pixels; a window starting at column 3 or 4 would stick out of the row",
        _PIXELS - _WINDOW: "2 is the last column where the window can start, but counting starts at column 0",
        _PIXELS + _WINDOW - 1: "7 counts positions where the window only partly overlaps the row "
                               "(that is 'full' convolution, with padding); here it must stay inside",
    }
    return reasons.get(answer) or (f"your answer is {answer}; list the columns where the window's left edge can be "
                   "(it covers that column and the next two, and the row ends at column 4)")


demo = Exercise(
    "Demo exercise",
    checker=_check_positions,
    hints=[
        "Number the pixels 0 to 4. Where can the window's left edge be, if the window covers that "
        "column and the two after it, and must not go past column 4?",
        "The left edge can be at column 0, 1 or 2. In general a window of k pixels fits n - k + 1 "
        "times in a row of n (lesson 04 adds padding and strides to this formula).",
    ],
    solution="""
    answer = 5 - 3 + 1  # the left edge at column 0, 1 or 2
    """,
)
