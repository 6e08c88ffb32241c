"""Every exercise of every lesson and assignment, judged on answers a learner would give.

For each exercise, ``TABLE`` lists valid alternatives (other types, other formulations, float32,
another correct design) that must be judged correct, and typical wrong answers (the slips real
learners make) that must be judged incorrect, with words the message must contain where the
exercise claims to name the slip. Every exercise is also given garbage (never correct, never an
exception) and a function that never returns (reported within the time limit).
"""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil
import time

import numpy as np
import pytest
import scipy.ndimage
import scipy.optimize
import scipy.signal
import torch

import course_lib.exercise_sets as sets
from course_lib import activations, cnn, conv, dense, kernels, lstm, pooling, rnn, vgg, vqa
from course_lib.exercises import CORRECT, INCORRECT, NOT_ATTEMPTED, Exercise


def _all_exercises() -> dict[str, Exercise]:
    found = {}
    for info in pkgutil.iter_modules(sets.__path__):
        module = importlib.import_module(f"{sets.__name__}.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, Exercise) and not name.startswith("_"):
                found[f"{info.name}.{name}"] = value
    return found


EXERCISES = _all_exercises()
L = {name: importlib.import_module(f"course_lib.exercise_sets.{name}") for name in sets.__all__}


def _t(a, dtype=torch.float32):
    return torch.tensor(np.asarray(a), dtype=dtype)


def _forever(*args, **kwargs):
    while True:
        pass


# ---- answers for the function exercises ---------------------------------------------------------
def _loop_correlate(image, kernel, stride=1, padding=0, square_slip=False):
    image = np.pad(image, padding)
    kh, kw = kernel.shape
    if square_slip:
        kw = kh                # the slip: the kernel's height used for both axes
    out = np.zeros(((image.shape[0] - kh) // stride + 1, (image.shape[1] - kw) // stride + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i * stride:i * stride + kh, j * stride:j * stride + kw] * kernel)
    return out


def _window_correlate(image, kernel, stride=1, padding=0):
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(image, padding), kernel.shape)
    return np.einsum("ijkl,kl->ij", windows[::stride, ::stride], kernel)


def _square_kernel_slip(image, kernel, stride=1, padding=0):
    return _loop_correlate(image, kernel, stride, padding, square_slip=True)


def _mutating_correlate(image, kernel, stride=1, padding=0):
    image *= 1.0
    image -= image.mean()      # "centre the image first": changes the learner's own array
    return _loop_correlate(image + image.mean(), kernel, stride, padding)


def _rnn_step(x, h, U, W, b):
    return np.tanh(b + h @ W.T + x @ U.T)


def _rnn_step_einsum(x, h, U, W, b):
    return np.tanh(np.einsum("hd,nd->nh", U, x) + np.einsum("hk,nk->nh", W, h) + b)


def _rnn_step_float32(x, h, U, W, b):
    f = np.float32
    return np.tanh(b.astype(f) + h.astype(f) @ W.T.astype(f) + x.astype(f) @ U.T.astype(f))


def _rnn_step_in_place(x, h, U, W, b):
    h += 0.0
    h[...] = np.tanh(b + h @ W.T + x @ U.T)
    return h


def _from_torch(r):
    return (r.weight_ih_l0.detach().numpy(), r.weight_hh_l0.detach().numpy(),
            (r.bias_ih_l0 + r.bias_hh_l0).detach().numpy())


def _from_torch_tensors(r):
    p = dict(r.named_parameters())
    return p["weight_ih_l0"], p["weight_hh_l0"], p["bias_ih_l0"] + p["bias_hh_l0"]


def _from_torch_in_place(r):
    with torch.no_grad():
        r.bias_ih_l0 += r.bias_hh_l0          # "add the biases" into the module itself
    return r.weight_ih_l0.detach().numpy(), r.weight_hh_l0.detach().numpy(), r.bias_ih_l0.detach().numpy()


def _sigma(z):
    return 1 / (1 + np.exp(-z))


def _lstm_step(x, h, s, p, order="hx"):
    hx = np.concatenate([h, x] if order == "hx" else [x, h], axis=1)
    f, i, o = (_sigma(hx @ getattr(p, f"W_{g}").T + getattr(p, f"b_{g}")) for g in "fio")
    s_new = f * s + i * np.tanh(hx @ p.W_s.T + p.b_s)
    return o * np.tanh(s_new), s_new


def _lstm_step_stacked(x, h, s, p):
    W = np.concatenate([p.W_f, p.W_i, p.W_o, p.W_s])
    b = np.concatenate([p.b_f, p.b_i, p.b_o, p.b_s])
    z = np.concatenate([h, x], axis=1) @ W.T + b
    f, i, o, c = np.split(z, 4, axis=1)
    s_new = _sigma(f) * s + _sigma(i) * np.tanh(c)
    return _sigma(o) * np.tanh(s_new), s_new


def _forget(lstm_module, block=1, h_first=True):
    H = lstm_module.hidden_size
    rows = slice(block * H, (block + 1) * H)
    hh = lstm_module.weight_hh_l0.detach().numpy()[rows]
    ih = lstm_module.weight_ih_l0.detach().numpy()[rows]
    return np.concatenate([hh, ih] if h_first else [ih, hh], axis=1)


def _forget_torch(lstm_module):
    H = lstm_module.hidden_size
    return torch.cat([lstm_module.weight_hh_l0[H:2 * H], lstm_module.weight_ih_l0[H:2 * H]], 1).detach()


def _leaky_in_place(x):
    x[x < 0] *= 0.1
    return x


def _max_pool_loops(x, k):
    out = np.empty((x.shape[0] // k, x.shape[1] // k), dtype=x.dtype)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = x[i * k:(i + 1) * k, j * k:(j + 1) * k].max()
    return out


def _task_by_hand(x, weight, bias):
    s = x.reshape(len(x), -1) @ weight.T + bias
    e = np.exp(s - s.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _field_loop(n_layers, kernel_size):
    field = 1
    for _ in range(n_layers):
        field += kernel_size - 1
    return field


def _right_of_loop(scene, obj):
    out = []
    for b in scene:
        if b.col > obj.col:
            out.append(b)
    return out


def _conv2d_solution(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if np.isscalar(stride) else stride
    ph, pw = (padding, padding) if np.isscalar(padding) else padding
    N, C, H, W = x.shape
    K, _, kh, kw = weight.shape
    Ho, Wo = conv.conv_output_size(H, kh, sh, ph), conv.conv_output_size(W, kw, sw, pw)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((N, K, Ho, Wo), dtype=np.result_type(x, weight))
    for m in range(kh):
        for l in range(kw):
            out += np.einsum("nchw,kc->nkhw", xp[:, :, m:m + sh * Ho:sh, l:l + sw * Wo:sw], weight[:, :, m, l])
    return out if bias is None else out + bias[None, :, None, None]


def _conv2d_loops(x, weight, bias=None, stride=1, padding=0):
    sh, sw = (stride, stride) if np.isscalar(stride) else stride
    ph, pw = (padding, padding) if np.isscalar(padding) else padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    K, _, kh, kw = weight.shape
    Ho, Wo = (xp.shape[2] - kh) // sh + 1, (xp.shape[3] - kw) // sw + 1
    out = np.zeros((x.shape[0], K, Ho, Wo))
    for n in range(x.shape[0]):
        for k in range(K):
            for i in range(Ho):
                for j in range(Wo):
                    out[n, k, i, j] = np.sum(xp[n, :, i * sh:i * sh + kh, j * sw:j * sw + kw] * weight[k])
            if bias is not None:
                out[n, k] += bias[k]
    return out


def _conv2d_bias_required(x, weight, bias=None, stride=1, padding=0):
    return _conv2d_solution(x, weight, None, stride, padding) + bias[None, :, None, None]


def _conv2d_no_stride(x, weight, bias=None, stride=1, padding=0):
    return _conv2d_solution(x, weight, bias, 1, padding)


def _conv2d_flipped(x, weight, bias=None, stride=1, padding=0):
    return _conv2d_solution(x, weight[:, :, ::-1, ::-1], bias, stride, padding)


def _backward_solution(dout, x, weight, stride=1, padding=0, slip=None):
    sh, sw = (stride, stride) if np.isscalar(stride) else stride
    ph, pw = (padding, padding) if np.isscalar(padding) else padding
    H, W = x.shape[2:]
    kh, kw = weight.shape[2:]
    Ho, Wo = dout.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp, dw = np.zeros_like(xp), np.zeros_like(weight)
    for m in range(kh):
        for l in range(kw):
            rows, cols = slice(m, m + sh * Ho, sh), slice(l, l + sw * Wo, sw)
            dw[:, :, m, l] = np.einsum("nkhw,nchw->kc", dout, xp[:, :, rows, cols])
            contribution = np.einsum("nkhw,kc->nchw", dout, weight[:, :, m, l])
            if slip == "dx":
                dxp[:, :, rows, cols] = contribution          # = instead of +=
            else:
                dxp[:, :, rows, cols] += contribution
    db = dout.sum(axis=(0, 2, 3)) if slip != "dbias" else dout.mean(axis=(0, 2, 3))
    if slip == "dweight":
        dw = dw[:, :, ::-1, ::-1]
    return dxp[:, :, ph:ph + H, pw:pw + W], dw, db


def _backward_slip(which):
    return lambda dout, x, w, stride=1, padding=0: _backward_solution(dout, x, w, stride, padding, slip=which)


def _gradient_slip(copy=True, to_float=True, restore=True, denominator=2.0):
    """A numerical gradient, with the usual slips switched on by the flags."""
    def gradient(f, x, eps=1e-6):
        if copy:
            x = np.array(x, dtype=np.float64) if to_float else x.copy()
        grad = np.zeros(x.shape)
        for idx in np.ndindex(x.shape):
            old = x[idx]
            x[idx] = old + eps
            up = f(x)
            x[idx] = old - eps
            down = f(x)
            if restore:
                x[idx] = old
            grad[idx] = (up - down) / (denominator * eps)
        return grad
    return gradient


def _gradient_from_solution():
    """The worked solution's text, made into the function a learner would write."""
    text = EXERCISES["assignment_conv.gradient_check"].solution().text
    ns = {"np": np, "__name__": "__main__"}
    exec("def numerical_gradient(f, x, eps=1e-6):\n" + "".join(f"    {line}\n" for line in text.splitlines()), ns)  # noqa: S102
    return ns["numerical_gradient"]


def _gradient_copies(f, x, eps=1e-5):
    x = np.asarray(x, dtype=float)
    grad = np.empty(x.shape)
    for idx in np.ndindex(x.shape):
        step = np.zeros(x.shape)
        step[idx] = eps
        grad[idx] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def _shift_loops(images, dy, dx):
    out = np.zeros_like(images)
    h, w = images.shape[-2:]
    for r in range(h):
        for c in range(w):
            if 0 <= r - dy < h and 0 <= c - dx < w:
                out[..., r, c] = images[..., r - dy, c - dx]
    return out


def _shift_pad(images, dy, dx):
    h, w = images.shape[-2:]
    ph, pw = h + abs(dy), w + abs(dx)
    big = np.pad(images, [(0, 0)] * (images.ndim - 2) + [(ph, ph), (pw, pw)])
    return big[..., ph - dy:ph - dy + h, pw - dx:pw - dx + w]


def _cnn(filters, second=False, padding=1):
    layers = [torch.nn.Conv2d(1, filters, 3, padding=padding), torch.nn.ReLU()]
    if second:
        layers += [torch.nn.Conv2d(filters, filters, 3, padding=1), torch.nn.ReLU()]
    side = (8 if padding else 6) // 2
    return torch.nn.Sequential(*layers, torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                               torch.nn.Linear(filters * side * side, 10))


# ---- values ---------------------------------------------------------------------------------------
_L1_H = np.array([math.tanh(1.0), math.tanh(0.5 * math.tanh(1.0)), 0.0])
_L1_H[2] = math.tanh(0.5 * _L1_H[1] - 1.0)
_L2_S = 0.9 * 1.0 + 0.2 * 0.5
_Q3_03 = conv.correlate2d(L["lesson03"].IMAGE_Q1, kernels.KERNELS["edge_detection_2"])
_Q2_03 = conv.convolve2d(L["lesson03"].IMAGE_Q2, L["lesson03"].KERNEL_Q2)
_L5 = L["lesson05"]
_L5_W, _L5_B = _L5.W2 @ _L5.W1, _L5.W2 @ _L5.b1 + _L5.b2
_L5_Q2 = np.array([[0.5, 0.0], [0.5, 0.0]])
_Z = _L5.edge_response()
_L6_Q1 = np.array([[4, 7, 8], [9, 8, 8], [9, 8, 5]])
_D = vgg.layer_table("D")
_FC_SHARE = sum(r.params for r in _D.rows if r.kind == "fc") / _D.total_params
_VGG256 = vgg.count_parameters("D", input_size=256)
_IDS = np.array([0, 0, 2, 3, 4, 1, 6, 7])
_SQ = np.random.default_rng(0).standard_normal((2, 4, 4, 3))

# ---- the table: exercise -> valid alternatives, wrong answers (answer, words in the message) -------
TABLE = {
    "lesson00.demo": dict(
        right=[3, 3.0, np.int64(3), np.array(3), torch.tensor(3)],
        wrong=[(5, "number of pixels"), (2, "counting starts at column 0"), (7, "partly overlaps"),
               (4, "your answer is 4"), (2.5, "whole number"), ("3", "not answer = '4'"), (True, "bool")]),
    "lesson01.q1": dict(
        right=[_L1_H, [0.762, 0.363, -0.674], _t(_L1_H), tuple(_L1_H.round(3))],
        wrong=[(np.array([math.tanh(0.5), math.tanh(math.tanh(0.5)), math.tanh(math.tanh(math.tanh(0.5)) - 0.5)]),
                "swapped"),
               (np.array([1.0, 0.5, -0.75]), "tanh is missing"),
               (np.tanh([1.0, 0.0, -1.0]), "feed"),
               (["0.762", "0.363", "-0.674"], "text"),
               (_L1_H + 1j, "complex")]),
    "lesson01.q2": dict(
        right=[_rnn_step, _rnn_step_einsum, _rnn_step_float32],
        wrong=[(lambda x, h, U, W, b: b + h @ W.T + x @ U.T, "tanh is missing"),
               (lambda x, h, U, W, b: np.tanh(h @ W.T + x @ U.T), "bias b is missing"),
               (lambda x, h, U, W, b: np.tanh(b + x @ U.T), "feed back"),
               (lambda x, h, U, W, b: np.tanh(b + h @ W + x @ U.T), ""),
               (_rnn_step_in_place, "in place"),
               (lambda x, h, U, W, b: rnn.rnn_step(x, h, rnn.RNNParams(U, W, b, np.zeros((1, len(b))), np.zeros(1))),
                "without calling course_lib.rnn")]),
    "lesson01.q3": dict(
        right=[(354, 354), [354, 354], np.array([354, 354]), (354.0, 354.0), (np.int64(354), torch.tensor(354))],
        wrong=[((354, 354000), "depend on T"), ((3540, 3540), "copies the graph"), ((336, 336), "biases"),
               ((300, 300), "not the count"), (354, "pair"), (("354", "354"), "whole number")]),
    "lesson01.q4": dict(
        right=[_from_torch, _from_torch_tensors,
               lambda r: tuple(p.detach().numpy() for p in (r.weight_ih_l0, r.weight_hh_l0))
               + (r.bias_ih_l0.detach().numpy() + r.bias_hh_l0.detach().numpy(),)],
        wrong=[(lambda r: _from_torch(r)[1::-1] + _from_torch(r)[2:], "swapped"),
               (lambda r: _from_torch(r)[:2] + (r.bias_ih_l0.detach().numpy(),), "two biases"),
               (_from_torch_in_place, "changed the RNN's parameters"),
               (lambda r: tuple(rnn.RNNParams.from_torch(r))[:3], "without calling"),
               (lambda r: _from_torch(r)[:2], "tuple (U, W, b)")]),
    "lesson01.q5": dict(
        right=[44, 44.0, np.int64(44), np.array(44), torch.tensor(44),
               int(np.ceil(np.log(0.01) / np.log(0.9)))],
        wrong=[(43, "still above"), (10, "factor 0.9"), (43.7, "whole"), (100, "not the first"),
               ("44", "whole number")]),
    "lesson02.q1": dict(
        right=[[_L2_S, 0.5 * math.tanh(_L2_S)], (1.0, 0.381), np.array([1.0, 0.3808]),
               _t([1.0, 0.5 * math.tanh(1.0)])],
        wrong=[([1.0, 0.5], "goes through tanh"), ([1.0, math.tanh(1.0)], "output gate"),
               ([1.4, 0.5 * math.tanh(1.4)], "input gate"), ([0.9, 0.5 * math.tanh(0.9)], "did not add"),
               ([0.381, 1.0], "")]),
    "lesson02.q2": dict(
        right=[_lstm_step, _lstm_step_stacked,
               lambda x, h, s, p: tuple(np.float32(v) for v in _lstm_step(x, h, s, p))],
        wrong=[(lambda x, h, s, p: _lstm_step(x, h, s, p, order="xh"), "h first"),
               (lambda x, h, s, p: _lstm_step(x, h, s, p)[::-1], "order"),
               (lambda x, h, s, p: (lstm.lstm_step(x, h, s, p).h, lstm.lstm_step(x, h, s, p).s), "without calling"),
               (lambda x, h, s, p: (np.tanh(_lstm_step(x, h, s, p)[1]), _lstm_step(x, h, s, p)[1]), "output gate")]),
    "lesson02.q3": dict(
        right=[_forget, _forget_torch, lambda m: _forget(m).astype(np.float32)],
        wrong=[(lambda m: _forget(m, block=0), "rows 0:H"), (lambda m: _forget(m, block=2), "rows 2H:3H"),
               (lambda m: _forget(m, block=3), "rows 3H:4H"), (lambda m: _forget(m, h_first=False), "columns"),
               (lambda m: lstm.LSTMParams.from_torch(m).W_f, "without calling")]),
    "lesson02.q4": dict(
        right=[14, 14.0, np.int64(14), torch.tensor(14)],
        wrong=[(13, "one more step"), (10, "factor 0.95"), (math.log(0.5) / math.log(0.95), "whole"),
               (7, "not right")]),
    "lesson03.q1": dict(
        right=[_Q3_03, [[2, -10], [-1, 5]], _Q3_03.astype(np.float32), _t(_Q3_03)],
        wrong=[(-_Q3_03, "every sign"), (_Q3_03.T, "wrong places"),
               (_Q3_03 + 4 * L["lesson03"].IMAGE_Q1[1:3, 1:3], "centre pixel"),
               (conv.correlate2d(L["lesson03"].IMAGE_Q1, kernels.KERNELS["edge_detection_2"], padding=1), "padding"),
               (np.zeros((2, 2)), "every one of its 4 entries"),
               (np.array([[2, -10], [-1, 6]]), "1 of its 4 entries is wrong, at index (1, 1)")]),
    "lesson03.q2": dict(
        right=[_Q2_03, [[3, 6], [0, 1]], _t(_Q2_03, torch.int64)],
        wrong=[(conv.correlate2d(L["lesson03"].IMAGE_Q2, L["lesson03"].KERNEL_Q2), "without the flip"),
               (conv.correlate2d(L["lesson03"].IMAGE_Q2, L["lesson03"].KERNEL_Q2[::-1]), "only the rows"),
               (conv.correlate2d(L["lesson03"].IMAGE_Q2, L["lesson03"].KERNEL_Q2[:, ::-1]), "only the columns"),
               (np.zeros(4), "shape")]),
    "lesson03.q3": dict(
        right=[lambda image, kernel: _loop_correlate(image, kernel), lambda i, k: _window_correlate(i, k),
               lambda i, k: _loop_correlate(i.astype(np.float32), k.astype(np.float32)).astype(np.float32)],
        wrong=[(lambda i, k: _square_kernel_slip(i, k), "shape (2, 3)"),
               (lambda i, k: _loop_correlate(i, k[::-1, ::-1]), "flips the kernel"),
               (lambda i, k: _loop_correlate(i, k.T) if k.shape[0] == k.shape[1] else _loop_correlate(i, k.T.T * 0),
                ""),
               (conv.correlate2d, "without calling course_lib.conv.correlate2d"),
               (lambda i, k: conv.correlate2d_naive(i, k), "without calling course_lib.conv"),
               (lambda i, k: scipy.signal.correlate2d(i, k, mode="valid"), "without calling scipy"),
               (lambda i, k: torch.nn.functional.conv2d(torch.tensor(i)[None, None], torch.tensor(k)[None, None])[0, 0],
                "without calling torch"),
               (lambda i, k: _mutating_correlate(i, k), "in place")]),
    "lesson03.q4": dict(
        right=[kernels.KERNELS["sobel_x"], [[1, 0, -1]] * 3, -np.array([[1, 0, -1]] * 3),
               _t([[0.5, 0, -0.5], [1, 0, -1], [0.5, 0, -0.5]])],
        wrong=[([[1, 1, 1], [0, 0, 0], [-1, -1, -1]], "horizontal edges"),
               (kernels.KERNELS["edge_detection_2"], "horizontal edge"),
               (np.ones((3, 3)), "flat image"), (np.eye(2), "shape (3, 3)"),
               (np.array([[1, 0, -1]] * 3) + 0j, "complex"), ([["a", "b", "c"]] * 3, "text")]),
    "lesson04.q1": dict(
        right=[9, 9.0, np.int64(9), torch.tensor(9), conv.conv_output_size(34, 7, 4, 3)],
        wrong=[(7, "without the padding"), (8, "one side only"), (10, "rounds up"), (34, "stride 1"),
               (15, "not right")]),
    "lesson04.q2": dict(
        right=[lambda k: (k - 1) // 2, lambda k: k // 2, lambda k: int((k - 1) / 2), lambda k: (k - 1) / 2],
        wrong=[(lambda k: k - 1, "both sides together"), (lambda k: (k + 1) // 2, "one too many"),
               (lambda k: k / 2, "not a whole number"), (lambda k: str((k - 1) // 2), "number")]),
    "lesson04.q3": dict(
        right=[[3, 7, 8, 9], (3, 7, 8, 9), np.array([3, 7, 8, 9]), [3.0, 7.0, 8.0, 9.0]],
        wrong=[([7, 8, 9], "row 3 is missing"), ([8, 9], "rows 3 and 7"), ([3], "a third window"),
               ([9, 8, 7, 3], "not right"), ([3, 7], "has 2 items")]),
    "lesson04.q4": dict(
        right=[{"weight_shape": (16, 3, 5, 5), "n_params": 1216},
               {"weight_shape": [16, 3, 5, 5], "n_params": 1216.0},
               {"weight_shape": torch.Size([16, 3, 5, 5]), "n_params": np.int64(1216)}],
        wrong=[({"weight_shape": (16, 3, 5, 5), "n_params": 1200}, "not the 16 biases"),
               ({"weight_shape": (3, 16, 5, 5), "n_params": 1216}, "(out_channels, in_channels"),
               ({"weight_shape": [16, 5, 5, 3], "n_params": 1216}, "not their order"),
               ({"weight_shape": (16, 1, 5, 5), "n_params": 416}, "all 3 input channels"),
               ({"weight_shape": (16, 3, 5, 5), "n_params": 416}, "one per input channel"),
               ({"weight_shape": (16, 3, 5, 5)}, "missing the key 'n_params'"),
               ((16, 3, 5, 5), "dict")]),
    "lesson04.q5": dict(
        right=[_loop_correlate, _window_correlate,
               lambda image, kernel, stride=1, padding=0: _loop_correlate(image, kernel, stride, padding).astype(np.float32)],
        wrong=[(lambda image, kernel, stride=1, padding=0: _loop_correlate(image, kernel, 1, padding), "ignores the stride"),
               (lambda image, kernel, stride=1, padding=0: _loop_correlate(image, kernel, stride, 0), "ignores the padding"),
               (lambda image, kernel, stride=1, padding=0: _loop_correlate(
                   np.pad(image, ((padding, 0), (padding, 0))), kernel, stride, 0), "one side only"),
               (lambda image, kernel, stride=1, padding=0: _loop_correlate(image, kernel[::-1, ::-1], stride, padding),
                "flips the kernel"),
               (_square_kernel_slip, "shape"),
               (lambda image, kernel, stride=1, padding=0: conv.correlate2d(image, kernel, stride, padding),
                "without calling course_lib.conv.correlate2d"),
               (_mutating_correlate, "in place")]),
    "lesson05.q1": dict(
        right=[(_L5_W, _L5_B), [_L5_W, _L5_B], (_t(_L5_W), _t(_L5_B)), (_L5_W.astype(np.float32), _L5_B.astype(np.float32))],
        wrong=[((_L5_W, _L5.W2 @ _L5.b1), "misses b2"), ((_L5_W, _L5.b2), "passes through W2"),
               ((_L5_W.T, _L5_B), "transposed"), ((_L5.W1 @ _L5.W2, _L5_B), "shape"),
               (np.array(5.0), "tuple of 2 items")]),
    "lesson05.q2": dict(
        right=[_L5_Q2, [[0.5, 0], [0.5, 0]], _L5_Q2.astype(np.float32), _t(_L5_Q2)],
        wrong=[(np.array([[0.5, -1.5], [0.5, -1.5]]), "pre-activations"),
               (np.array([[0.5, -0.5], [0.5, -0.5]]), "before the ReLU"),
               (np.array([[1.5, 0], [1.5, 0]]), "subtracted"), (np.array([[1.0, 0], [1.0, 0]]), "bias is missing"),
               (np.array([[0.5, 0.0]]), "shape")]),
    "lesson05.q3": dict(
        right=[lambda x: np.where(x > 0, x, 0.1 * x), lambda x: np.maximum(x, 0.1 * x),
               lambda x: x * (x > 0) + 0.1 * x * (x <= 0)],
        wrong=[(lambda x: np.where(x > 0, x, 0.01 * x), "0.01"), (lambda x: np.maximum(x, 0), "plain ReLU"),
               (lambda x: np.where(x > 0, 0.1 * x, x), "swapped"), (_leaky_in_place, "in place"),
               (lambda x: activations.leaky_relu(x, 0.1), "without calling course_lib.activations"),
               (lambda x: torch.nn.functional.leaky_relu(torch.tensor(x), 0.1).numpy(), "without calling torch")]),
    "lesson05.q4": dict(
        right=[-float(np.quantile(_Z, 0.93)), np.float32(-np.quantile(_Z, 0.92)), np.array(-np.quantile(_Z, 0.94)),
               torch.tensor(-float(np.quantile(_Z, 0.93)))],
        wrong=[(0, "more negative"), (-1e9, "less negative"), (float(np.quantile(_Z, 0.93)), "more negative"),
               ("-0.5", "single number"), (float("nan"), "finite")]),
    "lesson06.q1": dict(
        right=[_L6_Q1, _L6_Q1.tolist(), _L6_Q1.astype(np.float32), _t(_L6_Q1)],
        wrong=[(np.array([[4, 8], [9, 5]]), "stride 2"),
               (pooling.avg_pool2d(L["lesson06"].LECTURE_GRID, 2, 1), "average pooling"),
               (np.array([[1, 2, 5], [3, 4, 4], [6, 3, 2]]), "smallest"), (_L6_Q1 - 1, "every one")]),
    "lesson06.q2": dict(
        right=[25088, 25088.0, np.int64(512 * 7 * 7), torch.tensor(25088)],
        wrong=[(49, "every value of every map"), (512 * 14 * 14, "halvings"), (25088 * 4096, "weights of FC-4096"),
               (25089, "not right")]),
    "lesson06.q3": dict(
        right=[lambda x, k: x[:x.shape[0] // k * k, :x.shape[1] // k * k].reshape(x.shape[0] // k, k, x.shape[1] // k, k).max(axis=(1, 3)),
               _max_pool_loops,
               lambda x, k: np.lib.stride_tricks.sliding_window_view(x, (k, k))[::k, ::k].max(axis=(2, 3))],
        wrong=[(lambda x, k: np.lib.stride_tricks.sliding_window_view(x, (k, k))[::k, ::k].mean(axis=(2, 3)), "average"),
               (lambda x, k: np.lib.stride_tricks.sliding_window_view(x, (k, k)).max(axis=(2, 3)), "overlap"),
               (lambda x, k: np.lib.stride_tricks.sliding_window_view(x, (k, k))[::k, ::k].min(axis=(2, 3)), "smallest"),
               (lambda x, k: pooling.max_pool2d(x, k), "without calling course_lib.pooling")]),
    "lesson06.q4": dict(
        right=[lambda x, w, b: activations.softmax(dense.linear(dense.flatten(x), w, b), axis=1), _task_by_hand,
               lambda x, w, b: torch.softmax(torch.tensor(x).flatten(1) @ torch.tensor(w).T + torch.tensor(b), 1)],
        wrong=[(lambda x, w, b: x.reshape(len(x), -1) @ w.T + b, "softmax"),
               (lambda x, w, b: activations.softmax(x.reshape(len(x), -1) @ w.T + b, axis=0), "axis 1"),
               (lambda x, w, b: activations.softmax(x.reshape(len(x), -1) @ w.T, axis=1), "bias is missing"),
               (lambda x, w, b: activations.softmax(x.reshape(-1, len(x)).T @ w.T + b, axis=1), "")]),
    "lesson07.q1": dict(
        right=[295168, 295168.0, np.int64(3 * 3 * 128 * 256 + 256)],
        wrong=[(3 * 3 * 128 * 256, "one bias"), (3 * 3 * 256 * 256 + 256, "128 channels"),
               (3 * 3 * 256 + 256, "every one of the 128"), (295169, "not right")]),
    "lesson07.q2": dict(
        right=[lambda n, k: 1 + n * (k - 1), _field_loop, lambda n, k: n * k - n + 1],
        wrong=[(lambda n, k: n * k, "twice"), (lambda n, k: n * (k - 1), "one short"),
               (lambda n, k: k ** n, "addition"),
               (lambda n, k: vgg.receptive_field([(k, 1)] * n)[-1][0], "without calling course_lib.vgg")]),
    "lesson07.q3": dict(
        right=[_VGG256, float(_VGG256), 138_357_544 + (512 * 8 * 8 - 512 * 7 * 7) * 4096],
        wrong=[(vgg.count_parameters("D"), "224 x 224"), ((512 * 64 - 512 * 49) * 4096, "only the change"),
               (vgg.count_parameters("D") + 512 * 15, "4096 outputs"), (_VGG256 + 1, "not right")]),
    "lesson07.q4": dict(
        right=[_FC_SHARE, round(_FC_SHARE, 3), np.float32(_FC_SHARE)],
        wrong=[(100 * _FC_SHARE, "percentage"), (1 - _FC_SHARE, "convolutions"),
               (next(r.params for r in _D.rows if r.kind == "fc") / _D.total_params, "first FC layer alone"),
               (0.5, "not right")]),
    "lesson08.q1": dict(
        right=[lambda k, c, f: k * k * c * f + f, lambda k, c, f: (k ** 2 * c + 1) * f,
               lambda k, c, f: float(k * k * c * f + f)],
        wrong=[(lambda k, c, f: k * k * c * f, "forgot the biases"), (lambda k, c, f: k * k * f + f, "every input channel"),
               (lambda k, c, f: k * k * c * f + c, "one bias per filter"),
               (lambda k, c, f: cnn.count_parameters(torch.nn.Conv2d(c, f, k)), "without calling course_lib.cnn")]),
    "lesson08.q2": dict(
        right=[{"flatten": 512, "params": 5450}, {"flatten": 512.0, "params": np.int64(5450)},
               {"params": 5450, "flatten": torch.tensor(512)}],
        wrong=[({"flatten": 288, "params": 5450}, "padding='valid'"), ({"flatten": 2048, "params": 5450}, "before pooling"),
               ({"flatten": 512, "params": 3210}, "dense layer grows"), ({"flatten": 512, "params": 5130}, "dense layer alone"),
               ((512, 5450), "dict")]),
    "lesson08.q3": dict(
        right=[lambda x: x.transpose(0, 3, 1, 2), lambda x: np.moveaxis(x, -1, 1), lambda x: np.einsum("nhwc->nchw", x),
               lambda x: torch.from_numpy(x).permute(0, 3, 1, 2)],
        wrong=[(lambda x: x.transpose(0, 3, 2, 1), "H and W swapped"), (lambda x: x.reshape(x.shape[0], x.shape[3], x.shape[1], x.shape[2]), "reshape"),
               (lambda x: x.transpose(0, 3, 1, 2)[:, ::-1], "reverse order"), (lambda x: cnn.nhwc_to_nchw(x), "without calling")]),
    "lesson08.q4": dict(
        right=[lambda k, h, w, c: k.reshape(h, w, c, -1).transpose(3, 2, 0, 1).reshape(k.shape[1], -1),
               lambda k, h, w, c: np.einsum("hwco->ochw", k.reshape(h, w, c, -1)).reshape(k.shape[1], -1),
               lambda k, h, w, c: torch.tensor(k.reshape(h, w, c, -1)).permute(3, 2, 0, 1).reshape(k.shape[1], -1)],
        wrong=[(lambda k, h, w, c: k.T, "plain transpose"),
               (lambda k, h, w, c: k.reshape(h, w, c, -1).transpose(3, 2, 1, 0).reshape(k.shape[1], -1), "(c, w, h)"),
               (lambda k, h, w, c: k, "(out, in_features)"),
               (lambda k, h, w, c: cnn.dense_kernel_keras_to_torch(k, (h, w, c)), "without calling")]),
    "lesson08.q5": dict(
        right=[lambda cm: np.trace(cm) / cm.sum(), lambda cm: np.diag(cm).sum() / np.sum(cm),
               lambda cm: float(sum(cm[i][i] for i in range(len(cm))) / sum(map(sum, cm)))],
        wrong=[(lambda cm: np.trace(cm), "number of correct predictions"),
               (lambda cm: 1 - np.trace(cm) / cm.sum(), "error rate"), (lambda cm: np.trace(cm) / len(cm), "number of classes"),
               (lambda cm: np.trace(cm) // cm.sum(), "not right")]),
    "lesson09.q1": dict(
        right=[lambda scene, obj: [b for b in scene if b is not obj and b.col > obj.col], _right_of_loop,
               lambda scene, obj: [b for b in scene if vqa.related(obj, b, "right")]],
        wrong=[(lambda scene, obj: [b for b in scene if b is not obj and b.col >= obj.col], "same column"),
               (lambda scene, obj: [b for b in scene if b.col < obj.col], "to the left of"),
               (lambda scene, obj: [b for b in scene if b.row > obj.row], "compares rows"),
               (lambda scene, obj: [b for b in scene if b.row < obj.row], "compares rows"),
               (lambda scene, obj: [b for b in scene if b.col > obj.col][::-1], "")]),
    "lesson09.q2": dict(
        right=[(32, 3, 3), [32, 3, 3], torch.Size([32, 3, 3]), np.array([32, 3, 3])],
        wrong=[((3, 3, 32), "wrong order"), ((32, 6, 6), "three halvings"), ((32, 24, 24), "halves"),
               ((16, 3, 3), "LAST convolution"), ((3, 3, 3), "RGB")]),
    "lesson09.q3": dict(
        right=[_IDS, _IDS.tolist(), torch.tensor(_IDS), tuple(_IDS)],
        wrong=[([2, 3, 4, 1, 6, 7, 0, 0], "LEFT"), ([0, 0, 0, 2, 3, 4, 6, 7], "not dropped"),
               ([0, 0, 2, 3, 4, 0, 6, 7], "only for padding"), ([0, 0, 2, 3, 4, 5, 6, 7], "not 'red'")]),
    "assignment_conv.forward": dict(
        right=[_conv2d_solution, _conv2d_loops,
               lambda x, weight, bias=None, stride=1, padding=0: _conv2d_solution(x, weight, bias, stride, padding).astype(np.float32)],
        wrong=[(_conv2d_flipped, "flips the kernel"),
               (lambda x, weight, bias=None, stride=1, padding=0: _conv2d_solution(x, weight, None, stride, padding), "bias"),
               (_conv2d_bias_required, "bias=None"), (_conv2d_no_stride, "with a stride"),
               (conv.conv2d, "without calling course_lib.conv.conv2d"),
               (lambda x, weight, bias=None, stride=1, padding=0: torch.nn.functional.conv2d(
                   torch.tensor(x), torch.tensor(weight), None if bias is None else torch.tensor(bias), stride, padding).numpy(),
                "without calling torch")]),
    "assignment_conv.backward": dict(
        right=[_backward_solution,
               lambda dout, x, w, stride=1, padding=0: tuple(np.float32(g) for g in _backward_solution(dout, x, w, stride, padding))],
        wrong=[(_backward_slip("dx"), "dx is not"), (_backward_slip("dweight"), "dweight is not"),
               (_backward_slip("dbias"), "dbias is not"), (conv.conv2d_backward, "without calling course_lib.conv")]),
    "assignment_conv.torch_agrees": dict(
        right=[(_conv2d_solution, _backward_solution), [_conv2d_loops, _backward_solution]],
        wrong=[((_conv2d_flipped, _backward_solution), "your forward pass"),
               ((_conv2d_solution, _backward_slip("dbias")), "your dbias"),
               ((conv.conv2d, conv.conv2d_backward), "without calling course_lib.conv"),
               (_conv2d_solution, "pair of functions")]),
    "assignment_conv.gradient_check": dict(
        right=[_gradient_from_solution(), _gradient_copies, _gradient_slip()],
        wrong=[(_gradient_slip(restore=False), "put each x[idx] back"),
               (_gradient_slip(copy=False, restore=False), "leaves x changed"),
               (_gradient_slip(to_float=False), "test 3"), (_gradient_slip(denominator=1.0), "test 1"),
               (lambda f, x, eps=1e-6: scipy.optimize.approx_fprime(np.ravel(x).astype(float), lambda v: f(v.reshape(np.shape(x))),
                                                                     eps).reshape(np.shape(x)), "without calling scipy")]),
    "assignment_digits.parameter_count": dict(
        right=[2730, 2730.0, np.int64(2730), torch.tensor(2730)],
        wrong=[(16 * 9 + 16 + 16 * 9 * 10 + 10, "without padding"), (16 * 9 + 16 + 16 * 64 * 10 + 10, "forgets the pooling"),
               (16 * 9 + 16 * 16 * 10, "biases are missing"), (16 * 16 * 10 + 10, "Linear layer alone"),
               ("2730", "whole number"), (2730.5, "whole number")]),
    "assignment_digits.shift": dict(
        right=[_shift_loops, _shift_pad,
               lambda im, dy, dx: scipy.ndimage.shift(im, (0, 0, dy, dx), order=0, mode="constant", cval=0.0)],
        wrong=[(lambda im, dy, dx: np.roll(im, (dy, dx), axis=(-2, -1)), "np.roll"),
               (lambda im, dy, dx: _shift_loops(im, -dy, -dx), "reversed"),
               (lambda im, dy, dx: _shift_loops(im, dx, dy), "swapped"),
               (lambda im, dy, dx: _shift_loops(im[..., ::-1, :], dy, dx), "")]),
    "assignment_digits.model_accuracy": dict(
        right=[lambda: _cnn(16, second=True), lambda: _cnn(24)],
        wrong=[(lambda: torch.nn.Sequential(torch.nn.Conv2d(1, 1, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                            torch.nn.Flatten(), torch.nn.Linear(9, 10)), "parameters allowed"),
               (lambda: torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 10)), "no Conv2d"),
               (lambda: _cnn(200), "budget"),
               (lambda: torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.Flatten()), "expected (2, 10)"),
               (lambda: "a model", "torch.nn.Module")]),
}
# The worked model of A2.3 (the lecture's network, 32 filters) is accepted in test_assignments.


def _params(kind):
    return [pytest.param(key, k, answer, id=f"{key}-{k}")
            for key, entry in TABLE.items() for k, answer in enumerate(entry[kind])]


def test_every_exercise_has_its_table():
    assert set(TABLE) == set(EXERCISES)
    for key, entry in TABLE.items():
        assert len(entry["right"]) >= 2, key
        assert len(entry["wrong"]) >= 3, key


@pytest.mark.parametrize("key, k, answer", _params("right"))
def test_valid_alternatives_are_accepted(key, k, answer):
    result = EXERCISES[key].check(answer)
    assert result.status == CORRECT, result


@pytest.mark.parametrize("key, k, answer", _params("wrong"))
def test_wrong_answers_are_rejected_with_their_reason(key, k, answer):
    answer, words = answer
    result = EXERCISES[key].check(answer)
    assert result.status == INCORRECT, result
    assert words in result.message, result


GARBAGE = [None, "garbage", "0.5", {"a": 1}, np.array([1 + 2j, 3j]), object(), [], (), np.array(5.0),
           float("nan"), lambda *a, **k: "garbage", lambda *a, **k: None]


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_garbage_is_never_correct_and_never_raises(key):
    for answer in GARBAGE:
        result = EXERCISES[key].check(answer)
        assert result.status in (INCORRECT, NOT_ATTEMPTED), (answer, result)
        assert isinstance(result.message, str) and result.message


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_a_function_that_never_returns_is_reported_within_the_limit(key):
    start = time.monotonic()
    result = EXERCISES[key].check(_forever, time_limit=0.2)
    assert time.monotonic() - start < 2.0
    assert result.status == INCORRECT
    ex = EXERCISES[key]
    if ex.reference is not None or "function" in (ex.checker.__doc__ or "") or key in _FUNCTION_EXERCISES:
        assert "did not return within 0.2 s" in result.message, result


_FUNCTION_EXERCISES = {key for key, entry in TABLE.items() if callable(entry["right"][0])
                       and not isinstance(entry["right"][0], np.ndarray)}


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_grading_interface(key):
    ex = EXERCISES[key]
    assert isinstance(ex.points, int) and ex.points >= 1
    with pytest.raises(AssertionError, match="^not attempted yet: "):
        ex.assert_correct(...)
    with pytest.raises(AssertionError, match="^not yet: "):
        ex.assert_correct(TABLE[key]["wrong"][0][0])


# ---- the worked solutions pass, and the expected answers are right by an independent route ----------
# solutions that are a function's body or use the notebook's names: the notebooks run them
_IN_NOTEBOOK_ONLY = {"assignment_conv.forward", "assignment_conv.backward", "assignment_conv.torch_agrees",
                     "assignment_conv.gradient_check", "assignment_digits.shift"}


def _solution_answer(key: str):
    """Run an exercise's solution text; return what it answers (a value named answer*, or the
    function it defines)."""
    ex, module = EXERCISES[key], L[key.split(".")[0]]
    text = ex.solution().text
    if key in _IN_NOTEBOOK_ONLY:
        return None
    ns = {**vars(module), "np": np, "torch": torch, "conv": conv, "kernels": kernels, "vgg": vgg,
          "ex": module, "table_d": _D, "__name__": "__main__"}   # as in a notebook
    before = set(ns)
    exec(text, ns)  # noqa: S102 - our own solution text
    new = {k: v for k, v in ns.items() if k not in before}
    answers = [v for k, v in new.items() if k.startswith("answer")]
    functions = [v for v in new.values() if inspect.isfunction(v)]
    return (answers or functions or [None])[-1]


@pytest.mark.parametrize("key", sorted(EXERCISES))
def test_worked_solution_passes_and_hints_climb(key):
    ex = EXERCISES[key]
    assert len(ex.hints) >= 1 and ex.solution().text.strip()
    answer = _solution_answer(key)
    if answer is not None:
        assert ex.check(answer).correct, (key, ex.check(answer))


def test_expected_answers_agree_with_torch_and_brute_force():
    # lesson 04, exercise 1: a real layer's output size
    layer = torch.nn.Conv2d(1, 1, kernel_size=7, stride=4, padding=3)
    assert EXERCISES["lesson04.q1"].check(layer(torch.zeros(1, 1, 34, 34)).shape[-1]).correct
    # lesson 04, exercise 4: a real layer's weight and parameter count
    layer = torch.nn.Conv2d(3, 16, kernel_size=5)
    assert EXERCISES["lesson04.q4"].check({"weight_shape": tuple(layer.weight.shape),
                                           "n_params": sum(p.numel() for p in layer.parameters())}).correct
    # lesson 04, exercise 3: the rows whose change changes no output
    base, ones = np.zeros((10, 10)), np.ones((3, 3))
    unread = [r for r in range(10)
              if np.array_equal(conv.correlate2d(np.eye(10)[[r]].T @ np.ones((1, 10)) + base, ones, stride=4),
                                conv.correlate2d(base, ones, stride=4))]
    assert EXERCISES["lesson04.q3"].check(unread).correct
    # lesson 05, exercise 1: the one layer does what the two do
    x = np.random.default_rng(0).standard_normal((5, 2))
    two = (x @ _L5.W1.T + _L5.b1) @ _L5.W2.T + _L5.b2
    np.testing.assert_allclose(x @ _L5_W.T + _L5_B, two)
    # A2.1: the network's own count
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                                torch.nn.Flatten(), torch.nn.Linear(16 * 4 * 4, 10))
    assert EXERCISES["assignment_digits.parameter_count"].check(sum(p.numel() for p in model.parameters())).correct
    # lesson 09, exercise 2: the encoder's real output
    features = vqa.VQAModel(vocab_size=10).cnn(torch.zeros(1, 3, 24, 24))
    assert EXERCISES["lesson09.q2"].check(features.shape[1:]).correct
