"""Visual question answering at laptop size: a CNN sees, an LSTM reads.

The lecture motivates both networks with the Visual Turing Challenge (DAQUAR; Malinowski and
Fritz, NIPS 2014): "What is on the wall to the right side of the bookshelf?". This module builds
that task small enough to train on a CPU in seconds:

* a seeded generator of synthetic scenes (``make_scene``, ``render_scene``) and of questions whose
  answers follow from the scene and are never ambiguous (``make_questions``, ``make_dataset``);
* a tokenizer and vocabulary (``tokenize``, ``Vocabulary``; unknown words become ``<unk>``);
* the model (``VQAModel``): a small CNN image encoder and an LSTM question encoder (``torch.nn``),
  fused by letting the question weight the image's channels (an elementwise product), then a
  classifier over the answers; the same class with one input switched off
  gives the two baselines (question only, image only);
* ``train`` (with a ``tqdm.auto`` progress bar), ``evaluate`` (accuracy per question type),
  ``predict`` (top-k answers of one question) and ``accuracy_table``;
* what bounds the baselines: ``prior_baseline`` (the majority answer per question text) and
  ``image_only_ceiling`` (one answer for every question about a scene);
* ``read_daquar_qa``: a reader for DAQUAR's raw question-answer text files (it lives in
  :mod:`course_lib.data`, with the other file readers, and is re-exported here).

The package has one module per job: ``scenes`` (the scene and question generator, NumPy only),
``text`` (tokenizer and vocabulary, NumPy only), ``model`` (``Encoded``, ``encode_dataset``,
``VQAModel``, ``build_model``) and ``training`` (``train``, ``evaluate``, ``predict`` and the
baselines). Every public name is available as ``course_lib.vqa.NAME``; the torch modules are
imported only when one of their names is first used, so generating scenes never imports torch.

The scene
---------
An image is ``IMAGE_SIZE x IMAGE_SIZE`` RGB pixels (float32 in [0, 1]) cut into a ``GRID x GRID``
board of ``CELL x CELL`` cells. Each object sits in its own cell and is drawn as a
``SHAPE_SIZE x SHAPE_SIZE`` mask (``shape_mask``) centred in that cell, painted with its colour's
exact RGB value (``COLOUR_RGB``); every other pixel is ``BACKGROUND``.

Spatial relations (precise definition)
--------------------------------------
Object B is *to the right of* object A when B's column on the grid is strictly greater than A's
(``B.col > A.col``), whatever their rows; *to the left of* when ``B.col < A.col``; *above* when
``B.row < A.row`` (row 0 is the top); *below* when ``B.row > A.row``. Because objects sit on grid
cells, "further right" always means at least one whole cell (``CELL`` pixels between centres):
there are no borderline cases. A relation question names its reference object by colour and
shape ("the red square") and is asked only when exactly one object in the scene has that colour
and shape, and exactly one object satisfies the relation; its answer is that object's shape.
"""

from __future__ import annotations

import importlib
from typing import Any

from ..data import DaquarRecord, read_daquar_qa
from .scenes import (
    ANSWERS,
    BACKGROUND,
    CELL,
    COLOUR_RGB,
    COLOURS,
    GRID,
    IMAGE_SIZE,
    MAX_OBJECTS,
    PAD,
    QUESTION_TYPES,
    RELATIONS,
    SHAPE_SIZE,
    SHAPES,
    UNK,
    Sample,
    SceneObject,
    VQAData,
    make_dataset,
    make_questions,
    make_scene,
    related,
    render_scene,
    shape_mask,
)
from .text import Vocabulary, tokenize

# The names of the torch modules, imported on first use (PEP 562's module __getattr__).
_LAZY = {
    "Encoded": "model", "encode_dataset": "model", "VQAModel": "model", "build_model": "model",
    "train": "training", "predict_proba": "training", "evaluate": "training",
    "predict": "training", "prior_baseline": "training", "image_only_ceiling": "training",
    "accuracy_table": "training",
}

__all__ = [
    "GRID", "CELL", "SHAPE_SIZE", "IMAGE_SIZE", "SHAPES", "COLOURS", "COLOUR_RGB", "BACKGROUND",
    "RELATIONS", "QUESTION_TYPES", "MAX_OBJECTS", "ANSWERS", "PAD", "UNK",
    "SceneObject", "Sample", "VQAData", "Encoded", "Vocabulary", "VQAModel", "DaquarRecord",
    "shape_mask", "make_scene", "render_scene", "related", "make_questions", "make_dataset",
    "tokenize", "encode_dataset", "build_model", "train", "evaluate", "predict_proba",
    "predict", "prior_baseline", "image_only_ceiling", "accuracy_table", "read_daquar_qa",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
