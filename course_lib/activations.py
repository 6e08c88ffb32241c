"""Activation functions of the detector layer, and softmax for the task layer.

NumPy in, NumPy out, elementwise: float32 stays float32 and float64 stays float64; integer and
boolean inputs are computed in float64. NaN stays NaN, as in PyTorch.
"""

from __future__ import annotations

import numpy as np

from ._args import float_array as _as_float_array
from ._args import integer, real

__all__ = ["relu", "relu_grad", "leaky_relu", "sigmoid", "tanh", "softmax"]


def relu(x) -> np.ndarray:
    """Rectified linear unit, ``max(x, 0)`` elementwise.

    Args:
        x (array): any shape.

    Returns:
        ndarray: same shape and dtype as ``x``.

    Example::

        >>> relu(np.array([-2.0, 0.0, 3.0]))
        array([0., 0., 3.])
    """
    x = _as_float_array(x, "x")
    return np.maximum(x, x.dtype.type(0))


def relu_grad(x) -> np.ndarray:
    """Derivative of :func:`relu`: 1 where ``x > 0``, else 0 (at 0 too, as PyTorch takes it).

    Args:
        x (array): the input ReLU was applied to, any shape.

    Returns:
        ndarray: same shape and dtype as ``x``, zeros and ones.

    Example::

        >>> relu_grad(np.array([-2.0, 0.0, 3.0]))
        array([0., 0., 1.])
    """
    x = _as_float_array(x, "x")
    return (x > 0).astype(x.dtype)


def leaky_relu(x, negative_slope=0.01) -> np.ndarray:
    """``x`` where ``x >= 0``, ``negative_slope * x`` elsewhere (``torch.nn.functional.leaky_relu``).

    Args:
        x (array): any shape.
        negative_slope (float): finite slope for negative inputs. Default: 0.01.

    Returns:
        ndarray: same shape and dtype as ``x``.

    Example::

        >>> leaky_relu(np.array([-2.0, 3.0]), 0.1)
        array([-0.2,  3. ])
    """
    x = _as_float_array(x, "x")
    negative_slope = real(negative_slope, "negative_slope")
    return np.where(x >= 0, x, x * x.dtype.type(negative_slope))


def sigmoid(x) -> np.ndarray:
    """Logistic sigmoid ``1 / (1 + exp(-x))``, computed without overflow for any ``x``.

    ``exp`` is only ever taken of ``-|x|`` (at most 1), using
    ``sigmoid(x) = 1 / (1 + e)`` for ``x >= 0`` and ``e / (1 + e)`` for ``x < 0``, ``e = exp(-|x|)``.

    Args:
        x (array): any shape.

    Returns:
        ndarray: same shape and dtype as ``x``, values in [0, 1].

    Example::

        >>> sigmoid(np.array([-1000.0, 0.0, 1000.0]))
        array([0. , 0.5, 1. ])
    """
    x = _as_float_array(x, "x")
    e = np.exp(-np.abs(x))
    one = x.dtype.type(1)
    return np.where(x >= 0, one / (one + e), e / (one + e))


def tanh(x) -> np.ndarray:
    """Hyperbolic tangent, elementwise.

    Args:
        x (array): any shape.

    Returns:
        ndarray: same shape and dtype as ``x``, values in [-1, 1].

    Example::

        >>> tanh(np.array([0.0, 1000.0]))
        array([0., 1.])
    """
    x = _as_float_array(x, "x")
    return np.tanh(x)


def softmax(x, axis=-1) -> np.ndarray:
    """Softmax along ``axis``: ``exp(x_i) / sum_j exp(x_j)``, numerically stable.

    The maximum along ``axis`` is subtracted first (it cancels), so no ``exp`` overflows.

    Args:
        x (array): at least one dimension.
        axis (int): the axis that sums to one. Default: -1.

    Returns:
        ndarray: same shape and dtype as ``x``; each slice along ``axis`` sums to 1.

    Example::

        >>> softmax(np.array([1000.0, 1000.0]))
        array([0.5, 0.5])
    """
    x = _as_float_array(x, "x")
    if x.ndim == 0:
        raise ValueError("x must have at least 1 dimension, got a 0-dimensional array")
    axis = integer(axis, "axis")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(
            f"axis must be an integer in [{-x.ndim}, {x.ndim - 1}] for x of shape {x.shape}, "
            f"got {axis}"
        )
    # A slice of all -inf gives NaN, as in PyTorch (invalid); a value more than the float range
    # below its slice's maximum becomes -inf, whose exp is exactly the 0 it should be (over).
    with np.errstate(invalid="ignore", over="ignore"):
        shifted = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)
