"""minigrad/testing/strategies.py: the strategies draw what they promise, and the hypothesis
profiles are the documented ones."""
from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad
from minigrad.testing.strategies import (arrays, broadcastable_shapes, conv2d_configs,
                                         distinct_values, pool2d_configs, shapes, tensors)

try:
    import torch
except ImportError:
    torch = None


# --- shapes ----------------------------------------------------------------------------------
@given(data=st.data())
def test_shapes_respect_their_bounds(data):
    min_dims = data.draw(st.integers(0, 3))
    max_dims = data.draw(st.integers(min_dims, 4))
    min_side = data.draw(st.integers(0, 3))
    max_side = data.draw(st.integers(min_side, 5))
    shape = data.draw(shapes(min_dims, max_dims, min_side, max_side))
    assert isinstance(shape, tuple)
    assert min_dims <= len(shape) <= max_dims
    assert all(min_side <= n <= max_side for n in shape)


@given(data=st.data())
def test_broadcastable_shapes_broadcast_together(data):
    n = data.draw(st.integers(1, 4))
    drawn = data.draw(broadcastable_shapes(n, max_dims=3, max_side=4))
    assert isinstance(drawn, tuple) and len(drawn) == n
    np.broadcast_shapes(*drawn)  # raises if they do not


def test_broadcastable_shapes_do_include_real_broadcasting():
    seen = set()

    @settings(max_examples=60, database=None)
    @given(pair=broadcastable_shapes(2))
    def collect(pair):
        a, b = pair
        seen.add((len(a) != len(b), any(x != y for x, y in zip(a[::-1], b[::-1]))))

    collect()
    assert (True, False) in seen or (True, True) in seen  # a missing leading dim
    assert any(differs for _, differs in seen)  # a size-1 dim stretched


# --- arrays and tensors ----------------------------------------------------------------------
@given(a=arrays())
def test_arrays_default_to_finite_float64_in_a_small_range(a):
    assert isinstance(a, np.ndarray) and a.dtype == np.float64
    assert np.all(np.isfinite(a)) and np.all(np.abs(a) <= 3)


@given(a=arrays((2, 3), np.float32, elements=st.floats(0.5, 1.0, width=32)))
def test_arrays_with_shape_dtype_and_elements(a):
    assert a.shape == (2, 3) and a.dtype == np.float32
    assert np.all((a >= 0.5) & (a <= 1.0))


@given(a=arrays((5,), np.int64))
def test_integer_arrays(a):
    assert a.dtype == np.int64 and np.all(np.abs(a) <= 5)


@given(t=tensors(requires_grad=True), u=tensors(shapes(min_dims=2, max_dims=2), np.float32))
def test_tensors(t, u):
    assert isinstance(t, minigrad.Tensor) and t.dtype == np.float64 and t.requires_grad
    assert t.is_leaf
    assert u.ndim == 2 and u.dtype == np.float32 and not u.requires_grad


@given(t=tensors((6,), unique=True))
def test_unique_tensors(t):
    assert len(set(t.tolist())) == 6


# --- distinct values -------------------------------------------------------------------------
@given(data=st.data())
def test_distinct_values_keep_their_gap_and_stay_off_the_grid(data):
    gap = data.draw(st.sampled_from([0.1, 0.5, 1.0, 0.03]))
    t = data.draw(distinct_values(shapes(min_dims=1, max_side=5), gap=gap))
    a = t.numpy().reshape(-1)
    assert t.dtype == np.float64 and not t.requires_grad
    if a.size > 1:
        d = np.abs(a[:, None] - a[None, :])[~np.eye(a.size, dtype=bool)]
        assert d.min() >= gap * (1 - 1e-9)  # no ties, and no near-ties
    off_grid = np.abs(a / gap - np.round(a / gap)) * gap
    assert off_grid.min() >= gap / 10 * (1 - 1e-6)  # away from multiples of gap...
    assert np.abs(a).min() >= gap / 10 * (1 - 1e-6)  # ...and so away from 0


@given(t=distinct_values((3, 2), dtype=np.float32, requires_grad=True))
def test_distinct_values_shape_dtype_and_requires_grad(t):
    assert t.shape == (3, 2) and t.dtype == np.float32 and t.requires_grad


def test_distinct_values_are_not_always_sorted():
    orders = set()

    @settings(max_examples=40, database=None)
    @given(t=distinct_values((4,)))
    def collect(t):
        orders.add(tuple(np.argsort(t.numpy())))

    collect()
    assert len(orders) > 1


# --- conv2d and pool2d configurations --------------------------------------------------------
def _out(n: int, k: int, s: int, p: int, d: int) -> int:
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


