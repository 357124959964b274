"""3-D pooling and the rest of the 3-D family: F.max_pool3d (with PyTorch's flat indices),
F.avg_pool3d, F.adaptive_avg_pool3d, F.adaptive_max_pool3d, F.lp_pool3d, F.max_unpool3d,
F.dropout3d, F.interpolate of volumes, and their layers (minigrad/nn/functional/pooling.py,
unpooling.py, dropouts.py, resampling.py; minigrad/nn/pooling.py, dropout.py).

The 3-D poolings are two 2-D ones (over each depth slice, then along the depth). The
oracles: naive loops over the boxes written here, hand-computed indices and gradients at
ties, central differences, and PyTorch on hypothesis-drawn configurations. Max-pooling
properties draw inputs without ties, so finite differences never straddle a change of
argmax; the ties are tested on purpose, with exact expected indices.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.testing import gradcheck, gradgradcheck
from minigrad.testing.strategies import distinct_values, pool2d_configs, pool_output_size

from differential import both_raise, compare, f64

torch = pytest.importorskip("torch")

SEED = st.integers(0, 2**31 - 1)


def pool3d_configs(**kwargs):
    return pool2d_configs(spatial=3, **kwargs)


def _no_ties(shape, seed):
    """A shuffled 0.1-spaced grid plus a small jitter: no two values within 0.05."""
    rng = np.random.default_rng(seed)
    size = int(np.prod(shape))
    return ((rng.permutation(size) - size / 2) * 0.1 + rng.uniform(0.01, 0.04, size)
            ).reshape(shape)


GEOMETRY = ("kernel_size", "stride", "padding", "ceil_mode")


def _max_kwargs(cfg):
    return {name: cfg[name] for name in GEOMETRY + ("dilation",)}


def _avg_kwargs(cfg, divisor_override=None):
    return dict({name: cfg[name] for name in GEOMETRY + ("count_include_pad",)},
                divisor_override=divisor_override)


# --- an independent oracle: loops over the boxes ----------------------------------------------
def _boxes(x, kernel, stride, padding, dilation, ceil_mode):
    """Per output cell (od, oh, ow): the input cells of its box that lie in the input, as
    flat indices (d * H + h) * W + w, and the box's size clipped to the padded input."""
    size = x.shape[2:]
    out = [pool_output_size(n, k, s, p, d, ceil_mode)
           for n, k, s, p, d in zip(size, kernel, stride, padding, dilation)]
    for cell in np.ndindex(*out):
        starts = [o * s - p for o, s, p in zip(cell, stride, padding)]
        axes = [[a + i * d for i in range(k) if 0 <= a + i * d < n]
                for a, k, d, n in zip(starts, kernel, dilation, size)]
        padded = np.prod([min(a + k, n + p) - a
                          for a, k, n, p in zip(starts, kernel, size, padding)])
        flat = [np.ravel_multi_index(tuple(ax[i] for ax, i in zip(axes, c)), size)
                for c in np.ndindex(*map(len, axes))]
        yield cell, out, np.array(flat), padded


def naive_max_pool3d(x, kernel, stride, padding, dilation, ceil_mode):
    """Values and flat indices; the first maximum in (d, h, w) order wins."""
    flat_x = x.reshape(x.shape[:2] + (-1,))
    values = indices = None
    for cell, out, flat, _ in _boxes(x, kernel, stride, padding, dilation, ceil_mode):
        if values is None:
            values, indices = np.zeros(x.shape[:2] + tuple(out)), np.zeros(
                x.shape[:2] + tuple(out), np.int64)
        first = flat[np.argmax(flat_x[:, :, flat], axis=-1)]
        indices[(...,) + cell] = first
        values[(...,) + cell] = np.take_along_axis(flat_x, first[..., None], -1)[..., 0]
    return values, indices


