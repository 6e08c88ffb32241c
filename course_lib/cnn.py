"""The lecture's "CNN in Keras" slide, in Keras 3 and in plain PyTorch, computing the same function.

The slide lists the three building blocks::

    Conv2D()        convolution + ReLU  (the detector layer is the activation="relu" argument)
    MaxPooling2D()  pooling
    Flatten()       then a Dense layer with softmax: the task layer

``build_keras_cnn`` stacks exactly those layers in Keras 3, running on its PyTorch backend;
``build_torch_cnn`` builds the same network from ``torch.nn`` modules. The two differ only in
how they lay out the numbers:

====================  =================================  =================================
                      Keras (channels last)              PyTorch (channels first)
====================  =================================  =================================
a batch of images     (N, H, W, C)                       (N, C, H, W)
convolution kernel    (kh, kw, C_in, C_out)              (C_out, C_in, kh, kw)
flattened features    index (h * W + w) * C + c          index (c * H + h) * W + w
dense weights         (in_features, out_features)        (out_features, in_features)
====================  =================================  =================================

``copy_keras_to_torch`` moves a trained Keras model's weights into the PyTorch twin, handling
each row of that table, so the two give the same outputs (tests/test_cnn.py checks it).

Also here: a PyTorch training loop with a progress bar (``train_torch``), ``evaluate_torch``,
``predict_torch``, a Keras progress-bar callback, ``keras_summary`` (model.summary() as
plain, repeatable text), ``layer_outputs`` (the feature maps of a Keras model) and a NumPy
``confusion_matrix``.

Importing this module sets ``KERAS_BACKEND=torch`` unless it is already set, then imports
Keras; if Keras runs on another backend (it was imported earlier, or the variable says
otherwise), the import fails with an ImportError that says how to fix it.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections import OrderedDict
from unittest import mock

os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402
from tqdm.auto import tqdm  # noqa: E402

from ._args import check_size, choice, integer, real  # noqa: E402

__all__ = [
    "build_keras_cnn", "build_torch_cnn", "feature_shape", "count_parameters",
    "conv_kernel_keras_to_torch", "dense_kernel_keras_to_torch", "copy_keras_to_torch",
    "nhwc_to_nchw", "nchw_to_nhwc", "train_torch", "evaluate_torch", "predict_torch",
    "KerasProgressBar", "keras_summary", "layer_outputs", "confusion_matrix", "to_numpy",
]

PADDINGS = ("valid", "same")


def _import_keras():
    """Import Keras and make sure it runs on PyTorch; ImportError with the fix otherwise."""
    import keras

    backend = keras.backend.backend()
    if backend != "torch":
        raise ImportError(
            f"course_lib.cnn needs Keras on its PyTorch backend, but Keras is running on "
            f"{backend!r} (KERAS_BACKEND={os.environ.get('KERAS_BACKEND')!r}; Keras picks its "
            "backend once, when it is first imported). Restart the kernel and run "
            "os.environ['KERAS_BACKEND'] = 'torch' before anything imports keras, or import "
            "course_lib.cnn first.")
    return keras


# Warnings that Keras and torch raise inside course_lib's calls, silenced only around those
# calls (``_quiet``), never for the whole process:
_QUIET = (
    # Keras' PyTorch backend wraps each layer in a torch module; torch warns once that a module
    # with that name has no parameters. Harmless, and it would differ between runs in a notebook.
    (r".*does not have a `build\(\)` method.*", UserWarning),
    # torch notes that padding="same" with an even kernel copies the input to pad it unevenly
    # (Keras pads the same way); a performance remark, not a problem.
    (r"Using padding='same' with even kernel lengths", UserWarning),
    # Keras' torch backend converts tensors with np.array(x), which NumPy 2 flags as deprecated
    # for objects whose __array__ lacks a copy argument: Keras' business, not the learner's.
    (r"__array__ implementation doesn't accept a copy", DeprecationWarning),
)


def _quiet(fn):
    """Run ``fn`` with ``_QUIET``'s warnings ignored; the filters are restored afterwards."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with warnings.catch_warnings():
            for message, category in _QUIET:
                warnings.filterwarnings("ignore", message=message, category=category)
            return fn(*args, **kwargs)
    return wrapper


