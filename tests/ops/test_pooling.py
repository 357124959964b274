"""minigrad/ops/pooling.py: max_pool2d, avg_pool2d and adaptive_avg_pool2d.

Expected values come from naive loops written here, central finite differences
(gradcheck; gradgradcheck and a Hessian-vector check for double backward), hand-computed gradients at ties, or torch.nn.functional.
Max-pooling properties draw inputs without ties (a shuffled grid plus a jitter), so finite
differences never straddle a change of argmax. Property tests run 15 examples each in the
quick hypothesis profile and 300 in the thorough one.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import minigrad
from hypothesis import given
from hypothesis import strategies as st

import minigrad.nn.functional as F
from minigrad.tensor import Tensor
from minigrad.testing.gradcheck import gradcheck, gradgradcheck

from second_order import double_backward_check
from minigrad.testing.strategies import distinct_values, pool2d_configs

try:
    import torch
    import torch.nn.functional as TF
except ImportError:  # pragma: no cover - the torch comparisons skip
    torch = None


# --- naive references ------------------------------------------------------------------
def out_size(n, k, s, p, d, ceil_mode):
    """PyTorch's pooling output size, written out independently."""
    eff = d * (k - 1) + 1
    num = n + 2 * p - eff
    o = (math.ceil(num / s) if ceil_mode else num // s) + 1
    if ceil_mode and (o - 1) * s >= n + p:  # the last window may not start in the padding
        o -= 1
    return o


def naive_max_pool(x, kernel, stride, padding, dilation, ceil_mode):
    """Values and flat indices (h * W + w); the first maximum in row-major order wins."""
    n, c, h, w = x.shape
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
    oh, ow = out_size(h, kh, sh, ph, dh, ceil_mode), out_size(w, kw, sw, pw, dw, ceil_mode)
    vals, idx = np.zeros((n, c, oh, ow)), np.zeros((n, c, oh, ow), dtype=np.int64)
    for b in range(n):
        for ch in range(c):
            for y in range(oh):
                for z in range(ow):
                    best, where = -np.inf, -1
                    for i in range(kh):
                        for j in range(kw):
                            r, s = y * sh - ph + i * dh, z * sw - pw + j * dw
                            if 0 <= r < h and 0 <= s < w and x[b, ch, r, s] > best:
                                best, where = x[b, ch, r, s], r * w + s
                    vals[b, ch, y, z], idx[b, ch, y, z] = best, where
    return vals, idx


def naive_avg_pool(x, kernel, stride, padding, ceil_mode, count_include_pad,
                   divisor_override=None):
    n, c, h, w = x.shape
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    oh, ow = out_size(h, kh, sh, ph, 1, ceil_mode), out_size(w, kw, sw, pw, 1, ceil_mode)
    out = np.zeros((n, c, oh, ow))
    for y in range(oh):
        for z in range(ow):
            r0, s0 = y * sh - ph, z * sw - pw
            r1, s1 = min(r0 + kh, h + ph), min(s0 + kw, w + pw)
            padded_count = (r1 - r0) * (s1 - s0)
            r0, s0, r1, s1 = max(r0, 0), max(s0, 0), min(r1, h), min(s1, w)
            total = x[:, :, r0:r1, s0:s1].sum(axis=(2, 3))
            if divisor_override is not None:
                div = divisor_override
            elif count_include_pad:
                div = padded_count
            else:
                div = (r1 - r0) * (s1 - s0)
            out[:, :, y, z] = total / div
    return out


def naive_adaptive_avg(x, oh, ow):
    n, c, h, w = x.shape
    out = np.zeros((n, c, oh, ow))
    for y in range(oh):
        for z in range(ow):
            r0, r1 = (y * h) // oh, -(-((y + 1) * h) // oh)
            s0, s1 = (z * w) // ow, -(-((z + 1) * w) // ow)
            out[:, :, y, z] = x[:, :, r0:r1, s0:s1].mean(axis=(2, 3))
    return out


def _no_ties(shape, seed, requires_grad=True, dtype=np.float64):
    """A permutation of a 0.1-spaced grid plus a small jitter: no two values within 0.05."""
    rng = np.random.default_rng(seed)
    size = int(np.prod(shape))
    values = (rng.permutation(size) - size / 2) * 0.1 + rng.uniform(0.01, 0.04, size)
    return Tensor(values.reshape(shape), dtype=dtype, requires_grad=requires_grad)


def _max_kwargs(cfg):
    return dict(kernel_size=cfg["kernel_size"], stride=cfg["stride"], padding=cfg["padding"],
                dilation=cfg["dilation"], ceil_mode=cfg["ceil_mode"])


def _avg_kwargs(cfg, divisor_override=None):
    return dict(kernel_size=cfg["kernel_size"], stride=cfg["stride"], padding=cfg["padding"],
                ceil_mode=cfg["ceil_mode"], count_include_pad=cfg["count_include_pad"],
                divisor_override=divisor_override)


# --- second derivatives -------------------------------------------------------------------
# --- max_pool2d ---------------------------------------------------------------------------
@given(cfg=pool2d_configs(), seed=st.integers(0, 2**31 - 1))
def test_max_pool_forward_and_indices_match_naive_loop(cfg, seed):
    x = _no_ties(cfg["input_shape"], seed)
    vals, idx = F.max_pool2d(x, **_max_kwargs(cfg), return_indices=True)
    ev, ei = naive_max_pool(x.detach().numpy(), cfg["kernel_size"], cfg["stride"], cfg["padding"],
                            cfg["dilation"], cfg["ceil_mode"])
    assert vals.shape == ev.shape
    np.testing.assert_array_equal(vals.detach().numpy(), ev)
    np.testing.assert_array_equal(idx.numpy(), ei)


@given(cfg=pool2d_configs(max_size=6), data=st.data())
def test_max_pool_gradient_matches_finite_differences(cfg, data):
    x = data.draw(distinct_values(cfg["input_shape"], requires_grad=True))
    assert gradcheck(lambda x: F.max_pool2d(x, **_max_kwargs(cfg)), [x])


@given(cfg=pool2d_configs(max_batch=1, max_channels=2, max_size=5), data=st.data())
def test_max_pool_double_backward(cfg, data):
    x = data.draw(distinct_values(cfg["input_shape"], requires_grad=True))
    double_backward_check(lambda x: F.max_pool2d(x, **_max_kwargs(cfg)), [x])
    assert gradgradcheck(lambda x: F.max_pool2d(x, **_max_kwargs(cfg)), [x])


def test_max_pool_unbatched():
    x = _no_ties((2, 5, 6), 0)
    vals, idx = F.max_pool2d(x, 2, stride=1, padding=1, return_indices=True)
    ev, ei = naive_max_pool(x.detach().numpy()[None], (2, 2), (1, 1), (1, 1), (1, 1), False)
    assert vals.shape == ev.shape[1:]
    np.testing.assert_array_equal(vals.detach().numpy(), ev[0])
    np.testing.assert_array_equal(idx.numpy(), ei[0])
    assert gradcheck(lambda x: F.max_pool2d(x, 2, stride=1, padding=1), [x])


def test_max_pool_stride_defaults_to_kernel():
    x = _no_ties((1, 1, 6, 6), 1)
    np.testing.assert_array_equal(F.max_pool2d(x, 3).detach().numpy(),
                                  naive_max_pool(x.detach().numpy(), (3, 3), (3, 3), (0, 0), (1, 1),
                                                 False)[0])


@pytest.mark.parametrize("size,kernel,stride,padding,expected", [
    (5, 2, 2, 0, 3), (5, 2, 2, 1, 3), (6, 3, 2, 1, 4), (4, 2, 3, 1, 2), (7, 3, 3, 1, 3)])
def test_max_pool_ceil_mode_sizes(size, kernel, stride, padding, expected):
    # expected sizes worked out by hand from PyTorch's rule (the last window must start
    # inside the input or the left padding)
    x = _no_ties((1, 1, size, size), 2)
    out = F.max_pool2d(x, kernel, stride, padding, ceil_mode=True)
    assert out.shape == (1, 1, expected, expected)
    np.testing.assert_array_equal(
        out.detach().numpy(), naive_max_pool(x.detach().numpy(), (kernel,) * 2, (stride,) * 2, (padding,) * 2,
                                    (1, 1), True)[0])


def test_max_pool_ties_first_maximum_wins():
    x = Tensor(np.ones((1, 1, 2, 4)), requires_grad=True)
    out, idx = F.max_pool2d(x, 2, return_indices=True)
    np.testing.assert_array_equal(idx.numpy(), [[[[0, 2]]]])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], [[1, 0, 1, 0], [0, 0, 0, 0]])


