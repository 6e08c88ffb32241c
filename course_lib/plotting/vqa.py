"""Figures of the visual question answering lesson: scenes with their questions and answers,
failures with the model's top answers, and training curves."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from course_lib.plotting import new_figure

__all__ = ["qa_caption", "plot_scenes", "plot_losses"]


def qa_caption(question: str, answer: str | None = None,
               top: Sequence[tuple[str, float]] | None = None, width: int = 26) -> str:
    """A short caption: the question (wrapped), the true answer and optionally the model's
    top answers with their probabilities.

    Example:
        >>> qa_caption("Is there a red square?", "yes", [("yes", 0.9), ("no", 0.1)])
        'Is there a red square?\\nanswer: yes\\nmodel: yes 0.90, no 0.10'
    """
    lines = textwrap.wrap(question, width) or [""]
    if answer is not None:
        lines.append(f"answer: {answer}")
    if top:
        lines += textwrap.wrap("model: " + ", ".join(f"{a} {p:.2f}" for a, p in top), width)
    return "\n".join(lines)


def plot_scenes(images: Sequence[np.ndarray] | np.ndarray, captions: Sequence[str],
                ncols: int = 4, title: str = "") -> Figure:
    """A grid of RGB scenes, each with its caption underneath.

    Args:
        images: K images of shape (H, W, 3), float in [0, 1].
        captions: K captions (e.g. from ``qa_caption``).
        ncols: images per row.
        title: the figure's title.

    Returns:
        the Figure.
    """
    if len(images) != len(captions):
        raise ValueError(f"images and captions must have the same length, got {len(images)} "
                         f"and {len(captions)}")
    if len(images) == 0:
        raise ValueError("images is empty: give at least one image")
    if not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive int, got {ncols!r}")
    ncols = min(ncols, len(images))
    nrows = -(-len(images) // ncols)
    n_lines = max(c.count("\n") + 1 for c in captions)
    fig, axes = new_figure(ncols, nrows, size=(2.3 * ncols, (2.0 + 0.2 * n_lines) * nrows))
    for k, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if k >= len(images):
            ax.set_axis_off()
            continue
        ax.imshow(np.clip(images[k], 0, 1), interpolation="nearest")
        ax.set_xlabel(captions[k], fontsize=8, loc="left")
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def plot_losses(histories: Mapping[str, Sequence[float]]) -> Figure:
    """Training loss per epoch of one or more models (one line each)."""
    if not histories:
        raise ValueError("histories is empty: give at least one model's losses")
    fig, axes = new_figure(1, 1, size=(4.5, 3.0))
    ax = axes[0, 0]
    for name, h in histories.items():
        ax.plot(np.arange(1, len(h) + 1), h, marker="o", ms=3, label=name)
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean cross-entropy loss")
    ax.set_title("Training loss")
    ax.legend(fontsize=8)
    return fig