@given(cfg=conv2d_configs())
def test_conv2d_configs_are_valid(cfg):
    shape, weight = cfg["input_shape"], cfg["weight_shape"]
    assert len(shape) in (3, 4) and len(weight) == 4
    c_in = shape[-3]
    groups = cfg["groups"]
    assert c_in % groups == 0 and weight[0] % groups == 0
    assert weight[1] * groups == c_in
    assert isinstance(cfg["bias"], bool)
    for axis in (0, 1):
        out = _out(shape[-2 + axis], weight[2 + axis], cfg["stride"][axis],
                   cfg["padding"][axis], cfg["dilation"][axis])
        assert out >= 1
        assert cfg["stride"][axis] >= 1 and cfg["dilation"][axis] >= 1
        assert cfg["padding"][axis] >= 0


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@given(cfg=conv2d_configs())
def test_conv2d_configs_are_accepted_by_torch(cfg):
    x = torch.zeros(cfg["input_shape"], dtype=torch.float64)
    w = torch.zeros(cfg["weight_shape"], dtype=torch.float64)
    b = torch.zeros(cfg["weight_shape"][0], dtype=torch.float64) if cfg["bias"] else None
    out = torch.nn.functional.conv2d(x, w, b, stride=cfg["stride"], padding=cfg["padding"],
                                     dilation=cfg["dilation"], groups=cfg["groups"])
    assert min(out.shape[-2:]) >= 1


@given(cfg=pool2d_configs())
def test_pool2d_configs_are_valid(cfg):
    n, c, h, w = cfg["input_shape"]
    kernel, stride, padding, dilation = (cfg[k] for k in ("kernel_size", "stride", "padding",
                                                          "dilation"))
    for axis, size in ((0, h), (1, w)):
        k, s, p, d = kernel[axis], stride[axis], padding[axis], dilation[axis]
        assert 0 <= p <= k // 2  # PyTorch: pad at most half the kernel
        out = _out(size, k, s, p, d)
        assert out >= 1
        # every window (floor mode) covers at least one input cell, not only padding
        for o in range(out):
            assert any(0 <= o * s - p + i * d < size for i in range(k))
    assert isinstance(cfg["ceil_mode"], bool) and isinstance(cfg["count_include_pad"], bool)


@given(cfg=pool2d_configs(dilation=False))
def test_pool2d_configs_without_dilation(cfg):
    assert cfg["dilation"] == (1, 1)


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@given(cfg=pool2d_configs())
def test_pool2d_configs_are_accepted_by_torch_with_finite_outputs(cfg):
    x = torch.arange(float(np.prod(cfg["input_shape"])), dtype=torch.float64)
    x = x.reshape(cfg["input_shape"])
    out = torch.nn.functional.max_pool2d(x, cfg["kernel_size"], cfg["stride"], cfg["padding"],
                                         cfg["dilation"], ceil_mode=cfg["ceil_mode"])
    assert torch.isfinite(out).all()  # no window made only of padding
    if cfg["dilation"] == (1, 1):
        out = torch.nn.functional.avg_pool2d(x, cfg["kernel_size"], cfg["stride"],
                                             cfg["padding"], ceil_mode=cfg["ceil_mode"],
                                             count_include_pad=cfg["count_include_pad"])
        assert torch.isfinite(out).all()


def test_the_configurations_cover_the_interesting_cases():
    seen = {"groups>1": False, "dilation>1": False, "padding>0": False, "stride>1": False,
            "unbatched": False, "ceil_mode": False}

    @settings(max_examples=80, database=None)
    @given(conv=conv2d_configs(), pool=pool2d_configs())
    def collect(conv, pool):
        seen["groups>1"] |= conv["groups"] > 1
        seen["dilation>1"] |= max(conv["dilation"] + pool["dilation"]) > 1
        seen["padding>0"] |= max(conv["padding"] + pool["padding"]) > 0
        seen["stride>1"] |= max(conv["stride"] + pool["stride"]) > 1
        seen["unbatched"] |= len(conv["input_shape"]) == 3
        seen["ceil_mode"] |= pool["ceil_mode"]

    collect()
    assert all(seen.values()), seen


# --- the profiles ----------------------------------------------------------------------------
def test_hypothesis_profiles_quick_by_default_thorough_by_environment_variable():
    quick, thorough = settings.get_profile("quick"), settings.get_profile("thorough")
    assert quick.max_examples < thorough.max_examples
    assert quick.deadline is None and thorough.deadline is None
    expected = os.environ.get("MINIGRAD_HYPOTHESIS", "quick")
    assert settings.default.max_examples == settings.get_profile(expected).max_examples


def test_strategies_are_importable_from_the_documented_place():
    import minigrad.testing.strategies as strategies

    for name in ("shapes", "broadcastable_shapes", "arrays", "tensors", "distinct_values",
                 "conv2d_configs", "pool2d_configs", "assert_gradients_match"):
        assert callable(getattr(strategies, name)), name
    assert strategies.__doc__
