"""The long-lag memory task and the training of an RNN and an LSTM on it."""

import math

import numpy as np
import pytest
import torch

from course_lib.lstm import LSTMParams, lstm_forward
from course_lib.memory_task import (
    MemoryModel,
    accuracy,
    chance_accuracy,
    chrono_init_,
    fit,
    make_memory_task,
    train_memory_model,
)


@pytest.mark.parametrize("n, lag, k, d", [(1, 0, 2, 1), (5, 3, 4, 4), (7, 20, 3, 5)])
def test_task_layout(n, lag, k, d):
    x, y = make_memory_task(n, lag, n_symbols=k, n_distractors=d, seed=3)
    assert x.shape == (lag + 1, n, k + d) and x.dtype == np.float32
    assert y.shape == (n,) and y.dtype == np.int64
    np.testing.assert_array_equal(x.sum(axis=2), 1)  # one-hot
    codes = x.argmax(axis=2)
    np.testing.assert_array_equal(codes[0], y)
    assert ((codes[1:] >= k) & (codes[1:] < k + d)).all()  # distractors are never symbols
    assert ((y >= 0) & (y < k)).all()


def test_task_is_seeded():
    a = make_memory_task(50, 4, seed=1)
    b = make_memory_task(50, 4, seed=1)
    c = make_memory_task(50, 4, seed=2)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], c[0])
    _, y = make_memory_task(4000, 0, seed=0)
    np.testing.assert_allclose(np.bincount(y) / 4000, 0.25, atol=0.03)


def test_chance():
    assert chance_accuracy(4) == 0.25
    assert chance_accuracy(2) == 0.5


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"n": 0, "lag": 3}, ValueError, r"n must be an integer >= 1, got 0"),
    ({"n": 2, "lag": -1}, ValueError, r"lag must be an integer >= 0, got -1"),
    ({"n": 2, "lag": 3, "n_symbols": 1}, ValueError, r"n_symbols must be an integer >= 2, got 1"),
    ({"n": 2, "lag": 3, "n_distractors": 0}, ValueError, r"n_distractors must be an integer >= 1, got 0"),
    ({"n": 2.5, "lag": 3}, TypeError, r"n must be an integer >= 1, got .* of type float"),
])
def test_bad_task_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        make_memory_task(**kwargs)


def test_chrono_init():
    torch.manual_seed(0)
    lstm = chrono_init_(torch.nn.LSTM(3, 50), t_max=20)
    H = 50
    b = lstm.bias_ih_l0.detach()
    assert not lstm.bias_hh_l0.detach().any()
    forget, inp = b[H:2 * H], b[:H]
    assert (forget >= 0).all() and (forget <= math.log(19) + 1e-6).all()
    torch.testing.assert_close(inp, -forget)
    assert not b[2 * H:].any()
    with pytest.raises(ValueError, match="t_max must be > 2"):
        chrono_init_(torch.nn.LSTM(3, 4), t_max=2)
    with pytest.raises(TypeError, match="got RNN"):
        chrono_init_(torch.nn.RNN(3, 4), t_max=10)


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_model_shapes(kind):
    m = MemoryModel(kind, input_size=12, hidden_size=5, n_classes=4, t_max=10)
    x, _ = make_memory_task(6, 3, seed=0)
    assert m(torch.from_numpy(x)).shape == (6, 4)


def test_bad_model_arguments():
    with pytest.raises(ValueError, match=r"kind must be one of \('rnn', 'lstm'\), got 'gru'"):
        MemoryModel("gru", 8, 5, 4)
    with pytest.raises(ValueError, match="hidden_size must be an integer >= 1"):
        MemoryModel("lstm", 8, 0, 4)


def test_training_is_repeatable_and_an_lstm_learns_a_short_lag():
    a = train_memory_model("lstm", 3, max_steps=150, seed=0)
    b = train_memory_model("lstm", 3, max_steps=150, seed=0)
    assert a.losses == b.losses and a.accuracy == b.accuracy
    assert a.accuracy >= 0.95
    assert a.steps < 150  # stopped early once it answered perfectly
    assert a.kind == "lstm" and a.lag == 3 and len(a.losses) == a.steps