def naive_avg_pool3d(x, kernel, stride, padding, ceil_mode, count_include_pad, override):
    flat_x, out_values = x.reshape(x.shape[:2] + (-1,)), None
    for cell, out, flat, padded in _boxes(x, kernel, stride, padding, (1, 1, 1), ceil_mode):
        if out_values is None:
            out_values = np.zeros(x.shape[:2] + tuple(out))
        divisor = override or (padded if count_include_pad else len(flat))
        out_values[(...,) + cell] = flat_x[:, :, flat].sum(axis=-1) / divisor
    return out_values


@given(cfg=pool3d_configs(max_size=6), seed=SEED)
def test_max_pool3d_matches_naive_loops(cfg, seed):
    x = _no_ties(cfg["input_shape"], seed)
    values, indices = F.max_pool3d(minigrad.tensor(x), **_max_kwargs(cfg), return_indices=True)
    expected, expected_indices = naive_max_pool3d(x, cfg["kernel_size"], cfg["stride"],
                                                  cfg["padding"], cfg["dilation"],
                                                  cfg["ceil_mode"])
    np.testing.assert_array_equal(values.numpy(), expected)
    np.testing.assert_array_equal(indices.numpy(), expected_indices)
    assert indices.dtype == np.int64


@given(cfg=pool3d_configs(max_size=6, dilation=False), seed=SEED,
       override=st.sampled_from([None, 1, 3, -2]))
def test_avg_pool3d_matches_naive_loops(cfg, seed, override):
    x = np.random.default_rng(seed).standard_normal(cfg["input_shape"])
    assume(all(n >= k for n, k in zip(x.shape[2:], cfg["kernel_size"])))  # else refused
    out = F.avg_pool3d(minigrad.tensor(x), **_avg_kwargs(cfg, override))
    expected = naive_avg_pool3d(x, cfg["kernel_size"], cfg["stride"], cfg["padding"],
                                cfg["ceil_mode"], cfg["count_include_pad"], override)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)


# --- ties, on purpose ---------------------------------------------------------------------
def test_max_pool3d_ties_pick_the_first_maximum_in_depth_then_row_order():
    x = np.zeros((1, 1, 2, 2, 2))
    x[0, 0, 0, 1, 1] = x[0, 0, 1, 0, 0] = 5.0  # (d=0, h=1, w=1) comes first: index 3
    values, indices = F.max_pool3d(minigrad.tensor(x), 2, return_indices=True)
    assert values.item() == 5.0 and indices.item() == 3
    flat = F.max_pool3d(minigrad.tensor(np.zeros((1, 1, 2, 2, 2))), 2, return_indices=True)[1]
    assert flat.item() == 0  # all equal: the first cell


def test_max_pool3d_ties_in_overlapping_boxes_route_the_gradient_to_the_first():
    # A 3x3x3 volume of ones with a 2x2x2 box and stride 1: every box's maximum is its
    # first cell, so box (a, b, c) picks index (a * 3 + b) * 3 + c and gives it all of
    # its gradient.
    x = minigrad.ones(1, 1, 3, 3, 3, dtype=minigrad.float64, requires_grad=True)
    values, indices = F.max_pool3d(x, 2, stride=1, return_indices=True)
    expected = np.array([[[[0, 1], [3, 4]], [[9, 10], [12, 13]]]])
    np.testing.assert_array_equal(indices.numpy()[0], expected)
    values.backward(minigrad.arange(1.0, 9.0, dtype=minigrad.float64).reshape(1, 1, 2, 2, 2))
    grad = np.zeros(27)
    grad[expected.reshape(-1)] = np.arange(1.0, 9.0)
    np.testing.assert_array_equal(x.grad.numpy().reshape(-1), grad)


def test_max_pool3d_padding_and_ties_match_torch_indices():
    x = np.random.default_rng(0).integers(0, 2, (2, 2, 5, 4, 5)).astype(np.float64)

    def program(lib):
        xt = f64(lib, x, True)
        values, indices = lib.nn.functional.max_pool3d(xt, 3, (1, 2, 1), 1, ceil_mode=True,
                                                       return_indices=True)
        values.backward(lib.ones_like(values))
        return values, indices, xt.grad

    compare(program, "ties")


