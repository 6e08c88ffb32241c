"""Assignment A1: your own conv2d forward and backward, checked against course_lib and PyTorch.

The reference answers are course_lib.conv.conv2d and conv2d_backward, which the tests check
against torch on many random shapes; ``torch_agrees`` checks the learner's code against
torch.autograd directly.
"""

from __future__ import annotations

import numpy as np

from course_lib import conv
from course_lib.exercises import Exercise, Incorrect, compare, function_slips


def _cases(seed: int = 0):
    """Random layers: odd and even sizes, non-square kernels, strides, paddings, batches."""
    rng = np.random.default_rng(seed)
    shapes = [  # N, C, H, W, K, kh, kw, stride, padding
        (1, 1, 4, 4, 1, 3, 3, 1, 0),
        (2, 3, 7, 6, 4, 3, 3, 1, 1),
        (2, 2, 9, 8, 3, 3, 2, 2, 1),
        (1, 3, 8, 8, 2, 5, 5, (2, 3), (2, 0)),
        (3, 1, 5, 7, 2, 1, 1, 2, 0),
    ]
    for n, c, h, w, k, kh, kw, s, p in shapes:
        x = rng.standard_normal((n, c, h, w))
        wt = rng.standard_normal((k, c, kh, kw))
        b = rng.standard_normal(k)
        yield x, wt, b, s, p


FORWARD_CASES = [((x, w, b), {"stride": s, "padding": p}) for x, w, b, s, p in _cases(0)]
# each default once: bias=None given and left out, stride and padding left out
_x, _w, _b, _, _ = next(_cases(4))
FORWARD_CASES += [((_x, _w), {}), ((_x, _w, None), {"stride": 2, "padding": 1}),
                  ((_x.astype(np.float32), _w.astype(np.float32), _b.astype(np.float32)), {"padding": 1})]

#: What a learner's layer may call: the sizes and the padding it is given; not the layer itself,
#: nor PyTorch's or SciPy's.
_ALLOWED = (conv.conv_output_size, conv.pad2d)
_FORBIDDEN = ("course_lib.conv", "torch", "scipy")


def _backward_case(x, w, s, p, seed):
    out_shape = conv.conv2d(x, w, stride=s, padding=p).shape
    dout = np.random.default_rng(seed).standard_normal(out_shape)
    return (dout, x, w), {"stride": s, "padding": p}


BACKWARD_CASES = [_backward_case(x, w, s, p, k) for k, (x, w, _, s, p) in enumerate(_cases(1))]

_SLIP_LAYERS = list(_cases(9))   # layers for telling the usual slips apart, not for judging
_SLIP_X, _SLIP_W, _SLIP_B, _, _ = _SLIP_LAYERS[0]


def _matches(fn, want) -> bool:
    got = np.asarray(fn(_SLIP_X, _SLIP_W, _SLIP_B, stride=1, padding=0))
    return got.shape == want.shape and np.allclose(got, want)


def _matches_none(fn) -> bool:
    try:
        got = np.asarray(fn(_SLIP_X, _SLIP_W, None, stride=1, padding=0))
    except Exception:  # noqa: BLE001 - failing is what this detects
        return False
    return compare(got, conv.conv2d(_SLIP_X, _SLIP_W)) is None


def _matches_strided(fn) -> bool:
    x, w, b, s, p = _SLIP_LAYERS[2]
    return compare(fn(x, w, b, stride=s, padding=p), conv.conv2d(x, w, b, stride=s, padding=p)) is None


