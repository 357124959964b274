"""affine_grid and grid_sample against PyTorch (values, gradients for input, grid and
theta, dtypes, warnings, errors) and finite differences."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
import minigrad.nn.functional as F
from minigrad.testing import gradcheck

torch = pytest.importorskip("torch")


def _sample(lib, x, grid, g, **kwargs):
    xt, gt = lib.tensor(x, requires_grad=True), lib.tensor(grid, requires_grad=True)
    out = lib.nn.functional.grid_sample(xt, gt, **kwargs)
    (out * lib.tensor(g, dtype=out.dtype)).sum().backward()
    return [out.detach(), xt.grad, gt.grad]


@settings(max_examples=80, deadline=None)
@given(n=st.integers(1, 2), c=st.integers(1, 3), h=st.integers(1, 5), w=st.integers(1, 5),
       oh=st.integers(1, 4), ow=st.integers(1, 4), mode=st.sampled_from(["bilinear", "nearest"]),
       padding_mode=st.sampled_from(["zeros", "border", "reflection"]),
       align_corners=st.booleans(), dtype=st.sampled_from([np.float32, np.float64]),
       seed=st.integers(0, 999))
def test_grid_sample_matches_torch(n, c, h, w, oh, ow, mode, padding_mode, align_corners, dtype,
                                   seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w)).astype(dtype)
    # Points inside and outside the image, kept away from pixel boundaries (kinks).
    grid = rng.uniform(-1.6, 1.6, (n, oh, ow, 2))
    grid = (np.round(grid * 40) / 40 + 0.0071).astype(dtype)
    g = rng.standard_normal((n, c, oh, ow))
    kwargs = dict(mode=mode, padding_mode=padding_mode, align_corners=align_corners)
    ours, theirs = _sample(minigrad, x, grid, g, **kwargs), _sample(torch, x, grid, g, **kwargs)
    tol = 1e-4 if dtype == np.float32 else 1e-9
    for a, b in zip(ours, theirs):
        assert a.dtype == dtype and tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("padding_mode", ["zeros", "border", "reflection"])
@pytest.mark.parametrize("align_corners", [False, True])
def test_bilinear_gradients_by_finite_differences(padding_mode, align_corners):
    rng = np.random.default_rng(4)
    x = minigrad.tensor(rng.standard_normal((1, 2, 4, 5)), requires_grad=True)
    grid = minigrad.tensor(rng.uniform(-1.3, 1.3, (1, 3, 2, 2)) + 0.013, requires_grad=True)

    def fn(x, grid):
        return F.grid_sample(x, grid, padding_mode=padding_mode, align_corners=align_corners)

    assert gradcheck(fn, [x, grid])


def test_sampling_at_pixel_centres_reproduces_the_image():
    x = np.arange(12.0).reshape(1, 1, 3, 4)
    theta = minigrad.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]], dtype=minigrad.float64)
    for align in (False, True):
        grid = F.affine_grid(theta, (1, 1, 3, 4), align_corners=align)
        out = F.grid_sample(minigrad.tensor(x), grid, align_corners=align)
        np.testing.assert_allclose(out.numpy(), x, atol=1e-12)


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("size", [(2, 3, 4, 5), (2, 1, 1, 3), (2, 1, 3, 1)])
def test_affine_grid_matches_torch(align_corners, size):
    theta = np.random.default_rng(5).standard_normal((2, 2, 3)).astype(np.float32)
    results = []
    for lib in (minigrad, torch):
        t = lib.tensor(theta, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PyTorch warns about unit sizes with True
            grid = lib.nn.functional.affine_grid(t, size, align_corners=align_corners)
        (grid * lib.tensor(np.arange(grid.numel()).reshape(grid.shape) * 0.1,
                           dtype=lib.float32)).sum().backward()
        results.append([grid.detach(), t.grad])
    for a, b in zip(*results):
        assert a.dtype == np.float32 and tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-5)


def test_align_corners_none_warns_as_torch():
    theta = [[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]]
    for lib in (minigrad, torch):
        with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
            grid = lib.nn.functional.affine_grid(lib.tensor(theta), (1, 1, 2, 2))
        with pytest.warns(UserWarning, match="align_corners=False since 1.3.0"):
            lib.nn.functional.grid_sample(lib.ones(1, 1, 2, 2), grid)


BAD = [  # (input shape, grid shape, keyword arguments): PyTorch refuses each
    ((1, 1, 3, 3), (2, 2, 2, 2), {}),
    ((1, 1, 3, 3), (1, 2, 2, 3), {}),
    ((1, 3, 3), (1, 2, 2), {}),
    ((1, 1, 3, 3), (1, 2, 2, 2), dict(mode="linear")),
    ((1, 1, 3, 3), (1, 2, 2, 2), dict(padding_mode="circular")),
]


@pytest.mark.parametrize("input_shape, grid_shape, kwargs", BAD)
def test_bad_arguments_raise_what_torch_raises(input_shape, grid_shape, kwargs):
    raised = []
    for lib in (minigrad, torch):
        with pytest.raises(Exception) as info:
            lib.nn.functional.grid_sample(lib.zeros(*input_shape), lib.zeros(*grid_shape),
                                          align_corners=False, **kwargs)
        raised.append(info.value)
    assert type(raised[0]) is type(raised[1]), raised
    for lib in (minigrad, torch):
        with pytest.raises(RuntimeError):  # dtypes differ
            lib.nn.functional.grid_sample(lib.zeros(1, 1, 2, 2),
                                          lib.zeros(1, 2, 2, 2, dtype=lib.float64),
                                          align_corners=False)
        with pytest.raises(ValueError):
            lib.nn.functional.affine_grid(lib.zeros(1, 3, 3), (1, 1, 2, 2), False)
        with pytest.raises(ValueError):
            lib.nn.functional.affine_grid(lib.zeros(1, 2, 3, dtype=lib.int64), (1, 1, 2, 2),
                                          False)


def test_a_spatial_transformer_trains_as_in_torch():
    """The shape of PyTorch's spatial-transformer tutorial: a small localisation network
    predicts theta (starting at the identity), the image is resampled, and a classifier
    reads it; three SGD steps from the same weights give the same losses."""
    rng = np.random.default_rng(6)
    images = rng.standard_normal((4, 1, 8, 8)).astype(np.float32)
    labels = np.array([0, 1, 2, 1])
    fc_loc = rng.standard_normal((6, 64)).astype(np.float32) * 0.01
    head = rng.standard_normal((3, 64)).astype(np.float32) * 0.1
    losses = []
    for lib in (minigrad, torch):
        nn, fn = lib.nn, lib.nn.functional
        loc, classify = nn.Linear(64, 6), nn.Linear(64, 3)
        with lib.no_grad():
            loc.weight.copy_(lib.tensor(fc_loc))
            loc.bias.copy_(lib.tensor([1, 0, 0, 0, 1, 0], dtype=lib.float32))
            classify.weight.copy_(lib.tensor(head))
            classify.bias.zero_()
        optimizer = lib.optim.SGD(list(loc.parameters()) + list(classify.parameters()),
                                  lr=0.1)
        x, y = lib.tensor(images), lib.tensor(labels)
        run = []
        for _ in range(3):
            theta = loc(x.view(-1, 64)).view(-1, 2, 3)
            grid = fn.affine_grid(theta, x.size(), align_corners=False)
            warped = fn.grid_sample(x, grid, align_corners=False)
            loss = fn.cross_entropy(classify(warped.flatten(1)), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            run.append(loss.item())
        losses.append(run)
    np.testing.assert_allclose(*losses, rtol=1e-5)