def test_adaptive_max_pool3d_ties_pick_the_first_maximum():
    x = np.zeros((1, 1, 3, 2, 3))
    x[0, 0, 2, 0, 0] = x[0, 0, 1, 1, 2] = 1.0  # box 0 in depth covers d = 0, 1: (1, 1, 2)
    values, indices = F.adaptive_max_pool3d(minigrad.tensor(x), (2, 1, 1), return_indices=True)
    np.testing.assert_array_equal(indices.numpy().reshape(-1), [1 * 6 + 1 * 3 + 2, 1 * 6 + 5])
    assert values.numpy().reshape(-1).tolist() == [1.0, 1.0]


# --- PyTorch on drawn configurations ------------------------------------------------------
def _values_and_gradient(pool, x, **kwargs):
    def program(lib):
        xt = f64(lib, x, True)
        out = getattr(lib.nn.functional, pool)(xt, **kwargs)
        values = out[0] if isinstance(out, tuple) else out
        values.backward(f64(lib, np.cos(np.arange(values.numel())).reshape(values.shape)))
        return out, xt.grad
    return program


@given(cfg=pool3d_configs(max_size=7), seed=SEED, unbatched=st.booleans())
def test_max_pool3d_matches_torch(cfg, seed, unbatched):
    x = _no_ties(cfg["input_shape"], seed)
    x = x[0] if unbatched else x
    compare(_values_and_gradient("max_pool3d", x, **_max_kwargs(cfg), return_indices=True),
            f"max_pool3d {cfg}")


@given(cfg=pool3d_configs(max_size=7, dilation=False), seed=SEED,
       override=st.sampled_from([None, 2, 5]), unbatched=st.booleans())
def test_avg_pool3d_matches_torch(cfg, seed, override, unbatched):
    x = np.random.default_rng(seed).standard_normal(cfg["input_shape"])
    x = x[0] if unbatched else x
    compare(_values_and_gradient("avg_pool3d", x, **_avg_kwargs(cfg, override)),
            f"avg_pool3d {cfg}", rtol=1e-9, atol=1e-12)


adaptive_sizes = st.one_of(st.integers(1, 6), st.tuples(*[st.none() | st.integers(1, 6)] * 3))


@given(shape=st.tuples(*[st.integers(1, 7)] * 3), size=adaptive_sizes, seed=SEED,
       pool=st.sampled_from(["adaptive_avg_pool3d", "adaptive_max_pool3d"]),
       unbatched=st.booleans())