def test_max_pool_ties_later_positions():
    # window maximum 2 appears at (0, 1) and (1, 0): the first in row-major order wins
    x = Tensor(np.array([[[[0.0, 2.0], [2.0, 1.0]]]]), requires_grad=True)
    out, idx = F.max_pool2d(x, 2, return_indices=True)
    assert idx.numpy().item() == 1
    (out * 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], [[0, 3], [0, 0]])


def test_max_pool_ties_overlapping_windows():
    x = Tensor(np.ones((1, 1, 2, 3)), requires_grad=True)
    out = F.max_pool2d(x, 2, stride=1)
    out.backward(Tensor(np.array([[[[5.0, 7.0]]]])))
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], [[5, 7, 0], [0, 0, 0]])


def test_max_pool_overlapping_windows_add_up():
    # kernel 2, stride 1 on a 3x3 image; window maxima: 5 at (0,0), 9 at (1,2) twice,
    # 8 at (2,1).  Upstream gradient [[1, 2], [3, 4]].
    x = Tensor(np.array([[[[5.0, 1, 2], [0, 3, 9], [4, 8, 6]]]]), requires_grad=True)
    out = F.max_pool2d(x, 2, stride=1)
    np.testing.assert_array_equal(out.detach().numpy()[0, 0], [[5, 9], [8, 9]])
    out.backward(Tensor(np.array([[[[1.0, 2.0], [3.0, 4.0]]]])))
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], [[1, 0, 0], [0, 0, 6], [0, 3, 0]])


