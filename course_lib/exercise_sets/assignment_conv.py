"""Assignment A1: your own conv2d forward and backward, checked against course_lib and PyTorch.

The reference answers are course_lib.conv.conv2d and conv2d_backward, which the tests check
against torch on many random shapes; ``torch_agrees`` checks the learner's code against
torch.autograd directly.
"""

from __future__ import annotations

import numpy as np

from course_lib import conv
from course_lib.exercises import Exercise, function_slips


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


forward = Exercise(
    "A1.1 conv2d forward",
    checker=function_slips(
        Exercise("A1.1", reference=conv.conv2d, cases=FORWARD_CASES),
        [(lambda fn: _matches(fn, conv.conv2d(_SLIP_X, _SLIP_W[:, :, ::-1, ::-1], _SLIP_B)),
          "your layer flips the kernel (the lecture's convolution); a convolution layer, like "
          "PyTorch's, computes cross-correlation: w[k, c, m, l] meets x_pad[..., i*sh + m, j*sw + l]"),
         (lambda fn: _matches(fn, conv.conv2d(_SLIP_X, _SLIP_W)),
          "right except for the bias: add bias[k] to every output of filter k "
          "(bias[None, :, None, None] broadcasts it)")]),
    hints=[
        "Pad x first with np.pad on the last two axes only: pad_width ((0,0), (0,0), (ph,ph), (pw,pw)).",
        "Loop over the kernel offsets (m, l) only: for each, the slice xp[:, :, m:m+sh*Ho:sh, l:l+sw*Wo:sw] "
        "has shape (N, C, Ho, Wo) and meets weight[:, :, m, l] (shape (K, C)).",
        "np.einsum('nchw,kc->nkhw', patch, weight[:, :, m, l]) adds one offset's contribution.",
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
    hints=[
        "dbias[k] sums dout over everything but k: dout.sum(axis=(0, 2, 3)).",
        "Each kernel offset (m, l) saw the slice patch = xp[:, :, m:m+sh*Ho:sh, l:l+sw*Wo:sw]: "
        "dweight[:, :, m, l] = einsum('nkhw,nchw->kc', dout, patch).",
        "The same slice of a zero array dxp receives einsum('nkhw,kc->nchw', dout, weight[:, :, m, l]) "
        "(use +=: windows overlap); cut the padding off at the end.",
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

    my_forward, my_backward = functions
    for k, (x, w, b, s, p) in enumerate(_cases(2), start=1):
        xt = torch.tensor(x, requires_grad=True)
        wt = torch.tensor(w, requires_grad=True)
        bt = torch.tensor(b, requires_grad=True)
        out = torch.nn.functional.conv2d(xt, wt, bt, stride=s, padding=p)
        dout = np.random.default_rng(k).standard_normal(tuple(out.shape))
        out.backward(torch.tensor(dout))
        mine = my_forward(x, w, b, stride=s, padding=p)
        assert np.allclose(mine, out.detach().numpy(), atol=1e-8), (
            f"layer {k}: your forward pass differs from torch.nn.functional.conv2d")
        dx, dw, db = my_backward(dout, x, w, stride=s, padding=p)
        for name, got, want in (("dx", dx, xt.grad), ("dweight", dw, wt.grad), ("dbias", db, bt.grad)):
            assert np.allclose(got, want.numpy(), atol=1e-8), (
                f"layer {k}: your {name} differs from torch.autograd's "
                f"(max |diff| = {np.max(np.abs(got - want.numpy())):.3g})")


torch_agrees = Exercise(
    "A1.3 PyTorch agrees",
    checker=_torch_agrees,
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


gradient_check = Exercise(
    "A1.4 a numerical gradient",
    reference=lambda f, x: numerical_gradient(f, x),
    cases=[((lambda a: float(np.sum(a ** 3)), _gradcheck_case()), {}),
           ((lambda a: float(np.sum(np.sin(a) * a[::-1])), _gradcheck_case()), {})],
    rtol=1e-4,
    atol=1e-6,
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
