"""Conv2d: a shell around F.conv2d; same results as torch.nn.Conv2d with the same weights."""
import math

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from nn_oracle import compare_module

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("kwargs", [
    dict(),
    dict(stride=2, padding=1),
    dict(kernel_size=(3, 2), padding=(1, 0), dilation=(2, 1)),
    dict(groups=2, bias=False),
    dict(padding="same"),
])
def test_conv2d_matches_torch(kwargs):
    kwargs = {"kernel_size": 3, **kwargs}
    x = np.random.default_rng(0).standard_normal((2, 4, 7, 6))
    compare_module(torch, torch.nn.Conv2d(4, 6, **kwargs), nn.Conv2d(4, 6, **kwargs), x)


def test_conv2d_default_init_bound():
    minigrad.manual_seed(0)
    conv = nn.Conv2d(8, 64, 3, groups=2)
    bound = 1 / math.sqrt(8 // 2 * 3 * 3)
    assert conv.weight.shape == (64, 4, 3, 3) and conv.weight.dtype == np.float32
    for values in (conv.weight.detach().numpy(), conv.bias.detach().numpy()):
        assert np.abs(values).max() <= bound
    assert np.abs(conv.weight.detach().numpy()).max() > 0.95 * bound
    std = conv.weight.detach().numpy().std()
    assert abs(std - bound / math.sqrt(3)) < 0.05 * bound


def test_conv2d_channel_mismatch_names_the_layer_and_shape():
    with pytest.raises(RuntimeError, match=r"Conv2d\(in_channels=3\) got input of shape "
                                           r"\(1, 2, 5, 5\)"):
        nn.Conv2d(3, 4, 3)(minigrad.zeros(1, 2, 5, 5))


def test_conv2d_argument_checks():
    with pytest.raises(ValueError, match="groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match='Only "zeros" padding mode'):
        nn.ConvTranspose2d(3, 4, 3, padding_mode="reflect")


@pytest.mark.parametrize("make, pattern", [
    (lambda nn: nn.Conv2d(1, 2, 3, padding="same", stride=(1, 2)), "strided"),
    (lambda nn: nn.Conv1d(1, 2, 3, padding="same", stride=2), "strided"),
    (lambda nn: nn.Conv2d(1, 2, 3, padding="full"), "Invalid padding string 'full'"),
    (lambda nn: nn.Conv2d(1, 2, 3, padding_mode="bad"), "padding_mode must be one of"),
], ids=["same strided", "same strided 1d", "padding string", "padding_mode"])
def test_conv_arguments_pytorch_refuses_at_construction(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make(nn)
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError):
        make(torch.nn)