def test_max_pool_padding_never_wins():
    x = Tensor(-np.arange(1.0, 10.0).reshape(1, 1, 3, 3), requires_grad=True)
    out, idx = F.max_pool2d(x, 3, stride=1, padding=1, return_indices=True)
    np.testing.assert_array_equal(out.detach().numpy()[0, 0], [[-1, -1, -2], [-1, -1, -2],
                                                      [-4, -4, -5]])
    np.testing.assert_array_equal(idx.numpy()[0, 0], [[0, 0, 1], [0, 0, 1], [3, 3, 4]])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy()[0, 0], [[4, 2, 0], [2, 1, 0], [0, 0, 0]])


# --- avg_pool2d ---------------------------------------------------------------------------
@given(cfg=pool2d_configs(dilation=False), seed=st.integers(0, 2**31 - 1),
       override=st.sampled_from([None, None, 1, 3, -2]))
def test_avg_pool_forward_matches_naive_loop(cfg, seed, override):
    x = np.random.default_rng(seed).standard_normal(cfg["input_shape"])
    out = F.avg_pool2d(Tensor(x), **_avg_kwargs(cfg, override))
    expected = naive_avg_pool(x, cfg["kernel_size"], cfg["stride"], cfg["padding"],
                              cfg["ceil_mode"], cfg["count_include_pad"], override)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)


@given(cfg=pool2d_configs(dilation=False, max_size=6), seed=st.integers(0, 2**31 - 1),
       override=st.sampled_from([None, None, 2]))
def test_avg_pool_gradient_matches_finite_differences(cfg, seed, override):
    x = Tensor(np.random.default_rng(seed).standard_normal(cfg["input_shape"]),
               requires_grad=True)
    assert gradcheck(lambda x: F.avg_pool2d(x, **_avg_kwargs(cfg, override)), [x])


@given(cfg=pool2d_configs(dilation=False, max_batch=1, max_channels=2, max_size=5),
       seed=st.integers(0, 2**31 - 1))
def test_avg_pool_double_backward(cfg, seed):
    x = Tensor(np.random.default_rng(seed).standard_normal(cfg["input_shape"]),
               requires_grad=True)
    double_backward_check(lambda x: F.avg_pool2d(x, **_avg_kwargs(cfg)), [x])
    assert gradgradcheck(lambda x: F.avg_pool2d(x, **_avg_kwargs(cfg)), [x])


