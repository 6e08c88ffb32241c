"""Pictures ready before the hand moves: an explorer's next settings computed while it is idle.

Why: a move has to travel from the browser to the kernel and back, and the kernel has to redraw;
on a shared machine whose processor sleeps between moves, that costs 40-120 ms however little
the update does (work right after 0.3 s of idle runs several times slower than the same work
repeated at once). A learner moves a slider one step at a time, so the next picture is almost
always a neighbour of the current one.

How: when the explorer has been quiet for a moment, the kernel runs its ordinary ``update()``
for each neighbouring setting of the explorer's sliders (one step down, one step up), records
what that update changes in the widgets (an image's bytes, an HTML caption, a layout's
visibility, a board's highlights), restores the current picture, and sends nothing of it to
the widgets themselves: it sends the recorded changes to a small anywidget (``prefetch.js``).
When a slider then moves to one of those settings, the browser applies the recorded changes
to the widget models at once (the picture changes in the same frame as the key press) and
tells the kernel, which brings its own widgets to the same setting without sending the
pictures again. Any other change (a dropdown, a jump along a slider, a second step before new
neighbours have arrived) goes the ordinary way through the kernel.

Nothing is computed in the browser: every picture it shows is one that ``update()`` drew in
Python for exactly the controls it is shown with. Explorers that call a learner's function do
not prefetch (the function could be slow, or have side effects).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from pathlib import Path

import anywidget
import ipywidgets as W
import traitlets as T

__all__ = ["Prefetch", "Prefetcher"]

#: Inputs of an explorer: their values make the key of a picture.
_CONTROL_TYPES = (W.widgets.widget_int._Int, W.widgets.widget_float._Float,
                  W.widgets.widget_selection._Selection, W.widgets.widget_string._String,
                  W.widgets.widget_bool._Bool)
#: Value widgets that only show things.
_VIEW_TYPES = (W.HTML, W.HTMLMath, W.Label, W.Image, W.Valid)
#: Quiet time before neighbours are computed (a burst of messages is handled first).
DELAY_S = 0.06
#: After a pointer event on a board, how long prefetching waits (hovering goes on).
POINTER_HOLD_S = 1.0


class Prefetch(anywidget.AnyWidget):
    """The browser side: holds the neighbours' recorded changes and applies one when the
    controls reach its setting (see the module docstring). ``controls`` are the (model id,
    trait) pairs whose values make the key; frames arrive as custom messages."""

    _esm = Path(__file__).with_name("prefetch.js")
    controls = T.List(T.List(T.Unicode())).tag(sync=True)  # [model id, trait] pairs


def _walk(w):
    """Every widget of a tree: children, and each widget's layout and style."""
    seen, stack = set(), [w]
    while stack:
        x = stack.pop()
        if not isinstance(x, W.Widget) or id(x) in seen:
            continue
        seen.add(id(x))
        yield x
        stack.extend(getattr(x, "children", None) or ())
        for attr in ("layout", "style"):
            sub = getattr(x, attr, None)
            if isinstance(sub, W.Widget):
                stack.append(sub)


def _is_control(w) -> bool:
    return isinstance(w, _CONTROL_TYPES) and not isinstance(w, _VIEW_TYPES)


def _synced(w) -> str:
    """The trait the browser holds a control's value in (a selection syncs its ``index``)."""
    return "index" if isinstance(w, W.widgets.widget_selection._Selection) else "value"


def _neighbours(s) -> list:
    """One step down and one step up of slider ``s`` (those inside its range)."""
    out = []
    if isinstance(s, W.FloatLogSlider):
        e = math.log(s.value, s.base)
        for d in (-s.step, s.step):
            if s.min - 1e-9 <= e + d <= s.max + 1e-9:
                out.append(s.base ** (e + d))
        return out
    for d in (-s.step, s.step):
        v = s.value + d
        if s.min <= v <= s.max:
            out.append(type(s.value)(round(v, 12)) if isinstance(v, float) else v)
    return out


def _up(old, new) -> bool:
    try:
        return float(new) > float(old)
    except (TypeError, ValueError):
        return False


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        try:
            return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)
        except (TypeError, ValueError):
            return False
    return a == b


def _same_key(a, b) -> bool:
    return a is not None and b is not None and len(a) == len(b) and all(map(_same, a, b))


def _split_buffers(state: dict, buffers: list) -> dict:
    """``state`` with every bytes value replaced by ``{"$buffer": i}`` (the bytes go to
    ``buffers``, sent as binary frames of the message)."""
    out = {}
    for k, v in state.items():
        if isinstance(v, (bytes, bytearray, memoryview)):
            out[k] = {"$buffer": len(buffers)}
            buffers.append(bytes(v))
        else:
            out[k] = v
    return out


