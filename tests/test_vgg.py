"""course_lib.vgg against the paper's published numbers, torchvision's published counts and
PyTorch itself (parameter counts of built modules, FLOP counter, gradient support)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from course_lib import vgg
from course_lib.plotting.vgg import plot_budget, plot_stacked_fields
from course_lib.vgg import (
    PAPER_TABLE2_MILLIONS,
    VGG_CONFIGS,
    build_vgg,
    config_layers,
    config_table,
    conv_stack_parameters,
    count_parameters,
    layer_table,
    new_layers,
    parse_layer,
    receptive_field,
    weight_layer_count,
)

CONFIGS = list(VGG_CONFIGS)

# torchvision's published parameter counts (torchvision is not a dependency; these are the
# numbers its model cards list for the models without batch norm).
TORCHVISION_COUNTS = {"A": 132_863_336, "B": 133_047_848, "D": 138_357_544, "E": 143_667_240}


def n_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


# --- Table 1 as data ------------------------------------------------------------------------

def test_the_six_configurations_of_table_1():
    assert CONFIGS == ["A", "A-LRN", "B", "C", "D", "E"]
    assert [weight_layer_count(c) for c in CONFIGS] == [11, 11, 13, 16, 16, 19]


@pytest.mark.parametrize("config", CONFIGS)
def test_every_configuration_has_the_papers_shape(config):
    blocks = VGG_CONFIGS[config]
    assert len(blocks) == 6
    for b, width in enumerate([64, 128, 256, 512, 512]):
        assert blocks[b][-1] == "maxpool"
        convs = [parse_layer(x) for x in blocks[b][:-1] if x != "LRN"]
        assert convs and all(p["kind"] == "conv" and p["out_channels"] == width for p in convs)
    assert blocks[5] == ("FC-4096", "FC-4096", "FC-1000", "soft-max")
    assert config_layers(config)[-1] == "soft-max"


def test_configuration_specifics():
    assert VGG_CONFIGS["A-LRN"][0] == ("conv3-64", "LRN", "maxpool")
    assert sum(x == "LRN" for c in CONFIGS for x in config_layers(c)) == 1
    c_layers = config_layers("C")
    assert c_layers.count("conv1-256") == 1 and c_layers.count("conv1-512") == 2
    # D is C with its 1x1 convolutions turned into 3x3 ones
    assert [x.replace("conv1", "conv3") for x in c_layers] == config_layers("D")
    assert config_layers("E").count("conv3-512") == 8


def test_configs_are_read_only():
    with pytest.raises(TypeError):
        VGG_CONFIGS["F"] = ()  # type: ignore[index]
    with pytest.raises(TypeError):
        VGG_CONFIGS["A"][0][0] = "conv5-64"  # type: ignore[index]


def test_new_layers_are_the_bold_ones_of_table_1():
    assert new_layers("A") == []
    assert new_layers("A-LRN") == [(0, 1)]
    assert new_layers("B") == [(0, 1), (1, 1)]
    assert new_layers("C") == [(2, 2), (3, 2), (4, 2)]
    assert new_layers("D") == [(2, 2), (3, 2), (4, 2)]
    assert new_layers("E") == [(2, 3), (3, 3), (4, 3)]


def test_config_table_layout():
    t = config_table()
    assert t.configs == tuple(CONFIGS)
    assert t.depths == (11, 11, 13, 16, 16, 19)
    spans = [content for kind, content in t.rows if kind == "span"]
    assert spans[0].startswith("input (224")
    assert spans.count("maxpool") == 5
    assert spans[-4:] == ["FC-4096", "FC-4096", "FC-1000", "soft-max"]
    cells = [content for kind, content in t.rows if kind == "cells"]
    assert all(len(row) == 6 for row in cells)
    # rows per block: the deepest configuration (E) decides: 2, 2, 4, 4, 4
    assert len(cells) == 16
    # every layer of every configuration appears in its column, in order
    for j, c in enumerate(CONFIGS):
        column = []
        for kind, content in t.rows[1:]:
            lab = content if kind == "span" else content[j][0]
            if lab:
                column.append(lab)
        assert column == config_layers(c)
    n_bold = sum(new for row in cells for _, new in row)
    assert n_bold == sum(len(new_layers(c)) for c in CONFIGS)


def test_config_table_renders_deterministic_html_and_text():
    t = config_table()
    h = t._repr_html_()
    assert h == config_table()._repr_html_()
    assert h.count("<tr>") == 1 + 1 + len(t.rows)
    assert "<b>LRN</b>" in h and "<b>conv1-256</b>" in h and h.count("<b>") == 12
    assert h.count('colspan="6"') == sum(kind == "span" for kind, _ in t.rows)
    assert "Simonyan" in h
    text = repr(t)
    assert "LRN*" in text and "conv1-512*" in text and "19 weight" in text
    sub = config_table(["D", "E"])
    assert sub.configs == ("D", "E") and 'colspan="2"' in sub._repr_html_()


# --- Counting against the published numbers ---------------------------------------------------

@pytest.mark.parametrize("config", CONFIGS)
def test_parameters_match_the_papers_table_2(config):
    assert round(count_parameters(config) / 1e6) == PAPER_TABLE2_MILLIONS[config]


@pytest.mark.parametrize("config", list(TORCHVISION_COUNTS))
def test_parameters_match_torchvisions_exact_counts(config):
    assert count_parameters(config) == TORCHVISION_COUNTS[config]
    assert vgg.VGG_REFERENCE[config] in ("vgg11", "vgg13", "vgg16", "vgg19")


def test_lrn_adds_no_parameters_and_c_sits_between_b_and_d():
    assert count_parameters("A-LRN") == count_parameters("A")
    assert count_parameters("B") < count_parameters("C") < count_parameters("D")
    # C adds one 1x1 conv 256->256 and two 512->512 to B
    assert count_parameters("C") - count_parameters("B") == (256 * 256 + 256) + 2 * (512 * 512 + 512)


def test_layer_table_for_d():
    t = layer_table("D")
    assert t.total_params == 138_357_544
    assert round(t.total_macs / 1e9, 1) == 15.5
    assert len(t) == 1 + len(config_layers("D"))
    assert t.rows[0].out_shape == (3, 224, 224)
    assert t.rows[-1].out_shape == (1000,)
    params, macs = t.column("params"), t.column("macs")
    kinds = np.array([r.kind for r in t.rows])
    # where they live: the FC layers hold most parameters, the convolutions nearly all compute
    assert params[kinds == "fc"].sum() / params.sum() > 0.85
    assert macs[kinds == "conv"].sum() / macs.sum() > 0.99
    assert "15.470 G MACs" in t.summary()
    assert "138,357,544" in repr(t) and "138,357,544" in t._repr_html_()
    assert t._repr_html_() == layer_table("D")._repr_html_()


@pytest.mark.parametrize("config", CONFIGS)
def test_full_size_models_on_the_meta_device(config):
    """Full-size networks without allocating memory: parameter count, output shape, and the
    multiply-accumulates measured by PyTorch's FLOP counter (2 FLOPs per MAC)."""
    with torch.device("meta"):
        net = build_vgg(config)
        x = torch.empty(2, 3, 224, 224)
        counter = FlopCounterMode(display=False)
        with counter:
            y = net(x)
    assert n_params(net) == count_parameters(config)
    assert tuple(y.shape) == (2, 1000)
    assert counter.get_total_flops() == 2 * 2 * layer_table(config).total_macs