def test_avg_pool_count_include_pad_by_hand():
    x = Tensor(np.ones((1, 1, 2, 2)))
    # kernel 2, stride 2, padding 1 -> 4 windows, each with one real cell
    np.testing.assert_array_equal(F.avg_pool2d(x, 2, padding=1).numpy()[0, 0],
                                  np.full((2, 2), 0.25))
    np.testing.assert_array_equal(
        F.avg_pool2d(x, 2, padding=1, count_include_pad=False).numpy()[0, 0], np.ones((2, 2)))
    np.testing.assert_array_equal(
        F.avg_pool2d(x, 2, padding=1, divisor_override=2).numpy()[0, 0], np.full((2, 2), 0.5))


def test_avg_pool_unbatched():
    x = np.random.default_rng(3).standard_normal((2, 5, 5))
    out = F.avg_pool2d(Tensor(x), 3, stride=2, padding=1, ceil_mode=True)
    np.testing.assert_allclose(out.numpy(), naive_avg_pool(x[None], (3, 3), (2, 2), (1, 1),
                                                           True, True)[0], atol=1e-12)


# --- adaptive_avg_pool2d --------------------------------------------------------------------
@pytest.mark.parametrize("shape,size", [((2, 3, 6, 8), (3, 4)), ((1, 2, 4, 4), 1),
                                        ((1, 2, 5, 7), (1, 1)), ((1, 1, 6, 6), 6),
                                        ((2, 2, 4, 6), (2, 3))])
def test_adaptive_avg_pool_dividing_sizes(shape, size):
    x = Tensor(np.random.default_rng(4).standard_normal(shape), requires_grad=True)
    oh, ow = (size, size) if isinstance(size, int) else size
    out = F.adaptive_avg_pool2d(x, size)
    np.testing.assert_allclose(out.detach().numpy(), naive_adaptive_avg(x.detach().numpy(), oh, ow), atol=1e-12)
    assert gradcheck(lambda x: F.adaptive_avg_pool2d(x, size), [x])


@given(h=st.integers(1, 7), w=st.integers(1, 7), oh=st.integers(1, 7), ow=st.integers(1, 7),
       seed=st.integers(0, 2**31 - 1))
def test_adaptive_avg_pool_any_sizes_match_naive(h, w, oh, ow, seed):
    x = Tensor(np.random.default_rng(seed).standard_normal((1, 2, h, w)), requires_grad=True)
    out = F.adaptive_avg_pool2d(x, (oh, ow))
    np.testing.assert_allclose(out.detach().numpy(), naive_adaptive_avg(x.detach().numpy(), oh, ow), atol=1e-12)
    assert gradcheck(lambda x: F.adaptive_avg_pool2d(x, (oh, ow)), [x])


def test_adaptive_avg_pool_none_keeps_size_and_unbatched():
    x = np.random.default_rng(5).standard_normal((3, 4, 6))
    out = F.adaptive_avg_pool2d(Tensor(x), (None, 2))
    assert out.shape == (3, 4, 2)
    np.testing.assert_allclose(out.numpy(), naive_adaptive_avg(x[None], 4, 2)[0], atol=1e-12)


# --- torch comparisons ------------------------------------------------------------------------
@given(cfg=pool2d_configs(), seed=st.integers(0, 2**31 - 1))
def test_max_pool_matches_torch(cfg, seed):
    if torch is None:
        pytest.skip("torch not installed")
    x = _no_ties(cfg["input_shape"], seed)
    vals, idx = F.max_pool2d(x, **_max_kwargs(cfg), return_indices=True)
    tx = torch.tensor(x.detach().numpy(), requires_grad=True)
    tv, ti = TF.max_pool2d(tx, **_max_kwargs(cfg), return_indices=True)
    np.testing.assert_array_equal(vals.detach().numpy(), tv.detach().numpy())
    np.testing.assert_array_equal(idx.numpy(), ti.numpy())
    g = np.random.default_rng(seed + 1).standard_normal(tuple(tv.shape))
    (vals * Tensor(g)).sum().backward()
    tv.backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), atol=1e-12)


@given(cfg=pool2d_configs(dilation=False), seed=st.integers(0, 2**31 - 1),
       override=st.sampled_from([None, None, 1, 3]))