def test_trained_lstm_runs_the_same_in_course_lib():
    result = train_memory_model("lstm", 4, max_steps=60, seed=1)
    model = result.model
    params = LSTMParams.from_torch(model.rnn)
    x, y = make_memory_task(200, 4, seed=5)
    h_last = lstm_forward(x, None, None, params).h[-1]
    W, b = model.head.weight.detach().numpy(), model.head.bias.detach().numpy()
    ours = (h_last @ W.T + b).argmax(axis=1)
    assert np.mean(ours == y) == accuracy(model, x, y)


def test_init_option_chooses_chrono_or_pytorchs_default():
    H = 16
    forget = {}
    for init in ("chrono", "default"):
        rnn = train_memory_model("lstm", 30, max_steps=1, hidden_size=H, seed=0, init=init).model.rnn
        forget[init] = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().numpy()[H:2 * H]
    # chrono: log(u), u ~ U(1, 30), mean about 2.4; PyTorch: two biases, each in +-1/sqrt(H);
    # one Adam step of lr 1e-2 moves a bias by at most about 0.01
    assert forget["chrono"].mean() > 1.5 and forget["chrono"].min() > -0.05
    assert np.abs(forget["default"]).max() <= 2 / np.sqrt(H) + 0.02
    with pytest.raises(ValueError, match=r"init must be one of \('chrono', 'default'\), got 'zero'"):
        train_memory_model("lstm", 3, max_steps=1, init="zero")


def test_budget_is_respected():
    r = train_memory_model("rnn", 30, max_steps=5, seed=0)
    assert r.steps == 5 and len(r.losses) == 5
    assert 0.0 <= r.accuracy <= 1.0


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"kind": "gru", "lag": 3}, ValueError, r"kind must be one of"),
    ({"kind": "lstm", "lag": -2}, ValueError, r"lag must be an integer >= 0, got -2"),
    ({"kind": "lstm", "lag": 3, "lr": -1.0}, ValueError, r"lr must be a finite number > 0, got -1.0"),
    ({"kind": "lstm", "lag": 3, "lr": True}, TypeError, r"lr must be a number, got bool True"),
    ({"kind": "lstm", "lag": 3, "max_steps": 0}, ValueError, r"max_steps must be an integer >= 1, got 0"),
    ({"kind": "lstm", "lag": 3, "batch_size": 1.5}, TypeError, r"batch_size must be an int"),
])
def test_bad_training_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        train_memory_model(**kwargs)


def test_thread_setting_is_restored():
    before = torch.get_num_threads()
    train_memory_model("rnn", 2, max_steps=2, seed=0, threads=1)
    assert torch.get_num_threads() == before
    with pytest.raises(ValueError, match="threads must be an integer >= 1, got 0"):
        train_memory_model("rnn", 2, max_steps=2, threads=0)


def test_fit_returns_one_loss_per_step():
    torch.manual_seed(0)
    model = MemoryModel("lstm", 6, 4, 2, t_max=5)
    losses = fit(model, 3, max_steps=7, batch_size=8, lr=1e-2, n_symbols=2, n_distractors=4,
                 patience=100, seed=0)
    assert len(losses) == 7 and all(np.isfinite(losses))


def test_training_forks_torchs_rng_instead_of_seeding_it():
    """Issue 13: train_memory_model called torch.manual_seed, resetting the caller's global RNG;
    now it seeds a fork, so the caller's random stream goes on as if nothing had run, and the
    same seed still gives the same result."""
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    first = train_memory_model("rnn", 1, hidden_size=4, max_steps=3, n_test=8, seed=5)
    assert torch.equal(torch.rand(3), expected)
    again = train_memory_model("rnn", 1, hidden_size=4, max_steps=3, n_test=8, seed=5)
    assert first.losses == again.losses
    with pytest.raises(ValueError, match="seed must be an integer >= 0, got -1"):
        train_memory_model("rnn", 1, max_steps=1, seed=-1)
