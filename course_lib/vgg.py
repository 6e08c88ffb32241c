"""The VGG configurations as data: Table 1, exact parameter and compute counts, a PyTorch model.

Everything here follows Simonyan, K. and Zisserman, A. (2014), "Very Deep Convolutional
Networks for Large-Scale Image Recognition", arXiv:1409.1556 (ICLR 2015):

* :data:`VGG_CONFIGS` is the paper's Table 1 (configurations A, A-LRN, B, C, D, E) written as
  data, with the paper's own layer labels: ``"conv3-64"`` is a 3x3 convolution with 64 output
  channels (stride 1, padding 1, followed by a ReLU), ``"conv1-256"`` a 1x1 convolution,
  ``"LRN"`` local response normalisation, ``"maxpool"`` 2x2 max pooling with stride 2,
  ``"FC-4096"`` a fully connected layer with 4096 outputs and ``"soft-max"`` the final soft-max.
* :func:`config_table` lays Table 1 out again from that data (HTML in a notebook, text in a
  terminal), :func:`count_parameters` and :func:`layer_table` count parameters,
  multiply-accumulates and activations exactly, :func:`receptive_field` gives the receptive
  field of a stack of layers, and :func:`build_vgg` builds the network in PyTorch.

The counting functions use plain Python integers (exact at any size); only :func:`build_vgg`
imports torch, and only when it is called.
"""

from __future__ import annotations

import contextlib
import html
import math
import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from ._args import check_size, flag, integer, real

__all__ = [
    "VGG_CONFIGS", "VGG_PREDECESSOR", "PAPER_TABLE2_MILLIONS", "LRN_SETTINGS", "VGG_REFERENCE",
    "parse_layer", "config_layers", "weight_layer_count", "new_layers", "config_table",
    "ConfigTable", "count_parameters", "layer_table", "LayerTable", "LayerRow",
    "receptive_field", "conv_stack_parameters", "build_vgg",
]

_POOL = "maxpool"
_HEAD = ("FC-4096", "FC-4096", "FC-1000", "soft-max")