@pytest.mark.parametrize("config", CONFIGS)
@pytest.mark.parametrize("width, input_size", [(1 / 16, 32), (0.25, 64), (0.5, 100), (2.0, 48)])
def test_every_config_at_several_widths_and_sizes(config, width, input_size):
    with torch.device("meta"):
        net = build_vgg(config, num_classes=37, width=width, input_size=input_size)
        y = net(torch.empty(3, 3, input_size, input_size))
    assert n_params(net) == count_parameters(config, 37, width, input_size)
    assert tuple(y.shape) == (3, 37)


def test_docstring_examples_run():
    import doctest

    import course_lib.plotting.vgg as plotting_vgg

    for module in (vgg, plotting_vgg):
        failed, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert tried > 0 and failed == 0


@settings(max_examples=12, deadline=None)
@given(config=st.sampled_from(CONFIGS),
       width=st.sampled_from([1 / 64, 1 / 32, 0.05, 1 / 16, 0.1]),
       input_size=st.integers(32, 80), num_classes=st.integers(1, 12))
def test_small_models_agree_with_the_counts(config, width, input_size, num_classes):
    net = build_vgg(config, num_classes=num_classes, width=width, input_size=input_size).eval()
    assert n_params(net) == count_parameters(config, num_classes, width, input_size)
    table = layer_table(config, input_size, width, num_classes)
    assert table.total_params == n_params(net)
    # run it, recording each layer's output shape, and count its FLOPs
    shapes = []
    hooks = [m.register_forward_hook(lambda m, i, o: shapes.append(tuple(o.shape[1:])))
             for m in list(net[0]) + list(net[1])
             if isinstance(m, nn.Conv2d | nn.MaxPool2d | nn.LocalResponseNorm | nn.Linear)]
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        y = net(torch.rand(1, 3, input_size, input_size))
    for h in hooks:
        h.remove()
    assert tuple(y.shape) == (1, num_classes)
    expected = [r.out_shape for r in table.rows if r.kind in ("conv", "pool", "lrn", "fc")]
    assert shapes == expected
    assert counter.get_total_flops() == 2 * table.total_macs
    assert table.total_activations == sum(int(np.prod(r.out_shape)) for r in table.rows)


