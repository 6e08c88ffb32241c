"""Tests of course_lib.cnn (Keras 3 on torch and its PyTorch twin) and plotting.training."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.signal import correlate2d
from sklearn.metrics import confusion_matrix as sk_confusion_matrix

from course_lib import cnn

keras = cnn.keras

ARCH = st.fixed_dictionaries({
    "h": st.integers(4, 9), "w": st.integers(4, 9), "c": st.integers(1, 3),
    "num_classes": st.integers(2, 5), "filters": st.integers(1, 6),
    "kernel_size": st.integers(1, 4), "padding": st.sampled_from(["same", "valid"]),
    "pool_size": st.integers(1, 3), "seed": st.integers(0, 1000),
})


def _build_pair(a):
    kw = {k: a[k] for k in ("num_classes", "filters", "kernel_size", "padding", "pool_size", "seed")}
    km = cnn.build_keras_cnn(input_shape=(a["h"], a["w"], a["c"]), **kw)
    tm = cnn.build_torch_cnn(input_shape=(a["c"], a["h"], a["w"]), **kw)
    return km, tm


def _fits(a) -> bool:
    try:
        cnn.feature_shape(a["h"], a["w"], a["kernel_size"], a["padding"], a["pool_size"])
    except ValueError:
        return False
    return True


def _keras_probs(km, x):
    return cnn.to_numpy(km(x))


def _torch_probs(tm, x_nhwc):
    with torch.no_grad():
        return torch.softmax(tm(torch.from_numpy(cnn.nhwc_to_nchw(x_nhwc))), dim=1).numpy()


def test_keras_model_is_the_slides_layers():
    km = cnn.build_keras_cnn()
    L = keras.layers
    kinds = [type(layer) for layer in km.layers]
    assert kinds == [L.Conv2D, L.MaxPooling2D, L.Flatten, L.Dense]
    assert [layer.name for layer in km.layers] == ["conv", "pool", "flatten", "dense"]
    assert km.get_layer("conv").activation is keras.activations.relu
    assert km.get_layer("dense").activation is keras.activations.softmax
    assert keras.backend.backend() == "torch"
    assert tuple(km.outputs[0].shape) == (None, 10)
    # 8x8 valid 3x3 -> 6x6, pool 2 -> 3x3x32 = 288 features
    assert cnn.count_parameters(km) == (3 * 3 * 1 * 32 + 32) + (288 * 10 + 10)
    p = _keras_probs(km, np.random.default_rng(0).random((5, 8, 8, 1), dtype=np.float32))
    assert p.shape == (5, 10) and np.allclose(p.sum(1), 1, atol=1e-6) and (p >= 0).all()


def test_torch_model_is_plain_pytorch():
    tm = cnn.build_torch_cnn()
    kinds = [type(m) for m in tm]
    assert kinds == [torch.nn.Conv2d, torch.nn.ReLU, torch.nn.MaxPool2d, torch.nn.Flatten,
                     torch.nn.Linear]
    assert tm(torch.zeros(3, 1, 8, 8)).shape == (3, 10)
    assert cnn.count_parameters(tm) == cnn.count_parameters(cnn.build_keras_cnn())


def test_builders_are_seeded_and_leave_the_global_torch_generator_alone():
    state = torch.random.get_rng_state()
    a, b, c = cnn.build_torch_cnn(seed=3), cnn.build_torch_cnn(seed=3), cnn.build_torch_cnn(seed=4)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert torch.equal(a.conv.weight, b.conv.weight)
    assert not torch.equal(a.conv.weight, c.conv.weight)
    k1, k2 = cnn.build_keras_cnn(seed=3), cnn.build_keras_cnn(seed=3)
    np.testing.assert_array_equal(cnn.to_numpy(k1.get_layer("conv").kernel),
                                  cnn.to_numpy(k2.get_layer("conv").kernel))


@settings(max_examples=12, deadline=None)
@given(a=ARCH, n=st.integers(1, 4), data_seed=st.integers(0, 2**31))
def test_copy_keras_to_torch_gives_the_same_function(a, n, data_seed):
    if not _fits(a):
        with pytest.raises(ValueError):
            _build_pair(a)
        return
    km, tm = _build_pair(a)
    assert cnn.count_parameters(km) == cnn.count_parameters(tm)
    x = np.random.default_rng(data_seed).standard_normal((n, a["h"], a["w"], a["c"])
                                                         ).astype(np.float32)
    cnn.copy_keras_to_torch(km, tm)
    np.testing.assert_allclose(_torch_probs(tm, x), _keras_probs(km, x), rtol=1e-4, atol=1e-6)


def test_ignoring_the_flatten_order_breaks_the_copy():
    """The test above can fail: a copy that only transposes the Dense kernel is wrong."""
    km, tm = cnn.build_keras_cnn(filters=4), cnn.build_torch_cnn(filters=4)
    cnn.copy_keras_to_torch(km, tm)
    with torch.no_grad():
        tm.dense.weight.copy_(torch.from_numpy(
            cnn.to_numpy(km.get_layer("dense").kernel).T.copy()))
    x = np.random.default_rng(1).random((8, 8, 8, 1), dtype=np.float32)
    assert not np.allclose(_torch_probs(tm, x), _keras_probs(km, x), atol=1e-3)


@settings(max_examples=40, deadline=None)
@given(h=st.integers(1, 5), w=st.integers(1, 5), c=st.integers(1, 4), out=st.integers(1, 4),
       seed=st.integers(0, 2**31))
def test_dense_kernel_reorder_matches_the_two_flatten_orders(h, w, c, out, seed):
    rng = np.random.default_rng(seed)
    f = rng.standard_normal((h, w, c))          # one example's feature maps, channels last
    k = rng.standard_normal((h * w * c, out))   # Keras Dense kernel
    wt = cnn.dense_kernel_keras_to_torch(k, (h, w, c))
    assert wt.shape == (out, c * h * w)
    keras_out = f.reshape(-1) @ k                                        # Keras: flatten HWC
    torch_out = torch.nn.functional.linear(torch.from_numpy(f.transpose(2, 0, 1).reshape(1, -1)),
                                           torch.from_numpy(wt))[0].numpy()  # PyTorch: CHW
    np.testing.assert_allclose(torch_out, keras_out, rtol=1e-10, atol=1e-10)


def test_conv_kernel_layout_against_torch_conv():
    rng = np.random.default_rng(2)
    k = rng.standard_normal((3, 2, 4, 5)).astype(np.float32)  # (kh, kw, in, out)
    x = rng.standard_normal((1, 4, 6, 7)).astype(np.float32)  # (N, C, H, W)
    w = cnn.conv_kernel_keras_to_torch(k)
    assert w.shape == (5, 4, 3, 2)
    got = torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(w)).numpy()
    # output channel o at (i, j): sum over (a, b, c) of x[c, i+a, j+b] * k[a, b, c, o]
    want = np.zeros_like(got)
    for i in range(got.shape[2]):
        for j in range(got.shape[3]):
            want[0, :, i, j] = np.einsum("cab,abco->o", x[0, :, i:i + 3, j:j + 2], k)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


@settings(max_examples=20, deadline=None)
@given(shape=st.tuples(*[st.integers(1, 4)] * 4), seed=st.integers(0, 2**31))
def test_layout_conversions_match_torch_permute(shape, seed):
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    got = cnn.nhwc_to_nchw(x)
    np.testing.assert_array_equal(got, torch.from_numpy(x).permute(0, 3, 1, 2).numpy())
    assert got.dtype == np.float32 and got.flags.c_contiguous
    np.testing.assert_array_equal(cnn.nchw_to_nhwc(got), x)


def test_feature_shape_matches_both_frameworks():
    for h, w, k, pad, p in [(8, 8, 3, "same", 2), (8, 8, 3, "valid", 2), (9, 7, 2, "same", 3),
                            (28, 28, 5, "valid", 2), (5, 6, 4, "same", 1)]:
        fh, fw = cnn.feature_shape(h, w, k, pad, p)
        km = cnn.build_keras_cnn((h, w, 1), filters=2, kernel_size=k, padding=pad, pool_size=p)
        assert tuple(km.get_layer("pool").output.shape) == (None, fh, fw, 2)
        tm = cnn.build_torch_cnn((1, h, w), filters=2, kernel_size=k, padding=pad, pool_size=p)
        assert tm[:3](torch.zeros(1, 1, h, w)).shape == (1, 2, fh, fw)


@pytest.mark.parametrize("args, exc, match", [
    ((8, 8, 3, "full", 2), ValueError, "padding must be one of"),
    ((8, 8, 9, "valid", 2), ValueError, "kernel_size=9 is larger than the input height 8"),
    ((8, 8, 3, "valid", 7), ValueError, "pool_size=7 is larger than the feature map height 6"),
    ((0, 8, 3, "same", 2), ValueError, "height must be an integer >= 1, got 0"),
    ((8, 8.0, 3, "same", 2), TypeError, "width must be an integer >= 1, got .* of type float"),
    ((8, 8, True, "same", 2), TypeError, "kernel_size must be an int"),
])
def test_feature_shape_bad_arguments(args, exc, match):
    with pytest.raises(exc, match=match):
        cnn.feature_shape(*args)


@pytest.mark.parametrize("build", [cnn.build_keras_cnn, cnn.build_torch_cnn])
@pytest.mark.parametrize("kwargs, exc, match", [
    ({"input_shape": (8, 8)}, ValueError, "input_shape must be a tuple .* of three ints"),
    ({"input_shape": (8, 0, 1)}, ValueError, r"input_shape\[1\] must be an integer >= 1"),
    ({"num_classes": 1}, ValueError, "num_classes must be an integer >= 2, got 1"),
    ({"filters": 0}, ValueError, "filters must be an integer >= 1, got 0"),
    ({"filters": 2.5}, TypeError, "filters must be an int"),
    ({"padding": "SAME"}, ValueError, r"padding must be one of \('valid', 'same'\), got 'SAME'"),
    ({"pool_size": 9}, ValueError, "pool_size=9 is larger"),
    ({"seed": -1}, ValueError, "seed must be an integer >= 0"),
])
def test_builders_bad_arguments(build, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        build(**kwargs)


def test_copy_keras_to_torch_rejects_mismatched_models():
    with pytest.raises(ValueError, match="the architectures differ: Keras gives conv.weight"):
        cnn.copy_keras_to_torch(cnn.build_keras_cnn(filters=4), cnn.build_torch_cnn(filters=5))
    with pytest.raises(ValueError, match="the architectures differ: Keras gives dense.weight"):
        cnn.copy_keras_to_torch(cnn.build_keras_cnn(padding="same"),
                                cnn.build_torch_cnn(padding="valid"))
    with pytest.raises(TypeError, match="torch_model must be a torch.nn.Module, got str"):
        cnn.copy_keras_to_torch(cnn.build_keras_cnn(), "model")
    with pytest.raises(TypeError, match="keras_model must be a keras.Model"):
        cnn.copy_keras_to_torch(cnn.build_torch_cnn(), cnn.build_torch_cnn())
    with pytest.raises(ValueError, match="expects models from build_keras_cnn"):
        cnn.copy_keras_to_torch(cnn.build_keras_cnn(), torch.nn.Sequential(torch.nn.ReLU()))
    with pytest.raises(TypeError, match="model must be a keras.Model or a torch.nn.Module"):
        cnn.count_parameters([1, 2])


def test_reorder_functions_bad_arguments():
    with pytest.raises(ValueError, match="kernel must have 4 dimensions"):
        cnn.conv_kernel_keras_to_torch(np.zeros((3, 3, 1)))
    with pytest.raises(TypeError, match="kernel must be a NumPy array, got list"):
        cnn.dense_kernel_keras_to_torch([[1.0]], (1, 1, 1))
    with pytest.raises(ValueError, match=r"kernel has 10 input features, but feature_shape "
                                         r"\(2, 2, 2\) flattens to 8"):
        cnn.dense_kernel_keras_to_torch(np.zeros((10, 3)), (2, 2, 2))
    with pytest.raises(ValueError, match="x must have 4 dimensions"):
        cnn.nhwc_to_nchw(np.zeros((8, 8, 1)))


def test_import_keras_refuses_another_backend(monkeypatch):
    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    with pytest.raises(ImportError, match=r"needs Keras on its PyTorch backend, but Keras is "
                                          r"running on 'jax'.*KERAS_BACKEND.*'torch'"):
        cnn._import_keras()


def _separable_data(n=200, seed=0):
    """Two classes that a CNN separates easily: a bright top half or a bright bottom half."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = rng.random((n, 1, 8, 8), dtype=np.float32) * 0.3
    x[y == 0, :, :4] += 0.7
    x[y == 1, :, 4:] += 0.7
    return x, y


