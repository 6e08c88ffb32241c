"""Tests of the VQA explorer's update logic (no browser) and of the lesson-09 figures and
exercises."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from course_lib import vqa
from course_lib.exercise_sets import lesson09 as ex
from course_lib.plotting import vqa as vplot
from course_lib.widgets.vqa import VQAExplorer


@pytest.fixture(scope="module")
def explorer():
    data = vqa.make_dataset(30, seed=2)
    vocab = vqa.Vocabulary.from_texts(s.question for s in data.samples)
    model = vqa.build_model(vocab, seed=0)  # untrained is enough to test the plumbing
    return VQAExplorer(model, vocab, seed=3)


def test_explorer_shows_scene_question_and_top3(explorer):
    e = explorer
    assert "vqa-explorer" in e.widget._dom_classes
    assert "vqa-result" in e.result._dom_classes and "vqa-note" in e.note._dom_classes
    assert {"cl-explorer-msg", "vqa-message"} <= set(e.status._dom_classes)
    assert e.explorer is e and e.message == ""
    scene = vqa.make_scene(3)
    qs = vqa.make_questions(scene, 3)
    assert e.question.options == tuple(q for q, _, _ in qs)
    assert e.question.value == qs[0][0]
    want = vqa.predict(e.model, vqa.render_scene(scene), qs[0][0], e.vocab, k=3)
    assert e.top == want
    assert f"true answer: <b>{qs[0][1]}</b>" in e.result.value
    assert e.image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_explorer_new_seed_and_own_question(explorer):
    e = explorer
    e.seed.value = 11
    scene = vqa.make_scene(11)
    assert e.scene == scene
    np.testing.assert_array_equal(e.img, vqa.render_scene(scene))
    first = vqa.make_questions(scene, 11)[0]
    assert e.question.value == first[0]
    e.question.value = "How many squares are to the right?"
    assert e.top == vqa.predict(e.model, e.img, e.question.value, e.vocab, k=3)
    assert "not known" in e.result.value and e.message == "" and e.note.value == ""


def test_explorer_unknown_words_and_empty_question(explorer):
    e = explorer
    e.question.value = "Is there a pink hat?"
    assert e.unknown == ["pink", "hat"] and "pink" in e.note.value and "hat" in e.note.value
    assert e.message == ""  # unknown words are read as <unk>: an answer, not a problem
    good = (e.result.value, list(e.top))
    assert len(good[1]) == 3
    for text in ("!!", "", "é à ü"):  # nothing the tokenizer reads (it knows a-z, 0-9, ?)
        e.question.value = text
        assert "no word the model can read" in e.message
        assert "last good output" in e.status.value
        assert (e.result.value, e.top) == good  # the last good answer stays
    e.question.value = "What colour is the square?"
    assert e.message == "" and e.status.value == "" and e.top != [] and e.note.value == ""


def test_the_answer_runs_torch_on_one_thread_and_gives_the_others_back(explorer):
    threads = torch.get_num_threads()
    e = explorer
    e.question.value = "Is there a red square?"
    assert torch.get_num_threads() == threads
    assert e.top == vqa.predict(e.model, e.img, e.question.value, e.vocab, k=3)


def test_a_new_scene_answers_once(explorer):
    e = explorer
    before = e.updates
    e.seed.value = 12  # the new scene's first question is set inside the same update
    assert e.updates == before + 1
    assert e.question.value == vqa.make_questions(vqa.make_scene(12), 12)[0][0]


def test_plot_scenes_and_captions():
    data = vqa.make_dataset(3, seed=0)
    s = data.samples[0]
    cap = vplot.qa_caption(s.question, s.answer, [("yes", 0.75), ("no", 0.25)])
    assert cap.splitlines()[-2:] == [f"answer: {s.answer}", "model: yes 0.75, no 0.25"]
    fig = vplot.plot_scenes(list(data.images), [cap, "b", "c"], ncols=2, title="t")
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    assert fig.axes[0].get_xlabel() == cap and not fig.axes[3].axison
    with pytest.raises(ValueError, match="same length"):
        vplot.plot_scenes(list(data.images), ["a"])
    with pytest.raises(ValueError, match="empty"):
        vplot.plot_scenes([], [])
    with pytest.raises(ValueError, match="ncols"):
        vplot.plot_scenes(list(data.images), ["a", "b", "c"], ncols=0)
    fig = vplot.plot_losses({"full": [2.0, 1.0], "question": [1.5, 1.4]})
    assert [ln.get_label() for ln in fig.axes[0].get_lines()] == ["full", "question"]
    with pytest.raises(ValueError, match="empty"):
        vplot.plot_losses({})


def test_lesson09_exercises():
    def right_of(scene, obj):
        return [b for b in scene if b is not obj and b.col > obj.col]

    assert ex.q1.check(right_of).status == "correct"
    bad = ex.q1.check(lambda scene, obj: [b for b in scene if b.col >= obj.col])
    assert bad.status == "incorrect" and "items" in bad.message  # includes obj: no named slip
    same_col = ex.q1.check(lambda scene, obj: [b for b in scene if b is not obj and b.col >= obj.col])
    assert "strictly larger" in same_col.message
    rows = ex.q1.check(lambda scene, obj: [b for b in scene if b.row > obj.row])
    assert "compares rows" in rows.message
    assert "to the left of" in ex.q1.check(lambda scene, obj: [b for b in scene if b.col < obj.col]).message
    assert ex.q1.check(...).status == "not attempted"

    def stub(scene, obj):
        raise NotImplementedError()

    assert ex.q1.check(stub).status == "not attempted"
    assert ex.q2.check((32, 3, 3)).status == "correct"
    wrong = ex.q2.check((32, 6, 6))
    assert wrong.status == "incorrect" and "three halvings" in wrong.message
    assert "channels first" in ex.q2.check((3, 3, 32)).message
    assert "[0]" in ex.q2.check((64, 3, 3)).message  # no named slip: the wrong position
    assert ex.q2.check(...).status == "not attempted"
    assert ex.q3.check(np.array([0, 0, 2, 3, 4, 1, 6, 7])).status == "correct"
    wrong = ex.q3.check(np.array([2, 3, 4, 1, 6, 7, 0, 0]))  # padded on the wrong side
    assert wrong.status == "incorrect" and "LEFT" in wrong.message
    assert "<unk> (id 1)" in ex.q3.check(np.array([0, 0, 0, 2, 3, 4, 6, 7])).message
    assert "index 5" in ex.q3.check(np.array([0, 0, 2, 3, 4, 9, 6, 7])).message
    assert ex.q3.check(...).status == "not attempted"
    for q in (ex.q1, ex.q2, ex.q3):
        assert q.hint().text and q.solution().text


def test_lesson09_q2_matches_the_model():
    m = vqa.build_model(vqa.Vocabulary(["a"]), "full")
    shape = tuple(m.encode_image(torch.zeros(1, 3, vqa.IMAGE_SIZE, vqa.IMAGE_SIZE)).shape[1:])
    assert ex.q2.check(shape).status == "correct"
