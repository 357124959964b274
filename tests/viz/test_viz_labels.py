"""Tests for minigrad/viz/labels.py: the text written on the drawing."""
import numpy as np
import pytest

import minigrad as mg
from minigrad.viz import labels


@pytest.mark.parametrize("value, text", [
    ((2, 2), "(2,2)"),
    ((1,), "(1,)"),
    ([0, 2], "[0,2]"),
    (slice(1, None), "1:"),
    (slice(None, 4, 2), ":4:2"),
    ((0, slice(None), Ellipsis), "(0,:,...)"),
    (np.array([1, 2]), "[1,2]"),
    (np.zeros((3, 5)), "array(3, 5)"),
    (0.1 + 0.2, "0.3"),
    (np.dtype(np.float64), "float64"),
    (np.float32, "float32"),
    (None, "None"),
    ("x" * 50, "x" * 31 + "…"),
])
def test_format_value(value, text):
    assert labels.format_value(value) == text


def test_per_dimension_attrs_with_equal_values_show_one_number():
    assert labels.format_attr("stride", (2, 2)) == "stride=2"
    assert labels.format_attr("stride", (1, 2)) == "stride=(1,2)"
    assert labels.format_attr("shape", (3, 3)) == "shape=(3,3)"  # not per dimension


def test_op_label_puts_attrs_after_the_name_and_leaves_out_neutral_values():
    attrs = {"stride": (2, 2), "padding": (1, 1), "dilation": (1, 1)}
    assert labels.op_label("conv2d", attrs, show_attrs=True) == ["conv2d stride=2 padding=1"]
    assert labels.op_label("conv2d", {"padding": (0, 0)}, show_attrs=True) == ["conv2d"]
    assert labels.op_label("conv2d", attrs, show_attrs=False) == ["conv2d"]


def test_op_label_wraps_long_attribute_lists():
    attrs = {"kernel_size": (3, 3), "stride": (2, 2), "padding": (1, 1), "output_size": (8, 9)}
    lines = labels.op_label("fold", attrs, show_attrs=True)
    assert len(lines) > 1 and all(len(line) <= 28 for line in lines)
    assert " ".join(lines) == "fold kernel_size=3 stride=2 padding=1 output_size=(8,9)"


def test_format_shape():
    assert labels.format_shape(()) == "()"
    assert labels.format_shape((3,)) == "(3,)"
    assert labels.format_shape((1, 6, 28, 28)) == "(1, 6, 28, 28)"


def test_nonfinite_names_what_it_finds():
    assert labels.nonfinite(np.array([1.0, 2.0])) is None
    assert labels.nonfinite(np.array([1.0, np.nan])) == "NaN"
    assert labels.nonfinite(np.array([-np.inf, 1.0], dtype=np.float32)) == "Inf"
    assert labels.nonfinite(np.array([np.nan, np.inf])) == "NaN, Inf"
    assert labels.nonfinite(np.array([1, 2])) is None
    assert labels.nonfinite(None) is None


def test_grad_stats():
    text = labels.grad_stats(np.array([3.0, -4.0], dtype=np.float32))
    assert text == "grad norm=5 min=-4 max=3"
    assert labels.grad_stats(np.zeros(0)) == "grad (empty)"


def test_module_label_uses_the_name_and_a_one_line_extra_repr(fake_module):
    conv = type("Conv2d", (fake_module,), {})("1, 6, kernel_size=(5, 5)")
    assert labels.module_label(conv, "features.0") == "features.0: Conv2d(1, 6, kernel_size=(5, 5))"
    assert labels.module_label(conv, "") == "Conv2d(1, 6, kernel_size=(5, 5))"
    assert labels.module_label(object(), None) == "object"
    assert labels.describe_module(fake_module("two\nlines")) == "FakeModule"


def test_module_names_prefers_the_first_root(fake_module):
    leaf = fake_module()
    inner = fake_module(leaf=leaf)
    outer = fake_module(inner=inner)
    names = labels.module_names([inner, outer, object()])
    assert names[id(leaf)] == "leaf" and names[id(inner)] == "" and names[id(outer)] == ""
    assert labels.module_names([outer])[id(leaf)] == "inner.leaf"


def test_format_value_of_a_tensor_attr():
    assert labels.format_value(mg.tensor([1, 2])) == "[1,2]"
