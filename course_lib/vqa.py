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
* ``read_daquar_qa``: a reader for DAQUAR's raw question-answer text files.

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

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from ._args import choice, integer, real

__all__ = [
    "GRID", "CELL", "SHAPE_SIZE", "IMAGE_SIZE", "SHAPES", "COLOURS", "COLOUR_RGB", "BACKGROUND",
    "RELATIONS", "QUESTION_TYPES", "ANSWERS", "PAD", "UNK",
    "SceneObject", "Sample", "VQAData", "Encoded", "Vocabulary", "VQAModel", "DaquarRecord",
    "shape_mask", "make_scene", "render_scene", "related", "make_questions", "make_dataset",
    "tokenize", "encode_dataset", "build_model", "train", "evaluate", "predict_proba",
    "predict", "prior_baseline", "image_only_ceiling", "accuracy_table", "read_daquar_qa",
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
        >>> shape_mask("square").all()
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


# --------------------------------------------------------------------------- tokenizer

_TOKEN = re.compile(r"[a-z0-9_]+|[?]")


def tokenize(text: str) -> list[str]:
    """Lower-case words (letters, digits, underscore) and question marks; other punctuation is
    dropped.

    Example:
        >>> tokenize("What colour is the Circle?")
        ['what', 'colour', 'is', 'the', 'circle', '?']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return _TOKEN.findall(text.lower())


class Vocabulary:
    """Word <-> id. Id 0 is ``<pad>``, id 1 is ``<unk>`` (any word not seen when building).

    Args:
        words: the known words (duplicates are ignored; order of first appearance is kept).

    Example:
        >>> v = Vocabulary.from_texts(["is there a red square?"])
        >>> v.encode("is there a pink square?").tolist()
        [2, 3, 4, 1, 6, 7]
        >>> v.encode_batch(["a?", "is there a"]).tolist()
        [[0, 4, 7], [2, 3, 4]]
    """

    def __init__(self, words: Iterable[str]):
        self.itos = [PAD, UNK]
        for w in words:
            if not isinstance(w, str):
                raise TypeError(f"words must be str, got {type(w).__name__} {w!r}")
            if w not in self.itos:
                self.itos.append(w)
        self.stoi = {w: k for k, w in enumerate(self.itos)}

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        """The vocabulary of every token in ``texts``."""
        return cls(w for t in texts for w in tokenize(t))

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, word: str) -> bool:
        return word in self.stoi

    def unknown_words(self, text: str) -> list[str]:
        """The tokens of ``text`` that this vocabulary does not know (they encode as ``<unk>``)."""
        return [w for w in tokenize(text) if w not in self.stoi]

    def encode(self, text: str) -> np.ndarray:
        """int64 ids of the tokens of ``text`` (unknown words -> id of ``<unk>``)."""
        return np.array([self.stoi.get(w, 1) for w in tokenize(text)], dtype=np.int64)

    def encode_batch(self, texts: Sequence[str], length: int | None = None) -> np.ndarray:
        """(N, L) int64 ids, padded with 0 on the left (``VQAModel`` reads only the words).

        Args:
            texts: N strings.
            length: L (default: the longest); a longer text raises ValueError.
        """
        rows = [self.encode(t) for t in texts]
        longest = max((len(r) for r in rows), default=0)
        if length is None:
            length = longest
        length = _check_int("length", length, 1)
        if longest > length:
            raise ValueError(f"length={length} is shorter than the longest text ({longest} tokens)")
        out = np.zeros((len(rows), length), dtype=np.int64)
        for k, r in enumerate(rows):
            if len(r):
                out[k, length - len(r):] = r
        return out

    def decode(self, ids: Iterable[int]) -> str:
        """The words of ``ids`` (padding dropped)."""
        return " ".join(self.itos[int(i)] for i in ids if int(i) != 0)


# --------------------------------------------------------------------------- model


@dataclass
class Encoded:
    """A dataset as tensors: ``images`` (S, 3, H, W) float32, ``scene_ids`` (N,) int64 (which
    image each question is about), ``tokens`` (N, L) int64, ``answers`` (N,) int64 (index in
    ``ANSWERS``) and ``qtypes`` (N,) str."""

    images: torch.Tensor
    scene_ids: torch.Tensor
    tokens: torch.Tensor
    answers: torch.Tensor
    qtypes: np.ndarray

    def __len__(self) -> int:
        return len(self.answers)


def encode_dataset(data: VQAData, vocab: Vocabulary, length: int | None = None) -> Encoded:
    """Turn ``VQAData`` into tensors for the model (see ``Encoded``)."""
    for s in data.samples:
        choice(s.answer, "answer", ANSWERS)
    images = torch.from_numpy(np.ascontiguousarray(data.images.transpose(0, 3, 1, 2)))
    return Encoded(
        images=images,
        scene_ids=torch.tensor([s.scene_id for s in data.samples], dtype=torch.int64),
        tokens=torch.from_numpy(vocab.encode_batch([s.question for s in data.samples], length)),
        answers=torch.tensor([ANSWERS.index(s.answer) for s in data.samples], dtype=torch.int64),
        qtypes=np.array([s.qtype for s in data.samples]),
    )


class VQAModel(nn.Module):
    """CNN image encoder + LSTM question encoder, fused, then a classifier over the answers.

    Image encoder: three blocks Conv2d(3x3, padding 1) -> BatchNorm2d -> ReLU -> MaxPool2d(2)
    turn a (N, 3, 24, 24) image into a (N, C, 3, 3) map: one C-vector per grid cell.
    (BatchNorm2d rescales each channel to zero mean and unit variance over the batch, then
    learns a scale and a shift; here it makes training several times faster.)
    Question encoder: Embedding -> LSTM over the words from a learned start state (h_0, s_0)
    (pads are never read before the last word); its hidden state after the last word, h_T
    (N, hidden_size).
    Fusion (elementwise product): a Linear layer turns h_T into C channel weights g, which
    multiply every cell's vector (the question chooses which features matter), then ReLU:
    fused = ReLU(v * g). Classifier: [flatten(fused) (where), fused summed over the cells
    (how many), h_T (what was asked)] -> Linear -> ReLU -> Linear -> answer logits.
    A baseline with one input switched off uses only the other: flatten(v) (image only) or h_T
    (question only).

    Args:
        vocab_size: number of word ids (``len(vocab)``).
        n_answers: number of answer classes.
        use_image, use_question: switch one input off for the baselines.
        channels: output channels of the three conv blocks.
        embed_dim, hidden_size: word embedding size and LSTM hidden size.
        fused: width of the hidden layer of the classifier.

    Shapes:
        forward(images (N, 3, IMAGE_SIZE, IMAGE_SIZE) float32, tokens (N, L) int64)
        -> logits (N, n_answers). With ``scene_ids`` (N,) int64, ``images`` holds S scenes
        (S, 3, IMAGE_SIZE, IMAGE_SIZE) and question n is about image ``scene_ids[n]``: the CNN
        then runs once per scene, not once per question (several questions share a scene).

    Example:
        >>> m = VQAModel(20, len(ANSWERS))
        >>> m(torch.zeros(2, 3, 24, 24), torch.ones(2, 5, dtype=torch.int64)).shape
        torch.Size([2, 14])
    """

    def __init__(self, vocab_size: int, n_answers: int = len(ANSWERS), *, use_image: bool = True,
                 use_question: bool = True, channels: tuple[int, int, int] = (16, 32, 32),
                 embed_dim: int = 32, hidden_size: int = 64, fused: int = 128):
        super().__init__()
        _check_int("vocab_size", vocab_size, 2)
        _check_int("n_answers", n_answers, 2)
        if not (use_image or use_question):
            raise ValueError("use_image and use_question are both False: the model needs an input")
        if len(channels) != 3:
            raise ValueError(f"channels must hold 3 ints, got {channels!r}")
        self.use_image, self.use_question = use_image, use_question
        c1, c2, c3 = channels
        width = 0
        if use_image:
            layers = []
            for cin, cout in ((3, c1), (c1, c2), (c2, c3)):
                layers += [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
                           nn.MaxPool2d(2)]
            self.cnn = nn.Sequential(*layers)
            width += c3 * (IMAGE_SIZE // 8) ** 2
        if use_question:
            self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
            self.lstm = nn.LSTM(embed_dim, hidden_size, batch_first=True)
            # learned start state (h_0, s_0): reading pads first used to provide one implicitly
            self.h0 = nn.Parameter(torch.zeros(1, 1, hidden_size))
            self.s0 = nn.Parameter(torch.zeros(1, 1, hidden_size))
            width += hidden_size
        if use_image and use_question:
            self.gate = nn.Linear(hidden_size, c3)
            width += c3
        self.classifier = nn.Sequential(nn.Linear(width, fused), nn.ReLU(),
                                        nn.Linear(fused, n_answers))

    def encode_image(self, images: torch.Tensor) -> torch.Tensor:
        """(N, 3, H, W) -> (N, C, H / 8, W / 8) feature map (one C-vector per grid cell)."""
        return self.cnn(images)

    def encode_question(self, tokens: torch.Tensor) -> torch.Tensor:
        """(N, L) ids -> (N, hidden_size): h_T, the LSTM's hidden state after each question's
        own last word, starting from the learned state (h_0, s_0). Pads (id 0) are moved behind
        the words, so the LSTM never reads one before h_T: a question gives the same h_T alone
        as in any padded batch."""
        words = tokens != 0
        order = torch.argsort((~words).to(torch.uint8), dim=1, stable=True)  # words first
        n = len(tokens)
        start = (self.h0.expand(1, n, -1).contiguous(), self.s0.expand(1, n, -1).contiguous())
        out, _ = self.lstm(self.embed(tokens.gather(1, order)), start)
        last = words.sum(dim=1).clamp(min=1) - 1  # an all-pad row reads one pad
        return out[torch.arange(n), last]

    def forward(self, images: torch.Tensor, tokens: torch.Tensor,
                scene_ids: torch.Tensor | None = None) -> torch.Tensor:
        parts = []
        if self.use_image:
            v = self.encode_image(images)
            if scene_ids is not None:
                v = v[scene_ids]
        if self.use_question:
            h = self.encode_question(tokens)
        if self.use_image and self.use_question:
            fused = torch.relu(v * self.gate(h)[:, :, None, None])
            parts = [fused.flatten(1), fused.sum(dim=(2, 3)), h]
        elif self.use_image:
            parts = [v.flatten(1)]
        else:
            parts = [h]
        return self.classifier(torch.cat(parts, dim=1))


def build_model(vocab: Vocabulary, kind: str = "full", seed: int = 0, **kwargs) -> VQAModel:
    """A freshly initialised ``VQAModel`` (seeded, without touching torch's global RNG).

    Args:
        vocab: the question vocabulary.
        kind: ``"full"`` (image and question), ``"question"`` (question only) or ``"image"``
            (image only).
        seed: seed of the initial weights.
        **kwargs: passed to ``VQAModel``.
    """
    flags = {"full": (True, True), "question": (False, True), "image": (True, False)}
    choice(kind, "kind", flags)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(_check_int("seed", seed, 0))
        return VQAModel(len(vocab), len(ANSWERS), use_image=flags[kind][0],
                        use_question=flags[kind][1], **kwargs)


def _scene_batches(data: Encoded, scene_order: np.ndarray, batch_size: int):
    """Yield (images, tokens, local scene ids, answers, question indices) for batches of
    ``batch_size`` scenes taken in ``scene_order``, each with all its questions."""
    ids = data.scene_ids.numpy()
    by_scene = np.argsort(ids, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(ids, minlength=len(data.images)))])
    for k in range(0, len(scene_order), batch_size):
        sel = scene_order[k:k + batch_size]
        counts = bounds[sel + 1] - bounds[sel]
        if counts.sum() == 0:
            continue
        q = torch.from_numpy(np.concatenate([by_scene[bounds[s]:bounds[s + 1]] for s in sel]))
        local = torch.from_numpy(np.repeat(np.arange(len(sel)), counts))
        yield data.images[torch.from_numpy(sel)], data.tokens[q], local, data.answers[q], q


def train(model: VQAModel, data: Encoded, epochs: int = 10, batch_size: int = 32,
          lr: float = 3e-3, seed: int = 0, progress: bool = True, desc: str = "training"
          ) -> list[float]:
    """Train with Adam and cross-entropy; shows a tqdm progress bar.

    The learning rate follows a one-cycle schedule: it warms up to ``lr`` over the first 20% of
    the steps, then anneals towards zero (large steps first, fine ones at the end).

    A batch is ``batch_size`` scenes with all their questions: the CNN runs once per scene.
    Scenes are shuffled with ``seed`` at every epoch.

    Args:
        model: the model (trained in place, left in eval mode).
        data: training data from ``encode_dataset``.
        epochs: passes over the data.
        batch_size: scenes per batch.
        lr: Adam's peak learning rate.
        seed: seed of the shuffling.
        progress: show the progress bar (``tqdm.auto``: a widget in Jupyter, text elsewhere).
        desc: the progress bar's label.

    Returns:
        the mean training loss (per question) of each epoch.
    """
    epochs = _check_int("epochs", epochs, 1)
    batch_size = _check_int("batch_size", batch_size, 1)
    lr = real(lr, "lr", above=0)
    rng = np.random.default_rng(_check_int("seed", seed, 0))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    n_scenes = len(data.images)
    steps = (n_scenes + batch_size - 1) // batch_size
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=epochs * steps,
                                                pct_start=0.2)
    loss_fn = nn.CrossEntropyLoss(reduction="sum")
    history = []
    model.train()
    with tqdm(total=epochs * steps, desc=desc, disable=not progress, leave=True) as bar:
        for _ in range(epochs):
            total = 0.0
            for images, tokens, local, answers, _ in _scene_batches(
                    data, rng.permutation(n_scenes), batch_size):
                loss = loss_fn(model(images, tokens, local), answers)
                opt.zero_grad()
                (loss / len(answers)).backward()
                opt.step()
                sched.step()
                total += loss.item()
                bar.update(1)
            history.append(total / max(len(data), 1))
            bar.set_postfix(loss=f"{history[-1]:.3f}")
    model.eval()
    return history


@torch.no_grad()
def predict_proba(model: VQAModel, data: Encoded, batch_size: int = 256) -> np.ndarray:
    """Answer probabilities (softmax of the logits), float32 array of shape (N, len(ANSWERS)),
    row n for question n of ``data``."""
    model.eval()
    out = torch.zeros(len(data), len(ANSWERS))
    for images, tokens, local, _, q in _scene_batches(data, np.arange(len(data.images)),
                                                      batch_size):
        out[q] = torch.softmax(model(images, tokens, local), dim=1)
    return out.numpy()


def evaluate(model: VQAModel, data: Encoded) -> dict[str, float]:
    """Accuracy per question type and ``"overall"`` (fractions in [0, 1]).

    Returns:
        dict with a key per question type present in ``data`` (in ``QUESTION_TYPES`` order),
        then ``"overall"``.
    """
    pred = predict_proba(model, data).argmax(axis=1)
    right = pred == data.answers.numpy()
    out = {qt: float(right[data.qtypes == qt].mean()) for qt in QUESTION_TYPES
           if (data.qtypes == qt).any()}
    out["overall"] = float(right.mean())
    return out


@torch.no_grad()
def predict(model: VQAModel, image: np.ndarray, question: str, vocab: Vocabulary, k: int = 3
            ) -> list[tuple[str, float]]:
    """The model's top-``k`` answers to one question about one image.

    Args:
        model: a trained model.
        image: (IMAGE_SIZE, IMAGE_SIZE, 3) float32 image.
        question: the question (unknown words are read as ``<unk>``).
        vocab: the vocabulary the model was trained with.
        k: how many answers.

    Returns:
        list of ``(answer, probability)``, most probable first.
    """
    image = np.asarray(image)
    if image.shape != (IMAGE_SIZE, IMAGE_SIZE, 3):
        raise ValueError(f"image must have shape {(IMAGE_SIZE, IMAGE_SIZE, 3)}, got {image.shape}")
    k = _check_int("k", k, 1, len(ANSWERS))
    ids = vocab.encode(question)
    if len(ids) == 0:
        raise ValueError(f"question has no words: {question!r}")
    model.eval()
    x = torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1), dtype=np.float32))[None]
    p = torch.softmax(model(x, torch.from_numpy(ids)[None]), dim=1)[0].numpy()
    top = np.argsort(-p, kind="stable")[:k]
    return [(ANSWERS[i], float(p[i])) for i in top]


def prior_baseline(train: VQAData, test: VQAData) -> dict[str, float]:
    """Accuracy of a prior that reads only the question: each test question gets the answer most
    often given to the same question text in ``train`` (if the text never occurs there, its
    type's most common answer; ties go to the answer first in ``ANSWERS``). This is the best a
    question-only model can expect, estimated from the training data.

    Returns:
        dict like ``evaluate``: a key per question type present in ``test``, then ``"overall"``.

    Example:
        >>> train, test = make_dataset(300, seed=0), make_dataset(50, seed=1)
        >>> 0.0 <= prior_baseline(train, test)["overall"] <= 1.0
        True
    """
    def majority(counts: dict[str, int]) -> str:
        return max(ANSWERS, key=lambda a: counts.get(a, 0))

    by_text: dict[str, dict[str, int]] = {}
    by_type: dict[str, dict[str, int]] = {}
    for s in train.samples:
        for table, key in ((by_text, s.question), (by_type, s.qtype)):
            counts = table.setdefault(key, {})
            counts[s.answer] = counts.get(s.answer, 0) + 1
    guess = {q: majority(c) for q, c in by_text.items()}
    right = np.array([guess.get(s.question, majority(by_type.get(s.qtype, {}))) == s.answer
                      for s in test.samples])
    types = np.array([s.qtype for s in test.samples])
    out = {qt: float(right[types == qt].mean()) for qt in QUESTION_TYPES if (types == qt).any()}
    out["overall"] = float(right.mean())
    return out


def image_only_ceiling(data: VQAData) -> float:
    """The highest overall accuracy any model that sees only the image can reach on ``data``:
    it gives every question about a scene the same answer, so of a scene's questions at most
    as many are right as share its most common answer.

    Example:
        >>> scene = (SceneObject("square", "red", 0, 0),)
        >>> data = VQAData(np.zeros((1, 24, 24, 3), np.float32), [scene],
        ...                [Sample(0, scene, "Is there a red square?", "yes", "exist"),
        ...                 Sample(0, scene, "How many squares are there?", "1", "count")])
        >>> image_only_ceiling(data)
        0.5
    """
    if not data.samples:
        raise ValueError("data has no questions")
    per_scene: dict[int, dict[str, int]] = {}
    for s in data.samples:
        counts = per_scene.setdefault(s.scene_id, {})
        counts[s.answer] = counts.get(s.answer, 0) + 1
    return sum(max(c.values()) for c in per_scene.values()) / len(data.samples)


def accuracy_table(results: dict[str, dict[str, float]], digits: int = 1) -> str:
    """A fixed-width text table: one row per model, one column per question type, in percent.

    Example:
        >>> print(accuracy_table({"full": {"colour": 1.0, "overall": 0.95}}))
        model   colour  overall
        full     100.0     95.0
    """
    cols = [c for c in (*QUESTION_TYPES, "overall") if any(c in r for r in results.values())]
    name_w = max([5] + [len(n) for n in results])
    widths = [max(len(c), digits + 5) for c in cols]
    lines = ["  ".join([f"{'model':<{name_w}}"] + [f"{c:>{w}}" for c, w in zip(cols, widths)])]
    for name, r in results.items():
        cells = [f"{100 * r[c]:>{w}.{digits}f}" if c in r else f"{'-':>{w}}"
                 for c, w in zip(cols, widths)]
        lines.append("  ".join([f"{name:<{name_w}}"] + cells))
    return "\n".join(lines)


# --------------------------------------------------------------------------- DAQUAR


@dataclass(frozen=True)
class DaquarRecord:
    """One DAQUAR question: the image id (N in "imageN"), the question without its
    "in the imageN" ending, and the answers (one or more)."""

    image_id: int
    question: str
    answers: tuple[str, ...]


_DAQUAR_Q = re.compile(r"^(?P<q>.*?)\s*\bin\s+the\s+image(?P<id>\d+)\s*\?$", re.IGNORECASE)


def read_daquar_qa(path: str | os.PathLike) -> list[DaquarRecord]:
    """Read a DAQUAR question-answer text file (e.g. ``qa.894.raw.train.txt``).

    The file alternates a question line, which ends in "... in the imageN ?", and its answer
    line, which holds one or more answers separated by commas. Blank lines are skipped.

    Args:
        path: the file (UTF-8 text).

    Returns:
        list of ``DaquarRecord(image_id, question, answers)``; the question keeps its words and
        a final " ?", e.g. ``"what is on the desk ?"``.

    Raises:
        ValueError naming the line number when a question has no image id, an answer line
        stands where a question was expected, a question line stands where its answer was
        expected, an answer is empty, or the file ends with an unanswered question.

    Example:
        With a file holding ``what is on the desk in the image3 ?`` and ``book, lamp``,
        ``read_daquar_qa(path)`` gives
        ``[DaquarRecord(image_id=3, question='what is on the desk ?', answers=('book', 'lamp'))]``.
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    records = []
    pending = None  # (line number, image id, question)
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, start=1):
            line = raw.strip()
            if not line:
                continue
            is_question = line.endswith("?")
            if pending is None:
                if not is_question:
                    raise ValueError(f"{path}:{lineno}: expected a question line ending in "
                                     f"'in the imageN ?', got an answer line: {line!r}")
                m = _DAQUAR_Q.match(line)
                if m is None:
                    raise ValueError(f"{path}:{lineno}: question has no image id (it should end "
                                     f"in 'in the imageN ?'): {line!r}")
                question = (m.group("q").strip() + " ?").strip()
                pending = (lineno, int(m.group("id")), question)
            else:
                if is_question:
                    raise ValueError(f"{path}:{lineno}: expected the answer to the question on "
                                     f"line {pending[0]}, got another question: {line!r}")
                answers = tuple(a.strip() for a in line.split(","))
                if any(not a for a in answers):
                    raise ValueError(f"{path}:{lineno}: empty answer in {line!r} "
                                     "(answers are separated by single commas)")
                records.append(DaquarRecord(pending[1], pending[2], answers))
                pending = None
    if pending is not None:
        raise ValueError(f"{path}:{pending[0]}: the question at the end of the file has no "
                         f"answer line: {pending[2]!r}")
    return records
