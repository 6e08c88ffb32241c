"""The LSTM cell in the lecture's notation, in NumPy.

The lecture writes one step of a long short-term memory cell as six equations; every gate reads
the concatenation ``[h_{t-1}, x_t]`` (previous hidden state first, then the input)::

    f_t  = σ(W_f · [h_{t-1}, x_t] + b_f)        forget gate
    i_t  = σ(W_i · [h_{t-1}, x_t] + b_i)        input gate
    o_t  = σ(W_o · [h_{t-1}, x_t] + b_o)        output gate
    s̃_t  = tanh(W_s · [h_{t-1}, x_t] + b_s)     candidate cell state
    s_t  = f_t ⊙ s_{t-1} + i_t ⊙ s̃_t            cell state (PyTorch calls it c_t)
    h_t  = o_t ⊙ tanh(s_t)                      hidden state (the output)

PyTorch stores the same numbers differently: one ``weight_ih`` of shape (4H, D) and one
``weight_hh`` of shape (4H, H), with the gate blocks in the order input, forget, cell (s̃),
output, and two biases that are simply added. :meth:`LSTMParams.from_torch` converts.

Shapes: ``D`` input size, ``H`` hidden size, ``N`` batch size, ``T`` sequence length.
Arrays may be batched (``x_t`` of shape (N, D)) or a single example (shape (D,)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from ._args import check_size, float_arrays, float_dtype, integer, real, single_layer
from ._args import seed as _seed
from ._blas import ignore_blas_invalid_flag
from .activations import sigmoid, tanh

__all__ = [
    "LSTMParams",
    "LSTMStep",
    "LSTMOutput",
    "LSTMTrace",
    "lstm_step",
    "lstm_forward",
    "lstm_trace",
    "TORCH_GATE_ORDER",
]

#: The order of the four gate blocks in PyTorch's ``weight_ih``, ``weight_hh`` and biases,
#: as (PyTorch's name, this module's name): rows ``k*H:(k+1)*H`` hold block ``k``.
TORCH_GATE_ORDER = (("input", "i"), ("forget", "f"), ("cell", "s"), ("output", "o"))

_GATES = ("f", "i", "o", "s")  # our stacking order: three sigmoids, then the tanh candidate


def _floating(name: str, value: Any) -> np.ndarray:
    """``value`` as a floating NumPy array, or a TypeError naming the argument."""
    arr = np.asarray(value)
    if arr.dtype not in (np.float32, np.float64):
        raise TypeError(f"{name} must be a floating-point array (float32 or float64), "
                        f"got dtype {arr.dtype}")
    return arr


@dataclass(frozen=True, eq=False, repr=False)
class LSTMParams:
    """The parameters of one LSTM layer in the lecture's form.

    Args:
        W_f, W_i, W_o, W_s: weights of the forget gate, input gate, output gate and candidate
            cell state, each of shape (H, H + D); columns ``:H`` act on ``h_{t-1}``, columns
            ``H:`` on ``x_t``.
        b_f, b_i, b_o, b_s: the matching biases, each of shape (H,).

    All eight arrays share one floating dtype (float32 or float64).

    Example:
        >>> p = LSTMParams.random(input_size=3, hidden_size=2, seed=0)
        >>> p.W_f.shape, p.b_f.shape, p.input_size, p.hidden_size
        ((2, 5), (2,), 3, 2)
    """

    W_f: np.ndarray
    W_i: np.ndarray
    W_o: np.ndarray
    W_s: np.ndarray
    b_f: np.ndarray
    b_i: np.ndarray
    b_o: np.ndarray
    b_s: np.ndarray

    def __post_init__(self) -> None:
        arrays = {}
        for name in ("W_f", "W_i", "W_o", "W_s", "b_f", "b_i", "b_o", "b_s"):
            arr = _floating(name, getattr(self, name))
            object.__setattr__(self, name, arr)
            arrays[name] = arr
        W_f = arrays["W_f"]
        if W_f.ndim != 2:
            raise ValueError(f"W_f must be 2-D of shape (H, H + D), got shape {W_f.shape}")
        H, cols = W_f.shape
        if H < 1 or cols <= H:
            raise ValueError(f"W_f must have shape (H, H + D) with H >= 1 and D >= 1, got shape "
                             f"{W_f.shape} (it needs more columns than rows)")
        for g in _GATES:
            W, b = arrays[f"W_{g}"], arrays[f"b_{g}"]
            if W.shape != (H, cols):
                raise ValueError(f"W_{g} must have the same shape as W_f, (H, H + D) = {(H, cols)}, "
                                 f"got shape {W.shape}")
            if b.shape != (H,):
                raise ValueError(f"b_{g} must have shape (H,) = ({H},), got shape {b.shape}")
        dtypes = {a.dtype for a in arrays.values()}
        if len(dtypes) != 1:
            found = ", ".join(f"{k}: {a.dtype}" for k, a in arrays.items())
            raise TypeError(f"all LSTM parameters must share one dtype, got {found}")

    def __repr__(self) -> str:
        return (f"LSTMParams(input_size={self.input_size}, hidden_size={self.hidden_size}, "
                f"dtype={self.dtype})")

    @property
    def hidden_size(self) -> int:
        """H, the number of cells (rows of each weight matrix)."""
        return int(self.W_f.shape[0])

    @property
    def input_size(self) -> int:
        """D, the size of one input vector x_t."""
        return int(self.W_f.shape[1] - self.W_f.shape[0])

    @property
    def dtype(self) -> np.dtype:
        return self.W_f.dtype

    def stacked(self) -> tuple[np.ndarray, np.ndarray]:
        """All four gates in one matrix: ``W`` (4H, H + D) and ``b`` (4H,), rows in the order
        f, i, o, s̃ (so one matrix product computes every gate's pre-activation)."""
        W = np.concatenate([getattr(self, f"W_{g}") for g in _GATES], axis=0)
        b = np.concatenate([getattr(self, f"b_{g}") for g in _GATES], axis=0)
        return W, b

    def astype(self, dtype: Any) -> LSTMParams:
        """A copy with every array converted to ``dtype`` (float32 or float64)."""
        dt = float_dtype(dtype)
        return LSTMParams(**{k: getattr(self, k).astype(dt) for k in self._names()})

    @staticmethod
    def _names() -> tuple[str, ...]:
        return tuple(f"W_{g}" for g in _GATES) + tuple(f"b_{g}" for g in _GATES)

    @classmethod
    def random(cls, input_size: int, hidden_size: int, *, seed: int | np.random.Generator = 0,
               dtype: Any = np.float64, forget_bias: float = 0.0) -> LSTMParams:
        """Random parameters drawn like PyTorch's default: uniform in [-1/√H, 1/√H].

        Args:
            input_size: D >= 1.
            hidden_size: H >= 1.
            seed: an int or a ``numpy.random.Generator``.
            dtype: float32 or float64.
            forget_bias: added to ``b_f`` (a positive value makes the cell remember by default).

        Example:
            >>> LSTMParams.random(4, 3, seed=1, dtype=np.float32).W_s.dtype
            dtype('float32')
        """
        H, D = integer(hidden_size, "hidden_size", 1), integer(input_size, "input_size", 1)
        forget_bias = real(forget_bias, "forget_bias")  # NaN would make every b_f NaN
        dt = float_dtype(dtype)
        check_size((4 * H * (H + D + 1),), np.float64, f"input_size={D}, hidden_size={H}",
                   "the parameters")
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(_seed(seed))
        k = 1.0 / np.sqrt(H)
        arrays = {f"W_{g}": rng.uniform(-k, k, (H, H + D)) for g in _GATES}
        arrays.update({f"b_{g}": rng.uniform(-k, k, H) for g in _GATES})
        arrays["b_f"] = arrays["b_f"] + forget_bias
        return cls(**{n: arrays[n].astype(dt) for n in cls._names()})

    @classmethod
    def from_torch(cls, module: Any) -> LSTMParams:
        """Convert a ``torch.nn.LSTM`` (one layer, one direction, no projection) or a
        ``torch.nn.LSTMCell`` into the lecture's form.

        PyTorch computes ``W_ih x_t + b_ih + W_hh h_{t-1} + b_hh`` with the four gates stacked
        in the order input, forget, cell, output. Gate ``g`` here is block ``k`` there, with
        ``W_g = [W_hh[k], W_ih[k]]`` (h first, as in ``[h_{t-1}, x_t]``) and
        ``b_g = b_ih[k] + b_hh[k]``. The dtype follows the module's.

        Example:
            >>> import torch
            >>> p = LSTMParams.from_torch(torch.nn.LSTM(input_size=3, hidden_size=2))
            >>> p.W_i.shape
            (2, 5)
        """
        import torch  # only needed here

        if isinstance(module, torch.nn.LSTM):
            single_layer(module, "module", "one LSTMParams per layer")
            w_ih, w_hh = module.weight_ih_l0, module.weight_hh_l0
            b_ih = getattr(module, "bias_ih_l0", None) if module.bias else None
            b_hh = getattr(module, "bias_hh_l0", None) if module.bias else None
        elif isinstance(module, torch.nn.LSTMCell):
            w_ih, w_hh, b_ih, b_hh = module.weight_ih, module.weight_hh, module.bias_ih, module.bias_hh
        else:
            raise TypeError("module must be a torch.nn.LSTM or torch.nn.LSTMCell, got "
                            f"{type(module).__name__}")
        w_ih = w_ih.detach().cpu().numpy()
        w_hh = w_hh.detach().cpu().numpy()
        H = w_hh.shape[1]
        if b_ih is None:
            bias = np.zeros(4 * H, dtype=w_ih.dtype)
        else:
            bias = b_ih.detach().cpu().numpy() + b_hh.detach().cpu().numpy()
        arrays = {}
        for k, (_, g) in enumerate(TORCH_GATE_ORDER):
            rows = slice(k * H, (k + 1) * H)
            arrays[f"W_{g}"] = np.concatenate([w_hh[rows], w_ih[rows]], axis=1)
            arrays[f"b_{g}"] = bias[rows].copy()
        return cls(**arrays)


class LSTMStep(NamedTuple):
    """One step's results; every field has the shape of ``h_prev``: (N, H) or (H,)."""

    h: np.ndarray
    s: np.ndarray
    f: np.ndarray
    i: np.ndarray
    o: np.ndarray
    s_tilde: np.ndarray


LSTMTrace = NamedTuple("LSTMTrace", [(name, np.ndarray) for name in LSTMStep._fields])
LSTMTrace.__doc__ = """Every step's results along a sequence (``lstm_trace``): the fields of
:class:`LSTMStep` with a time axis in front, each (T, N, H), or (T, H) for one sequence."""


class LSTMOutput(NamedTuple):
    """Every hidden state ``h`` and cell state ``s``: (T, N, H), or (T, H) for one sequence."""

    h: np.ndarray
    s: np.ndarray


def _check_params(params: Any) -> LSTMParams:
    if not isinstance(params, LSTMParams):
        raise TypeError(f"params must be an LSTMParams, got {type(params).__name__}; build one "
                        "with LSTMParams.random(...) or LSTMParams.from_torch(module)")
    return params


def _promote(params: Any, **arrays: Any) -> tuple:
    """``(params, *arrays)`` in one float dtype, by course_lib's dtype policy (course_lib._args):
    float32 only if the parameters and every array are float32; ints and bools count as float64.
    ``None`` stays ``None``."""
    params = _check_params(params)
    dtype, out = float_arrays(params.dtype, **arrays)
    return (params if dtype == params.dtype else params.astype(dtype), *out)


def _state(name: str, value: Any, shape: tuple[int, ...], params: LSTMParams) -> np.ndarray:
    if value is None:
        return np.zeros(shape, dtype=params.dtype)
    if value.shape != shape:
        raise ValueError(f"{name} must have shape {shape} (batch size, hidden size H="
                         f"{params.hidden_size}), got shape {value.shape}")
    return value


def _check_x(name: str, x: np.ndarray, ndim_batched: int, params: LSTMParams) -> None:
    layout = "(T, N, D) or (T, D)" if ndim_batched == 3 else "(N, D) or (D,)"
    if x.ndim not in (ndim_batched, ndim_batched - 1):
        raise ValueError(f"{name} must have shape {layout}, got shape {x.shape}")
    if x.shape[-1] != params.input_size:
        raise ValueError(f"{name} has {x.shape[-1]} features in its last axis but params expect "
                         f"input_size D={params.input_size} (shape {x.shape})")
    if ndim_batched == 3 and x.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one step, got shape {x.shape}")
    # the size guard: every step's four gates, (T, N, 4H), before anything is allocated
    check_size(x.shape[:-1] + (4 * params.hidden_size,), params.dtype,
               f"{name} of shape {x.shape}", "the gates of every step")


@ignore_blas_invalid_flag
def lstm_step(x_t: Any, h_prev: Any, s_prev: Any, params: LSTMParams) -> LSTMStep:
    """One step of the LSTM: the six equations of the lecture.

    Args:
        x_t: input at time t, (N, D) or (D,).
        h_prev: previous hidden state h_{t-1}, (N, H) or (H,); ``None`` means zeros.
        s_prev: previous cell state s_{t-1}, same shape as ``h_prev``; ``None`` means zeros.
        params: an :class:`LSTMParams`.

    Returns:
        An :class:`LSTMStep` ``(h, s, f, i, o, s_tilde)``, each of shape (N, H) or (H,).

    Example:
        >>> p = LSTMParams.random(input_size=3, hidden_size=2, seed=0)
        >>> step = lstm_step(np.ones(3), None, None, p)
        >>> step.h.shape, bool(np.allclose(step.s, step.i * step.s_tilde))
        ((2,), True)
    """
    params, x, h_prev, s_prev = _promote(params, x_t=x_t, h_prev=h_prev, s_prev=s_prev)
    _check_x("x_t", x, 2, params)
    H = params.hidden_size
    shape = (H,) if x.ndim == 1 else (x.shape[0], H)
    h = _state("h_prev", h_prev, shape, params)
    s = _state("s_prev", s_prev, shape, params)
    W, b = params.stacked()  # rows: f, i, o, s̃
    hx = np.concatenate([np.atleast_2d(h), np.atleast_2d(x)], axis=1)  # [h_{t-1}, x_t]
    z = hx @ W.T + b  # (N, 4H): one product for all four gates
    f = sigmoid(z[:, :H])  # forget gate
    i = sigmoid(z[:, H: 2 * H])  # input gate
    o = sigmoid(z[:, 2 * H: 3 * H])  # output gate
    s_tilde = tanh(z[:, 3 * H:])  # candidate cell state
    s_new = f * np.atleast_2d(s) + i * s_tilde
    h_new = o * tanh(s_new)
    out = (h_new, s_new, f, i, o, s_tilde)
    if x.ndim == 1:
        out = tuple(a[0] for a in out)
    return LSTMStep(*(np.array(a) for a in out))


@ignore_blas_invalid_flag
def lstm_forward(xs: Any, h0: Any, s0: Any, params: LSTMParams) -> LSTMOutput:
    """Run the LSTM over a whole sequence.

    The input part of every gate, ``W[:, H:] · x_t``, is computed for all steps at once; each
    step then needs one (N, H) x (H, 4H) product for all four gates.

    Args:
        xs: inputs, (T, N, D) (time first, like ``torch.nn.LSTM``), or (T, D) for one sequence.
        h0: initial hidden state, (N, H) or (H,); ``None`` means zeros.
        s0: initial cell state, same shape; ``None`` means zeros.
        params: an :class:`LSTMParams`.

    Returns:
        An :class:`LSTMOutput` ``(h, s)``: every hidden state and every cell state, each
        (T, N, H) or (T, H). ``h`` equals ``torch.nn.LSTM``'s ``output``; ``h[-1]`` and
        ``s[-1]`` are its final ``(h_n, c_n)``.

    Example:
        >>> p = LSTMParams.random(input_size=3, hidden_size=2, seed=0)
        >>> out = lstm_forward(np.zeros((5, 4, 3)), None, None, p)
        >>> out.h.shape, out.s.shape
        ((5, 4, 2), (5, 4, 2))
    """
    params, x, h0, s0 = _promote(params, xs=xs, h0=h0, s0=s0)
    _check_x("xs", x, 3, params)
    single = x.ndim == 2
    if single:
        x = x[:, None, :]
    T, N, _ = x.shape
    H = params.hidden_size
    shape = (H,) if single else (N, H)
    h = _state("h0", h0, shape, params).reshape(N, H)
    s = _state("s0", s0, shape, params).reshape(N, H)
    W, b = params.stacked()
    # Speed: σ(z) = (1 + tanh(z / 2)) / 2. Halving the sigmoid gates' rows lets one tanh call
    # cover all four gates; the loop then works with u = 1 + tanh(z / 2) = 2σ(z) and with
    # h' = 2h (so W_h is halved as well), which saves passes over the arrays: the halves are
    # paid once per step for s, and once at the end for all of h.
    scale = np.ones((4 * H, 1), dtype=params.dtype)
    scale[: 3 * H] = 0.5
    W, b = W * scale, b * scale[:, 0]
    W_hT = np.ascontiguousarray(W[:, :H].T * 0.5)  # (H, 4H), acts on h' = 2h
    # Input projections and biases of every step in one product: (T, N, 4H).
    zx = (x.reshape(T * N, -1) @ W[:, H:].T + b).reshape(T, N, 4 * H)
    hs = np.empty((T, N, H), dtype=params.dtype)
    ss = np.empty((T, N, H), dtype=params.dtype)
    z = np.empty((N, 4 * H), dtype=params.dtype)
    u_fio = z[:, : 3 * H]
    u_f, u_i, u_o, s_tilde = z[:, :H], z[:, H: 2 * H], z[:, 2 * H: 3 * H], z[:, 3 * H:]
    tmp = np.empty((N, H), dtype=params.dtype)
    one, half = params.dtype.type(1), params.dtype.type(0.5)
    h = h * 2
    for t in range(T):
        np.matmul(h, W_hT, out=z)  # one product for all four gates
        z += zx[t]
        np.tanh(z, out=z)  # s_tilde = tanh(...) is ready
        u_fio += one  # u = 2σ(...) for f, i, o
        s_t = ss[t]
        np.multiply(u_f, s, out=s_t)
        np.multiply(u_i, s_tilde, out=tmp)
        s_t += tmp
        s_t *= half  # s_t = f ⊙ s_{t-1} + i ⊙ s̃_t
        h_t = hs[t]
        np.tanh(s_t, out=h_t)
        h_t *= u_o  # h'_t = 2 o ⊙ tanh(s_t)
        h, s = h_t, s_t
    hs *= half  # h_t = o ⊙ tanh(s_t)
    if single:
        hs, ss = hs[:, 0], ss[:, 0]
    return LSTMOutput(hs, ss)


def lstm_trace(xs: Any, h0: Any, s0: Any, params: LSTMParams) -> LSTMTrace:
    """Run :func:`lstm_step` along a sequence and keep everything, gates included (for plots).

    Args:
        xs, h0, s0, params: as in :func:`lstm_forward`.

    Returns:
        An :class:`LSTMTrace` whose fields ``h, s, f, i, o, s_tilde`` (those of
        :class:`LSTMStep`) each have shape (T, N, H), or (T, H) for one sequence; ``h`` and ``s``
        equal :func:`lstm_forward`'s.

    Example:
        >>> p = LSTMParams.random(input_size=1, hidden_size=2, seed=0)
        >>> lstm_trace(np.zeros((4, 1)), None, None, p).f.shape
        (4, 2)
    """
    params, x, h0, s0 = _promote(params, xs=xs, h0=h0, s0=s0)
    _check_x("xs", x, 3, params)
    H = params.hidden_size
    shape = (H,) if x.ndim == 2 else (x.shape[1], H)
    h, s = _state("h0", h0, shape, params), _state("s0", s0, shape, params)
    steps = []
    for x_t in x:
        step = lstm_step(x_t, h, s, params)
        steps.append(step)
        h, s = step.h, step.s
    return LSTMTrace(*(np.stack(field) for field in zip(*steps)))
