"""course_lib._args: the shared argument checks and the size guard."""

import subprocess
import sys

import numpy as np
import pytest

import course_lib
from course_lib import _args, conv, lstm, pooling, rnn


@pytest.mark.parametrize("value, error, words", [
    (2.5, TypeError, r"^n must be an integer >= 1, got 2.5 of type float$"),
    (float("nan"), TypeError, r"^n must be a finite integer >= 1, got nan"),
    (True, TypeError, r"^n must be an integer >= 1, got True of type bool$"),
    ("3", TypeError, r"^n must be an integer >= 1, got '3' of type str$"),
    (0, ValueError, r"^n must be an integer >= 1, got 0$"),
])
def test_integer_names_the_argument_the_value_and_what_is_valid(value, error, words):
    with pytest.raises(error, match=words):
        _args.integer(value, "n", 1)


def test_integer_bounds_and_return_type():
    assert _args.integer(np.int8(3), "n", 1) == 3 and type(_args.integer(np.int8(3), "n")) is int
    with pytest.raises(ValueError, match=r"^k must be an integer in \[1, 4\], got 5$"):
        _args.integer(5, "k", 1, 4)
    with pytest.raises(ValueError, match=r"^k must be an integer <= 4, got 5$"):
        _args.integer(5, "k", maximum=4)
    assert _args.integer(-(10**30), "axis") == -(10**30)
    with pytest.raises(ValueError, match="seed must be an integer >= 0, got -1"):
        _args.seed(-1)


def test_real_choice_and_float_array():
    assert _args.real(np.float32(0.5), "lr", 0) == 0.5
    with pytest.raises(TypeError, match="^lr must be a number, got bool True$"):
        _args.real(True, "lr")
    with pytest.raises(ValueError, match="^lr must be a finite number >= 0, got inf$"):
        _args.real(float("inf"), "lr", 0)
    assert _args.choice("a", "kind", ("a", "b")) == "a"
    with pytest.raises(ValueError, match=r"^kind must be one of \('a', 'b'\), got \['a'\]$"):
        _args.choice(["a"], "kind", {"a": 1, "b": 2})  # an unhashable value: not a KeyError
    assert _args.float_array(np.ones(2, np.float32), "x").dtype == np.float32
    assert _args.float_array([True, False], "x").dtype == np.float64
    with pytest.raises(TypeError, match="x must be an array of real numbers.*got dtype complex128"):
        _args.float_array(np.ones(2, complex), "x")


# ----------------------------------------------------------------------------- the size guard
@pytest.mark.parametrize("call, words", [
    (lambda: conv.conv2d(np.zeros((1, 1, 7, 9)), np.ones((1, 1, 3, 3)), padding=2 * 10**4),
     r"^padding=20000 would need 11.9 GiB for the padded input"),
    (lambda: conv.correlate2d(np.zeros((7, 9)), np.ones((3, 3)), padding=2 * 10**4),
     r"^padding=20000 would need 11.9 GiB"),
    (lambda: pooling.avg_pool2d(np.broadcast_to(np.float32(0), (2, 10**4, 10**4)), 2, padding=1),
     r"^kernel_size=2 with padding=1 would need 763.2 MiB"),  # the input is a view: no memory
    (lambda: pooling.max_pool2d(np.zeros((7, 9)), 10**5, padding=5 * 10**4),
     r"^kernel_size=100000 with padding=50000 would need 74.5 GiB for the padded input"),
    (lambda: rnn.RNNParams.random(1, 10**5, 1),
     r"^input_size=1, hidden_size=100000, output_size=1 would need 74.5 GiB for the parameters"),
    (lambda: lstm.LSTMParams.random(1, 10**5),
     r"^input_size=1, hidden_size=100000 would need 298.0 GiB for the parameters"),
])
def test_a_huge_allocation_is_refused_before_it_is_made(call, words):
    with pytest.raises(ValueError, match=words) as info:
        call()
    assert "course_lib.set_size_budget(nbytes)" in str(info.value)
    assert "size budget of 512.0 MiB" in str(info.value)


def test_the_budget_is_settable_and_restorable():
    assert course_lib.size_budget() == _args.DEFAULT_SIZE_BUDGET == 512 * 2**20
    old = course_lib.set_size_budget(100)
    try:
        assert old == _args.DEFAULT_SIZE_BUDGET
        assert conv.correlate2d(np.zeros((2, 2)), np.ones((1, 1))).shape == (2, 2)  # 32 bytes
        with pytest.raises(ValueError, match="padding=1 would need 128 bytes for the padded input"
                                             r" of shape \(1, 4, 4, 1\), more than the size budget of 100 bytes"):
            conv.correlate2d(np.zeros((2, 2)), np.ones((1, 1)), padding=1)
    finally:
        course_lib.set_size_budget(None)
    assert course_lib.size_budget() == _args.DEFAULT_SIZE_BUDGET
    with pytest.raises(ValueError, match="nbytes must be an integer >= 1, got 0"):
        course_lib.set_size_budget(0)
    with pytest.raises(AttributeError, match="no attribute 'set_budget'"):
        course_lib.set_budget  # noqa: B018


@pytest.mark.parametrize("env, expected", [("1000", "1000"), (" ", str(512 * 2**20)),
                                           ("lots", "must be a whole number of bytes")])
def test_the_budget_can_come_from_the_environment(env, expected):
    code = "import course_lib; print(course_lib.size_budget())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"COURSE_LIB_SIZE_BUDGET": env, "PATH": ""}, timeout=60)
    assert expected in done.stdout + done.stderr


def test_sizes_within_the_budget_are_untouched():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(conv.correlate2d(x, np.ones((1, 1)), padding=1)[1:-1, 1:-1], x)
    assert rnn.RNNParams.random(2, 3, 1, seed=0).W.shape == (3, 3)


def test_single_layer_is_the_one_check_for_torch_recurrent_modules():
    import torch

    from course_lib import lstm as lstm_mod
    from course_lib import rnn as rnn_mod

    with pytest.raises(ValueError, match=r"^rnn must have num_layers=1, got num_layers=2; convert "
                                         r"each layer separately \(one RNNParams per layer\)$"):
        rnn_mod.RNNParams.from_torch(torch.nn.RNN(2, 3, num_layers=2))
    with pytest.raises(ValueError, match=r"^module must have num_layers=1.*one LSTMParams per"):
        lstm_mod.LSTMParams.from_torch(torch.nn.LSTM(2, 3, num_layers=2))
    _args.single_layer(torch.nn.LSTM(2, 3), "module", "x")  # one layer: no error