def test_build_vgg_structure_and_lrn_settings():
    net = build_vgg("A-LRN", num_classes=10, width=1 / 16, input_size=32)
    features, classifier = net.features, net.classifier
    assert isinstance(features[0], nn.Conv2d) and isinstance(features[1], nn.ReLU)
    lrn = features[2]
    assert isinstance(lrn, nn.LocalResponseNorm)
    assert (lrn.size, lrn.alpha, lrn.beta, lrn.k) == (5, 1e-4, 0.75, 2.0)
    assert sum(isinstance(m, nn.MaxPool2d) for m in features) == 5
    assert [m.p for m in classifier if isinstance(m, nn.Dropout)] == [0.5, 0.5]
    assert isinstance(classifier[-1], nn.Linear) and classifier[-1].out_features == 10
    c = build_vgg("C", width=1 / 16, input_size=32)
    ones = [m for m in c.features if isinstance(m, nn.Conv2d) and m.kernel_size == (1, 1)]
    assert len(ones) == 3 and all(m.padding == (0, 0) for m in ones)


def test_build_vgg_is_seeded_and_leaves_the_global_generator_alone():
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a = build_vgg("B", width=1 / 32, input_size=32, seed=5)
    after = torch.rand(1)
    assert torch.equal(before, after)
    b = build_vgg("B", width=1 / 32, input_size=32, seed=5)
    c = build_vgg("B", width=1 / 32, input_size=32, seed=6)
    pa, pb, pc = (torch.cat([p.flatten() for p in m.parameters()]) for m in (a, b, c))
    assert torch.equal(pa, pb) and not torch.equal(pa, pc)


def test_build_vgg_without_seed_uses_the_global_generator():
    torch.manual_seed(7)
    a = build_vgg("A", width=1 / 32, input_size=32, seed=None)
    b = build_vgg("A", width=1 / 32, input_size=32, seed=None)   # the generator moved on
    torch.manual_seed(7)
    c = build_vgg("A", width=1 / 32, input_size=32, seed=None)   # same global seed, same net
    pa, pb, pc = (torch.cat([p.flatten() for p in m.parameters()]) for m in (a, b, c))
    assert not torch.equal(pa, pb) and torch.equal(pa, pc)


