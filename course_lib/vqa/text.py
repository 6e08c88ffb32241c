"""Questions as words and word ids: the tokenizer and the vocabulary (NumPy only)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np

from .scenes import PAD, UNK, _check_int

__all__ = ["tokenize", "Vocabulary"]

_TOKEN = re.compile(r"[a-z0-9_]+|[?]")


def tokenize(text: str) -> list[str]:
    """Lower-case words (letters, digits, underscore) and question marks; other punctuation is
    dropped.

    Example:
        >>> tokenize("What colour is the Circle?")
        ['what', 'colour', 'is', 'the', 'circle', '?']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return _TOKEN.findall(text.lower())


class Vocabulary:
    """Word <-> id. Id 0 is ``<pad>``, id 1 is ``<unk>`` (any word not seen when building).

    Args:
        words: the known words (duplicates are ignored; order of first appearance is kept).

    Example:
        >>> v = Vocabulary.from_texts(["is there a red square?"])
        >>> v.encode("is there a pink square?").tolist()
        [2, 3, 4, 1, 6, 7]
        >>> v.encode_batch(["a?", "is there a"]).tolist()
        [[0, 4, 7], [2, 3, 4]]
    """

    def __init__(self, words: Iterable[str]):
        self.itos = [PAD, UNK]
        for w in words:
            if not isinstance(w, str):
                raise TypeError(f"words must be str, got {type(w).__name__} {w!r}")
            if w not in self.itos:
                self.itos.append(w)
        self.stoi = {w: k for k, w in enumerate(self.itos)}

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        """The vocabulary of every token in ``texts``."""
        return cls(w for t in texts for w in tokenize(t))

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, word: str) -> bool:
        return word in self.stoi

    def unknown_words(self, text: str) -> list[str]:
        """The tokens of ``text`` that this vocabulary does not know (they encode as ``<unk>``)."""
        return [w for w in tokenize(text) if w not in self.stoi]

    def encode(self, text: str) -> np.ndarray:
        """int64 ids of the tokens of ``text`` (unknown words -> id of ``<unk>``)."""
        return np.array([self.stoi.get(w, 1) for w in tokenize(text)], dtype=np.int64)

    def encode_batch(self, texts: Sequence[str], length: int | None = None) -> np.ndarray:
        """(N, L) int64 ids, padded with 0 on the left (``VQAModel`` reads only the words).

        Args:
            texts: N strings.
            length: L (default: the longest); a longer text raises ValueError.
        """
        rows = [self.encode(t) for t in texts]
        longest = max((len(r) for r in rows), default=0)
        if length is None:
            length = longest
        length = _check_int("length", length, 1)
        if longest > length:
            raise ValueError(f"length={length} is shorter than the longest text ({longest} tokens)")
        out = np.zeros((len(rows), length), dtype=np.int64)
        for k, r in enumerate(rows):
            if len(r):
                out[k, length - len(r):] = r
        return out

    def decode(self, ids: Iterable[int]) -> str:
        """The words of ``ids`` (padding dropped)."""
        return " ".join(self.itos[int(i)] for i in ids if int(i) != 0)