def test_avg_pool_matches_torch(cfg, seed, override):
    if torch is None:
        pytest.skip("torch not installed")
    xa = np.random.default_rng(seed).standard_normal(cfg["input_shape"])
    x = Tensor(xa, requires_grad=True)
    out = F.avg_pool2d(x, **_avg_kwargs(cfg, override))
    tx = torch.tensor(xa, requires_grad=True)
    tout = TF.avg_pool2d(tx, **_avg_kwargs(cfg, override))
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = np.random.default_rng(seed + 1).standard_normal(tuple(tout.shape))
    (out * Tensor(g)).sum().backward()
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-12)


@given(h=st.integers(1, 8), w=st.integers(1, 8), oh=st.integers(1, 8), ow=st.integers(1, 8),
       seed=st.integers(0, 2**31 - 1))
def test_adaptive_avg_pool_matches_torch(h, w, oh, ow, seed):
    if torch is None:
        pytest.skip("torch not installed")
    xa = np.random.default_rng(seed).standard_normal((2, 2, h, w))
    out = F.adaptive_avg_pool2d(Tensor(xa), (oh, ow))
    np.testing.assert_allclose(out.numpy(),
                               TF.adaptive_avg_pool2d(torch.tensor(xa), (oh, ow)).numpy(),
                               atol=1e-12)


# --- dtype --------------------------------------------------------------------------------------
@pytest.mark.parametrize("pool", [
    lambda x: F.max_pool2d(x, 2, stride=1, padding=1),
    lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
    lambda x: F.adaptive_avg_pool2d(x, 1)])
def test_pooling_float32_stays_float32(pool):
    x = _no_ties((2, 3, 5, 5), 6, dtype=np.float32)
    out = pool(x)
    assert out.dtype == np.float32
    out.sum().backward()
    assert x.grad.dtype == np.float32


def test_max_pool_float32_values_exact():
    x = _no_ties((1, 2, 4, 4), 7, dtype=np.float32)
    expected, _ = naive_max_pool(x.detach().numpy().astype(np.float64), (2, 2), (2, 2), (0, 0),
                                 (1, 1), False)
    np.testing.assert_array_equal(F.max_pool2d(x, 2).detach().numpy(), expected.astype(np.float32))


# --- errors ---------------------------------------------------------------------------------------
def _t(*shape):
    return Tensor(np.zeros(shape))


@pytest.mark.parametrize("pool,name", [(F.max_pool2d, "max_pool2d"),
                                       (F.avg_pool2d, "avg_pool2d")])
def test_pool_wrong_ndim(pool, name):
    with pytest.raises(RuntimeError, match=rf"Expected 3D \(unbatched\) or 4D \(batched\) input "
                                         rf"to {name}, but got input of size: \[4, 4\]"):
        pool(_t(4, 4), 2)


@pytest.mark.parametrize("pool", [F.max_pool2d, F.avg_pool2d])
def test_pool_padding_more_than_half_kernel(pool):
    with pytest.raises(RuntimeError, match=r"pad should be at most half of kernel size.*"
                                         r"pad=\(2, 2\).*kernel_size=\(3, 3\)"):
        pool(_t(1, 1, 8, 8), 3, padding=2)
    with pytest.raises(RuntimeError, match="pad should be at most half of kernel size"):
        pool(_t(1, 1, 8, 8), (4, 2), padding=(0, 2))


@pytest.mark.parametrize("pool", [F.max_pool2d, F.avg_pool2d])
def test_pool_zero_kernel(pool):
    with pytest.raises(RuntimeError, match="kernel_size must be at least 1"):
        pool(_t(1, 1, 4, 4), 0)
    with pytest.raises(RuntimeError, match="kernel_size must be at least 1"):
        pool(_t(1, 1, 4, 4), (2, 0))


@pytest.mark.parametrize("pool", [F.max_pool2d, F.avg_pool2d])
def test_pool_stride_below_one(pool):
    with pytest.raises(RuntimeError, match="stride must be at least 1"):
        pool(_t(1, 1, 4, 4), 2, stride=0)


def test_max_pool_dilation_below_one():
    with pytest.raises(RuntimeError, match="dilation must be at least 1"):
        F.max_pool2d(_t(1, 1, 4, 4), 2, dilation=0)


@pytest.mark.parametrize("pool", [F.max_pool2d, F.avg_pool2d])
def test_pool_output_smaller_than_one(pool):
    with pytest.raises(RuntimeError, match="larger than the padded input"):
        pool(_t(1, 1, 2, 2), 3, padding=0)
    with pytest.raises(RuntimeError, match="larger than the padded input"):
        pool(_t(1, 1, 2, 5), (5, 2), padding=(1, 0))


