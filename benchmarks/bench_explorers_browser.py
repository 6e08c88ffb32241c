"""What the learner feels: an explorer's latency from a key press to its new picture, in
JupyterLab in headless Chromium, for every lesson with an explorer.

    flock /tmp/heavy.lock .venv/bin/python benchmarks/bench_explorers_browser.py [--lessons 01 07]
        [--steps N] [--target-ms 50] [--settle-ms 300]

It starts JupyterLab (tools/labdriver.py), opens each lesson of EXPLORERS in a fresh
workspace, runs all its cells, and then, for each explorer row, moves the control the way a
learner does: a slider's handle is focused and gets ArrowRight N times, then ArrowLeft N times
(so half the moves revisit a setting, as a hand going back and forth does); a text box gets
each value typed and Enter. For every move the page itself measures, with timestamps taken in
the page: from the input event (``event.timeStamp`` of the keydown) to the start of the frame
that paints the explorer's last change (a MutationObserver sees the change; for an <img> the
new picture is decoded first; then one requestAnimationFrame). A move counts as done when the
explorer has been quiet for ``--settle-ms``; a move that changes nothing (a slider at its end)
is left out.

Then it times the same moves on the Python side, in the learner's kernel (jupyter_client on the
kernel's connection file): the control's ``.value`` is set from Python and the assignment,
which runs the explorer's update and sends its new picture, is timed with perf_counter.

It prints one row per explorer (median and worst latency, the Python-side median) and exits
with status 1 if any median is above the target (or an explorer could not be measured).
Numbers vary with the machine's load: run it alone, under the heavy lock.

To add an explorer, add a Row to EXPLORERS. A new kind of move (e.g. pointing: hover over an
output cell, with the clock started by ``pointermove``) is a class with ``kind``,
``trigger_event``, ``actions(page, explorer)`` (an iterator of zero-argument callables, one
per move, that perform it through Playwright) and ``kernel_code()`` (Python source run in the
kernel that prints a JSON list of milliseconds, or None when there is no Python-side twin).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

TARGET_MS = 50.0
VERBOSE = False
#: The explorers' own controls: their changes (a slider's readout) are not the picture.
CONTROLS = (".widget-slider, .widget-readout, .widget-text, .widget-dropdown, .widget-play, "
            "input, select, datalist")


@dataclass(frozen=True)
class Slider:
    """Focus the handle of the slider labelled ``label``; ArrowRight ``steps`` times, then
    ArrowLeft as many times."""

    label: str
    steps: int | None = None  # None: the --steps of the command line
    kind = "slider"
    trigger_event = "keydown"

    def handle(self, page, explorer):
        control = explorer.locator(".widget-slider", has=page.locator(
            ".widget-label", has_text=self.label)).first
        return control.locator(".noUi-handle")

    def actions(self, page, explorer, steps: int) -> Iterator[Callable[[], None]]:
        handle = self.handle(page, explorer)
        handle.focus()
        for key in ["ArrowRight"] * steps + ["ArrowLeft"] * steps:
            yield lambda key=key: handle.press(key)

    def kernel_code(self, roots: list[str], steps: int) -> str:
        return KERNEL_HELPERS + (f"_time_slider({roots!r}, {self.label!r}, {steps})")


@dataclass(frozen=True)
class Text:
    """Type each of ``values`` into the text box labelled ``label`` and press Enter."""

    label: str
    values: tuple[str, ...] = field(default=())
    kind = "text"
    trigger_event = "keydown"

    def actions(self, page, explorer, steps: int) -> Iterator[Callable[[], None]]:
        box = explorer.locator(".widget-text", has=page.locator(
            ".widget-label", has_text=self.label)).first.locator("input")

        def move(value):
            box.fill(value)
            box.press("Enter")  # the clock starts at this keydown
            box.press("Tab")    # leaving the box commits it, as a click elsewhere does

        for v in self.values:
            yield lambda v=v: move(v)

    def kernel_code(self, roots: list[str], steps: int) -> str:
        return KERNEL_HELPERS + f"_time_text({roots!r}, {self.label!r}, {list(self.values)!r})"


@dataclass(frozen=True)
class Pointer:
    """Move the mouse over ``cells`` output cells of the explorer's board in turn (real pointer
    events; the clock starts at the ``pointermove``). The board is the anywidget of lessons 04
    and 06: hovering over an output cell highlights its window and writes out its sum."""

    label: str = "output cell"
    cells: int = 8
    kind = "pointer"
    trigger_event = "pointermove"

    def actions(self, page, explorer, steps: int) -> Iterator[Callable[[], None]]:
        tds = explorer.locator("table[data-grid=output] td")
        n = tds.count()
        for k in range(self.cells):
            td = tds.nth((k * 5 + 1) % n)  # a different cell each time, scattered

            def move(td=td):
                box = td.bounding_box()
                page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

            yield move

    def kernel_code(self, roots: list[str], steps: int) -> str:
        return KERNEL_HELPERS + f"_time_pointer({roots!r}, {self.cells})"


@dataclass(frozen=True)
class Row:
    """One explorer of one lesson and the move that is timed.

    lesson: the notebook's stem; explorer: the name printed; css: the explorer's container
    (its first match on the page); move: a Slider, a Text or another kind of move; picture:
    CSS of what counts as its picture (None: everything inside ``css`` but the controls).
    """

    lesson: str
    explorer: str
    css: str
    move: Slider | Text | Pointer
    picture: str | None = None

    def roots(self) -> list[str]:
        """The CSS classes in ``css``: the kernel looks for the control under widgets that
        carry one of them."""
        return [c for c in _css_classes(self.css) if not c.startswith("widget-")]


EXPLORERS: list[Row] = [
    Row("00_start_here", "start-here slider", ".widget-vbox:has(.start-here-slider)",
        Slider("n", steps=3)),
    Row("01_rnn_unrolling", "unroll explorer (ρ)", ".cl-rnn-unroll-explorer",
        Slider("spectral radius")),
    Row("01_rnn_unrolling", "unroll explorer (T)", ".cl-rnn-unroll-explorer",
        Slider("steps T")),
    Row("02_lstm_equations", "gate explorer", ".cl-lstm-gate-explorer", Slider("forget b_f")),
    Row("03_convolution", "kernel explorer", ".kernel-explorer", Slider("padding", steps=3)),
    Row("04_padding_and_strides", "kernel explorer", ".kernel-explorer",
        Slider("stride", steps=3)),
    Row("04_padding_and_strides", "sliding-window explorer", ".sliding-window-explorer",
        Slider("stride", steps=2)),
    Row("04_padding_and_strides", "sliding-window explorer (hover)", ".sliding-window-explorer",
        Pointer()),
    Row("05_detector_layer", "activation explorer", ".cl-activation-explorer",
        Slider("bias b")),
    Row("06_pooling_and_task_layer", "pooling explorer", ".cl-pooling-explorer",
        Slider("stride", steps=2)),
    Row("06_pooling_and_task_layer", "pooling explorer (hover)", ".cl-pooling-explorer",
        Pointer()),
    Row("07_vgg_tables", "VGG explorer", ".vgg-explorer", Slider("input_size")),
    Row("08_keras_cnn", "digit explorer", ".digit-explorer", Slider("test digit")),
    Row("09_visual_question_answering", "VQA explorer", ".vqa-explorer",
        Text("scene seed", ("3", "4", "5", "6", "7"))),
]

# Python run in the learner's kernel: find the control among the live widgets and time the
# same moves by setting its value (observers, the update and the comm messages all run
# inside the assignment).
KERNEL_HELPERS = r'''
import json as _json, math as _math, time as _time
from ipywidgets.widgets.widget import _instances as _W

def _walk(w):
    yield w
    for c in getattr(w, "children", None) or ():
        yield from _walk(c)

def _control(roots, label, want):
    for w in list(_W.values()):
        if set(getattr(w, "_dom_classes", ())) & set(roots):
            for c in _walk(w):
                if want(c) and label in (getattr(c, "description", "") or ""):
                    return c
    raise LookupError(f"no control {label!r} under a widget of class {roots}")

def _timed(control, values):
    times = []
    for v in values:
        _time.sleep(0.3)  # as between a learner's moves: the browser has drawn the last one
        t0 = _time.perf_counter()
        control.value = v
        times.append(1e3 * (_time.perf_counter() - t0))
    return times

def _time_slider(roots, label, steps):
    s = _control(roots, label, lambda c: hasattr(c, "step") and hasattr(c, "max"))
    start, values, v = s.value, [], s.value
    log = type(s).__name__ == "FloatLogSlider"
    for d in [1] * steps + [-1] * steps:
        if log:
            e = min(max(_math.log(v, s.base) + d * s.step, s.min), s.max)
            new = s.base ** e
        else:
            new = min(max(v + d * s.step, s.min), s.max)
        if new != v:
            values.append(new)
            v = new
    times = _timed(s, values)
    s.value = start
    print(_json.dumps(times))

def _time_pointer(roots, cells):
    b = _control(roots, "", lambda c: type(c).__name__ == "Board")
    out = next(g for g in b.grids if g["name"] == "output")
    n = out["rows"] * out["cols"]
    times = []
    for k in range(cells):
        r, c = divmod((k * 5 + 1) % n, out["cols"])
        _time.sleep(0.3)
        t0 = _time.perf_counter()
        b.point("output", r, c)
        times.append(1e3 * (_time.perf_counter() - t0))
    print(_json.dumps(times))

def _time_text(roots, label, values):
    t = _control(roots, label, lambda c: hasattr(c, "value") and not hasattr(c, "children"))
    start = t.value
    times = _timed(t, [type(start)(v) for v in values])
    t.value = start
    print(_json.dumps(times))
'''

# In the page: the clock starts at the trigger event; every change inside the explorer that
# is not a control is followed (an <img>: until decoded) to the next animation frame.
PAGE_START = """([root, picture, controls, trigger]) => {
    const b = window.__bench = {t0: null, last: null, pending: 0, lastChange: 0, changes: 0,
                                firstChange: null};
    const element = n => (n.nodeType === 1 ? n : n.parentElement);
    b.onTrigger = e => { if (b.t0 === null) b.t0 = e.timeStamp; };
    window.addEventListener(trigger, b.onTrigger, {capture: true});
    b.observer = new MutationObserver(records => {
        for (const r of records) {
            const el = element(r.target);
            if (!el || el.closest(controls) || (picture && !el.closest(picture))) continue;
            b.changes += 1;
            b.lastChange = performance.now();
            if (b.firstChange === null) b.firstChange = b.lastChange;
            b.pending += 1;
            const imgs = el.tagName === 'IMG' ? [el] : Array.from(el.querySelectorAll('img'));
            Promise.all(imgs.map(i => i.decode().catch(() => null))).then(() => {
                b.decoded = performance.now();
                requestAnimationFrame(() => { b.last = performance.now(); b.pending -= 1; });
            });
        }
    });
    b.observer.observe(root, {subtree: true, childList: true, attributes: true,
                              characterData: true});
}"""
PAGE_SETTLED = """(settle) => { const b = window.__bench;
    return b.t0 !== null && b.changes > 0 && b.pending === 0
        && performance.now() - b.lastChange > settle; }"""
PAGE_STOP = """(trigger) => { const b = window.__bench; b.observer.disconnect();
    window.removeEventListener(trigger, b.onTrigger, {capture: true});
    const since = t => (t === null || b.t0 === null ? null : t - b.t0);
    return {latency: since(b.last), first: since(b.firstChange), lastChange: since(b.lastChange),
            decoded: since(b.decoded || null), changes: b.changes}; }"""


def _css_classes(css: str) -> list[str]:
    """The class names in a CSS selector, in order: '.a:has(.b) .c' -> ['a', 'b', 'c']."""
    out, name, inside = [], "", False
    for ch in css + " ":
        if inside and (ch.isalnum() or ch in "-_"):
            name += ch
            continue
        if inside and name:
            out.append(name)
        inside, name = ch == ".", ""
    return out


@dataclass
class Result:
    row: Row
    latencies: list[float] = field(default_factory=list)
    python_ms: list[float] = field(default_factory=list)
    error: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.latencies) if self.latencies else None

    @property
    def worst(self) -> float | None:
        return max(self.latencies) if self.latencies else None

    @property
    def python_median(self) -> float | None:
        return statistics.median(self.python_ms) if self.python_ms else None


def verdict(results: list[Result], target_ms: float) -> tuple[int, list[str]]:
    """Exit status (0: every explorer measured and its median within the target) and the
    reasons for a 1."""
    problems = []
    for r in results:
        name = f"{r.row.explorer} ({r.row.lesson[:2]})"
        if r.error or r.median is None:
            problems.append(f"{name}: not measured ({r.error or 'no move changed it'})")
        elif r.median > target_ms:
            problems.append(f"{name}: median {r.median:.0f} ms > {target_ms:.0f} ms")
    return (1 if problems else 0), problems


def table(results: list[Result]) -> str:
    """The results as a Markdown table."""
    def ms(v):
        return "-" if v is None else f"{v:.0f}"

    lines = ["| explorer | lesson | control | moves | median ms | worst ms | Python median ms |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r.row.explorer} | {r.row.lesson[:2]} | {r.row.move.kind} "
                     f"'{r.row.move.label}' | {len(r.latencies)} | {ms(r.median)} | "
                     f"{ms(r.worst)} | {ms(r.python_median)} |"
                     + (f" {r.error}" if r.error else ""))
    return "\n".join(lines)


def _measure_row(page, explorer, row: Row, steps: int, settle_ms: int) -> list[float]:
    latencies = []
    move = row.move
    handle = move.handle(page, explorer) if isinstance(move, Slider) else None
    for act in move.actions(page, explorer, steps):
        before = handle.get_attribute("aria-valuenow") if handle is not None else None
        page.evaluate(PAGE_START, [explorer.element_handle(), row.picture, CONTROLS,
                                   move.trigger_event])
        act()
        try:
            page.wait_for_function(PAGE_SETTLED, arg=settle_ms, timeout=15_000, polling=20)
        except Exception:  # noqa: BLE001 - a move that changed nothing, or a timeout
            pass
        got = page.evaluate(PAGE_STOP, move.trigger_event)
        unchanged = handle is not None and handle.get_attribute("aria-valuenow") == before
        if got["latency"] is not None and not unchanged:
            latencies.append(got["latency"])
            if VERBOSE:
                print(f"    first change {got['first']:.0f} ms, last {got['lastChange']:.0f} ms, "
                      f"decoded {got['decoded'] or 0:.0f} ms, painted {got['latency']:.0f} ms, "
                      f"{got['changes']} changes")
    return latencies


def _python_side(lab, notebook: str, row: Row, steps: int) -> list[float]:
    code = row.move.kernel_code(row.roots(), steps)
    if code is None:
        return []
    client = lab.kernel_client(notebook)
    out = []
    try:
        def hook(msg):
            if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
                out.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                out.append(json.dumps({"error": msg["content"]["evalue"]}))
        client.execute_interactive(code, output_hook=hook, timeout=120, store_history=False)
    finally:
        client.stop_channels()
    data = json.loads("".join(out).strip().splitlines()[-1])
    if isinstance(data, dict):
        raise RuntimeError(f"kernel: {data['error']}")
    return [float(x) for x in data]


def run(rows: list[Row], steps: int, settle_ms: int,
        notebooks: Path = ROOT / "notebooks") -> list[Result]:
    from labdriver import CHROMIUM, JupyterLab, launch_chromium, open_and_run
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    results = [Result(r) for r in rows]
    lessons = list(dict.fromkeys(r.lesson for r in rows))
    with tempfile.TemporaryDirectory(prefix="bench-explorers-") as tmp:
        lab = JupyterLab(Path(tmp))
        try:
            lab.wait_ready()
            with sync_playwright() as p:
                browser = launch_chromium(p)
                try:
                    for lesson in lessons:
                        name = f"{lesson}.ipynb"
                        shutil.copy(notebooks / name, lab.root / name)
                        page = browser.new_page(viewport={"width": 1400, "height": 1000})
                        try:
                            mine = [res for res in results if res.row.lesson == lesson]
                            try:
                                open_and_run(page, lab, name, mine[0].row.css)
                            except Exception as e:  # noqa: BLE001 - reported in the table
                                for res in mine:
                                    res.error = f"lesson did not run: {type(e).__name__}"
                                continue
                            for res in mine:
                                n = getattr(res.row.move, "steps", None) or steps
                                try:
                                    explorer = page.locator(res.row.css).first
                                    explorer.scroll_into_view_if_needed()
                                    res.latencies = _measure_row(page, explorer, res.row, n,
                                                                 settle_ms)
                                    res.python_ms = _python_side(lab, name, res.row, n)
                                except Exception as e:  # noqa: BLE001 - reported in the table
                                    res.error = f"{type(e).__name__}: {str(e)[:120]}"
                                print(f"  {res.row.explorer} ({lesson[:2]}): "
                                      f"{[round(x) for x in res.latencies]} ms in the browser, "
                                      f"{[round(x) for x in res.python_ms]} ms in Python"
                                      + (f" [{res.error}]" if res.error else ""), flush=True)
                        finally:
                            page.close()
                            lab.delete_kernels()
                finally:
                    browser.close()
        finally:
            lab.stop()
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lessons", nargs="*", help="lesson numbers or stems (default: all)")
    ap.add_argument("--steps", type=int, default=4,
                    help="slider moves each way (rows that fix their own keep theirs)")
    ap.add_argument("--target-ms", type=float, default=TARGET_MS)
    ap.add_argument("--settle-ms", type=int, default=300,
                    help="quiet time after which a move counts as done")
    ap.add_argument("--notebooks", type=Path, default=ROOT / "notebooks",
                    help="where the lessons are (e.g. a folder of student copies)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="print, for every move, when the first and the last change came")
    args = ap.parse_args(argv)
    global VERBOSE
    VERBOSE = args.verbose
    rows = [r for r in EXPLORERS
            if not args.lessons or any(r.lesson.startswith(x) for x in args.lessons)]
    if not rows:
        ap.error(f"no explorer in lessons {args.lessons}")
    results = run(rows, args.steps, args.settle_ms, args.notebooks)
    print()
    print(table(results))
    status, problems = verdict(results, args.target_ms)
    print()
    print(f"target: median keydown -> new picture <= {args.target_ms:.0f} ms: "
          + ("every explorer meets it" if status == 0 else "MISSED by " + "; ".join(problems)))
    return status


if __name__ == "__main__":
    sys.exit(main())
