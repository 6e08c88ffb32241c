"""Exercise sets of the lessons, one module per lesson (lessonNN.py): reusable in assignments."""
