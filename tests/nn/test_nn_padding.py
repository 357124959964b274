"""F.pad in every mode, with negative (cropping) amounts, against PyTorch."""
import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F
from minigrad.testing import gradgradcheck
from nn_oracle import assert_close, ours, theirs

torch = pytest.importorskip("torch")
TF = torch.nn.functional
RNG = np.random.default_rng(11)


def compare_pad(x, pad, mode="constant", value=None):
    xo, xt = ours(x, True), theirs(torch, x, True)
    kwargs = {} if value is None else {"value": value}
    yo, yt = F.pad(xo, pad, mode, **kwargs), TF.pad(xt, pad, mode, **kwargs)
    assert_close(yo, yt, rtol=0, atol=0)
    r = RNG.standard_normal(yo.shape)
    (yo * ours(r)).sum().backward()
    (yt * theirs(torch, r)).sum().backward()
    assert_close(xo.grad, xt.grad, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("pad", [(1, 2), (-1, 2), (-1, -2), (0, -4), (2, -1, -1, 3),
                                 (1, 1, -2, 0, 1, -1), (-3, 0, 0, 0, 0, 0, 1, 1)])
def test_constant_padding_with_negative_amounts_crops(pad):
    compare_pad(RNG.standard_normal((2, 3, 3, 4)), pad, value=1.5)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("shape, pad", [
    ((2, 5), (2, 3)), ((2, 3, 5), (1, 4)), ((2, 3, 5), (2, 1, 1, 2)),
    ((1, 2, 4, 5), (3, 1, 2, 0)), ((1, 2, 4, 5), (-1, 2, 1, -2)),
    ((1, 1, 3, 4, 5), (1, 1, 2, 0, 1, 2)), ((2, 6), (-2, 3)), ((2, 6), (3, -2)),
])
def test_other_modes_match_torch(mode, shape, pad):
    compare_pad(RNG.standard_normal(shape), pad, mode)


def test_pad_errors_match_torch():
    x = minigrad.zeros(1, 1, 3, 4)
    with pytest.raises(RuntimeError, match="divisible by 2"):
        F.pad(x, (1, 1, 1))
    with pytest.raises(RuntimeError, match="less than or equal to two times"):
        F.pad(x, (1,) * 10)
    with pytest.raises(RuntimeError, match="negative length"):
        F.pad(x, (-5, 1))
    with pytest.raises(RuntimeError, match="reflect padding"):
        F.pad(x, (4, 1, 1, 2), mode="reflect")
    with pytest.raises(RuntimeError, match="wraps around more than once"):
        F.pad(x, (5, 1, 1, 2), mode="circular")
    with pytest.raises(NotImplementedError, match="padding size 2 is not supported for 4D"):
        F.pad(x, (1, 1), mode="reflect")
    with pytest.raises(RuntimeError, match="doesn't take in value"):
        F.pad(x, (1, 1, 1, 1), mode="reflect", value=2.0)
    with pytest.raises(NotImplementedError, match="unrecognised padding mode"):
        F.pad(x, (1, 1), mode="bogus")
    with pytest.raises(TypeError, match="tuple of ints"):
        F.pad(x, (1.5, 1))
    assert F.pad(x, (-4, 0)).shape == (1, 1, 3, 0)  # an empty result is fine, as in torch


def test_pad_keeps_dtype_and_is_twice_differentiable():
    assert F.pad(minigrad.zeros(2, 3), (1, -1)).dtype == np.float32
    assert F.pad(minigrad.zeros(2, 3, dtype=np.int64), (1, 1), value=2).dtype == np.int64
    x = ours(RNG.standard_normal((1, 2, 3, 4)), True)
    assert gradgradcheck(lambda x: F.pad(x, (2, -1, 1, 1), mode="reflect") ** 2, [x])
    assert gradgradcheck(lambda x: F.pad(x, (-1, 2, 0, -1)) ** 2, [x])
