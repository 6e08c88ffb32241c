"""Ask the trained model your own question about a generated scene.

``VQAExplorer(model, vocab)``: pick a scene (its seed), choose one of the scene's generated
questions or type your own, and see the model's top-3 answers with their probabilities (and the
true answer when the question is one the generator asked). The update logic is ``update()``,
callable without a browser.
"""

from __future__ import annotations

import html

import ipywidgets as w
import numpy as np

from course_lib import vqa
from course_lib.widgets._render import to_png

__all__ = ["VQAExplorer"]

SCALE = 8


class VQAExplorer:
    """The explorer; display ``.widget``.

    Args:
        model: a trained ``vqa.VQAModel``.
        vocab: the vocabulary it was trained with.
        seed: the first scene's seed.
        question: the first question (default: the scene's first generated question).
    """

    def __init__(self, model, vocab: vqa.Vocabulary, seed: int = 0, question: str | None = None):
        self.model, self.vocab = model, vocab
        self.seed = w.BoundedIntText(value=seed, min=0, max=10**6, description="scene seed")
        self.question = w.Combobox(placeholder="type a question or pick one",
                                   description="question", ensure_option=False,
                                   continuous_update=False,
                                   layout=w.Layout(width="420px"))
        self.image = w.Image(format="png", width=vqa.IMAGE_SIZE * SCALE,
                             height=vqa.IMAGE_SIZE * SCALE)
        self.result = w.HTML()
        self.message = w.HTML()
        self.message.add_class("vqa-message")
        self.result.add_class("vqa-result")
        self.truth: dict[str, str] = {}
        self._busy = False
        self.top: list[tuple[str, float]] = []
        self._new_scene(first_question=question)
        self.seed.observe(lambda _: self._new_scene(), names="value")
        self.question.observe(lambda _: None if self._busy else self.update(), names="value")
        self.widget = w.VBox([w.HBox([self.seed, self.question]),
                              w.HBox([self.image, w.VBox([self.result, self.message])])])
        self.widget.add_class("vqa-explorer")

    def _new_scene(self, first_question: str | None = None) -> None:
        self.scene = vqa.make_scene(int(self.seed.value))
        self.img = vqa.render_scene(self.scene)
        self.image.value = to_png((self.img * 255).round().astype(np.uint8)
                                  .repeat(SCALE, 0).repeat(SCALE, 1))
        qs = vqa.make_questions(self.scene, int(self.seed.value))
        self.truth = {q: a for q, a, _ in qs}
        self.question.options = tuple(self.truth)
        self._busy = True  # one update for the new scene, not one per changed control
        self.question.value = first_question if first_question is not None else qs[0][0]
        self._busy = False
        self.update()

    def update(self) -> None:
        """Answer the current question about the current scene; a question with no words shows
        a message and keeps the last answer; unknown words are named and read as <unk>."""
        q = self.question.value or ""
        if not vqa.tokenize(q):
            self.message.value = ("<span style='color:#a4262c'>Type a question: this one has no "
                                  "word the model can read (letters a-z, digits or ?); the "
                                  "answer shown is the last one.</span>")
            return
        self.top = vqa.predict(self.model, self.img, q, self.vocab, k=3)
        rows = "".join(
            f"<tr><td>{html.escape(a)}</td><td style='padding-left:8px'>"
            f"<div style='background:#3b6ea5;height:10px;width:{int(120 * p)}px'></div></td>"
            f"<td style='padding-left:6px'>{p:.2f}</td></tr>" for a, p in self.top)
        truth = self.truth.get(q)
        truth_line = (f"<div>true answer: <b>{html.escape(truth)}</b></div>" if truth else
                      "<div><i>your own question: the generator's answer is not known</i></div>")
        self.result.value = (f"<div><b>model: {html.escape(self.top[0][0])}</b></div>"
                             f"<table>{rows}</table>{truth_line}")
        unknown = self.vocab.unknown_words(q)
        self.message.value = ("" if not unknown else
                              "<span style='color:#6b5b00'>unknown words read as &lt;unk&gt;: "
                              f"{html.escape(', '.join(unknown))}</span>")