def test_adaptive_pool3d_matches_torch(shape, size, seed, pool, unbatched):
    x = _no_ties((2, 3) + shape, seed)
    x = x[0] if unbatched else x
    kwargs = dict(output_size=size)
    if pool == "adaptive_max_pool3d":
        kwargs["return_indices"] = True
    compare(_values_and_gradient(pool, x, **kwargs), f"{pool} {size}", rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("norm_type, kwargs", [(2, dict(kernel_size=2)),
                                               (1.5, dict(kernel_size=(2, 3, 1), stride=1)),
                                               (3, dict(kernel_size=3, stride=2,
                                                        ceil_mode=True))])
def test_lp_pool3d_matches_torch(norm_type, kwargs):
    x = np.abs(_no_ties((2, 2, 4, 5, 5), 1)) + 0.1
    compare(_values_and_gradient("lp_pool3d", x, norm_type=norm_type, **kwargs), rtol=1e-9)


@pytest.mark.parametrize("pool, kwargs", [
    ("max_pool3d", dict(kernel_size=(2, 3, 2), stride=(1, 2, 1), padding=(1, 1, 0),
                        dilation=(2, 1, 1))),
    ("avg_pool3d", dict(kernel_size=(3, 2, 2), stride=2, padding=1, ceil_mode=True,
                        count_include_pad=False)),
    ("adaptive_avg_pool3d", dict(output_size=(3, 2, 4))),
    ("adaptive_max_pool3d", dict(output_size=(2, 3, 2))),
])
def test_double_backward_matches_torch(pool, kwargs):
    # Pooling is piecewise linear, so what double backward carries is the derivative of
    # the gradient g = v^T J in the incoming gradient v: d<g, u>/dv = J u.
    x = _no_ties((1, 2, 5, 5, 5), 2)

    def program(lib):
        xt = f64(lib, x, True)
        z = getattr(lib.nn.functional, pool)(xt, **kwargs)
        v = f64(lib, np.cos(np.arange(z.numel())).reshape(tuple(z.shape)), True)
        (g,) = lib.autograd.grad(z, xt, v, create_graph=True)
        (ju,) = lib.autograd.grad((g * f64(lib, np.sin(np.arange(g.numel())).reshape(
            tuple(g.shape)))).sum(), v)
        return z.detach(), g.detach(), ju

    compare(program, pool, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("pool, kwargs", [
    ("max_pool3d", dict(kernel_size=2, padding=1, return_indices=True)),
    ("avg_pool3d", dict(kernel_size=(3, 2, 2), stride=2)),
    ("adaptive_avg_pool3d", dict(output_size=(3, 2, 5))),
    ("adaptive_max_pool3d", dict(output_size=2, return_indices=True)),
])
def test_float32_stays_float32_and_matches_torch(pool, kwargs):
    x = _no_ties((2, 3, 5, 6, 7), 3).astype(np.float32)

    def program(lib):
        xt = lib.tensor(x, requires_grad=True)
        out = getattr(lib.nn.functional, pool)(xt, **kwargs)
        (out[0] if isinstance(out, tuple) else out).sum().backward()
        return out, xt.grad

    compare(program, pool, rtol=1e-5, atol=1e-6)


# --- gradients by central differences (float64) ---------------------------------------------
@given(cfg=pool3d_configs(max_batch=1, max_channels=2, max_size=4), data=st.data())
def test_max_pool3d_gradcheck(cfg, data):
    x = data.draw(distinct_values(cfg["input_shape"], requires_grad=True))
    fn = lambda x: F.max_pool3d(x, **_max_kwargs(cfg))  # noqa: E731
    assert gradcheck(fn, [x]) and gradgradcheck(fn, [x])


@given(cfg=pool3d_configs(max_batch=1, max_channels=2, max_size=4, dilation=False), seed=SEED)
def test_avg_pool3d_gradcheck(cfg, seed):
    x = minigrad.tensor(np.random.default_rng(seed).standard_normal(cfg["input_shape"]),
                        requires_grad=True)
    fn = lambda x: F.avg_pool3d(x, **_avg_kwargs(cfg))  # noqa: E731
    assume(all(n >= k for n, k in zip(x.shape[2:], cfg["kernel_size"])))
    assert gradcheck(fn, [x]) and gradgradcheck(fn, [x])


@given(shape=st.tuples(*[st.integers(1, 4)] * 3), size=adaptive_sizes, data=st.data())
def test_adaptive_pool3d_gradcheck(shape, size, data):
    x = data.draw(distinct_values((1, 2) + shape, requires_grad=True))
    for pool in (F.adaptive_avg_pool3d, F.adaptive_max_pool3d):
        assert gradcheck(lambda x: pool(x, size), [x])


# --- which calls raise -----------------------------------------------------------------------
def _z(lib, *shape):
    return lib.zeros(*shape)


POOL3D_ERRORS = [
    ("max 3-D input", lambda F, L: F.max_pool3d(_z(L, 2, 3, 4), 2),
     r"Expected 4D \(unbatched\) or 5D \(batched\) input to max_pool3d, but got input of "
     r"size: \[2, 3, 4\]"),
    ("max pad over half", lambda F, L: F.max_pool3d(_z(L, 1, 1, 4, 4, 4), 2, padding=(0, 2, 0)),
     r"max_pool3d: pad should be at most half of kernel size"),
    ("max output too small", lambda F, L: F.max_pool3d(_z(L, 1, 1, 1, 4, 4), 2),
     r"max_pool3d: .*output size \(0, 2, 2\) is too small"),
    ("max kernel 0", lambda F, L: F.max_pool3d(_z(L, 1, 1, 4, 4, 4), 0),
     r"max_pool3d: kernel_size must be at least 1"),
    ("max stride 0", lambda F, L: F.max_pool3d(_z(L, 1, 1, 4, 4, 4), 2, 0),
     r"max_pool3d: stride must be at least 1"),
    ("max dilation 0", lambda F, L: F.max_pool3d(_z(L, 1, 1, 4, 4, 4), 2, 1, 0, 0),
     r"max_pool3d: dilation must be at least 1"),
    ("max kernel pair", lambda F, L: F.max_pool3d(_z(L, 1, 1, 4, 4, 4), (2, 2)),
     r"max_pool3d: kernel_size must be a single int or a tuple of 3 ints"),
    ("avg 3-D input", lambda F, L: F.avg_pool3d(_z(L, 2, 3, 4), 2), r"input to avg_pool3d"),
    ("avg pad over half", lambda F, L: F.avg_pool3d(_z(L, 1, 1, 4, 4, 4), 2, padding=2),
     r"avg_pool3d: pad should be at most half"),
    ("avg smaller than kernel", lambda F, L: F.avg_pool3d(_z(L, 1, 1, 2, 4, 4), 3, padding=1),
     r"avg_pool3d: input image \(T: 2 H: 4 W: 4\) smaller than kernel size \(3, 3, 3\)"),
    ("avg divisor 0", lambda F, L: F.avg_pool3d(_z(L, 1, 1, 4, 4, 4), 2, divisor_override=0),
     r"avg_pool3d: divisor_override must be non-zero"),
    ("avg kernel pair", lambda F, L: F.avg_pool3d(_z(L, 1, 1, 4, 4, 4), (2, 2)),
     r"avg_pool3d: kernel_size must be a single int"),
    ("adaptive avg 3-D input", lambda F, L: F.adaptive_avg_pool3d(_z(L, 2, 3, 4), 2),
     r"adaptive_avg_pool3d\(\): Expected 4D or 5D tensor, but got \[2, 3, 4\]"),
    ("adaptive avg size pair", lambda F, L: F.adaptive_avg_pool3d(_z(L, 1, 1, 4, 4, 4), (2, 2)),
     r"adaptive_avg_pool3d: output_size must be 3 ints"),
    ("adaptive max 3-D input", lambda F, L: F.adaptive_max_pool3d(_z(L, 2, 3, 4), 2),
     r"adaptive_max_pool3d\(\): Expected 4D or 5D tensor, but got \[2, 3, 4\]"),
    ("adaptive max size pair", lambda F, L: F.adaptive_max_pool3d(_z(L, 1, 1, 4, 4, 4), (2, 2)),
     r"adaptive_max_pool3d: output_size must be 3 ints"),
    ("unpool indices dtype", lambda F, L: F.max_unpool3d(_z(L, 1, 1, 2, 2, 2),
                                                         _z(L, 1, 1, 2, 2, 2).int(), 2),
     r"max_unpool3d: elements in indices should be type int64"),
    ("unpool index out of range", lambda F, L: F.max_unpool3d(
        _z(L, 1, 1, 1, 1, 1), L.full((1, 1, 1, 1, 1), 8, dtype=L.int64), 2),
     r"max_unpool3d: Found an invalid max index: 8"),
]


@pytest.mark.parametrize("program, match", [(p, m) for _, p, m in POOL3D_ERRORS],
                         ids=[name for name, _, _ in POOL3D_ERRORS])
def test_errors_match_torch(program, match):
    both_raise(lambda lib: program(lib.nn.functional, lib), RuntimeError, match)


def test_adaptive_pooling_of_integers_is_not_implemented():
    for pool in ("adaptive_avg_pool3d", "adaptive_max_pool3d"):
        both_raise(lambda lib: getattr(lib.nn.functional, pool)(
            lib.zeros(1, 1, 2, 2, 2, dtype=lib.int64), (1, 2, 1)), NotImplementedError, pool)


# --- unpooling, dropout and interpolation of volumes ---------------------------------------
def test_max_unpool3d_undoes_max_pool3d_as_torch():
    x = _no_ties((2, 2, 5, 4, 5), 4)

    def program(lib):
        xt = f64(lib, x, True)
        values, indices = lib.nn.functional.max_pool3d(xt, 2, return_indices=True)
        back = lib.nn.functional.max_unpool3d(values, indices, 2, output_size=x.shape[2:])
        layer = lib.nn.MaxUnpool3d(2)(values, indices, output_size=x.shape)
        (back * f64(lib, np.arange(back.numel()).reshape(back.shape))).sum().backward()
        return back, layer, xt.grad

    compare(program, "max_unpool3d")


@pytest.mark.parametrize("shape", [(4, 8, 3, 2, 2), (8, 3, 2, 2)])
def test_dropout3d_drops_whole_channels(shape):
    minigrad.manual_seed(0)
    x = minigrad.ones(*shape, dtype=minigrad.float64)
    out = F.dropout3d(x, 0.25).numpy()
    per_channel = out.reshape(shape[:-3] + (-1,))
    assert set(np.unique(per_channel)) <= {0.0, 1 / 0.75}
    assert (per_channel.min(axis=-1) == per_channel.max(axis=-1)).all()  # whole channels
    assert 0 < (per_channel[..., 0] == 0).sum() < per_channel[..., 0].size
    assert F.dropout3d(x, 0.25, training=False) is x
    layer = nn.Dropout3d(0.5)
    assert repr(layer) == repr(torch.nn.Dropout3d(0.5))
    assert layer.eval()(x) is x


def test_dropout3d_warns_for_other_ranks_as_torch():
    for lib in (torch, minigrad):
        with pytest.warns(UserWarning, match="Received a 3-D input to dropout3d"):
            lib.nn.functional.dropout3d(lib.ones(2, 3, 4), 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.dropout3d(minigrad.ones(2, 3, 4, 4), 0.5)
    with pytest.raises(ValueError, match="dropout probability"):
        F.dropout3d(minigrad.ones(1, 1, 1, 1, 1), 1.5)


@pytest.mark.parametrize("kwargs", [dict(size=(4, 7, 3), mode="nearest"),
                                    dict(scale_factor=1.5, mode="nearest"),
                                    dict(size=(2, 6, 5), mode="trilinear"),
                                    dict(scale_factor=(2, 0.5, 1.5), mode="trilinear",
                                         align_corners=True),
                                    dict(size=(2, 3, 4), mode="area"),
                                    dict(size=4, mode="nearest-exact")])
def test_interpolate_volumes_matches_torch(kwargs):
    x = np.random.default_rng(5).standard_normal((2, 2, 3, 5, 4))
    compare(_values_and_gradient("interpolate", x, **kwargs), str(kwargs), rtol=1e-9)


# --- the layers ---------------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda nn: nn.MaxPool3d(2), lambda nn: nn.MaxPool3d((2, 1, 2), 1, (1, 0, 1), 2, True, True),
    lambda nn: nn.AvgPool3d(2), lambda nn: nn.AvgPool3d(3, 2, 1, True, False, 5),
    lambda nn: nn.AdaptiveAvgPool3d((2, None, 3)), lambda nn: nn.AdaptiveMaxPool3d(2, True),
    lambda nn: nn.LPPool3d(2, 3, 1), lambda nn: nn.AvgPool2d(3, 1, 1),
    lambda nn: nn.MaxPool1d(3, 1, 1, return_indices=True),
    lambda nn: nn.AdaptiveMaxPool1d(3, True), lambda nn: nn.AdaptiveAvgPool1d(2),
])
def test_pooling_layers_match_torch(make):
    theirs, mine = make(torch.nn), make(nn)
    assert repr(mine) == repr(theirs)
    x = np.abs(_no_ties((2, 2, 5, 6, 5), 6)) + 0.1
    name = type(mine).__name__
    x = x[0, :, 0] if name.endswith("1d") else x[0] if name.endswith("2d") else x
    compare(lambda lib: (mine if lib is minigrad else theirs)(f64(lib, x)), repr(mine))
