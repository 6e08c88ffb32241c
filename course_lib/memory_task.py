"""A task that needs memory over a lag, and PyTorch training of a vanilla RNN and an LSTM on it.

The task ("recall the first symbol"): a sequence starts with one of ``n_symbols`` symbols, then
``lag`` distractors drawn from ``n_distractors`` other symbols follow; after the last one the
network must name the first symbol. Every symbol is one-hot coded, so an input has
``D = n_symbols + n_distractors`` features and a sequence has ``T = lag + 1`` steps. Guessing gives
accuracy ``1 / n_symbols`` (:func:`chance_accuracy`).

Only the output after the last step is scored, so the error signal must travel back ``lag`` steps
to the symbol that decides it: exactly where a vanilla RNN's gradient vanishes and an LSTM's
cell state can carry it, if its forget gates start open (``init`` of :func:`train_memory_model`).

The LSTM starts with the chrono initialisation of Tallec & Ollivier, "Can recurrent neural
networks warp time?" (ICLR 2018): forget-gate biases ``log(u)`` with ``u ~ U(1, t_max - 1)`` and
input-gate biases their negatives, so that at the start the cells keep what they hold for up to
about ``t_max`` steps. :func:`train_memory_model` trains one model; a lesson loops over lags.

Example:
    >>> x, y = make_memory_task(n=3, lag=5, seed=0)
    >>> x.shape, y.shape, x.dtype
    ((6, 3, 12), (3,), dtype('float32'))
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from ._args import check_size, choice, integer, real
from ._args import seed as _seed

__all__ = [
    "make_memory_task",
    "chance_accuracy",
    "MemoryModel",
    "chrono_init_",
    "accuracy",
    "TrainResult",
    "train_memory_model",
    "fit",
    "KINDS",
    "INITS",
]

KINDS = ("rnn", "lstm")
INITS = ("chrono", "default")


def _check_kind(kind) -> str:
    return choice(kind, "kind", KINDS)


def make_memory_task(n: int, lag: int, *, n_symbols: int = 4, n_distractors: int = 8,
                     seed: int | np.random.Generator = 0) -> tuple[np.ndarray, np.ndarray]:
    """Generate ``n`` sequences of the recall-the-first-symbol task.

    Args:
        n: number of sequences (>= 1).
        lag: number of distractors between the symbol and the question (>= 0).
        n_symbols: how many symbols can come first (>= 2); the classes.
        n_distractors: how many distractor symbols there are (>= 1).
        seed: an int or a ``numpy.random.Generator``.

    Returns:
        ``(x, y)``: ``x`` of shape (T, n, D) = (lag + 1, n, n_symbols + n_distractors), float32
        one-hot, time first like ``torch.nn.LSTM``; ``y`` of shape (n,), int64, the first symbol.

    Example:
        >>> x, y = make_memory_task(n=2, lag=3, n_symbols=2, n_distractors=1, seed=1)
        >>> bool((x[0].argmax(axis=1) == y).all()), bool((x[1:, :, 2] == 1).all())
        (True, True)
    """
    n = integer(n, "n", 1)
    lag = integer(lag, "lag", 0)
    n_symbols = integer(n_symbols, "n_symbols", 2)
    n_distractors = integer(n_distractors, "n_distractors", 1)
    D = n_symbols + n_distractors
    check_size((lag + 1, n, D), np.float32, f"n={n}, lag={lag}, n_symbols="
               f"{n_symbols}, n_distractors={n_distractors}", "the one-hot sequences")
    check_size((D, D), np.float32, f"n_symbols={n_symbols}, n_distractors={n_distractors}",
               "the one-hot codes")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(_seed(seed))
    y = rng.integers(0, n_symbols, n)
    distract = rng.integers(n_symbols, n_symbols + n_distractors, (lag, n))
    codes = np.concatenate([y[None, :], distract], axis=0)  # (T, n)
    x = np.eye(n_symbols + n_distractors, dtype=np.float32)[codes]
    return x, y.astype(np.int64)


def chance_accuracy(n_symbols: int = 4) -> float:
    """Accuracy of guessing: ``1 / n_symbols``."""
    return 1.0 / integer(n_symbols, "n_symbols", 2)


def chrono_init_(lstm: nn.LSTM, t_max: float, generator: torch.Generator | None = None) -> nn.LSTM:
    """Chrono initialisation (Tallec & Ollivier, 2018), in place: forget-gate bias
    ``log(u)``, ``u ~ U(1, t_max - 1)``, input-gate bias ``-log(u)``, other biases zero.

    PyTorch's gate blocks are input, forget, cell, output; both of its biases are set so that
    their sum is the bias above (``bias_hh`` is zero).
    """
    if not isinstance(lstm, nn.LSTM):
        raise TypeError(f"lstm must be a torch.nn.LSTM, got {type(lstm).__name__}")
    if not t_max > 2:
        raise ValueError(f"t_max must be > 2 (the longest memory wanted, in steps), got {t_max}")
    H = lstm.hidden_size
    with torch.no_grad():
        for layer in range(lstm.num_layers):
            b_ih = getattr(lstm, f"bias_ih_l{layer}")
            b_hh = getattr(lstm, f"bias_hh_l{layer}")
            u = torch.empty(H, dtype=b_ih.dtype).uniform_(1.0, t_max - 1.0, generator=generator)
            b_ih.zero_()
            b_hh.zero_()
            b_ih[H: 2 * H] = torch.log(u)
            b_ih[:H] = -torch.log(u)
    return lstm


class MemoryModel(nn.Module):
    """A one-layer ``torch.nn.RNN`` (tanh) or ``torch.nn.LSTM`` and a linear read-out of its
    last hidden state.

    Args:
        kind: ``"rnn"`` or ``"lstm"``.
        input_size: D, features per step.
        hidden_size: H.
        n_classes: outputs of the read-out.
        t_max: for the LSTM, the chrono initialisation's longest memory (``None``: PyTorch's
            default initialisation).

    Shape: input (T, N, D) -> logits (N, n_classes).
    """

    def __init__(self, kind: str, input_size: int, hidden_size: int, n_classes: int,
                 t_max: float | None = None):
        super().__init__()
        self.kind = _check_kind(kind)
        input_size = integer(input_size, "input_size", 1)
        hidden_size = integer(hidden_size, "hidden_size", 1)
        n_classes = integer(n_classes, "n_classes", 1)
        cls = nn.LSTM if kind == "lstm" else nn.RNN
        self.rnn = cls(input_size, hidden_size)
        if kind == "lstm" and t_max is not None:
            chrono_init_(self.rnn, t_max)
        self.head = nn.Linear(hidden_size, n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)
        return self.head(out[-1])


def accuracy(model: nn.Module, x: np.ndarray, y: np.ndarray) -> float:
    """Fraction of sequences whose first symbol ``model`` names correctly."""
    model.eval()
    with torch.no_grad():
        pred = model(torch.from_numpy(np.ascontiguousarray(x))).argmax(dim=1).numpy()
    model.train()
    return float(np.mean(pred == y))


@dataclass
class TrainResult:
    """What :func:`train_memory_model` returns."""

    kind: str
    lag: int
    accuracy: float
    steps: int
    losses: list[float] = field(default_factory=list)
    model: nn.Module | None = None


def train_memory_model(kind: str, lag: int, *, hidden_size: int = 16, max_steps: int = 400,
                       batch_size: int = 128, lr: float = 1e-2, n_symbols: int = 4,
                       n_distractors: int = 8, n_test: int = 1000, patience: int = 10,
                       seed: int = 0, threads: int | None = 1, init: str = "chrono"
                       ) -> TrainResult:
    """Train a vanilla RNN or an LSTM on the task with ``lag`` distractors; test on fresh data.

    Every step draws a fresh batch, takes one Adam step on the cross-entropy of the last
    output, with the gradient norm clipped at 1. Training stops after ``max_steps`` steps, or
    earlier once ``patience`` batches in a row were all answered correctly. Both kinds get the
    same budget; the LSTM gets the chrono initialisation with ``t_max = max(lag + 1, 3)``
    unless ``init="default"``, which keeps PyTorch's (every weight and bias uniform in
    ``±1/sqrt(hidden_size)``, so every gate starts near half open).

    Args:
        kind: ``"rnn"`` or ``"lstm"``.
        lag: distractors between the symbol and the question.
        hidden_size, max_steps, batch_size, lr: model size and training budget.
        n_symbols, n_distractors: the task (see :func:`make_memory_task`).
        n_test: size of the fresh test set.
        patience: stop after this many perfect batches in a row.
        seed: seeds torch and the data, so a run is repeatable.
        threads: torch threads while training (restored afterwards); one is fastest for a
            model this small, especially on a busy machine. ``None`` keeps torch's setting.
        init: the LSTM's initialisation, ``"chrono"`` or ``"default"`` (PyTorch's); the
            vanilla RNN always starts from PyTorch's.

    Returns:
        A :class:`TrainResult` with the test accuracy, the number of steps run, the loss of
        every step and the trained model.
    """
    kind = _check_kind(kind)
    lag = integer(lag, "lag", 0)
    max_steps = integer(max_steps, "max_steps", 1)
    batch_size = integer(batch_size, "batch_size", 1)
    patience = integer(patience, "patience", 1)
    n_test = integer(n_test, "n_test", 1)
    lr = real(lr, "lr", above=0)
    if threads is not None:
        threads = integer(threads, "threads", 1)
    init = choice(init, "init", INITS)
    seed = integer(seed, "seed", 0)
    task = {"n_symbols": n_symbols, "n_distractors": n_distractors}
    before = torch.get_num_threads()
    try:
        if threads is not None:
            torch.set_num_threads(threads)
        with torch.random.fork_rng(devices=[]):  # seeded without touching the global RNG
            torch.manual_seed(seed)
            model = MemoryModel(kind, n_symbols + n_distractors, hidden_size, n_symbols,
                                t_max=max(lag + 1.0, 3.0) if init == "chrono" else None)
            losses = fit(model, lag, max_steps=max_steps, batch_size=batch_size, lr=lr,
                         patience=patience, seed=seed, **task)
        x_test, y_test = make_memory_task(n_test, lag, seed=np.random.default_rng(seed + 10_000),
                                          **task)
        acc = accuracy(model, x_test, y_test)
    finally:
        torch.set_num_threads(before)
    return TrainResult(kind, lag, acc, len(losses), losses, model)


def fit(model: nn.Module, lag: int, *, max_steps: int, batch_size: int, lr: float,
        n_symbols: int, n_distractors: int, patience: int, seed: int) -> list[float]:
    """The training loop of :func:`train_memory_model`: Adam on fresh batches, gradient norm
    clipped at 1, stop after ``max_steps`` or after ``patience`` perfect batches in a row.
    Returns the loss of every step."""
    rng = np.random.default_rng(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses: list[float] = []
    perfect = 0
    for _ in range(max_steps):
        x, y = make_memory_task(batch_size, lag, n_symbols=n_symbols,
                                n_distractors=n_distractors, seed=rng)
        logits = model(torch.from_numpy(x))
        target = torch.from_numpy(y)
        loss = nn.functional.cross_entropy(logits, target)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(float(loss.detach()))
        perfect = perfect + 1 if bool((logits.argmax(dim=1) == target).all()) else 0
        if perfect >= patience:
            break
    return losses
