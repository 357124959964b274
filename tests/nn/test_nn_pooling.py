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


UNPOOL = [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1),
          dict(kernel_size=3, stride=1, padding=1), dict(kernel_size=(2, 3), stride=(2, 1))]


@pytest.mark.parametrize("kwargs", UNPOOL)
@pytest.mark.parametrize("shape", [(2, 3, 9, 8), (3, 7, 6)])
def test_max_unpool2d_undoes_max_pool2d_as_torch(kwargs, shape):
    """Overlapping windows (stride < kernel) repeat indices: the value is written once and
    every pooled value receives the gradient at its position, as in PyTorch."""
    x = np.round(np.random.default_rng(1).standard_normal(shape), 1)  # ties too
    results = []
    for lib in (minigrad, torch):
        values, index = lib.nn.MaxPool2d(return_indices=True, **kwargs)(lib.tensor(x))
        values = values.detach().requires_grad_()
        unpool = lib.nn.MaxUnpool2d(**kwargs)
        out = unpool(values, index, output_size=shape[-2:])
        g = lib.tensor(np.arange(out.numel()).reshape(tuple(out.shape)) * 0.5)
        (out * g).sum().backward()
        results.append([out.detach(), values.grad, index])
        assert repr(unpool) == repr(torch.nn.MaxUnpool2d(**kwargs))
    for a, b in zip(*results):
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_max_unpool1d_matches_torch():
    x = np.random.default_rng(2).standard_normal((2, 3, 11))
    results = []
    for lib in (minigrad, torch):
        values, index = lib.nn.functional.max_pool1d(lib.tensor(x), 3, 2, return_indices=True)
        results.append(lib.nn.MaxUnpool1d(3, 2)(values, index, output_size=(2, 3, 11)))
    np.testing.assert_array_equal(results[0].numpy(), results[1].numpy())


@pytest.mark.parametrize("make_args", [
    lambda lib, v, i: (v, i * 100, 2),            # an index past the output
    lambda lib, v, i: (v, i[..., :1], 2),         # indices of another shape
    lambda lib, v, i: (v, i.float(), 2),          # float indices
    lambda lib, v, i: (v, i, 2, None, 0, (9, 9)),  # an output size too far from the default
    lambda lib, v, i: (v, i, 2, None, 0, (1, 2, 3)),
])
def test_max_unpool2d_refuses_what_torch_refuses(make_args):
    raised = []
    for lib in (minigrad, torch):
        v, i = lib.nn.functional.max_pool2d(lib.ones(1, 1, 4, 4), 2, return_indices=True)
        with pytest.raises(Exception) as info:
            lib.nn.functional.max_unpool2d(*make_args(lib, v, i))
        raised.append(info.value)
    assert type(raised[0]) is type(raised[1]), raised
    assert "max_unpool2d" in str(raised[0]) or "output_size" in str(raised[0])


@pytest.mark.parametrize("norm_type", [1, 2, 3.5, float("inf"), -float("inf")])
@pytest.mark.parametrize("kwargs", [dict(kernel_size=2), dict(kernel_size=(2, 3), stride=1),
                                    dict(kernel_size=3, stride=2, ceil_mode=True)])
def test_lp_pool2d_matches_torch(norm_type, kwargs):
    """Values and gradients (inputs kept positive where p is not 1, where PyTorch's root
    of a negative average would be NaN in both)."""
    x = np.random.default_rng(5).standard_normal((2, 3, 7, 8))
    x = x if norm_type == 1 else np.abs(x) + 0.1
    compare_module(torch, torch.nn.LPPool2d(norm_type, **kwargs),
                   nn.LPPool2d(norm_type, **kwargs), x)
    assert repr(nn.LPPool2d(norm_type, **kwargs)) == repr(torch.nn.LPPool2d(norm_type, **kwargs))


def test_lp_pool1d_matches_torch():
    x = np.abs(np.random.default_rng(6).standard_normal((2, 3, 9))) + 0.1
    compare_module(torch, torch.nn.LPPool1d(2, 3, 2), nn.LPPool1d(2, 3, 2), x)
    assert repr(nn.LPPool1d(1.5, 2)) == repr(torch.nn.LPPool1d(1.5, 2))