def test_width_scales_channels():
    t = layer_table("D", 64, width=0.25, num_classes=7)
    assert t.rows[1].label == "conv3-16" and t.rows[1].out_shape == (16, 64, 64)
    fcs = [r for r in t.rows if r.kind == "fc"]
    assert [r.label for r in fcs] == ["FC-1024", "FC-1024", "FC-7"]
    assert fcs[0].params == 128 * 2 * 2 * 1024 + 1024


# --- Receptive field --------------------------------------------------------------------------

def gradient_support(layers, size):
    """Rows and columns of the input that output pixel (0, 0) depends on, measured in torch:
    each (kernel_size, stride) layer is a one-channel convolution with all-ones weights and no
    padding (a 2x2 pool becomes a sum pool: the same geometry as a max-pool, but every input
    of a window gets gradient, not only the largest)."""
    mods = []
    for k, s in layers:
        conv = nn.Conv2d(1, 1, k, stride=s, bias=False)
        nn.init.constant_(conv.weight, 1.0)
        mods.append(conv)
    net = nn.Sequential(*mods)
    x = torch.ones(1, 1, size, size, requires_grad=True)
    out = net(x)
    out[0, 0, 0, 0].backward()
    g = x.grad[0, 0].numpy()
    rows, cols = np.nonzero(g.sum(axis=1)), np.nonzero(g.sum(axis=0))
    return rows[0], cols[0], out.shape[-1]


def test_three_3x3_convolutions_see_7x7_with_27_c2_weights():
    assert receptive_field([(3, 1)] * 3) == [(3, 1), (5, 1), (7, 1)]
    assert receptive_field(["conv3-64"] * 3)[-1] == (7, 1)
    assert receptive_field([(7, 1)]) == [(7, 1)]
    c = 64
    assert conv_stack_parameters(3, 3, c) == 27 * c * c
    assert conv_stack_parameters(1, 7, c) == 49 * c * c
    torch_three = sum(n_params(nn.Conv2d(c, c, 3, bias=False)) for _ in range(3))
    assert torch_three == conv_stack_parameters(3, 3, c)
    assert conv_stack_parameters(2, 3, c, bias=True) == 2 * n_params(nn.Conv2d(c, c, 3))
    rows, cols, _ = gradient_support([(3, 1)] * 3, 12)
    assert list(rows) == list(range(7)) and list(cols) == list(range(7))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 3)), min_size=1, max_size=5))
def test_receptive_field_matches_gradient_support(layers):
    fields = receptive_field(layers)
    r, j = fields[-1]
    assert j == math.prod(s for _, s in layers)
    size = r + j  # room for two outputs along each axis
    rows, cols, out_w = gradient_support(layers, size)
    assert out_w >= 2
    # the field is the span of input pixels the unit depends on ...
    assert rows[0] == cols[0] == 0 and rows[-1] == cols[-1] == r - 1
    # ... and has no holes when no stride skips pixels that its kernel does not cover
    if all(k >= s for k, s in layers[:-1]):
        assert list(rows) == list(range(r)) and list(cols) == list(range(r))


def test_receptive_field_of_vgg_d():
    feats = [x for x in config_layers("D") if not x.startswith(("FC", "soft"))]
    fields = receptive_field(feats)
    assert fields[-2] == (196, 16)  # the last 3x3 convolution
    assert fields[-1] == (212, 32)  # after the fifth max-pool
    # the same, measured: max-pools become average pools, LRN is absent in D
    layers = [(2, 2) if x == "maxpool" else (parse_layer(x)["kernel_size"], 1) for x in feats]
    rows, _, _ = gradient_support(layers[:-1], 212)
    assert len(rows) == 196 and rows[0] == 0 and rows[-1] == 195


# --- Bad input --------------------------------------------------------------------------------

def test_unknown_config_lists_the_valid_names():
    with pytest.raises(ValueError, match=r"config 'F'.*A, A-LRN, B, C, D, E"):
        count_parameters("F")
    with pytest.raises(ValueError, match="valid names"):
        layer_table("vgg16")
    with pytest.raises(ValueError, match="config"):
        build_vgg("d")
    with pytest.raises(ValueError, match="config"):
        config_table(["A", "Z"])
    with pytest.raises(TypeError, match="config must be"):
        count_parameters(16)