def test_train_torch_learns_and_repeats():
    x, y = _separable_data()
    xv, yv = _separable_data(60, seed=1)
    m1 = cnn.build_torch_cnn(num_classes=2, filters=4)
    before = cnn.evaluate_torch(m1, xv, yv)
    h1 = cnn.train_torch(m1, (x, y), epochs=6, seed=5, lr=1e-2, validation=(xv, yv),
                         progress=False)
    assert set(h1) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 6 for v in h1.values())
    assert h1["loss"][-1] < h1["loss"][0]
    after = cnn.evaluate_torch(m1, xv, yv)
    assert after["accuracy"] >= 0.95 and after["loss"] < before["loss"]
    assert after["accuracy"] == pytest.approx(h1["val_accuracy"][-1])
    m2 = cnn.build_torch_cnn(num_classes=2, filters=4)
    h2 = cnn.train_torch(m2, (x, y), epochs=6, seed=5, lr=1e-2, validation=(xv, yv),
                         progress=False)
    assert h1 == h2
    h3 = cnn.train_torch(cnn.build_torch_cnn(num_classes=2, filters=4), (x, y), epochs=1,
                         progress=False)
    assert set(h3) == {"loss", "accuracy"}


def test_evaluate_and_predict_torch_against_torch():
    x, y = _separable_data(30)
    m = cnn.build_torch_cnn(num_classes=2, filters=3, seed=1)
    logits = m(torch.from_numpy(x)).detach()
    ev = cnn.evaluate_torch(m, x, y, batch_size=7)
    assert ev["loss"] == pytest.approx(float(torch.nn.functional.cross_entropy(
        logits, torch.from_numpy(y))), rel=1e-5)
    assert ev["accuracy"] == pytest.approx(float((logits.argmax(1).numpy() == y).mean()))
    p = cnn.predict_torch(m, x)
    np.testing.assert_allclose(p, torch.softmax(logits, 1).numpy(), rtol=1e-5, atol=1e-7)
    assert m.training  # evaluation does not leave the model in eval mode


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"data": (np.zeros((4, 1, 8, 8)),)}, ValueError, "data must be a pair"),
    ({"data": (np.zeros((4, 8, 8)), np.zeros(4, int))}, ValueError, "data images must have 4 dim"),
    ({"data": (np.zeros((4, 1, 8, 8)), np.zeros(3, int))}, ValueError, r"labels must have shape \(4,\)"),
    ({"data": (np.zeros((4, 1, 8, 8)), np.zeros(4))}, TypeError, "labels must be integers"),
    ({"epochs": 0}, ValueError, "epochs must be an integer >= 1"),
    ({"lr": -1.0}, ValueError, "lr must be a finite number > 0, got -1.0"),
    ({"batch_size": 0}, ValueError, "batch_size must be an integer >= 1"),
    ({"validation": np.zeros(3)}, ValueError, "validation must be a pair"),
    ({"model": "net"}, TypeError, "model must be a torch.nn.Module, got str"),
])
def test_train_torch_bad_arguments(kwargs, exc, match):
    args = {"model": cnn.build_torch_cnn(), "data": (np.zeros((4, 1, 8, 8), np.float32),
                                                      np.zeros(4, int)), "progress": False}
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        cnn.train_torch(**args)


