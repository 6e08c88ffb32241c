"""Two-dimensional convolution, as in the lecture and as in deep-learning libraries.

The lecture writes the (discrete, two-dimensional) convolution of an image ``I`` with a
kernel ``K`` as

    S(i, j) = (I * K)(i, j) = sum_m sum_n I(i - m, j - n) K(m, n),

which flips the kernel. Deep-learning libraries (PyTorch's ``conv2d``, Keras' ``Conv2D``)
compute the *cross-correlation* instead, which slides the kernel without flipping it:

    S(i, j) = sum_m sum_n I(i + m, j + n) K(m, n).

Both are here: :func:`convolve2d` (the lecture's formula, equal to
``scipy.signal.convolve2d(mode="valid")``), :func:`correlate2d` (what the libraries call
convolution), :func:`correlate2d_naive` (the same thing written as plain loops, to read beside
the formula), and :func:`conv2d`, the batched, multi-channel layer that gives the same result
as ``torch.nn.functional.conv2d``. :func:`conv2d_backward` returns its gradients.

NumPy in, NumPy out, under course_lib's dtype policy (course_lib._args): float32 stays float32
and float64 stays float64, mixed inputs are promoted together as in NumPy, integer and boolean
inputs are computed in float64. The size guard (course_lib.set_size_budget) refuses a padding
or an input that would allocate more than the budget.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ._args import check_ndim, check_size, float_array, integer, pair, real
from ._blas import ignore_blas_invalid_flag

__all__ = [
    "conv_output_size",
    "pad2d",
    "correlate2d",
    "correlate2d_naive",
    "convolve2d",
    "conv2d",
    "conv2d_backward",
    "Conv2dGrads",
    "visited_mask",
]

# conv2d builds its im2col matrix in chunks of about this many bytes: large enough that each
# matrix product reuses the weights over many columns (measured: no gain above 8 MB), small
# enough to bound the extra memory for large images.
_SHIFTED_SUM_MAX_TAPS = 49  # correlate2d sums shifted views for kernels up to 7x7

_CHUNK_BYTES = 1 << 24


# ----------------------------------------------------------------------------- validation
# The checks live in _args (shared by every numeric module); these local names are the ones the
# functions below call, and lessons print some of those functions' source.
_check_int = integer
_pair = pair
_real = real
_as_float_array = float_array
_check_ndim = check_ndim


def _output_size(n: int, k: int, s: int, p: int, what: str, dim: str) -> int:
    """Output length along one axis; raise if the kernel (called ``what``) does not fit."""
    if k > n + 2 * p:
        raise ValueError(
            f"{what} is {k}, larger than the padded input {dim} {n} + 2 * padding {p} = "
            f"{n + 2 * p}; it can be at most {n + 2 * p}, or add padding"
        )
    return (n + 2 * p - k) // s + 1


def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1) -> int:
    """Length of a convolution's (or pooling's) output along one axis.

    ``floor((n + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1``, the formula
    in the docs of ``torch.nn.Conv2d``.

    Args:
        n (int): input length along this axis (height or width), at least 1.
        kernel_size (int): kernel length along this axis, at least 1.
        stride (int): step between neighbouring windows, at least 1. Default: 1.
        padding (int): zeros added on *each* side, at least 0. Default: 0.
        dilation (int): spacing between kernel elements, at least 1. Default: 1.

    Returns:
        int: the output length, at least 1.

    Raises:
        TypeError: an argument is not an integer (``2.5``, ``nan``, ``True``).
        ValueError: an argument is out of range, or the (dilated) kernel is longer than the
            padded input.

    Example::

        >>> conv_output_size(224, 3, stride=1, padding=1)   # VGG keeps the size
        224
        >>> conv_output_size(5, 3, stride=2)
        2
    """
    n = _check_int(n, "n", 1)
    kernel_size = _check_int(kernel_size, "kernel_size", 1)
    stride = _check_int(stride, "stride", 1)
    padding = _check_int(padding, "padding", 0)
    dilation = _check_int(dilation, "dilation", 1)
    what = (
        "kernel_size"
        if dilation == 1
        else f"the span of kernel_size {kernel_size} with dilation {dilation}"
    )
    return _output_size(n, dilation * (kernel_size - 1) + 1, stride, padding, what, "length")


def pad2d(x, padding, value=0.0) -> np.ndarray:
    """Pad the last two axes (height, width) of ``x`` with a constant.

    Args:
        x (array): shape ``(..., H, W)``, at least two dimensions.
        padding (int or (int, int)): ``p`` or ``(ph, pw)`` entries added on each side:
            ``ph`` rows above and below, ``pw`` columns left and right.
        value (float): the constant written into the border. Default: 0.0.

    Returns:
        ndarray: shape ``(..., H + 2 * ph, W + 2 * pw)``, same dtype as ``x`` (ints and bools
        become float64).

    Example::

        >>> pad2d(np.ones((2, 2)), 1)
        array([[0., 0., 0., 0.],
               [0., 1., 1., 0.],
               [0., 1., 1., 0.],
               [0., 0., 0., 0.]])
    """
    x = _as_float_array(x, "x")
    if x.ndim < 2:
        raise ValueError(
            f"x must have at least 2 dimensions (..., H, W), got shape {x.shape} "
            f"with {x.ndim} dimensions"
        )
    ph, pw = _pair(padding, "padding", 0)
    value = _real(value, "value", finite=False)  # -inf is fine (max pooling's border)
    shape = x.shape[:-2] + (x.shape[-2] + 2 * ph, x.shape[-1] + 2 * pw)
    check_size(shape, x.dtype, f"padding={padding!r}", "the padded array")
    out = np.full(shape, value, x.dtype)
    out[..., ph : ph + x.shape[-2], pw : pw + x.shape[-1]] = x
    return out


# ----------------------------------------------------------------------------- 2-D, one channel
def _check_image_kernel(image, kernel):
    image = _as_float_array(image, "image")
    kernel = _as_float_array(kernel, "kernel")
    _check_ndim(image, "image", (2,), "(H, W)")
    _check_ndim(kernel, "kernel", (2,), "(kh, kw)")
    _check_not_empty(image, "image")
    _check_not_empty(kernel, "kernel")
    return image, kernel


def _check_not_empty(arr: np.ndarray, name: str) -> None:
    """A zero-size image or kernel has no window to sum over: refuse it, not return zeros."""
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")


def correlate2d(image, kernel, stride=1, padding=0) -> np.ndarray:
    """Cross-correlation of a 2-D image with a 2-D kernel: what deep-learning libraries call
    convolution (the kernel is *not* flipped).

    ``S(i, j) = sum_m sum_n I(i * sh + m, j * sw + n) K(m, n)`` on the zero-padded image.

    Args:
        image (array): shape ``(H, W)``.
        kernel (array): shape ``(kh, kw)``.
        stride (int or (int, int)): step between windows, at least 1. Default: 1.
        padding (int or (int, int)): zeros added on each side, at least 0. Default: 0.

    Returns:
        ndarray: shape ``(Ho, Wo)`` with ``Ho = conv_output_size(H, kh, sh, ph)`` (likewise
        ``Wo``), dtype of ``image`` and ``kernel`` promoted together.

    Example::

        >>> correlate2d(np.arange(9.0).reshape(3, 3), np.array([[1.0, 0.0], [0.0, -1.0]]))
        array([[-4., -4.],
               [-4., -4.]])
    """
    image, kernel = _check_image_kernel(image, kernel)
    kh, kw = kernel.shape
    if kh * kw > _SHIFTED_SUM_MAX_TAPS:
        return conv2d(image[None, None], kernel[None, None], stride=stride, padding=padding)[0, 0]
    # One image and a small kernel (the widgets' case): a sum of kh*kw shifted, strided views of
    # the padded image, each scaled by one kernel entry, beats building the im2col matrix.
    _, _, (sh, sw), (ph, pw), (out_h, out_w) = _check_conv_args(
        image[None, None], kernel[None, None], stride, padding)
    dtype = np.result_type(image, kernel)
    xp = pad2d(image.astype(dtype, copy=False), (ph, pw))
    out = np.zeros((out_h, out_w), dtype)
    rows, cols = sh * (out_h - 1) + 1, sw * (out_w - 1) + 1
    for m in range(kh):
        for n in range(kw):
            out += dtype.type(kernel[m, n]) * xp[m : m + rows : sh, n : n + cols : sw]
    return out


def convolve2d(image, kernel, stride=1, padding=0) -> np.ndarray:
    """The lecture's convolution: the kernel is flipped in both axes, then slid over the image.

    ``S(i, j) = sum_m sum_n I(i - m, j - n) K(m, n)``; with stride 1 and no padding this equals
    ``scipy.signal.convolve2d(image, kernel, mode="valid")``. It is
    ``correlate2d(image, kernel[::-1, ::-1], stride, padding)``.

    Args:
        image (array): shape ``(H, W)``.
        kernel (array): shape ``(kh, kw)``, flipped before use.
        stride, padding: as in :func:`correlate2d`.

    Returns:
        ndarray: shape ``(Ho, Wo)``, as for :func:`correlate2d`.

    Example::

        >>> convolve2d(np.arange(9.0).reshape(3, 3), np.array([[1.0, 0.0], [0.0, -1.0]]))
        array([[4., 4.],
               [4., 4.]])
    """
    image, kernel = _check_image_kernel(image, kernel)
    return correlate2d(image, kernel[::-1, ::-1], stride=stride, padding=padding)


def correlate2d_naive(image, kernel, stride=1, padding=0) -> np.ndarray:
    """:func:`correlate2d` written as plain loops, one output pixel at a time.

    Slow; it is here to be read beside the formula. Same arguments, same result.

    Example::

        >>> correlate2d_naive(np.arange(9.0).reshape(3, 3), np.array([[1.0, 0.0], [0.0, -1.0]]))
        array([[-4., -4.],
               [-4., -4.]])
    """
    image, kernel = _check_image_kernel(image, kernel)
    sh, sw = _pair(stride, "stride", 1)
    ph, pw = _pair(padding, "padding", 0)
    kh, kw = kernel.shape
    out_h = _output_size(image.shape[0], kh, sh, ph, "kernel height", "height")
    out_w = _output_size(image.shape[1], kw, sw, pw, "kernel width", "width")
    padded = pad2d(image, (ph, pw))
    out = np.zeros((out_h, out_w), np.result_type(image, kernel))
    for i in range(out_h):
        for j in range(out_w):
            total = 0.0
            for m in range(kh):
                for n in range(kw):
                    total += padded[i * sh + m, j * sw + n] * kernel[m, n]
            out[i, j] = total
    return out


# ----------------------------------------------------------------------------- the layer
def _check_conv_args(x, weight, stride, padding):
    x = _as_float_array(x, "x")
    weight = _as_float_array(weight, "weight")
    _check_ndim(x, "x", (4,), "(N, C, H, W)")
    _check_ndim(weight, "weight", (4,), "(K, C, kh, kw)")
    if weight.shape[1] != x.shape[1]:
        raise ValueError(
            f"weight has {weight.shape[1]} input channels (shape {weight.shape}) but x has "
            f"{x.shape[1]} channels (shape {x.shape}); weight must have shape "
            f"(K, {x.shape[1]}, kh, kw)"
        )
    _check_not_empty(x, "x")
    _check_not_empty(weight, "weight")
    sh, sw = _pair(stride, "stride", 1)
    ph, pw = _pair(padding, "padding", 0)
    _, _, h, w = x.shape
    kh, kw = weight.shape[2:]
    out_h = _output_size(h, kh, sh, ph, "kernel height", "height")
    out_w = _output_size(w, kw, sw, pw, "kernel width", "width")
    # A stride only spaces the windows apart: with one window it changes nothing, and a huge one
    # (10**18, which torch accepts) would overflow the strided view's byte offsets.
    sh, sw = (sh if out_h > 1 else 1), (sw if out_w > 1 else 1)
    n, c = x.shape[:2]
    dtype = np.result_type(x, weight)
    check_size((n, h + 2 * ph, w + 2 * pw, c), dtype, f"padding={padding!r}", "the padded input")
    check_size((n, weight.shape[0], out_h, out_w), dtype,
               f"x of shape {x.shape} with padding={padding!r}", "the output")
    return x, weight, (sh, sw), (ph, pw), (out_h, out_w)


def _padded_nhwc(x: np.ndarray, ph: int, pw: int, dtype) -> np.ndarray:
    """``x`` (N, C, H, W) zero-padded and moved to a contiguous (N, H+2ph, W+2pw, C) array."""
    n, c, h, w = x.shape
    if ph == 0 and pw == 0:
        return np.ascontiguousarray(x.transpose(0, 2, 3, 1), dtype=dtype)
    xp = np.zeros((n, h + 2 * ph, w + 2 * pw, c), dtype)
    xp[:, ph : ph + h, pw : pw + w, :] = x.transpose(0, 2, 3, 1)
    return xp


def _windows(xp: np.ndarray, kh: int, kw: int, sh: int, sw: int, out_h: int, out_w: int):
    """Read-only view (N, Ho, Wo, kh, kw, C) of the windows of a contiguous (N, Hp, Wp, C):
    a window's (kw, C) block is contiguous, which suits the backward pass's products."""
    sn, sy, sx, sc = xp.strides
    n, _, _, c = xp.shape
    return as_strided(
        xp,
        shape=(n, out_h, out_w, kh, kw, c),
        strides=(sn, sy * sh, sx * sw, sy, sx, sc),
        writeable=False,
    )


def _chunks(n: int, out_h: int, row_bytes: int):
    """Split the output (n images of out_h rows, each row's im2col taking ``row_bytes``) into
    chunks of about ``_CHUNK_BYTES``: several whole images at a time if they fit, else
    runs of rows of one image. Yields ``((b0, b1), (i0, i1))``."""
    image_bytes = out_h * row_bytes
    if image_bytes <= _CHUNK_BYTES:
        step = max(1, _CHUNK_BYTES // image_bytes)
        for b0 in range(0, n, step):
            yield (b0, min(n, b0 + step)), (0, out_h)
        return
    rows = max(1, _CHUNK_BYTES // row_bytes)
    for b in range(n):
        for i0 in range(0, out_h, rows):
            yield (b, b + 1), (i0, min(out_h, i0 + rows))


@ignore_blas_invalid_flag
def conv2d(x, weight, bias=None, stride=1, padding=0) -> np.ndarray:
    """A 2-D convolution layer over a batch of multi-channel images, as
    ``torch.nn.functional.conv2d`` computes it (cross-correlation, no kernel flip).

    ``out[n, k, i, j] = bias[k] + sum_c sum_m sum_l x_pad[n, c, i*sh + m, j*sw + l] * weight[k, c, m, l]``

    Vectorized, no loop over pixels: the windows of the padded input are a strided view; each
    chunk of output rows (or of whole small images) copies its windows into a
    ``(C*kh*kw, rows*Wo)`` matrix (im2col) and is one BLAS matrix product with the
    ``(K, C*kh*kw)`` weight matrix, written straight into the ``(N, K, Ho, Wo)`` output.

    Args:
        x (array): input of shape ``(N, C, H, W)``.
        weight (array): filters of shape ``(K, C, kh, kw)``.
        bias (array, optional): shape ``(K,)``. Default: ``None`` (no bias).
        stride (int or (int, int)): step between windows, at least 1. Default: 1.
        padding (int or (int, int)): zeros added on each side of H and W, at least 0. Default: 0.

    Returns:
        ndarray: shape ``(N, K, Ho, Wo)`` with ``Ho = conv_output_size(H, kh, sh, ph)`` and
        ``Wo = conv_output_size(W, kw, sw, pw)``; dtype of the inputs promoted together.

    Example::

        >>> x = np.ones((1, 3, 5, 5), np.float32)
        >>> w = np.ones((8, 3, 3, 3), np.float32)
        >>> y = conv2d(x, w, stride=2, padding=1)
        >>> y.shape, y.dtype, float(y[0, 0, 1, 1])
        ((1, 8, 3, 3), dtype('float32'), 27.0)
    """
    x, weight, (sh, sw), (ph, pw), (out_h, out_w) = _check_conv_args(x, weight, stride, padding)
    arrays = [x, weight]
    if bias is not None:
        bias = _as_float_array(bias, "bias")
        if bias.shape != (weight.shape[0],):
            raise ValueError(
                f"bias must have shape ({weight.shape[0]},) (one value per filter), "
                f"got shape {bias.shape}"
            )
        arrays.append(bias)
    dtype = np.result_type(*arrays)
    n, c, _, _ = x.shape
    k, _, kh, kw = weight.shape
    x = x.astype(dtype, copy=False)
    xp = pad2d(x, (ph, pw)) if ph or pw else np.ascontiguousarray(x)
    # windows[c, m, l, b, i, j] = xp[b, c, i*sh + m, j*sw + l]: a view, nothing copied yet
    sn, sc, sy, sx = xp.strides
    windows = as_strided(
        xp,
        shape=(c, kh, kw, n, out_h, out_w),
        strides=(sc, sy, sx, sn, sy * sh, sx * sw),
        writeable=False,
    )
    row_len = c * kh * kw
    w2 = np.ascontiguousarray(weight, dtype=dtype).reshape(k, row_len)
    out = np.empty((n, k, out_h, out_w), dtype)
    for (b0, b1), (i0, i1) in _chunks(n, out_h, out_w * row_len * np.dtype(dtype).itemsize):
        m = (b1 - b0) * (i1 - i0) * out_w
        # im2col of this chunk: (C*kh*kw, m), copied in runs of out_w contiguous numbers
        cols = windows[:, :, :, b0:b1, i0:i1].reshape(row_len, m)
        if b1 - b0 == 1:  # one product, written straight into the NCHW output
            np.matmul(w2, cols, out=out[b0, :, i0:i1].reshape(k, m))
        else:  # several small images at once, then the batch axis to the front
            prod = (w2 @ cols).reshape(k, b1 - b0, out_h, out_w)
            out[b0:b1] = prod.transpose(1, 0, 2, 3)
    if bias is not None:
        out += bias[:, None, None]
    return out


class Conv2dGrads(NamedTuple):
    """Gradients from :func:`conv2d_backward`, each named after (and shaped like) what it is the
    gradient of; unpacks as ``dx, dweight, dbias = conv2d_backward(...)``."""

    x: np.ndarray
    weight: np.ndarray
    bias: np.ndarray


@ignore_blas_invalid_flag
def conv2d_backward(dout, x, weight, stride=1, padding=0):
    """Gradients of :func:`conv2d` with respect to its input, its weight and its bias.

    Given the upstream gradient ``dout = dL/d out``, returns ``dL/dx``, ``dL/dweight`` and
    ``dL/dbias``: the same numbers ``torch.autograd`` gives for ``torch.nn.functional.conv2d``.

    Args:
        dout (array): shape ``(N, K, Ho, Wo)``, the shape of ``conv2d(x, weight, ...)``.
        x (array): the layer's input, shape ``(N, C, H, W)``.
        weight (array): the layer's filters, shape ``(K, C, kh, kw)``.
        stride (int or (int, int)): as in the forward pass. Default: 1.
        padding (int or (int, int)): as in the forward pass. Default: 0.

    Returns:
        Conv2dGrads: ``(x, weight, bias)``, the gradients dL/dx, dL/dweight and dL/dbias of
        shapes ``(N, C, H, W)``, ``(K, C, kh, kw)`` and ``(K,)``; unpack it as
        ``dx, dweight, dbias = conv2d_backward(...)``.

    Example::

        >>> x = np.ones((1, 1, 3, 3)); w = np.ones((1, 1, 2, 2))
        >>> dx, dw, db = conv2d_backward(np.ones((1, 1, 2, 2)), x, w)
        >>> dx[0, 0]
        array([[1., 2., 1.],
               [2., 4., 2.],
               [1., 2., 1.]])
        >>> dw[0, 0], db
        (array([[4., 4.],
               [4., 4.]]), array([4.]))
    """
    x, weight, (sh, sw), (ph, pw), (out_h, out_w) = _check_conv_args(x, weight, stride, padding)
    dout = _as_float_array(dout, "dout")
    n, c, h, w = x.shape
    k, _, kh, kw = weight.shape
    if dout.shape != (n, k, out_h, out_w):
        raise ValueError(
            f"dout must have the shape of conv2d's output (N, K, Ho, Wo) = "
            f"{(n, k, out_h, out_w)}, got shape {dout.shape}"
        )
    dtype = np.result_type(dout, x, weight)
    xp = _padded_nhwc(x, ph, pw, dtype)
    cols = _windows(xp, kh, kw, sh, sw, out_h, out_w).reshape(n * out_h * out_w, kh * kw * c)
    dout_rows = np.ascontiguousarray(dout.transpose(0, 2, 3, 1), dtype=dtype)
    dout_rows = dout_rows.reshape(n * out_h * out_w, k)

    dbias = dout_rows.sum(axis=0)
    dweight = (dout_rows.T @ cols).reshape(k, kh, kw, c).transpose(0, 3, 1, 2)

    w2 = np.ascontiguousarray(weight.transpose(0, 2, 3, 1), dtype=dtype).reshape(k, kh * kw * c)
    dcols = (dout_rows @ w2).reshape(n, out_h, out_w, kh, kw, c)
    dxp = np.zeros_like(xp)
    for m in range(kh):  # scatter-add each kernel offset back: a loop over kh*kw, not pixels
        for l in range(kw):
            dxp[:, m : m + sh * out_h : sh, l : l + sw * out_w : sw, :] += dcols[:, :, :, m, l, :]
    dx = dxp[:, ph : ph + h, pw : pw + w, :].transpose(0, 3, 1, 2)
    return Conv2dGrads(np.ascontiguousarray(dx), np.ascontiguousarray(dweight), dbias)


# ----------------------------------------------------------------------------- coverage
def visited_mask(padded_shape: tuple[int, int], kernel_shape, stride=1) -> np.ndarray:
    """Which cells of a (padded) input at least one window of a strided scan covers.

    Args:
        padded_shape: (Hp, Wp), the input's shape after padding.
        kernel_shape: (kh, kw) or an int k for (k, k).
        stride: an int or (sh, sw).

    Returns:
        bool array of shape (Hp, Wp): True where some window reads the cell. When the stride does
        not tile the input, the last rows and columns stay False: no output ever depends on them
        (and with a stride larger than the kernel, rows and columns between windows too).

    Example:
        >>> visited_mask((6, 6), 3, 2)[:, -1]   # windows start at 0 and 2: column 5 is never read
        array([False, False, False, False, False, False])
    """
    hp, wp = _pair(padded_shape, "padded_shape", 1)
    kh, kw = _pair(kernel_shape, "kernel_shape", 1)
    sh, sw = _pair(stride, "stride", 1)
    if kh > hp or kw > wp:
        raise ValueError(f"kernel_shape {(kh, kw)} does not fit the padded input {(hp, wp)}")
    check_size((hp, wp), np.bool_, f"padded_shape={padded_shape!r}", "the mask")

    def axis(n: int, k: int, s: int) -> np.ndarray:
        starts = np.arange(0, n - k + 1, s)  # every window's first cell along this axis
        seen = np.zeros(n + 1, np.int32)
        np.add.at(seen, starts, 1)
        np.add.at(seen, starts + k, -1)
        return np.cumsum(seen[:n]) > 0  # inside some window's [start, start + k)

    return axis(hp, kh, sh)[:, None] & axis(wp, kw, sw)[None, :]

