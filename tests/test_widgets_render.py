"""The widgets' picture helpers: PNG encoding and redrawing a matplotlib figure by blitting."""

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from course_lib.widgets._render import Blitter, to_png, to_rgb


def _decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)))


@pytest.mark.parametrize("channels", [3, 4])
def test_png_round_trips_exactly(channels):
    rgb = np.random.default_rng(0).integers(0, 256, (7, 5, channels), dtype=np.uint8)
    assert np.array_equal(_decode(to_png(rgb)), rgb)
    view = np.dstack([rgb, rgb])[..., :channels]  # a strided view is encoded as its values
    assert np.array_equal(_decode(to_png(view)), rgb)


def test_png_of_a_2d_array_uses_the_colormap():
    a = np.array([[0.0, 1.0], [0.5, 2.0]])
    assert np.array_equal(_decode(to_png(a, "viridis", 0, 1, scale=2)),
                          to_rgb(a, "viridis", 0, 1, scale=2))
    with pytest.raises(ValueError, match="3 or 4 channels"):
        to_png(np.zeros((2, 2, 2), np.uint8))


def _full_draw(fig) -> np.ndarray:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def _figure():
    fig = Figure(figsize=(4, 2), dpi=80)
    left, right = fig.add_subplot(1, 2, 1), fig.add_subplot(1, 2, 2)
    (a,) = left.plot([0, 1, 2], [0, 1, 0], lw=2)
    (b,) = right.plot([0, 1, 2], [1, 2, 3], lw=2)
    left.set_ylim(-1, 2)
    return fig, left, right, a, b


def test_blitted_pictures_equal_full_draws_and_keys_keep_backgrounds():
    fig, left, right, a, b = _figure()
    blit = Blitter(fig, [a, b], keyed=[right], fast_text=False)
    pictures = {}
    for scale in (1.0, 10.0, 1.0, 10.0):
        a.set_ydata([0, scale / 10, 0])
        b.set_ydata(np.array([1, 2, 3]) * scale)
        right.set_ylim(0, 4 * scale)
        pictures[scale] = blit.png(key=(scale,))
    assert blit.full_draws == 1 and blit.keyed_draws == 2  # each key drawn once
    for scale, png in pictures.items():
        fresh, left2, right2, a2, b2 = _figure()
        a2.set_ydata([0, scale / 10, 0])
        b2.set_ydata(np.array([1, 2, 3]) * scale)
        right2.set_ylim(0, 4 * scale)
        assert np.array_equal(_decode(png), _full_draw(fresh))


def test_fast_text_writes_a_label_where_matplotlib_does():
    fig = Figure(figsize=(3, 1), dpi=80)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.axis("off")
    label = ax.text(0.5, 0.5, "12.3%", ha="center", va="center", fontsize=12)
    slow = _full_draw(fig)
    fast = _decode(Blitter(fig, [label]).png())

    def ink(img):  # the bounding box of the dark pixels
        rows, cols = np.nonzero(img.min(axis=2) < 128)
        return rows.min(), rows.max(), cols.min(), cols.max()

    assert np.allclose(ink(fast), ink(slow), atol=2)
    math = ax.text(0.1, 0.1, "$x_1$")  # mathtext is left to matplotlib
    assert Blitter(fig, [math]).png()[:4] == b"\x89PNG"


def _wide_figure():
    fig = Figure(figsize=(10, 3), dpi=80)
    left, right = fig.add_axes((0.1, 0.2, 0.3, 0.6)), fig.add_axes((0.6, 0.2, 0.3, 0.6))
    (a,) = left.plot([0, 1, 2], [0, 1, 0], lw=2)
    (b,) = right.plot([0, 1, 2], [1, 2, 3], lw=2)
    return fig, left, right, a, b


@pytest.mark.parametrize("make, draws", [(_wide_figure, 4), (_figure, 8)])
def test_keyed_axes_each_keep_their_own_backgrounds(make, draws):
    """Apart, each keyed axes is drawn once per key of its own (left 1, 2; right 1, 3); too
    close for separate slots, once per combination of keys (four, two axes each)."""
    fig, left, right, a, b = make()
    blit = Blitter(fig, [a, b], keyed=[left, right], fast_text=False)
    for lk, rk in ((1, 1), (2, 1), (1, 1), (1, 3), (2, 3)):
        left.set_ylim(-lk, 2 * lk)
        right.set_ylim(0, 4 * rk)
        png = blit.png((lk, rk))
    assert blit.full_draws == 1 and blit.keyed_draws == draws
    fresh, left2, right2, a2, b2 = make()
    left2.set_ylim(-2, 4)
    right2.set_ylim(0, 12)
    assert np.array_equal(_decode(png), _full_draw(fresh))
    with pytest.raises(ValueError, match="one per keyed axes"):
        blit.png(1)
