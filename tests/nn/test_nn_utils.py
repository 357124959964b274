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


# --- weight_norm and spectral_norm ---------------------------------------------------------
WN_X = np.random.default_rng(11).standard_normal((4, 3)).astype(np.float32)


@pytest.mark.parametrize("dim", [0, 1, None])
def test_weight_norm_matches_torch_and_can_be_removed(dim):
    torch = pytest.importorskip("torch")
    results = []
    for lib in (minigrad, torch):
        layer = lib.nn.Linear(3, 2)
        with lib.no_grad():
            layer.weight.copy_(lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, -6.0]]))
            layer.bias.zero_()
        with pytest.warns(FutureWarning, match="weight_norm` is deprecated"):
            lib.nn.utils.weight_norm(layer, dim=dim)
        y = layer(lib.tensor(WN_X))
        y.sum().backward()
        names = sorted(n for n, _ in layer.named_parameters())
        got = [y.detach(), layer.weight_g.grad, layer.weight_v.grad]
        lib.nn.utils.remove_weight_norm(layer)
        results.append((got + [layer.weight.detach()], names,
                        sorted(n for n, _ in layer.named_parameters())))
    for a, b in zip(results[0][0], results[1][0]):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)
    assert results[0][1:] == results[1][1:]


@pytest.mark.parametrize("make", [lambda lib: lib.nn.Linear(5, 3),
                                  lambda lib: lib.nn.Conv2d(2, 4, 3),
                                  lambda lib: lib.nn.ConvTranspose2d(2, 4, 3)])
def test_spectral_norm_matches_torch_from_the_same_start(make):
    """Same weights and the same starting power-iteration vectors (copied from minigrad's
    draw): three training calls, the gradient, the buffers and an eval call agree."""
    torch = pytest.importorskip("torch")
    weights, start, results = None, None, []
    for lib in (minigrad, torch):
        layer = make(lib)
        if weights is None:
            weights = {n: p.detach().numpy().copy() for n, p in layer.named_parameters()}
        with lib.no_grad():
            for n, p in layer.named_parameters():
                p.copy_(lib.tensor(weights[n]))
        lib.nn.utils.spectral_norm(layer)
        if start is None:
            start = (layer.weight_u.numpy().copy(), layer.weight_v.numpy().copy())
        with lib.no_grad():
            layer.weight_u.copy_(lib.tensor(start[0]))
            layer.weight_v.copy_(lib.tensor(start[1]))
        x = lib.ones(2, 5) if isinstance(layer, lib.nn.Linear) else lib.ones(1, 2, 5, 5)
        for _ in range(3):
            y = layer(x)
        y.sum().backward()
        layer.eval()
        results.append([y.detach(), layer.weight_orig.grad, layer.weight_u, layer(x).detach()])
        assert sorted(n for n, _ in layer.named_buffers()) == ["weight_u", "weight_v"]
    for a, b in zip(*results):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-5)


def test_spectral_norm_bounds_the_largest_singular_value_and_is_removable():
    layer = minigrad.nn.utils.spectral_norm(minigrad.nn.Linear(6, 4), n_power_iterations=5)
    for _ in range(20):
        layer(minigrad.ones(1, 6))
    sigma = np.linalg.svd(layer.weight.detach().numpy(), compute_uv=False)[0]
    assert abs(sigma - 1.0) < 1e-3
    minigrad.nn.utils.remove_spectral_norm(layer)
    assert sorted(n for n, _ in layer.named_parameters()) == ["bias", "weight"]
    assert list(layer.named_buffers()) == []
    with pytest.raises(ValueError):
        minigrad.nn.utils.remove_spectral_norm(layer)
    with pytest.raises(ValueError):
        minigrad.nn.utils.spectral_norm(minigrad.nn.Linear(2, 2), n_power_iterations=0)


def test_total_norm_and_clipping_in_two_steps_match_torch():
    torch = pytest.importorskip("torch")
    results = []
    for lib in (minigrad, torch):
        params = [lib.nn.Parameter(lib.ones(3)), lib.nn.Parameter(lib.ones(2, 2))]
        params[0].grad, params[1].grad = lib.ones(3) * 2, lib.ones(2, 2) * -3
        total = lib.nn.utils.get_total_norm([p.grad for p in params], 3.0)
        lib.nn.utils.clip_grads_with_norm_(params, 1.0, total)
        with pytest.warns(FutureWarning, match="clip_grad_norm` is now deprecated"):
            again = lib.nn.utils.clip_grad_norm(params, 0.5, foreach=None)
        with pytest.raises(RuntimeError):
            lib.nn.utils.get_total_norm([lib.tensor([float("inf")])], error_if_nonfinite=True)
        results.append([total, again] + [p.grad for p in params])
    for a, b in zip(*results):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)
