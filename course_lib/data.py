"""Data that ships with the workbook's dependencies or is generated: never downloaded at run time.

* ``load_photo``: the two photographs inside scikit-learn's wheel ("china" and "flower"),
  credited under CC BY 2.0 (see ``PHOTO_CREDITS``).
* ``load_digits``: scikit-learn's 8x8 handwritten digits with a fixed train/test split.
"""

from __future__ import annotations

import numpy as np

__all__ = ["PHOTO_CREDITS", "PHOTOS", "load_photo", "to_gray", "load_digits"]

PHOTOS = ("china", "flower")

PHOTO_CREDITS = (
    "Photographs china.jpg and flower.jpg ship with scikit-learn (sklearn.datasets."
    "load_sample_image) and are licensed under Creative Commons Attribution 2.0 (CC BY 2.0)."
)


def to_gray(rgb: np.ndarray) -> np.ndarray:
    """Luminance (ITU-R BT.601 weights) of an (H, W, 3) image, same float dtype, in [0, 1]
    for uint8 input."""
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[-1] != 3:
        raise ValueError(f"rgb must have shape (H, W, 3), got {rgb.shape}")
    x = rgb.astype(np.float32) / 255.0 if rgb.dtype == np.uint8 else rgb
    w = np.array([0.299, 0.587, 0.114], dtype=x.dtype)
    return x @ w


def load_photo(name: str = "china", gray: bool = True, size: int | None = None,
               dtype=np.float32) -> np.ndarray:
    """One of scikit-learn's two photographs as floats in [0, 1].

    Args:
        name: "china" (a temple) or "flower".
        gray: return (H, W) luminance if True, else (H, W, 3) RGB.
        size: if given, a centred square crop of the photo resized to (size, size).
        dtype: float32 (default) or float64.
    """
    if name not in PHOTOS:
        raise KeyError(f"name must be one of {PHOTOS}, got {name!r}")
    if size is not None and (not isinstance(size, int | np.integer) or size < 1):
        raise ValueError(f"size must be a positive int or None, got {size!r}")
    from PIL import Image
    from sklearn.datasets import load_sample_image

    img = load_sample_image(f"{name}.jpg")  # (427, 640, 3) uint8
    if size is not None:
        h, w = img.shape[:2]
        s = min(h, w)
        top, left = (h - s) // 2, (w - s) // 2
        img = np.asarray(Image.fromarray(img[top:top + s, left:left + s]).resize(
            (int(size), int(size)), Image.Resampling.BILINEAR))
    out = to_gray(img) if gray else img.astype(np.float32) / 255.0
    return out.astype(dtype, copy=False)


def load_digits(test_size: float = 0.25, seed: int = 0, dtype=np.float32):
    """scikit-learn's 1,797 8x8 digits, scaled to [0, 1], with a fixed stratified split.

    Returns:
        (x_train, y_train, x_test, y_test) with x of shape (n, 8, 8) and y int64 labels 0..9.
    """
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be between 0 and 1, got {test_size!r}")
    from sklearn.datasets import load_digits as _load
    from sklearn.model_selection import train_test_split

    d = _load()
    x = (d.images / 16.0).astype(dtype)
    y = d.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=test_size, random_state=seed,
                                              stratify=y)
    return x_tr, y_tr, x_te, y_te
