"""Lesson 00: one demo exercise that shows how check, hint and solution work."""

from course_lib.exercises import Exercise, Incorrect, compare

_PIXELS, _WINDOW = 5, 3


def _check_positions(answer) -> None:
    """The number of positions of a 3-wide window inside a row of 5 pixels: 5 - 3 + 1 = 3.

    Raises Incorrect when wrong, naming the usual slips."""
    right = _PIXELS - _WINDOW + 1
    why = compare(answer, right)
    if why is None:
        return
    if isinstance(answer, str):
        raise Incorrect(f"answer with a number (answer = 4, not answer = '4'); you gave the text {answer!r}")
    reasons = {
        _PIXELS: "5 is the number of pixels; a window starting at column 3 or 4 would stick out of the row",
        _PIXELS - _WINDOW: "2 is the last column where the window can start, but counting starts at column 0",
        _PIXELS + _WINDOW - 1: "7 counts positions where the window only partly overlaps the row "
                               "(that is 'full' convolution, with padding); here it must stay inside",
    }
    for wrong, reason in reasons.items():
        if compare(answer, wrong) is None:
            raise Incorrect(reason)
    if "should be" in why:     # not a number at all
        raise Incorrect(why)
    raise Incorrect(f"{why}; list the columns where the window's left edge can be "
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