forward = Exercise(
    "A1.1 conv2d forward",
    checker=function_slips(
        Exercise("A1.1", reference=conv.conv2d, cases=FORWARD_CASES),
        [(lambda fn: _matches(fn, conv.conv2d(_SLIP_X, _SLIP_W[:, :, ::-1, ::-1], _SLIP_B)),
          "your layer flips the kernel (the lecture's convolution); a convolution layer, like "
          "PyTorch's, computes cross-correlation: w[k, c, m, l] meets x_pad[..., i*sh + m, j*sw + l]"),
         (lambda fn: _matches(fn, conv.conv2d(_SLIP_X, _SLIP_W)),
          "right except for the bias: add bias[k] to every output of filter k "
          "(bias[None, :, None, None] broadcasts it)"),
         (lambda fn: _matches(fn, conv.conv2d(_SLIP_X, _SLIP_W, _SLIP_B)) and not _matches_none(fn),
          "your layer fails when bias=None, its default: add the bias only when it is given"),
         (lambda fn: _matches(fn, conv.conv2d(_SLIP_X, _SLIP_W, _SLIP_B)) and not _matches_strided(fn),
          "right for stride 1; with a stride, output (i, j) reads the window that starts at row "
          "i * s_h and column j * s_w")]),
    forbidden=_FORBIDDEN,
    allowed=_ALLOWED,
    hints=[
        "Pad x first with np.pad on the last two axes only: pad_width ((0,0), (0,0), (ph,ph), (pw,pw)).",
        "Loop over the kernel offsets (m, l) only: for each, the slice xp[:, :, m:m+sh*Ho:sh, l:l+sw*Wo:sw] "
        "has shape (N, C, Ho, Wo) and meets weight[:, :, m, l] (shape (K, C)).",
        "For one offset, the contribution sums over the input channels c: an einsum (or a "
        "tensordot) of the (N, C, Ho, Wo) slice with the (K, C) weights gives (N, K, Ho, Wo).",
    ],
    solution="""
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((N, K, Ho, Wo), dtype=np.result_type(x, weight))
    for m in range(kh):
        for l in range(kw):
            patch = xp[:, :, m:m + sh * Ho:sh, l:l + sw * Wo:sw]
            out += np.einsum('nchw,kc->nkhw', patch, weight[:, :, m, l])
    if bias is not None:
        out += bias[None, :, None, None]
    return out
    """,
)

# A padded layer whose windows overlap, to tell which of the three gradients is wrong.
_GRAD_ARGS, _GRAD_KW = _backward_case(*(_SLIP_LAYERS[1][i] for i in (0, 1, 3, 4)), seed=9)
_GRAD_ADVICE = {
    "dx": "windows overlap, so add with += into a zero array the size of the padded input, "
          "then cut the padding off",
    "dweight": "w[k, c, m, l] met the slice of x_pad at offset (m, l): sum dout times that slice "
               "over n, i and j",
    "dbias": "b_k was added to every output of filter k: sum dout over n, i and j",
}


def _only_wrong(name: str):
    def detect(fn) -> bool:
        got = fn(*_GRAD_ARGS, **_GRAD_KW)
        want = conv.conv2d_backward(*_GRAD_ARGS, **_GRAD_KW)
        ok = {n: np.shape(g) == w.shape and np.allclose(g, w)
              for n, g, w in zip(_GRAD_ADVICE, got, want)}
        return not ok[name] and sum(ok.values()) == 2
    return detect


backward = Exercise(
    "A1.2 conv2d backward",
    checker=function_slips(
        Exercise("A1.2", reference=conv.conv2d_backward, cases=BACKWARD_CASES),
        [(_only_wrong(n), f"the other two gradients are right, {n} is not: {why}")
         for n, why in _GRAD_ADVICE.items()]),
    forbidden=_FORBIDDEN,
    allowed=_ALLOWED,
    hints=[
        "dbias[k] sums dout over everything but k: dout.sum(axis=(0, 2, 3)).",
        "Each kernel offset (m, l) saw one strided slice of the padded input (as in the forward "
        "pass): dweight[:, :, m, l] pairs dout with that slice and sums over n, i and j.",
        "The same slice of a zero array the size of the padded input receives dout times "
        "weight[:, :, m, l], summed over k (use +=: windows overlap); cut the padding off at the end.",
    ],
    solution="""
    dxp = np.zeros_like(xp)
    dweight = np.zeros_like(weight)
    for m in range(kh):
        for l in range(kw):
            rows, cols = slice(m, m + sh * Ho, sh), slice(l, l + sw * Wo, sw)
            patch = xp[:, :, rows, cols]
            dweight[:, :, m, l] = np.einsum('nkhw,nchw->kc', dout, patch)
            dxp[:, :, rows, cols] += np.einsum('nkhw,kc->nchw', dout, weight[:, :, m, l])
    dx = dxp[:, :, ph:ph + H, pw:pw + W]
    return dx, dweight, dout.sum(axis=(0, 2, 3))
    """,
)


