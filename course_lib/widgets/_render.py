"""Fast pictures for widgets: array -> PNG (a few ms), and matplotlib figures redrawn by
blitting (a new matplotlib figure costs a hundred ms, redrawing only what changed a few)."""

from __future__ import annotations

import io
import struct
import zlib
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from functools import lru_cache

import numpy as np
from matplotlib import colormaps
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.text import Text
from matplotlib.transforms import Bbox
from PIL import Image, ImageDraw, ImageFont

__all__ = ["to_rgb", "to_png", "colorbar_png", "figure_png", "Blitter"]


def to_rgb(a: np.ndarray, cmap: str = "gray", vmin: float | None = None,
           vmax: float | None = None, scale: int = 1) -> np.ndarray:
    """Map a 2-D array to uint8 RGB with a colormap; ``scale`` repeats pixels (nearest)."""
    a = np.asarray(a, dtype=np.float32)
    if a.ndim != 2:
        raise ValueError(f"a must be 2-D, got shape {a.shape}")
    lo = float(np.min(a)) if vmin is None else float(vmin)
    hi = float(np.max(a)) if vmax is None else float(vmax)
    span = hi - lo if hi > lo else 1.0
    t = np.clip((a - lo) / span, 0.0, 1.0)
    lut = (colormaps[cmap](np.linspace(0.0, 1.0, 256))[:, :3] * 255).astype(np.uint8)
    rgb = lut[(t * 255).astype(np.uint8)]
    if scale > 1:
        rgb = rgb.repeat(scale, axis=0).repeat(scale, axis=1)
    return rgb


def to_png(a: np.ndarray, cmap: str = "gray", vmin: float | None = None,
           vmax: float | None = None, scale: int = 1) -> bytes:
    """PNG bytes of ``to_rgb(...)`` (or of an (H, W, 3) or (H, W, 4) uint8 array given directly)."""
    rgb = a if (a.ndim == 3 and a.dtype == np.uint8) else to_rgb(a, cmap, vmin, vmax, scale)
    return _encode_png(rgb)