class Prefetcher:
    """The kernel side, owned by an :class:`~course_lib.widgets._base.Explorer`.

    Args:
        explorer: the explorer (its ``widget`` tree, ``request_update`` and ``_lock``).
        sliders: the sliders whose neighbours are prefetched (the other controls only make
            the key); None: ``explorer.prefetch_sliders()``, asked again for every setting.
    """

    def __init__(self, explorer, sliders=None):
        self.explorer = explorer
        self._ask = sliders is None  # None: ask the explorer each time (its list can change)
        self.sliders = list(explorer.prefetch_sliders() if sliders is None else sliders)
        self.widget = Prefetch()
        self.widget.on_msg(self._on_msg)
        self.frames: list[tuple[tuple, dict]] = []  # (key, {widget: {trait: json}})
        self.base = None       # the key the frames start from
        self.id = 0            # which set of frames the browser has
        self.prefetched = 0    # neighbours computed (tests read it)
        self.applied = 0       # frames the browser applied and the kernel followed
        self.resyncs = 0       # frames the browser applied that no longer fitted
        self._recording = False
        self._handle = None
        self._pending: list[tuple] = []
        self._quiet_until = 0.0  # see hold_off()
        self._last = None      # the slider moved last: its neighbours come first ...
        self._up = False       # ... the next step in the same direction first of all
        self._observed: list = []
        self._bind()

    # ---- which widgets ------------------------------------------------------------------------
    def _tree(self) -> list:
        return [w for w in _walk(self.explorer.widget) if w is not self.widget]

    def _bind(self) -> None:
        controls = [w for w in self._tree() if _is_control(w)]
        for w in self._observed:
            w.unobserve(self._changed, names=_synced(w))
        for w in controls:
            w.observe(self._changed, names=_synced(w))
        self._observed = controls
        self.widget.controls = [[w.model_id, _synced(w)] for w in controls]

    def key(self) -> tuple:
        return tuple(getattr(w, _synced(w)) for w in self._observed)

    # ---- invalidation and scheduling ----------------------------------------------------------
    def _changed(self, change=None) -> None:
        """A control changed in the kernel: the browser's frames may no longer fit."""
        if not self._recording:
            if change is not None and change.get("owner") in self.sliders:
                self._last = change["owner"]
                self._up = _up(change.get("old"), change.get("new"))
            self.invalidate()

    def invalidate(self) -> None:
        """Forget the frames (the browser is told with the next set) and schedule new ones."""
        if self.frames or self.base is not None:
            self.id += 1
            self.widget.send({"reset": self.id, "base": None})
        self.frames, self.base, self._pending = [], None, []
        self.schedule()

    def schedule(self, delay: float = DELAY_S) -> None:
        """Compute the neighbours soon, on the event loop of the calling thread (a Jupyter
        kernel's); without a running loop (a script, a test) nothing is scheduled."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            try:
                loop = asyncio.get_event_loop_policy().get_event_loop()
            except RuntimeError:
                return
            if not loop.is_running():
                return
        if self._handle is not None:
            self._handle.cancel()
        delay = max(delay, self._quiet_until - time.monotonic())
        self._handle = loop.call_later(delay, self._run_scheduled)

    def hold_off(self, seconds: float) -> None:
        """Prefetch nothing for ``seconds`` (the pointer is moving over a board: its next
        event matters more than the sliders' neighbours, which it would make stale anyway)."""
        self._quiet_until = time.monotonic() + float(seconds)

    def _run_scheduled(self) -> None:
        """One step of prefetching (one neighbour), then the next soon after, so that a message
        from the browser waits for at most one step."""
        self._handle = None
        if not self.explorer._lock.acquire(blocking=False):
            self.schedule()  # an update is running (another thread): try again later
            return
        try:
            more = self.step()
        except Exception:  # noqa: BLE001 - prefetching is an optimisation: never raise
            self._pending, more = [], False
        finally:
            self.explorer._lock.release()
        if more:
            self.schedule(0.0)

    # ---- recording ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def _held(self, tree, send_rest: bool = False):
        """Hold every widget's sync: what changes is recorded in ``_states_to_send``. At the
        end nothing is sent, or, with ``send_rest``, what is still recorded then."""
        with contextlib.ExitStack() as stack:
            for w in tree:
                stack.enter_context(w.hold_sync())
            try:
                yield
            finally:
                if not send_rest:
                    for w in tree:
                        w._states_to_send.clear()

    def _send_all(self) -> None:
        """Send every view widget's whole state (the browser then shows what the kernel has)."""
        for w in self._tree():
            if not _is_control(w):
                w.send_state()

    def _set(self, key, base=None) -> list:
        """Set the controls to ``key``: those that differ from ``base`` (all, without one);
        what the explorer itself then does to the others (a new scene's question) stays.
        Returns the controls set."""
        moved = [(w, v) for i, (w, v) in enumerate(zip(self._observed, key))
                 if not _same(getattr(w, _synced(w)), v)
                 and (base is None or not _same(base[i], v))]
        for w, v in moved:
            setattr(w, _synced(w), v)
        return [w for w, _ in moved]

    def _record(self, tree, key) -> dict | None:
        """Set the controls that differ to ``key`` (the explorer updates) and return what
        changed in the widgets: everything but the moved controls' values, which the browser
        has already (a slider's new range and a new scene's question are recorded). None when
        the explorer refused the value."""
        for w in tree:
            w._states_to_send.clear()
        base = self.key()
        moved = set(map(id, self._set(key, base)))
        if not all(_same(getattr(w, _synced(w)), v) for w, v in zip(self._observed, key)
                   if id(w) in moved):
            return None  # the explorer refused the value (clamped it, say)
        change = {}
        for w in tree:
            traits = set(w._states_to_send)
            if id(w) in moved:
                traits.discard(_synced(w))
            if traits:
                change[w] = w.get_state(key=sorted(traits))
        return change

    def _wanted(self, base) -> list[tuple]:
        """The neighbouring settings, the last-moved slider's first."""
        positions = {id(w): i for i, w in enumerate(self._observed)}
        order = sorted(self.sliders, key=lambda w: w is not self._last)
        wanted = []
        for s in order:
            i = positions.get(id(s))
            if i is None or getattr(s, "disabled", False):
                continue
            near = _neighbours(s)
            if s is self._last and self._up and len(near) == 2:
                near.reverse()  # a hand going up goes on up
            for v in near:
                key = list(base)
                key[i] = v
                wanted.append(tuple(key))
        return wanted

    def step(self) -> bool:
        """Compute one neighbour of the current setting and send it to the browser (the first
        step also tells the browser which setting the neighbours start from). The widgets end
        exactly as they were, and nothing else is sent. Returns whether more steps remain."""
        if self.base is None or not _same_key(self.base, self.key()):
            if self.explorer.message or self.explorer.output is None:
                return False  # a problem is shown: only the ordinary path may clear it
            self._bind()
            if self._ask:
                self.sliders = list(self.explorer.prefetch_sliders())
            self.id += 1
            self.frames, self.base = [], self.key()
            self._pending = self._wanted(self.base)
            self.widget.send({"reset": self.id, "base": list(self.base)})
        if not self._pending:
            return False
        key = self._pending.pop(0)
        tree = self._tree()
        self._recording = True
        try:
            with self._held(tree):
                change = self._record(tree, key)
                problem = self.explorer.message
                for _ in range(3):  # every control back (a range restored late may have
                    self._set(self.base)  # clamped a value restored early: set it again)
                    if _same_key(self.key(), self.base):
                        break
                if self.explorer.message or not _same_key(self.key(), self.base):
                    raise RuntimeError("restoring the current picture failed")
        except Exception:
            self._pending, self.frames, self.base = [], [], None
            self._send_all()
            raise
        finally:
            self._recording = False
        if problem or change is None:  # a problem, or a control moved: the ordinary way
            return bool(self._pending)
        self.frames.append((key, change))
        buffers: list[bytes] = []
        state = {w.model_id: _split_buffers(s, buffers) for w, s in change.items()}
        self.widget.send({"frame": self.id, "key": list(key), "state": state}, buffers)
        self.prefetched += 1
        return bool(self._pending)

    def prefetch_now(self) -> int:
        """Compute every neighbour of the current setting at once (what the idle steps do one
        by one); returns how many frames the browser has."""
        while self.step():
            pass
        return len(self.frames)

    # ---- the browser applied a frame ----------------------------------------------------------
    def _on_msg(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict) or "applied" not in content:
            return
        with self.explorer._lock:
            self.follow(content.get("applied"), content.get("key"))

    def follow(self, frames_id, key) -> None:
        """The browser shows frame ``key`` of set ``frames_id``: bring the kernel's widgets to
        that setting, sending only what differs from the frame (nothing, normally)."""
        found = next((c for k, c in self.frames if _same_key(k, key)), None)
        if frames_id != self.id or found is None or not _same_key(self.base, self.key()):
            self._resync(key)
            return
        tree = self._tree()
        self._recording = True
        try:
            with self._held(tree, send_rest=True):
                moved = set(map(id, self._set(key, self.base)))
                for w in tree:
                    if id(w) in moved:  # the browser's values are the truth: no echo
                        w._states_to_send.discard(_synced(w))
                    shown = found.get(w, {})
                    for t in list(w._states_to_send):
                        if t in shown and w.get_state(key=t)[t] == shown[t]:
                            w._states_to_send.discard(t)
        finally:
            self._recording = False
        self.applied += 1
        moved = [(w, a, b) for w, a, b in zip(self._observed, self.base, key) if not _same(a, b)]
        if moved:
            self._last, self._up = moved[0][0], _up(moved[0][1], moved[0][2])
        self.frames, self.base, self._pending = [], None, []
        self.schedule()

    def _resync(self, key) -> None:
        """The frame no longer fits what the kernel shows: bring the kernel to ``key`` and send
        every view widget's state, so the browser shows exactly what the kernel has."""
        self.resyncs += 1
        self._recording = True
        try:
            if key is not None and len(key) == len(self._observed):
                with contextlib.suppress(Exception), self._held(self._observed):
                    self._set(key)  # the controls' values: the browser has them
        finally:
            self._recording = False
        self._send_all()
        self.frames, self.base, self._pending = [], None, []
        self.schedule()
