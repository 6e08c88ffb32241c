"""What every explorer shares: one widget, one message, the last good output, a learner's
function called safely, and updates that collapse to the latest.

An explorer subclasses :class:`Explorer`, builds its controls and ``self.widget`` (the whole view,
with ``self.status`` somewhere in it), observes its controls with ``self.request_update`` and
implements ``update()``: read the controls, compute with course_lib, draw. A problem inside
``update()`` (a learner's function that raised, a setting that does not fit) is reported with
``self.show_problem(why)`` and the last good picture stays; ``update()`` never raises into the
notebook (``request_update`` catches what slips through and reports it the same way).

Collapse to the latest: while an update runs, further requests only mark the explorer stale;
when the running update ends, exactly one more runs, reading the controls' latest values. The
browser side already keeps at most one change per control in flight (ipywidgets sends the next
one when the kernel is idle again), so a drag across ten steps costs two or three updates, not ten.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable

import ipywidgets as W

from course_lib.exercises import TimeLimitExceeded, call_with_time_limit

__all__ = ["Explorer", "learner_error"]


def learner_error(e: BaseException) -> str:
    """What to tell a learner whose function raised ``e`` (no traceback, no memory address)."""
    if isinstance(e, NotImplementedError):
        return "your function raised NotImplementedError: finish the exercise, then run it again"
    if isinstance(e, TimeLimitExceeded):
        return f"your function {e}"
    return f"your function raised {type(e).__name__}: {e}"


class Explorer:
    """Base of every explorer.

    Attributes:
        widget: the whole explorer (an ipywidgets container); the explorer displays as it.
        status: the ipywidgets.HTML where problems are written (CSS class ``cl-explorer-msg``).
        message: '' when the picture matches the controls, otherwise why the last change
            could not be shown (a str; the same text is in ``status``).
        output: the last good result the picture shows (None before the first one).
        updates: how many updates have run (tests use it to see collapsing).
    """

    widget: W.Widget
    output = None

    def __init__(self) -> None:
        self.status = W.HTML()
        self.status.add_class("cl-explorer-msg")
        self._message = ""
        self._running = False
        self._stale = False
        self.updates = 0
        self._lock = threading.RLock()  # updates and prefetching never overlap
        self.prefetcher = None

    # ---- pictures ready before the hand moves (course_lib.widgets.prefetch) -------------------
    def prefetch_sliders(self) -> list:
        """The sliders whose neighbouring settings are drawn ahead of time once the explorer
        is displayed in a kernel. Subclasses list theirs; an explorer that calls a learner's
        function returns [] (see course_lib.widgets.prefetch)."""
        return []

    def start_prefetching(self):
        """Make (once) and return the :class:`~course_lib.widgets.prefetch.Prefetcher`, which
        computes the neighbours when the kernel is idle (None when there is nothing to vary)."""
        if self.prefetcher is None and self.prefetch_sliders():
            from course_lib.widgets.prefetch import Prefetcher

            self.prefetcher = Prefetcher(self)
            self.prefetcher.schedule()
        return self.prefetcher

    # ---- display ------------------------------------------------------------------------------
    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        if name == "widget" and isinstance(value, W.Widget):
            # displaying the widget itself (``explorer.widget`` as a cell's last line) also
            # starts prefetching, as displaying the explorer does
            show = type(value)._repr_mimebundle_.__get__(value)

            def shown(**kwargs):
                self.start_prefetching()
                return show(**kwargs)

            value._repr_mimebundle_ = shown

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)  # (which starts prefetching)

    @property
    def explorer(self) -> Explorer:
        """The explorer itself (older code read ``factory(...).explorer``)."""
        return self

    # ---- messages -----------------------------------------------------------------------------
    @property
    def message(self) -> str:
        return self._message

    def show_problem(self, why: str) -> None:
        """Report ``why`` inside the widget; the last good picture stays."""
        self._message = why
        kept = ("showing the last good output" if self.output is not None
                else "nothing to show until this is fixed")
        self.status.value = (f'<span style="color:#a4262c">&#9888; {html.escape(why)}; '
                             f"{kept}.</span>")

    def clear_problem(self) -> None:
        if self._message:
            self._message = ""
            self.status.value = ""

    # ---- a learner's function -----------------------------------------------------------------
    @staticmethod
    def call_learner(fn: Callable, *args, **kwargs):
        """``fn(*args, **kwargs)`` within the exercises' time limit (raises TimeLimitExceeded
        rather than freezing the kernel); whatever it raises is for :func:`learner_error`."""
        return call_with_time_limit(fn, *args, **kwargs)

    # ---- updates ------------------------------------------------------------------------------
    def update(self) -> None:
        """Read the controls, compute, draw. Subclasses implement it; it is a plain method."""
        raise NotImplementedError

    def request_update(self, *_) -> None:
        """What controls call on a change: run ``update()`` now, or, if one is running, once
        more after it with the latest values. Never raises into the notebook."""
        if self._running:
            self._stale = True
            return
        with self._lock:
            self._running = True
            try:
                self._stale = True
                while self._stale:
                    self._stale = False
                    self.updates += 1
                    try:
                        self.update()
                    except Exception as e:  # noqa: BLE001 - a widget callback must not raise
                        self.show_problem(f"{type(e).__name__}: {e}")
            finally:
                self._running = False
            if self.prefetcher is not None and not self.prefetcher._recording:
                self.prefetcher.invalidate()  # the picture changed: new neighbours