def _blocks(*blocks: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """Five convolutional blocks (each closed by a max-pool), then the classifier."""
    return tuple(tuple(b) + (_POOL,) for b in blocks) + (_HEAD,)


_C64, _C128, _C256, _C512 = "conv3-64", "conv3-128", "conv3-256", "conv3-512"

#: Table 1 of the paper: configuration name -> blocks -> layer labels, top (input) to bottom.
#: Blocks 1-5 are convolutional and each ends with ``"maxpool"``; block 6 is the classifier
#: ``("FC-4096", "FC-4096", "FC-1000", "soft-max")``. Read-only (tuples in a mapping proxy).
VGG_CONFIGS: Mapping[str, tuple[tuple[str, ...], ...]] = MappingProxyType({
    "A": _blocks([_C64], [_C128], [_C256] * 2, [_C512] * 2, [_C512] * 2),
    "A-LRN": _blocks([_C64, "LRN"], [_C128], [_C256] * 2, [_C512] * 2, [_C512] * 2),
    "B": _blocks([_C64] * 2, [_C128] * 2, [_C256] * 2, [_C512] * 2, [_C512] * 2),
    "C": _blocks([_C64] * 2, [_C128] * 2, [_C256] * 2 + ["conv1-256"],
                 [_C512] * 2 + ["conv1-512"], [_C512] * 2 + ["conv1-512"]),
    "D": _blocks([_C64] * 2, [_C128] * 2, [_C256] * 3, [_C512] * 3, [_C512] * 3),
    "E": _blocks([_C64] * 2, [_C128] * 2, [_C256] * 4, [_C512] * 4, [_C512] * 4),
})

#: The configuration each one grows from; Table 1 prints the layers added to it in bold.
VGG_PREDECESSOR: Mapping[str, str | None] = MappingProxyType(
    {"A": None, "A-LRN": "A", "B": "A", "C": "B", "D": "C", "E": "D"})

#: Table 2 of the paper: number of parameters in millions.
PAPER_TABLE2_MILLIONS: Mapping[str, int] = MappingProxyType(
    {"A": 133, "A-LRN": 133, "B": 133, "C": 134, "D": 138, "E": 144})

#: torchvision's model names for the configurations it ships (without batch norm).
VGG_REFERENCE: Mapping[str, str] = MappingProxyType(
    {"A": "vgg11", "B": "vgg13", "D": "vgg16", "E": "vgg19"})

#: Local response normalisation with AlexNet's settings (Krizhevsky et al. 2012: n=5,
#: alpha=1e-4, beta=0.75, k=2), as arguments of ``torch.nn.LocalResponseNorm``. Note that
#: PyTorch (like Caffe) divides alpha by ``size`` inside the sum, AlexNet's formula does not.
LRN_SETTINGS: Mapping[str, float] = MappingProxyType(
    {"size": 5, "alpha": 1e-4, "beta": 0.75, "k": 2.0})


# ---------------------------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------------------------

def _check_config(config: Any) -> str:
    if not isinstance(config, str):
        raise TypeError(f"config must be a configuration name (str), got {type(config).__name__} "
                        f"{config!r}; valid names: {', '.join(VGG_CONFIGS)}")
    if config not in VGG_CONFIGS:
        raise ValueError(f"config {config!r} is not a configuration of Table 1; valid names: "
                       f"{', '.join(VGG_CONFIGS)}")
    return config


def _check_int(name: str, value: Any, minimum: int) -> int:
    # (name, value) order kept: lesson 07 prints _walk, which calls it
    return integer(value, name, minimum)


def _check_width(width: Any) -> float:
    return real(width, "width", above=0)  # 1.0 = the paper's widths


def _scaled(channels: int, width: float) -> int:
    """Channel count scaled by ``width``, rounded, at least 1."""
    return max(1, int(round(channels * width)))


# ---------------------------------------------------------------------------------------------
# Layers and Table 1
# ---------------------------------------------------------------------------------------------

# sizes start with 1-9 (no "conv0-64", no "FC-0"); \Z, unlike $, refuses a trailing newline
_CONV_RE = re.compile(r"^conv([1-9]\d*)-([1-9]\d*)\Z")
_FC_RE = re.compile(r"^FC-([1-9]\d*)\Z")


def parse_layer(label: str) -> dict:
    """Read one of the paper's layer labels.

    Args:
        label: ``"convK-C"`` (K x K convolution, C output channels), ``"FC-N"``, ``"maxpool"``,
            ``"LRN"`` or ``"soft-max"``.

    Returns:
        A dict with ``kind`` (``"conv"``, ``"fc"``, ``"pool"``, ``"lrn"`` or ``"softmax"``)
        and, for conv, ``kernel_size`` and ``out_channels``; for fc, ``out_features``.

    Example:
        >>> parse_layer("conv1-256")
        {'kind': 'conv', 'kernel_size': 1, 'out_channels': 256}
    """
    if not isinstance(label, str):
        raise TypeError(f"label must be a str such as 'conv3-64', got {type(label).__name__}")
    m = _CONV_RE.match(label)
    if m:
        return {"kind": "conv", "kernel_size": int(m.group(1)), "out_channels": int(m.group(2))}
    m = _FC_RE.match(label)
    if m:
        return {"kind": "fc", "out_features": int(m.group(1))}
    simple = {"maxpool": "pool", "LRN": "lrn", "soft-max": "softmax"}
    if label in simple:
        return {"kind": simple[label]}
    raise ValueError(f"label {label!r} is not a layer label of Table 1; expected 'convK-C', "
                     "'FC-N', 'maxpool', 'LRN' or 'soft-max'")


def config_layers(config: str) -> list[str]:
    """The layers of one configuration, in order from input to output (blocks flattened).

    Example:
        >>> config_layers("A")[:3]
        ['conv3-64', 'maxpool', 'conv3-128']
    """
    return [layer for block in VGG_CONFIGS[_check_config(config)] for layer in block]


def weight_layer_count(config: str) -> int:
    """Number of weight layers (convolutions and fully connected), the depth in Table 1's header.

    Example:
        >>> weight_layer_count("D")
        16
    """
    return sum(parse_layer(x)["kind"] in ("conv", "fc") for x in config_layers(config))


def new_layers(config: str) -> list[tuple[int, int]]:
    """Positions ``(block, row)`` of the layers that ``config`` adds to (or changes from) its
    predecessor in :data:`VGG_PREDECESSOR`; Table 1 prints them in bold.

    Example:
        >>> new_layers("A-LRN")
        [(0, 1)]
    """
    config = _check_config(config)
    pred = VGG_PREDECESSOR[config]
    if pred is None:
        return []
    out = []
    for b, block in enumerate(VGG_CONFIGS[config]):
        other = _body(VGG_CONFIGS[pred][b])
        for r, layer in enumerate(_body(block)):
            if r >= len(other) or other[r] != layer:
                out.append((b, r))
    return out


def _body(block: tuple[str, ...]) -> tuple[str, ...]:
    """A block without its closing max-pool (Table 1 aligns the rest row by row)."""
    return block[:-1] if block[-1] == _POOL else block


def _html_table(header: Sequence[str], body: Sequence[Sequence], *, caption: str = "",
                align: Sequence[str] = ()) -> str:
    """A plain HTML table with inline styles (notebook themes cannot re-align it).

    ``body`` cells are already-escaped HTML fragments, or ``(colspan, fragment)`` pairs;
    ``align[j]`` is the text alignment of column ``j`` (default centre).
    """
    parts = ['<table style="border-collapse:collapse;font-family:sans-serif;font-size:12px">']
    if caption:
        parts.append(f'<caption style="caption-side:top;text-align:left;padding:2px">{caption}</caption>')
    cell = "border:1px solid #999;padding:1px 6px;text-align:"
    parts.append("<thead><tr>" + "".join(
        f'<th style="{cell}center;background:#eee">{h}</th>' for h in header) + "</tr></thead><tbody>")
    for row in body:
        tds = []
        for j, c in enumerate(row):
            span, content = c if isinstance(c, tuple) else (1, c)
            where = align[j] if j < len(align) and span == 1 else "center"
            colspan = f' colspan="{span}"' if span > 1 else ""
            tds.append(f'<td{colspan} style="{cell}{where}">{content}</td>')
        parts.append("<tr>" + "".join(tds) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


@dataclass(frozen=True)
class ConfigTable:
    """Table 1 laid out from :data:`VGG_CONFIGS`: one column per configuration.

    ``rows`` holds the table as data: each row is ``("span", text)`` for a row shared by all
    configurations (input, maxpool, FC layers, soft-max) or ``("cells", ((label, is_new), ...))``
    with one entry per configuration (``label`` is ``""`` where a configuration has no layer).
    Displays as HTML in a notebook (new layers in bold) and as text otherwise (new layers
    marked with ``*``).
    """

    configs: tuple[str, ...]
    depths: tuple[int, ...]
    rows: tuple[tuple, ...]

    def _repr_html_(self) -> str:
        n = len(self.configs)
        header = [html.escape(c) for c in self.configs]
        body: list[list] = [[f"{d} weight layers" for d in self.depths]]
        for kind, content in self.rows:
            if kind == "span":
                body.append([(n, html.escape(content))])
            else:
                body.append([f"<b>{html.escape(lab)}</b>" if new else html.escape(lab)
                             for lab, new in content])
        caption = ("ConvNet configurations (Table 1 of Simonyan &amp; Zisserman 2014), made from "
                   "<code>VGG_CONFIGS</code>; in bold, the layers a configuration adds to (or "
                   "changes in) the one it grows from.")
        return _html_table(header, body, caption=caption)

    def __repr__(self) -> str:
        w = 11
        line = "-" * (w * len(self.configs))
        out = ["".join(c.center(w) for c in self.configs),
               "".join(f"{d} weight".center(w) for d in self.depths), line]
        for kind, content in self.rows:
            if kind == "span":
                out.append(content.center(w * len(self.configs)))
            else:
                out.append("".join((lab + ("*" if new else "")).center(w) for lab, new in content))
        out.append("(* = layer added to, or changed in, the configuration it grows from)")
        return "\n".join(out)


def config_table(configs: Sequence[str] | None = None) -> ConfigTable:
    """Table 1 of the paper generated from :data:`VGG_CONFIGS`.

    Rows are aligned block by block: within a block, row ``r`` shows each configuration's
    ``r``-th layer (blank where it has fewer). The rows shared by every configuration (input,
    max-pools, the classifier) span all columns, as in the paper.

    Args:
        configs: the configurations to show, in order (default: all six).

    Returns:
        A :class:`ConfigTable` (HTML in a notebook, text in a terminal).

    Example:
        >>> t = config_table(["A", "B"])
        >>> t.rows[1]
        ('cells', (('conv3-64', False), ('conv3-64', False)))
    """
    if configs is None:
        configs = list(VGG_CONFIGS)
    if isinstance(configs, str) or not isinstance(configs, Sequence) or not configs:
        raise TypeError(f"configs must be a non-empty list of configuration names, got {configs!r}")
    configs = tuple(_check_config(c) for c in configs)
    bold = {c: set(new_layers(c)) for c in configs}
    rows: list[tuple] = [("span", "input (224 × 224 RGB image)")]
    n_blocks = len(VGG_CONFIGS[configs[0]])
    for b in range(n_blocks):
        bodies = [_body(VGG_CONFIGS[c][b]) for c in configs]
        for r in range(max(len(body) for body in bodies)):
            cells = tuple((body[r], (b, r) in bold[c]) if r < len(body) else ("", False)
                          for c, body in zip(configs, bodies))
            conv_block = VGG_CONFIGS[configs[0]][b][-1] == _POOL
            if not conv_block and len({lab for lab, _ in cells}) == 1:
                rows.append(("span", cells[0][0]))
            else:
                rows.append(("cells", cells))
        if VGG_CONFIGS[configs[0]][b][-1] == _POOL:
            rows.append(("span", _POOL))
    return ConfigTable(configs, tuple(weight_layer_count(c) for c in configs), tuple(rows))


# ---------------------------------------------------------------------------------------------
# Counting: parameters, multiply-accumulates, activations
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LayerRow:
    """One row of :func:`layer_table`: the paper's label, the kind of layer, the output shape
    ``(C, H, W)`` or ``(features,)``, the number of parameters (weights + biases), the
    multiply-accumulates for one image and the number of output values (activations)."""

    label: str
    kind: str
    out_shape: tuple[int, ...]
    params: int
    macs: int
    activations: int


def _walk(config: str, num_classes: int, width: float, input_size: int) -> list[LayerRow]:
    """The single source of every count: walk the layers, tracking the shape."""
    config = _check_config(config)
    num_classes = _check_int("num_classes", num_classes, 1)
    width = _check_width(width)
    input_size = _check_int("input_size", input_size, 32)
    c, h, w = 3, input_size, input_size
    rows = [LayerRow("input", "input", (c, h, w), 0, 0, c * h * w)]
    features: int | None = None
    layers = config_layers(config)
    last_fc = max(i for i, x in enumerate(layers) if x.startswith("FC-"))
    for i, label in enumerate(layers):
        p = parse_layer(label)
        kind = p["kind"]
        if kind == "conv":
            k, co = p["kernel_size"], _scaled(p["out_channels"], width)
            params = k * k * c * co + co
            # 3x3 convolutions are padded by 1 and 1x1 by 0: the spatial size is kept.
            macs = h * w * co * c * k * k
            c = co
            shape: tuple[int, ...] = (c, h, w)
            label = f"conv{k}-{co}"
        elif kind == "pool":
            h, w = h // 2, w // 2
            params, macs, shape = 0, 0, (c, h, w)
        elif kind == "lrn":
            params, macs, shape = 0, 0, (c, h, w)
        elif kind == "fc":
            n_in = c * h * w if features is None else features
            n_out = num_classes if i == last_fc else _scaled(p["out_features"], width)
            params, macs = n_in * n_out + n_out, n_in * n_out
            features = n_out
            shape = (n_out,)
            label = f"FC-{n_out}"
        else:  # soft-max
            params, macs, shape = 0, 0, (features,)
        acts = math.prod(shape)  # Python ints: no int64 wrap at a huge input_size
        rows.append(LayerRow(label, kind, shape, params, macs, acts))
    return rows


def count_parameters(config: str, num_classes: int = 1000, width: float = 1.0,
                     input_size: int = 224) -> int:
    """Exact number of parameters (weights and biases) of a VGG configuration.

    A K x K convolution from C_in to C_out channels has ``K*K*C_in*C_out + C_out`` parameters,
    a fully connected layer from n_in to n_out has ``n_in*n_out + n_out``; LRN, pooling and
    soft-max have none. The first FC layer sees the flattened last feature map, so its size
    (and the total) depends on ``input_size``.

    Args:
        config: a configuration name of Table 1: ``"A"``, ``"A-LRN"``, ``"B"``, ``"C"``,
            ``"D"`` or ``"E"``.
        num_classes: outputs of the last FC layer (1000 for ImageNet).
        width: multiplies every channel count and the FC-4096 widths (rounded, at least 1);
            1.0 is the paper's network.
        input_size: height = width of the square input image, at least 32 (five 2x2 pools).

    Returns:
        The number of parameters, as a Python int; equal to the parameter count of
        ``build_vgg`` with the same arguments.

    Example:
        >>> count_parameters("D")
        138357544
    """
    return sum(r.params for r in _walk(config, num_classes, width, input_size))


class LayerTable:
    """Per-layer counts for one configuration (returned by :func:`layer_table`).

    Attributes:
        config: the configuration name.
        rows: list of :class:`LayerRow`, the input first.
        total_params, total_macs, total_activations: sums over the rows (the input's values
            are counted among the activations).

    ``column(name)`` gives one column as a NumPy int64 array (exact ints past int64's range);
    the table displays as HTML in a notebook and as aligned text otherwise.
    """

    _COLUMNS = ("label", "kind", "out_shape", "params", "macs", "activations")

    def __init__(self, config: str, rows: list[LayerRow], input_size: int, width: float):
        self.config, self.rows, self.input_size, self.width = config, rows, input_size, width
        self.total_params = sum(r.params for r in rows)
        self.total_macs = sum(r.macs for r in rows)
        self.total_activations = sum(r.activations for r in rows)

    def column(self, name: str) -> np.ndarray:
        """One numeric column (``"params"``, ``"macs"`` or ``"activations"``) as int64; at an
        input size so large that a count passes int64's range, an array of exact Python ints
        (dtype object) instead of counts wrapped around to negative numbers."""
        if name not in ("params", "macs", "activations"):
            raise ValueError(f"name {name!r} is not a numeric column; valid: 'params', 'macs', "
                           "'activations'")
        values = [getattr(r, name) for r in self.rows]
        fits = max(values) <= np.iinfo(np.int64).max
        return np.array(values, dtype=np.int64 if fits else object)

    def __len__(self) -> int:
        return len(self.rows)

    def summary(self) -> str:
        """One line: the totals, in millions / billions."""
        return (f"VGG-{self.config} at {self.input_size}x{self.input_size}, width {self.width:g}: "
                f"{self.total_params / 1e6:.2f} M parameters, {self.total_macs / 1e9:.3f} G MACs, "
                f"{self.total_activations / 1e6:.2f} M activations per image")

    def _cells(self) -> list[list[str]]:
        out = []
        for r in self.rows:
            out.append([r.label, r.kind, " x ".join(map(str, r.out_shape)), f"{r.params:,}",
                        f"{r.macs:,}", f"{r.activations:,}"])
        out.append(["total", "", "", f"{self.total_params:,}", f"{self.total_macs:,}",
                    f"{self.total_activations:,}"])
        return out

    _HEADER = ("layer", "kind", "output shape", "parameters", "MACs", "activations")

    def __repr__(self) -> str:
        cells = [list(self._HEADER)] + self._cells()
        widths = [max(len(row[j]) for row in cells) for j in range(len(self._HEADER))]
        lines = []
        for row in cells:
            lines.append("  ".join(v.ljust(wd) if j < 3 else v.rjust(wd)
                                   for j, (v, wd) in enumerate(zip(row, widths))))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        body = []
        cells = self._cells()
        for k, row in enumerate(cells):
            esc = [html.escape(v) for v in row]
            if k == len(cells) - 1:
                esc = [f"<b>{v}</b>" for v in esc]
            body.append(esc)
        return _html_table(self._HEADER, body, caption=html.escape(self.summary()),
                           align=("left",) * 3 + ("right",) * 3)


def layer_table(config: str, input_size: int = 224, width: float = 1.0,
                num_classes: int = 1000) -> LayerTable:
    """One row per layer of a configuration: output shape, parameters, MACs, activations.

    Multiply-accumulates (MACs) are those of the weight layers for one image: a K x K
    convolution producing an H x W x C_out map from C_in channels does ``H*W*C_out*C_in*K*K``,
    an FC layer ``n_in*n_out``. Biases, ReLU, LRN, pooling and soft-max are cheap by comparison
    and counted as 0 MACs. Activations are the number of values each layer outputs.

    Args:
        config: a configuration name of Table 1 (``"A"``, ``"A-LRN"``, ``"B"``, ``"C"``,
            ``"D"``, ``"E"``).
        input_size: height = width of the square input image, at least 32.
        width: channel multiplier, as in :func:`count_parameters`.
        num_classes: outputs of the last FC layer.

    Returns:
        A :class:`LayerTable`; ``total_params`` equals :func:`count_parameters`.

    Example:
        >>> t = layer_table("D")
        >>> t.total_params, round(t.total_macs / 1e9, 2)
        (138357544, 15.47)
    """
    rows = _walk(config, num_classes, width, input_size)
    return LayerTable(config, rows, input_size, float(width))


# ---------------------------------------------------------------------------------------------
# Receptive field
# ---------------------------------------------------------------------------------------------

def _as_kernel_stride(layer: Any, k: int) -> tuple[int, int]:
    if isinstance(layer, str):
        p = parse_layer(layer)
        if p["kind"] == "conv":
            return p["kernel_size"], 1
        if p["kind"] == "pool":
            return 2, 2
        if p["kind"] == "lrn":
            return 1, 1
        raise ValueError(f"layers[{k}] = {layer!r}: a {p['kind']} layer sees the whole input; "
                         "give only convolution, LRN and pooling layers")
    if isinstance(layer, tuple | list) and len(layer) == 2:
        name = f"layers[{k}] = {tuple(layer)!r}: kernel_size and stride"
        return integer(layer[0], name, 1), integer(layer[1], name, 1)
    raise TypeError(f"layers[{k}] must be a layer label such as 'conv3-64' or a "
                    f"(kernel_size, stride) pair of ints, got {layer!r}")


def receptive_field(layers: Sequence) -> list[tuple[int, int]]:
    """Receptive field and jump after each layer of a stack.

    A unit after layer ``l`` sees ``r_l`` input pixels along each axis, and neighbouring units
    of that layer are ``j_l`` input pixels apart (the jump, the product of the strides):

    .. math::  r_l = r_{l-1} + (k_l - 1)\\,j_{l-1}, \\qquad j_l = j_{l-1}\\,s_l,
               \\qquad r_0 = j_0 = 1.

    The field is the span from the first to the last input pixel the unit depends on; padding
    moves it but does not change its size. (If a layer's stride exceeds its kernel size, later
    layers see that span with holes in it; VGG's layers never do that.)

    Args:
        layers: a sequence whose items are ``(kernel_size, stride)`` pairs or the paper's labels
            (``"conv3-64"`` is (3, 1), ``"maxpool"`` is (2, 2), ``"LRN"`` is (1, 1)).

    Returns:
        A list of ``(receptive_field, jump)`` pairs, one per layer.

    Example:
        >>> receptive_field([(3, 1), (3, 1), (3, 1)])
        [(3, 1), (5, 1), (7, 1)]
    """
    if isinstance(layers, str) or not isinstance(layers, Sequence):
        raise TypeError(f"layers must be a list of layers, got {type(layers).__name__} {layers!r}")
    r, j = 1, 1
    out = []
    for k, layer in enumerate(layers):
        ks, st = _as_kernel_stride(layer, k)
        r, j = r + (ks - 1) * j, j * st
        out.append((r, j))
    return out


def conv_stack_parameters(n_layers: int, kernel_size: int, channels: int,
                          bias: bool = False) -> int:
    """Parameters of ``n_layers`` stacked K x K convolutions, each from C to C channels.

    The paper's argument (Sec. 2.3): three 3x3 layers see 7x7 with ``3 * 3^2 C^2 = 27 C^2``
    weights, one 7x7 layer needs ``7^2 C^2 = 49 C^2``.

    Example:
        >>> conv_stack_parameters(3, 3, 10), conv_stack_parameters(1, 7, 10)
        (2700, 4900)
    """
    n_layers = _check_int("n_layers", n_layers, 1)
    kernel_size = _check_int("kernel_size", kernel_size, 1)
    channels = _check_int("channels", channels, 1)
    bias = flag(bias, "bias")  # a truthy string such as "no" must not count as True
    per_layer = kernel_size * kernel_size * channels * channels + (channels if bias else 0)
    return n_layers * per_layer


# ---------------------------------------------------------------------------------------------
# The network in PyTorch
# ---------------------------------------------------------------------------------------------

def build_vgg(config: str, num_classes: int = 1000, width: float = 1.0, input_size: int = 224,
              dropout: float = 0.5, seed: int | None = 0):
    """A VGG configuration as a ``torch.nn.Module`` (imports torch when called).

    ``features`` holds the convolutions (3x3 with padding 1, 1x1 without; each followed by a
    ReLU), LRN (``torch.nn.LocalResponseNorm(**LRN_SETTINGS)``) and 2x2 max-pools with stride 2;
    ``classifier`` flattens and applies FC-4096, ReLU, dropout, FC-4096, ReLU, dropout and the
    last FC layer. The soft-max is left to the loss (``torch.nn.CrossEntropyLoss``), so the
    model returns logits. Parameters use PyTorch's default initialisation.

    Args:
        config: a configuration name of Table 1.
        num_classes: outputs of the last layer.
        width: channel multiplier (see :func:`count_parameters`); e.g. 1/8 for a CPU-sized net.
        input_size: the square input size the classifier is built for (at least 32).
        dropout: dropout probability of the first two FC layers (the paper uses 0.5).
        seed: seeds the initial weights (``None``: torch's global generator).

    Returns:
        ``torch.nn.Sequential(features, classifier)`` mapping ``(N, 3, input_size, input_size)``
        to ``(N, num_classes)``, with exactly ``count_parameters(config, num_classes, width,
        input_size)`` parameters.

    Example:
        >>> import torch
        >>> net = build_vgg("A", num_classes=10, width=1 / 16, input_size=32)
        >>> net(torch.zeros(2, 3, 32, 32)).shape
        torch.Size([2, 10])
    """
    import torch
    from torch import nn

    rows = _walk(config, num_classes, width, input_size)
    dropout = real(dropout, "dropout", 0, below=1)
    big = max(rows, key=lambda r: r.params)  # the size guard, before torch allocates it
    if torch.get_default_device().type != "meta":  # the meta device allocates nothing
        check_size((big.params,), np.float32, f"config={config!r} with width={width!r}, "
                   f"input_size={input_size!r}", f"the weights of its layer {big.label}")
    if seed is not None:
        _check_int("seed", seed, 0)
    features: list = []
    classifier: list = [nn.Flatten()]
    c = 3
    n_in = None
    last_fc = max(i for i, row in enumerate(rows) if row.kind == "fc")
    # a seed draws from its own generator state and leaves the caller's untouched; None draws
    # from (and advances) torch's global generator, so two unseeded builds differ
    with torch.random.fork_rng(devices=[]) if seed is not None else contextlib.nullcontext():
        if seed is not None:
            torch.manual_seed(seed)
        for i, row in enumerate(rows):
            if row.kind == "conv":
                k = parse_layer(row.label)["kernel_size"]
                features += [nn.Conv2d(c, row.out_shape[0], k, padding=k // 2), nn.ReLU(inplace=True)]
                c = row.out_shape[0]
            elif row.kind == "lrn":
                features.append(nn.LocalResponseNorm(**LRN_SETTINGS))
            elif row.kind == "pool":
                features.append(nn.MaxPool2d(kernel_size=2, stride=2))
                n_in = int(np.prod(row.out_shape))
            elif row.kind == "fc":
                n_out = row.out_shape[0]
                classifier.append(nn.Linear(n_in, n_out))
                if i != last_fc:
                    classifier += [nn.ReLU(inplace=True), nn.Dropout(float(dropout))]
                n_in = n_out
    return nn.Sequential(OrderedDict(features=nn.Sequential(*features),
                                     classifier=nn.Sequential(*classifier)))
