"""A systematic bad-input table for every public numeric function, in the manner of PyTorch's
OpInfo error inputs (issue 13).

Each function is described once (``Spec``): a valid call, its array arguments with the numbers
of dimensions it accepts, and its integer, real, flag and choice arguments. The rows are
generated from that description, one per argument and kind of bad input:

* arrays: strings, objects, complex, float16 -> ``TypeError`` naming the argument; int and bool
  -> a valid float64 result (the dtype policy); a wrong number of dimensions -> ``ValueError``
  naming the argument; zero-size -> ``ValueError`` naming it, or a valid empty result where the
  spec says so; NaN and inf -> a valid result in which they propagate (never an exception).
* integers: 2.5, True, "1" -> ``TypeError`` naming the argument; below the minimum ->
  ``ValueError`` naming it; a huge value -> a valid result or the size guard's ``ValueError``.
* reals: a bool or a string -> ``TypeError``; NaN, inf, out of range -> ``ValueError``.
* flags: 1 and "yes" -> ``TypeError``.  choices: an unknown value or an unhashable one ->
  ``ValueError``.

Every expected error must name the argument in its message (and stay under 600 characters);
every valid call must return without an exception, its arrays float32/float64 (or int/bool
labels and masks).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pytest

from course_lib import (
    activations,
    cnn,
    conv,
    data,
    dense,
    kernels,
    lstm,
    memory_task,
    pooling,
    rnn,
    vgg,
    vqa,
)

RP = rnn.RNNParams.random(2, 3, 1, seed=0)
LP = lstm.LSTMParams.random(2, 3, seed=0)
FWD = rnn.rnn_forward(np.ones((4, 2, 2)), None, RP)


def A(*shape):  # a valid float64 array of this shape, not constant (so NaN rows are honest)
    return np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape) / max(1, np.prod(shape))


ANY_NDIM = tuple(range(33))


@dataclass
class Spec:
    fn: Callable
    kwargs: dict                               # one valid call
    arrays: dict = field(default_factory=dict)  # name -> accepted ndims
    empty_ok: set = field(default_factory=set)  # arrays whose zero-size form is a valid call
    ints: dict = field(default_factory=dict)    # name -> minimum
    huge_ok: set = field(default_factory=set)   # ints for which 10**18 is a valid call
    reals: dict = field(default_factory=dict)   # name -> a value that is out of range
    flags: tuple = ()
    choices: tuple = ()
    nan_ok: bool = True                        # NaN/inf propagate (False: named ValueError)
    nan_bad: set = field(default_factory=set)   # arrays for which NaN/inf is a named ValueError
    skip: dict = field(default_factory=dict)    # row label -> why the generated row does not apply


SPECS = {
    "conv.conv2d": Spec(conv.conv2d, dict(x=A(1, 2, 5, 5), weight=A(3, 2, 3, 3), bias=A(3)),
                        arrays={"x": (4,), "weight": (4,), "bias": (1,)},
                        ints={"stride": 1, "padding": 0}, huge_ok={"stride"}),
    "conv.conv2d_backward": Spec(conv.conv2d_backward,
                                 dict(dout=A(1, 3, 3, 3), x=A(1, 2, 5, 5), weight=A(3, 2, 3, 3)),
                                 arrays={"dout": (4,), "x": (4,), "weight": (4,)},
                                 ints={"stride": 1, "padding": 0},
                                 skip={"stride-huge": "one window: dout's shape is then wrong "
                                                      "(tested in test_bad_input_cnn.py)"}),
    "conv.correlate2d": Spec(conv.correlate2d, dict(image=A(5, 6), kernel=A(2, 3)),
                             arrays={"image": (2,), "kernel": (2,)},
                             ints={"stride": 1, "padding": 0}, huge_ok={"stride"}),
    "conv.convolve2d": Spec(conv.convolve2d, dict(image=A(5, 6), kernel=A(2, 3)),
                            arrays={"image": (2,), "kernel": (2,)},
                            ints={"stride": 1, "padding": 0}, huge_ok={"stride"}),
    "conv.correlate2d_naive": Spec(conv.correlate2d_naive, dict(image=A(5, 6), kernel=A(2, 3)),
                                   arrays={"image": (2,), "kernel": (2,)},
                                   ints={"stride": 1, "padding": 0}, huge_ok={"stride"}),
    "conv.pad2d": Spec(conv.pad2d, dict(x=A(2, 3, 4), padding=1), arrays={"x": (2, 3, 4, 5)},
                       empty_ok={"x"}, ints={"padding": 0}),
    "conv.conv_output_size": Spec(conv.conv_output_size, dict(n=5, kernel_size=3),
                                  ints={"n": 1, "kernel_size": 1, "stride": 1, "padding": 0,
                                        "dilation": 1}, huge_ok={"n", "stride", "padding"}),
    "conv.visited_mask": Spec(conv.visited_mask, dict(padded_shape=(5, 6), kernel_shape=3),
                              ints={"kernel_shape": 1, "stride": 1}, huge_ok={"stride"}),
    "pooling.max_pool2d": Spec(pooling.max_pool2d, dict(x=A(2, 4, 4)), arrays={"x": (2, 3, 4)},
                               empty_ok={"x"}, ints={"kernel_size": 1, "stride": 1, "padding": 0},
                               huge_ok={"stride"}),
    "pooling.avg_pool2d": Spec(pooling.avg_pool2d, dict(x=A(2, 4, 4)), arrays={"x": (2, 3, 4)},
                               empty_ok={"x"}, ints={"kernel_size": 1, "stride": 1, "padding": 0},
                               huge_ok={"stride"}, flags=("count_include_pad",)),
    "activations.relu": Spec(activations.relu, dict(x=A(2, 3)), arrays={"x": ANY_NDIM},
                             empty_ok={"x"}),
    "activations.relu_grad": Spec(activations.relu_grad, dict(x=A(2, 3)),
                                  arrays={"x": ANY_NDIM}, empty_ok={"x"}),
    "activations.leaky_relu": Spec(activations.leaky_relu, dict(x=A(2, 3)),
                                   arrays={"x": ANY_NDIM}, empty_ok={"x"},
                                   reals={"negative_slope": None}),
    "activations.sigmoid": Spec(activations.sigmoid, dict(x=A(2, 3)),
                                arrays={"x": ANY_NDIM}, empty_ok={"x"}),
    "activations.tanh": Spec(activations.tanh, dict(x=A(2, 3)), arrays={"x": ANY_NDIM},
                             empty_ok={"x"}),
    "activations.softmax": Spec(activations.softmax, dict(x=A(2, 3)), arrays={"x": ANY_NDIM[1:]},
                                empty_ok={"x"}, ints={"axis": -2}, huge_ok=set()),
    "dense.flatten": Spec(dense.flatten, dict(x=A(2, 3, 4)), arrays={"x": (2, 3, 4, 5)},
                          empty_ok={"x"}, ints={"start_dim": -3}),
    "dense.linear": Spec(dense.linear, dict(x=A(2, 3), weight=A(4, 3), bias=A(4)),
                         arrays={"x": ANY_NDIM[1:], "weight": (2,), "bias": (1,)}, empty_ok={"x"},
                         skip={"weight-empty": "out_features=0 is valid; the bias of 4 is not"}),
    "dense.compose_linear": Spec(dense.compose_linear,
                                 dict(weight1=A(3, 2), bias1=A(3), weight2=A(4, 3), bias2=A(4)),
                                 arrays={"weight1": (2,), "bias1": (1,), "weight2": (2,),
                                         "bias2": (1,)},
                                 skip={"weight2-empty": "out_features=0 is valid; bias2 is not"}),
    "dense.log_softmax": Spec(dense.log_softmax, dict(x=A(2, 3)), arrays={"x": ANY_NDIM[1:]},
                              empty_ok={"x"}, ints={"axis": -2}),
    "dense.cross_entropy": Spec(dense.cross_entropy, dict(logits=A(2, 3), target=np.array([0, 2])),
                                arrays={"logits": (2,)}),
    "rnn.rnn_step": Spec(rnn.rnn_step, dict(x_t=A(2, 2), h_prev=A(2, 3), params=RP),
                         arrays={"x_t": (1, 2), "h_prev": (1, 2)}),
    "rnn.rnn_forward": Spec(rnn.rnn_forward, dict(xs=A(4, 2, 2), h0=A(2, 3), params=RP),
                            arrays={"xs": (3,), "h0": (2,)}),
    "rnn.rnn_backward": Spec(rnn.rnn_backward, dict(forward=FWD, d_o=A(4, 2, 1), d_h=A(4, 2, 3)),
                             arrays={"d_o": (3,), "d_h": (3,)}),
    "rnn.gradient_norms_by_lag": Spec(rnn.gradient_norms_by_lag,
                                      dict(params=RP, xs=A(4, 2, 2), upstream=A(2, 3)),
                                      arrays={"xs": (3,), "upstream": (2,)}, nan_bad={"upstream"}),
    "rnn.spectral_radius": Spec(rnn.spectral_radius, dict(W=A(3, 3)), arrays={"W": (2,)},
                                nan_ok=False),
    "rnn.scale_to_spectral_radius": Spec(rnn.scale_to_spectral_radius, dict(W=A(3, 3), rho=0.9),
                                         arrays={"W": (2,)}, reals={"rho": -1.0}, nan_ok=False),
    "rnn.example_inputs": Spec(rnn.example_inputs, dict(kind="step", length=4),
                               ints={"length": 1, "seed": 0}, huge_ok={"seed"},
                               choices=("kind",)),
    "rnn.RNNParams.random": Spec(rnn.RNNParams.random,
                                 dict(input_size=2, hidden_size=3, output_size=1),
                                 ints={"input_size": 1, "hidden_size": 1, "output_size": 1,
                                       "seed": 0}, huge_ok={"seed"}),
    "lstm.lstm_step": Spec(lstm.lstm_step, dict(x_t=A(2, 2), h_prev=A(2, 3), s_prev=A(2, 3),
                                                params=LP),
                           arrays={"x_t": (1, 2), "h_prev": (1, 2), "s_prev": (1, 2)},
                           skip={"x_t-empty": "N=0 is valid; h_prev of N=2 then is not"}),
    "lstm.lstm_forward": Spec(lstm.lstm_forward, dict(xs=A(4, 2, 2), h0=A(2, 3), s0=A(2, 3),
                                                      params=LP),
                              arrays={"xs": (2, 3), "h0": (1, 2), "s0": (1, 2)}),
    "lstm.lstm_trace": Spec(lstm.lstm_trace, dict(xs=A(4, 2, 2), h0=A(2, 3), s0=A(2, 3),
                                                  params=LP),
                            arrays={"xs": (2, 3), "h0": (1, 2), "s0": (1, 2)}),
    "lstm.LSTMParams.random": Spec(lstm.LSTMParams.random, dict(input_size=2, hidden_size=3),
                                   ints={"input_size": 1, "hidden_size": 1, "seed": 0},
                                   huge_ok={"seed"}, reals={"forget_bias": None}),
    "vgg.count_parameters": Spec(vgg.count_parameters, dict(config="A"),
                                 ints={"num_classes": 1, "input_size": 32},
                                 huge_ok={"num_classes", "input_size"}, reals={"width": 0.0},
                                 choices=("config",)),
    "vgg.layer_table": Spec(vgg.layer_table, dict(config="A"),
                            ints={"num_classes": 1, "input_size": 32},
                            huge_ok={"num_classes", "input_size"}, reals={"width": 0.0},
                            choices=("config",)),
    "vgg.conv_stack_parameters": Spec(vgg.conv_stack_parameters,
                                      dict(n_layers=2, kernel_size=3, channels=4),
                                      ints={"n_layers": 1, "kernel_size": 1, "channels": 1},
                                      huge_ok={"n_layers", "kernel_size", "channels"},
                                      flags=("bias",)),
    "kernels.get_kernel": Spec(kernels.get_kernel, dict(name="sharpen"), choices=("name",)),
    # data, the memory task, VQA's scenes and the Keras-style CNN: mostly scalar arguments
    "data.load_photo": Spec(data.load_photo, dict(name="china", size=8), ints={"size": 1},
                            flags=("gray",), choices=("name",),
                            skip={"size-none": "None is the default: the whole photo"}),
    "data.load_digits": Spec(data.load_digits, dict(), ints={"seed": 0},
                             reals={"test_size": 1.0},
                             skip={"seed-huge": "scikit-learn's random_state must be < 2**32"}),
    "data.to_gray": Spec(data.to_gray, dict(rgb=A(2, 2, 3)), arrays={"rgb": (3,)},
                         empty_ok={"rgb"}),
    "memory_task.make_memory_task": Spec(memory_task.make_memory_task, dict(n=3, lag=2),
                                         ints={"n": 1, "lag": 0, "n_symbols": 2,
                                               "n_distractors": 1, "seed": 0},
                                         huge_ok={"seed"}),
    "memory_task.chance_accuracy": Spec(memory_task.chance_accuracy, dict(),
                                        ints={"n_symbols": 2}, huge_ok={"n_symbols"}),
    "vqa.shape_mask": Spec(vqa.shape_mask, dict(shape="circle"), choices=("shape",)),
    "vqa.make_scene": Spec(vqa.make_scene, dict(rng=0, n_objects=2),
                           ints={"n_objects": 1},
                           skip={"n_objects-none": "None is the default: drawn at random"}),
    "vqa.make_dataset": Spec(vqa.make_dataset, dict(n_scenes=2), ints={"n_scenes": 1, "seed": 0},
                             huge_ok={"seed"}),
    "cnn.feature_shape": Spec(cnn.feature_shape, dict(height=8, width=8),
                              ints={"height": 1, "width": 1, "kernel_size": 1, "pool_size": 1},
                              huge_ok={"height", "width"}, choices=("padding",)),
    "cnn.build_torch_cnn": Spec(cnn.build_torch_cnn, dict(),
                                ints={"num_classes": 2, "filters": 1, "kernel_size": 1,
                                      "pool_size": 1, "seed": 0},
                                huge_ok={"seed"}, choices=("padding",)),
}


def _rows():
    for fname, sp in SPECS.items():
        for name, ndims in sp.arrays.items():
            good = np.asarray(sp.kwargs[name])
            nan_error = None if sp.nan_ok and name not in sp.nan_bad else ValueError
            for label, bad, exc in [
                ("strings", np.full(good.shape, "a"), TypeError),
                ("objects", np.full(good.shape, None, dtype=object), TypeError),
                ("complex", good.astype(complex), TypeError),
                ("float16", good.astype(np.float16), TypeError),
                ("int", (good * 10).astype(np.int64), None),
                ("bool", good > 0.5, None),
                ("nan", np.where(good > 0.5, np.nan, good), nan_error),
                ("inf", np.where(good > 0.5, np.inf, good), nan_error),
            ]:
                yield f"{fname}-{name}-{label}", sp, {name: bad}, exc, name
            wrong = next((n for n in (good.ndim + 1, good.ndim - 1, 5, 1, 0) if n >= 0
                          and n not in ndims), None)
            if wrong is None:  # any number of dimensions is valid
                pass
            elif wrong > good.ndim:  # leading axes of length 1 added, or leading axes indexed away
                bad = good.reshape((1,) * (wrong - good.ndim) + good.shape)
            else:
                bad = np.asarray(good[(0,) * (good.ndim - wrong)])
            if wrong is not None:
                yield f"{fname}-{name}-{wrong}d", sp, {name: bad}, ValueError, name
            empty = np.zeros((0,) + good.shape[1:]) if good.ndim else None
            if empty is not None:
                yield (f"{fname}-{name}-empty", sp, {name: empty},
                       None if name in sp.empty_ok else ValueError, name)
        for name, minimum in sp.ints.items():
            for label, bad, exc in [("float", 2.5, TypeError), ("bool", True, TypeError),
                                    ("string", "1", TypeError), ("none", None, TypeError),
                                    ("below", minimum - 1, ValueError),
                                    ("huge", 10**18, None if name in sp.huge_ok else ValueError)]:
                if name == "stride" and label == "none" and fname.startswith("pooling"):
                    continue  # stride=None is pooling's default (the kernel size)
                yield f"{fname}-{name}-{label}", sp, {name: bad}, exc, name
        for name, out_of_range in sp.reals.items():
            rows = [("bool", True, TypeError), ("string", "0.5", TypeError),
                    ("nan", float("nan"), ValueError), ("inf", float("inf"), ValueError)]
            if out_of_range is not None:
                rows.append(("out-of-range", out_of_range, ValueError))
            for label, bad, exc in rows:
                yield f"{fname}-{name}-{label}", sp, {name: bad}, exc, name
        for name in sp.flags:
            for label, bad in [("int", 1), ("string", "yes"), ("none", None)]:
                yield f"{fname}-{name}-{label}", sp, {name: bad}, TypeError, name
        for name in sp.choices:
            for label, bad in [("unknown", "no-such-choice"), ("unhashable", ["A"])]:
                yield f"{fname}-{name}-{label}", sp, {name: bad}, (ValueError, TypeError), name


ROWS = [r for r in _rows() if r[0].split("-", 1)[1] not in r[1].skip]


def _arrays(result: Any):
    if isinstance(result, np.ndarray):
        yield result
    elif isinstance(result, tuple):
        for r in result:
            yield from _arrays(r)
    elif hasattr(result, "h") and hasattr(result, "o"):  # RNNForward
        yield from (result.h, result.o)


@pytest.mark.parametrize("spec, change, error, name", [r[1:] for r in ROWS], ids=[r[0] for r in ROWS])
def test_bad_input_table(spec, change, error, name):
    kwargs = {**spec.kwargs, **change}
    if error is not None:
        with pytest.raises(error) as info:
            spec.fn(**kwargs)
        message = str(info.value)
        assert re.search(rf"(?<![\w.]){re.escape(name)}\b", message), \
            f"the message does not name {name!r}: {message!r}"
        assert len(message) < 600
        return
    result = spec.fn(**kwargs)  # a documented valid result: no exception
    for arr in _arrays(result):  # float results (float16 never); labels and masks may be int/bool
        assert arr.dtype in (np.float32, np.float64) or arr.dtype.kind in "biu", arr.dtype


def test_the_table_covers_every_public_numeric_function():
    """A new public function of these modules must get a row in SPECS (or a reason here)."""
    import inspect

    no_arrays_or_checked_elsewhere = {
        # labels, tables and torch builders, tested in tests/test_vgg.py
        "vgg.parse_layer", "vgg.config_layers", "vgg.weight_layer_count", "vgg.new_layers",
        "vgg.config_table", "vgg.receptive_field", "vgg.build_vgg",
        # file readers, tested with hostile files in tests/test_data.py and tests/test_vqa.py
        "data.read_idx", "data.read_daquar_qa", "vqa.read_daquar_qa",
        # functions of torch or Keras models, datasets and scene objects (tests/test_cnn.py,
        # tests/test_memory_task.py, tests/test_vqa.py check their arguments)
        "cnn.build_keras_cnn", "cnn.count_parameters", "cnn.conv_kernel_keras_to_torch",
        "cnn.dense_kernel_keras_to_torch", "cnn.copy_keras_to_torch", "cnn.nhwc_to_nchw",
        "cnn.nchw_to_nhwc", "cnn.train_torch", "cnn.evaluate_torch", "cnn.predict_torch",
        "cnn.keras_summary", "cnn.layer_outputs", "cnn.confusion_matrix", "cnn.to_numpy",
        "memory_task.chrono_init_", "memory_task.accuracy", "memory_task.train_memory_model",
        "memory_task.fit", "vqa.render_scene", "vqa.related", "vqa.make_questions",
        "vqa.tokenize", "vqa.encode_dataset", "vqa.build_model", "vqa.train", "vqa.evaluate",
        "vqa.predict_proba", "vqa.predict", "vqa.prior_baseline", "vqa.image_only_ceiling",
        "vqa.accuracy_table",
    }
    missing = []
    for mod in (activations, conv, dense, kernels, lstm, pooling, rnn, vgg, data, memory_task,
                cnn, vqa):
        short = mod.__name__.split(".")[-1]
        for n in mod.__all__:
            if inspect.isfunction(getattr(mod, n)):
                key = f"{short}.{n}"
                if key not in SPECS and key not in no_arrays_or_checked_elsewhere:
                    missing.append(key)
    assert not missing, missing
    assert len(ROWS) > 500
