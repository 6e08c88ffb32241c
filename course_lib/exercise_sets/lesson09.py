"""Exercises of lesson 09, visual question answering: ``q1`` (the relation "to the right of"),
``q2`` (the shape of the CNN's feature map), ``q3`` (a question as padded ids with <unk>)."""

from __future__ import annotations

from course_lib import vqa
from course_lib.exercises import Exercise
from course_lib.vqa import SceneObject

__all__ = ["q1", "q2", "q3", "EXAMPLE_SCENE", "Q3_VOCAB"]

#: a scene for q1's example: red square in the middle, two objects to its right
EXAMPLE_SCENE = (SceneObject("triangle", "blue", 0, 2), SceneObject("square", "red", 1, 1),
                 SceneObject("circle", "green", 2, 0), SceneObject("circle", "yellow", 2, 2))


def _right_of(scene, obj):
    return [b for b in scene if b is not obj and vqa.related(obj, b, "right")]


q1 = Exercise(
    "Exercise 1: to the right of",
    reference=_right_of,
    cases=[(EXAMPLE_SCENE, EXAMPLE_SCENE[1])]
    + [(s, s[k % len(s)]) for k, s in enumerate(vqa.make_scene(seed) for seed in range(12))],
    hints=["B is to the right of A when B.col > A.col, whatever the rows.",
           "Loop over the scene, skip the object itself, keep b when b.col > obj.col; keep the "
           "scene's order."],
    solution="""
    def right_of(scene, obj):
        return [b for b in scene if b is not obj and b.col > obj.col]
    """,
)

q2 = Exercise(
    "Exercise 2: the CNN's feature map",
    expected=(32, 3, 3),
    hints=["Each block keeps the size (3x3 convolution with padding 1, lesson 04) and then "
           "halves it (2x2 max pooling with stride 2, lesson 06).",
           "24 -> 12 -> 6 -> 3, and the last convolution has 32 output channels."],
    solution="answer_2 = (32, 3, 3)   # (channels, rows, columns): one 32-vector per grid cell",
)

#: the vocabulary of q3
Q3_VOCAB = vqa.Vocabulary(["is", "there", "a", "red", "square", "?"])

q3 = Exercise(
    "Exercise 3: a question as ids",
    expected=Q3_VOCAB.encode_batch(["Is there a pink square?"], length=8)[0],
    hints=["Ids: <pad>=0, <unk>=1, then the words in order: is=2, there=3, a=4, red=5, "
           "square=6, ?=7.",
           "'pink' is not in the vocabulary; the padding goes on the LEFT, so that the LSTM's "
           "last step reads the last word."],
    solution="answer_3 = np.array([0, 0, 2, 3, 4, 1, 6, 7])",
)