def test_max_pool_dilated_kernel_larger_than_input():
    with pytest.raises(RuntimeError, match="larger than the padded input"):
        F.max_pool2d(_t(1, 1, 4, 4), 3, dilation=2)


def test_avg_pool_zero_divisor_override():
    with pytest.raises(RuntimeError, match="divisor_override must be non-zero"):
        F.avg_pool2d(_t(1, 1, 4, 4), 2, divisor_override=0)


def test_adaptive_avg_pool_zero_output_size():
    assert tuple(F.adaptive_avg_pool2d(_t(1, 1, 4, 4), 0).shape) == (1, 1, 0, 0)  # as torch
    with pytest.raises(RuntimeError, match="output_size must be at least 0"):
        F.adaptive_avg_pool2d(_t(1, 1, 4, 4), -1)
    with pytest.raises(RuntimeError, match=r"Expected 3D \(unbatched\) or 4D"):
        F.adaptive_avg_pool2d(_t(4, 4), 1)


# --- ceil_mode windows that overhang the right/bottom padding ---------------------------------
@pytest.mark.parametrize("size,kernel,stride,padding", [
    (5, 2, 2, 0), (4, 3, 2, 0), (6, 3, 2, 1), (7, 2, 3, 1), (5, 3, 3, 0), (8, 3, 3, 1)])
@pytest.mark.parametrize("count_include_pad", [True, False])
def test_avg_pool_ceil_mode_overhanging_window(size, kernel, stride, padding,
                                               count_include_pad):
    # the last window reaches past the padded input: PyTorch's divisor stops at the padding
    xa = np.random.default_rng(size * kernel + stride).standard_normal((1, 2, size, size + 1))
    x = Tensor(xa, requires_grad=True)
    kw = dict(kernel_size=kernel, stride=stride, padding=padding, ceil_mode=True,
              count_include_pad=count_include_pad)
    out = F.avg_pool2d(x, **kw)
    np.testing.assert_allclose(
        out.detach().numpy(), naive_avg_pool(xa, (kernel,) * 2, (stride,) * 2, (padding,) * 2, True,
                                    count_include_pad), rtol=1e-12, atol=1e-12)
    assert gradcheck(lambda x: F.avg_pool2d(x, **kw), [x])
    if torch is not None:
        np.testing.assert_allclose(out.detach().numpy(), TF.avg_pool2d(torch.tensor(xa), **kw).detach().numpy(),
                                   rtol=1e-12, atol=1e-12)


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("kernel, stride", [(2, 2), (3, 2), (2, 1), (3, 3)])
def test_max_pool_sends_an_inf_or_nan_gradient_only_to_the_maximum(kernel, stride):
    # g * mask would give inf * 0 = NaN at every other cell of the window.
    x = np.random.default_rng(0).standard_normal((1, 2, 6, 6)).astype(np.float32)
    grads = []
    import minigrad
    for lib in (minigrad, torch):
        leaf_x = lib.tensor(x, requires_grad=True)
        out = lib.nn.functional.max_pool2d(leaf_x, kernel, stride)
        g = np.full(tuple(out.shape), np.inf, np.float32)
        g.flat[0] = np.nan
        out.backward(lib.tensor(g))
        grads.append(leaf_x.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])


def test_max_pool_without_gradient_keeps_no_argmax_and_gives_torchs_values():
    """Under no_grad (or for an input that needs none) the tiled path computes the maxima
    only; the values, NaN included, are PyTorch's."""
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(3).standard_normal((2, 3, 8, 6)).astype(np.float32)
    x[0, 1, 2, 3] = np.nan
    expected = torch.nn.functional.max_pool2d(torch.tensor(x), (2, 3)).numpy()
    with minigrad.no_grad():
        out = minigrad.nn.functional.max_pool2d(minigrad.tensor(x, requires_grad=True), (2, 3))
    assert out.grad_fn is None
    np.testing.assert_array_equal(out.numpy(), expected)
    plain = minigrad.nn.functional.max_pool2d(minigrad.tensor(x), (2, 3))
    np.testing.assert_array_equal(plain.numpy(), expected)
