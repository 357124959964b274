"""interpolate / Upsample, pixel (un)shuffle, 1-D pooling, padding layers and distances
against PyTorch: values and gradients."""
import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.testing import gradgradcheck
from nn_oracle import assert_close, compare_module, ours, theirs

torch = pytest.importorskip("torch")
TF = torch.nn.functional
RNG = np.random.default_rng(13)


def compare_fn(our_fn, their_fn, *arrays, rtol=1e-10):
    xo = [ours(a, True) for a in arrays]
    xt = [theirs(torch, a, True) for a in arrays]
    yo, yt = our_fn(*xo), their_fn(*xt)
    assert_close(yo, yt, rtol=rtol, atol=1e-12)
    r = RNG.standard_normal(yo.shape)
    (yo * ours(r)).sum().backward(), (yt * theirs(torch, r)).sum().backward()
    for a, b in zip(xo, xt):
        assert_close(a.grad, b.grad, rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("shape, kwargs", [
    ((1, 2, 3, 4), dict(scale_factor=2)),
    ((1, 2, 3, 4), dict(size=(5, 7))),
    ((1, 2, 3, 4), dict(scale_factor=1.5)),
    ((2, 2, 7, 5), dict(size=(3, 2))),
    ((1, 2, 5), dict(scale_factor=3)),
    ((1, 1, 2, 3, 4), dict(size=(3, 5, 2))),
    ((1, 2, 3, 4), dict(size=(5, 7), mode="nearest-exact")),
    ((1, 2, 3, 4), dict(size=(5, 7), mode="bilinear")),
    ((1, 2, 3, 4), dict(size=(5, 7), mode="bilinear", align_corners=True)),
    ((1, 2, 6, 5), dict(scale_factor=0.5, mode="bilinear")),
    ((1, 2, 3, 4), dict(scale_factor=2.5, mode="bilinear")),
    ((2, 3, 5), dict(size=8, mode="linear")),
    ((1, 1, 2, 3, 4), dict(scale_factor=2, mode="trilinear", align_corners=True)),
])
def test_interpolate_matches_torch(shape, kwargs):
    compare_fn(lambda x: F.interpolate(x, **kwargs), lambda x: TF.interpolate(x, **kwargs),
               RNG.standard_normal(shape))


def test_upsample_layer_and_errors():
    for kwargs in (dict(scale_factor=2), dict(size=(3, 4), mode="bilinear", align_corners=True)):
        assert repr(nn.Upsample(**kwargs)) == repr(torch.nn.Upsample(**kwargs))
        compare_module(torch, torch.nn.Upsample(**kwargs), nn.Upsample(**kwargs),
                       RNG.standard_normal((2, 1, 2, 3)))
    with pytest.raises(ValueError, match="only one of size or scale_factor"):
        F.interpolate(minigrad.zeros(1, 1, 2, 2))
    with pytest.raises(NotImplementedError, match="bilinear mode needs 4D input"):
        F.interpolate(minigrad.zeros(1, 1, 2), scale_factor=2, mode="bilinear")
    with pytest.raises(ValueError, match="align_corners option can only be set"):
        F.interpolate(minigrad.zeros(1, 1, 2, 2), scale_factor=2, align_corners=True)


def test_pixel_shuffle_round_trip_matches_torch():
    x = RNG.standard_normal((2, 8, 3, 2))
    compare_fn(lambda x: F.pixel_shuffle(x, 2), lambda x: TF.pixel_shuffle(x, 2), x)
    compare_fn(lambda x: F.pixel_unshuffle(x, 3), lambda x: TF.pixel_unshuffle(x, 3),
               RNG.standard_normal((1, 2, 6, 3)))
    y = nn.PixelShuffle(2)(ours(x))
    np.testing.assert_array_equal(nn.PixelUnshuffle(2)(y).numpy(), x)
    with pytest.raises(RuntimeError, match="divisible"):
        F.pixel_shuffle(minigrad.zeros(1, 3, 2, 2), 2)


@pytest.mark.parametrize("fn, kwargs", [
    ("max_pool1d", dict(kernel_size=3)), ("max_pool1d", dict(kernel_size=2, stride=1, padding=1)),
    ("avg_pool1d", dict(kernel_size=3, stride=2)),
    ("avg_pool1d", dict(kernel_size=2, padding=1, count_include_pad=False)),
    ("adaptive_avg_pool1d", dict(output_size=3)), ("adaptive_max_pool1d", dict(output_size=4)),
])
def test_pool1d_matches_torch(fn, kwargs):
    x = RNG.permutation(2 * 3 * 7).reshape(2, 3, 7) / 10.0  # distinct values: no ties
    compare_fn(lambda x: getattr(F, fn)(x, **kwargs), lambda x: getattr(TF, fn)(x, **kwargs), x)
    compare_fn(lambda x: getattr(F, fn)(x, **kwargs), lambda x: getattr(TF, fn)(x, **kwargs),
               x[0])


@pytest.mark.parametrize("name, args", [
    ("MaxPool1d", (3,)), ("AvgPool1d", (2,)), ("AdaptiveAvgPool1d", (4,)),
    ("AdaptiveMaxPool1d", (2,)),
])
def test_pool1d_layers(name, args):
    assert repr(getattr(nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))
    compare_module(torch, getattr(torch.nn, name)(*args), getattr(nn, name)(*args),
                   RNG.permutation(24).reshape(2, 2, 6) / 7.0)


@pytest.mark.parametrize("name, args, shape", [
    ("ZeroPad2d", ((1, 2, 0, 3),), (1, 2, 3, 4)), ("ZeroPad1d", (2,), (2, 3, 4)),
    ("ConstantPad1d", (2, 3.5), (2, 3, 4)), ("ConstantPad2d", (1, -1.0), (1, 2, 3, 4)),
    ("ReflectionPad1d", ((2, 1),), (2, 3, 4)), ("ReflectionPad2d", (2,), (1, 2, 3, 4)),
    ("ReplicationPad1d", (3,), (2, 3, 4)), ("ReplicationPad2d", ((1, 0, 2, 1),), (1, 2, 3, 4)),
    ("CircularPad1d", (2,), (2, 3, 4)), ("CircularPad2d", (1,), (1, 2, 3, 4)),
])
def test_padding_layers_match_torch(name, args, shape):
    assert repr(getattr(nn, name)(*args)) == repr(getattr(torch.nn, name)(*args))
    compare_module(torch, getattr(torch.nn, name)(*args), getattr(nn, name)(*args),
                   RNG.standard_normal(shape))


def test_distances_match_torch():
    a, b = RNG.standard_normal((4, 5)), RNG.standard_normal((4, 5))
    compare_fn(F.cosine_similarity, TF.cosine_similarity, a, b)
    compare_fn(lambda x, y: F.cosine_similarity(x, y, dim=0),
               lambda x, y: TF.cosine_similarity(x, y, dim=0), a, b)
    for p in (2.0, 1.0, 3.0):
        compare_fn(lambda x, y: F.pairwise_distance(x, y, p),
                   lambda x, y: TF.pairwise_distance(x, y, p), a, b)
    sim = nn.CosineSimilarity(dim=1)(ours(a), ours(b))
    assert_close(sim, torch.nn.CosineSimilarity(dim=1)(torch.tensor(a), torch.tensor(b)))
    x, y = ours(a, True), ours(b, True)
    assert gradgradcheck(lambda x, y: F.cosine_similarity(x, y), [x, y])


@pytest.mark.parametrize("output_size", [3, (2, 4), (None, 2), 1])
def test_adaptive_max_pool2d_matches_torch(output_size):
    x = RNG.permutation(2 * 2 * 7 * 5).reshape(2, 2, 7, 5) / 10.0
    compare_fn(lambda x: F.adaptive_max_pool2d(x, output_size),
               lambda x: TF.adaptive_max_pool2d(x, output_size), x)
    compare_module(torch, torch.nn.AdaptiveMaxPool2d(output_size),
                   nn.AdaptiveMaxPool2d(output_size), x)


def test_fold_and_unfold_layers_match_torch():
    x = RNG.standard_normal((2, 3, 5, 4))
    compare_module(torch, torch.nn.Unfold(2, padding=1), nn.Unfold(2, padding=1), x)
    cols = RNG.standard_normal((2, 3 * 4, 12))
    compare_module(torch, torch.nn.Fold((4, 5), 2), nn.Fold((4, 5), 2), cols)
    assert repr(nn.Fold((4, 4), 2)) == repr(torch.nn.Fold((4, 4), 2))
    assert repr(nn.Unfold(2)) == repr(torch.nn.Unfold(2))


@pytest.mark.parametrize("output_size", [3, (2, 4), 1])
def test_adaptive_max_pool_indices_and_ties_match_torch(output_size):
    """Windows with tied maxima: the gradient goes to the first one in row-major order,
    and return_indices gives its flat index ``h * W + w``, as in PyTorch."""
    x = np.round(RNG.standard_normal((2, 3, 7, 6)))  # many ties
    g = RNG.standard_normal(tuple(TF.adaptive_max_pool2d(torch.tensor(x), output_size).shape))
    results = []
    for lib, fn in ((minigrad, F), (torch, TF)):
        t = lib.tensor(x, requires_grad=True)
        values, index = fn.adaptive_max_pool2d(t, output_size, return_indices=True)
        (values * lib.tensor(g)).sum().backward()
        module_index = lib.nn.AdaptiveMaxPool2d(output_size, return_indices=True)(t)[1]
        line_values, line_index = fn.adaptive_max_pool1d(t[0], 4, return_indices=True)
        results.append([values.detach(), index, t.grad, module_index, line_values.detach(),
                        line_index, fn.max_pool2d_with_indices(t, 2)[1]])
    for a, b in zip(*results):
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_upsampling_layers_and_deprecated_names_match_torch():
    x = RNG.standard_normal((1, 2, 3, 4))
    for ours_m, theirs_m in ((nn.UpsamplingNearest2d(scale_factor=2),
                              torch.nn.UpsamplingNearest2d(scale_factor=2)),
                             (nn.UpsamplingBilinear2d(size=(5, 7)),
                              torch.nn.UpsamplingBilinear2d(size=(5, 7)))):
        assert repr(ours_m) == repr(theirs_m)
        compare_module(torch, theirs_m, ours_m, x)
    for name, kwargs in (("upsample", dict(scale_factor=2, mode="bilinear")),
                         ("upsample_nearest", dict(size=(6, 5))),
                         ("upsample_bilinear", dict(scale_factor=2))):
        with pytest.warns(UserWarning, match="deprecated"):
            ours_out = getattr(F, name)(minigrad.tensor(x), **kwargs)
        with pytest.warns(UserWarning, match="deprecated"):
            theirs_out = getattr(TF, name)(torch.tensor(x), **kwargs)
        np.testing.assert_allclose(ours_out.numpy(), theirs_out.numpy(), rtol=1e-12)


@pytest.mark.parametrize("shape, kwargs", [((2, 3, 7, 9), dict(size=(3, 4))),
                                           ((2, 3, 7, 9), dict(scale_factor=0.5)),
                                           ((2, 3, 7, 9), dict(size=(14, 5))),
                                           ((2, 3, 10), dict(size=4))])
def test_interpolate_area_matches_torch(shape, kwargs):
    x = RNG.standard_normal(shape)
    compare_fn(lambda t: F.interpolate(t, mode="area", **kwargs),
               lambda t: TF.interpolate(t, mode="area", **kwargs), x)
    for lib in (minigrad, torch):
        with pytest.raises(ValueError):
            lib.nn.functional.interpolate(lib.ones(1, 1, 4, 4), size=2, mode="area",
                                          align_corners=True)


@pytest.mark.parametrize("kwargs", [dict(size=(14, 18)), dict(scale_factor=2),
                                    dict(scale_factor=0.5), dict(scale_factor=1.7),
                                    dict(size=(5, 11), align_corners=True), dict(size=(3, 4))])
def test_interpolate_bicubic_matches_torch(kwargs):
    """Values and gradients, edges (clamped taps) and downsampling included."""
    x = RNG.standard_normal((2, 3, 7, 9))
    compare_fn(lambda t: F.interpolate(t, mode="bicubic", **kwargs),
               lambda t: TF.interpolate(t, mode="bicubic", **kwargs), x)
    module = nn.Upsample(scale_factor=2, mode="bicubic")
    compare_module(torch, torch.nn.Upsample(scale_factor=2, mode="bicubic"), module, x)