def _encode_png(rgb: np.ndarray) -> bytes:
    """A PNG written directly: no row filter and zlib level 1 take a third of PIL's time for
    a figure (mostly flat colour), and the file comes out no larger."""
    h, w, channels = rgb.shape
    if channels not in (3, 4):
        raise ValueError(f"an image must have 3 or 4 channels, got shape {rgb.shape}")
    rows = np.empty((h, w * channels + 1), dtype=np.uint8)
    rows[:, 0] = 0  # filter type 0 (none) on every row
    rows[:, 1:].reshape(h, w, channels)[...] = rgb  # one copy, also from a strided view
    header = struct.pack(">IIBBBBB", w, h, 8, 2 if channels == 3 else 6, 0, 0, 0)
    return b"".join([b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header),
                     _chunk(b"IDAT", zlib.compress(rows, 1)), _chunk(b"IEND", b"")])


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def figure_png(fig) -> bytes:
    """A matplotlib Figure as PNG bytes for an ipywidgets.Image (dpi 80, fast compression)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def colorbar_png(cmap: str = "RdBu_r", height: int = 128, width: int = 14) -> bytes:
    """A vertical colour bar (top = high) as PNG bytes; label its ends with the limits."""
    col = np.linspace(1.0, 0.0, height, dtype=np.float32)[:, None].repeat(width, axis=1)
    return to_png(col, cmap, 0.0, 1.0)


class Blitter:
    """Redraw a matplotlib figure by drawing only the artists that change.

    The figure is drawn once without its ``dynamic`` artists (they are marked animated); that
    background (axes, ticks, labels, titles, everything static) is kept. Each :meth:`png`
    restores it and draws only the dynamic artists on top, in the order given, so legends
    listed last stay above the lines.

    What a few axes show may also depend on a setting that changes now and then (their
    y-limits, say): list them as ``keyed`` and pass, as ``key``, a tuple with that setting for
    each of them. They are left out of the background and each is drawn on its own once per
    key of its own (the ``cache_size`` most recent are kept), into its slot (its box with room
    for tick labels and titles), so a new key costs one axes, not the whole figure, and a key
    seen before costs nothing. (If the slots of keyed axes overlap, each combination of keys
    is kept as a whole canvas instead.) Without ``keyed`` a new key redraws the whole
    background.

    The figure's layout is computed at the first draw and then frozen, so every background
    and every dynamic artist share the same axes positions.

    Args:
        fig: the figure (an Agg canvas is attached to it).
        dynamic: the artists that change between pictures.
        keyed: axes whose static part depends on their part of ``key``.
        cache_size: how many backgrounds to keep.
        fast_text: write dynamic plain texts (no mathtext, not rotated, a TrueType font, as
            matplotlib's default DejaVu Sans is) with PIL, in the same font, size, colour and
            alignment, on top of the other artists: matplotlib takes about 0.6 ms per label.

    Example:
        >>> fig = Figure(figsize=(3, 2), dpi=80)
        >>> ax = fig.add_subplot()
        >>> (line,) = ax.plot([0, 1], [0, 1])
        >>> blit = Blitter(fig, [line])
        >>> png = blit.png()            # the first picture: a full draw
        >>> line.set_ydata([1, 0])
        >>> png = blit.png()            # the next: background restored, one line drawn
    """

    def __init__(self, fig: Figure, dynamic: Iterable[Artist], keyed: Iterable[Axes] = (),
                 cache_size: int = 16, fast_text: bool = True):
        self.fig = fig
        self.fast_text = fast_text
        self.canvas = FigureCanvasAgg(fig)
        self.dynamic = list(dynamic)
        for a in self.dynamic:
            a.set_animated(True)
        self.keyed = list(keyed)
        self.cache_size = int(cache_size)
        self._base = self._slots = None
        self._backgrounds: OrderedDict[Hashable, object] = OrderedDict()
        self._regions: list[OrderedDict] = []
        self.full_draws = 0
        self.keyed_draws = 0

    def png(self, key: Hashable = None) -> bytes:
        """The figure as PNG bytes, with the dynamic artists as they are now."""
        self._background(key)
        renderer = self.canvas.get_renderer()
        texts = []
        for a in self.dynamic:
            if not a.get_visible():
                continue
            if self.fast_text and _plain_text(a):
                texts.append(a)
            else:
                a.draw(renderer)
        rgba = np.asarray(self.canvas.buffer_rgba())  # the canvas itself: the next picture
        for t in texts:                              # restores what the labels cover
            _blend_text(rgba, t, self.fig.dpi)
        return to_png(rgba[..., :3])  # (a view with a stride is copied into the PNG rows)

    def _background(self, key: Hashable) -> None:
        """Put the background for ``key`` into the canvas (drawing what is not kept)."""
        if not self.keyed:
            region = self._kept(self._backgrounds, key)
            if region is None:
                region = self._store(self._backgrounds, key, self._draw_all(hide=()))
            else:
                self.canvas.restore_region(region)
            return
        if not isinstance(key, tuple) or len(key) != len(self.keyed):
            raise ValueError(f"key must be a tuple of {len(self.keyed)} keys, one per keyed "
                             f"axes, got {key!r}")
        if self._base is None:
            self._base = self._draw_all(hide=self.keyed)
            self._slots = _slots(self.keyed, self.fig)
            self._regions = [OrderedDict() for _ in self.keyed]
        else:
            self.canvas.restore_region(self._base)
        if self._slots is None:  # slots that overlap: one background per combination
            region = self._kept(self._backgrounds, key)
            if region is None:
                self._draw_keyed(self.keyed)
                region = self._store(self._backgrounds, key,
                                     self.canvas.copy_from_bbox(self.fig.bbox))
            else:
                self.canvas.restore_region(region)
            return
        for ax, slot, regions, k in zip(self.keyed, self._slots, self._regions, key):
            region = self._kept(regions, k)
            if region is None:  # drawn over the base, which its slot still shows
                self._draw_keyed([ax])
                self._store(regions, k, self.canvas.copy_from_bbox(slot))
            else:
                self.canvas.restore_region(region)

    def _draw_keyed(self, axes) -> None:
        renderer = self.canvas.get_renderer()
        for ax in axes:
            ax.draw(renderer)  # its animated artists are left out
            self.keyed_draws += 1

    @staticmethod
    def _kept(cache: OrderedDict, key):
        region = cache.get(key)
        if region is not None:
            cache.move_to_end(key)
        return region

    def _store(self, cache: OrderedDict, key, region):
        cache[key] = region
        while len(cache) > self.cache_size:
            cache.popitem(last=False)
        return region

    def _draw_all(self, hide):
        if self.fig.get_layout_engine() is not None:  # lay out with every axes visible, once
            self.fig.draw_without_rendering()
            self.fig.set_layout_engine("none")  # then positions stay put
        for ax in hide:
            ax.set_visible(False)
        try:
            self.canvas.draw()  # animated artists are left out
        finally:
            for ax in hide:
                ax.set_visible(True)
        self.full_draws += 1
        return self.canvas.copy_from_bbox(self.fig.bbox)


#: Room around a keyed axes for its tick labels, axis labels and title, in pixels.
_SLOT_MARGIN = {"left": 80, "bottom": 50, "right": 12, "top": 30}


def _slots(axes: list[Axes], fig: Figure) -> list[Bbox] | None:
    """Each axes' box with room for its decorations, in display pixels; None if two overlap."""
    w, h = fig.bbox.width, fig.bbox.height
    slots = []
    for ax in axes:
        p = ax.get_window_extent()
        slots.append(Bbox.from_extents(max(p.x0 - _SLOT_MARGIN["left"], 0),
                                       max(p.y0 - _SLOT_MARGIN["bottom"], 0),
                                       min(p.x1 + _SLOT_MARGIN["right"], w),
                                       min(p.y1 + _SLOT_MARGIN["top"], h)))
    for i, a in enumerate(slots):
        if any(a.overlaps(b) for b in slots[i + 1:]):
            return None
    return slots


_PIL_ANCHOR_X = {"left": "l", "center": "m", "right": "r"}
_PIL_ANCHOR_Y = {"baseline": "s", "center": "m", "center_baseline": "m", "top": "a",
                 "bottom": "d"}


def _plain_text(a: Artist) -> bool:
    """A Text that PIL can write exactly where matplotlib would: one line, no maths, no
    rotation, a TrueType font."""
    if not isinstance(a, Text) or a.get_rotation() % 360 or a.get_usetex():
        return False
    s = a.get_text()
    return ("\n" not in s and not (a._parse_math and s.count("$") >= 2)
            and a.get_horizontalalignment() in _PIL_ANCHOR_X
            and a.get_verticalalignment() in _PIL_ANCHOR_Y
            and _font_file(a.get_fontproperties()).lower().endswith(".ttf"))


@lru_cache(maxsize=64)
def _font_file(props: FontProperties) -> str:
    return findfont(props)


@lru_cache(maxsize=64)
def _font(path: str, size_px: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size_px)


def _blend_text(rgba: np.ndarray, t: Text, dpi: float) -> None:
    """Write ``t`` into the (H, W, 4) uint8 canvas with PIL: the label is rendered alone (and
    kept: labels repeat), in its font, size and alignment, and blended in with its colour."""
    s = t.get_text()
    if not s:
        return
    anchor = _PIL_ANCHOR_X[t.get_horizontalalignment()] + _PIL_ANCHOR_Y[t.get_verticalalignment()]
    coverage, x0, y0 = _label_mask(_font_file(t.get_fontproperties()),
                                   t.get_fontsize() * dpi / 72.0, s, anchor)
    if coverage is None:
        return
    x, y = t.get_transform().transform(t.get_unitless_position())
    left, top = round(float(x)) + x0, round(rgba.shape[0] - float(y)) + y0
    r0, c0 = max(top, 0), max(left, 0)  # the part of the label inside the canvas
    r1 = min(top + coverage.shape[0], rgba.shape[0])
    c1 = min(left + coverage.shape[1], rgba.shape[1])
    if r1 <= r0 or c1 <= c0:
        return
    r, g, b, a = to_rgba(t.get_color(), t.get_alpha())
    alpha = coverage[r0 - top:r1 - top, c0 - left:c1 - left] * a
    region = rgba[r0:r1, c0:c1, :3]
    colour = np.array([r, g, b], dtype=np.float32) * 255.0
    region[...] = (region * (1.0 - alpha) + colour * alpha + 0.5).astype(np.uint8)


@lru_cache(maxsize=1024)
def _label_mask(path: str, size_px: float, s: str, anchor: str):
    """The label's coverage (h, w, 1) in [0, 1] and the offset of its top-left corner from the
    anchor point, rendered by PIL with the font file (None if it covers no pixel)."""
    font = _font(path, size_px)
    x0, y0, x1, y1 = font.getbbox(s, anchor=anchor)
    if x1 <= x0 or y1 <= y0:
        return None, 0, 0
    mask = Image.new("L", (x1 - x0, y1 - y0))
    ImageDraw.Draw(mask).text((-x0, -y0), s, fill=255, font=font, anchor=anchor)
    coverage = np.asarray(mask, dtype=np.float32)[..., None] / 255.0
    coverage.flags.writeable = False
    return coverage, x0, y0
