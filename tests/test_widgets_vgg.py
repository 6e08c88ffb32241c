"""The VGG explorer's update logic, without a browser: set a control's value, assert the new
totals and chart (and that invalid settings keep the last good output)."""

from __future__ import annotations

import pytest

from course_lib import vgg
from course_lib.widgets.vgg import VGGExplorer, vgg_explorer

PNG = b"\x89PNG"


@pytest.fixture(scope="module")
def explorer():
    return VGGExplorer()


def test_starts_with_configuration_d_at_full_size(explorer):
    expected = vgg.layer_table("D", input_size=224, width=1.0)
    assert explorer.ok and explorer.message == "" and explorer.status.value == ""
    assert explorer.table.total_params == expected.total_params == vgg.count_parameters("D")
    assert explorer.table.total_macs == expected.total_macs
    assert explorer.summary == expected.summary()
    assert expected.summary() in explorer.summary_box.value
    assert bytes(explorer.chart.value).startswith(PNG)


@pytest.mark.parametrize("config, width, size", [("A", 0.5, 64), ("A-LRN", 2.0, 448),
                                                 ("E", 1 / 16, 32), ("C", 0.25, 96)])
def test_changing_the_controls_recounts(config, width, size):
    ex = VGGExplorer()
    before = ex.chart.value
    ex.config.value = config
    ex.width.value = width
    ex.input_size.value = size
    expected = vgg.layer_table(config, input_size=size, width=width)
    assert ex.ok
    assert (ex.table.config, ex.table.input_size, ex.table.width) == (config, size, width)
    assert ex.table.total_params == expected.total_params
    assert ex.table.total_macs == expected.total_macs
    assert ex.summary == expected.summary()
    assert ex.chart.value != before


def test_doubling_the_input_changes_the_fc_parameters_and_quadruples_conv_macs():
    ex = VGGExplorer(config="D", width=1.0, input_size=224)
    small_params = ex.table.total_params
    conv_macs = sum(r.macs for r in ex.table.rows if r.kind == "conv")
    ex.input_size.value = 448
    assert ex.table.total_params > small_params  # the first FC layer reads a 14x14 map now
    assert sum(r.macs for r in ex.table.rows if r.kind == "conv") == 4 * conv_macs


def test_invalid_setting_shows_a_message_and_keeps_the_last_output():
    ex = VGGExplorer(config="B", width=0.5, input_size=64)
    table, summary, chart = ex.table, ex.summary, ex.chart.value
    ex.input_size.min = 8  # a slider cannot go below 32; widen it to reach an invalid size
    ex.input_size.value = 16
    assert not ex.ok
    assert "input_size" in ex.message and "16" in ex.message
    assert "last good output" in ex.status.value
    assert ex.table is table and ex.summary == summary and ex.chart.value == chart
    ex.input_size.value = 32  # a valid size again: the message goes
    assert ex.ok and ex.message == "" and ex.status.value == ""
    assert ex.table.input_size == 32


@pytest.mark.parametrize("kwargs, error", [
    ({"config": "F"}, ValueError), ({"config": 4}, TypeError),
    ({"width": 0.3}, ValueError), ({"width": 4.0}, ValueError), ({"width": 0}, ValueError),
    ({"width": True}, ValueError), ({"input_size": 100}, ValueError),
    ({"input_size": 16}, ValueError), ({"input_size": 224.0}, ValueError),
])
def test_bad_starting_values_raise_and_name_the_argument(kwargs, error):
    with pytest.raises(error, match=next(iter(kwargs))):
        VGGExplorer(**kwargs)


def test_vgg_explorer_returns_the_explorer_with_its_css_class():
    ex = vgg_explorer(config="A", width=0.25, input_size=64)
    assert isinstance(ex, VGGExplorer) and ex.explorer is ex
    assert "vgg-explorer" in ex.widget._dom_classes
    assert ex._repr_mimebundle_() == ex.widget._repr_mimebundle_()
    assert ex.table.config == "A"
    assert {"cl-explorer-msg", "cl-vgg-msg"} <= set(ex.status._dom_classes)


def test_moves_are_blitted_and_match_a_fresh_chart():
    """After moves of the width and the input size (and a trip to another configuration) the
    chart is pixel for pixel the one a new explorer draws, without drawing the whole figure
    again for configuration D."""
    ex = VGGExplorer(config="D", width=1.0, input_size=224)
    blit = ex._picture(ex.table)[1]
    ex.input_size.value = 256
    ex.width.value = 0.5
    ex.config.value = "A"
    ex.config.value = "D"
    ex.input_size.value = 224
    ex.width.value = 1.0
    ex.input_size.value = 256
    assert ex._picture(ex.table)[1] is blit and blit.full_draws == 1
    assert ex.chart.value == VGGExplorer(config="D", width=1.0, input_size=256).chart.value
