"""Pooling layers: shells around F.*_pool2d, compared with torch.nn."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from nn_oracle import compare_module

torch = pytest.importorskip("torch")

X = np.random.default_rng(0).standard_normal((2, 3, 9, 8))


@pytest.mark.parametrize("kwargs", [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=(2, 3), stride=1, dilation=2),
    dict(kernel_size=2, ceil_mode=True),
])
def test_max_pool2d(kwargs):
    compare_module(torch, torch.nn.MaxPool2d(**kwargs), nn.MaxPool2d(**kwargs), X)


@pytest.mark.parametrize("kwargs", [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    dict(kernel_size=2, divisor_override=3),
])
def test_avg_pool2d(kwargs):
    compare_module(torch, torch.nn.AvgPool2d(**kwargs), nn.AvgPool2d(**kwargs), X)


@pytest.mark.parametrize("size", [1, 3, (4, None), (2, 5)])
def test_adaptive_avg_pool2d(size):
    compare_module(torch, torch.nn.AdaptiveAvgPool2d(size), nn.AdaptiveAvgPool2d(size), X)


def test_max_pool2d_return_indices():
    ours = nn.MaxPool2d(2, return_indices=True)
    theirs = torch.nn.MaxPool2d(2, return_indices=True)
    values, indices = ours(minigrad.tensor(X))
    expected_values, expected_indices = theirs(torch.tensor(X))
    np.testing.assert_array_equal(values.numpy(), expected_values.numpy())
    np.testing.assert_array_equal(indices.numpy(), expected_indices.numpy())
