"""Lesson 00: one demo exercise that shows how check, hint and solution work."""

from course_lib.exercises import Exercise

demo = Exercise(
    "Demo exercise",
    expected=3,
    hints=[
        "Slide the 3x3 window along one row of 5 pixels: in how many places does it fit entirely?",
        "It starts at column 0 and its last position starts at column 5 - 3 = 2.",
    ],
    solution="""
    answer = 5 - 3 + 1  # positions 0, 1 and 2
    """,
)
