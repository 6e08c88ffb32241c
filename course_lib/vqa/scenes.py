"""The synthetic scenes and their questions: NumPy only (no torch import).

See :mod:`course_lib.vqa` for the scene's layout and the precise definition of the spatial
relations.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .._args import check_size, choice, integer

__all__ = [
    "GRID", "CELL", "SHAPE_SIZE", "IMAGE_SIZE", "SHAPES", "COLOURS", "COLOUR_RGB", "BACKGROUND",
    "RELATIONS", "QUESTION_TYPES", "MAX_OBJECTS", "ANSWERS", "PAD", "UNK",
    "SceneObject", "Sample", "VQAData", "shape_mask", "make_scene", "render_scene", "related",
    "make_questions", "make_dataset",
]

GRID = 3
CELL = 8
SHAPE_SIZE = 6
IMAGE_SIZE = GRID * CELL
SHAPES = ("square", "circle", "triangle")
COLOURS = ("red", "green", "blue", "yellow")
COLOUR_RGB = {
    "red": (0.9, 0.1, 0.1),
    "green": (0.1, 0.75, 0.2),
    "blue": (0.2, 0.35, 1.0),
    "yellow": (0.95, 0.85, 0.1),
}
BACKGROUND = (0.15, 0.15, 0.15)
RELATIONS = ("left", "right", "above", "below")
QUESTION_TYPES = ("colour", "relation", "count", "exist")
MAX_OBJECTS = 4
ANSWERS = COLOURS + SHAPES + tuple(str(k) for k in range(MAX_OBJECTS + 1)) + ("yes", "no")
PAD, UNK = "<pad>", "<unk>"


@dataclass(frozen=True)
class SceneObject:
    """One object of a scene: its shape, its colour and its cell (row 0 is the top row)."""

    shape: str
    colour: str
    row: int
    col: int


@dataclass(frozen=True)
class Sample:
    """One question about one scene.

    ``scene`` is the full scene description, so that every answer can be re-derived from it;
    ``scene_id`` indexes the image in ``VQAData.images``; ``qtype`` is one of ``QUESTION_TYPES``.
    """

    scene_id: int
    scene: tuple[SceneObject, ...]
    question: str
    answer: str
    qtype: str


@dataclass
class VQAData:
    """Scenes and questions: ``images`` (S, H, W, 3) float32, one per scene, and ``samples``."""

    images: np.ndarray
    scenes: list[tuple[SceneObject, ...]]
    samples: list[Sample]


def _check_int(name: str, value, low: int, high: int | None = None) -> int:
    # (name, value) order kept: lesson 09 prints VQAModel.__init__, which calls it
    return integer(value, name, low, high)


def shape_mask(shape: str) -> np.ndarray:
    """The boolean ``(SHAPE_SIZE, SHAPE_SIZE)`` mask that draws ``shape``.

    Args:
        shape: one of ``SHAPES``.

    Returns:
        bool array of shape ``(SHAPE_SIZE, SHAPE_SIZE)``.

    Example:
        >>> bool(shape_mask("square").all())
        True
    """
    s = SHAPE_SIZE
    i, j = np.mgrid[0:s, 0:s]
    c = (s - 1) / 2
    if shape == "square":
        return np.ones((s, s), dtype=bool)
    if shape == "circle":
        return (i - c) ** 2 + (j - c) ** 2 <= (s / 2) ** 2
    if shape == "triangle":  # apex at the top, base along the bottom row
        return np.abs(j - c) <= (i + 1) / 2
    raise ValueError(f"shape must be one of {SHAPES}, got {shape!r}")


def make_scene(rng: np.random.Generator | int, n_objects: int | None = None
               ) -> tuple[SceneObject, ...]:
    """A random scene: 2 to ``MAX_OBJECTS`` objects, each in its own grid cell.

    Args:
        rng: a ``numpy.random.Generator`` or an int seed.
        n_objects: how many objects (default: drawn uniformly from 2..MAX_OBJECTS).

    Returns:
        tuple of ``SceneObject`` sorted by (row, col).

    Example:
        >>> scene = make_scene(0)
        >>> 2 <= len(scene) <= MAX_OBJECTS
        True
    """
    rng = _as_rng(rng)
    if n_objects is None:
        n_objects = int(rng.integers(2, MAX_OBJECTS + 1))
    n_objects = _check_int("n_objects", n_objects, 1, GRID * GRID)
    cells = rng.choice(GRID * GRID, size=n_objects, replace=False)
    objs = [SceneObject(SHAPES[rng.integers(len(SHAPES))], COLOURS[rng.integers(len(COLOURS))],
                        int(c) // GRID, int(c) % GRID) for c in cells]
    return tuple(sorted(objs, key=lambda o: (o.row, o.col)))


def _as_rng(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(_check_int("seed", rng, 0))


def render_scene(scene: Sequence[SceneObject]) -> np.ndarray:
    """Draw a scene.

    Args:
        scene: objects with distinct cells, shapes in ``SHAPES`` and colours in ``COLOURS``.

    Returns:
        float32 image of shape ``(IMAGE_SIZE, IMAGE_SIZE, 3)`` in [0, 1].

    Example:
        >>> img = render_scene([SceneObject("square", "red", 0, 0)])
        >>> img.shape, img[3, 3].tolist() == list(np.float32(COLOUR_RGB["red"]))
        ((24, 24, 3), True)
    """
    img = np.empty((IMAGE_SIZE, IMAGE_SIZE, 3), dtype=np.float32)
    img[:] = BACKGROUND
    seen = set()
    off = (CELL - SHAPE_SIZE) // 2
    for o in scene:
        if not isinstance(o, SceneObject):
            raise TypeError(f"scene must hold SceneObject items, got {type(o).__name__}")
        choice(o.colour, "colour", COLOURS)
        for name, v in (("row", o.row), ("col", o.col)):
            _check_int(name, v, 0, GRID - 1)
        if (o.row, o.col) in seen:
            raise ValueError(f"two objects share the cell (row={o.row}, col={o.col})")
        seen.add((o.row, o.col))
        r0, c0 = o.row * CELL + off, o.col * CELL + off
        patch = img[r0:r0 + SHAPE_SIZE, c0:c0 + SHAPE_SIZE]
        patch[shape_mask(o.shape)] = COLOUR_RGB[o.colour]
    return img


def related(a: SceneObject, b: SceneObject, relation: str) -> bool:
    """Whether ``b`` is ``relation`` of ``a`` ("right": b.col > a.col; "left": b.col < a.col;
    "above": b.row < a.row; "below": b.row > a.row). See the module docstring.

    Example:
        >>> related(SceneObject("square", "red", 0, 0), SceneObject("circle", "blue", 2, 1), "right")
        True
    """
    if relation == "right":
        return b.col > a.col
    if relation == "left":
        return b.col < a.col
    if relation == "above":
        return b.row < a.row
    if relation == "below":
        return b.row > a.row
    raise ValueError(f"relation must be one of {RELATIONS}, got {relation!r}")


def _relation_phrase(relation: str) -> str:
    return {"left": "to the left of", "right": "to the right of", "above": "above",
            "below": "below"}[relation]


def _candidates(scene: Sequence[SceneObject], qtype: str, rng: np.random.Generator
                ) -> list[tuple[str, str]]:
    """All unambiguous (question, answer) pairs of one type for a scene."""
    out = []
    if qtype == "colour":
        for s in SHAPES:
            objs = [o for o in scene if o.shape == s]
            if len(objs) == 1:
                tmpl = ("What is the colour of the {}?", "What colour is the {}?")[rng.integers(2)]
                out.append((tmpl.format(s), objs[0].colour))
    elif qtype == "relation":
        for a in scene:
            if sum(o.shape == a.shape and o.colour == a.colour for o in scene) != 1:
                continue
            for rel in RELATIONS:
                hits = [b for b in scene if b is not a and related(a, b, rel)]
                if len(hits) == 1:
                    q = f"What is {_relation_phrase(rel)} the {a.colour} {a.shape}?"
                    out.append((q, hits[0].shape))
    elif qtype == "count":
        for s in SHAPES:
            out.append((f"How many {s}s are there?", str(sum(o.shape == s for o in scene))))
        for c in COLOURS:
            out.append((f"How many {c} objects are there?",
                        str(sum(o.colour == c for o in scene))))
    elif qtype == "exist":
        present = {(o.colour, o.shape) for o in scene}
        want_yes = bool(rng.integers(2))
        pairs = [(c, s) for c in COLOURS for s in SHAPES if ((c, s) in present) == want_yes]
        for c, s in pairs:
            out.append((f"Is there a {c} {s}?", "yes" if want_yes else "no"))
    else:
        raise ValueError(f"qtype must be one of {QUESTION_TYPES}, got {qtype!r}")
    return out


def make_questions(scene: Sequence[SceneObject], rng: np.random.Generator | int,
                   qtypes: Iterable[str] = QUESTION_TYPES) -> list[tuple[str, str, str]]:
    """At most one question of each type about ``scene``, chosen at random among the
    unambiguous ones (a type with none is skipped).

    Args:
        scene: the objects.
        rng: a ``numpy.random.Generator`` or an int seed.
        qtypes: which question types to ask.

    Returns:
        list of ``(question, answer, qtype)``.

    Example:
        >>> scene = (SceneObject("square", "red", 0, 0), SceneObject("circle", "blue", 0, 2))
        >>> make_questions(scene, 0, qtypes=["relation"])[0][1] in ("circle", "square")
        True
    """
    rng = _as_rng(rng)
    out = []
    for qt in qtypes:
        cands = _candidates(scene, qt, rng)
        if cands:
            q, a = cands[rng.integers(len(cands))]
            out.append((q, a, qt))
    return out


def make_dataset(n_scenes: int, seed: int = 0,
                 exclude: Iterable[Sequence[SceneObject]] = ()) -> VQAData:
    """``n_scenes`` random scenes, each with up to one question per type.

    Args:
        n_scenes: number of scenes (>= 1).
        seed: the seed; the same seed gives the same data.
        exclude: scenes that must not appear (e.g. the training scenes, to make a test set of
            scenes the model has never seen: small scenes repeat by chance otherwise).

    Returns:
        ``VQAData`` with ``images`` of shape ``(n_scenes, IMAGE_SIZE, IMAGE_SIZE, 3)``.

    Example:
        >>> data = make_dataset(5, seed=1)
        >>> data.images.shape, len(data.samples) >= 5 * 3
        ((5, 24, 24, 3), True)
    """
    n_scenes = _check_int("n_scenes", n_scenes, 1)
    rng = _as_rng(seed)
    scenes, samples = [], []
    check_size((n_scenes, IMAGE_SIZE, IMAGE_SIZE, 3), np.float32, f"n_scenes={n_scenes}",
               "the images")
    images = np.empty((n_scenes, IMAGE_SIZE, IMAGE_SIZE, 3), dtype=np.float32)
    excluded = {tuple(sc) for sc in exclude}
    for k in range(n_scenes):
        for _ in range(10_000):
            scene = make_scene(rng)
            if scene not in excluded:
                break
        else:
            raise ValueError("exclude holds (almost) every possible scene: cannot draw a new one")
        scenes.append(scene)
        images[k] = render_scene(scene)
        for q, a, qt in make_questions(scene, rng):
            samples.append(Sample(k, scene, q, a, qt))
    return VQAData(images, scenes, samples)
