"""clip_grad_norm_ and clip_grad_value_ against torch.nn.utils."""
import math

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
from minigrad.nn.utils import clip_grad_norm_, clip_grad_value_

torch = pytest.importorskip("torch")


def params_with_grads(scale, lib):
    rng = np.random.default_rng(0)
    params = []
    for shape in [(3, 4), (4,), (2, 2, 2)]:
        if lib == "ours":
            p = nn.Parameter(np.zeros(shape))
            p.grad = minigrad.tensor(rng.standard_normal(shape) * scale)
        else:
            p = torch.nn.Parameter(torch.zeros(shape, dtype=torch.float64))
            p.grad = torch.tensor(rng.standard_normal(shape) * scale)
        params.append(p)
    return params


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, math.inf])
@pytest.mark.parametrize("scale", [0.01, 10.0])
def test_clip_grad_norm_matches_torch(norm_type, scale):
    ours, theirs = params_with_grads(scale, "ours"), params_with_grads(scale, "torch")
    total = clip_grad_norm_(ours, max_norm=1.0, norm_type=norm_type)
    expected = torch.nn.utils.clip_grad_norm_(theirs, max_norm=1.0, norm_type=norm_type)
    assert isinstance(total, minigrad.Tensor)
    assert total.item() == pytest.approx(expected.item(), rel=1e-12)
    for p, q in zip(ours, theirs):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-12)


def test_clip_grad_norm_skips_missing_grads_and_accepts_one_tensor():
    p = nn.Parameter(minigrad.tensor([3.0, 4.0]))
    p.grad = minigrad.tensor([3.0, 4.0])
    assert clip_grad_norm_([p, nn.Parameter(minigrad.zeros(2))], 1.0).item() == pytest.approx(5)
    np.testing.assert_allclose(p.grad.numpy(), [0.6, 0.8], rtol=1e-5)
    assert p.grad.dtype == np.float32
    assert clip_grad_norm_(p, 10.0).item() == pytest.approx(1.0, rel=1e-5)
    p.grad = minigrad.tensor([np.inf, 0.0])
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_(p, 1.0, error_if_nonfinite=True)


def test_clip_grad_value():
    p = nn.Parameter(minigrad.zeros(3))
    p.grad = minigrad.tensor([-3.0, 0.5, 2.0])
    clip_grad_value_([p], 1.0)
    np.testing.assert_array_equal(p.grad.numpy(), [-1.0, 0.5, 1.0])


def test_pad_sequence_matches_torch():
    torch = pytest.importorskip("torch")
    from minigrad.nn.utils.rnn import pad_sequence
    arrays = [np.random.default_rng(i).standard_normal((n, 3)) for i, n in enumerate((2, 5, 1))]
    for kwargs in (dict(), dict(batch_first=True, padding_value=-1.0),
                   dict(batch_first=True, padding_side="left")):
        ours = pad_sequence([minigrad.tensor(a) for a in arrays], **kwargs)
        theirs = torch.nn.utils.rnn.pad_sequence([torch.tensor(a) for a in arrays], **kwargs)
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
