"""Max and average pooling, with the same results as ``torch.nn.functional``.

Both work on the last two axes of ``(H, W)``, ``(C, H, W)`` or ``(N, C, H, W)`` arrays. The
stride defaults to the kernel size (windows that tile the image without overlap). Padding
works as in PyTorch: max pooling pads with ``-inf`` (a border never wins), average pooling pads
with zeros and, by default, counts them in the average (``count_include_pad=True``). As in
PyTorch, the padding may be at most half the kernel size, so every window sees the image.

NumPy in, NumPy out, under course_lib's dtype policy (course_lib._args): float32 stays float32
and float64 stays float64; integer and boolean inputs are computed in float64; float16 is
refused (its sums overflow at 65504, where PyTorch accumulates in float32).
"""

from __future__ import annotations

import numpy as np

from ._args import check_ndim as _check_ndim
from ._args import check_size, flag
from ._args import float_array as _as_float_array
from ._args import pair as _pair
from .conv import _output_size, pad2d

__all__ = ["LECTURE_GRID", "max_pool2d", "avg_pool2d"]

#: The lecture's 4x4 example of pooling (float32, read-only): its 2x2 max pooling with stride 2
#: is [[4, 8], [9, 5]]. The one definition for lessons, exercises and explorers.
LECTURE_GRID = np.array([[1, 2, 5, 6], [3, 4, 7, 8], [9, 8, 5, 4], [7, 6, 3, 2]], np.float32)
LECTURE_GRID.flags.writeable = False


def _pool_args(x, kernel_size, stride, padding):
    x = _as_float_array(x, "x")
    _check_ndim(x, "x", (2, 3, 4), "(H, W), (C, H, W) or (N, C, H, W)")
    kh, kw = _pair(kernel_size, "kernel_size", 1)
    sh, sw = (kh, kw) if stride is None else _pair(stride, "stride", 1)
    ph, pw = _pair(padding, "padding", 0)
    if 2 * ph > kh or 2 * pw > kw:
        raise ValueError(
            f"padding {(ph, pw)} must be at most half of kernel_size {(kh, kw)} in each "
            f"dimension (as in PyTorch), so that every window overlaps the input; "
            f"use padding at most {(kh // 2, kw // 2)}"
        )
    h, w = x.shape[-2:]
    out_h = _output_size(h, kh, sh, ph, "kernel_size along the height", "height")
    out_w = _output_size(w, kw, sw, pw, "kernel_size along the width", "width")
    check_size(x.shape[:-2] + (h + 2 * ph, w + 2 * pw), x.dtype,
               f"kernel_size={kernel_size!r} with padding={padding!r}", "the padded input")
    return x, (kh, kw), (sh, sw), (ph, pw), (out_h, out_w)


def _offsets(xp, kernel, stride, out_shape):
    """Yield, for each of the kh*kw positions inside a window, the strided view of ``xp`` that
    holds that position of every window: a loop over the kernel, not over pixels."""
    (kh, kw), (sh, sw), (out_h, out_w) = kernel, stride, out_shape
    for m in range(kh):
        for l in range(kw):
            yield xp[..., m : m + sh * (out_h - 1) + 1 : sh, l : l + sw * (out_w - 1) + 1 : sw]


def max_pool2d(x, kernel_size=2, stride=None, padding=0) -> np.ndarray:
    """Maximum over each ``kernel_size`` window, like ``torch.nn.functional.max_pool2d``.

    Args:
        x (array): shape ``(H, W)``, ``(C, H, W)`` or ``(N, C, H, W)``.
        kernel_size (int or (int, int)): window size. Default: 2.
        stride (int or (int, int), optional): step between windows. Default: ``kernel_size``.
        padding (int or (int, int)): ``-inf`` added on each side, at most half the kernel size.
            Default: 0.

    Returns:
        ndarray: shape ``(..., Ho, Wo)`` with ``Ho = conv_output_size(H, kh, sh, ph)`` (likewise
        ``Wo``), same dtype as ``x``.

    Example (the lecture's)::

        >>> max_pool2d(np.array([[1, 2, 5, 6], [3, 4, 7, 8], [9, 8, 5, 4], [7, 6, 3, 2]]))
        array([[4., 8.],
               [9., 5.]])
    """
    x, kernel, stride, (ph, pw), out_shape = _pool_args(x, kernel_size, stride, padding)
    xp = pad2d(x, (ph, pw), value=-np.inf) if ph or pw else x
    views = _offsets(xp, kernel, stride, out_shape)
    out = next(views).copy()
    for view in views:
        np.maximum(out, view, out=out)
    return out


def avg_pool2d(x, kernel_size=2, stride=None, padding=0, count_include_pad=True) -> np.ndarray:
    """Mean over each ``kernel_size`` window, like ``torch.nn.functional.avg_pool2d``.

    Args:
        x (array): shape ``(H, W)``, ``(C, H, W)`` or ``(N, C, H, W)``.
        kernel_size (int or (int, int)): window size. Default: 2.
        stride (int or (int, int), optional): step between windows. Default: ``kernel_size``.
        padding (int or (int, int)): zeros added on each side, at most half the kernel size.
            Default: 0.
        count_include_pad (bool): divide by the full window size, padded zeros included
            (PyTorch's default); if False, divide by the number of input entries in the window.
            Default: True.

    Returns:
        ndarray: shape ``(..., Ho, Wo)``, same dtype as ``x``.

    Example::

        >>> avg_pool2d(np.array([[1, 2, 5, 6], [3, 4, 7, 8], [9, 8, 5, 4], [7, 6, 3, 2]]))
        array([[2.5, 6.5],
               [7.5, 3.5]])
    """
    count_include_pad = flag(count_include_pad, "count_include_pad")
    x, kernel, stride, (ph, pw), out_shape = _pool_args(x, kernel_size, stride, padding)
    xp = pad2d(x, (ph, pw)) if ph or pw else x
    views = _offsets(xp, kernel, stride, out_shape)
    out = next(views).copy()
    for view in views:
        out += view
    if count_include_pad or not (ph or pw):
        return out / x.dtype.type(kernel[0] * kernel[1])
    ones = pad2d(np.ones(x.shape[-2:], x.dtype), (ph, pw))
    counts = sum(_offsets(ones, kernel, stride, out_shape))
    return out / counts
