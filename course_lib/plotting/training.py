"""Figures for training a CNN and looking inside it (lesson 08).

* ``plot_learning_curves``: loss and accuracy per epoch, training and validation.
* ``plot_confusion_matrix``: which digit was taken for which.
* ``plot_digits``: small gray images in a grid, with titles.
* ``plot_misclassified``: the test images the network got wrong.
* ``plot_learned_kernels``: first-layer kernels, diverging colours centred on zero, one shared
  colour bar (so that kernels can be compared with each other).
* ``plot_feature_maps``: one input image and what each kernel's detector makes of it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from course_lib.plotting import new_figure, show_image, signed_limit

__all__ = ["plot_learning_curves", "plot_confusion_matrix", "plot_misclassified", "plot_digits",
           "plot_learned_kernels", "plot_feature_maps"]


def _grid(n: int, ncols: int) -> tuple[int, int]:
    ncols = max(1, min(ncols, n))
    return ncols, -(-n // ncols)


def _tiles(axes: np.ndarray, stack: np.ndarray, cmap: str, vmin: float, vmax: float):
    """Draw ``stack[:, :, f]`` on the f-th axes, numbered, on one colour scale; hide the rest."""
    im = None
    for ax in axes.ravel():
        ax.axis("off")
    for f, ax in enumerate(axes.ravel()[:stack.shape[-1]]):
        im = show_image(ax, stack[:, :, f], f"{f}", cmap=cmap, vmin=vmin, vmax=vmax)
        ax.title.set_fontsize(8)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.axis("on")
    return im


def plot_learning_curves(history: Mapping[str, Sequence[float]], title: str = "") -> Figure:
    """Loss and accuracy per epoch, for the training and (if present) the validation data.

    Args:
        history: Keras' ``model.fit(...).history`` or ``cnn.train_torch``'s result: lists under
            "loss" and "accuracy", optionally "val_loss" and "val_accuracy".
        title: figure title.
    """
    if not isinstance(history, Mapping):
        raise TypeError(f"history must be a dict of lists, got {type(history).__name__}")
    for key in ("loss", "accuracy"):
        if key not in history:
            raise KeyError(f"history needs the key {key!r}; it has {sorted(history)}")
    n = len(history["loss"])
    if n == 0:
        raise ValueError("history holds no epochs")
    fig, axes = new_figure(ncols=2, size=(7.0, 2.8))
    epochs = np.arange(1, n + 1)
    for ax, key, label in ((axes[0, 0], "loss", "cross-entropy loss"),
                           (axes[0, 1], "accuracy", "accuracy")):
        ax.plot(epochs, history[key], "-", color="tab:blue", label="training")
        if f"val_{key}" in history:
            ax.plot(epochs, history[f"val_{key}"], "--", color="tab:orange", label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.set_title(label, fontsize=10)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def plot_confusion_matrix(cm: np.ndarray, class_names: Sequence[str] | None = None,
                          title: str = "confusion matrix") -> Figure:
    """A confusion matrix (rows: true class, columns: predicted class) with its counts written in.

    The colour shows the count on a logarithmic-like scale that keeps the few mistakes visible
    next to the large diagonal: ``log(1 + count)``.
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"cm must be a square 2-D array, got shape {cm.shape}")
    k = cm.shape[0]
    names = [str(i) for i in range(k)] if class_names is None else [str(c) for c in class_names]
    if len(names) != k:
        raise ValueError(f"class_names has {len(names)} names for a {k}x{k} matrix")
    fig, axes = new_figure(size=(0.42 * k + 1.8, 0.42 * k + 1.4))
    ax = axes[0, 0]
    ax.imshow(np.log1p(cm), cmap="Blues")
    top = np.log1p(cm.max()) if cm.size else 1.0
    for (i, j), v in np.ndenumerate(cm):
        if v:
            dark = np.log1p(v) > 0.6 * top
            ax.text(j, i, str(v), ha="center", va="center", fontsize=8,
                    color="white" if dark else ("black" if i == j else "tab:red"))
    ax.set_xticks(range(k), names)
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title, fontsize=10)
    return fig


