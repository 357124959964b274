"""conv1d and the transposed convolutions against PyTorch (values, input/weight/bias
gradients), their layers, their errors, and double backward by finite differences."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.testing import gradcheck, gradgradcheck
from nn_oracle import assert_close, compare_module, ours, theirs

torch = pytest.importorskip("torch")
TF = torch.nn.functional
RNG = np.random.default_rng(5)


def compare_fn(our_fn, their_fn, arrays, **kwargs):
    xo = [ours(a, True) for a in arrays]
    xt = [theirs(torch, a, True) for a in arrays]
    yo, yt = our_fn(*xo, **kwargs), their_fn(*xt, **kwargs)
    assert_close(yo, yt, rtol=1e-10, atol=1e-12)
    r = RNG.standard_normal(yo.shape)
    (yo * ours(r)).sum().backward()
    (yt * theirs(torch, r)).sum().backward()
    for a, b in zip(xo, xt):
        assert_close(a.grad, b.grad, rtol=1e-10, atol=1e-12)


CONV_T2D = [
    dict(),
    dict(stride=2),
    dict(stride=2, padding=1, output_padding=1),
    dict(stride=(2, 3), padding=(1, 0), output_padding=(0, 2)),
    dict(stride=2, dilation=2, output_padding=1),
    dict(dilation=(2, 1), padding=(2, 1)),
    dict(groups=2, stride=2),
    dict(stride=3, padding=2, output_padding=2, groups=2, dilation=2),
]


@pytest.mark.parametrize("config", CONV_T2D)
@pytest.mark.parametrize("bias", [False, True])
def test_conv_transpose2d_matches_torch(config, bias):
    groups = config.get("groups", 1)
    x = RNG.standard_normal((2, 4, 3, 4))
    w = RNG.standard_normal((4, 6 // groups, 3, 2))
    arrays = [x, w] + ([RNG.standard_normal(6)] if bias else [])
    compare_fn(F.conv_transpose2d, TF.conv_transpose2d, arrays, **config)


def test_conv_transpose2d_unbatched_and_double_backward():
    x, w = RNG.standard_normal((2, 3, 3)), RNG.standard_normal((2, 1, 2, 2))
    compare_fn(F.conv_transpose2d, TF.conv_transpose2d, [x, w], stride=2)
    xo, wo, bo = ours(x[None], True), ours(w, True), ours(RNG.standard_normal(1), True)
    fn = lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1)
    assert gradcheck(fn, [xo, wo, bo])
    assert gradgradcheck(fn, [xo, wo, bo])


@pytest.mark.parametrize("config", [dict(), dict(stride=2, padding=1), dict(dilation=2),
                                    dict(padding="same"), dict(padding="valid", groups=2),
                                    dict(stride=3, padding=2, dilation=2, groups=2)])
def test_conv1d_matches_torch(config):
    x, w, b = (RNG.standard_normal((2, 4, 9)), RNG.standard_normal((6, 4 // config.get(
        "groups", 1), 3)), RNG.standard_normal(6))
    compare_fn(F.conv1d, TF.conv1d, [x, w, b], **config)
    compare_fn(F.conv1d, TF.conv1d, [x[0], w], **config)  # unbatched


@pytest.mark.parametrize("config", [dict(), dict(stride=2, padding=1, output_padding=1),
                                    dict(dilation=2, groups=2)])
def test_conv_transpose1d_matches_torch(config):
    x = RNG.standard_normal((2, 4, 5))
    w = RNG.standard_normal((4, 6 // config.get("groups", 1), 3))
    compare_fn(F.conv_transpose1d, TF.conv_transpose1d, [x, w, RNG.standard_normal(6)],
               **config)


def test_conv1d_double_backward():
    x, w = ours(RNG.standard_normal((1, 2, 5)), True), ours(RNG.standard_normal((3, 2, 2)), True)
    assert gradgradcheck(lambda x, w: F.conv1d(x, w, stride=2, dilation=2), [x, w])


@pytest.mark.parametrize("make", [
    lambda m: m.Conv1d(4, 6, 3, stride=2, padding=1),
    lambda m: m.Conv1d(4, 6, 3, padding="same", bias=False, groups=2),
    lambda m: m.ConvTranspose1d(4, 6, 3, stride=2, padding=1, output_padding=1),
    lambda m: m.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1),
    lambda m: m.ConvTranspose2d(4, 6, (3, 2), bias=False, dilation=2, groups=2),
])
def test_conv_layers_match_torch(make):
    torch_layer, layer = make(torch.nn), make(nn)
    assert repr(layer) == repr(torch_layer)
    assert [(n, p.shape) for n, p in layer.named_parameters()] == [
        (n, tuple(p.shape)) for n, p in torch_layer.named_parameters()]
    spatial = (5,) if "1d" in type(layer).__name__ else (5, 4)
    compare_module(torch, torch_layer, layer, RNG.standard_normal((2, 4) + spatial),
                   rtol=1e-10, atol=1e-12)


def test_default_init_bounds_follow_torch():
    """ConvTranspose2d's fan-in is out_channels / groups * KH * KW (its weight's dim 1)."""
    minigrad.manual_seed(0)
    layer = nn.ConvTranspose2d(64, 2, 3)
    bound = 1 / np.sqrt(2 * 9)
    w = layer.weight.detach().numpy()
    assert w.min() >= -bound and w.max() <= bound and w.max() > 0.9 * bound
    assert abs(layer.bias.detach().numpy()).max() <= bound


def test_conv_transpose2d_output_size_argument():
    layer = nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1)
    x = minigrad.randn(1, 2, 4, 4)
    assert layer(x).shape == (1, 3, 7, 7)
    assert layer(x, output_size=(1, 3, 8, 8)).shape == (1, 3, 8, 8)


def test_transposed_and_1d_errors_match_torch():
    x = minigrad.randn(1, 2, 3, 3)
    with pytest.raises(RuntimeError, match="output padding must be smaller than either "
                                           "stride or dilation"):
        F.conv_transpose2d(x, minigrad.randn(2, 3, 3, 3), stride=2, output_padding=2)
    with pytest.raises(RuntimeError, match="to have 3 channels, but got 2 channels"):
        F.conv_transpose2d(x, minigrad.randn(3, 3, 3, 3))
    with pytest.raises(RuntimeError, match="too small"):
        F.conv_transpose2d(x, minigrad.randn(2, 3, 3, 3), padding=5)
    with pytest.raises(RuntimeError, match="4D weight"):
        F.conv_transpose2d(x, minigrad.randn(2, 3, 3))
    with pytest.raises(RuntimeError, match="to have 2 channels, but got 3 channels"):
        F.conv1d(minigrad.randn(1, 3, 5), minigrad.randn(3, 2, 3))
    with pytest.raises(RuntimeError, match="3D weight"):
        F.conv1d(minigrad.randn(1, 2, 5), minigrad.randn(3, 2, 3, 1))
    with pytest.raises(TypeError, match="padding"):
        nn.ConvTranspose2d(2, 2, 3, padding="same")