keras = _import_keras()


_check_int = integer  # the name build_keras_cnn and train_torch call (lessons print them)


def feature_shape(height: int, width: int, kernel_size: int = 3, padding: str = "valid",
                  pool_size: int = 2) -> tuple[int, int]:
    """Spatial size (H', W') of the feature maps after Conv2D (stride 1) and MaxPooling2D.

    Args:
        height, width: input image size.
        kernel_size: side of the square kernel.
        padding: ``"same"`` (output as large as the input) or ``"valid"`` (no padding:
            H - kernel_size + 1).
        pool_size: side and stride of the square pooling window (remainders are dropped).

    Returns:
        ``(H', W')``; the Flatten layer then holds ``H' * W' * filters`` numbers.

    Example:
        >>> feature_shape(8, 8, kernel_size=3, padding="same", pool_size=2)
        (4, 4)
        >>> feature_shape(8, 8, kernel_size=3, padding="valid", pool_size=2)
        (3, 3)
    """
    height = _check_int(height, "height", 1)
    width = _check_int(width, "width", 1)
    kernel_size = _check_int(kernel_size, "kernel_size", 1)
    pool_size = _check_int(pool_size, "pool_size", 1)
    choice(padding, "padding", PADDINGS)
    out = []
    for n, axis in ((height, "height"), (width, "width")):
        conv = n if padding == "same" else n - kernel_size + 1
        if conv < 1:
            raise ValueError(f"kernel_size={kernel_size} is larger than the input {axis} {n} "
                             "with padding='valid'")
        if conv < pool_size:
            raise ValueError(f"pool_size={pool_size} is larger than the feature map {axis} "
                             f"{conv}: nothing would be left after pooling")
        out.append(conv // pool_size)
    return out[0], out[1]


def _check_arch(num_classes, filters, kernel_size, padding, pool_size):
    _check_int(num_classes, "num_classes", 2)
    _check_int(filters, "filters", 1)
    _check_int(kernel_size, "kernel_size", 1)
    _check_int(pool_size, "pool_size", 1)
    choice(padding, "padding", PADDINGS)
    # the size guard, before Keras or torch allocates: a lower bound on the weights (one input
    # channel, one feature per filter), enough to refuse a filters= or num_classes= typo
    check_size((filters * (kernel_size * kernel_size + num_classes),), np.float32,
               f"filters={filters}, kernel_size={kernel_size}, num_classes={num_classes}",
               "the weights")


def _check_shape3(shape, name: str, layout: str) -> tuple[int, int, int]:
    if not isinstance(shape, tuple | list) or len(shape) != 3:
        raise ValueError(f"{name} must be a tuple {layout} of three ints, got {shape!r}")
    return tuple(_check_int(s, f"{name}[{k}]", 1) for k, s in enumerate(shape))


def build_keras_cnn(input_shape=(8, 8, 1), num_classes: int = 10, filters: int = 32,
                    kernel_size: int = 3, padding: str = "valid", pool_size: int = 2,
                    seed: int = 0):
    """The slide's CNN in Keras 3: Conv2D(relu) -> MaxPooling2D -> Flatten -> Dense(softmax).

    Args:
        input_shape: ``(H, W, C)``, channels last as Keras expects; (8, 8, 1) for the digits.
        num_classes: number of classes (outputs of the Dense layer).
        filters: number of convolution kernels (feature maps).
        kernel_size: side of the square kernels.
        padding: ``"valid"`` (no padding; an 8x8 digit gives 6x6 maps) or ``"same"``
            (zero padding keeps 8x8); see ``feature_shape``.
        pool_size: side and stride of the max-pooling window.
        seed: seeds the weight initialisers, so the same arguments give the same weights.

    Returns:
        an uncompiled ``keras.Sequential`` named "slide_cnn", layers named "conv", "pool",
        "flatten", "dense"; it maps ``(N, H, W, C)`` to class probabilities ``(N, num_classes)``.

    Example:
        >>> model = build_keras_cnn()
        >>> model.count_params()  # conv 3*3*1*32 + 32; 6x6 maps pooled to 3x3: 3*3*32*10 + 10
        3210
    """
    h, w, c = _check_shape3(input_shape, "input_shape", "(H, W, C)")
    _check_arch(num_classes, filters, kernel_size, padding, pool_size)
    feature_shape(h, w, kernel_size, padding, pool_size)  # raises if nothing would be left
    seed = _check_int(seed, "seed", 0)
    layers = keras.layers
    return keras.Sequential([
        keras.Input(shape=(h, w, c), name="image"),
        layers.Conv2D(filters, kernel_size, padding=padding, activation="relu", name="conv",
                      kernel_initializer=keras.initializers.GlorotUniform(seed=seed)),
        layers.MaxPooling2D(pool_size, name="pool"),
        layers.Flatten(name="flatten"),
        layers.Dense(num_classes, activation="softmax", name="dense",
                     kernel_initializer=keras.initializers.GlorotUniform(seed=seed + 1)),
    ], name="slide_cnn")


def build_torch_cnn(input_shape=(1, 8, 8), num_classes: int = 10, filters: int = 32,
                    kernel_size: int = 3, padding: str = "valid", pool_size: int = 2,
                    seed: int = 0) -> nn.Sequential:
    """The same CNN in plain PyTorch: Conv2d -> ReLU -> MaxPool2d -> Flatten -> Linear.

    Same arguments as ``build_keras_cnn`` except ``input_shape``, which is channels first
    ``(C, H, W)`` as PyTorch expects. The network returns class *scores* (logits), not
    probabilities: PyTorch's ``nn.CrossEntropyLoss`` applies the softmax itself (as a
    numerically stable log-softmax), so ``torch.softmax(model(x), dim=1)`` equals the Keras
    model's output once the weights are the same (``copy_keras_to_torch``). The softmax has
    no parameters, so both networks have the same parameter count.

    Args:
        input_shape: ``(C, H, W)``.
        num_classes, filters, kernel_size, padding, pool_size: as in ``build_keras_cnn``.
        seed: seeds PyTorch's default initialisation (the global generator is left untouched).

    Returns:
        ``nn.Sequential`` with modules named conv, relu, pool, flatten, dense, mapping
        ``(N, C, H, W)`` float32 to ``(N, num_classes)`` logits.

    Example:
        >>> model = build_torch_cnn()
        >>> model(torch.zeros(2, 1, 8, 8)).shape
        torch.Size([2, 10])
        >>> count_parameters(model)
        3210
    """
    c, h, w = _check_shape3(input_shape, "input_shape", "(C, H, W)")
    _check_arch(num_classes, filters, kernel_size, padding, pool_size)
    fh, fw = feature_shape(h, w, kernel_size, padding, pool_size)
    seed = _check_int(seed, "seed", 0)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return nn.Sequential(OrderedDict(
            conv=nn.Conv2d(c, filters, kernel_size, padding=padding),
            relu=nn.ReLU(),
            pool=nn.MaxPool2d(pool_size),
            flatten=nn.Flatten(),
            dense=nn.Linear(filters * fh * fw, num_classes),
        ))


def count_parameters(model) -> int:
    """Number of trainable numbers in a Keras model or a torch ``nn.Module``."""
    if isinstance(model, nn.Module):
        return sum(p.numel() for p in model.parameters())
    if isinstance(model, keras.Model):
        return int(model.count_params())
    raise TypeError(f"model must be a keras.Model or a torch.nn.Module, got {type(model).__name__}")


def to_numpy(x) -> np.ndarray:
    """A Keras variable (e.g. ``layer.kernel``), a Keras output or a torch tensor as NumPy.

    Example:
        >>> to_numpy(build_keras_cnn().get_layer("conv").kernel).shape
        (3, 3, 1, 32)
    """
    x = getattr(x, "value", x)  # a Keras variable holds a torch Parameter on this backend
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def _as_array(a, name: str, ndim: int) -> np.ndarray:
    if isinstance(a, torch.Tensor):
        a = a.detach().cpu().numpy()
    if not isinstance(a, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(a).__name__}")
    if a.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {a.shape}")
    return a


def conv_kernel_keras_to_torch(kernel: np.ndarray) -> np.ndarray:
    """A Conv2D kernel in PyTorch's layout: ``(kh, kw, C_in, C_out)`` -> ``(C_out, C_in, kh, kw)``.

    Both libraries compute a cross-correlation (no kernel flip), so only the axes move.

    Example:
        >>> conv_kernel_keras_to_torch(np.zeros((3, 3, 1, 32))).shape
        (32, 1, 3, 3)
    """
    return np.ascontiguousarray(_as_array(kernel, "kernel", 4).transpose(3, 2, 0, 1))


def dense_kernel_keras_to_torch(kernel: np.ndarray, feature_shape: tuple[int, int, int]
                                ) -> np.ndarray:
    """The Dense kernel after Flatten, as a ``nn.Linear`` weight for channels-first features.

    Keras flattens ``(H, W, C)`` feature maps, so input feature ``(h * W + w) * C + c`` of its
    Dense kernel belongs to position (h, w) of channel c; PyTorch flattens ``(C, H, W)`` and
    numbers the same value ``(c * H + h) * W + w``. The rows are reordered accordingly and the
    matrix transposed to ``nn.Linear``'s ``(out_features, in_features)``.

    Args:
        kernel: ``(H * W * C, out)`` Dense kernel from Keras.
        feature_shape: ``(H, W, C)`` of the feature maps that were flattened.

    Returns:
        ``(out, C * H * W)`` array.

    Example:
        >>> k = np.arange(12.0).reshape(6, 2)       # H, W, C = 1, 3, 2
        >>> dense_kernel_keras_to_torch(k, (1, 3, 2))
        array([[ 0.,  4.,  8.,  2.,  6., 10.],
               [ 1.,  5.,  9.,  3.,  7., 11.]])
    """
    kernel = _as_array(kernel, "kernel", 2)
    h, w, c = _check_shape3(feature_shape, "feature_shape", "(H, W, C)")
    if kernel.shape[0] != h * w * c:
        raise ValueError(f"kernel has {kernel.shape[0]} input features, but feature_shape "
                         f"{(h, w, c)} flattens to {h * w * c}")
    out = kernel.shape[1]
    return np.ascontiguousarray(kernel.reshape(h, w, c, out).transpose(3, 2, 0, 1)
                                .reshape(out, c * h * w))


@_quiet
def copy_keras_to_torch(keras_model, torch_model: nn.Sequential) -> nn.Sequential:
    """Copy the weights of ``build_keras_cnn``'s model into ``build_torch_cnn``'s (in place).

    Args:
        keras_model: from ``build_keras_cnn`` (trained or not).
        torch_model: from ``build_torch_cnn`` with the same architecture arguments.

    Returns:
        ``torch_model``, now computing ``softmax(torch_model(nhwc_to_nchw(x)))`` equal to
        ``keras_model(x)`` up to float32 rounding.

    Example:
        >>> km, tm = build_keras_cnn(), build_torch_cnn()
        >>> x = np.random.default_rng(0).random((4, 8, 8, 1), dtype=np.float32)
        >>> p = torch.softmax(copy_keras_to_torch(km, tm)(torch.from_numpy(nhwc_to_nchw(x))), 1)
        >>> bool(np.allclose(p.detach().numpy(), to_numpy(km(x)), atol=1e-6))
        True
    """
    if not isinstance(torch_model, nn.Module):
        raise TypeError(f"torch_model must be a torch.nn.Module, got {type(torch_model).__name__}")
    if not isinstance(keras_model, keras.Model):
        raise TypeError(f"keras_model must be a keras.Model, got {type(keras_model).__name__}")
    try:
        kconv, kdense = keras_model.get_layer("conv"), keras_model.get_layer("dense")
        tconv, tdense = torch_model.conv, torch_model.dense
    except (ValueError, AttributeError) as e:
        raise ValueError("copy_keras_to_torch expects models from build_keras_cnn and "
                         f"build_torch_cnn (layers named conv and dense): {e}") from e
    pool_out = keras_model.get_layer("pool").output.shape[1:]  # (H', W', C)
    new = {
        "conv.weight": conv_kernel_keras_to_torch(to_numpy(kconv.kernel)),
        "conv.bias": to_numpy(kconv.bias),
        "dense.weight": dense_kernel_keras_to_torch(to_numpy(kdense.kernel),
                                                    tuple(pool_out)),
        "dense.bias": to_numpy(kdense.bias),
    }
    params = {"conv.weight": tconv.weight, "conv.bias": tconv.bias,
              "dense.weight": tdense.weight, "dense.bias": tdense.bias}
    for name, value in new.items():
        if tuple(params[name].shape) != value.shape:
            raise ValueError(f"the architectures differ: Keras gives {name} of shape "
                             f"{value.shape}, the PyTorch model has {tuple(params[name].shape)}")
    with torch.no_grad():
        for name, value in new.items():
            params[name].copy_(torch.from_numpy(value))
    return torch_model


def nhwc_to_nchw(x: np.ndarray) -> np.ndarray:
    """Channels last ``(N, H, W, C)`` (Keras) -> channels first ``(N, C, H, W)`` (PyTorch)."""
    return np.ascontiguousarray(_as_array(x, "x", 4).transpose(0, 3, 1, 2))


def nchw_to_nhwc(x: np.ndarray) -> np.ndarray:
    """Channels first ``(N, C, H, W)`` (PyTorch) -> channels last ``(N, H, W, C)`` (Keras)."""
    return np.ascontiguousarray(_as_array(x, "x", 4).transpose(0, 2, 3, 1))


def _check_xy(x, y, name: str = "data"):
    x = _as_array(x, f"{name} images", 4)
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != x.shape[0]:
        raise ValueError(f"{name} labels must have shape ({x.shape[0]},) to match the images, "
                         f"got {y.shape}")
    if y.dtype.kind not in "iu":
        raise TypeError(f"{name} labels must be integers (class indices), got dtype {y.dtype}")
    return torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32)), torch.from_numpy(
        y.astype(np.int64))


