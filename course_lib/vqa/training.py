"""Training, evaluation and prediction of a ``VQAModel``, and what bounds the baselines."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from .._args import flag, real
from .model import Encoded, VQAModel
from .scenes import ANSWERS, IMAGE_SIZE, QUESTION_TYPES, VQAData, _check_int
from .text import Vocabulary

__all__ = ["train", "predict_proba", "evaluate", "predict", "prior_baseline",
           "image_only_ceiling", "accuracy_table"]


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
    with tqdm(total=epochs * steps, desc=desc, disable=not flag(progress, "progress"),
              leave=True) as bar:
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
        >>> from course_lib.vqa import make_dataset
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
        >>> from course_lib.vqa import Sample, SceneObject, VQAData
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
        model  colour  overall
        full    100.0     95.0
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
