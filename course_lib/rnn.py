"""A vanilla recurrent neural network in NumPy: forward pass, backpropagation through time (BPTT).

The notation is that of Goodfellow, Bengio and Courville, *Deep Learning* (MIT Press, 2016), ch. 10::

    a_t = b + W h_{t-1} + U x_t        pre-activation           (N, H)
    h_t = tanh(a_t)                    hidden state             (N, H)
    o_t = c + V h_t                    output                   (N, O)

with the same parameters ``U, W, b, V, c`` at every time step (parameter sharing). Sequences are
time-major, like ``torch.nn.RNN`` with ``batch_first=False``: ``xs`` has shape (T, N, D) for T
steps, a batch of N sequences and D input features.

PyTorch's ``torch.nn.RNN`` computes the same recurrence with ``U = weight_ih_l0``,
``W = weight_hh_l0`` and ``b = bias_ih_l0 + bias_hh_l0`` (two biases that are always added, so
only their sum matters); ``RNNParams.from_torch`` does that conversion.

This module uses NumPy only (torch is imported lazily inside ``RNNParams.from_torch``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from ._args import (
    check_size,
    choice,
    float_array,
    float_arrays,
    float_dtype,
    integer,
    real,
    single_layer,
)
from ._args import seed as _seed
from ._blas import ignore_blas_invalid_flag

__all__ = [
    "RNNParams",
    "RNNForward",
    "RNNGrads",
    "rnn_step",
    "rnn_forward",
    "rnn_backward",
    "gradient_norms_by_lag",
    "spectral_radius",
    "scale_to_spectral_radius",
    "example_inputs",
    "INPUT_KINDS",
]

_FLOATS = (np.float32, np.float64)


_float_dtype = float_dtype


@dataclass(frozen=True, eq=False)  # eq=False: arrays have no single truth value; compare by identity
class RNNParams:
    """The parameters of a one-layer tanh RNN with a linear output layer.

    Args:
        U: (H, D) input-to-hidden weights (``torch.nn.RNN.weight_ih_l0``).
        W: (H, H) hidden-to-hidden weights, the recurrent connection (``weight_hh_l0``).
        b: (H,) hidden bias (``bias_ih_l0 + bias_hh_l0``).
        V: (O, H) hidden-to-output weights (a ``torch.nn.Linear`` head's ``weight``).
        c: (O,) output bias (the head's ``bias``).

    All five arrays must share one float dtype (float32 or float64); shapes must agree.

    Example:
        >>> p = RNNParams.random(input_size=3, hidden_size=4, output_size=2, seed=0)
        >>> p.U.shape, p.W.shape, p.b.shape, p.V.shape, p.c.shape
        ((4, 3), (4, 4), (4,), (2, 4), (2,))
        >>> p.num_parameters
        42
    """

    U: np.ndarray
    W: np.ndarray
    b: np.ndarray
    V: np.ndarray
    c: np.ndarray

    def __post_init__(self):
        arrays = {}
        for name in ("U", "W", "b", "V", "c"):
            a = getattr(self, name)
            if not isinstance(a, np.ndarray):
                raise TypeError(f"RNNParams.{name} must be a NumPy array, got {type(a).__name__}")
            if a.dtype not in _FLOATS:
                raise TypeError(f"RNNParams.{name} must have dtype float32 or float64, "
                                f"got {a.dtype}")
            arrays[name] = a
        dtypes = {a.dtype for a in arrays.values()}
        if len(dtypes) != 1:
            got = ", ".join(f"{k}: {a.dtype}" for k, a in arrays.items())
            raise TypeError(f"RNNParams arrays must share one dtype, got {got}")
        want_ndim = {"U": 2, "W": 2, "b": 1, "V": 2, "c": 1}
        for name, nd in want_ndim.items():
            if arrays[name].ndim != nd:
                raise ValueError(f"RNNParams.{name} must be {nd}-D, got shape {arrays[name].shape}")
        H = self.W.shape[0]
        if self.W.shape != (H, H):
            raise ValueError(f"RNNParams.W must be square (H, H), got shape {self.W.shape}")
        if self.U.shape[0] != H:
            raise ValueError(f"RNNParams.U must have shape (H, D) = ({H}, D) to match W {self.W.shape}, "
                             f"got {self.U.shape}")
        if self.b.shape != (H,):
            raise ValueError(f"RNNParams.b must have shape (H,) = ({H},) to match W {self.W.shape}, "
                             f"got {self.b.shape}")
        if self.V.shape[1] != H:
            raise ValueError(f"RNNParams.V must have shape (O, H) = (O, {H}) to match W {self.W.shape}, "
                             f"got {self.V.shape}")
        O = self.V.shape[0]
        if self.c.shape != (O,):
            raise ValueError(f"RNNParams.c must have shape (O,) = ({O},) to match V {self.V.shape}, "
                             f"got {self.c.shape}")
        if H == 0 or self.U.shape[1] == 0 or O == 0:
            raise ValueError(f"RNNParams sizes must be positive, got input_size={self.U.shape[1]}, "
                             f"hidden_size={H}, output_size={O}")

    # --- sizes -------------------------------------------------------------------------------
    @property
    def input_size(self) -> int:
        """D, the number of input features."""
        return self.U.shape[1]

    @property
    def hidden_size(self) -> int:
        """H, the number of hidden units."""
        return self.W.shape[0]

    @property
    def output_size(self) -> int:
        """O, the number of outputs."""
        return self.V.shape[0]

    @property
    def dtype(self) -> np.dtype:
        return self.W.dtype

    def astype(self, dtype: Any) -> RNNParams:
        """A copy with all five arrays converted to ``dtype`` (float32 or float64)."""
        dt = _float_dtype(dtype)
        return RNNParams(**{k: getattr(self, k).astype(dt) for k in ("U", "W", "b", "V", "c")})

    @property
    def num_parameters(self) -> int:
        """How many numbers the network learns; the same for any sequence length T."""
        return sum(a.size for a in (self.U, self.W, self.b, self.V, self.c))

    # --- constructors ------------------------------------------------------------------------
    @classmethod
    def random(cls, input_size: int, hidden_size: int, output_size: int, seed: int = 0,
               dtype: Any = np.float64) -> RNNParams:
        """Parameters drawn like PyTorch's default: uniform in [-1/sqrt(H), 1/sqrt(H)].

        Args:
            input_size: D. hidden_size: H. output_size: O (all >= 1).
            seed: seed of ``numpy.random.default_rng``.
            dtype: numpy.float32 or numpy.float64.

        Example:
            >>> RNNParams.random(1, 2, 1, seed=3, dtype=np.float32).W.dtype
            dtype('float32')
        """
        D = integer(input_size, "input_size", 1)
        H = integer(hidden_size, "hidden_size", 1)
        O = integer(output_size, "output_size", 1)
        dt = _float_dtype(dtype)
        check_size((H * (D + H + 1) + O * (H + 1),), np.float64,
                   f"input_size={D}, hidden_size={H}, output_size={O}", "the parameters")
        rng = np.random.default_rng(_seed(seed))
        k = 1.0 / np.sqrt(H)

        def u(*shape):
            return rng.uniform(-k, k, size=shape).astype(dt)

        return cls(U=u(H, D), W=u(H, H), b=u(H), V=u(O, H), c=u(O))

    @classmethod
    def from_torch(cls, rnn: Any, head: Any = None) -> RNNParams:
        """Convert a ``torch.nn.RNN`` (or ``torch.nn.RNNCell``) and an optional ``torch.nn.Linear``.

        The mapping is ``U = weight_ih``, ``W = weight_hh``, ``b = bias_ih + bias_hh`` and, for the
        head, ``V = weight``, ``c = bias``. Without a head, ``V`` is the identity and ``c`` zero, so
        that the outputs equal the hidden states.

        The module must use ``nonlinearity="tanh"``, one layer, one direction. ``batch_first``
        does not change the parameters: a ``batch_first=True`` module is accepted, but its inputs
        are (N, T, D) while ``rnn_forward`` takes (T, N, D), so transpose them with
        ``xs.transpose(1, 0, 2)``.

        Args:
            rnn: a ``torch.nn.RNN`` or ``torch.nn.RNNCell`` (float32 or float64).
            head: ``None`` or a ``torch.nn.Linear`` with ``in_features == hidden_size``.

        Example:
            >>> import torch
            >>> rnn = torch.nn.RNN(input_size=3, hidden_size=5)
            >>> RNNParams.from_torch(rnn, torch.nn.Linear(5, 2)).V.shape
            (2, 5)
        """
        import torch  # lazy: the rest of this module is NumPy only

        if not isinstance(rnn, torch.nn.RNN | torch.nn.RNNCell):
            raise TypeError(f"rnn must be a torch.nn.RNN or torch.nn.RNNCell, got {type(rnn).__name__}"
                            " (for an LSTM use course_lib.lstm)")
        if rnn.nonlinearity != "tanh":
            raise ValueError(f"rnn must use nonlinearity='tanh', got nonlinearity={rnn.nonlinearity!r}")
        suffix = ""
        if isinstance(rnn, torch.nn.RNN):
            single_layer(rnn, "rnn", "one RNNParams per layer")
            suffix = "_l0"

        def arr(t):
            return t.detach().cpu().numpy().copy()

        U = arr(getattr(rnn, "weight_ih" + suffix))
        W = arr(getattr(rnn, "weight_hh" + suffix))
        if rnn.bias:
            b = arr(getattr(rnn, "bias_ih" + suffix) + getattr(rnn, "bias_hh" + suffix))
        else:
            b = np.zeros(W.shape[0], dtype=W.dtype)
        H = W.shape[0]
        if head is None:
            V, c = np.eye(H, dtype=W.dtype), np.zeros(H, dtype=W.dtype)
        else:
            if not isinstance(head, torch.nn.Linear):
                raise TypeError(f"head must be None or a torch.nn.Linear, got {type(head).__name__}")
            if head.in_features != H:
                raise ValueError(f"head.in_features must equal the RNN's hidden_size {H}, "
                                 f"got {head.in_features}")
            V = arr(head.weight)
            c = arr(head.bias) if head.bias is not None else np.zeros(V.shape[0], dtype=V.dtype)
        if W.dtype not in _FLOATS or V.dtype != W.dtype:
            raise TypeError(f"rnn and head must both be float32 or both float64, got rnn {W.dtype}"
                            f" and head {V.dtype}")
        return cls(U=U, W=W, b=b, V=V, c=c)

    @classmethod
    def orthogonal(cls, input_size: int, hidden_size: int, output_size: int,
                   spectral_radius: float = 1.0, seed: int = 0, dtype: Any = np.float64) -> RNNParams:
        """Parameters for experiments on gradients through time: ``W = rho * Q``, ``b = 0``.

        Q is a random orthogonal matrix, so every eigenvalue of W has modulus ``rho`` and
        ``||W^k v|| = rho**k ||v||`` exactly: with small hidden states (tanh' close to 1) a
        gradient shrinks or grows by ``rho`` per step back in time. U, V and c are drawn as in
        ``random``; b is zero so that zero inputs keep the state at zero.

        Example:
            >>> p = RNNParams.orthogonal(1, 4, 1, spectral_radius=0.9, seed=0)
            >>> round(spectral_radius(p.W), 6), float(abs(p.b).max())
            (0.9, 0.0)
        """
        _check_radius(spectral_radius, "spectral_radius")
        p = cls.random(input_size, hidden_size, output_size, seed=seed, dtype=dtype)
        rng = np.random.default_rng([seed, 1])
        Q, R = np.linalg.qr(rng.standard_normal((p.hidden_size, p.hidden_size)))
        Q = (Q * np.sign(np.diag(R))).astype(p.dtype)
        return cls(U=p.U, W=scale_to_spectral_radius(Q, spectral_radius), b=np.zeros_like(p.b),
                   V=p.V, c=p.c)

    def with_spectral_radius(self, rho: float) -> RNNParams:
        """A copy whose recurrent matrix W is rescaled to spectral radius ``rho``."""
        return RNNParams(U=self.U, W=scale_to_spectral_radius(self.W, rho), b=self.b, V=self.V,
                         c=self.c)


# --- input checks ----------------------------------------------------------------------------
def _check_params(params: Any) -> None:
    if not isinstance(params, RNNParams):
        raise TypeError(f"params must be an RNNParams, got {type(params).__name__}")


def _promote(params: Any, **arrays: Any) -> tuple:
    """``(params, *arrays)`` in one float dtype, by course_lib's dtype policy (course_lib._args):
    float32 only if the parameters and every array are float32; ints and bools count as float64.
    ``None`` stays ``None``."""
    _check_params(params)
    dtype, out = float_arrays(params.dtype, **arrays)
    width = max(params.hidden_size, params.output_size)
    for name, arr in zip(arrays, out):
        if arr is not None and arr.ndim > 1:  # the size guard: states and outputs for its steps
            check_size(arr.shape[:-1] + (width,), dtype, f"{name} of shape {arr.shape}",
                       "the hidden states and outputs")
    return (params if dtype == params.dtype else params.astype(dtype), *out)


@ignore_blas_invalid_flag
def rnn_step(x_t: np.ndarray, h_prev: np.ndarray, params: RNNParams) -> np.ndarray:
    """One step of the recurrence: ``h_t = tanh(b + W h_{t-1} + U x_t)``.

    Args:
        x_t: (N, D) inputs at step t (or (D,) for a single sequence).
        h_prev: (N, H) hidden state h_{t-1} (or (H,)).
        params: an ``RNNParams``.

    Returns:
        h_t: (N, H) (or (H,)); float32 if the parameters and inputs are, else float64.

    Example:
        >>> p = RNNParams(U=np.array([[1.0]]), W=np.array([[0.5]]), b=np.zeros(1),
        ...               V=np.eye(1), c=np.zeros(1))
        >>> rnn_step(np.array([1.0]), np.array([0.0]), p).round(4)
        array([0.7616])
    """
    params, x_t, h_prev = _promote(params, x_t=x_t, h_prev=h_prev)
    if x_t.ndim not in (1, 2) or x_t.shape[-1] != params.input_size:
        raise ValueError(f"x_t must have shape (N, D) or (D,) with D = input_size = "
                         f"{params.input_size}, got {x_t.shape}")
    want = x_t.shape[:-1] + (params.hidden_size,)
    if h_prev.shape != want:
        raise ValueError(f"h_prev must have shape {want} (batch of x_t, hidden_size "
                         f"{params.hidden_size}), got {h_prev.shape}")
    return np.tanh(params.b + h_prev @ params.W.T + x_t @ params.U.T)


@dataclass(frozen=True, eq=False)
class RNNForward:
    """What ``rnn_forward`` returns; unpacks as ``h, o = rnn_forward(...)``.

    The one result that is not a NamedTuple: besides the two arrays a caller uses (``h``,
    ``o``, which is what unpacking gives) it carries the forward pass's cache for
    ``rnn_backward`` (``xs``, ``h0``, ``params``), as CS231n's ``(out, cache)`` pairs do.

    Attributes:
        h: (T, N, H) hidden states h_1 ... h_T.
        o: (T, N, O) outputs o_1 ... o_T.
        xs: (T, N, D) the inputs, h0: (N, H) the initial state, params: the parameters
            (kept so that ``rnn_backward`` can run BPTT without recomputing the forward pass).
    """

    h: np.ndarray
    o: np.ndarray
    xs: np.ndarray
    h0: np.ndarray
    params: RNNParams

    def __iter__(self):
        return iter((self.h, self.o))

    @property
    def h_last(self) -> np.ndarray:
        """(N, H) the final hidden state h_T (torch.nn.RNN's ``h_n[0]``)."""
        return self.h[-1]


@ignore_blas_invalid_flag
def rnn_forward(xs: np.ndarray, h0: np.ndarray | None, params: RNNParams) -> RNNForward:
    """Run the RNN over a whole sequence, applying the same parameters at every step.

    Args:
        xs: (T, N, D) inputs, time first (like ``torch.nn.RNN(batch_first=False)``).
        h0: (N, H) initial hidden state, or ``None`` for zeros.
        params: an ``RNNParams``.

    Returns:
        An ``RNNForward`` with ``h`` (T, N, H) and ``o`` (T, N, O); ``h, o = rnn_forward(...)``.

    Example:
        >>> p = RNNParams.random(input_size=3, hidden_size=4, output_size=2, seed=0)
        >>> xs = np.ones((5, 2, 3))
        >>> h, o = rnn_forward(xs, None, p)
        >>> h.shape, o.shape
        ((5, 2, 4), (5, 2, 2))
    """
    params, xs, h0 = _promote(params, xs=xs, h0=h0)
    if xs.ndim != 3:
        raise ValueError(f"xs must have shape (T, N, D) (time, batch, features), got {xs.shape}")
    T, N, D = xs.shape
    if T < 1 or N < 1:
        raise ValueError(f"xs must hold at least one step and one sequence, got shape {xs.shape}")
    if D != params.input_size:
        raise ValueError(f"xs has D = {D} features but params.input_size is {params.input_size}")
    H = params.hidden_size
    if h0 is None:
        h0 = np.zeros((N, H), dtype=params.dtype)
    if h0.shape != (N, H):
        raise ValueError(f"h0 must have shape (N, H) = ({N}, {H}), got {h0.shape}")
    h = np.empty((T, N, H), dtype=params.dtype)
    # The input part U x_t of every step in one matrix product; only W h_{t-1} is sequential.
    a_in = xs @ params.U.T + params.b
    WT = params.W.T
    prev = h0
    for t in range(T):
        prev = h[t] = np.tanh(a_in[t] + prev @ WT)
    o = h @ params.V.T + params.c
    return RNNForward(h=h, o=o, xs=xs, h0=h0, params=params)


class RNNGrads(NamedTuple):
    """Gradients from ``rnn_backward``, each named after (and shaped like) what it is the
    gradient of (the backward convention in docs/architecture.md).

    Attributes:
        U, W, b, V, c: dL/dU (H, D), dL/dW (H, H), dL/db (H,), dL/dV (O, H), dL/dc (O,).
        h: (T, N, H) dL/dh_t for every t: the total gradient reaching h_t, from its own output
            and from all later steps through W.
        h0: (N, H) dL/dh_0. xs: (T, N, D) dL/dx_t.
    """

    U: np.ndarray
    W: np.ndarray
    b: np.ndarray
    V: np.ndarray
    c: np.ndarray
    h: np.ndarray
    h0: np.ndarray
    xs: np.ndarray


@ignore_blas_invalid_flag
def rnn_backward(forward: RNNForward, d_o: np.ndarray | None = None,
                 d_h: np.ndarray | None = None) -> RNNGrads:
    """Backpropagation through time (BPTT) for the loss whose gradients reach the outputs/states.

    Going backwards from t = T to 1, the gradient reaching h_t is what its own output sends
    (``d_o[t] V``), plus any direct ``d_h[t]``, plus what step t+1 sends back through W::

        dL/dh_t = d_o[t] V + d_h[t] + (dL/da_{t+1}) W,      dL/da_t = dL/dh_t * (1 - h_t**2)

    and each shared parameter sums its gradient over all steps.

    Args:
        forward: the ``RNNForward`` of ``rnn_forward``.
        d_o: (T, N, O) dL/do_t, or ``None`` (no loss on the outputs).
        d_h: (T, N, H) extra dL/dh_t applied directly to the hidden states, or ``None``.
            For a loss on the last step only, fill ``d_o[-1]`` (or ``d_h[-1]``) and leave zeros.

    Returns:
        An ``RNNGrads``.

    Example:
        >>> p = RNNParams.random(2, 3, 1, seed=0)
        >>> fwd = rnn_forward(np.ones((4, 1, 2)), None, p)
        >>> d_o = np.zeros((4, 1, 1)); d_o[-1] = 1.0       # L = o_T
        >>> g = rnn_backward(fwd, d_o)
        >>> g.W.shape, g.h.shape
        ((3, 3), (4, 1, 3))
    """
    if not isinstance(forward, RNNForward):
        raise TypeError(f"forward must be the RNNForward returned by rnn_forward, got "
                        f"{type(forward).__name__}")
    if d_o is None and d_h is None:
        raise ValueError("give d_o (T, N, O) and/or d_h (T, N, H): the gradient of the loss")
    p, d_o, d_h = _promote(forward.params, d_o=d_o, d_h=d_h)
    h, xs, h0 = (a.astype(p.dtype, copy=False) for a in (forward.h, forward.xs, forward.h0))
    T, N, H = h.shape
    if d_o is not None and d_o.shape != forward.o.shape:
        raise ValueError(f"d_o must have the shape of the outputs {forward.o.shape}, got {d_o.shape}")
    if d_h is not None:
        if d_h.shape != h.shape:
            raise ValueError(f"d_h must have the shape of the hidden states {h.shape}, got {d_h.shape}")
    dh = np.zeros_like(h) if d_h is None else d_h.copy()
    if d_o is not None:
        dh += d_o @ p.V
    # Backwards through time: the only sequential part is the gradient flowing through W.
    da = np.empty_like(h)
    carry = np.zeros((N, H), dtype=p.dtype)
    for t in range(T - 1, -1, -1):
        dh[t] += carry
        da[t] = dh[t] * (1.0 - h[t] * h[t])
        carry = da[t] @ p.W
    h_prev = np.concatenate([h0[None], h[:-1]], axis=0)
    da2 = da.reshape(T * N, H)
    dU = da2.T @ xs.reshape(T * N, -1)
    dW = da2.T @ h_prev.reshape(T * N, H)
    db = da2.sum(axis=0)
    if d_o is None:
        dV, dc = np.zeros_like(p.V), np.zeros_like(p.c)
    else:
        dV = d_o.reshape(T * N, -1).T @ h.reshape(T * N, H)
        dc = d_o.sum(axis=(0, 1))
    return RNNGrads(U=dU, W=dW, b=db, V=dV, c=dc, h=dh, h0=carry, xs=da @ p.U)


def gradient_norms_by_lag(params: RNNParams, xs: np.ndarray, h0: np.ndarray | None = None,
                          upstream: np.ndarray | None = None) -> np.ndarray:
    """How much of a gradient applied at the last step reaches each earlier hidden state.

    The loss is ``L = sum(g * h_T)`` for a fixed direction ``g`` (N, H) with ``||g|| = 1``
    (default: all entries equal), so ``dL/dh_T = g``. Returns ``||dL/dh_{T-k}||`` (Frobenius norm
    over the batch) for lags k = 0, 1, ..., T-1; entry 0 is 1. Each step back multiplies the
    gradient by tanh's derivative (at most 1) and by W^T, so the norm after k steps is at most
    sigma_max(W)**k (the largest singular value): it must vanish when sigma_max < 1. The spectral
    radius rho(W) describes only the long run (a non-normal W with rho < 1 can first grow the
    gradient), and a norm can explode when rho > 1 only while the states stay small.

    Args:
        params: an ``RNNParams``.
        xs: (T, N, D) inputs. h0: (N, H) or ``None`` (zeros).
        upstream: (N, H) the direction g (normalised here), or ``None``.

    Returns:
        (T,) norms, indexed by the time lag k.

    Example:
        >>> p = RNNParams.random(1, 8, 1, seed=0).with_spectral_radius(0.5)
        >>> gradient_norms_by_lag(p, np.zeros((4, 1, 1))).shape
        (4,)
    """
    params, upstream = _promote(params, upstream=upstream)
    fwd = rnn_forward(xs, h0, params)
    params = fwd.params
    T, N, H = fwd.h.shape
    if upstream is None:
        g = np.ones((N, H), dtype=params.dtype)
    else:
        g = upstream.astype(params.dtype, copy=False)
        if not np.isfinite(g).all():
            raise ValueError("upstream must be finite (it is the direction of the gradient)")
        if g.shape != (N, H):
            raise ValueError(f"upstream must have shape (N, H) = ({N}, {H}), got {g.shape}")
    norm = np.linalg.norm(g)
    if not norm > 0:
        raise ValueError("upstream must not be all zero (it is the direction of the gradient)")
    d_h = np.zeros_like(fwd.h)
    d_h[-1] = g / norm
    grads = rnn_backward(fwd, d_h=d_h)
    norms = np.sqrt(np.sum(grads.h.astype(np.float64) ** 2, axis=(1, 2)))
    return norms[::-1].astype(params.dtype)


def spectral_radius(W: np.ndarray) -> float:
    """The largest absolute eigenvalue of a square matrix W."""
    W = float_array(W, "W")
    if W.ndim != 2 or W.shape[0] != W.shape[1] or W.size == 0:
        raise ValueError(f"W must be a non-empty square matrix, got shape {W.shape}")
    if not np.isfinite(W).all():
        raise ValueError("W must be finite: it holds NaN or inf, which have no eigenvalues")
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def _check_radius(value: Any, name: str) -> None:
    """A spectral radius: a finite number >= 0 (the message names the caller's argument)."""
    real(value, name, 0)


def scale_to_spectral_radius(W: np.ndarray, rho: float) -> np.ndarray:
    """W multiplied by a number so that its spectral radius becomes ``rho``.

    A float W keeps its dtype; an integer or boolean W is returned as float64.

    Args:
        W: (H, H) a matrix whose spectral radius is not zero.
        rho: the wanted spectral radius, >= 0.

    Example:
        >>> W = np.array([[0.0, 2.0], [0.5, 0.0]])          # eigenvalues +1 and -1
        >>> round(spectral_radius(scale_to_spectral_radius(W, 0.9)), 6)
        0.9
    """
    _check_radius(rho, "rho")
    W = float_array(W, "W")  # an integer W would be truncated back to integers
    r = spectral_radius(W)
    if r == 0:
        raise ValueError("W has spectral radius 0 (e.g. all zero or nilpotent); it cannot be "
                         "rescaled to another radius")
    return (W * (rho / r)).astype(W.dtype)


INPUT_KINDS = ("impulse", "step", "sine", "noise", "zeros")


def example_inputs(kind: str, length: int, seed: int = 0, dtype: Any = np.float64) -> np.ndarray:
    """A one-feature input sequence of shape (T, 1, 1) for demonstrations.

    Args:
        kind: ``"impulse"`` (1 at the first step, then 0), ``"step"`` (1 at every step),
            ``"sine"`` (a sine wave, one period every 8 steps), ``"noise"`` (standard normal,
            seeded) or ``"zeros"``.
        length: T >= 1. seed: for ``"noise"``. dtype: float32 or float64.

    Example:
        >>> example_inputs("impulse", 4)[:, 0, 0]
        array([1., 0., 0., 0.])
    """
    T = integer(length, "length", 1)
    seed = _seed(seed)
    dt = _float_dtype(dtype)
    check_size((T,), np.float64, f"length={T}", "the inputs")
    choice(kind, "kind", INPUT_KINDS)
    t = np.arange(T)
    if kind == "impulse":
        x = (t == 0).astype(float)
    elif kind == "step":
        x = np.ones(T)
    elif kind == "sine":
        x = np.sin(2 * np.pi * t / 8)
    elif kind == "noise":
        x = np.random.default_rng(seed).standard_normal(T)
    else:
        x = np.zeros(T)
    return x.astype(dt).reshape(T, 1, 1)
