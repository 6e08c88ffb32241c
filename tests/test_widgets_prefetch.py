"""Pictures drawn ahead of time (course_lib.widgets.prefetch), without a browser.

Every explorer that prefetches is checked the same way: its neighbours' recorded changes are
exactly what the same explorer shows after the real move (nothing missing, nothing extra);
prefetching leaves every widget as it was and sends nothing but the frames; when the browser
reports that it applied a frame, the kernel follows without sending the pictures again; a frame
that no longer fits makes the kernel send everything it shows.
"""

from __future__ import annotations

import comm
import numpy as np
import pytest

from course_lib import cnn
from course_lib.data import load_digits
from course_lib.widgets import prefetch as P
from course_lib.widgets.convolution import kernel_explorer, sliding_window_explorer
from course_lib.widgets.digits import DigitExplorer
from course_lib.widgets.layers import activation_explorer, pooling_explorer
from course_lib.widgets.lstm import gate_explorer
from course_lib.widgets.rnn import unroll_explorer
from course_lib.widgets.vgg import vgg_explorer

SENT: list[tuple[str, dict, list]] = []


class RecordingComm(comm.DummyComm):
    """A comm that keeps every message a widget sends (as the kernel would publish it)."""

    def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        SENT.append((self.comm_id, data or {}, list(buffers or [])))


@pytest.fixture(autouse=True)
def recording(monkeypatch):
    monkeypatch.setattr(comm, "create_comm", lambda *a, **k: RecordingComm(*a, **k))
    SENT.clear()
    yield SENT


def _digits():
    _, _, x, y = load_digits()
    model = cnn.build_keras_cnn(input_shape=(8, 8, 1), seed=0)
    return lambda: DigitExplorer(model, x[:12], y[:12], index=3)


MAKERS = {
    "kernel": lambda: kernel_explorer(image="china", kernel="edge_detection_3", photo_size=48),
    "sliding": lambda: sliding_window_explorer(),
    "pooling": lambda: pooling_explorer(),
    "activation": lambda: activation_explorer(),
    "gate": lambda: gate_explorer(),
    "unroll": lambda: unroll_explorer(T=6, rho=0.9, inputs="impulse", scale=0.5),
    "vgg": lambda: vgg_explorer(config="A", width=0.5, input_size=64),
}


@pytest.fixture(scope="module")
def digits_maker():
    return _digits()


def _make(name, digits_maker):
    return digits_maker() if name == "digits" else MAKERS[name]()


def _refs(v) -> bool:
    """A widget reference (a model id differs between two explorers made alike)."""
    if isinstance(v, str):
        return v.startswith("IPY_MODEL_")
    if isinstance(v, (list, tuple)):
        return any(map(_refs, v))
    return False


def _state(w) -> dict:
    return {t: v for t, v in w.get_state().items() if not _refs(v)}


def _states(ex) -> list[dict]:
    return [_state(w) for w in P._walk(ex.widget)]


def _view_messages(p) -> list:
    """Update messages of widgets other than the Prefetch widget."""
    return [m for m in SENT if m[0] != p.widget.model_id and m[1].get("method") == "update"]


def _frames(p) -> list[dict]:
    return [m[1]["content"] for m in SENT if m[0] == p.widget.model_id
            and m[1].get("method") == "custom" and "frame" in m[1]["content"]]


@pytest.mark.parametrize("name", [*MAKERS, "digits"])
def test_frames_are_exactly_the_real_moves(name, digits_maker):
    ex = _make(name, digits_maker)
    p = ex.start_prefetching()
    assert p is not None and p.widget.controls  # the browser knows which controls to watch
    before = _states(ex)
    SENT.clear()
    n = p.prefetch_now()
    assert n == len(p.frames) >= 2
    assert _states(ex) == before          # the widgets end as they were ...
    assert _view_messages(p) == []        # ... and nothing of the neighbours reached them
    assert len(_frames(p)) == n
    for key, change in p.frames:
        moved = _make(name, digits_maker)  # the same explorer, really moved there
        mp = moved.start_prefetching()
        mp._bind()
        mp._set(key, mp.key())
        assert moved.message == ""
        for w0, w1, s0 in zip(P._walk(ex.widget), P._walk(moved.widget), before, strict=True):
            s1 = _state(w1)
            differs = {t for t in s1 if s1[t] != s0[t]
                       and not (P._is_control(w1) and t == P._synced(w1))}
            recorded = change.get(w0, {})
            assert set(recorded) >= differs, f"{name} {key}: frame misses {differs - set(recorded)}"
            for t, v in recorded.items():
                assert s1[t] == v, f"{name} {key}: {type(w0).__name__}.{t} differs"


@pytest.mark.parametrize("name", ["kernel", "unroll", "pooling"])
def test_following_an_applied_frame_sends_no_picture(name, digits_maker):
    ex = _make(name, digits_maker)
    p = ex.start_prefetching()
    p.prefetch_now()
    key, _change = p.frames[-1]
    moved = _make(name, digits_maker)
    moved.start_prefetching()._bind()
    moved.prefetcher._set(key, moved.prefetcher.key())
    SENT.clear()
    p.follow(p.id, list(key))
    assert _view_messages(p) == []                      # the browser already shows it
    assert p.key() == key and p.applied == 1 and p.resyncs == 0
    assert _states(ex) == _states(moved)                # and the kernel now agrees with it
    # the browser's slider message that follows changes nothing
    updates = ex.updates
    w = p._observed[0]
    setattr(w, P._synced(w), getattr(w, P._synced(w)))
    assert ex.updates == updates


