"""Embedding, one_hot, LayerNorm, GroupNorm, InstanceNorm, RMSNorm and normalize against
PyTorch, plus channel dropout."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.testing import gradgradcheck
from nn_oracle import assert_close, compare_module, copy_weights, ours, theirs

torch = pytest.importorskip("torch")
TF = torch.nn.functional
RNG = np.random.default_rng(9)
IDX = np.array([[0, 2, 4, 2], [1, 0, 0, 3]])


@pytest.mark.parametrize("kwargs", [dict(), dict(padding_idx=0), dict(padding_idx=-3),
                                    dict(scale_grad_by_freq=True, padding_idx=2)])
def test_embedding_matches_torch(kwargs):
    w = RNG.standard_normal((5, 3))
    wo, wt = ours(w, True), theirs(torch, w, True)
    yo, yt = F.embedding(ours(IDX), wo, **kwargs), TF.embedding(torch.tensor(IDX), wt, **kwargs)
    assert_close(yo, yt, rtol=0, atol=0)
    r = RNG.standard_normal(yo.shape)
    (yo * ours(r)).sum().backward()
    (yt * theirs(torch, r)).sum().backward()
    assert_close(wo.grad, wt.grad, rtol=1e-12, atol=1e-14)


def test_embedding_max_norm_renormalizes_rows_in_place_like_torch():
    w = RNG.standard_normal((5, 3)) * 2
    wo, wt = ours(w), theirs(torch, w)
    yo = F.embedding(ours(IDX[0]), wo, max_norm=1.5, norm_type=1.0)
    with torch.no_grad():
        yt = TF.embedding(torch.tensor(IDX[0]), wt, max_norm=1.5, norm_type=1.0)
    assert_close(yo, yt, rtol=1e-6)
    assert_close(wo, wt, rtol=1e-6)  # rows 0, 2, 4 rescaled, the others untouched


def test_embedding_module_matches_torch():
    torch_layer, layer = torch.nn.Embedding(6, 4, padding_idx=1), nn.Embedding(6, 4, padding_idx=1)
    assert repr(layer) == repr(torch_layer)
    np.testing.assert_array_equal(layer.weight.detach().numpy()[1], 0)  # padding row starts at zero
    layer.double(), torch_layer.double()
    copy_weights(torch_layer, layer)
    index = np.array([[1, 2, 5], [1, 0, 0]])
    yo, yt = layer(ours(index)), torch_layer(torch.tensor(index))
    assert_close(yo, yt, rtol=0, atol=0)
    yo.sum().backward(), yt.sum().backward()
    assert_close(layer.weight.grad, torch_layer.weight.grad, rtol=0, atol=0)
    frozen = nn.Embedding.from_pretrained(minigrad.randn(3, 2))
    assert not frozen.weight.requires_grad and frozen(minigrad.tensor([2])).shape == (1, 2)


def test_embedding_errors_match_torch():
    w = minigrad.randn(3, 2)
    with pytest.raises(IndexError, match="out of range"):
        F.embedding(minigrad.tensor([0, 5]), w)
    with pytest.raises(IndexError, match="out of range"):
        F.embedding(minigrad.tensor([0, -1]), w)
    with pytest.raises(RuntimeError, match="int64 or int32"):
        F.embedding(minigrad.tensor([0.0, 1.0]), w)
    with pytest.raises(AssertionError, match="padding_idx must be within"):
        F.embedding(minigrad.tensor([0]), w, padding_idx=3)
    with pytest.raises(NotImplementedError, match="sparse"):
        F.embedding(minigrad.tensor([0]), w, sparse=True)


def test_one_hot_matches_torch():
    t = np.array([[0, 2], [3, 1]])
    assert_close(F.one_hot(ours(t)), TF.one_hot(torch.tensor(t)), rtol=0, atol=0)
    assert F.one_hot(ours(t), 6).shape == (2, 2, 6) and F.one_hot(ours(t)).dtype == np.int64
    with pytest.raises(RuntimeError, match="smaller than num_classes"):
        F.one_hot(ours(t), 3)
    with pytest.raises(RuntimeError, match="non-negative"):
        F.one_hot(minigrad.tensor([0, -1]), 3)
    with pytest.raises(RuntimeError, match="int64"):
        F.one_hot(minigrad.tensor([0, 1], dtype=np.int32), 3)


@pytest.mark.parametrize("make, shape", [
    (lambda m: m.LayerNorm(4), (2, 3, 4)),
    (lambda m: m.LayerNorm((3, 4), eps=1e-3), (2, 3, 4)),
    (lambda m: m.LayerNorm(4, elementwise_affine=False), (5, 4)),
    (lambda m: m.LayerNorm(4, bias=False), (5, 4)),
    (lambda m: m.GroupNorm(2, 6), (3, 6, 5)),
    (lambda m: m.GroupNorm(3, 6, affine=False), (3, 6, 2, 2)),
    (lambda m: m.InstanceNorm1d(3), (2, 3, 5)),
    (lambda m: m.InstanceNorm2d(3, affine=True), (2, 3, 4, 4)),
    (lambda m: m.RMSNorm(4), (2, 3, 4)),
    (lambda m: m.RMSNorm([3, 4], eps=1e-4), (2, 3, 4)),
])
def test_normalization_layers_match_torch(make, shape):
    torch_layer, layer = make(torch.nn), make(nn)
    assert repr(layer) == repr(torch_layer)
    assert list(layer.state_dict()) == list(torch_layer.state_dict())
    with torch.no_grad():
        for p in torch_layer.parameters():  # move away from the 1/0 initial values
            p.add_(torch.rand(p.shape, dtype=p.dtype))
    compare_module(torch, torch_layer, layer, RNG.standard_normal(shape) * 2 + 1,
                   rtol=1e-10, atol=1e-12)


def test_instance_norm_with_running_stats_matches_torch():
    torch_layer = torch.nn.InstanceNorm2d(3, track_running_stats=True).double()
    layer = nn.InstanceNorm2d(3, track_running_stats=True).double()
    for _ in range(2):
        x = RNG.standard_normal((2, 3, 4, 4)) * 3 + 1
        assert_close(layer(ours(x)), torch_layer(torch.tensor(x)), rtol=1e-10)
    assert_close(layer.running_mean, torch_layer.running_mean, rtol=1e-10)
    assert_close(layer.running_var, torch_layer.running_var, rtol=1e-10)
    layer.eval(), torch_layer.eval()
    assert_close(layer(ours(x)), torch_layer(torch.tensor(x)), rtol=1e-10)


def test_norm_functions_double_backward_and_errors():
    x = ours(RNG.standard_normal((2, 4, 3)), True)
    w, b = ours(RNG.random(3) + 0.5, True), ours(RNG.standard_normal(3), True)
    assert gradgradcheck(lambda x, w, b: F.layer_norm(x, (3,), w, b), [x, w, b])
    assert gradgradcheck(lambda x: F.group_norm(x, 2), [x])
    with pytest.raises(RuntimeError, match=r"expected input with shape \[\*, 4\]"):
        F.layer_norm(minigrad.zeros(3, 5), [4])
    with pytest.raises(RuntimeError, match="same shape as normalized_shape"):
        F.layer_norm(minigrad.zeros(3, 5), (5,), weight=minigrad.ones(4))
    with pytest.raises(RuntimeError, match="divisible by num_groups"):
        F.group_norm(minigrad.zeros(2, 6, 4), 4)
    with pytest.raises(ValueError, match="more than 1 spatial element"):
        F.instance_norm(minigrad.zeros(2, 6, 1))


@pytest.mark.parametrize("p", [2.0, 1.0, 3.0])
def test_normalize_matches_torch_including_a_zero_vector(p):
    x = RNG.standard_normal((3, 4))
    x[1] = 0.0
    xo, xt = ours(x, True), theirs(torch, x, True)
    yo, yt = F.normalize(xo, p=p, dim=1), TF.normalize(xt, p=p, dim=1)
    assert_close(yo, yt, rtol=1e-12)
    r = RNG.standard_normal(x.shape)
    (yo * ours(r)).sum().backward(), (yt * theirs(torch, r)).sum().backward()
    assert_close(xo.grad, xt.grad, rtol=1e-10)


@pytest.mark.parametrize("fn, shape, channel_axes", [
    (F.dropout2d, (8, 6, 5, 5), (0, 1)), (F.dropout1d, (8, 6, 7), (0, 1)),
    (F.dropout1d, (6, 7), (0,)),
])
def test_channel_dropout_zeroes_whole_channels(fn, shape, channel_axes):
    minigrad.manual_seed(0)
    x = minigrad.ones(*shape, requires_grad=True)
    y = fn(x, 0.5)
    values = y.detach().numpy()
    reduce_axes = tuple(a for a in range(len(shape)) if a not in channel_axes)
    per_channel = values.max(axis=reduce_axes)
    np.testing.assert_array_equal(values.min(axis=reduce_axes), per_channel)  # all or none
    assert set(np.unique(per_channel)) == {0.0, 2.0}
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), values)
    assert fn(x, 0.5, training=False) is x


def test_dropout2d_warns_on_3d_input_and_modules():
    with pytest.warns(UserWarning, match="channel-wise 1D dropout"):
        F.dropout2d(minigrad.ones(2, 3, 4))
    assert repr(nn.Dropout2d(0.3)) == repr(torch.nn.Dropout2d(0.3))
    assert repr(nn.Dropout1d()) == repr(torch.nn.Dropout1d())
    assert nn.Dropout2d(0.5).eval()(x := minigrad.ones(1, 2, 3, 3)) is x
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout2d(1.5)
    with pytest.raises(RuntimeError, match="Expected 2D or 3D input"):
        F.dropout1d(minigrad.ones(2, 3, 4, 5))
