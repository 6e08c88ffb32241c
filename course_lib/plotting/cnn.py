"""Figures for the convolution lessons: kernels, filter responses, which cells a stride visits.

Pure functions returning a ``matplotlib.figure.Figure``; they draw arrays they are given and
compute no convolutions themselves (``course_lib.conv`` does that).
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from course_lib.conv import conv_output_size, visited_mask  # visited_mask: kept importable here
from course_lib.plotting import annotate_values, new_figure, show_image, show_signed, signed_limit

__all__ = ["visited_mask", "plot_kernels", "plot_responses", "plot_grids", "plot_coverage"]


def plot_kernels(named: dict[str, np.ndarray], title: str = "") -> Figure:
    """Small kernels side by side, in a diverging map centred on zero, each entry written on it."""
    fig, axes = new_figure(ncols=len(named), size=(2.4 * len(named), 2.6))
    for ax, (name, k) in zip(axes[0], named.items()):
        k = np.asarray(k, dtype=float)
        show_signed(ax, k, name, colorbar=True)
        annotate_values(ax, k, fmt="{:.3g}")
        # the lecture indexes a (2M+1) x (2N+1) kernel from -M to M: label the centre 0
        ax.set_xticks(range(k.shape[1]), [str(v - k.shape[1] // 2) for v in range(k.shape[1])])
        ax.set_yticks(range(k.shape[0]), [str(v - k.shape[0] // 2) for v in range(k.shape[0])])
        ax.set_xlabel("n")
        ax.set_ylabel("m")
    if title:
        fig.suptitle(title, fontsize=11)
    return fig


def plot_responses(image: np.ndarray, responses: dict[str, np.ndarray], credit: str = "",
                   ncols: int = 3, as_image: tuple[str, ...] = (), saturate: float = 0.99) -> Figure:
    """The input image (gray) and each filter's output.

    Args:
        image: (H, W) input, drawn in gray.
        responses: name -> (H', W') output. An output with no negative values is drawn in gray
            from its min to its max; a signed one in a diverging map centred on zero whose limit
            is the ``saturate`` quantile of ``|output|`` (edge maps are sparse: scaled to their
            single strongest pixel they fade to white), with a colour bar whose arrows mark
            values beyond the limit.
        as_image: names of outputs that are images (a sharpen: it keeps brightness and only
            overshoots a little at edges), drawn in gray on the input's range like the input,
            so they can be compared with it; overshoots show as pure black or white.
        saturate: quantile in [0.5, 1]; 1 uses the largest ``|output|``.
    """
    if not 0.5 <= saturate <= 1.0:
        raise ValueError(f"saturate must be a quantile in [0.5, 1], got {saturate!r}")
    unknown = set(as_image) - set(responses)
    if unknown:
        raise KeyError(f"as_image names {sorted(unknown)} are not among the responses "
                       f"{list(responses)}")
    image = np.asarray(image)
    panels = [("input", image)] + [(k, np.asarray(v)) for k, v in responses.items()]
    nrows = -(-len(panels) // ncols)
    fig, axes = new_figure(ncols=ncols, nrows=nrows, size=(3.0 * ncols, 2.9 * nrows))
    for ax, (name, a) in zip(axes.ravel(), panels):
        if name == "input":
            show_image(ax, a, name)
        elif name in as_image:
            show_image(ax, a, f"{name} (gray)", colorbar=True,
                       vmin=float(image.min()), vmax=float(image.max()))
        elif a.min() >= 0:
            show_image(ax, a, name, colorbar=True)
        else:
            lim = float(np.quantile(np.abs(a), saturate)) or signed_limit(a)
            im = show_image(ax, a, name, cmap="RdBu_r", vmin=-lim, vmax=lim)
            fig.colorbar(im, ax=ax, shrink=0.8, extend="both" if lim < np.abs(a).max() else "neither")
    for ax in axes.ravel()[len(panels):]:
        ax.set_axis_off()
    if credit:
        fig.text(0.01, 0.0, credit, fontsize=7, color="#555", va="bottom")
    return fig


def plot_grids(arrays: dict[str, np.ndarray], signed: bool | None = None, fmt: str = "{:g}",
               colorbar: bool = False) -> Figure:
    """Small arrays side by side with every value written on its cell (to check on paper).

    ``signed=None`` picks per array: diverging map if it has negative values, else gray
    (darker is larger, so that the written values stay readable). ``colorbar=True`` draws each
    grid's scale beside it.
    """
    fig, axes = new_figure(ncols=len(arrays), size=((3.1 if colorbar else 2.5) * len(arrays), 2.7))
    for ax, (name, a) in zip(axes[0], arrays.items()):
        a = np.asarray(a, dtype=float)
        if signed or (signed is None and a.min() < 0):
            show_signed(ax, a, name, colorbar=colorbar)
        else:
            show_image(ax, a, name, cmap="Greys", colorbar=colorbar, vmin=min(0.0, a.min()),
                       vmax=max(a.max(), 1e-9) * 1.6)
        annotate_values(ax, a, fmt=fmt)
        ax.set_xticks(range(a.shape[1]))
        ax.set_yticks(range(a.shape[0]))
    return fig


def plot_coverage(h: int, w: int, kernel_size: int, stride: int = 1, padding: int = 0,
                  title: str | None = None) -> Figure:
    """The padded input of a strided scan: padding, cells read by some window, and cells never
    read (red), with the first window outlined.

    Args:
        h, w: input height and width; kernel_size, stride, padding: of the scan (square).
    """
    hp, wp = h + 2 * padding, w + 2 * padding
    visited = visited_mask((hp, wp), kernel_size, stride)
    code = np.where(visited, 1, 2)                            # 1 read, 2 never read
    pad = np.ones((hp, wp), dtype=bool)
    pad[padding:padding + h, padding:padding + w] = False
    code = np.where(pad & visited, 0, code)                   # 0 padding that is read
    code = np.where(pad & ~visited, 3, code)                  # 3 padding never read
    cmap = ListedColormap(["#d9d9d9", "#cfe3f7", "#f4a3a3", "#e8c7c7"])
    fig, axes = new_figure(size=(3.0, 3.0))
    ax = axes[0, 0]
    ax.imshow(code, cmap=cmap, vmin=-0.5, vmax=3.5, interpolation="nearest")
    ax.set_xticks(np.arange(-0.5, wp, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, hp, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=1)
    ax.tick_params(which="minor", length=0)
    ax.add_patch(Rectangle((-0.5, -0.5), kernel_size, kernel_size, fill=False, ec="#e07b00", lw=2.5))
    for (i, j), c in np.ndenumerate(code):
        if c >= 2:
            ax.text(j, i, "×", ha="center", va="center", color="#a4262c", fontsize=9)
    ho = conv_output_size(h, kernel_size, stride, padding)
    wo = conv_output_size(w, kernel_size, stride, padding)
    ax.set_title(title or f"{h}x{w}, k={kernel_size}, s={stride}, p={padding} → {ho}x{wo}",
                 fontsize=9)
    where = " (padded input)" if padding else ""
    ax.set_xlabel("column" + where)
    ax.set_ylabel("row" + where)
    labels = ["zero padding", "input, read", "never read", "padding, never read"]
    handles = [Rectangle((0, 0), 1, 1, color=cmap(k)) for k in range(4)]
    present = [k for k in range(4) if (code == k).any()]
    fig.legend([handles[k] for k in present], [labels[k] for k in present], loc="outside lower center",
               ncols=2, fontsize=7, frameon=False)
    return fig