def test_a_frame_that_no_longer_fits_makes_the_kernel_send_everything():
    ex = MAKERS["kernel"]()
    p = ex.start_prefetching()
    p.prefetch_now()
    key = p.frames[0][0]
    old = p.id
    ex.stride.value = 2 if ex.stride.value != 2 else 3  # changed from Python: frames are stale
    SENT.clear()
    p.follow(old, list(key))
    assert p.resyncs == 1 and p.applied == 0
    sent = {m[0] for m in _view_messages(p)}
    assert ex.output_view.model_id in sent and ex.input_view.model_id in sent
    assert p.key() == tuple(key)


def test_a_move_from_python_resets_the_browsers_frames():
    ex = MAKERS["pooling"]()
    p = ex.start_prefetching()
    p.prefetch_now()
    SENT.clear()
    ex.stride.value = 1
    resets = [m[1]["content"] for m in SENT if m[0] == p.widget.model_id
              and "reset" in m[1].get("content", {})]
    assert resets and resets[0]["base"] is None and p.frames == []
    assert p.prefetch_now() >= 2 and tuple(p.base) == p.key()


def test_neighbours_stay_inside_the_sliders_range():
    ex = MAKERS["kernel"]()  # padding starts at 0: only padding 1 is a neighbour
    p = ex.start_prefetching()
    p.prefetch_now()
    i = p._observed.index(ex.padding)
    paddings = sorted(k[i] for k, _ in p.frames)
    assert min(paddings) >= 0 and max(paddings) <= ex.padding.max
    assert all(0 <= k[i] <= 3 for k, _ in p.frames)


def test_explorers_with_a_learners_function_do_not_prefetch():
    def mine(image, kernel):
        return np.zeros((1, 1))

    assert kernel_explorer(correlate=mine).start_prefetching() is None
    assert sliding_window_explorer(correlate=mine).start_prefetching() is None
    relu = activation_explorer(activation="mine", extra={"mine": lambda z: np.maximum(z, 0)})
    assert relu.start_prefetching() is None


def test_a_neighbour_that_shows_a_problem_is_left_to_the_kernel():
    ex = MAKERS["sliding"]()
    ex.size.value = 3
    ex.kernel_size.value = 3
    ex.padding.value = 0
    p = ex.start_prefetching()
    p.prefetch_now()
    i = p._observed.index(ex.kernel_size)
    assert all(k[i] <= 3 for k, _ in p.frames)   # kernel 4 > input 3: an error, not a frame
    assert ex.message == ""


def test_buffers_travel_beside_the_json():
    buffers = []
    state = P._split_buffers({"value": b"\x89PNG", "format": "png"}, buffers)
    assert state == {"value": {"$buffer": 0}, "format": "png"} and buffers == [b"\x89PNG"]


def test_float_keys_match_within_rounding():
    assert P._same_key((0.1 + 0.2, 3), (0.3, 3))
    assert not P._same_key((0.3, 3), (0.35, 3))
    assert not P._same_key(None, (1,))


def test_a_new_scene_brings_its_question_along():
    """The VQA explorer picks a question of the new scene when the seed moves: the frame
    carries the question box's new value and options, exactly as the real move shows them."""
    from course_lib import vqa
    from course_lib.widgets.vqa import VQAExplorer

    data = vqa.make_dataset(30, seed=2)
    vocab = vqa.Vocabulary.from_texts(s.question for s in data.samples)
    model = vqa.build_model(vocab, seed=0)
    ex = VQAExplorer(model, vocab, seed=3)
    p = ex.start_prefetching()
    before = _states(ex)
    assert p.prefetch_now() == 2 and _states(ex) == before
    for key, change in p.frames:
        moved = VQAExplorer(model, vocab, seed=key[p._observed.index(ex.seed)])
        for w0, w1 in zip(P._walk(ex.widget), P._walk(moved.widget), strict=True):
            for t, v in change.get(w0, {}).items():
                assert _state(w1).get(t, v) == v, f"{type(w0).__name__}.{t}"
        assert ex.question in change  # the new scene's question
    key = p.frames[0][0]
    SENT.clear()
    p.follow(p.id, list(key))
    assert _view_messages(p) == [] and p.applied == 1
    assert ex.seed.value == key[p._observed.index(ex.seed)]


def test_restoring_a_range_and_a_value_clamped_by_it_ends_where_it_began():
    ex = MAKERS["sliding"]()
    ex.stride.value = 1
    ex.position.value = ex.position.max  # the last window: a larger stride clamps it
    p = ex.start_prefetching()
    before = _states(ex)
    SENT.clear()
    assert p.prefetch_now() >= 2
    assert _states(ex) == before and _view_messages(p) == []


def test_a_pointer_event_holds_prefetching_off(monkeypatch):
    ex = MAKERS["pooling"]()
    p = ex.start_prefetching()
    ex.point_at("output", 0, 1)
    assert p._quiet_until > P.time.monotonic() + 0.5  # the next second is the pointer's

    class Loop:  # a running loop that records when it is asked to call back
        delays: list = []

        def call_later(self, delay, fn):
            self.delays.append(delay)
            return type("H", (), {"cancel": lambda self: None})()

    monkeypatch.setattr(P.asyncio, "get_running_loop", lambda: Loop())
    p.schedule()
    assert Loop.delays[-1] > 0.5


def test_displaying_the_widget_itself_starts_prefetching():
    ex = MAKERS["gate"]()
    assert ex.prefetcher is None
    bundle = ex.widget._repr_mimebundle_()  # what IPython does with `explorer.widget`
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert ex.prefetcher is not None