@_quiet
def evaluate_torch(model: nn.Module, x: np.ndarray, y: np.ndarray, batch_size: int = 512
                   ) -> dict[str, float]:
    """Mean cross-entropy loss and accuracy of a logits model on ``(N, C, H, W)`` images.

    Returns:
        ``{"loss": float, "accuracy": float}``.
    """
    xt, yt = _check_xy(x, y)
    batch_size = _check_int(batch_size, "batch_size", 1)
    was_training = model.training
    model.eval()
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(xt), batch_size):
            logits = model(xt[i:i + batch_size])
            yb = yt[i:i + batch_size]
            loss_sum += float(nn.functional.cross_entropy(logits, yb, reduction="sum"))
            correct += int((logits.argmax(1) == yb).sum())
    model.train(was_training)
    n = max(len(xt), 1)
    return {"loss": loss_sum / n, "accuracy": correct / n}


@_quiet
def predict_torch(model: nn.Module, x: np.ndarray) -> np.ndarray:
    """Class probabilities ``(N, num_classes)`` float32 of a logits model on ``(N, C, H, W)``."""
    xt = torch.from_numpy(np.ascontiguousarray(_as_array(x, "x", 4), dtype=np.float32))
    was_training = model.training
    model.eval()
    with torch.no_grad():
        p = torch.softmax(model(xt), dim=1).numpy()
    model.train(was_training)
    return p


