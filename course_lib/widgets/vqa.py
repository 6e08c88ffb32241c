"""Ask the trained model your own question about a generated scene.

``VQAExplorer(model, vocab)``: pick a scene (its seed), choose one of the scene's generated
questions or type your own, and see the model's top-3 answers with their probabilities (and the
true answer when the question is one the generator asked). The update logic is ``update()``,
callable without a browser. A question with no word the model can read is a problem (the last
answer stays, ``message`` says why); words it does not know are read as ``<unk>`` and named in
``note`` (the answer is shown).
"""

from __future__ import annotations

import html
from contextlib import contextmanager

import ipywidgets as w
import numpy as np

from course_lib import vqa
from course_lib.widgets._base import Explorer
from course_lib.widgets._render import to_png

__all__ = ["VQAExplorer"]

SCALE = 8


@contextmanager
def _one_thread():
    """Run torch on one thread: for one question the model is tiny, and on a busy 2-core
    machine waiting for a second thread costs 20-150 ms where the answer itself takes 2."""
    import torch

    n = torch.get_num_threads()
    if n > 1:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if n > 1:
            torch.set_num_threads(n)


class VQAExplorer(Explorer):
    """The explorer (it displays as its widget, ``.widget``).

    Args:
        model: a trained ``vqa.VQAModel``.
        vocab: the vocabulary it was trained with.
        seed: the first scene's seed.
        question: the first question (default: the scene's first generated question).

    Attributes after ``update()``: ``scene``, ``img``, ``top`` (the model's top 3 (answer,
    probability) pairs), ``truth`` (question -> answer of the scene's generated questions),
    ``unknown`` (the question's words the vocabulary lacks), ``message``.
    """

    def __init__(self, model, vocab: vqa.Vocabulary, seed: int = 0, question: str | None = None):
        super().__init__()
        self.model, self.vocab = model, vocab
        self.seed = w.BoundedIntText(value=seed, min=0, max=10**6, description="scene seed")
        self.question = w.Combobox(placeholder="type a question or pick one",
                                   description="question", ensure_option=False,
                                   continuous_update=False,
                                   layout=w.Layout(width="420px"))
        self.image = w.Image(format="png", width=vqa.IMAGE_SIZE * SCALE,
                             height=vqa.IMAGE_SIZE * SCALE)
        self.result = w.HTML()
        self.note = w.HTML()
        self.status.add_class("vqa-message")
        self.result.add_class("vqa-result")
        self.note.add_class("vqa-note")
        self.truth: dict[str, str] = {}
        self.top: list[tuple[str, float]] = []
        self.unknown: list[str] = []
        self.scene = self.img = None
        self._scene_seed: int | None = None
        self._first_question = question
        self._setting_question = False
        self.seed.observe(self.request_update, names="value")
        self.question.observe(self._question_changed, names="value")
        self.widget = w.VBox([w.HBox([self.seed, self.question]),
                              w.HBox([self.image, w.VBox([self.result, self.note,
                                                          self.status])])])
        self.widget.add_class("vqa-explorer")
        self.request_update()

    def _question_changed(self, _change) -> None:
        if not self._setting_question:  # a new scene sets its first question itself
            self.request_update()

    def _new_scene(self, seed: int) -> None:
        self.scene = vqa.make_scene(seed)
        self.img = vqa.render_scene(self.scene)
        self.image.value = to_png((self.img * 255).round().astype(np.uint8)
                                  .repeat(SCALE, 0).repeat(SCALE, 1))
        qs = vqa.make_questions(self.scene, seed)
        self.truth = {q: a for q, a, _ in qs}
        self._setting_question = True
        try:
            self.question.options = tuple(self.truth)
            first, self._first_question = self._first_question, None
            self.question.value = first if first is not None else qs[0][0]
        finally:
            self._setting_question = False
        self._scene_seed = seed

    def prefetch_sliders(self) -> list:
        return [self.seed]  # the next scene and the one before (with their first question)

    def update(self) -> None:
        """Answer the current question about the current scene (a new seed: a new scene and
        its first question); a question with no words shows a message and keeps the last
        answer; unknown words are named and read as <unk>."""
        seed = int(self.seed.value)
        if seed != self._scene_seed:
            self._new_scene(seed)
        q = self.question.value or ""
        if not vqa.tokenize(q):
            self.show_problem("type a question: this one has no word the model can read "
                              "(letters a-z, digits or ?)")
            return
        with _one_thread():
            self.top = vqa.predict(self.model, self.img, q, self.vocab, k=3)
        self.output = self.top
        self.clear_problem()
        rows = "".join(
            f"<tr><td>{html.escape(a)}</td><td style='padding-left:8px'>"
            f"<div style='background:#3b6ea5;height:10px;width:{int(120 * p)}px'></div></td>"
            f"<td style='padding-left:6px'>{p:.2f}</td></tr>" for a, p in self.top)
        truth = self.truth.get(q)
        truth_line = (f"<div>true answer: <b>{html.escape(truth)}</b></div>" if truth else
                      "<div><i>your own question: the generator's answer is not known</i></div>")
        self.result.value = (f"<div><b>model: {html.escape(self.top[0][0])}</b></div>"
                             f"<table>{rows}</table>{truth_line}")
        self.unknown = self.vocab.unknown_words(q)
        self.note.value = ("" if not self.unknown else
                           "<span style='color:#6b5b00'>unknown words read as &lt;unk&gt;: "
                           f"{html.escape(', '.join(self.unknown))}</span>")