@pytest.mark.parametrize("kwargs, exc, words", [
    ({"num_classes": 0}, ValueError, "num_classes must be an integer >= 1"),
    ({"num_classes": 10.0}, TypeError, "num_classes must be an int"),
    ({"num_classes": True}, TypeError, "num_classes"),
    ({"width": 0}, ValueError, "width must be a finite number > 0, got 0"),
    ({"width": -0.5}, ValueError, "width"),
    ({"width": float("nan")}, ValueError, "width"),
    ({"width": float("inf")}, ValueError, "width"),
    ({"width": "1"}, TypeError, "width"),
    ({"input_size": 31}, ValueError, "input_size must be an integer >= 32, got 31"),
    ({"input_size": 224.0}, TypeError, "input_size must be an int"),
])
def test_bad_options_name_the_argument(kwargs, exc, words):
    for fn in (count_parameters, layer_table, build_vgg):
        with pytest.raises(exc, match=words):
            fn("A", **kwargs)


def test_hostile_sizes_and_flags():
    """The issue-13 cases: a truthy string is not bias=True; a huge input size gives exact Python
    ints, not an int64 count wrapped negative; build_vgg refuses a layer past the size budget
    before torch allocates it."""
    with pytest.raises(TypeError, match="bias must be True or False, got str 'no'"):
        conv_stack_parameters(2, 3, 8, bias="no")
    assert conv_stack_parameters(2, 3, 8, bias=np.True_) == 2 * (9 * 64 + 8)
    big = 2**31 * 32  # 2**36 pixels per side: every count overflows int64
    table = layer_table("A", input_size=big)
    acts = table.column("activations")
    assert acts.dtype == object and all(isinstance(a, int) and a > 0 for a in acts)
    assert layer_table("A").column("activations").dtype == np.int64
    assert acts[0] == 3 * big * big
    assert count_parameters("A", input_size=big) > 0
    with pytest.raises(ValueError, match=r"input_size=2048 would need .* for the weights of its "
                                         r"layer FC-4096.*size budget"):
        build_vgg("A", input_size=2048)
    with pytest.raises(TypeError, match=r"layers\[1\] = \(3.0, 1\): kernel_size and stride must "
                                        r"be an integer >= 1, got 3.0 of type float"):
        receptive_field([(3, 1), (3.0, 1)])
    with pytest.raises(ValueError, match=r"layers\[0\] = \(0, 1\): kernel_size and stride"):
        receptive_field([(0, 1)])


def test_other_bad_input():
    with pytest.raises(ValueError, match="dropout"):
        build_vgg("A", width=1 / 32, input_size=32, dropout=1.0)
    with pytest.raises(TypeError, match="dropout must be a number, got bool"):
        build_vgg("A", width=1 / 32, input_size=32, dropout=False)
    with pytest.raises(ValueError, match="seed"):
        build_vgg("A", width=1 / 32, input_size=32, seed=-1)
    with pytest.raises(ValueError, match="'conv3x3'"):
        parse_layer("conv3x3")
    with pytest.raises(TypeError, match="label"):
        parse_layer(3)
    with pytest.raises(TypeError, match="configs"):
        config_table("A")
    with pytest.raises(TypeError, match="configs"):
        config_table([])
    with pytest.raises(ValueError, match="name 'bias'"):
        layer_table("A").column("bias")
    with pytest.raises(ValueError, match=r"layers\[1\] = 'FC-4096'"):
        receptive_field(["conv3-64", "FC-4096"])
    with pytest.raises(ValueError, match=r"layers\[0\]"):
        receptive_field([(0, 1)])
    with pytest.raises(TypeError, match=r"layers\[0\]"):
        receptive_field([(3.0, 1)])
    with pytest.raises(TypeError, match="layers must be"):
        receptive_field("conv3-64")
    with pytest.raises(ValueError, match="n_layers must be an integer >= 1"):
        conv_stack_parameters(0, 3, 8)
    with pytest.raises(TypeError, match="channels"):
        conv_stack_parameters(1, 3, 8.5)


