"""Tests for minigrad/viz/summary.py, on LeNet-5 and small models."""
import numpy as np
import pytest

import minigrad as mg
from minigrad.viz import summary

nn = pytest.importorskip("minigrad.nn")


LENET_PARAMS = (6 * 25 + 6) + (16 * 6 * 25 + 16) + (400 * 120 + 120) + (120 * 84 + 84) \
    + (84 * 10 + 10)


def rows_by_name(table):
    return {row.name: row for row in table.rows}


def body_lines(text):
    """The layer lines: between the second and third rule of '=' characters."""
    lines = text.splitlines()
    rules = [i for i, line in enumerate(lines) if set(line) == {"="}]
    return lines[rules[1] + 1:rules[2]]


def test_lenet_totals_and_rows(lenet, capsys):
    table = summary(lenet(), (1, 1, 28, 28))
    assert capsys.readouterr().out.strip() == str(table).strip()
    assert table.total_params == table.trainable_params == LENET_PARAMS == 61706
    assert table.non_trainable_params == 0
    assert table.param_bytes == LENET_PARAMS * 4
    assert f"Params size (MB): {LENET_PARAMS * 4 / 1e6:.2f}" in table
    rows = rows_by_name(table)
    assert rows["features.0"].output_shapes == ["[1, 6, 28, 28]"]
    assert rows["features.5"].output_shapes == ["[1, 16, 5, 5]"]
    assert rows["classifier.0"].output_shapes == ["[1, 400]"]
    assert rows[""].output_shapes == ["[1, 10]"]
    assert rows["classifier.1"].own_params == 48120 and rows["features"].own_params == 0
    assert rows["features"].all_params == 156 + 2416


def test_lenet_table_layout(lenet):
    text = summary(lenet(), (2, 1, 28, 28), verbose=False)
    lines = text.splitlines()
    assert lines[1].split() == ["Layer", "(type)", "Output", "shape", "Param", "#"]
    conv = next(line for line in lines if "features.0" in line)
    assert conv.startswith("    features.0 (Conv2d)") and conv.endswith(" 156")
    assert "[2, 6, 28, 28]" in conv
    assert next(line for line in lines if "(Sequential)" in line).startswith("  features")
    assert "Total params: 61,706" in lines and "Non-trainable params: 0" in lines


def test_param_column_adds_up_to_the_total_at_every_depth(lenet):
    model = lenet()
    for depth in (None, 0, 1, 2):
        text = summary(model, (1, 1, 28, 28), depth=depth, verbose=False)
        column = [line.rsplit(None, 1)[1] for line in body_lines(text)]
        assert sum(int(c.replace(",", "")) for c in column if c != "--") == LENET_PARAMS
    assert len(body_lines(summary(model, (1, 1, 28, 28), depth=1, verbose=False))) == 3


def test_frozen_parameters_are_non_trainable(lenet):
    model = lenet()
    model.features.requires_grad_(False)
    table = summary(model, (1, 1, 28, 28), verbose=False)
    assert table.non_trainable_params == 156 + 2416
    assert table.trainable_params == LENET_PARAMS - 156 - 2416


def test_input_data_instead_of_a_size_and_no_graph_or_state_change(lenet):
    model = lenet().train()
    x = mg.randn(3, 1, 28, 28)
    table = summary(model, input_data=x, verbose=False)
    assert rows_by_name(table)[""].output_shapes == ["[3, 10]"]
    assert model.training and all(m.training for m in model.modules())
    assert all(p.grad is None for p in model.parameters())
    assert not model.features[0]._forward_hooks


def test_buffers_are_reported_and_running_stats_do_not_move():
    model = nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3))
    before = model[1].running_mean.numpy().copy()
    table = summary(model, (8, 4), verbose=False)
    assert np.array_equal(model[1].running_mean.numpy(), before)
    assert "Buffers size (MB)" in table and table.buffer_bytes > 0


def test_a_module_called_twice_shows_the_count():
    class Twice(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)

        def forward(self, x):
            return self.fc(self.fc(x))

    text = summary(Twice(), (1, 2), verbose=False)
    assert "[1, 2] x2 calls" in text


def test_integer_inputs_from_dtypes_and_several_inputs():
    class Pick(nn.Module):
        def forward(self, x, index):
            assert index.dtype == np.int64
            return x.gather(1, index)

    table = summary(Pick(), [(2, 5), (2, 1)], dtypes=[np.float32, np.int64], verbose=False)
    assert rows_by_name(table)[""].output_shapes == ["[2, 1]"]


def test_random_state_is_untouched():
    model = nn.Linear(2, 2)
    mg.manual_seed(3)
    expected = mg.randn(2).numpy()
    mg.manual_seed(3)
    summary(model, (1, 2), verbose=False)
    assert np.array_equal(mg.randn(2).numpy(), expected)


def test_bad_arguments():
    with pytest.raises(ValueError, match="exactly one of input_size"):
        summary(nn.Linear(2, 2))
    with pytest.raises(ValueError, match="exactly one of input_size"):
        summary(nn.Linear(2, 2), (1, 2), input_data=mg.ones(1, 2))
    with pytest.raises(ValueError, match="2 input sizes but 1 dtypes"):
        summary(nn.Linear(2, 2), [(1, 2), (1, 2)], dtypes=[np.float32])
    with pytest.raises(TypeError, match="must be an nn.Module"):
        summary(lambda x: x, (1, 2))