def test_keras_progress_bar_counts_epochs():
    x, y = _separable_data(40)
    km = cnn.build_keras_cnn((8, 8, 1), num_classes=2, filters=2)
    km.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    bar = cnn.KerasProgressBar()
    km.fit(cnn.nchw_to_nhwc(x), y, epochs=2, batch_size=20, verbose=0, callbacks=[bar])
    assert bar.bar.n == 2 and bar.bar.total == 2
    assert "loss=" in bar.bar.postfix and "acc=" in bar.bar.postfix


def test_keras_summary_is_plain_and_repeats():
    s1 = cnn.keras_summary(cnn.build_keras_cnn())
    s2 = cnn.keras_summary(cnn.build_keras_cnn(seed=9))
    assert s1 == s2
    assert "\x1b" not in s1
    assert re.search(r"conv \(Conv2D\)\s+│ \(None, 6, 6, 32\)\s+│\s+320", s1)
    assert "Total params: 3,210" in s1
    with pytest.raises(TypeError, match="model must be a keras.Model"):
        cnn.keras_summary(cnn.build_torch_cnn())


def test_layer_outputs_are_correlation_relu_and_max_pool():
    km = cnn.build_keras_cnn(filters=3, padding="same", seed=4)
    x = np.random.default_rng(3).random((2, 8, 8, 1), dtype=np.float32)
    out = cnn.layer_outputs(km, x)
    assert list(out) == ["conv", "pool", "flatten", "dense"]
    k = cnn.to_numpy(km.get_layer("conv").kernel)
    b = cnn.to_numpy(km.get_layer("conv").bias)
    for n in range(2):
        for f in range(3):
            want = np.maximum(correlate2d(x[n, :, :, 0], k[:, :, 0, f], mode="same") + b[f], 0)
            np.testing.assert_allclose(out["conv"][n, :, :, f], want, rtol=1e-5, atol=1e-6)
    pooled = out["conv"].reshape(2, 4, 2, 4, 2, 3).max(axis=(2, 4))
    np.testing.assert_allclose(out["pool"], pooled)
    np.testing.assert_allclose(out["dense"], _keras_probs(km, x), rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="x must have 4 dimensions"):
        cnn.layer_outputs(km, x[0])


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 50), k=st.integers(1, 6), seed=st.integers(0, 2**31))
def test_confusion_matrix_against_sklearn(n, k, seed):
    rng = np.random.default_rng(seed)
    t, p = rng.integers(0, k, n), rng.integers(0, k, n)
    cm = cnn.confusion_matrix(t, p, num_classes=k)
    np.testing.assert_array_equal(cm, sk_confusion_matrix(t, p, labels=list(range(k))))
    assert cm.dtype == np.int64 and cm.sum() == n


