"""The VGG explorer of lesson 07: totals and where the parameters and the compute live.

Pick a configuration of Table 1, a channel width and an input size, and watch the totals and
the per-layer shares of parameters and multiply-accumulates change.

:func:`vgg_explorer` builds a :class:`VGGExplorer` and returns its widget. Its ``update()``
reads the controls, calls ``course_lib.vgg.layer_table`` (the counting) and
``course_lib.plotting.vgg.plot_budget`` (the chart): no maths lives here. Invalid settings show
a message inside the widget and keep the last good output. Tests set a control's ``.value`` and
read ``table``, ``summary`` and ``chart``.
"""

from __future__ import annotations

import html
import math
import numbers

import ipywidgets as W

from course_lib import vgg
from course_lib.plotting.vgg import plot_budget
from course_lib.widgets._render import figure_png

__all__ = ["VGGExplorer", "vgg_explorer"]

_CSS = """<style>
.cl-vgg-msg {color:#a4262c; font-family:sans-serif; min-height:1.2em}
.cl-vgg-summary pre {margin:4px 0; font-size:12px}
</style>"""

# the width slider moves in powers of two, 2**-4 = 1/16 .. 2**1 = 2
_WIDTH_EXPONENTS = (-4, 1)
_SIZE_RANGE = (32, 448, 32)


class VGGExplorer:
    """Totals and the parameters / compute chart of one VGG configuration, live.

    Args:
        config: the starting configuration, a key of ``course_lib.vgg.VGG_CONFIGS``.
        width: the starting channel multiplier, a power of two from 1/16 to 2.
        input_size: the starting side of the square input, 32 to 448 in steps of 32.

    Attributes after ``update()``: ``table`` (the ``LayerTable``), ``summary`` (its one-line
    totals, as the widget shows them), ``chart`` (``ipywidgets.Image`` with ``plot_budget``'s
    figure), ``ok`` (False while the settings are invalid), ``message`` (the error shown).
    """

    def __init__(self, config: str = "D", width: float = 1.0, input_size: int = 224):
        if not isinstance(config, str) or config not in vgg.VGG_CONFIGS:
            raise KeyError(f"config must be one of {list(vgg.VGG_CONFIGS)}, got {config!r}")
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
        self.message = W.HTML()
        self.message.add_class("cl-vgg-msg")
        self.table: vgg.LayerTable | None = None
        self.summary = ""
        self.ok = False
        self.widget = W.VBox([W.HTML(_CSS), self.config, self.width, self.input_size,
                              self.message, self.summary_box, self.chart])
        self.widget.add_class("vgg-explorer")
        for c in (self.config, self.width, self.input_size):
            c.observe(self.update, names="value")
        self.update()

    def update(self, *_):
        """Count the layers for the current settings and redraw; errors go to ``message``."""
        try:
            table = vgg.layer_table(self.config.value, input_size=int(self.input_size.value),
                                    width=float(self.width.value))
        except (ValueError, TypeError, KeyError) as e:
            self.ok = False
            self.message.value = html.escape(f"{type(e).__name__}: {e} "
                                             "(showing the last good output)")
            return
        fig = plot_budget(table)
        self.ok = True
        self.message.value = ""
        self.table, self.summary = table, table.summary()
        self.summary_box.value = f"<pre>{html.escape(self.summary)}</pre>"
        self.chart.value = figure_png(fig)


def vgg_explorer(**kwargs) -> W.VBox:
    """Build a :class:`VGGExplorer` and return its widget (arguments as the class).

    Example:
        >>> vgg_explorer(config="A", width=0.5, input_size=64)  # doctest: +SKIP
    """
    explorer = VGGExplorer(**kwargs)
    explorer.widget.explorer = explorer  # keep a handle for tests and curious learners
    return explorer.widget
