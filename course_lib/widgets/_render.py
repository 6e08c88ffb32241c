"""Fast array -> PNG rendering for widgets (an ipywidgets.Image redraw costs a few ms,
a new matplotlib figure costs a hundred)."""

from __future__ import annotations

import io

import numpy as np
from matplotlib import colormaps
from PIL import Image

__all__ = ["to_rgb", "to_png", "colorbar_png", "figure_png"]


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
    """PNG bytes of ``to_rgb(...)`` (or of an (H, W, 3) uint8 array given directly)."""
    rgb = a if (a.ndim == 3 and a.dtype == np.uint8) else to_rgb(a, cmap, vmin, vmax, scale)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def figure_png(fig) -> bytes:
    """A matplotlib Figure as PNG bytes for an ipywidgets.Image (dpi 80, fast compression)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def colorbar_png(cmap: str = "RdBu_r", height: int = 128, width: int = 14) -> bytes:
    """A vertical colour bar (top = high) as PNG bytes; label its ends with the limits."""
    col = np.linspace(1.0, 0.0, height, dtype=np.float32)[:, None].repeat(width, axis=1)
    return to_png(col, cmap, 0.0, 1.0)
