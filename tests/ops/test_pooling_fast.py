"""minigrad/ops/pooling_fast.py and the backward_arrays of the pooling primitives.

The two-step path for windows that tile the image is compared with the general one-offset-
at-a-time path of pooling.py (values, argmax offsets with ties, gradients), and every
primitive's backward_arrays with its differentiable backward. Output sizes with ceil_mode,
dilation and padding are compared with torch, including which configurations raise.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import minigrad
import minigrad.nn.functional as F
from minigrad.ops import pooling, pooling_fast
from minigrad.tensor import Tensor
from minigrad.testing.strategies import pool2d_configs

torch = pytest.importorskip("torch")
TF = torch.nn.functional


@st.composite
def tiled_images(draw):
    """An image whose kh x kw windows tile it, with small integer values (many ties)."""
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    oh, ow = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    n, c = draw(st.integers(1, 2)), draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**31 - 1))
    x = np.random.default_rng(seed).integers(-2, 3, (n, c, oh * kh, ow * kw)).astype(float)
    return x, (kh, kw)


@given(case=tiled_images())
def test_tiled_max_pool_matches_the_general_path_with_ties(case):
    x, kernel = case
    out = (x.shape[2] // kernel[0], x.shape[3] // kernel[1])
    best, rows, cols = pooling_fast.max_pool(x, kernel)
    expected_best, expected_arg = pooling._max_windows(x, kernel, kernel, (1, 1), out)
    np.testing.assert_array_equal(best, expected_best)
    arg = pooling_fast.flat_offsets(rows, cols, kernel).reshape(best.shape)
    np.testing.assert_array_equal(arg, expected_arg)
    g = np.random.default_rng(0).standard_normal(best.shape)
    np.testing.assert_array_equal(
        pooling_fast.max_route(g, rows, cols, kernel, x.shape),
        pooling._route(g, expected_arg, x.shape, kernel, kernel, (1, 1)))


@given(case=tiled_images())
def test_tiled_sums_and_spread_match_loops(case):
    x, (kh, kw) = case
    sums = pooling_fast.window_sums(x, (kh, kw))
    n, c, h, w = x.shape
    expected = x.reshape(n, c, h // kh, kh, w // kw, kw).sum(axis=(3, 5))
    np.testing.assert_allclose(sums, expected, atol=1e-12)
    share = np.random.default_rng(1).standard_normal(sums.shape)
    spread = pooling_fast.spread(share, (kh, kw), x.shape)
    np.testing.assert_array_equal(spread, np.repeat(np.repeat(share, kh, 2), kw, 3))


@pytest.mark.parametrize("blas_min", [0, 1 << 40])  # both ways of summing, whatever the size
@given(case=tiled_images())
def test_tiled_sums_either_way_match_a_reshape_sum(blas_min, case):
    x, (kh, kw) = case
    x = x.astype(np.float32)
    x.flat[0] = np.inf if x.size > 1 else x.flat[0]
    n, c, h, w = x.shape
    expected = x.astype(np.float64).reshape(n, c, h // kh, kh, w // kw, kw).sum(axis=(3, 5))
    saved = pooling_fast.BLAS_SUMS_MIN
    pooling_fast.BLAS_SUMS_MIN = blas_min
    try:
        sums = pooling_fast.window_sums(x, (kh, kw))
    finally:
        pooling_fast.BLAS_SUMS_MIN = saved
    assert sums.dtype == np.float32
    np.testing.assert_allclose(sums, expected, rtol=1e-6, atol=1e-5)


def _pool_node(pool, cfg, seed):
    x = Tensor(np.random.default_rng(seed).standard_normal(cfg["input_shape"]),
               requires_grad=True)
    if pool == "max":
        out = F.max_pool2d(x, cfg["kernel_size"], cfg["stride"], cfg["padding"],
                           cfg["dilation"], cfg["ceil_mode"])
    else:
        out = F.avg_pool2d(x, cfg["kernel_size"], cfg["stride"], cfg["padding"],
                           cfg["ceil_mode"], cfg["count_include_pad"])
    node = out.grad_fn
    while node.function.name not in ("max_pool2d", "avg_pool2d"):  # past squeeze/pad, if any
        node = node.next_edges[0][0]
    return out, node


@pytest.mark.parametrize("pool", ["max", "avg"])
@given(cfg=pool2d_configs(max_size=9), seed=st.integers(0, 2**31 - 1))
def test_backward_arrays_agrees_with_backward(pool, cfg, seed):
    if pool == "avg":
        cfg = dict(cfg, dilation=(1, 1))
    _, node = _pool_node(pool, cfg, seed)
    shape = node.output_meta[0][0]
    g = np.random.default_rng(seed + 1).standard_normal(shape)
    with minigrad.enable_grad():
        expected = node.function.backward(node, Tensor(g))
    got = node.function.backward_arrays(node, g)
    assert len(got) == len(expected) == len(node.next_edges)
    assert isinstance(got[0], np.ndarray) and set(got[1:]) == {None}
    np.testing.assert_allclose(got[0], expected[0].numpy(), rtol=1e-12, atol=1e-12)


def test_max_pool_ceil_mode_with_dilation_keeps_a_window_that_overhangs():
    # issue 11: PyTorch gives one window here, its second tap in the right padding
    x = np.array([[[[1.0, 5.0, 2.0], [3.0, 0.0, 4.0]]]])
    out = F.max_pool2d(Tensor(x), 2, dilation=2, ceil_mode=True)
    expected = TF.max_pool2d(torch.tensor(x), 2, dilation=2, ceil_mode=True)
    assert out.shape == tuple(expected.shape) == (1, 1, 1, 1)
    np.testing.assert_array_equal(out.numpy(), expected.numpy())


@st.composite
def any_pool_geometry(draw):
    """Sizes, kernels, strides, paddings (up to half the kernel), dilations, ceil_mode:
    valid or not, as long as PyTorch's own argument checks pass."""
    kernel = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    return dict(size=(draw(st.integers(1, 7)), draw(st.integers(1, 7))), kernel=kernel,
                stride=(draw(st.integers(1, 3)), draw(st.integers(1, 3))),
                padding=(draw(st.integers(0, kernel[0] // 2)),
                         draw(st.integers(0, kernel[1] // 2))),
                dilation=(draw(st.integers(1, 3)), draw(st.integers(1, 3))),
                ceil_mode=draw(st.booleans()))


def _outcome(call):
    try:
        return tuple(call().shape)
    except RuntimeError:
        return RuntimeError


@given(geo=any_pool_geometry(), pool=st.sampled_from(["max", "avg"]))
def test_output_shapes_and_errors_match_torch(geo, pool):
    x = np.random.default_rng(0).standard_normal((1, 2) + geo["size"])
    kw = dict(kernel_size=geo["kernel"], stride=geo["stride"], padding=geo["padding"],
              ceil_mode=geo["ceil_mode"])
    if pool == "max":
        kw["dilation"] = geo["dilation"]
        ours = lambda: F.max_pool2d(Tensor(x), **kw)
        theirs = lambda: TF.max_pool2d(torch.tensor(x), **kw)
    else:
        ours = lambda: F.avg_pool2d(Tensor(x), **kw)
        theirs = lambda: TF.avg_pool2d(torch.tensor(x), **kw)
    expected = _outcome(theirs)
    assert _outcome(ours) == expected
    if expected is not RuntimeError:
        np.testing.assert_allclose(ours().numpy(), theirs().numpy(), atol=1e-12)