def _torch_agrees(functions) -> None:
    import torch

    if not isinstance(functions, tuple | list) or len(functions) != 2 or not all(map(callable, functions)):
        raise Incorrect("pass a pair of functions: (my_conv2d, my_conv2d_backward)")
    my_forward, my_backward = functions
    for k, (x, w, b, s, p) in enumerate(_cases(2), start=1):
        xt = torch.tensor(x, requires_grad=True)
        wt = torch.tensor(w, requires_grad=True)
        bt = torch.tensor(b, requires_grad=True)
        out = torch.nn.functional.conv2d(xt, wt, bt, stride=s, padding=p)
        dout = np.random.default_rng(k).standard_normal(tuple(out.shape))
        out.backward(torch.tensor(dout))
        why = compare(my_forward(x, w, b, stride=s, padding=p), out.detach().numpy(),
                      what="your forward pass")
        if why:
            raise Incorrect(f"layer {k}: {why} (against torch.nn.functional.conv2d)")
        grads = my_backward(dout, x, w, stride=s, padding=p)
        if not isinstance(grads, tuple | list) or len(grads) != 3:
            raise Incorrect("your backward function should return three arrays (dx, dweight, dbias)")
        for name, got, want in zip(("dx", "dweight", "dbias"), grads, (xt.grad, wt.grad, bt.grad)):
            why = compare(got, want.numpy(), what=f"your {name}")
            if why:
                raise Incorrect(f"layer {k}: {why} (against torch.autograd)")


torch_agrees = Exercise(
    "A1.3 PyTorch agrees",
    checker=_torch_agrees,
    forbidden=_FORBIDDEN,
    allowed=_ALLOWED,
    hints=["Pass both functions as a pair: torch_agrees.check((my_conv2d, my_conv2d_backward))."],
    solution="torch_agrees.check((my_conv2d, my_conv2d_backward))",
)


def numerical_gradient(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of a scalar function ``f`` at ``x`` (float64), entry by entry."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        up = f(x)
        x[idx] = old - eps
        down = f(x)
        x[idx] = old
        grad[idx] = (up - down) / (2 * eps)
    return grad


def _gradcheck_case():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((3, 4))
    return a


class _Probe:
    """A scalar function that notes every point it is evaluated at that differs from ``x0`` in
    more than one entry: a numerical gradient that does not put x[idx] back makes them."""

    def __init__(self, x0: np.ndarray):
        self.x0, self.worst = x0.copy(), 0

    def __call__(self, x) -> float:
        x = np.asarray(x, dtype=float)
        if x.shape == self.x0.shape:
            self.worst = max(self.worst, int(np.sum(~np.isclose(x, self.x0, rtol=0, atol=1e-12))))
        return float(np.sum(x ** 3))


_gradient_plain = Exercise(
    "A1.4", reference=lambda f, x: numerical_gradient(f, x),
    cases=[((lambda a: float(np.sum(a ** 3)), _gradcheck_case()), {}),
           ((lambda a: float(np.sum(np.sin(a) * a[::-1])), _gradcheck_case()), {}),
           ((lambda a: float(np.sum(a ** 2)), np.arange(6).reshape(2, 3)), {}),   # ints: copy to float
           ((lambda a: float(a[0] * a[1]), np.array([2.0, -3.0])), {})],
    rtol=1e-4, atol=1e-6)


def _check_gradient(fn) -> None:
    result = _gradient_plain.check(fn)
    if result.status == "not attempted":
        raise NotImplementedError
    if not result.correct:
        if "in place" in result.message:
            raise Incorrect("your function leaves x changed: after using x[idx] + eps and "
                            "x[idx] - eps, put the old value back (or work on a copy)")
        raise Incorrect(result.message)
    probe = _Probe(_gradcheck_case())
    fn(probe, _gradcheck_case())
    if probe.worst > 1:
        raise Incorrect(f"f was evaluated at a point that differs from x in {probe.worst} "
                        "entries: put each x[idx] back before you move the next one")


gradient_check = Exercise(
    "A1.4 a numerical gradient",
    checker=_check_gradient,
    forbidden=("scipy", "torch"),
    hints=["Change one entry at a time by +eps and -eps; the slope is (f(x+) - f(x-)) / (2 eps).",
           "Copy x first (np.array(x, dtype=float)) and put each entry back after using it."],
    solution="""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps; up = f(x)
        x[idx] = old - eps; down = f(x)
        x[idx] = old
        grad[idx] = (up - down) / (2 * eps)
    return grad
    """,
)
