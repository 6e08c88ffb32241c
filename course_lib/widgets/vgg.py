"""The VGG explorer of lesson 07: totals and where the parameters and the compute live.

Pick a configuration of Table 1, a channel width and an input size, and watch the totals and
the per-layer shares of parameters and multiply-accumulates change.

:func:`vgg_explorer` builds a :class:`VGGExplorer` (it displays as its widget). Its
``update()`` reads the controls, calls ``course_lib.vgg.layer_table`` (the counting) and
draws ``course_lib.plotting.vgg.BudgetPicture`` (the chart of ``plot_budget``): no maths lives
here. The chart is made once per configuration; a move of the width or the input size gives
its bars, labels and totals new values and redraws only those (``_render.Blitter``). Invalid
settings show a message inside the widget and keep the last good output. Tests set a
control's ``.value`` and read ``table``, ``summary``, ``chart`` and ``message``.
"""

from __future__ import annotations

import html
import math
import numbers

import ipywidgets as W

from course_lib import vgg
from course_lib.plotting.vgg import BudgetPicture
from course_lib.widgets._base import Explorer
from course_lib.widgets._render import Blitter

__all__ = ["VGGExplorer", "vgg_explorer"]

_CSS = """<style>
.cl-vgg-msg {color:#a4262c; font-family:sans-serif; min-height:1.2em}
.cl-vgg-summary pre {margin:4px 0; font-size:12px}
</style>"""

# the width slider moves in powers of two, 2**-4 = 1/16 .. 2**1 = 2
_WIDTH_EXPONENTS = (-4, 1)
_SIZE_RANGE = (32, 448, 32)


class VGGExplorer(Explorer):
    """Totals and the parameters / compute chart of one VGG configuration, live.

    Args:
        config: the starting configuration, a key of ``course_lib.vgg.VGG_CONFIGS``.
        width: the starting channel multiplier, a power of two from 1/16 to 2.
        input_size: the starting side of the square input, 32 to 448 in steps of 32.

    Attributes after ``update()``: ``table`` (the ``LayerTable``), ``summary`` (its one-line
    totals, as the widget shows them), ``chart`` (``ipywidgets.Image`` with ``plot_budget``'s
    figure), ``ok`` (False while the settings are invalid), ``message`` ('' or the problem
    shown).
    """

    def __init__(self, config: str = "D", width: float = 1.0, input_size: int = 224):
        if not isinstance(config, str):
            raise TypeError(f"config must be one of {list(vgg.VGG_CONFIGS)}, got {config!r}")
        if config not in vgg.VGG_CONFIGS:
            raise ValueError(f"config must be one of {list(vgg.VGG_CONFIGS)}, got {config!r}")
        if isinstance(width, bool) or not isinstance(width, numbers.Real) or width <= 0 \
                or not math.log2(width).is_integer() \
                or not _WIDTH_EXPONENTS[0] <= math.log2(width) <= _WIDTH_EXPONENTS[1]:
            raise ValueError(f"width must be a power of two from 1/16 to 2 (the slider's "
                             f"values), got {width!r}")
        lo, hi, step = _SIZE_RANGE
        if isinstance(input_size, bool) or not isinstance(input_size, numbers.Integral) \
                or not lo <= input_size <= hi or input_size % step:
            raise ValueError(f"input_size must be a multiple of {step} from {lo} to {hi}, got "
                             f"{input_size!r}")
        super().__init__()
        self.config = W.Dropdown(options=list(vgg.VGG_CONFIGS), value=config,
                                 description="config")
        self.width = W.FloatLogSlider(value=float(width), base=2, min=_WIDTH_EXPONENTS[0],
                                      max=_WIDTH_EXPONENTS[1], step=1, description="width")
        self.input_size = W.IntSlider(value=int(input_size), min=lo, max=hi, step=step,
                                      description="input_size")
        self.summary_box = W.HTML()
        self.summary_box.add_class("cl-vgg-summary")
        self.chart = W.Image(format="png")
        self.chart.add_class("cl-vgg-chart")
        self.status.add_class("cl-vgg-msg")
        self.table: vgg.LayerTable | None = None
        self.summary = ""
        self.ok = False
        self._pictures: dict[str, tuple[BudgetPicture, Blitter]] = {}
        self.widget = W.VBox([W.HTML(_CSS), self.config, self.width, self.input_size,
                              self.status, self.summary_box, self.chart])
        self.widget.add_class("vgg-explorer")
        for c in (self.config, self.width, self.input_size):
            c.observe(self.request_update, names="value")
        self.request_update()

    def prefetch_sliders(self) -> list:
        return [self.input_size, self.width]

    def update(self) -> None:
        """Count the layers for the current settings and redraw; problems go to ``message``."""
        try:
            table = vgg.layer_table(self.config.value, input_size=int(self.input_size.value),
                                    width=float(self.width.value))
        except (ValueError, TypeError) as e:
            self.ok = False
            self.show_problem(f"{type(e).__name__}: {e}")
            return
        picture, blit = self._picture(table)
        picture.show(table)
        self.chart.value = blit.png((picture.key,))
        self.ok = True
        self.clear_problem()
        self.table, self.summary = table, table.summary()
        self.output = self.table
        self.summary_box.value = f"<pre>{html.escape(self.summary)}</pre>"

    def _picture(self, table: vgg.LayerTable) -> tuple[BudgetPicture, Blitter]:
        """The chart of this configuration (six at most, one per configuration), made once."""
        kept = self._pictures.get(table.config)
        if kept is None or not kept[0].fits(table):
            picture = BudgetPicture(table)
            kept = self._pictures[table.config] = (picture, Blitter(
                picture.fig, picture.dynamic, keyed=picture.keyed, cache_size=6))
        return kept


def vgg_explorer(**kwargs) -> VGGExplorer:
    """Build a :class:`VGGExplorer` (arguments as the class); it displays as its widget.

    Example:
        >>> vgg_explorer(config="A", width=0.5, input_size=64)  # doctest: +SKIP
    """
    return VGGExplorer(**kwargs)