def train_torch(model: nn.Module, data, epochs: int = 10, seed: int = 0, batch_size: int = 32,
                lr: float = 3e-3, validation=None, progress: bool = True
                ) -> dict[str, list[float]]:
    """Train a logits model with Adam and cross-entropy; the classic PyTorch loop.

    Each epoch shuffles the training set (with a generator seeded by ``seed``), and for each
    mini-batch: forward, loss, ``zero_grad``, ``backward``, ``step``.

    Args:
        model: a ``torch.nn.Module`` returning logits, e.g. ``build_torch_cnn()``.
        data: ``(x, y)`` with x ``(N, C, H, W)`` float images and y ``(N,)`` integer labels.
        epochs: passes over the training set.
        seed: seeds the shuffling (and dropout, if any), so a run repeats.
        batch_size: examples per step.
        lr: Adam's learning rate.
        validation: optional ``(x_val, y_val)`` evaluated after every epoch.
        progress: show a tqdm progress bar over the epochs.

    Returns:
        history with Keras' keys: ``{"loss": [...], "accuracy": [...]}`` (training set,
        averaged over the epoch's batches) plus ``"val_loss"``, ``"val_accuracy"`` when
        ``validation`` is given; one float per epoch.

    Example:
        >>> x = np.random.default_rng(0).random((64, 1, 8, 8), dtype=np.float32)
        >>> y = np.arange(64) % 10
        >>> h = train_torch(build_torch_cnn(), (x, y), epochs=2, progress=False)
        >>> len(h["loss"])
        2
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(data, tuple | list) or len(data) != 2:
        raise ValueError(f"data must be a pair (x, y), got {type(data).__name__}"
                         + (f" of length {len(data)}" if isinstance(data, tuple | list) else ""))
    xt, yt = _check_xy(*data)
    epochs = _check_int(epochs, "epochs", 1)
    seed = _check_int(seed, "seed", 0)
    batch_size = _check_int(batch_size, "batch_size", 1)
    lr = real(lr, "lr", above=0)
    if validation is not None:
        if not isinstance(validation, tuple | list) or len(validation) != 2:
            raise ValueError("validation must be a pair (x_val, y_val) or None")
        _check_xy(*validation, name="validation")
    history: dict[str, list[float]] = {"loss": [], "accuracy": []}
    if validation is not None:
        history.update(val_loss=[], val_accuracy=[])
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        bar = tqdm(range(epochs), desc="training", unit="epoch", disable=not progress)
        for _ in bar:
            loss_sum, correct = 0.0, 0
            for idx in torch.randperm(len(xt), generator=gen).split(batch_size):
                logits = model(xt[idx])
                loss = nn.functional.cross_entropy(logits, yt[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
                loss_sum += loss.item() * len(idx)
                correct += int((logits.argmax(1) == yt[idx]).sum())
            history["loss"].append(loss_sum / len(xt))
            history["accuracy"].append(correct / len(xt))
            post = {"loss": f"{history['loss'][-1]:.3f}", "acc": f"{history['accuracy'][-1]:.3f}"}
            if validation is not None:
                ev = evaluate_torch(model, *validation)
                history["val_loss"].append(ev["loss"])
                history["val_accuracy"].append(ev["accuracy"])
                post["val_acc"] = f"{ev['accuracy']:.3f}"
            bar.set_postfix(post)
        bar.close()
    return history


class KerasProgressBar(keras.callbacks.Callback):
    """A tqdm progress bar over the epochs of ``model.fit(..., verbose=0)``.

    Keras' own log prints a line per epoch with timings (never the same twice); this bar
    shows loss and accuracy in one line that updates in place.

    Example:
        >>> model.fit(x, y, epochs=20, verbose=0, callbacks=[KerasProgressBar()])  # doctest: +SKIP
    """

    def __init__(self, desc: str = "training"):
        super().__init__()
        self.desc = desc
        self.bar = None

    def on_train_begin(self, logs=None):
        self.bar = tqdm(total=self.params.get("epochs"), desc=self.desc, unit="epoch")

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.bar.set_postfix({k.replace("accuracy", "acc"): f"{float(v):.3f}"
                              for k, v in logs.items() if "loss" in k or "accuracy" in k})
        self.bar.update(1)

    def on_train_end(self, logs=None):
        self.bar.close()


def keras_summary(model) -> str:
    """``model.summary()`` as plain text that repeats exactly from run to run.

    Keras draws the table with box characters through ``rich``; this collects it through
    ``print_fn`` (no colours, no terminal codes) with a fixed width. Inside Jupyter, rich would
    also display an empty HTML block when the capture ends; it is told it is not in Jupyter.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    import rich.console

    lines: list[str] = []
    with mock.patch.object(rich.console, "_is_jupyter", lambda: False):
        model.summary(line_length=80, print_fn=lambda s, line_break=False: lines.append(s))
    return "\n".join(line.rstrip() for text in lines for line in text.splitlines()).strip("\n")