# --- Figures ----------------------------------------------------------------------------------

def test_plot_budget_draws_one_bar_per_weight_layer():
    fig = plot_budget(layer_table("E"))
    assert isinstance(fig, Figure)
    left, right = fig.axes[:2]
    assert len(left.patches) == len(right.patches) == 19
    widths = [p.get_width() for p in left.patches]
    assert np.isclose(sum(widths), 100.0)
    with pytest.raises(TypeError, match="table must be a LayerTable"):
        plot_budget("D")


def test_plot_stacked_fields():
    fig = plot_stacked_fields(3, 3)
    assert isinstance(fig, Figure)
    assert "7x7" in fig.axes[0].get_title() and "27 C²" in fig.axes[0].get_title()
    assert "49 C²" in fig.axes[1].get_title()
    # every nested square is labelled with its field: 3x3, 5x5, 7x7 after 1, 2, 3 layers
    assert [t.get_text() for t in fig.axes[0].texts] == ["3x3", "5x5", "7x7"]
    with pytest.raises(ValueError, match="kernel_size"):
        plot_stacked_fields(2, 4)
    with pytest.raises(ValueError, match="n_layers"):
        plot_stacked_fields(0, 3)


# --- Lesson 07 exercises ----------------------------------------------------------------------

def test_lesson07_exercises_accept_the_worked_answers():
    from course_lib.exercise_sets import lesson07 as ex

    assert ex.q1.check(3 * 3 * 128 * 256 + 256).correct
    assert ex.q2.check(lambda n, k: 1 + n * (k - 1)).correct
    assert ex.q3.check(138_357_544 + (512 * 8 * 8 - 512 * 7 * 7) * 4096).correct
    # independent of course_lib: torch counts the 256 x 256 model on the meta device
    with torch.device("meta"):
        assert ex.q3.check(n_params(build_vgg("D", input_size=256))).correct
    fc = 102_764_544 + 16_781_312 + 4_097_000
    assert ex.q4.check(fc / 138_357_544).correct
    for q in (ex.q1, ex.q2, ex.q3, ex.q4):
        assert q.hint().text and q.solution().text


def test_lesson07_exercises_explain_wrong_answers_and_placeholders():
    from course_lib.exercise_sets import lesson07 as ex

    def says(q, answer, words):
        r = q.check(answer)
        assert r.status == "incorrect" and words in r.message, r.message

    # common mistakes are named, other wrong answers still get the general reason
    says(ex.q1, 3 * 3 * 128 * 256, "also has one bias")
    says(ex.q1, 3 * 3 * 256 * 256 + 256, "128 channels of block 2")
    says(ex.q1, 3 * 3 * 256 + 256, "every one of the 128")
    says(ex.q1, 12345, "not right")
    r = ex.q2.check(lambda n, k: n * k)
    assert r.status == "incorrect" and "counts the overlap" in r.message
    says(ex.q3, count_parameters("D"), "224 x 224 images")
    says(ex.q3, (512 * 8 * 8 - 512 * 7 * 7) * 4096, "only the change")
    says(ex.q4, 0.5, "not right")
    says(ex.q4, 89.4, "percentage")
    says(ex.q4, 0.106, "share of the convolutions")   # rounded 1 - 0.894
    says(ex.q4, 102_764_544 / 138_357_544, "first FC layer alone")

    def stub(n, k):
        raise NotImplementedError()

    for q, placeholder in ((ex.q1, ...), (ex.q2, stub), (ex.q3, None), (ex.q4, ...)):
        assert q.check(placeholder).status == "not attempted"


@pytest.mark.parametrize("label", ["conv0-64", "conv3-0", "FC-0", "conv3-64\n", "FC-4096\n", "conv03-64"])
def test_parse_layer_refuses_zero_sizes_and_a_trailing_newline(label):
    with pytest.raises(ValueError, match="is not a layer label of Table 1"):
        parse_layer(label)
