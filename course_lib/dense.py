"""The task layer's numerics: flatten, a fully connected (linear) layer, and the loss.

After the convolution, detector and pooling stages, a CNN holds a stack of feature maps of
shape (N, C, H, W). The task layer turns them into one score per class:

    flatten:  (N, C, H, W) -> (N, C*H*W)          one long vector per example
    linear:   y = x W^T + b                      W has PyTorch's layout (out_features, in_features)
    softmax:  scores -> probabilities            (course_lib.activations.softmax)

``compose_linear`` shows why a non-linearity is needed between layers: two linear layers in a
row are exactly one linear layer. ``cross_entropy`` is the loss that trains the class scores.

NumPy only; dtypes follow course_lib's policy (course_lib._args): float32 in gives float32
out, float64 stays float64, mixed inputs are promoted together. Every function here gives the
same result as its PyTorch counterpart (see tests/test_dense.py).
"""

from __future__ import annotations

import math

import numpy as np

from ._args import float_array as _as_float_array
from ._args import float_arrays, integer
from ._blas import ignore_blas_invalid_flag

__all__ = ["flatten", "linear", "compose_linear", "log_softmax", "cross_entropy"]


def flatten(x: np.ndarray, start_dim: int = 1) -> np.ndarray:
    """Flatten every axis from ``start_dim`` on into one, like ``torch.nn.Flatten(start_dim)``.

    Args:
        x: array of shape (N, d1, d2, ...), at least 2-D; for a CNN usually (N, C, H, W).
        start_dim: the first axis to merge (default 1: keep the batch axis N).

    Returns:
        Array of shape (N, d1 * d2 * ...) (for start_dim=1), same dtype, in C order:
        the last axis varies fastest, so entry [n, (c*H + i)*W + j] is x[n, c, i, j].

    Example:
        >>> flatten(np.zeros((2, 3, 4, 5))).shape
        (2, 60)
    """
    x = _as_float_array(x, "x")
    if x.ndim < 2:
        raise ValueError(f"x must have at least 2 axes (N, ...), got shape {x.shape}")
    start = integer(start_dim, "start_dim", -x.ndim, x.ndim - 1) % x.ndim
    return x.reshape(x.shape[:start] + (math.prod(x.shape[start:]),))  # (not -1: N may be 0)


