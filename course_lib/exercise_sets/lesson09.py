"""Exercises of lesson 09, visual question answering: ``q1`` (the relation "to the right of"),
``q2`` (the shape of the CNN's feature map), ``q3`` (a question as padded ids with <unk>)."""

from __future__ import annotations

from course_lib import vqa
from course_lib.exercises import Exercise, known_mistakes, reference_slips
from course_lib.vqa import SceneObject

__all__ = ["q1", "q2", "q3", "EXAMPLE_SCENE", "Q3_VOCAB"]

#: a scene for q1's example: red square in the middle, two objects to its right
EXAMPLE_SCENE = (SceneObject("triangle", "blue", 0, 2), SceneObject("square", "red", 1, 1),
                 SceneObject("circle", "green", 2, 0), SceneObject("circle", "yellow", 2, 2))


def _right_of(scene, obj):
    return [b for b in scene if b is not obj and vqa.related(obj, b, "right")]


def _others(relation, same_column=False):
    def fn(scene, obj):
        return [b for b in scene if b is not obj
                and (vqa.related(obj, b, relation) or (same_column and b.col == obj.col))]
    return fn


_q1_plain = Exercise(
    "q1", reference=_right_of,
    cases=[(EXAMPLE_SCENE, EXAMPLE_SCENE[1])]
    + [(s, s[k % len(s)]) for k, s in enumerate(vqa.make_scene(seed) for seed in range(12))])

q1 = Exercise(
    "Exercise 1: to the right of",
    checker=reference_slips(_q1_plain, [
        (_others("right", same_column=True), "objects in the same column are not to the right: "
         "the column must be strictly larger (b.col > obj.col)"),
        (_others("left"), "that is 'to the left of' (smaller column); right means a larger column"),
        (_others("below"), "that compares rows (it finds the objects below); 'to the right of' "
         "compares columns, whatever the rows"),
        (_others("above"), "that compares rows (it finds the objects above); 'to the right of' "
         "compares columns, whatever the rows"),
    ]),
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
    checker=known_mistakes((32, 3, 3), [
        ((3, 3, 32), "right numbers, wrong order: PyTorch puts the channels first, "
                     "(channels, rows, columns)"),
        ((32, 6, 6), "there are three conv + pool blocks, so three halvings: 24 -> 12 -> 6 -> 3"),
        ((32, 12, 12), "there are three conv + pool blocks, so three halvings: 24 -> 12 -> 6 -> 3"),
        ((32, 24, 24), "the convolutions keep the size (padding 1), but each 2x2 max pooling "
                       "halves it"),
        ((16, 3, 3), "the size is right; the channels are those of the LAST convolution, 32"),
        ((3, 3, 3), "the size is right; the channels are those of the last convolution (32), "
                    "not of the RGB input"),
    ]),
    hints=["Each block keeps the size (3x3 convolution with padding 1, lesson 04) and then "
           "halves it (2x2 max pooling with stride 2, lesson 06).",
           "24 -> 12 -> 6 -> 3, and the last convolution has 32 output channels."],
    solution="answer_2 = (32, 3, 3)   # (channels, rows, columns): one 32-vector per grid cell",
)

#: the vocabulary of q3
Q3_VOCAB = vqa.Vocabulary(["is", "there", "a", "red", "square", "?"])

q3 = Exercise(
    "Exercise 3: a question as ids",
    checker=known_mistakes(Q3_VOCAB.encode_batch(["Is there a pink square?"], length=8)[0], [
        ([2, 3, 4, 1, 6, 7, 0, 0], "the ids are right, but the padding goes on the LEFT, so that "
                                   "the LSTM's last step reads the last word"),
        ([0, 0, 0, 2, 3, 4, 6, 7], "'pink' is not dropped: an unknown word becomes <unk> (id 1), "
                                   "so the question keeps its length"),
        ([0, 0, 2, 3, 4, 0, 6, 7], "'pink' is unknown, which is <unk> (id 1); id 0 is only for "
                                   "padding"),
        ([0, 0, 2, 3, 4, 5, 6, 7], "'pink' is not 'red': it is not in the vocabulary at all, so it "
                                   "becomes <unk> (id 1)"),
    ]),
    hints=["Ids: <pad>=0, <unk>=1, then the words in order: is=2, there=3, a=4, red=5, "
           "square=6, ?=7.",
           "'pink' is not in the vocabulary; the padding goes on the LEFT, so that the LSTM's "
           "last step reads the last word."],
    solution="answer_3 = np.array([0, 0, 2, 3, 4, 1, 6, 7])",
)