def test_confusion_matrix_bad_arguments():
    assert cnn.confusion_matrix([2], [0]).shape == (3, 3)
    np.testing.assert_array_equal(cnn.confusion_matrix([], [], num_classes=2), np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"labels must lie in 0..2, got values from 0 to 3"):
        cnn.confusion_matrix([0, 3], [1, 2], num_classes=3)
    with pytest.raises(ValueError, match="from -1"):
        cnn.confusion_matrix([0, -1], [1, 2])
    with pytest.raises(ValueError, match="same length, got 2 and 3"):
        cnn.confusion_matrix([0, 1], [1, 2, 0])
    with pytest.raises(TypeError, match="y_pred must hold integer labels, got dtype float64"):
        cnn.confusion_matrix([0, 1], [0.0, 1.0])
    with pytest.raises(ValueError, match="y_true must be one-dimensional"):
        cnn.confusion_matrix([[0, 1]], [0, 1])


# ---- plotting.training ------------------------------------------------------------------

def test_plot_learning_curves():
    from course_lib.plotting import training as T

    h = {"loss": [2.0, 1.0, 0.5], "accuracy": [0.3, 0.7, 0.9]}
    fig = T.plot_learning_curves(h, "run")
    ax_loss, ax_acc = fig.axes
    assert [len(ax.lines) for ax in fig.axes] == [1, 1]
    np.testing.assert_array_equal(ax_loss.lines[0].get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(ax_acc.lines[0].get_ydata(), h["accuracy"])
    assert ax_loss.get_xlabel() == "epoch" and fig._suptitle.get_text() == "run"
    h.update(val_loss=[2.1, 1.2, 0.8], val_accuracy=[0.2, 0.6, 0.8])
    fig = T.plot_learning_curves(h)
    assert [len(ax.lines) for ax in fig.axes] == [2, 2]
    assert [t.get_text() for t in fig.axes[1].get_legend().get_texts()] == ["training",
                                                                              "validation"]
    with pytest.raises(KeyError, match="history needs the key 'accuracy'"):
        T.plot_learning_curves({"loss": [1.0]})
    with pytest.raises(ValueError, match="no epochs"):
        T.plot_learning_curves({"loss": [], "accuracy": []})
    with pytest.raises(TypeError, match="history must be a dict"):
        T.plot_learning_curves([1.0])


def test_plot_confusion_matrix_writes_the_counts():
    from course_lib.plotting import training as T

    cm = np.array([[5, 1, 0], [0, 7, 0], [2, 0, 4]])
    fig = T.plot_confusion_matrix(cm, ["a", "b", "c"])
    ax = fig.axes[0]
    assert sorted(t.get_text() for t in ax.texts) == sorted(str(v) for v in cm.ravel() if v)
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    with pytest.raises(ValueError, match="square"):
        T.plot_confusion_matrix(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="class_names has 2 names for a 3x3 matrix"):
        T.plot_confusion_matrix(cm, ["a", "b"])


def test_plot_misclassified_shows_only_the_mistakes():
    from course_lib.plotting import training as T

    imgs = np.random.default_rng(0).random((6, 8, 8))
    t, p = np.array([0, 1, 2, 3, 4, 5]), np.array([0, 7, 2, 3, 9, 5])
    probs = np.full((6, 10), 0.1)
    fig = T.plot_misclassified(imgs[..., None], t, p, probs=probs)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["#1: 1 → 7\n(p=0.10)", "#4: 4 → 9\n(p=0.10)"]
    fig = T.plot_misclassified(imgs, t, t)
    assert "no misclassified images" in fig.axes[0].texts[0].get_text()
    assert len([a for a in T.plot_misclassified(imgs, t, p, max_images=1).axes
                if a.get_title()]) == 1
    with pytest.raises(ValueError, match=r"must have shape \(6,\)"):
        T.plot_misclassified(imgs, t[:5], p)
    with pytest.raises(ValueError, match="images must have shape"):
        T.plot_misclassified(imgs[0], t, p)
    with pytest.raises(ValueError, match="max_images must be >= 1"):
        T.plot_misclassified(imgs, t, p, max_images=0)


def test_plot_digits():
    from course_lib.plotting import training as T

    imgs = np.random.default_rng(0).random((7, 8, 8))
    fig = T.plot_digits(imgs, titles=list("abcdefg"), ncols=4, title="digits")
    assert [ax.get_title() for ax in fig.axes if ax.images] == list("abcdefg")
    assert len(fig.axes) == 8 and fig._suptitle.get_text() == "digits"
    np.testing.assert_array_equal(fig.axes[2].images[0].get_array(), imgs[2])
    assert len([a for a in T.plot_digits(imgs[:2, ..., None]).axes if a.images]) == 2
    with pytest.raises(ValueError, match="titles has 2 entries for 7 images"):
        T.plot_digits(imgs, titles=["a", "b"])
    with pytest.raises(ValueError, match="N >= 1"):
        T.plot_digits(imgs[:0])


def test_plot_learned_kernels_is_centred_on_zero_with_one_colour_bar():
    from course_lib.plotting import training as T

    k = np.random.default_rng(1).standard_normal((3, 3, 2, 5))
    fig = T.plot_learned_kernels(k, channel=1, ncols=3)
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 5
    lim = np.abs(k[:, :, 1]).max()
    for f, im in enumerate(images):
        assert im.get_clim() == pytest.approx((-lim, lim))
        np.testing.assert_array_equal(im.get_array(), k[:, :, 1, f])
    assert sum(ax.get_label() == "<colorbar>" for ax in fig.axes) == 1
    with pytest.raises(ValueError, match="channel must be in 0..1, got 2"):
        T.plot_learned_kernels(k, channel=2)
    with pytest.raises(ValueError, match="kernel must have shape"):
        T.plot_learned_kernels(k[..., 0])


def test_plot_feature_maps():
    from course_lib.plotting import training as T

    rng = np.random.default_rng(2)
    maps = np.maximum(rng.standard_normal((6, 6, 4)), 0)
    fig = T.plot_feature_maps(rng.random((8, 8, 1)), maps, ncols=2)
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 5  # the input and four maps
    assert images[1].get_clim() == pytest.approx((0.0, maps.max()))
    assert images[1].get_cmap().name == "viridis"
    signed = T.plot_feature_maps(rng.random((8, 8)), maps - 0.5)
    assert [ax.images[0] for ax in signed.axes if ax.images][1].get_cmap().name == "RdBu_r"
    with pytest.raises(ValueError, match="maps must have shape"):
        T.plot_feature_maps(rng.random((8, 8)), maps[..., 0])
    with pytest.raises(ValueError, match="image must have shape"):
        T.plot_feature_maps(rng.random(8), maps)


# ---- exercise_sets.lesson08 ---------------------------------------------------------------

def test_lesson08_exercises_worked_wrong_and_placeholder():
    from course_lib.exercise_sets import lesson08 as ex

    def conv2d_params(kernel_size, in_channels, filters):
        return kernel_size * kernel_size * in_channels * filters + filters

    def to_channels_first(x):
        return x.transpose(0, 3, 1, 2)

    def dense_to_linear(kernel, h, w, c):
        out = kernel.shape[1]
        return kernel.reshape(h, w, c, out).transpose(3, 2, 0, 1).reshape(out, c * h * w)

    def accuracy_from_confusion(cm):
        return np.trace(cm) / cm.sum()

    km = cnn.build_keras_cnn(padding="same")
    worked = {ex.q1: conv2d_params,
              ex.q2: {"flatten": int(km.get_layer("flatten").output.shape[1]),
                      "params": cnn.count_parameters(km)},
              ex.q3: to_channels_first, ex.q4: dense_to_linear, ex.q5: accuracy_from_confusion}
    for q, answer in worked.items():
        assert q.check(answer).status == "correct", q.check(answer)
        assert q.check(...).status == "not attempted"
        assert q.solution().text and q.hint().text

    def stub(*args):
        raise NotImplementedError()

    assert ex.q3.check(stub).status == "not attempted"
    cases = {
        ex.q1: (lambda k, c, f: k * k * c * f, "forgot the biases"),
        ex.q2: ({"flatten": 288, "params": 3210}, r"288 is .*'valid'"),  # the 'valid' numbers
        ex.q3: (lambda x: x.transpose(0, 3, 2, 1), "H and W swapped"),
        ex.q4: (lambda k, h, w, c: k.T, "plain transpose"),  # flatten order ignored
        ex.q5: (lambda cm: np.trace(cm) / cm.sum(axis=0)[0], "not right|differs"),
    }
    more = [
        (ex.q1, lambda k, c, f: k * k * f + f, "every input channel"),
        (ex.q1, lambda k, c, f: k * k * c * f + c, "one bias per filter"),
        (ex.q1, lambda k, c, f: k * k * c * f + 2 * f, "not right"),      # no slip: located
        (ex.q2, {"flatten": 8 * 8 * 32, "params": 0}, "before pooling"),
        (ex.q2, {"flatten": 512, "params": 5130}, "dense layer alone"),
        (ex.q2, {"flatten": 512}, "missing the key 'params'"),
        (ex.q2, 512, "answer with a dict"),
        (ex.q4, lambda k, h, w, c: k, "differs|shape"),                   # no slip: located
        (ex.q4, lambda k, h, w, c: 1 / 0, "ZeroDivisionError"),
        (ex.q3, lambda x: x.reshape(x.shape[0], x.shape[3], x.shape[1], x.shape[2]), "reshape"),
        (ex.q3, lambda x: x.transpose(0, 2, 3, 1), "shape"),             # no slip: located
        (ex.q5, lambda cm: np.trace(cm), "number of correct predictions"),
        (ex.q5, lambda cm: 1 - np.trace(cm) / cm.sum(), "error rate"),
        (ex.q5, lambda cm: np.trace(cm) / len(cm), "number of classes"),
    ]
    assert ex.q1.check(stub).status == ex.q4.check(stub).status == "not attempted"
    for q, wrong, reason in more:
        r = q.check(wrong)
        assert r.status == "incorrect" and re.search(reason, r.message), r.message
    for q, (wrong, reason) in cases.items():
        r = q.check(wrong)
        assert r.status == "incorrect"
        assert re.search(reason, r.message), r.message


def test_importing_cnn_selects_the_torch_backend_when_none_is_set():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "KERAS_BACKEND"}
    code = ("import course_lib.cnn, keras, os; "
            "print(keras.backend.backend(), os.environ['KERAS_BACKEND'])")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=300, check=True)
    assert out.stdout.split() == ["torch", "torch"]


def test_importing_cnn_leaves_the_warning_filters_alone():
    """Issue 13: cnn.py installed three process-wide warning filters at import; now they apply
    only around course_lib's own Keras and torch calls."""
    import subprocess
    import sys

    code = ("import warnings; import course_lib.cnn as c; import numpy as np; "
            "m = c.build_keras_cnn(); c.layer_outputs(m, np.zeros((1, 8, 8, 1))); "
            "ours = {msg for msg, _ in c._QUIET}; "
            "left = [f for f in warnings.filters if f[1] is not None and f[1].pattern in ours]; "
            "assert not left, left")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=300,
                   env={**__import__("os").environ, "KERAS_BACKEND": "torch"})


@pytest.mark.parametrize("builder", [cnn.build_torch_cnn, cnn.build_keras_cnn])
def test_builders_refuse_sizes_past_the_budget_before_allocating(builder):
    with pytest.raises(ValueError, match=r"^filters=1000000000, kernel_size=3, num_classes=10 would "
                                         r"need 70.8 GiB for the weights"):
        builder(filters=10**9)