@_quiet
def layer_outputs(model, x: np.ndarray) -> dict[str, np.ndarray]:
    """What every layer of a Keras Sequential model outputs for ``x``: the feature maps.

    Args:
        model: a built ``keras.Sequential`` (e.g. from ``build_keras_cnn``).
        x: ``(N, H, W, C)`` input batch.

    Returns:
        ``{layer name: NumPy array}`` in layer order; for ``build_keras_cnn`` the "conv" entry
        is ``(N, H, W, filters)`` after ReLU and "pool" the pooled maps.
    """
    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    x = _as_array(x, "x", len(model.inputs[0].shape))
    probe = keras.Model(model.inputs, [layer.output for layer in model.layers])
    outs = probe([np.asarray(x, dtype=np.float32)])
    return {layer.name: to_numpy(o) for layer, o in zip(model.layers, outs)}


def confusion_matrix(y_true, y_pred, num_classes: int | None = None) -> np.ndarray:
    """Count matrix ``C[i, j]`` = number of examples of true class i predicted as class j.

    Args:
        y_true, y_pred: ``(N,)`` integer labels in ``0 .. num_classes - 1``.
        num_classes: size of the matrix; default ``max(label) + 1``.

    Returns:
        ``(num_classes, num_classes)`` int64; the diagonal holds the correct predictions, so
        ``trace(C) / C.sum()`` is the accuracy.

    Example:
        >>> confusion_matrix([0, 1, 1, 2], [0, 2, 1, 2])
        array([[1, 0, 0],
               [0, 1, 1],
               [0, 0, 1]])
    """
    t, p = np.asarray(y_true), np.asarray(y_pred)
    for a, name in ((t, "y_true"), (p, "y_pred")):
        if a.ndim != 1:
            raise ValueError(f"{name} must be one-dimensional, got shape {a.shape}")
        if a.size and a.dtype.kind not in "iu":
            raise TypeError(f"{name} must hold integer labels, got dtype {a.dtype}")
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred must have the same length, got {t.shape[0]} and "
                         f"{p.shape[0]}")
    top = int(max(t.max(initial=-1), p.max(initial=-1))) + 1
    if num_classes is None:
        num_classes = max(top, 1)
    num_classes = _check_int(num_classes, "num_classes", 1)
    low = int(min(t.min(initial=0), p.min(initial=0)))
    if low < 0 or top > num_classes:
        raise ValueError(f"labels must lie in 0..{num_classes - 1}, got values from {low} to "
                         f"{top - 1}")
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(cm, (t.astype(np.int64), p.astype(np.int64)), 1)
    return cm