def plot_misclassified(images: np.ndarray, y_true: np.ndarray, y_pred: np.ndarray,
                       probs: np.ndarray | None = None, max_images: int = 10,
                       ncols: int = 5) -> Figure:
    """The images whose prediction is wrong, titled "true -> predicted" (and its probability).

    Each title starts with the image's index in ``images`` ("#38: 4 → 9"), so it can be found again.

    Args:
        images: ``(N, H, W)`` (or ``(N, H, W, 1)``) images.
        y_true, y_pred: ``(N,)`` labels.
        probs: optional ``(N, classes)`` probabilities; the title then shows the confidence.
        max_images: show at most this many (the first ones, in order).
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3:
        raise ValueError(f"images must have shape (N, H, W), got {images.shape}")
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != (len(images),) or y_pred.shape != (len(images),):
        raise ValueError(f"y_true and y_pred must have shape ({len(images)},), got "
                         f"{y_true.shape} and {y_pred.shape}")
    if max_images < 1:
        raise ValueError(f"max_images must be >= 1, got {max_images}")
    wrong = np.flatnonzero(y_true != y_pred)[:max_images]
    if len(wrong) == 0:
        fig, axes = new_figure(size=(3.0, 1.0))
        axes[0, 0].axis("off")
        axes[0, 0].text(0.5, 0.5, "no misclassified images", ha="center", va="center")
        return fig
    titles = []
    for i in wrong:
        t = f"#{i}: {y_true[i]} → {y_pred[i]}"
        if probs is not None:
            t += f"\n(p={float(np.asarray(probs)[i, y_pred[i]]):.2f})"
        titles.append(t)
    return plot_digits(images[wrong], titles, ncols=ncols,
                       title="misclassified: #index: true label → prediction")


def plot_digits(images: np.ndarray, titles: Sequence[str] | None = None, ncols: int = 10,
                title: str = "") -> Figure:
    """Small gray images in a grid (dark ink on white), each with an optional title.

    Args:
        images: ``(N, H, W)`` or ``(N, H, W, 1)``.
        titles: N titles (e.g. the labels), or None.
        ncols: images per row.
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim != 3 or len(images) == 0:
        raise ValueError(f"images must have shape (N, H, W) with N >= 1, got {images.shape}")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"titles has {len(titles)} entries for {len(images)} images")
    cols, rows = _grid(len(images), ncols)
    tall = 1.6 if titles is not None and any("\n" in str(t) for t in titles) else 1.35
    fig, axes = new_figure(ncols=cols, nrows=rows, size=(1.05 * cols + 0.2, tall * rows + 0.3))
    for ax in axes.ravel():
        ax.axis("off")
    for k, ax in enumerate(axes.ravel()[:len(images)]):
        show_image(ax, images[k], "" if titles is None else str(titles[k]), cmap="gray_r")
        ax.title.set_fontsize(9)
        ax.axis("off")
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def plot_learned_kernels(kernel: np.ndarray, channel: int = 0, ncols: int = 8,
                         title: str = "learned first-layer kernels") -> Figure:
    """Every kernel of a convolution layer, diverging colours centred on zero, one colour bar.

    Args:
        kernel: Keras layout ``(kh, kw, C_in, C_out)``, e.g. ``layer.kernel`` of a Conv2D.
        channel: which input channel to show (0 for gray images).
        ncols: kernels per row.
    """
    kernel = np.asarray(kernel, dtype=float)
    if kernel.ndim != 4:
        raise ValueError(f"kernel must have shape (kh, kw, C_in, C_out), got {kernel.shape}")
    if not 0 <= channel < kernel.shape[2]:
        raise ValueError(f"channel must be in 0..{kernel.shape[2] - 1}, got {channel}")
    k = kernel[:, :, channel, :]
    n = k.shape[-1]
    cols, rows = _grid(n, ncols)
    fig, axes = new_figure(ncols=cols, nrows=rows, size=(0.95 * cols + 1.0, 1.05 * rows + 0.4))
    lim = signed_limit(k)
    im = _tiles(axes, k, "RdBu_r", -lim, lim)
    fig.colorbar(im, ax=axes.ravel().tolist(), shrink=0.8, label="weight")
    fig.suptitle(title, fontsize=10)
    return fig


def plot_feature_maps(image: np.ndarray, maps: np.ndarray, ncols: int = 8,
                      title: str = "feature maps (after ReLU)") -> Figure:
    """An input image and the feature maps a convolution layer makes of it.

    Args:
        image: ``(H, W)`` input (or ``(H, W, 1)``).
        maps: ``(H', W', F)`` maps, channels last (Keras' layout); after ReLU they are >= 0
            and drawn in viridis on one shared scale from 0, so brightness compares across maps.
        ncols: maps per row.
    """
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim != 2:
        raise ValueError(f"image must have shape (H, W), got {image.shape}")
    maps = np.asarray(maps, dtype=float)
    if maps.ndim != 3:
        raise ValueError(f"maps must have shape (H, W, F), got {maps.shape}")
    n = maps.shape[-1]
    cols, rows = _grid(n, ncols)
    fig = Figure(figsize=(0.95 * cols + 2.8, 1.05 * rows + 0.5), dpi=80, layout="constrained")
    left, right = fig.subfigures(1, 2, width_ratios=[2.2, 0.95 * cols + 0.6])
    ax0 = left.subplots()
    show_image(ax0, image, "input", cmap="gray_r")
    axes = np.atleast_2d(right.subplots(rows, cols, squeeze=False))
    signed = maps.min() < 0
    lim = signed_limit(maps)
    vmin, vmax, cmap = (-lim, lim, "RdBu_r") if signed else (0.0, lim, "viridis")
    im = _tiles(axes, maps, cmap, vmin, vmax)
    right.colorbar(im, ax=axes.ravel().tolist(), shrink=0.8, label="activation")
    fig.suptitle(title, fontsize=10)
    return fig
