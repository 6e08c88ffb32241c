"""The VQA network (``torch.nn``): a CNN for the image, an LSTM for the question, fused."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .._args import choice, flag
from .scenes import ANSWERS, IMAGE_SIZE, VQAData, _check_int
from .text import Vocabulary

__all__ = ["Encoded", "encode_dataset", "VQAModel", "build_model"]

@dataclass
class Encoded:
    """A dataset as tensors: ``images`` (S, 3, H, W) float32, ``scene_ids`` (N,) int64 (which
    image each question is about), ``tokens`` (N, L) int64, ``answers`` (N,) int64 (index in
    ``ANSWERS``) and ``qtypes`` (N,) str."""

    images: torch.Tensor
    scene_ids: torch.Tensor
    tokens: torch.Tensor
    answers: torch.Tensor
    qtypes: np.ndarray

    def __len__(self) -> int:
        return len(self.answers)


def encode_dataset(data: VQAData, vocab: Vocabulary, length: int | None = None) -> Encoded:
    """Turn ``VQAData`` into tensors for the model (see ``Encoded``)."""
    for s in data.samples:
        choice(s.answer, "answer", ANSWERS)
    images = torch.from_numpy(np.ascontiguousarray(data.images.transpose(0, 3, 1, 2)))
    return Encoded(
        images=images,
        scene_ids=torch.tensor([s.scene_id for s in data.samples], dtype=torch.int64),
        tokens=torch.from_numpy(vocab.encode_batch([s.question for s in data.samples], length)),
        answers=torch.tensor([ANSWERS.index(s.answer) for s in data.samples], dtype=torch.int64),
        qtypes=np.array([s.qtype for s in data.samples]),
    )


class VQAModel(nn.Module):
    """CNN image encoder + LSTM question encoder, fused, then a classifier over the answers.

    Image encoder: three blocks Conv2d(3x3, padding 1) -> BatchNorm2d -> ReLU -> MaxPool2d(2)
    turn a (N, 3, 24, 24) image into a (N, C, 3, 3) map: one C-vector per grid cell.
    (BatchNorm2d rescales each channel to zero mean and unit variance over the batch, then
    learns a scale and a shift; here it makes training several times faster.)
    Question encoder: Embedding -> LSTM over the words from a learned start state (h_0, s_0)
    (pads are never read before the last word); its hidden state after the last word, h_T
    (N, hidden_size).
    Fusion (elementwise product): a Linear layer turns h_T into C channel weights g, which
    multiply every cell's vector (the question chooses which features matter), then ReLU:
    fused = ReLU(v * g). Classifier: [flatten(fused) (where), fused summed over the cells
    (how many), h_T (what was asked)] -> Linear -> ReLU -> Linear -> answer logits.
    A baseline with one input switched off uses only the other: flatten(v) (image only) or h_T
    (question only).

    Args:
        vocab_size: number of word ids (``len(vocab)``).
        n_answers: number of answer classes.
        use_image, use_question: switch one input off for the baselines.
        channels: output channels of the three conv blocks.
        embed_dim, hidden_size: word embedding size and LSTM hidden size.
        fused: width of the hidden layer of the classifier.

    Shapes:
        forward(images (N, 3, IMAGE_SIZE, IMAGE_SIZE) float32, tokens (N, L) int64)
        -> logits (N, n_answers). With ``scene_ids`` (N,) int64, ``images`` holds S scenes
        (S, 3, IMAGE_SIZE, IMAGE_SIZE) and question n is about image ``scene_ids[n]``: the CNN
        then runs once per scene, not once per question (several questions share a scene).

    Example:
        >>> m = VQAModel(20, len(ANSWERS))
        >>> m(torch.zeros(2, 3, 24, 24), torch.ones(2, 5, dtype=torch.int64)).shape
        torch.Size([2, 14])
    """

    def __init__(self, vocab_size: int, n_answers: int = len(ANSWERS), *, use_image: bool = True,
                 use_question: bool = True, channels: tuple[int, int, int] = (16, 32, 32),
                 embed_dim: int = 32, hidden_size: int = 64, fused: int = 128):
        super().__init__()
        _check_int("vocab_size", vocab_size, 2)
        _check_int("n_answers", n_answers, 2)
        use_image, use_question = flag(use_image, "use_image"), flag(use_question, "use_question")
        if not (use_image or use_question):
            raise ValueError("use_image and use_question are both False: the model needs an input")
        if len(channels) != 3:
            raise ValueError(f"channels must hold 3 ints, got {channels!r}")
        self.use_image, self.use_question = use_image, use_question
        c1, c2, c3 = channels
        width = 0
        if use_image:
            layers = []
            for cin, cout in ((3, c1), (c1, c2), (c2, c3)):
                layers += [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
                           nn.MaxPool2d(2)]
            self.cnn = nn.Sequential(*layers)
            width += c3 * (IMAGE_SIZE // 8) ** 2
        if use_question:
            self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
            self.lstm = nn.LSTM(embed_dim, hidden_size, batch_first=True)
            # learned start state (h_0, s_0): reading pads first used to provide one implicitly
            self.h0 = nn.Parameter(torch.zeros(1, 1, hidden_size))
            self.s0 = nn.Parameter(torch.zeros(1, 1, hidden_size))
            width += hidden_size
        if use_image and use_question:
            self.gate = nn.Linear(hidden_size, c3)
            width += c3
        self.classifier = nn.Sequential(nn.Linear(width, fused), nn.ReLU(),
                                        nn.Linear(fused, n_answers))

    def encode_image(self, images: torch.Tensor) -> torch.Tensor:
        """(N, 3, H, W) -> (N, C, H / 8, W / 8) feature map (one C-vector per grid cell)."""
        return self.cnn(images)

    def encode_question(self, tokens: torch.Tensor) -> torch.Tensor:
        """(N, L) ids -> (N, hidden_size): h_T, the LSTM's hidden state after each question's
        own last word, starting from the learned state (h_0, s_0). Pads (id 0) are moved behind
        the words, so the LSTM never reads one before h_T: a question gives the same h_T alone
        as in any padded batch."""
        words = tokens != 0
        order = torch.argsort((~words).to(torch.uint8), dim=1, stable=True)  # words first
        n = len(tokens)
        start = (self.h0.expand(1, n, -1).contiguous(), self.s0.expand(1, n, -1).contiguous())
        out, _ = self.lstm(self.embed(tokens.gather(1, order)), start)
        last = words.sum(dim=1).clamp(min=1) - 1  # an all-pad row reads one pad
        return out[torch.arange(n), last]

    def forward(self, images: torch.Tensor, tokens: torch.Tensor,
                scene_ids: torch.Tensor | None = None) -> torch.Tensor:
        parts = []
        if self.use_image:
            v = self.encode_image(images)
            if scene_ids is not None:
                v = v[scene_ids]
        if self.use_question:
            h = self.encode_question(tokens)
        if self.use_image and self.use_question:
            fused = torch.relu(v * self.gate(h)[:, :, None, None])
            parts = [fused.flatten(1), fused.sum(dim=(2, 3)), h]
        elif self.use_image:
            parts = [v.flatten(1)]
        else:
            parts = [h]
        return self.classifier(torch.cat(parts, dim=1))


def build_model(vocab: Vocabulary, kind: str = "full", seed: int = 0, **kwargs) -> VQAModel:
    """A freshly initialised ``VQAModel`` (seeded, without touching torch's global RNG).

    Args:
        vocab: the question vocabulary.
        kind: ``"full"`` (image and question), ``"question"`` (question only) or ``"image"``
            (image only).
        seed: seed of the initial weights.
        **kwargs: passed to ``VQAModel``.
    """
    flags = {"full": (True, True), "question": (False, True), "image": (True, False)}
    choice(kind, "kind", flags)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(_check_int("seed", seed, 0))
        return VQAModel(len(vocab), len(ANSWERS), use_image=flags[kind][0],
                        use_question=flags[kind][1], **kwargs)
