"""Lesson 07, the VGG tables: exercises (reusable in assignments).

Every expected value is computed by ``course_lib.vgg`` (which the tests check against the
paper and torchvision), never typed in.
"""

from __future__ import annotations

from collections.abc import Sequence

from course_lib import vgg
from course_lib.exercises import Exercise, known_mistakes, reference_slips

__all__ = ["q1", "q2", "q3", "q4", "stacked_field"]

# ---- exercise 1: one convolution's parameters ------------------------------------------------
# The first layer of block 3 in configuration D: conv3-256 applied to the 128 channels that
# block 2 hands over.
_d = vgg.layer_table("D")


def _diagnosed(expected: float, mistakes: Sequence[tuple[float, str]], rtol: float = 1e-9,
               mistake_rtol: float | None = None):
    """``known_mistakes`` for a count or a fraction: relative tolerances only."""
    return known_mistakes(expected, mistakes, rtol=rtol, atol=0.0, mistake_rtol=mistake_rtol,
                          mistake_atol=0.0)


_block3_first = next(r for r in _d.rows if r.label == "conv3-256")

q1 = Exercise(
    "Exercise 1 · parameters of one conv3-256",
    checker=_diagnosed(_block3_first.params, [
        (3 * 3 * 128 * 256, "that counts the weights only: each of the 256 output channels also "
                            "has one bias"),
        (3 * 3 * 256 * 256 + 256, "this layer reads the 128 channels of block 2, not 256: its "
                                  "kernels are 3x3x128"),
        (3 * 3 * 256 + 256, "each output channel has a 3x3 kernel for every one of the 128 "
                            "input channels, not a single 3x3 kernel"),
    ]),
    hints=[
        "Each of the 256 output channels has one 3x3 kernel per input channel, plus one bias.",
        "Weights: 3 * 3 * 128 * 256. Biases: 256. Add them.",
    ],
    solution="""
    answer_1 = 3 * 3 * 128 * 256 + 256   # = 295,168
    """,
)


# ---- exercise 2: receptive field of a stack --------------------------------------------------
def stacked_field(n_layers: int, kernel_size: int) -> int:
    """Reference: receptive field of ``n_layers`` stacked stride-1 K x K convolutions."""
    return vgg.receptive_field([(kernel_size, 1)] * n_layers)[-1][0]


q2 = Exercise(
    "Exercise 2 · how far does a stack see?",
    checker=reference_slips(Exercise("q2", reference=stacked_field,
                                     cases=[(1, 3), (2, 3), (3, 3), (4, 3), (3, 5), (5, 1), (2, 7)]), [
        (lambda n, k: n * k, "n * K counts the overlap of neighbouring layers twice: each further "
                             "layer adds K - 1 pixels, not K"),
        (lambda n, k: n * (k - 1), "one short: a single pixel at the top already sees itself, so "
                                   "start from 1 and add K - 1 per layer"),
        (lambda n, k: k ** n, "the field grows by addition, not multiplication: with stride 1 each "
                              "layer adds K - 1 pixels"),
    ]),
    forbidden=("course_lib.vgg",),
    hints=[
        "One K x K convolution sees K pixels along each axis.",
        "With stride 1, every further layer adds K - 1 pixels to the field (half on each side).",
    ],
    solution="""
    def field_of_stack(n_layers, kernel_size):
        return 1 + n_layers * (kernel_size - 1)
    """,
)

# ---- exercise 3: the first FC layer depends on the input size --------------------------------
q3 = Exercise(
    "Exercise 3 · VGG-D on 256 x 256 images",
    checker=_diagnosed(vgg.count_parameters("D", input_size=256), [
        (vgg.count_parameters("D") + (512 * 8 * 8 - 512 * 7 * 7), "the first FC layer has 4096 "
         "outputs: each of the 512 * (8 * 8 - 7 * 7) new inputs brings 4096 weights"),
        (vgg.count_parameters("D"), "that is the count for 224 x 224 images: with 256 x 256 "
                                    "the last feature map is 8 x 8, not 7 x 7, and the first FC "
                                    "layer reads all of it"),
        ((512 * 8 * 8 - 512 * 7 * 7) * 4096, "that is only the change: add it to the 224 x 224 "
                                             "count, 138,357,544"),
    ]),
    hints=[
        "The convolutions do not care about the image size: only the first FC layer changes.",
        "After five 2x2 pools a 256 x 256 image is 8 x 8, so FC-4096 sees 512 * 8 * 8 inputs "
        "instead of 512 * 7 * 7.",
        "Start from count_parameters('D'): every new input of the first FC layer brings one "
        "weight for each of its 4096 outputs.",
    ],
    solution="""
    answer_3 = 138_357_544 + (512 * 8 * 8 - 512 * 7 * 7) * 4096
    # or: vgg.count_parameters("D", input_size=256)
    """,
)

# ---- exercise 4: where do the parameters live? -----------------------------------------------
_fc_params = sum(r.params for r in _d.rows if r.kind == "fc")

q4 = Exercise(
    "Exercise 4 · the share of the FC layers",
    checker=_diagnosed(_fc_params / _d.total_params, [
        (100 * _fc_params / _d.total_params, "that is a percentage: give the fraction, a number "
                                             "between 0 and 1"),
        (1 - _fc_params / _d.total_params, "that is the share of the convolutions; the question "
                                           "asks for the FC layers"),
        (next(r.params for r in _d.rows if r.kind == "fc") / _d.total_params,
         "that is the first FC layer alone: add the other two FC layers"),
    ], rtol=1e-3, mistake_rtol=1e-2),
    hints=[
        "Add up the parameters of the three FC rows of layer_table('D') ...",
        "... and divide by the total, table.total_params. The answer is a fraction between 0 and 1.",
    ],
    solution="""
    fc = sum(r.params for r in table_d.rows if r.kind == "fc")
    answer_4 = fc / table_d.total_params   # about 0.894
    """,
)