@ignore_blas_invalid_flag
def linear(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
    """A fully connected layer ``y = x W^T + b``, like ``torch.nn.functional.linear``.

    Args:
        x: input of shape (..., in_features), e.g. (N, in_features).
        weight: (out_features, in_features): row k holds the weights of output unit k
            (PyTorch's layout).
        bias: (out_features,) or None.

    Returns:
        Array of shape (..., out_features): entry k is sum_i x[..., i] * weight[k, i] + bias[k].

    Example:
        >>> w = np.array([[1.0, 2.0], [0.0, -1.0], [1.0, 1.0]])   # 2 inputs -> 3 outputs
        >>> linear(np.array([[1.0, 1.0]]), w, np.array([0.0, 0.0, 0.5]))
        array([[ 3. , -1. ,  2.5]])
    """
    _, (x, weight, bias) = float_arrays(x=x, weight=weight, bias=bias)
    if x.ndim < 1:
        raise ValueError(f"x must have at least 1 axis (..., in_features), got shape {x.shape}")
    if weight.ndim != 2:
        raise ValueError("weight must be 2-D with shape (out_features, in_features), "
                         f"got shape {weight.shape}")
    if x.shape[-1] != weight.shape[1]:
        raise ValueError(f"x has {x.shape[-1]} features in its last axis (shape {x.shape}) but "
                         f"weight expects in_features={weight.shape[1]} (shape {weight.shape})")
    if bias is not None and bias.shape != (weight.shape[0],):
        raise ValueError(f"bias must have shape (out_features,) = ({weight.shape[0]},), "
                         f"got {bias.shape}")
    y = x @ weight.T
    if bias is not None:
        y = y + bias
    return y


@ignore_blas_invalid_flag
def compose_linear(weight1: np.ndarray, bias1: np.ndarray | None, weight2: np.ndarray,
                   bias2: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The single linear layer equal to ``linear`` (weight1, bias1) followed by (weight2, bias2).

    linear(linear(x, W1, b1), W2, b2) = (x W1^T + b1) W2^T + b2 = x (W2 W1)^T + (W2 b1 + b2),
    so the pair collapses into W = W2 W1 and b = W2 b1 + b2: stacking linear layers without a
    non-linearity between them adds no expressive power.

    Args:
        weight1: (hidden, in_features);  bias1: (hidden,) or None.
        weight2: (out_features, hidden); bias2: (out_features,) or None.

    Returns:
        (weight, bias) of shapes (out_features, in_features) and (out_features,).

    Example:
        >>> w, b = compose_linear(np.eye(2), np.ones(2), 2 * np.eye(2), None)
        >>> w, b
        (array([[2., 0.],
               [0., 2.]]), array([2., 2.]))
    """
    dtype, (weight1, bias1, weight2, bias2) = float_arrays(
        weight1=weight1, bias1=bias1, weight2=weight2, bias2=bias2)
    for name, w in (("weight1", weight1), ("weight2", weight2)):
        if w.ndim != 2:
            raise ValueError(f"{name} must be 2-D (out_features, in_features), got shape {w.shape}")
    if weight2.shape[1] != weight1.shape[0]:
        raise ValueError(f"weight2 expects {weight2.shape[1]} inputs (shape {weight2.shape}) but "
                         f"weight1 gives {weight1.shape[0]} outputs (shape {weight1.shape})")
    hidden, out = weight1.shape[0], weight2.shape[0]
    b1 = np.zeros(hidden, dtype) if bias1 is None else bias1
    b2 = np.zeros(out, dtype) if bias2 is None else bias2
    if b1.shape != (hidden,):
        raise ValueError(f"bias1 must have shape ({hidden},), got {b1.shape}")
    if b2.shape != (out,):
        raise ValueError(f"bias2 must have shape ({out},), got {b2.shape}")
    return weight2 @ weight1, weight2 @ b1 + b2


def log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """log(softmax(x)) computed stably (x - max - log sum exp(x - max)), like
    ``torch.log_softmax``.

    Args:
        x: scores (logits) of any shape, classes along ``axis``.
        axis: the class axis (default the last).

    Returns:
        Array of the same shape and dtype; ``exp`` of it sums to 1 along ``axis``.

    Example:
        >>> np.round(np.exp(log_softmax(np.array([1.0, 2.0, 3.0]))), 3)
        array([0.09 , 0.245, 0.665])
    """
    x = _as_float_array(x, "x")
    if x.ndim == 0:
        raise ValueError("x must have at least 1 axis (the classes), got a 0-d array")
    axis = integer(axis, "axis", -x.ndim, x.ndim - 1)
    with np.errstate(invalid="ignore"):  # an inf score gives NaN, as in torch, without a warning
        shifted = x - np.max(x, axis=axis, keepdims=True)
        return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def cross_entropy(logits: np.ndarray, target: np.ndarray) -> float | np.floating:
    """Mean cross-entropy of class scores against integer labels, like
    ``torch.nn.functional.cross_entropy`` (reduction "mean").

    loss = mean_n ( -log softmax(logits[n])[target[n]] )

    Args:
        logits: (N, num_classes) raw class scores (not probabilities).
        target: (N,) integer class labels in [0, num_classes).

    Returns:
        The mean loss, a scalar of the logits' dtype.

    Example:
        >>> round(float(cross_entropy(np.array([[0.0, 0.0]]), np.array([1]))), 4)   # log 2
        0.6931
    """
    logits = _as_float_array(logits, "logits")
    if logits.ndim != 2:
        raise ValueError(f"logits must have shape (N, num_classes), got {logits.shape}")
    target = np.asarray(target)
    if target.dtype.kind not in "iu":
        raise TypeError(f"target must hold integer class labels, got dtype {target.dtype}")
    n, k = logits.shape
    if target.shape != (n,):
        raise ValueError(f"target must have shape (N,) = ({n},) to match logits {logits.shape}, "
                         f"got {target.shape}")
    if target.size and (target.min() < 0 or target.max() >= k):
        bad = target[(target < 0) | (target >= k)][0]
        raise ValueError(f"target labels must be in [0, {k - 1}] for {k} classes, got {bad}")
    if n == 0:
        raise ValueError("logits must hold at least one example, got N=0")
    logp = log_softmax(logits, axis=1)
    return -np.mean(logp[np.arange(n), target])
